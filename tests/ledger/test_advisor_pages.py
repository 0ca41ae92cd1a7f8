"""The advisor's phone pages of the work log: the form, its errors at the field, idempotent retries, photos,
edits with their trail, the log's page for every role that may see it (404 for the others), lectures,
incidents and the advisor's home page (see the map in tests/conftest.py; "today" is 2026-06-15 10:00)."""

import io
import re
import uuid
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from ledger import services
from ledger.models import (
    Incident,
    Lecture,
    LedgerSubmission,
    ServiceType,
    WorkLog,
    WorkLogEvent,
    WorkLogPhoto,
)
from notifications.models import Notification
from tests.factories import AgreementFactory, VillageFactory, WorkLogFactory, make_liaison_user
from tests.web import queries_of, text

pytestmark = pytest.mark.django_db

NEW = "/logs/new/"


def type_pk(code: str) -> int:
    return ServiceType.objects.get(code=code).pk


def log_data(village, **changes) -> dict:
    """What an advisor types for one consultation in `village` this morning."""
    data = {
        "village": village.pk,
        "mode": "onsite",
        "service_date": "2026-06-15",
        "start_time": "08:30",
        "end_time": "09:40",
        "service_types": [type_pk("consultation")],
        "object_kind": "person",
        "object_name": "王大爷",
        "object_phone": "13912345678",
        "object_situation": "本村村民，68岁",
        "people_served": "1",
        "content": "咨询宅基地继承问题，讲解了民法典继承编的规定。",
        "result": "当事人表示清楚了，将与兄弟协商。",
        "remarks": "",
        "mediation_problem": "",
        "mediation_measures": "",
        "mediation_result": "",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def field_errors(response, field: str) -> str:
    """The text of the error list rendered at `field` (Django gives it the id "id_<field>_error")."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', text(response), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def jpeg_with_gps(size=(2400, 1800), name="IMG_0001.jpg") -> SimpleUploadedFile:
    """A phone photo: larger than the stored size, with the camera and the place it was taken in its EXIF."""
    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 45.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 38.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def advisor_client(client, advisor_user):
    client.force_login(advisor_user)
    return client


# --- the form ---


def test_it_shows_the_form_in_chinese_with_todays_defaults_and_the_village_from_the_link(
    advisor_client, village, second_village
):
    response = advisor_client.get(f"{NEW}?village={second_village.pk}")

    assert response.status_code == 200
    page = text(response)
    for label in (
        "村(社区)",
        "服务方式",
        "服务日期",
        "服务类型",
        "服务对象",
        "联系电话",
        "服务内容",
        "处理结果",
    ):
        assert label in page
    assert "保存草稿" in page and "提交" in page
    assert f'<option value="{second_village.pk}" selected>李家村（柳林镇）</option>' in page
    assert 'value="2026-06-15"' in page
    assert 'name="start_time" value="09:00"' in page
    assert 'name="end_time" value="10:00"' in page
    assert 'value="onsite"' in page and re.search(r'value="onsite"[^>]*checked', page)
    assert 'inputmode="tel"' in page
    form = response.context["form"]
    assert form.initial["client_uuid"]
    assert {o.pk for o in form.fields["village"].queryset} == {village.pk, second_village.pk}


def test_it_preselects_the_only_village(advisor_client, village, second_agreement):
    second_agreement.delete()

    page = text(advisor_client.get(NEW))

    assert f'<option value="{village.pk}" selected>王庄村（柳林镇）</option>' in page
    assert "请选择村(社区)" not in page


def test_it_saves_a_draft_and_records_who_created_it(advisor_client, advisor_user, village):
    response = advisor_client.post(NEW, {**log_data(village), "save": "1"})

    worklog = WorkLog.objects.get()
    assert response.status_code == 302
    assert response.url == f"/logs/{worklog.pk}/"
    assert worklog.status == WorkLog.Status.DRAFT
    assert str(worklog.hours) == "1.17"
    assert worklog.firm_name == "河南正义律师事务所"
    assert [(e.action, e.by) for e in worklog.events.all()] == [(WorkLogEvent.Action.CREATED, advisor_user)]


def test_it_submits_a_log_with_the_submit_button(advisor_client, village):
    data = log_data(village, service_types=[type_pk("consultation"), type_pk("document_drafting")])

    response = advisor_client.post(NEW, {**data, "submit": "1"})

    worklog = WorkLog.objects.get()
    assert response.status_code == 302
    assert worklog.status == WorkLog.Status.SUBMITTED
    assert worklog.submitted_at is not None
    assert str(worklog.client_uuid) == data["client_uuid"]
    assert {t.code for t in worklog.service_types.all()} == {"consultation", "document_drafting"}
    assert list(worklog.events.values_list("action", flat=True)) == ["created", "submitted"]
    assert "日志已提交" in text(advisor_client.get(response.url))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_time": "10:00", "end_time": "09:00"}, "end_time", "结束时间必须晚于开始时间。"),
        ({"service_date": "2026-06-16"}, "service_date", "服务日期不能晚于今天。"),
        ({"service_types": []}, "service_types", "请至少选择一种服务类型。"),
        (
            {"service_types": ["mediation"]},
            "mediation_problem",
            "纠纷调解须分别填写纠纷问题、调解措施和调解结果。",
        ),
        ({"service_date": "2025-12-20"}, "village", "没有与 王庄村 的生效协议"),
        ({"object_name": ""}, "object_name", "这个字段是必填项。"),
    ],
    ids=[
        "end-before-start",
        "future-date",
        "no-service-type",
        "mediation-without-fields",
        "no-agreement",
        "blank",
    ],
)
def test_it_returns_the_form_filled_in_with_the_message_at_the_field(
    advisor_client, village, changes, field, message
):
    if "service_types" in changes:  # codes in the parameters (no database yet), primary keys in the form
        changes = {**changes, "service_types": [type_pk(code) for code in changes["service_types"]]}
    data = log_data(village, **changes)

    response = advisor_client.post(NEW, {**data, "submit": "1"})

    assert response.status_code == 200
    assert not WorkLog.objects.exists()
    assert message in field_errors(response, field)
    page = text(response)
    assert "请修改下面标红的内容" in page
    # Nothing typed is lost, the retry key included.
    assert "咨询宅基地继承问题，讲解了民法典继承编的规定。" in page
    assert 'value="13912345678"' in page
    assert f'value="{data["client_uuid"]}"' in page
    if field != "object_name":
        assert 'value="王大爷"' in page


def test_it_puts_every_missing_mediation_field_in_red(advisor_client, village):
    data = log_data(village, service_types=[type_pk("mediation")], mediation_problem="邻里宅基地界址纠纷")

    response = advisor_client.post(NEW, {**data, "submit": "1"})

    assert field_errors(response, "mediation_problem") == ""
    assert "纠纷调解须分别填写" in field_errors(response, "mediation_measures")
    assert "纠纷调解须分别填写" in field_errors(response, "mediation_result")
    assert "邻里宅基地界址纠纷" in text(response)


def test_it_refuses_a_village_the_advisor_does_not_serve(
    advisor_client, vacant_village, other_township_village
):
    for elsewhere in (vacant_village, other_township_village):
        response = advisor_client.post(NEW, {**log_data(elsewhere), "submit": "1"})

        assert response.status_code == 200
        assert "有效的选项" in field_errors(response, "village")
    assert not WorkLog.objects.exists()


def test_it_saves_the_same_service_once_when_the_form_is_sent_twice(advisor_client, village):
    data = {**log_data(village), "submit": "1"}

    first = advisor_client.post(NEW, data)
    again = advisor_client.post(NEW, data)

    worklog = WorkLog.objects.get()
    assert first.url == again.url == f"/logs/{worklog.pk}/"
    assert worklog.events.count() == 2  # created, submitted: nothing twice
    assert "未重复保存" in text(advisor_client.get(again.url))


@pytest.mark.parametrize("role_user", ["office_user", "liaison_user", "bureau_admin_user", "stranger"])
def test_it_lets_only_advisors_record_a_log(client, advisor_user, village, request, role_user):
    client.force_login(request.getfixturevalue(role_user))

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {**log_data(village), "submit": "1"}).status_code == 403
    assert client.get("/logs/lectures/new/").status_code == 403
    assert client.post("/logs/incidents/new/", {"village": village.pk, "summary": "x"}).status_code == 403
    assert not WorkLog.objects.exists()


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, today):
    response = client.get(NEW)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- photos ---


def test_it_stores_photos_without_exif_at_most_1600px_and_serves_them_only_within_scope(
    client, advisor_user, office_user, other_advisor_user, liaison_user, other_office_user, village
):
    client.force_login(advisor_user)
    data = {**log_data(village), "submit": "1", "photos": [jpeg_with_gps(), jpeg_with_gps(name="b.jpg")]}

    response = client.post(NEW, data)

    assert response.status_code == 302
    photos = list(WorkLogPhoto.objects.all())
    assert len(photos) == 2
    with photos[0].image.open("rb") as stored, Image.open(stored) as image:
        assert max(image.size) <= 1600
        assert image.size == (1600, 1200)
        assert len(image.getexif()) == 0
    url = photos[0].image.url
    assert url.startswith("/private/worklogs/")
    assert url in text(client.get(response.url))
    assert client.get(url).status_code == 200
    for allowed in (office_user, liaison_user):
        client.force_login(allowed)
        assert client.get(url).status_code == 200
    for outsider in (other_advisor_user, other_office_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_it_adds_photos_to_a_submitted_log_up_to_six(advisor_client, agreement, today):
    worklog = WorkLogFactory(agreement=agreement, service_date=today)
    url = f"/logs/{worklog.pk}/photos/"

    response = advisor_client.post(url, {"photos": [jpeg_with_gps((800, 600), f"{n}.jpg") for n in range(4)]})

    assert response.status_code == 302
    assert worklog.photos.count() == 4
    assert worklog.events.filter(action="photo_added", note="4").exists()
    too_many = advisor_client.post(url, {"photos": [jpeg_with_gps((800, 600), f"{n}.jpg") for n in range(3)]})
    assert worklog.photos.count() == 4
    assert "最多" in text(advisor_client.get(too_many.url))


def test_it_refuses_a_file_that_is_not_a_photo_and_keeps_the_form(advisor_client, village):
    bogus = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")

    response = advisor_client.post(NEW, {**log_data(village), "submit": "1", "photos": [bogus]})

    assert response.status_code == 200
    assert field_errors(response, "photos")
    assert "请重新选择" in text(response)
    assert 'value="王大爷"' in text(response)
    assert not WorkLog.objects.exists()


def test_it_lets_only_the_author_add_photos(client, office_user, other_advisor_user, agreement, today):
    worklog = WorkLogFactory(agreement=agreement, service_date=today)
    client.force_login(office_user)
    assert (
        client.post(f"/logs/{worklog.pk}/photos/", {"photos": [jpeg_with_gps((80, 60))]}).status_code == 403
    )
    client.force_login(other_advisor_user)
    assert (
        client.post(f"/logs/{worklog.pk}/photos/", {"photos": [jpeg_with_gps((80, 60))]}).status_code == 404
    )
    assert not worklog.photos.exists()


# --- edit, submit ---


def test_it_sends_the_author_of_a_submitted_log_from_its_edit_address_to_its_page(
    advisor_client, agreement, village, today
):
    worklog = WorkLogFactory(agreement=agreement, service_date=today)

    response = advisor_client.get(f"/logs/{worklog.pk}/edit/", follow=True)
    assert response.redirect_chain == [(worklog.get_absolute_url(), 302)]
    assert "这条日志已提交，不能再修改" in response.content.decode()
    assert "没有权限" not in response.content.decode()
    response = advisor_client.post(f"/logs/{worklog.pk}/edit/", {**log_data(village), "submit": "1"})
    assert response.status_code == 302 and response["Location"] == worklog.get_absolute_url()
    worklog.refresh_from_db()
    assert worklog.object_name != "王大爷"


def test_it_edits_a_returned_log_and_records_each_changed_field(
    advisor_client, advisor_user, agreement, village, today
):
    worklog = WorkLogFactory(
        agreement=agreement,
        service_date=today,
        status=WorkLog.Status.RETURNED,
        return_reason="服务时间与村委会记录不符",
        object_name="王大爷",
        object_phone="13912345678",
        object_situation="本村村民，68岁",
        content="咨询宅基地继承问题，讲解了民法典继承编的规定。",
        result="当事人表示清楚了，将与兄弟协商。",
        start_time=time(8, 30),
        end_time=time(9, 40),
    )
    edit = f"/logs/{worklog.pk}/edit/"
    form_page = text(advisor_client.get(edit))
    assert "服务时间与村委会记录不符" in form_page
    assert 'value="王大爷"' in form_page

    data = log_data(village, end_time="10:10", service_types=[type_pk("consultation"), type_pk("mediation")])
    data.update(
        mediation_problem="兄弟间继承纠纷", mediation_measures="释法说理", mediation_result="达成一致"
    )
    response = advisor_client.post(edit, {**data, "submit": "1", "version": worklog.updated_at.isoformat()})

    assert response.status_code == 302
    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.SUBMITTED
    assert worklog.end_time == time(10, 10)
    assert worklog.return_reason == ""
    edited = worklog.events.get(action=WorkLogEvent.Action.EDITED)
    assert edited.by == advisor_user
    assert edited.changes["end_time"] == ["09:40", "10:10"]
    assert set(edited.changes) == {
        "end_time",
        "service_types",
        "mediation_problem",
        "mediation_measures",
        "mediation_result",
    }
    page = text(advisor_client.get(response.url))
    assert "结束时间" in page and "09:40" in page and "10:10" in page
    assert "法律咨询、纠纷调解" in page  # the types, in words


def test_it_keeps_the_typed_edit_when_the_service_refuses_it(advisor_client, agreement, village, today):
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT)

    response = advisor_client.post(
        f"/logs/{worklog.pk}/edit/",
        {
            **log_data(village, content="改过的内容", end_time="08:00"),
            "save": "1",
            "version": worklog.updated_at.isoformat(),
        },
    )

    assert response.status_code == 200
    assert "结束时间必须晚于开始时间" in field_errors(response, "end_time")
    assert "改过的内容" in text(response)
    worklog.refresh_from_db()
    assert worklog.content != "改过的内容"
    assert not worklog.events.filter(action="edited").exists()


@pytest.mark.parametrize("role_user", ["office_user", "liaison_user"])
def test_it_lets_only_the_author_edit(client, agreement, village, today, request, role_user):
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.RETURNED)
    client.force_login(request.getfixturevalue(role_user))

    assert client.get(f"/logs/{worklog.pk}/edit/").status_code == 403


def test_it_submits_a_draft_from_its_page(advisor_client, agreement, today):
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT)

    assert advisor_client.get(f"/logs/{worklog.pk}/submit/").status_code == 405
    response = advisor_client.post(f"/logs/{worklog.pk}/submit/")

    assert response.status_code == 302
    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.SUBMITTED
    again = advisor_client.post(f"/logs/{worklog.pk}/submit/")
    assert "只有草稿或退回的日志可以提交" in text(advisor_client.get(again.url))


def test_it_refuses_a_submit_by_anyone_but_the_author(client, office_user, agreement, today):
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.RETURNED)
    client.force_login(office_user)

    assert client.post(f"/logs/{worklog.pk}/submit/").status_code == 403
    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.RETURNED


# --- the log's page ---


def test_it_shows_every_field_of_the_provincial_form_and_the_trail(
    advisor_client, village, liaison_user, office_user
):
    data = log_data(village, service_types=[type_pk("mediation")], remarks="需回访")
    data.update(
        mediation_problem="宅基地界址纠纷",
        mediation_measures="现场勘查、释法说理",
        mediation_result="双方签订协议",
    )
    advisor_client.post(NEW, {**data, "submit": "1"})
    worklog = WorkLog.objects.get()
    from ledger.services import worklog_confirm

    worklog_confirm(worklog=worklog, by=liaison_user, note="属实")

    page = text(advisor_client.get(f"/logs/{worklog.pk}/"))

    for shown in (
        "张明",
        "河南正义律师事务所",
        "王庄村",
        "柳林镇",
        "2026年6月15日",
        "08:30–09:40",
        "1.17",
        "到村现场",
        "纠纷调解",
        "王大爷",
        "本村村民，68岁",
        "13912345678",
        "咨询宅基地继承问题",
        "当事人表示清楚了",
        "宅基地界址纠纷",
        "现场勘查、释法说理",
        "双方签订协议",
        "需回访",
        "孙丽",  # who confirmed
        "村联络员确认",
        "创建",
        "提交",
        "村(居)确认",
        "属实",
    ):
        assert shown in page, shown
    assert f'data-clear-draft="{worklog.client_uuid}"' in page


def test_it_shows_a_confirmation_on_behalf_and_the_verification(
    advisor_client, office_user, agreement, today
):
    from ledger.services import worklog_confirm, worklog_verify

    worklog = WorkLogFactory(agreement=agreement, service_date=today)
    worklog_confirm(worklog=worklog, by=office_user)
    worklog_verify(worklog=worklog, by=office_user)

    page = text(advisor_client.get(f"/logs/{worklog.pk}/"))

    assert "司法所代为确认" in page
    assert "司法所核查" in page
    assert "赵敏" in page
    assert "已核查" in page


@pytest.mark.parametrize(
    ("role_user", "status"),
    [
        ("advisor_user", 200),
        ("office_user", 200),
        ("liaison_user", 200),
        ("bureau_admin_user", 200),
        ("other_advisor_user", 404),
        ("other_office_user", 404),
        ("other_bureau_admin_user", 404),
        ("stranger", 404),
    ],
)
def test_it_shows_a_submitted_log_to_those_in_scope_only(
    client, agreement, today, request, role_user, status
):
    worklog = WorkLogFactory(agreement=agreement, service_date=today)
    client.force_login(request.getfixturevalue(role_user))

    assert client.get(f"/logs/{worklog.pk}/").status_code == status


def test_it_keeps_a_draft_to_its_advisor(
    client, advisor_user, liaison_user, office_user, bureau_staff_user, agreement, today
):
    # SECURITY: a draft is the advisor's own until submitted
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT)

    for outsider in (liaison_user, office_user, bureau_staff_user):
        client.force_login(outsider)
        assert client.get(f"/logs/{worklog.pk}/").status_code == 404
    client.force_login(advisor_user)
    assert client.get(f"/logs/{worklog.pk}/").status_code == 200


def test_it_shows_the_author_edit_and_submit_only_while_editable(advisor_client, agreement, today):
    draft = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT)
    submitted = WorkLogFactory(agreement=agreement, service_date=today)

    assert f"/logs/{draft.pk}/edit/" in text(advisor_client.get(f"/logs/{draft.pk}/"))
    page = text(advisor_client.get(f"/logs/{submitted.pk}/"))
    assert f"/logs/{submitted.pk}/edit/" not in page
    assert f"/logs/{submitted.pk}/photos/" in page  # photos taken on site may still follow


# --- lectures and incidents ---


def lecture_data(village, **changes) -> dict:
    data = {
        "village": village.pk,
        "mode": "onsite",
        "service_date": "2026-06-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "topic": "民法典与农村土地承包",
        "audience": "村民、村“两委”成员",
        "attendance": "45",
        "outline": "一、土地承包经营权\n二、流转合同要点\n三、纠纷的解决途径",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_it_files_a_lecture_as_a_submitted_publicity_log(advisor_client, village):
    response = advisor_client.post(
        f"/logs/lectures/new/?village={village.pk}",
        lecture_data(village, extra_types=[type_pk("consultation")]),
    )

    lecture = Lecture.objects.get()
    assert response.status_code == 302
    assert response.url == f"/logs/{lecture.worklog.pk}/"
    assert lecture.topic == "民法典与农村土地承包"
    assert lecture.attendance == 45
    assert lecture.worklog.status == WorkLog.Status.SUBMITTED
    assert lecture.worklog.people_served == 45
    assert {t.code for t in lecture.worklog.service_types.all()} == {"publicity", "consultation"}
    page = text(advisor_client.get(response.url))
    assert "法治讲座" in page and "二、流转合同要点" in page


def test_it_files_a_lecture_with_only_an_outline_file(advisor_client, village):
    outline = SimpleUploadedFile("提纲.pdf", b"%PDF-1.4 outline", content_type="application/pdf")

    response = advisor_client.post(
        "/logs/lectures/new/", {**lecture_data(village, outline=""), "outline_file": outline}
    )

    assert response.status_code == 302
    assert Lecture.objects.get().outline_file.name.startswith("lectures/2026/")


def test_it_serves_a_lecture_outline_only_within_scope(
    advisor_client, client, village, office_user, other_office_user, other_advisor_user
):
    # SECURITY
    outline = SimpleUploadedFile("提纲.pdf", b"%PDF-1.4 outline", content_type="application/pdf")
    advisor_client.post("/logs/lectures/new/", {**lecture_data(village, outline=""), "outline_file": outline})
    url = Lecture.objects.get().outline_file.url
    assert url.startswith("/private/lectures/")

    assert advisor_client.get(url).status_code == 200
    for outsider in (other_office_user, other_advisor_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(office_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 outline"


def _returned_lecture(advisor_client, village, office_user) -> Lecture:
    advisor_client.post("/logs/lectures/new/", lecture_data(village))
    lecture = Lecture.objects.get()
    services.worklog_return(worklog=lecture.worklog, by=office_user, reason="参加人数与签到表不符")
    return lecture


def test_a_returned_lecture_opens_in_the_lecture_form_seed_001(advisor_client, village, office_user):
    lecture = _returned_lecture(advisor_client, village, office_user)

    page = text(advisor_client.get(f"/logs/{lecture.worklog.pk}/edit/"))

    assert "修改讲座备案" in page and "重新提交备案" in page
    assert 'name="topic"' in page and "民法典与农村土地承包" in page
    assert 'name="attendance"' in page and 'value="45"' in page
    assert "三、纠纷的解决途径" in page
    assert 'name="object_name"' not in page  # not the generic log form


def test_a_returned_lecture_is_corrected_and_filed_again_seed_001(advisor_client, village, office_user):
    lecture = _returned_lecture(advisor_client, village, office_user)
    edit = f"/logs/{lecture.worklog.pk}/edit/"
    version = re.search(r'name="version" value="([^"]+)"', text(advisor_client.get(edit)))[1]

    response = advisor_client.post(
        edit,
        lecture_data(village, topic="人民调解法", attendance="38", outline="一、调解的原则", version=version),
    )

    assert response.status_code == 302 and response.url == f"/logs/{lecture.worklog.pk}/"
    lecture.refresh_from_db()
    lecture.worklog.refresh_from_db()
    assert (lecture.topic, lecture.attendance, lecture.outline) == ("人民调解法", 38, "一、调解的原则")
    assert lecture.worklog.status == WorkLog.Status.SUBMITTED
    assert lecture.worklog.people_served == 38 and "人民调解法" in lecture.worklog.content
    assert {t.code for t in lecture.worklog.service_types.all()} == {"publicity"}


def test_a_corrected_lecture_still_needs_an_outline(advisor_client, village, office_user):
    lecture = _returned_lecture(advisor_client, village, office_user)
    edit = f"/logs/{lecture.worklog.pk}/edit/"
    version = re.search(r'name="version" value="([^"]+)"', text(advisor_client.get(edit)))[1]

    response = advisor_client.post(edit, lecture_data(village, outline="", topic="新题目", version=version))

    assert response.status_code == 200
    assert "讲座须有提纲" in field_errors(response, "outline")
    assert "新题目" in text(response)
    lecture.refresh_from_db()
    assert lecture.topic == "民法典与农村土地承包" and lecture.worklog.status == WorkLog.Status.RETURNED


def test_it_refuses_a_lecture_without_an_outline(advisor_client, village):
    response = advisor_client.post("/logs/lectures/new/", lecture_data(village, outline=""))

    assert response.status_code == 200
    assert "讲座须有提纲" in field_errors(response, "outline")
    assert "民法典与农村土地承包" in text(response)
    assert not WorkLog.objects.exists()


def test_it_shows_the_lecture_form_with_the_village_from_the_link(advisor_client, second_village):
    response = advisor_client.get(f"/logs/lectures/new/?village={second_village.pk}")

    assert response.status_code == 200
    assert f'<option value="{second_village.pk}" selected>李家村（柳林镇）</option>' in text(response)
    assert "讲座提纲" in text(response)


def test_it_reports_an_incident_to_the_townships_office_at_once(
    advisor_client, office_user, other_office_user, village
):
    response = advisor_client.post(
        "/logs/incidents/new/", {"village": village.pk, "summary": "村民因征地补偿聚集在村委会，约30人。"}
    )

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.village == village
    notification = Notification.objects.get(recipient=office_user)
    assert "涉稳" in notification.title
    assert not Notification.objects.filter(recipient=other_office_user).exists()


def test_an_incident_reaches_the_bureau_as_well_as_the_office_seed_004(
    advisor_client, office_user, bureau_staff_user, village
):
    advisor_client.post(
        "/logs/incidents/new/", {"village": village.pk, "summary": "村民聚集反映征地补偿问题。"}
    )

    assert {n.recipient for n in Notification.objects.filter(title__contains="涉稳")} == {
        office_user,
        bureau_staff_user,
    }


def test_it_refuses_an_empty_incident_report(advisor_client, village):
    response = advisor_client.post("/logs/incidents/new/", {"village": village.pk, "summary": "  "})

    assert response.status_code == 200
    assert field_errors(response, "summary")
    assert not Incident.objects.exists()


def test_it_reports_an_incident_ticked_on_a_log_when_the_log_is_submitted(
    advisor_client, office_user, village
):
    advisor_client.post(NEW, {**log_data(village, is_incident="on"), "submit": "1"})

    assert Incident.objects.get().worklog == WorkLog.objects.get()
    assert Notification.objects.filter(recipient=office_user).exists()


# --- the advisor's home ---


def test_it_shows_each_villages_month_against_the_requirements(
    advisor_client, agreement, second_agreement, today
):
    WorkLogFactory(agreement=agreement, service_date=today)  # on site, 2.5 hours
    WorkLogFactory(agreement=agreement, service_date=date(2026, 5, 20))  # last month: not counted
    WorkLogFactory(
        agreement=agreement,
        service_date=today,
        status=WorkLog.Status.RETURNED,
        return_reason="请补充处理结果",
    )
    WorkLogFactory(
        agreement=second_agreement, service_date=today, status=WorkLog.Status.DRAFT, object_name="李四"
    )
    lecture_log = WorkLogFactory(agreement=second_agreement, service_date=today, mode="video")
    Lecture.objects.create(worklog=lecture_log, topic="反家暴法", outline="提纲")
    LedgerSubmission.objects.create(
        advisor=agreement.advisor,
        village=second_agreement.village,
        year=2026,
        month=6,
        submitted_at=timezone.now(),
    )

    response = advisor_client.get("/")

    page = text(response)
    cards = {c[0].village.name: c[1] for c in response.context["cards"]}
    wang, li = cards["王庄村"], cards["李家村"]
    assert (wang.onsite_visits, wang.hours, wang.lectures, wang.waiting) == (1, Decimal("2.5"), 0, 2)
    assert (li.onsite_visits, li.lectures, li.ledger_submitted) == (0, 1, True)
    assert "1/1 次" in page and "0/1 次" in page
    assert "2.5/8 小时" in page
    assert "未备案 · 6月30日前" in page and "已备案" in page
    assert "6月25日前报司法所" in page and "已报送" in page
    assert "被退回，待修改" in page and "请补充处理结果" in page
    assert "草稿（尚未提交）" in page and "李四" in page
    assert f'href="/logs/new/?village={agreement.village.pk}"' in page
    assert f'href="/logs/lectures/new/?village={second_agreement.village.pk}"' in page


def test_it_runs_a_fixed_number_of_queries_on_the_advisor_home(
    client, advisor_user, advisor, agreement, second_agreement, township, today, django_assert_num_queries
):
    second_agreement.delete()
    client.force_login(advisor_user)
    one_village = queries_of(client, "/")

    for n in range(4):
        village = VillageFactory(township=township)
        make_liaison_user(village=village, full_name=f"联络员{n}")
        new = AgreementFactory(advisor=advisor, village=village)
        for status in ("submitted", "confirmed", "draft", "returned", "submitted"):
            WorkLogFactory(agreement=new, service_date=today, status=status)
        LedgerSubmission.objects.create(advisor=advisor, village=village, year=2026, month=6)
    for _ in range(15):
        WorkLogFactory(agreement=agreement, service_date=today, status="returned")
        WorkLogFactory(agreement=agreement, service_date=today, status="draft")

    with django_assert_num_queries(one_village):
        response = client.get("/")
    assert len(response.context["cards"]) == 5
    assert response.context["more_returned"] and response.context["more_drafts"]
