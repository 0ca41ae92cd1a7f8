"""The work-log rules and workflow, exercised through `ledger.services` as the pages use them.

Every test runs on `today` (2026-06-15 10:00, Asia/Shanghai): `advisor_user` serves `village` (whose liaison is
`liaison_user`) and `second_village` in `township` (whose justice office is `office_user`) for the whole of 2026.
"""

import io
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from accounts.models import Role
from ledger.models import (
    Incident,
    Lecture,
    LedgerSubmission,
    ServiceMode,
    ServiceType,
    WorkLog,
    WorkLogEvent,
)
from ledger.services import (
    WorkLogInput,
    incident_acknowledge,
    incident_report,
    lecture_create,
    lecture_receive,
    worklog_add_photos,
    worklog_confirm,
    worklog_create,
    worklog_dispute,
    worklog_return,
    worklog_submit,
    worklog_update,
    worklog_verify,
    worklogs_verify,
)
from notifications.models import Notification
from tests.factories import AgreementFactory, VillageFactory, make_liaison_user, make_user_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
JUNE_10 = date(2026, 6, 10)
RETURN_REASON = "服务对象联系电话有误，请核实后重新提交。"


def messages(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


def service_types(*codes: str) -> list[ServiceType]:
    return list(ServiceType.objects.filter(code__in=codes))


def log_data(village, *, codes=("consultation",), **values) -> WorkLogInput:
    """What the advisor's form posts: a two-and-a-half-hour consultation on 10 June, unless told otherwise."""
    fields = {
        "service_date": JUNE_10,
        "start_time": time(9, 0),
        "end_time": time(11, 30),
        "mode": ServiceMode.ONSITE,
        "object_name": "王大爷",
        "object_situation": "本村村民，70岁",
        "object_phone": "13800000001",
        "content": "咨询宅基地使用权继承问题。",
        "result": "已解答，当事人表示理解。",
    }
    fields.update(values)
    return WorkLogInput(village=village, service_types=service_types(*codes), values=fields)


def file_log(by, village, *, submit: bool = False, codes=("consultation",), **values) -> WorkLog:
    return worklog_create(by=by, data=log_data(village, codes=codes, **values), submit=submit)


def reload(worklog: WorkLog) -> WorkLog:
    return WorkLog.objects.get(pk=worklog.pk)


def trail(worklog: WorkLog) -> list[tuple[str, str]]:
    return [
        (e.action, e.by.username) for e in WorkLogEvent.objects.filter(worklog=worklog).select_related("by")
    ]


@pytest.fixture
def submitted(advisor_user, village):
    return file_log(advisor_user, village, submit=True)


@pytest.fixture
def confirmed(submitted, liaison_user):
    return worklog_confirm(worklog=submitted, by=liaison_user)


@pytest.fixture
def verified(confirmed, office_user):
    return worklog_verify(worklog=confirmed, by=office_user)


@pytest.fixture
def second_village_liaison(second_village):
    return make_liaison_user(village=second_village, username="liaison2", full_name="周红")


# --- filing: which village, which day, which times ---


def test_it_files_a_draft_for_a_village_of_the_advisors_agreement_with_the_hours_derived(
    advisor_user, advisor, agreement, village
):
    worklog = file_log(advisor_user, village, start_time=time(9, 0), end_time=time(11, 30))

    worklog = reload(worklog)
    assert worklog.status == WorkLog.Status.DRAFT
    assert worklog.agreement == agreement
    assert worklog.advisor == advisor
    assert worklog.firm_name == "河南正义律师事务所"
    assert worklog.hours == Decimal("2.50")
    assert worklog.is_correction is False
    assert [t.code for t in worklog.service_types.all()] == ["consultation"]
    assert trail(worklog) == [(WorkLogEvent.Action.CREATED, "advisor")]


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (time(9, 0), time(11, 30), "2.50"),
        (time(14, 0), time(14, 20), "0.33"),
        (time(8, 0), time(17, 45), "9.75"),
    ],
)
def test_it_derives_the_hours_from_the_start_and_end_times(advisor_user, village, start, end, hours):
    worklog = file_log(advisor_user, village, start_time=start, end_time=end)

    assert reload(worklog).hours == Decimal(hours)


