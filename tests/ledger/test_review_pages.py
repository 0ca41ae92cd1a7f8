"""The village liaison's and the justice office's pages: confirm, dispute, verify, return; the lists; the monthly
check; lectures and incidents; the two home pages. Each action is also tried by the wrong person (404 or 403)."""

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.models import profile_of
from ledger.models import Incident, Lecture, ServiceType, WorkLog, WorkLogEvent
from notifications.models import Notification
from tests.factories import AgreementFactory, VillageFactory, WorkLogFactory
from tests.web import names, queries_of, rows, text

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 3)


def log_in(client, user):
    client.force_login(user)
    return client


def make_log(agreement, *, status="submitted", day=JUNE, **fields) -> WorkLog:
    return WorkLogFactory(agreement=agreement, status=status, service_date=day, **fields)


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post(client, name: str, pk: int, **data):
    return client.post(f"/logs/{pk}/{name}/", data)


def reload(worklog: WorkLog) -> WorkLog:
    worklog.refresh_from_db()
    return worklog


def actions_html(user, worklog: WorkLog) -> str:
    """The review actions the detail page shows `user` for `worklog` (the partial, with the real context)."""
    request = RequestFactory().get(worklog.get_absolute_url())
    request.user = user
    profile = profile_of(user)
    return render_to_string(
        "ledger/_review_actions.html",
        {"worklog": worklog, "role": profile.role if profile else None, "profile": profile},
        request=request,
    )


# --- the liaison ---


