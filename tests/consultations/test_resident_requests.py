"""A resident asks the village's advisor; the advisor answers and closes it; what is late goes to the justice office."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import ResidentRequest
from deadlines.dispatch import JOBS_BY_NAME, run_job
from ledger.models import WorkLog
from notifications.models import Notification
from tests.factories import PASSWORD, ResidentRequestFactory

from .conftest import client_uuid, solve

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ask(client, village, **changes):
    page = client.get(reverse("residents:ask", args=[village.pk])).content.decode()
    data = {
        "name": "李大爷",
        "phone": "139 1234 5678",
        "question": "宅基地边界和邻居有争议，想问问怎么办。",
        "preferred_mode": "phone",
        "preferred_time": "上午",
        "consent": "on",
        "client_uuid": client_uuid(page),
        **solve(page),
        **changes,
    }
    return client.post(reverse("residents:ask", args=[village.pk]), data), data


def test_it_takes_a_request_to_the_villages_advisor_and_notifies_them(client, agreement, advisor_user):
    response, _ = ask(client, agreement.village)

    resident_request = ResidentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("residents:status", args=[resident_request.reference])
    assert resident_request.advisor == agreement.advisor
    assert resident_request.phone == "13912345678"
    assert resident_request.status == ResidentRequest.Status.OPEN
    assert Notification.objects.filter(
        recipient=advisor_user, url=resident_request.get_absolute_url()
    ).exists()


def test_it_gives_a_due_time_of_two_working_days_by_default(client, agreement):
    ask(client, agreement.village)  # Monday 15 June 2026, 10:00

    due = ResidentRequest.objects.get().due_at.astimezone(SHANGHAI)
    assert due == datetime(2026, 6, 18, 0, 0, tzinfo=SHANGHAI)  # the end of Wednesday


def test_it_saves_the_same_form_sent_twice_once(client, agreement):
    response, data = ask(client, agreement.village)
    again = client.post(reverse("residents:ask", args=[agreement.village.pk]), data)

    assert ResidentRequest.objects.count() == 1
    assert again.status_code == 200  # the used challenge is refused; nothing is saved twice


def test_it_keeps_what_was_typed_after_a_wrong_answer(client, agreement):
    response, _ = ask(client, agreement.village, answer="99")

    page = response.content.decode()
    assert response.status_code == 200
    assert "答案不对" in page
    assert "宅基地边界和邻居有争议" in page
    assert not ResidentRequest.objects.exists()
    assert AuditEntry.objects.filter(event="resident_blocked", result="failure").exists()


def test_it_asks_for_consent_to_use_the_number_pipl(client, agreement):
    response, _ = ask(client, agreement.village, consent="")

    assert "请勾选同意" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_it_refuses_a_number_that_is_not_a_phone(client, agreement):
    response, _ = ask(client, agreement.village, phone="12345")

    assert "请填写正确的手机号" in response.content.decode()
    assert not ResidentRequest.objects.exists()


def test_it_keeps_a_request_a_script_filled_out_of_the_advisors_list(client, agreement, advisor_user):
    ask(client, agreement.village, website="http://spam.example")

    resident_request = ResidentRequest.objects.get()
    assert resident_request.status == ResidentRequest.Status.SPAM
    assert not Notification.objects.filter(recipient=advisor_user).exists()
    client.login(username=advisor_user.username, password=PASSWORD)
    listing = client.get(reverse("consultations:request_list") + "?status=all").content.decode()
    assert resident_request.reference not in listing
    assert AuditEntry.objects.filter(event="resident_blocked", result="denied").exists()


def test_it_limits_the_requests_of_one_address(client, agreement, settings):
    settings.RESIDENT_IP_RATE = 2
    ask(client, agreement.village)
    ask(client, agreement.village, phone="13800001111")
    response, _ = ask(client, agreement.village, phone="13800002222")

    assert response.status_code == 429
    assert ResidentRequest.objects.count() == 2
    assert AuditEntry.objects.filter(event="resident_blocked", detail__contains="IP").exists()


def test_it_limits_the_requests_of_one_phone_number_a_day(client, agreement, settings):
    settings.RESIDENT_PHONE_RATE = 1
    ask(client, agreement.village)
    response, _ = ask(client, agreement.village)

    assert response.status_code == 429
    assert ResidentRequest.objects.count() == 1


def test_it_shows_the_state_never_the_content(client, agreement):
    resident_request = ResidentRequestFactory(agreement=agreement)

    page = client.get(reverse("residents:status", args=[resident_request.reference])).content.decode()

    assert "已收到" in page
    assert resident_request.question not in page
    assert resident_request.phone not in page
    assert resident_request.name not in page


def test_it_finds_a_request_by_its_reference(client, agreement):
    resident_request = ResidentRequestFactory(agreement=agreement)

    found = client.get(reverse("residents:lookup"), {"reference": resident_request.reference.lower()})
    missing = client.get(reverse("residents:lookup"), {"reference": "NOSUCH22"})

    assert found["Location"] == reverse("residents:status", args=[resident_request.reference])
    assert "没有找到这个编号" in missing.content.decode()


def test_the_form_pages_are_never_cached(client, agreement):
    first = client.get(reverse("residents:ask", args=[agreement.village.pk]))
    second = client.get(reverse("residents:ask", args=[agreement.village.pk]))

    assert "no-store" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert solve(first.content.decode())["challenge"] != solve(second.content.decode())["challenge"]


# --- the advisor's side ---


def test_the_advisor_closes_a_request_and_gets_the_log_drafted(client, agreement, advisor_user):
    resident_request = ResidentRequestFactory(agreement=agreement)
    client.login(username=advisor_user.username, password=PASSWORD)

    response = client.post(
        reverse("consultations:request_close", args=[resident_request.pk]),
        {"answered_mode": "phone", "answer": "已电话答复，建议先请村委会调解。"},
    )

    resident_request.refresh_from_db()
    log = resident_request.worklog
    assert response["Location"] == reverse("ledger:worklog_edit", args=[log.pk])
    assert resident_request.status == ResidentRequest.Status.CLOSED
    assert log.status == WorkLog.Status.DRAFT
    assert log.object_name == "李大爷" and log.object_phone == resident_request.phone
    assert log.mode == "phone"
    assert [t.code for t in log.service_types.all()] == ["consultation"]
    assert resident_request.question in log.content
    assert log.result == "已电话答复，建议先请村委会调解。"


def test_closing_twice_drafts_one_log(client, agreement, advisor_user):
    resident_request = ResidentRequestFactory(agreement=agreement)
    client.login(username=advisor_user.username, password=PASSWORD)
    url = reverse("consultations:request_close", args=[resident_request.pk])

    client.post(url, {"answered_mode": "phone", "answer": "已答复。"})
    client.post(url, {"answered_mode": "phone", "answer": "已答复。"})

    assert WorkLog.objects.count() == 1


def test_closing_without_an_answer_says_so(client, agreement, advisor_user):
    resident_request = ResidentRequestFactory(agreement=agreement)
    client.login(username=advisor_user.username, password=PASSWORD)

    response = client.post(
        reverse("consultations:request_close", args=[resident_request.pk]), {"answered_mode": "phone"}
    )

    assert response.status_code == 200
    assert "必填" in response.content.decode()
    resident_request.refresh_from_db()
    assert resident_request.is_open


def test_the_phone_shows_in_full_to_the_advisor_and_the_office_only(
    client, agreement, advisor_user, office_user, bureau_staff_user
):
    resident_request = ResidentRequestFactory(agreement=agreement, phone="13912345678")
    url = reverse("consultations:request_detail", args=[resident_request.pk])
    seen = {}
    for user in (advisor_user, office_user, bureau_staff_user):
        client.login(username=user.username, password=PASSWORD)
        seen[user.username] = client.get(url).content.decode()

    assert "13912345678" in seen[advisor_user.username]
    assert "13912345678" in seen[office_user.username]
    assert "13912345678" not in seen[bureau_staff_user.username]
    assert "139****5678" in seen[bureau_staff_user.username]


# --- the daily jobs ---


def test_it_escalates_a_request_unanswered_after_the_due_day_to_the_office(
    agreement, office_user, advisor_user
):
    resident_request = ResidentRequestFactory(
        agreement=agreement, due_at=datetime(2026, 6, 18, tzinfo=SHANGHAI)
    )
    job = JOBS_BY_NAME["escalate_resident_requests"]

    run_job(job, date(2026, 6, 16))
    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.OPEN

    run_job(job, date(2026, 6, 17))
    run_job(job, date(2026, 6, 17))  # again: nothing twice
    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.ESCALATED
    assert (
        Notification.objects.filter(
            recipient=office_user, key__startswith="resident_request_escalated"
        ).count()
        == 1
    )
    assert (
        Notification.objects.filter(
            recipient=advisor_user, key__startswith="resident_request_escalated"
        ).count()
        == 1
    )


def test_the_office_may_close_an_escalated_request(client, agreement, office_user):
    resident_request = ResidentRequestFactory(agreement=agreement, status=ResidentRequest.Status.ESCALATED)
    client.login(username=office_user.username, password=PASSWORD)

    client.post(
        reverse("consultations:request_close", args=[resident_request.pk]),
        {"answered_mode": "phone", "answer": "司法所已电话答复。"},
    )

    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.CLOSED
    assert resident_request.worklog is None  # the log is the advisor's to write


def test_it_erases_the_personal_data_once_the_retention_has_passed_pipl(agreement):
    closed = ResidentRequestFactory(
        agreement=agreement,
        status=ResidentRequest.Status.CLOSED,
        closed_at=datetime(2026, 6, 1, tzinfo=SHANGHAI),
        answer="已答复",
    )
    job = JOBS_BY_NAME["erase_resident_data"]

    run_job(job, date(2026, 11, 30))
    closed.refresh_from_db()
    assert closed.phone  # still kept within the 6 months
    assert closed.erased_at is None

    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI), tick=False):
        run_job(job, date(2026, 12, 1))
    closed.refresh_from_db()
    assert closed.erased_at is not None
    assert closed.phone == "" and "宅基地" not in closed.question and closed.name == "（已删除）"
    assert AuditEntry.objects.filter(event="bulk_change", detail__contains="保存期满").exists()


def test_the_audit_trail_keeps_no_residents_name_question_or_full_number_pipl(client, agreement):
    ask(client, agreement.village)

    resident_request = ResidentRequest.objects.get()
    [entry] = AuditEntry.objects.get_for_object(resident_request).filter(event="create")
    recorded = str(entry.changes)
    assert "13912345678" not in recorded
    assert "李大爷" not in recorded and "宅基地" not in recorded


def test_the_advisors_home_lists_the_requests_waiting_with_their_last_day(client, agreement, advisor_user):
    resident_request = ResidentRequestFactory(
        agreement=agreement, due_at=datetime(2026, 6, 18, tzinfo=SHANGHAI)
    )
    client.login(username=advisor_user.username, password=PASSWORD)

    page = client.get(reverse("home")).content.decode()

    assert resident_request.get_absolute_url() in page
    assert "6月17日当天内答复" in page


def test_closing_after_the_agreement_ended_says_why_and_keeps_the_answer(client, agreement, advisor_user):
    resident_request = ResidentRequestFactory(agreement=agreement)
    agreement.end_date = date(2026, 6, 10)
    agreement.save()
    client.login(username=advisor_user.username, password=PASSWORD)

    response = client.post(
        reverse("consultations:request_close", args=[resident_request.pk]),
        {"answered_mode": "phone", "answer": "已电话答复。"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "没有与" in page and "已电话答复。" in page
    resident_request.refresh_from_db()
    assert resident_request.is_open


def test_it_limits_the_lookups_of_one_address(client, agreement, settings):
    settings.PUBLIC_SEARCH_RATE = 2
    resident_request = ResidentRequestFactory(agreement=agreement)
    url = reverse("residents:status", args=[resident_request.reference])

    answers = [client.get(url).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert (
        client.get(reverse("publicity:home"), {"q": "王庄"}).status_code == 200
    )  # searches are counted apart