def test_it_refuses_a_log_for_another_advisors_village(
    advisor_user, other_advisor_user, other_township_village
):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, other_township_village)

    assert "village" in error.value.message_dict
    assert "没有与 桃园社区 的生效协议" in messages(error)
    assert not WorkLog.objects.exists()


def test_it_refuses_a_log_for_a_village_without_an_agreement(advisor_user, vacant_village):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, vacant_village)

    assert "张湾村" in messages(error)
    assert not WorkLog.objects.exists()


def test_it_refuses_a_log_dated_before_the_agreement_starts(advisor_user, advisor, township):
    new_village = VillageFactory(township=township, name="刘营村")
    AgreementFactory(advisor=advisor, village=new_village, start_date=date(2026, 3, 1))

    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, new_village, service_date=date(2026, 2, 28))

    assert "2026-02-28" in messages(error)
    assert file_log(advisor_user, new_village, service_date=date(2026, 3, 1)).pk


def test_it_refuses_a_log_dated_after_the_agreement_ended(advisor_user, advisor, township):
    left_village = VillageFactory(township=township, name="陈楼村")
    AgreementFactory(advisor=advisor, village=left_village, ended=True, end_date=date(2026, 5, 31))

    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, left_village, service_date=date(2026, 6, 1))

    assert "陈楼村" in messages(error)
    assert file_log(advisor_user, left_village, service_date=date(2026, 5, 31)).pk


def test_it_files_a_late_log_under_last_years_agreement_but_not_this_years_date(
    advisor_user, vacant_village, past_agreement
):
    worklog = file_log(advisor_user, vacant_village, service_date=date(2025, 12, 30))

    assert worklog.agreement == past_agreement
    with pytest.raises(ValidationError):
        file_log(advisor_user, vacant_village, service_date=JUNE_10)


def test_it_refuses_a_log_dated_in_the_future(advisor_user, village, today):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, village, service_date=date(2026, 6, 16))

    assert error.value.message_dict == {"service_date": ["服务日期不能晚于今天。"]}
    assert file_log(advisor_user, village, service_date=today).pk


@pytest.mark.parametrize("end", [time(9, 0), time(8, 30)])
def test_it_refuses_an_end_time_that_is_not_after_the_start_time(advisor_user, village, end):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, village, start_time=time(9, 0), end_time=end)

    assert error.value.message_dict == {"end_time": ["结束时间必须晚于开始时间。"]}
    assert not WorkLog.objects.exists()


def test_it_requires_at_least_one_service_type(advisor_user, village):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, village, codes=())

    assert error.value.message_dict == {"service_types": ["请至少选择一种服务类型。"]}
    assert not WorkLog.objects.exists()


def test_it_requires_the_problem_measures_and_result_of_a_mediation(advisor_user, village):
    with pytest.raises(ValidationError) as error:
        file_log(advisor_user, village, codes=("mediation",), mediation_problem="邻里宅基地界址纠纷")

    assert set(error.value.message_dict) == {"mediation_measures", "mediation_result"}
    assert "纠纷调解须分别填写纠纷问题、调解措施和调解结果。" in messages(error)

    worklog = file_log(
        advisor_user,
        village,
        codes=("mediation", "consultation"),
        mediation_problem="邻里宅基地界址纠纷",
        mediation_measures="现场勘查，组织双方协商",
        mediation_result="达成调解协议",
    )
    assert {t.code for t in worklog.service_types.all()} == {"mediation", "consultation"}


def test_it_refuses_a_log_from_anyone_but_an_active_advisor(advisor, village, liaison_user, office_user):
    for user in (liaison_user, office_user):
        with pytest.raises(PermissionDenied):
            file_log(user, village)

    advisor.is_active = False
    advisor.save()
    with pytest.raises(PermissionDenied):
        file_log(advisor.user, village)
    assert not WorkLog.objects.exists()