def test_it_lets_the_liaison_confirm_a_submitted_log_of_their_village(client, agreement, liaison_user):
    log = make_log(agreement)
    log_in(client, liaison_user)

    response = post(client, "confirm", log.pk, note="属实", next="/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    log = reload(log)
    assert log.status == WorkLog.Status.CONFIRMED
    assert log.confirmed_by == liaison_user
    assert not log.confirmed_on_behalf
    event = log.events.get()
    assert (event.action, event.by, event.note) == (WorkLogEvent.Action.CONFIRMED, liaison_user, "属实")
    assert flash(response) == ["已确认该工作日志。"]


def test_it_lets_the_liaison_dispute_a_log_with_a_reason_and_tells_the_advisor(
    client, advisor_user, agreement, liaison_user
):
    log = make_log(agreement)
    log_in(client, liaison_user)

    response = post(client, "dispute", log.pk, reason="当天顾问未到村")

    assert response.status_code == 302
    assert response["Location"] == log.get_absolute_url()
    log = reload(log)
    assert log.status == WorkLog.Status.RETURNED
    assert log.return_reason == "当天顾问未到村"
    assert log.events.get().action == WorkLogEvent.Action.DISPUTED
    notification = Notification.objects.get(recipient=advisor_user)
    assert notification.body == "当天顾问未到村"
    assert notification.url == log.get_absolute_url()


def test_it_refuses_a_dispute_without_a_reason_in_chinese(client, agreement, liaison_user):
    log = make_log(agreement)
    log_in(client, liaison_user)

    response = post(client, "dispute", log.pk, reason="   ")

    assert reload(log).status == WorkLog.Status.SUBMITTED
    assert flash(response) == ["请填写异议理由。"]
    assert parse_qs(urlsplit(response["Location"]).query)["review"] == ["dispute"]


def test_it_forbids_the_liaison_to_verify_or_return(client, agreement, liaison_user):
    log = make_log(agreement, status="confirmed")
    log_in(client, liaison_user)

    assert post(client, "verify", log.pk).status_code == 403
    assert post(client, "return", log.pk, reason="不对").status_code == 403
    assert reload(log).status == WorkLog.Status.CONFIRMED


def test_it_hides_another_villages_logs_from_the_liaison(client, second_agreement, liaison_user):
    # SECURITY: the advisor's other village is not the liaison's.
    log = make_log(second_agreement)
    log_in(client, liaison_user)

    assert post(client, "confirm", log.pk).status_code == 404
    assert post(client, "dispute", log.pk, reason="x").status_code == 404
    assert reload(log).status == WorkLog.Status.SUBMITTED


def test_it_hides_a_draft_from_the_liaison(client, agreement, liaison_user):
    log = make_log(agreement, status="draft")
    log_in(client, liaison_user)

    assert post(client, "confirm", log.pk).status_code == 404
    assert log.object_name not in text(client.get("/logs/"))


# --- the justice office ---


def test_it_lets_the_office_confirm_on_the_villages_behalf(client, agreement, office_user):
    log = make_log(agreement)
    log_in(client, office_user)

    post(client, "confirm", log.pk, note="电话核实")

    log = reload(log)
    assert log.status == WorkLog.Status.CONFIRMED
    assert log.confirmed_by == office_user
    assert log.confirmed_on_behalf
    assert log.events.get().action == WorkLogEvent.Action.CONFIRMED_ON_BEHALF


def test_it_lets_the_office_verify_a_confirmed_log(client, agreement, office_user):
    log = make_log(agreement, status="confirmed")
    log_in(client, office_user)

    response = post(client, "verify", log.pk)

    log = reload(log)
    assert log.status == WorkLog.Status.VERIFIED
    assert log.verified_by == office_user
    assert flash(response) == ["已核查该工作日志。"]


@pytest.mark.parametrize("status", ["submitted", "confirmed"])
def test_it_lets_the_office_return_a_log_with_a_reason(client, advisor_user, agreement, office_user, status):
    log = make_log(agreement, status=status)
    log_in(client, office_user)

    post(client, "return", log.pk, reason="服务内容过简，请补充")

    log = reload(log)
    assert log.status == WorkLog.Status.RETURNED
    assert log.return_reason == "服务内容过简，请补充"
    assert log.confirmed_by is None
    assert log.events.get().action == WorkLogEvent.Action.RETURNED
    assert Notification.objects.filter(recipient=advisor_user, body="服务内容过简，请补充").exists()


def test_it_refuses_a_return_without_a_reason_in_chinese(client, agreement, office_user):
    log = make_log(agreement, status="confirmed")
    log_in(client, office_user)

    response = post(client, "return", log.pk, reason="")

    assert reload(log).status == WorkLog.Status.CONFIRMED
    assert flash(response) == ["请填写退回原因。"]


def test_it_keeps_the_typed_reason_when_the_form_is_refused(client, agreement, liaison_user):
    log = make_log(agreement)
    log_in(client, liaison_user)
    too_long = "顾问未到村，" * 100  # 600 characters: more than the column holds

    response = post(client, "dispute", log.pk, reason=too_long, next="/")

    assert reload(log).status == WorkLog.Status.SUBMITTED
    assert any("500" in message for message in flash(response))
    assert response["Location"].startswith("/?")
    page = text(client.get(response["Location"]))
    assert '<details class="review-reason" open>' in page
    assert too_long in page


def test_it_hides_the_townships_logs_from_another_office(client, agreement, other_office_user):
    # SECURITY: same bureau, another township.
    submitted, confirmed = make_log(agreement), make_log(agreement, status="confirmed")
    log_in(client, other_office_user)

    assert post(client, "confirm", submitted.pk).status_code == 404
    assert post(client, "verify", confirmed.pk).status_code == 404
    assert post(client, "return", confirmed.pk, reason="x").status_code == 404
    assert reload(submitted).status == WorkLog.Status.SUBMITTED
    assert reload(confirmed).status == WorkLog.Status.CONFIRMED
    assert names(client.get("/logs/")) == []


def test_it_forbids_the_advisor_to_confirm_their_own_log(client, advisor_user, agreement):
    log = make_log(agreement)
    log_in(client, advisor_user)

    assert post(client, "confirm", log.pk).status_code == 403
    assert post(client, "verify", log.pk).status_code == 403
    assert reload(log).status == WorkLog.Status.SUBMITTED


@pytest.mark.parametrize("role_user", ["bureau_admin_user", "bureau_staff_user"])
def test_it_forbids_the_bureau_to_act_on_a_log_it_may_read(client, agreement, request, role_user):
    log = make_log(agreement, status="confirmed")
    log_in(client, request.getfixturevalue(role_user))

    assert post(client, "verify", log.pk).status_code == 403
    assert reload(log).status == WorkLog.Status.CONFIRMED


def test_it_keeps_a_verified_log_read_only(client, agreement, office_user, liaison_user, advisor_user):
    log = make_log(agreement, status="confirmed")
    log_in(client, office_user)
    post(client, "verify", log.pk)
    log = reload(log)

    for user in (office_user, liaison_user, advisor_user):
        assert "<form" not in actions_html(user, log)
    page = text(client.get(log.get_absolute_url()))
    for action in ("confirm", "dispute", "verify", "return"):
        assert f"/logs/{log.pk}/{action}/" not in page
    response = post(client, "verify", log.pk)
    assert flash(response)[-1] == "只有村(居)已确认的日志可以核查。"
    response = post(client, "return", log.pk, reason="再看看")
    assert flash(response)[-1] == "只有已提交或已确认的日志可以退回。"
    assert reload(log).status == WorkLog.Status.VERIFIED


def test_it_shows_each_person_the_actions_that_fit(
    agreement, second_agreement, liaison_user, office_user, other_office_user, advisor_user, bureau_admin_user
):
    submitted, confirmed = make_log(agreement), make_log(agreement, status="confirmed")

    liaison = actions_html(liaison_user, submitted)
    assert f"/logs/{submitted.pk}/confirm/" in liaison
    assert f"/logs/{submitted.pk}/dispute/" in liaison
    assert "<form" not in actions_html(liaison_user, confirmed)
    assert "<form" not in actions_html(liaison_user, make_log(second_agreement))  # not their village

    office = actions_html(office_user, submitted)
    assert "代村确认" in office
    assert f"/logs/{submitted.pk}/return/" in office
    assert "/verify/" not in office
    office = actions_html(office_user, confirmed)
    assert f"/logs/{confirmed.pk}/verify/" in office
    assert f"/logs/{confirmed.pk}/return/" in office
    assert "/confirm/" not in office

    for user in (advisor_user, bureau_admin_user, other_office_user):
        for log in (submitted, confirmed):
            assert "<form" not in actions_html(user, log)


def test_it_puts_the_actions_on_the_log_page(client, agreement, office_user, liaison_user):
    submitted, confirmed = make_log(agreement), make_log(agreement, status="confirmed")

    log_in(client, liaison_user)
    assert f'action="/logs/{submitted.pk}/dispute/"' in text(client.get(submitted.get_absolute_url()))
    log_in(client, office_user)
    assert f'action="/logs/{confirmed.pk}/verify/"' in text(client.get(confirmed.get_absolute_url()))


# --- bulk verification ---


def test_it_verifies_the_selected_logs_and_reports_the_others(
    client, agreement, second_agreement, other_agreement, office_user
):
    first, second = make_log(agreement, status="confirmed"), make_log(second_agreement, status="confirmed")
    waiting = make_log(agreement, object_name="未确认的张三")
    elsewhere = make_log(other_agreement, status="confirmed")
    log_in(client, office_user)

    response = client.post(
        "/logs/verify/",
        {"ids": [first.pk, second.pk, waiting.pk, elsewhere.pk], "next": "/logs/?status=confirmed"},
    )

    assert response["Location"] == "/logs/?status=confirmed"
    assert reload(first).status == reload(second).status == WorkLog.Status.VERIFIED
    assert reload(waiting).status == WorkLog.Status.SUBMITTED
    assert reload(elsewhere).status == WorkLog.Status.CONFIRMED
    messages = flash(response)
    assert messages[0] == "已核查 2 条日志。"
    assert "未确认的张三" in messages[1]
    assert "只有村(居)已确认的日志可以核查" in messages[1]
    assert messages[2] == "1 条日志不存在或不在您的辖区，未处理。"


def test_it_asks_to_select_logs_before_verifying(client, office_user):
    response = log_in(client, office_user).post("/logs/verify/", {})

    assert flash(response) == ["请先勾选要核查的日志。"]


def test_it_shows_the_bulk_verify_form_to_the_office_only(client, agreement, office_user, bureau_admin_user):
    log = make_log(agreement, status="confirmed")

    page = text(log_in(client, office_user).get("/logs/"))
    assert 'action="/logs/verify/"' in page
    assert f'name="ids" value="{log.pk}"' in page

    page = text(log_in(client, bureau_admin_user).get("/logs/"))
    assert 'action="/logs/verify/"' not in page


# --- the list ---


def test_it_lists_each_persons_logs_with_waiting_ones_first_for_the_liaison(
    client, agreement, second_agreement, liaison_user
):
    make_log(agreement, status="verified", day=date(2026, 6, 10), object_name="甲")
    make_log(agreement, status="submitted", day=date(2026, 6, 1), object_name="乙")
    make_log(agreement, status="confirmed", day=date(2026, 6, 12), object_name="丙")
    make_log(agreement, status="draft", object_name="草稿")
    make_log(second_agreement, object_name="外村")
    log_in(client, liaison_user)

    response = client.get("/logs/")

    assert names(response) == ["乙", "丙", "甲"]
    assert "本村日志" in text(response)


def test_it_narrows_the_list_with_the_filters(
    client, agreement, second_agreement, other_agreement, office_user
):
    mediation = ServiceType.objects.get(code=ServiceType.MEDIATION)
    make_log(agreement, object_name="王大", day=date(2026, 6, 2))
    make_log(agreement, object_name="王二", day=date(2026, 5, 20), status="confirmed")
    make_log(
        second_agreement,
        object_name="李三",
        status="verified",
        content="调解宅基地边界纠纷",
        service_types=[mediation],
    )
    make_log(other_agreement, object_name="桃园四")
    log_in(client, office_user)

    def listed(query: str) -> list[str]:
        return sorted(names(client.get(f"/logs/?{query}")))

    assert listed("") == ["李三", "王二", "王大"]
    assert listed(f"village={agreement.village_id}") == ["王二", "王大"]
    assert listed("month=2026-05") == ["王二"]
    assert listed("status=verified") == ["李三"]
    assert listed(f"service_type={mediation.pk}") == ["李三"]
    assert listed("q=宅基地") == ["李三"]
    assert listed("q=王") == ["王二", "王大"]
    assert listed(f"advisor={agreement.advisor_id}&month=2026-06") == ["李三", "王大"]
    # A month that is not YYYY-MM is refused, not guessed.
    response = client.get("/logs/?month=June")
    assert "月份格式应为 YYYY-MM" in text(response)


def test_it_offers_only_the_persons_villages_and_advisors_as_choices(
    client, agreement, vacant_village, other_agreement, office_user
):
    page = text(log_in(client, office_user).get("/logs/"))

    assert "王庄村" in page and "李家村" in page and "张湾村" in page
    assert "桃园社区" not in page
    assert "李芳" not in page  # the other township's advisor
    # A village outside the scope is not a valid choice, so it filters nothing in.
    assert names(client.get(f"/logs/?village={other_agreement.village_id}")) == []


def test_it_shows_the_advisor_their_own_logs_drafts_included(
    client, advisor_user, agreement, other_agreement
):
    make_log(agreement, status="draft", object_name="我的草稿")
    make_log(agreement, object_name="我的日志")
    make_log(other_agreement, object_name="别人的")

    response = log_in(client, advisor_user).get("/logs/")

    assert sorted(names(response)) == ["我的日志", "我的草稿"]
    assert "我的日志" in text(response)


def add_logs(w, n: int = 30) -> None:
    """`n` more logs in every place the personas look: each in a new village of `township` and in `village`."""
    consultation, mediation = ServiceType.objects.filter(code__in=["consultation", "mediation"])
    for i in range(n):
        other = AgreementFactory(advisor__bureau=w.bureau, village__township=w.township)
        make_log(
            other,
            status=("submitted", "confirmed", "verified")[i % 3],
            service_types=[consultation, mediation],
        )
        make_log(w.agreement, status=("submitted", "confirmed")[i % 2], service_types=[mediation])
        lecture_log = make_log(w.agreement, day=date(2026, 4, 1 + i % 28))
        Lecture.objects.create(worklog=lecture_log, topic=f"讲座{i}", outline="提纲")
        Incident.objects.create(village=other.village, advisor=other.advisor, summary=f"事项{i}")
        Incident.objects.create(
            village=w.village, advisor=w.advisor, summary=f"本村事项{i}", worklog=lecture_log
        )


@pytest.mark.parametrize(
    ("role_user", "url"),
    [
        ("office_user", "/logs/"),
        ("office_user", "/logs/?status=confirmed&month=2026-06&q=村民"),
        ("liaison_user", "/logs/"),
        ("advisor_user", "/logs/"),
        ("bureau_admin_user", "/logs/"),
        ("office_user", "/logs/check/"),
        ("bureau_staff_user", "/logs/check/?month=2026-04"),
        ("office_user", "/logs/lectures/?quarter="),
        ("advisor_user", "/logs/lectures/?quarter="),
        ("office_user", "/logs/incidents/"),
        ("office_user", "/"),
        ("liaison_user", "/"),
    ],
)
def test_it_runs_the_same_number_of_queries_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user, url
):
    add_logs(whole_map, n=2)
    log_in(client, request.getfixturevalue(role_user))
    few = queries_of(client, url)

    add_logs(whole_map)

    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


