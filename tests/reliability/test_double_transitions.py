"""Reliability: state transitions lock their row, so two clicks or two people make exactly one transition.

Each family is tried twice: by a double POST through the pages (the second is refused with a clear message, or is a
no-op), and by two "requests" that both loaded the row before either wrote (two stale objects handed to the
service, as two concurrent requests would): the lock reloads the row, so the second sees the first one's result."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from advisors.models import Agreement
from advisors.services import agreement_end, agreement_file, agreement_renew, agreement_sign
from ledger.models import Incident, Lecture, LedgerSubmission, TownshipLedger, WorkLog, WorkLogEvent
from ledger.services import (
    incident_acknowledge,
    lecture_receive,
    worklog_confirm,
    worklog_dispute,
    worklog_return,
    worklog_submit,
    worklog_verify,
)
from tests.factories import AgreementFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 3)


def make_log(agreement, status="submitted") -> WorkLog:
    return WorkLogFactory(agreement=agreement, status=status, service_date=JUNE)


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def twice(model, pk):
    """The same row as two requests loaded it, before either wrote."""
    return model.objects.get(pk=pk), model.objects.get(pk=pk)


def events(worklog, action) -> int:
    return WorkLogEvent.objects.filter(worklog=worklog, action=action).count()


# --- work logs: submit, confirm, dispute, verify, return, bulk verify ---


def test_a_double_post_confirms_a_log_once_and_says_why_the_second_is_refused(
    client, agreement, liaison_user
):
    worklog = make_log(agreement)
    client.force_login(liaison_user)

    client.post(f"/logs/{worklog.pk}/confirm/", {"note": ""})
    again = client.post(f"/logs/{worklog.pk}/confirm/", {"note": ""})

    assert events(worklog, WorkLogEvent.Action.CONFIRMED) == 1
    assert "只有已提交的日志可以确认。" in flash(again)


def test_two_requests_confirming_the_same_log_make_one_confirmation(agreement, liaison_user, office_user):
    worklog = make_log(agreement)
    first, second = twice(WorkLog, worklog.pk)

    worklog_confirm(worklog=first, by=liaison_user)
    with pytest.raises(ValidationError, match="只有已提交的日志可以确认"):
        worklog_confirm(worklog=second, by=office_user)

    worklog.refresh_from_db()
    assert worklog.confirmed_by == liaison_user and not worklog.confirmed_on_behalf
    assert events(worklog, WorkLogEvent.Action.CONFIRMED) == 1
    assert events(worklog, WorkLogEvent.Action.CONFIRMED_ON_BEHALF) == 0


def test_two_requests_submitting_the_same_log_make_one_submission(agreement, advisor_user):
    worklog = make_log(agreement, status="draft")
    first, second = twice(WorkLog, worklog.pk)

    worklog_submit(worklog=first, by=advisor_user)
    with pytest.raises(ValidationError, match="只有草稿或退回的日志可以提交"):
        worklog_submit(worklog=second, by=advisor_user)

    assert events(worklog, WorkLogEvent.Action.SUBMITTED) == 1


def test_a_dispute_and_a_confirmation_at_once_make_only_the_first(agreement, liaison_user, office_user):
    worklog = make_log(agreement)
    disputing, confirming = twice(WorkLog, worklog.pk)

    worklog_dispute(worklog=disputing, by=liaison_user, reason="当天顾问未到村")
    with pytest.raises(ValidationError, match="只有已提交的日志可以确认"):
        worklog_confirm(worklog=confirming, by=office_user)

    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.RETURNED
    assert events(worklog, WorkLogEvent.Action.DISPUTED) == 1


def test_two_disputes_at_once_send_the_log_back_once(agreement, liaison_user):
    worklog = make_log(agreement)
    first, second = twice(WorkLog, worklog.pk)

    worklog_dispute(worklog=first, by=liaison_user, reason="时间不符")
    with pytest.raises(ValidationError, match="只有待确认的日志可以提出异议"):
        worklog_dispute(worklog=second, by=liaison_user, reason="时间不符")

    assert events(worklog, WorkLogEvent.Action.DISPUTED) == 1


def test_a_double_post_verifies_a_log_once(client, agreement, office_user):
    worklog = make_log(agreement, status="confirmed")
    client.force_login(office_user)

    client.post(f"/logs/{worklog.pk}/verify/")
    again = client.post(f"/logs/{worklog.pk}/verify/")

    assert events(worklog, WorkLogEvent.Action.VERIFIED) == 1
    assert "只有村(居)已确认的日志可以核查。" in flash(again)


def test_two_offices_verifying_and_returning_at_once_make_only_the_first(agreement, office_user):
    worklog = make_log(agreement, status="confirmed")
    verifying, returning = twice(WorkLog, worklog.pk)

    worklog_verify(worklog=verifying, by=office_user)
    with pytest.raises(ValidationError, match="只有已提交或已确认的日志可以退回"):
        worklog_return(worklog=returning, by=office_user, reason="照片不清")

    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.VERIFIED
    assert events(worklog, WorkLogEvent.Action.RETURNED) == 0


def test_a_double_post_of_the_bulk_verify_verifies_each_log_once(client, agreement, office_user):
    logs = [make_log(agreement, status="confirmed") for _ in range(2)]
    client.force_login(office_user)
    data = {"ids": [log.pk for log in logs]}

    client.post("/logs/verify/", data)
    client.post("/logs/verify/", data)

    assert WorkLogEvent.objects.filter(action=WorkLogEvent.Action.VERIFIED).count() == 2


# --- ledgers: the advisor's submission, the office's forwarding (idempotent: the first time stands) ---


def test_a_double_post_submits_a_month_ledger_once(client, advisor_user, village, agreement):
    client.force_login(advisor_user)

    client.post(f"/logs/ledgers/village/{village.pk}/submit/", {"month": "2026-06"})
    first = LedgerSubmission.objects.get()
    client.post(f"/logs/ledgers/village/{village.pk}/submit/", {"month": "2026-06"})

    assert LedgerSubmission.objects.get().submitted_at == first.submitted_at


def test_a_double_post_forwards_a_township_ledger_once(client, office_user, township):
    client.force_login(office_user)

    client.post(f"/logs/ledgers/township/{township.pk}/forward/", {"month": "2026-06"})
    first = TownshipLedger.objects.get()
    client.post(f"/logs/ledgers/township/{township.pk}/forward/", {"month": "2026-06"})

    ledger = TownshipLedger.objects.get()
    assert ledger.forwarded_at == first.forwarded_at and ledger.forwarded_by == office_user


# --- incidents and lectures (idempotent: the first acknowledgement / receipt stands) ---


def test_two_acknowledgements_of_an_incident_keep_the_first(agreement, office_user, other_office_user):
    incident = Incident.objects.create(
        village=agreement.village, advisor=agreement.advisor, summary="征地纠纷"
    )
    first, second = twice(Incident, incident.pk)
    colleague = _colleague_of(office_user)

    incident_acknowledge(incident=first, by=office_user)
    incident_acknowledge(incident=second, by=colleague)

    incident.refresh_from_db()
    assert incident.acknowledged_by == office_user


def test_two_receipts_of_a_lecture_keep_the_first(agreement, office_user):
    lecture = Lecture.objects.create(
        worklog=make_log(agreement), topic="民法典进农村", outline="一、婚姻家庭"
    )
    first, second = twice(Lecture, lecture.pk)
    colleague = _colleague_of(office_user)

    lecture_receive(lecture=first, by=office_user)
    lecture_receive(lecture=second, by=colleague)

    lecture.refresh_from_db()
    assert lecture.received_by == office_user


def _colleague_of(office_user):
    from accounts.models import Role, profile_of
    from tests.factories import make_user_with_role

    profile = profile_of(office_user)
    return make_user_with_role(
        Role.OFFICE_STAFF, bureau=profile.bureau, township=profile.township, username="office2"
    )


# --- agreements: sign, file, end, renew ---


@pytest.fixture
def draft(advisor, vacant_village, today):
    return AgreementFactory(
        advisor=advisor,
        village=vacant_village,
        status=Agreement.Status.DRAFT,
        signed_on=None,
        filed_on=None,
    )


def test_two_clerks_signing_the_same_agreement_sign_it_once(draft, today):
    first, second = twice(Agreement, draft.pk)

    agreement_sign(agreement=first, on=today)
    with pytest.raises(ValidationError, match="只有草拟状态的协议可以签订"):
        agreement_sign(agreement=second, on=today)


def test_two_clerks_filing_the_same_agreement_file_it_once(draft, today):
    agreement_sign(agreement=draft, on=today)
    first, second = twice(Agreement, draft.pk)

    agreement_file(agreement=first, on=today)
    with pytest.raises(ValidationError, match="只有已签订的协议可以备案"):
        agreement_file(agreement=second, on=today)


def test_a_filing_and_an_ending_at_once_make_only_the_first(draft, today):
    agreement_sign(agreement=draft, on=today)
    ending, filing = twice(Agreement, draft.pk)

    agreement_end(agreement=ending, on=today, reason="顾问调离")
    with pytest.raises(ValidationError, match="只有已签订的协议可以备案"):
        agreement_file(agreement=filing, on=today)

    draft.refresh_from_db()
    assert draft.status == Agreement.Status.ENDED


def test_an_agreement_is_renewed_once(agreement):
    start, end = date(agreement.end_date.year + 1, 1, 1), date(agreement.end_date.year + 1, 12, 31)
    first, second = twice(Agreement, agreement.pk)

    agreement_renew(agreement=first, start_date=start, end_date=end)
    with pytest.raises(ValidationError, match="该协议已续聘，不能重复续聘"):
        agreement_renew(agreement=second, start_date=start, end_date=end)

    assert Agreement.objects.filter(previous=agreement).count() == 1