def test_it_creates_one_log_for_the_same_client_uuid_sent_twice(advisor_user, village):
    client_uuid = uuid.uuid4()

    first = worklog_create(by=advisor_user, data=log_data(village), client_uuid=client_uuid, submit=True)
    again = worklog_create(by=advisor_user, data=log_data(village), client_uuid=client_uuid, submit=True)

    assert again.pk == first.pk
    assert WorkLog.objects.get().client_uuid == client_uuid
    assert WorkLogEvent.objects.filter(action=WorkLogEvent.Action.SUBMITTED).count() == 1


# --- a month whose ledger is submitted is closed: later logs are corrections ---


@pytest.fixture
def may_ledger_submitted(advisor, village):
    return LedgerSubmission.objects.create(
        advisor=advisor,
        village=village,
        year=2026,
        month=5,
        submitted_at=datetime(2026, 5, 24, 17, 0, tzinfo=NOW.tzinfo),
    )


def test_it_files_a_log_for_a_month_whose_ledger_is_submitted_as_a_correction(
    advisor_user, village, second_village, may_ledger_submitted
):
    assert file_log(advisor_user, village, service_date=date(2026, 5, 20)).is_correction is True
    assert file_log(advisor_user, village, service_date=date(2026, 6, 1)).is_correction is False
    assert file_log(advisor_user, second_village, service_date=date(2026, 5, 20)).is_correction is False


def test_it_files_work_done_after_the_ledger_went_in_as_an_ordinary_log_of_its_month_seed_001(
    advisor_user, village, may_ledger_submitted
):
    # The ledger went in on 24 May (before the 25th); the work of 26–31 May is the month's own, not a correction.
    assert file_log(advisor_user, village, service_date=date(2026, 5, 24)).is_correction is True
    assert file_log(advisor_user, village, service_date=date(2026, 5, 26)).is_correction is False
    assert file_log(advisor_user, village, service_date=date(2026, 5, 31)).is_correction is False


def test_it_does_not_count_a_ledger_not_yet_submitted_as_closing_the_month(advisor_user, advisor, village):
    LedgerSubmission.objects.create(advisor=advisor, village=village, year=2026, month=5)

    assert file_log(advisor_user, village, service_date=date(2026, 5, 20)).is_correction is False


def test_it_makes_a_draft_submitted_after_its_month_closed_a_correction(advisor_user, advisor, village):
    draft = file_log(advisor_user, village, service_date=date(2026, 5, 20))
    assert draft.is_correction is False
    LedgerSubmission.objects.create(advisor=advisor, village=village, year=2026, month=5, submitted_at=NOW)

    worklog_submit(worklog=draft, by=advisor_user)

    assert reload(draft).is_correction is True


# --- the workflow: draft → submitted → confirmed → verified ---


def test_it_lets_only_the_advisor_submit_their_draft(
    advisor_user, other_advisor_user, liaison_user, office_user, bureau_admin_user, village
):
    draft = file_log(advisor_user, village)

    for user in (other_advisor_user, liaison_user, office_user, bureau_admin_user):
        with pytest.raises(PermissionDenied):
            worklog_submit(worklog=draft, by=user)
    assert reload(draft).status == WorkLog.Status.DRAFT

    worklog_submit(worklog=draft, by=advisor_user)

    draft = reload(draft)
    assert draft.status == WorkLog.Status.SUBMITTED
    assert draft.submitted_at == NOW
    assert trail(draft)[-1] == (WorkLogEvent.Action.SUBMITTED, "advisor")


def test_it_refuses_to_submit_a_log_twice(advisor_user, submitted):
    with pytest.raises(ValidationError) as error:
        worklog_submit(worklog=submitted, by=advisor_user)

    assert "只有草稿或退回的日志可以提交。" in messages(error)


def test_it_lets_the_village_liaison_confirm_a_submitted_log(submitted, liaison_user):
    worklog_confirm(worklog=submitted, by=liaison_user)

    worklog = reload(submitted)
    assert worklog.status == WorkLog.Status.CONFIRMED
    assert worklog.confirmed_by == liaison_user
    assert worklog.confirmed_at == NOW
    assert worklog.confirmed_on_behalf is False
    assert trail(worklog)[-1] == (WorkLogEvent.Action.CONFIRMED, "liaison")