# --- the monthly check ---


def check_row(response, village_name: str) -> list[str]:
    return next(cells for cells in rows(response) if cells[0] == village_name)


def test_it_counts_a_villages_month_for_the_monthly_check(
    client, agreement, second_agreement, vacant_village, office_user
):
    onsite, phone = "onsite", "phone"
    make_log(agreement, mode=onsite, hours=Decimal("2.5"), status="submitted")
    make_log(agreement, mode=onsite, hours=Decimal("3"), status="verified", day=date(2026, 6, 10))
    make_log(agreement, mode=phone, hours=Decimal("1"), status="confirmed")
    make_log(agreement, mode=onsite, hours=Decimal("4"), status="returned")  # not counted
    make_log(agreement, mode=onsite, hours=Decimal("5"), status="draft")  # not filed at all
    make_log(agreement, mode=onsite, hours=Decimal("6"), status="verified", day=date(2026, 5, 31))  # May
    april = make_log(agreement, mode=onsite, hours=Decimal("2"), status="verified", day=date(2026, 4, 8))
    Lecture.objects.create(
        worklog=april,
        topic="民法典与农村生活",
        outline="一、…",
        received_at="2026-04-30T10:00:00+08:00",
        received_by=office_user,
    )
    make_log(second_agreement, mode=phone, hours=Decimal("8"), status="confirmed")
    Incident.objects.create(village=agreement.village, advisor=agreement.advisor, summary="土地征收纠纷")
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="已知悉的",
        acknowledged_at="2026-06-02T10:00:00+08:00",
        acknowledged_by=office_user,
    )
    log_in(client, office_user)

    response = client.get("/logs/check/?month=2026-06")

    assert response.status_code == 200
    # 村 | 顾问 | 到村 | 时长 | 讲座 | 日志 | 待村确认 | 待核查 | 已核查 | 退回 | 涉稳未知悉
    wang = check_row(response, "王庄村")
    assert wang[1] == "张明"
    assert wang[2] == "2 / 1"  # the submitted and the verified on-site visits; not the returned one
    # 2.5 + 3 on site (the phone hour is not), in a month still running: in progress, not short
    assert wang[3] == "5.50 / 8 进行中 68%"
    assert wang[4] == "已备案 1，已接收 1"  # April is in the quarter
    assert wang[5:] == ["4", "1", "1", "1", "1", "1"]  # filed: not the draft, not May's
    li = check_row(response, "李家村")
    assert li[2] == "0 / 1 进行中 0%"
    assert li[3] == "0 / 8 进行中 0%"  # eight hours on the phone are not on site
    assert li[4] == "未备案"
    assert li[5:] == ["1", "0", "1", "0", "0", "0"]
    zhang = check_row(response, "张湾村")
    assert zhang[1] == "未配备"
    assert zhang[5:] == ["0"] * 6