def test_it_lets_the_township_office_confirm_on_behalf_of_the_village(submitted, office_user):
    worklog_confirm(worklog=submitted, by=office_user, note="村联络员外出，电话核实后代为确认")

    worklog = reload(submitted)
    assert worklog.status == WorkLog.Status.CONFIRMED
    assert worklog.confirmed_by == office_user
    assert worklog.confirmed_on_behalf is True
    event = worklog.events.last()
    assert (event.action, event.by, event.note) == (
        WorkLogEvent.Action.CONFIRMED_ON_BEHALF,
        office_user,
        "村联络员外出，电话核实后代为确认",
    )


@pytest.mark.parametrize(
    "persona",
    [
        "second_village_liaison",
        "other_office_user",
        "advisor_user",
        "other_advisor_user",
        "bureau_admin_user",
        "bureau_staff_user",
        "stranger",
    ],
)
def test_it_refuses_confirmation_by_anyone_but_the_villages_liaison_or_its_township_office(
    request, submitted, persona
):
    # SECURITY
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        worklog_confirm(worklog=submitted, by=user)

    assert reload(submitted).status == WorkLog.Status.SUBMITTED


def test_it_refuses_to_confirm_a_draft(advisor_user, village, liaison_user):
    draft = file_log(advisor_user, village)

    with pytest.raises(ValidationError) as error:
        worklog_confirm(worklog=draft, by=liaison_user)

    assert "只有已提交的日志可以确认。" in messages(error)


def test_it_lets_the_township_office_verify_a_confirmed_log(confirmed, office_user):
    worklog_verify(worklog=confirmed, by=office_user)

    worklog = reload(confirmed)
    assert worklog.status == WorkLog.Status.VERIFIED
    assert (worklog.verified_by, worklog.verified_at) == (office_user, NOW)
    assert trail(worklog)[-1] == (WorkLogEvent.Action.VERIFIED, "office")


@pytest.mark.parametrize(
    "persona", ["liaison_user", "other_office_user", "advisor_user", "bureau_admin_user", "bureau_staff_user"]
)
def test_it_refuses_verification_by_anyone_but_the_township_office(request, confirmed, persona):
    # SECURITY
    with pytest.raises(PermissionDenied):
        worklog_verify(worklog=confirmed, by=request.getfixturevalue(persona))

    assert reload(confirmed).status == WorkLog.Status.CONFIRMED


def test_it_verifies_only_a_log_the_village_has_confirmed(submitted, office_user):
    with pytest.raises(ValidationError) as error:
        worklog_verify(worklog=submitted, by=office_user)

    assert "只有村(居)已确认的日志可以核查。" in messages(error)
    assert reload(submitted).status == WorkLog.Status.SUBMITTED


# --- returns and disputes ---


@pytest.mark.parametrize("state", ["submitted", "confirmed"])
def test_it_returns_a_log_to_the_advisor_with_the_reason_and_notifies_them(
    request, state, office_user, advisor_user
):
    worklog = request.getfixturevalue(state)

    worklog_return(worklog=worklog, by=office_user, reason=f"  {RETURN_REASON} ")

    worklog = reload(worklog)
    assert worklog.status == WorkLog.Status.RETURNED
    assert worklog.return_reason == RETURN_REASON
    assert (worklog.confirmed_by, worklog.confirmed_at, worklog.confirmed_on_behalf) == (None, None, False)
    event = worklog.events.last()
    assert (event.action, event.by, event.note) == (WorkLogEvent.Action.RETURNED, office_user, RETURN_REASON)
    notification = Notification.objects.get()
    assert notification.recipient == advisor_user
    assert notification.title.startswith("工作日志被退回")
    assert notification.body == RETURN_REASON
    assert notification.url == worklog.get_absolute_url()


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason_to_return_a_log(submitted, office_user, reason):
    with pytest.raises(ValidationError) as error:
        worklog_return(worklog=submitted, by=office_user, reason=reason)

    assert error.value.message_dict == {"reason": ["请填写退回原因。"]}
    assert reload(submitted).status == WorkLog.Status.SUBMITTED
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "persona", ["liaison_user", "other_office_user", "advisor_user", "bureau_admin_user"]
)
def test_it_lets_only_the_township_office_return_a_log(request, submitted, persona):
    # SECURITY
    with pytest.raises(PermissionDenied):
        worklog_return(worklog=submitted, by=request.getfixturevalue(persona), reason=RETURN_REASON)

    assert reload(submitted).status == WorkLog.Status.SUBMITTED