def test_it_counts_the_quarters_hours_when_the_bureau_asks_per_quarter(client, agreement, office_user):
    bureau = agreement.village.township.bureau
    bureau.service_hours_period = "quarter"
    bureau.save()
    make_log(agreement, hours=Decimal("3"), day=date(2026, 4, 2))
    make_log(agreement, hours=Decimal("2"), day=date(2026, 6, 2))
    make_log(agreement, hours=Decimal("9"), day=date(2026, 3, 31))  # the first quarter

    response = log_in(client, office_user).get("/logs/check/?month=2026-06")

    assert check_row(response, "王庄村")[3] == "5 / 8 进行中 62%"  # the quarter runs to June's end
    assert "本季度时长(小时)" in text(response)


def test_it_shows_the_monthly_check_to_staff_only(
    client, village, other_township_village, office_user, liaison_user, advisor_user, bureau_staff_user
):
    for user in (liaison_user, advisor_user):
        assert log_in(client, user).get("/logs/check/").status_code == 404

    log_in(client, office_user)
    assert names(client.get("/logs/check/")) == ["王庄村", "李家村"]
    # SECURITY: the office cannot open another township's check.
    assert client.get(f"/logs/check/?township={other_township_village.township_id}").status_code == 404

    log_in(client, bureau_staff_user)
    response = client.get(f"/logs/check/?township={other_township_village.township_id}")
    assert names(response) == ["桃园社区"]


def test_it_shows_this_month_and_refuses_a_bad_month(client, today, village, office_user):
    log_in(client, office_user)

    assert "2026年6月检查" in text(client.get("/logs/check/"))
    response = client.get("/logs/check/?month=2026-13")
    assert "2026年6月检查" in text(response)
    assert "月份格式应为 YYYY-MM" in text(response)


def test_it_checks_a_district_sized_township_in_a_fixed_number_of_queries(
    client, township, office_user, django_assert_max_num_queries
):
    for _i in range(200):
        make_log(AgreementFactory(advisor__bureau=township.bureau, village=VillageFactory(township=township)))
    log_in(client, office_user)

    with django_assert_max_num_queries(12):
        response = client.get("/logs/check/")

    assert len(rows(response)) == 200


# --- lectures ---


def make_lecture(agreement, topic="民法典进农村", received_at=None, **fields) -> Lecture:
    return Lecture.objects.create(
        worklog=make_log(agreement, **fields), topic=topic, outline="一、婚姻家庭", received_at=received_at
    )


def test_it_lets_the_office_receive_a_lecture(client, agreement, office_user):
    lecture = make_lecture(agreement)
    log_in(client, office_user)

    page = text(client.get("/logs/lectures/"))
    assert f"/logs/lectures/{lecture.pk}/receive/" in page

    response = client.post(f"/logs/lectures/{lecture.pk}/receive/")

    lecture.refresh_from_db()
    assert lecture.received_by == office_user
    assert lecture.received_at is not None
    assert flash(response) == ["已接收讲座备案：民法典进农村"]