def test_it_lets_the_liaison_dispute_a_submitted_log_back_to_the_advisor(
    submitted, liaison_user, advisor_user
):
    worklog_dispute(worklog=submitted, by=liaison_user, reason="当天顾问未到村，记录与实际不符。")

    worklog = reload(submitted)
    assert worklog.status == WorkLog.Status.RETURNED
    assert worklog.return_reason == "当天顾问未到村，记录与实际不符。"
    assert trail(worklog)[-1] == (WorkLogEvent.Action.DISPUTED, "liaison")
    assert Notification.objects.get().recipient == advisor_user


def test_it_lets_only_the_villages_liaison_dispute_and_only_while_the_log_awaits_confirmation(
    submitted, office_user, second_village_liaison, liaison_user
):
    for user in (office_user, second_village_liaison):
        with pytest.raises(PermissionDenied):
            worklog_dispute(worklog=submitted, by=user, reason="不符")
    worklog_confirm(worklog=submitted, by=liaison_user)

    with pytest.raises(ValidationError) as error:
        worklog_dispute(worklog=submitted, by=liaison_user, reason="不符")

    assert "只有待确认的日志可以提出异议。" in messages(error)
    assert reload(submitted).status == WorkLog.Status.CONFIRMED


def test_it_lets_the_advisor_edit_and_resubmit_a_returned_log_clearing_the_reason(
    submitted, office_user, advisor_user, village
):
    worklog_return(worklog=submitted, by=office_user, reason=RETURN_REASON)

    worklog_update(
        worklog=reload(submitted),
        by=advisor_user,
        data=log_data(village, object_phone="13800000002"),
        submit=True,
    )

    worklog = reload(submitted)
    assert worklog.status == WorkLog.Status.SUBMITTED
    assert worklog.return_reason == ""
    assert worklog.object_phone == "13800000002"


def test_it_refuses_to_edit_a_log_that_is_submitted(submitted, advisor_user, village):
    with pytest.raises(ValidationError) as error:
        worklog_update(worklog=submitted, by=advisor_user, data=log_data(village, content="改"))

    assert "日志已提交，不能修改" in messages(error)
    assert reload(submitted).content == "咨询宅基地使用权继承问题。"


def test_it_refuses_to_edit_or_return_a_verified_log(verified, advisor_user, office_user, village):
    with pytest.raises(ValidationError):
        worklog_update(worklog=verified, by=advisor_user, data=log_data(village, content="核查后修改"))
    with pytest.raises(ValidationError) as error:
        worklog_return(worklog=verified, by=office_user, reason=RETURN_REASON)

    assert "只有已提交或已确认的日志可以退回。" in messages(error)
    worklog = reload(verified)
    assert worklog.status == WorkLog.Status.VERIFIED
    assert worklog.content == "咨询宅基地使用权继承问题。"


def test_it_refuses_an_edit_by_anyone_but_the_author(advisor_user, other_advisor_user, liaison_user, village):
    # SECURITY
    draft = file_log(advisor_user, village)

    for user in (other_advisor_user, liaison_user):
        with pytest.raises(PermissionDenied):
            worklog_update(worklog=draft, by=user, data=log_data(village, content="他人修改"))

    assert reload(draft).content == "咨询宅基地使用权继承问题。"