def test_it_refuses_to_receive_a_returned_lecture(client, agreement, office_user):
    lecture = make_lecture(agreement, status="returned")

    response = log_in(client, office_user).post(f"/logs/lectures/{lecture.pk}/receive/")

    lecture.refresh_from_db()
    assert lecture.received_at is None
    assert flash(response) == ["讲座日志已退回法律顾问修改，重新提交后才能接收。"]


def test_it_keeps_lectures_to_their_scope(
    client, agreement, other_agreement, other_office_user, advisor_user
):
    lecture, elsewhere = make_lecture(agreement), make_lecture(other_agreement)

    # SECURITY: another township's office neither sees nor receives it.
    log_in(client, other_office_user)
    assert client.post(f"/logs/lectures/{lecture.pk}/receive/").status_code == 404
    assert names(client.get("/logs/lectures/")) == ["民法典进农村"]
    # The advisor sees their own lectures and may not receive them.
    log_in(client, advisor_user)
    response = client.get("/logs/lectures/")
    assert len(names(response)) == 1
    assert f"/logs/lectures/{lecture.pk}/receive/" not in text(response)
    assert client.post(f"/logs/lectures/{lecture.pk}/receive/").status_code == 403
    assert client.post(f"/logs/lectures/{elsewhere.pk}/receive/").status_code == 404


def test_it_lists_this_quarters_lectures_unless_asked_otherwise(client, agreement, office_user):
    make_lecture(agreement, day=date(2026, 4, 2))
    make_lecture(agreement, day=date(2026, 3, 2))
    log_in(client, office_user)

    assert len(names(client.get("/logs/lectures/"))) == 1
    assert len(names(client.get("/logs/lectures/?quarter=2026-1"))) == 1
    assert len(names(client.get("/logs/lectures/?quarter="))) == 2


# --- incidents ---


def test_it_lists_open_incidents_first_and_lets_the_office_acknowledge(client, agreement, office_user):
    old_open = Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="旧的未知悉",
        reported_at="2026-06-01T09:00+08:00",
    )
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="新的已知悉",
        reported_at="2026-06-10T09:00+08:00",
        acknowledged_at="2026-06-10T10:00+08:00",
        acknowledged_by=office_user,
    )
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="更早的已知悉",
        reported_at="2026-05-01T09:00+08:00",
        acknowledged_at="2026-06-12T10:00+08:00",
        acknowledged_by=office_user,
    )
    log_in(client, office_user)

    response = client.get("/logs/incidents/")
    assert names(response) == ["旧的未知悉", "新的已知悉", "更早的已知悉"]
    assert 'class="row-alert"' in text(response)

    page = text(client.get(old_open.get_absolute_url()))
    assert "旧的未知悉" in page and "王庄村" in page and "张明" in page
    assert f"/logs/incidents/{old_open.pk}/acknowledge/" in page

    response = client.post(f"/logs/incidents/{old_open.pk}/acknowledge/")
    old_open.refresh_from_db()
    assert old_open.acknowledged_by == office_user
    assert response["Location"] == old_open.get_absolute_url()


def test_it_links_an_incident_to_its_log(client, agreement, office_user):
    log = make_log(agreement, is_incident=True)
    incident = Incident.objects.create(village=log.village, advisor=log.advisor, summary="x", worklog=log)

    page = text(log_in(client, office_user).get(incident.get_absolute_url()))

    assert f'href="{log.get_absolute_url()}"' in page