def test_it_records_every_step_before_verification_with_who_acted_and_what_changed(
    advisor_user, village, office_user, liaison_user
):
    worklog = file_log(advisor_user, village)
    worklog_update(
        worklog=worklog,
        by=advisor_user,
        data=log_data(village, codes=("consultation", "document_drafting"), end_time=time(12, 0)),
    )
    # Saving the same values again changes nothing, and records nothing.
    worklog_update(
        worklog=reload(worklog),
        by=advisor_user,
        data=log_data(village, codes=("consultation", "document_drafting"), end_time=time(12, 0)),
        submit=True,
    )
    worklog_return(worklog=reload(worklog), by=office_user, reason=RETURN_REASON)
    worklog_update(
        worklog=reload(worklog),
        by=advisor_user,
        data=log_data(
            village,
            codes=("consultation", "document_drafting"),
            end_time=time(12, 0),
            object_phone="13900000000",
        ),
        submit=True,
    )
    worklog_confirm(worklog=reload(worklog), by=liaison_user)
    worklog_verify(worklog=reload(worklog), by=office_user)

    A = WorkLogEvent.Action
    assert trail(worklog) == [
        (A.CREATED, "advisor"),
        (A.EDITED, "advisor"),
        (A.SUBMITTED, "advisor"),
        (A.RETURNED, "office"),
        (A.EDITED, "advisor"),
        (A.SUBMITTED, "advisor"),
        (A.CONFIRMED, "liaison"),
        (A.VERIFIED, "office"),
    ]
    first_edit, second_edit = WorkLogEvent.objects.filter(worklog=worklog, action=A.EDITED)
    assert set(first_edit.changes) == {"end_time", "service_types"}
    assert first_edit.changes["end_time"] == ["11:30", "12:00"]
    assert "代写法律文书" not in first_edit.changes["service_types"][0]
    assert "代写法律文书" in first_edit.changes["service_types"][1]
    assert second_edit.changes == {"object_phone": ["13800000001", "13900000000"]}
    assert reload(worklog).hours == Decimal("3.00")


def test_it_verifies_in_bulk_what_it_can_and_reports_the_rest(
    advisor_user,
    village,
    second_village,
    liaison_user,
    office_user,
    other_advisor_user,
    other_township_village,
):
    ready = [
        worklog_confirm(worklog=file_log(advisor_user, village, submit=True), by=liaison_user)
        for _ in range(2)
    ]
    waiting = file_log(advisor_user, second_village, submit=True)
    elsewhere = worklog_confirm(
        worklog=file_log(other_advisor_user, other_township_village, submit=True),
        by=make_user_with_role(
            Role.OFFICE_STAFF,
            bureau=other_township_village.township.bureau,
            township=other_township_village.township,
        ),
    )

    done, errors = worklogs_verify(worklogs=[*ready, waiting, elsewhere], by=office_user)

    assert done == 2
    assert len(errors) == 2
    assert str(waiting) in errors[0] and "只有村(居)已确认的日志可以核查。" in errors[0]
    assert str(elsewhere) in errors[1] and "只有本乡镇司法所可以核查或退回日志。" in errors[1]
    assert {w.status for w in WorkLog.objects.filter(pk__in=[w.pk for w in ready])} == {
        WorkLog.Status.VERIFIED
    }
    assert reload(waiting).status == WorkLog.Status.SUBMITTED
    assert reload(elsewhere).status == WorkLog.Status.CONFIRMED


# --- photos ---