def test_it_keeps_incidents_to_their_scope(client, agreement, other_office_user, advisor_user, liaison_user):
    incident = Incident.objects.create(village=agreement.village, advisor=agreement.advisor, summary="涉稳")

    # SECURITY: another township's office, and the liaison, do not see it.
    for user in (other_office_user, liaison_user):
        log_in(client, user)
        assert client.get(incident.get_absolute_url()).status_code == 404
        assert client.post(f"/logs/incidents/{incident.pk}/acknowledge/").status_code == 404
    # The reporting advisor sees it but cannot acknowledge it.
    log_in(client, advisor_user)
    page = text(client.get(incident.get_absolute_url()))
    assert "/acknowledge/" not in page
    assert client.post(f"/logs/incidents/{incident.pk}/acknowledge/").status_code == 403
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


# --- the home pages ---


def test_it_puts_open_incidents_and_the_work_waiting_on_the_office_home(
    client, agreement, second_agreement, other_agreement, office_user
):
    Incident.objects.create(
        village=agreement.village, advisor=agreement.advisor, summary="土地征收引发群体上访苗头"
    )
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="已处理的事项",
        acknowledged_at="2026-06-02T10:00+08:00",
        acknowledged_by=office_user,
    )
    Incident.objects.create(
        village=other_agreement.village, advisor=other_agreement.advisor, summary="外乡镇"
    )
    make_log(agreement)
    make_log(agreement, status="confirmed")
    make_log(second_agreement, status="confirmed")
    make_lecture(agreement)
    make_log(other_agreement, status="confirmed")

    page = text(log_in(client, office_user).get("/"))

    assert "土地征收引发群体上访苗头" in page
    assert page.index("土地征收引发群体上访苗头") < page.index("辖区村(社区)与法律顾问")
    assert "已处理的事项" not in page and "外乡镇" not in page
    assert '<b><a href="/logs/?status=confirmed">2</a></b>日志待核查' in page
    assert '<b><a href="/logs/?status=submitted">2</a></b>日志待村(居)确认' in page  # the lecture's log too
    assert "1</a></b>讲座待接收" in page


def test_it_lists_the_logs_waiting_for_the_liaison_with_one_tap_actions(
    client, agreement, second_agreement, liaison_user
):
    waiting = make_log(agreement, object_name="赵大爷")
    make_log(agreement, status="confirmed", object_name="已确认的")
    make_log(second_agreement, object_name="外村的")

    page = text(log_in(client, liaison_user).get("/"))

    assert "赵大爷" in page
    assert "已确认的" not in page and "外村的" not in page
    assert f'action="/logs/{waiting.pk}/confirm/"' in page
    assert f'action="/logs/{waiting.pk}/dispute/"' in page
    assert "王庄村 · 本村法律顾问" in page

    response = client.post(f"/logs/{waiting.pk}/confirm/", {"next": "/"})
    assert response["Location"] == "/"
    assert "赵大爷" not in text(client.get("/"))


def test_it_lists_the_lectures_to_receive_first(client, agreement, office_user):
    make_lecture(agreement, topic="四月收到", day=date(2026, 4, 20), received_at="2026-04-25T10:00+08:00")
    make_lecture(agreement, topic="五月收到", day=date(2026, 5, 2), received_at="2026-05-05T10:00+08:00")
    make_lecture(agreement, topic="待接收", day=date(2026, 4, 2))

    response = log_in(client, office_user).get("/logs/lectures/")

    assert names(response) == ["待接收", "五月收到", "四月收到"]


def test_the_monthly_check_judges_a_month_only_once_it_is_over_and_never_a_vacant_village_seed_002(
    client, agreement, vacant_village, office_user
):
    make_log(agreement, mode="onsite", hours=Decimal("2"), status="verified", day=date(2026, 5, 10))
    log_in(client, office_user)

    may = client.get("/logs/check/?month=2026-05")
    june = client.get("/logs/check/?month=2026-06")

    assert check_row(may, "王庄村")[2:4] == ["1 / 1", "2 / 8 未达标"]
    assert check_row(june, "王庄村")[2:4] == ["0 / 1 进行中 0%", "0 / 8 进行中 0%"]
    assert check_row(may, "张湾村")[2:4] == ["0 / 1 不考核", "0 / 8 不考核"]