def jpeg_with_gps(width: int, height: int, orientation: int = 1) -> bytes:
    """A phone photo: JPEG with EXIF that holds the place it was taken (GPS) and the camera's orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 45.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 37.0, 12.0)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size: int = 20) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_it_shrinks_a_photo_to_1600px_and_strips_its_exif_and_location(advisor_user, submitted):
    original = jpeg_with_gps(4000, 3000)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS

    (photo,) = worklog_add_photos(
        worklog=submitted,
        by=advisor_user,
        uploads=[SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")],
    )

    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, 1200)
        assert "exif" not in image.info
        assert not image.getexif()
    assert trail(submitted)[-1] == (WorkLogEvent.Action.PHOTO_ADDED, "advisor")


def test_it_turns_a_photo_upright_before_dropping_its_orientation(advisor_user, submitted):
    # Orientation 6: the camera was held upright, the pixels are stored lying on their side.
    upload = SimpleUploadedFile("IMG_0002.jpg", jpeg_with_gps(4000, 3000, orientation=6))

    (photo,) = worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[upload])

    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (1200, 1600)


def test_it_keeps_a_small_photo_at_its_size(advisor_user, submitted):
    (photo,) = worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[png(20)])

    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (20, 20))


def test_it_refuses_more_than_six_photos_on_one_log(advisor_user, submitted):
    worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[png() for _ in range(4)])

    with pytest.raises(ValidationError) as error:
        worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[png() for _ in range(3)])

    assert error.value.message_dict == {"photos": ["每条日志最多 6 张照片。"]}
    assert submitted.photos.count() == 4
    worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[png() for _ in range(2)])
    assert submitted.photos.count() == 6


def test_it_refuses_a_file_that_is_not_a_photo(advisor_user, submitted):
    upload = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")

    with pytest.raises(ValidationError) as error:
        worklog_add_photos(worklog=submitted, by=advisor_user, uploads=[upload])

    assert "无法识别的图片文件" in messages(error)
    assert not submitted.photos.exists()


def test_it_refuses_photos_on_a_confirmed_log_or_from_someone_else(confirmed, advisor_user, liaison_user):
    with pytest.raises(PermissionDenied):
        worklog_add_photos(worklog=confirmed, by=liaison_user, uploads=[png()])
    with pytest.raises(ValidationError) as error:
        worklog_add_photos(worklog=confirmed, by=advisor_user, uploads=[png()])

    assert "日志已确认，不能再添加照片。" in messages(error)
    assert not confirmed.photos.exists()


# --- incidents: reported to the township's justice office at once ---


@pytest.fixture
def township_office_staff(office_user, township):
    """Both of the township's justice-office staff."""
    second = make_user_with_role(
        Role.OFFICE_STAFF, bureau=township.bureau, township=township, username="office2"
    )
    return [office_user, second]


def test_it_reports_an_incident_log_to_the_township_office_once_when_submitted(
    advisor_user, village, township_office_staff, other_office_user
):
    content = "村集体土地征收补偿分配引发多户村民不满，拟集体上访。"
    worklog = file_log(advisor_user, village, is_incident=True, content=content)
    assert not Incident.objects.exists()  # a draft reports nothing yet

    worklog_submit(worklog=worklog, by=advisor_user)

    incident = Incident.objects.get()
    assert (incident.worklog, incident.village, incident.advisor) == (worklog, village, advisor_user.advisor)
    assert incident.summary == content
    assert incident.reported_at == NOW
    notifications = Notification.objects.all()
    assert {n.recipient for n in notifications} == set(township_office_staff)
    assert {n.key for n in notifications} == {f"incident:{incident.pk}"}
    assert all("涉稳/重大利益事项" in n.title and "王庄村" in n.title for n in notifications)
    assert {n.url for n in notifications} == {incident.get_absolute_url()}

    # Returned and submitted again: still the one incident, and nobody hears of it twice.
    worklog_return(worklog=reload(worklog), by=township_office_staff[0], reason=RETURN_REASON)
    worklog_update(
        worklog=reload(worklog),
        by=advisor_user,
        data=log_data(village, is_incident=True, content=content),
        submit=True,
    )

    assert Incident.objects.count() == 1
    assert Notification.objects.filter(key__startswith="incident:").count() == 2
    assert not Notification.objects.filter(recipient=other_office_user).exists()


def test_it_records_who_acknowledged_an_incident_and_when(
    advisor_user, village, township_office_staff, other_office_user
):
    worklog = file_log(advisor_user, village, is_incident=True, submit=True)
    incident = worklog.incident
    first, second = township_office_staff

    for user in (other_office_user, advisor_user):
        with pytest.raises(PermissionDenied):
            incident_acknowledge(incident=incident, by=user)
    incident_acknowledge(incident=incident, by=first)
    incident_acknowledge(incident=Incident.objects.get(), by=second)  # already known: stays the first one's

    incident = Incident.objects.get()
    assert (incident.acknowledged_by, incident.acknowledged_at) == (first, NOW)
    assert trail(worklog)[-1] == (WorkLogEvent.Action.INCIDENT_ACKNOWLEDGED, "office")
    assert WorkLogEvent.objects.filter(action=WorkLogEvent.Action.INCIDENT_ACKNOWLEDGED).count() == 1


def test_it_takes_a_quick_incident_report_for_a_village_the_advisor_serves(
    advisor_user, village, township_office_staff
):
    incident = incident_report(by=advisor_user, village=village, summary="  村民聚集反映补偿款问题。 ")

    assert incident.summary == "村民聚集反映补偿款问题。"
    assert incident.worklog is None
    assert {n.recipient for n in Notification.objects.all()} == set(township_office_staff)


def test_it_refuses_a_quick_incident_report_without_an_agreement_for_the_village(
    advisor_user, vacant_village, other_township_village, township_office_staff, village
):
    for other in (vacant_village, other_township_village):
        with pytest.raises(ValidationError):
            incident_report(by=advisor_user, village=other, summary="村民聚集。")
    with pytest.raises(ValidationError) as error:
        incident_report(by=advisor_user, village=village, summary="  ")

    assert error.value.message_dict == {"summary": ["请简要说明事项。"]}
    assert not Incident.objects.exists()
    assert not Notification.objects.exists()


# --- lectures ---


def file_lecture(by, village, **kwargs) -> Lecture:
    data = log_data(village, codes=(), content="开展《民法典》婚姻家庭编专题讲座。", object_name="全体村民")
    return lecture_create(by=by, data=data, topic="民法典进农村", **kwargs)


def test_it_files_a_lecture_as_a_submitted_publicity_log(advisor_user, village):
    lecture = file_lecture(
        advisor_user, village, audience="村民", attendance=45, outline="一、婚姻家庭编要点\n二、案例分析"
    )

    lecture = Lecture.objects.select_related("worklog").get(pk=lecture.pk)
    assert (lecture.topic, lecture.audience, lecture.attendance) == ("民法典进农村", "村民", 45)
    assert lecture.worklog.status == WorkLog.Status.SUBMITTED
    assert [t.code for t in lecture.worklog.service_types.all()] == [ServiceType.PUBLICITY]
    assert lecture.worklog.village == village


def test_it_accepts_an_outline_file_instead_of_text(advisor_user, village):
    outline = SimpleUploadedFile("讲座提纲.pdf", b"%PDF-1.4 outline", content_type="application/pdf")

    lecture = file_lecture(advisor_user, village, outline_file=outline)

    assert Lecture.objects.get(pk=lecture.pk).outline_file.name.startswith("lectures/2026/")


def test_it_refuses_a_lecture_with_neither_an_outline_nor_an_outline_file(advisor_user, village):
    with pytest.raises(ValidationError) as error:
        file_lecture(advisor_user, village, outline="   ")

    assert error.value.message_dict == {"outline": ["讲座须有提纲：请填写提纲或上传提纲文件。"]}
    assert not Lecture.objects.exists()
    assert not WorkLog.objects.exists()


def test_it_files_a_lecture_once_when_the_phone_sends_it_twice(advisor_user, village):
    client_uuid = uuid.uuid4()

    first = file_lecture(advisor_user, village, outline="提纲", client_uuid=client_uuid)
    again = file_lecture(advisor_user, village, outline="提纲", client_uuid=client_uuid)

    assert again.pk == first.pk
    assert (Lecture.objects.count(), WorkLog.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    "persona", ["liaison_user", "advisor_user", "other_office_user", "bureau_admin_user", "bureau_staff_user"]
)
def test_it_lets_only_the_township_office_receive_a_lecture(request, advisor_user, village, persona):
    # SECURITY
    lecture = file_lecture(advisor_user, village, outline="提纲")

    with pytest.raises(PermissionDenied):
        lecture_receive(lecture=lecture, by=request.getfixturevalue(persona))

    assert Lecture.objects.get().received_at is None


def test_it_records_who_received_a_lecture_and_when(advisor_user, village, township_office_staff):
    lecture = file_lecture(advisor_user, village, outline="提纲")
    first, second = township_office_staff

    lecture_receive(lecture=lecture, by=first)
    lecture_receive(lecture=Lecture.objects.get(), by=second)

    lecture = Lecture.objects.get()
    assert (lecture.received_by, lecture.received_at) == (first, NOW)
