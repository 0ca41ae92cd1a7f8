"""Monthly ledgers: the advisor submits a village's month by the due day (25th), the justice office forwards the
township's month by the month's end, the bureau sees every late or missing one (ledger/submissions.py and its pages).
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import Flag
from deadlines.services import mark_ledgers_overdue
from ledger.models import LedgerSubmission, TownshipLedger, WorkLog
from ledger.services import ledger_closed_for
from ledger.submissions import (
    LedgerState,
    bureau_month_status,
    ledger_submit,
    month_ledger_status,
    township_ledger_forward,
)
from tests.factories import AgreementFactory, VillageFactory, WorkLogFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> time_machine.travel:
    """Travel to an Asia/Shanghai moment (the clock stands still)."""
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def june_log(agreement, status=WorkLog.Status.SUBMITTED, day=10, **extra) -> WorkLog:
    return WorkLogFactory(agreement=agreement, service_date=date(2026, 6, day), status=status, **extra)


# --- the advisor's submission ---


def test_it_submits_on_time_before_the_due_day_ends(advisor_user, village, agreement):
    june_log(agreement)
    with at(2026, 6, 25, 23, 30):
        submission = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert submission.submitted_at == datetime(2026, 6, 25, 23, 30, tzinfo=SHANGHAI)
    assert submission.is_late is False


def test_it_marks_a_submission_after_the_due_day_late(advisor_user, village, agreement):
    with at(2026, 6, 26, 0, 5):
        submission = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert submission.is_late is True


def test_it_follows_the_bureaus_due_day(advisor_user, village, bureau):
    bureau.ledger_due_day = 20
    bureau.save()
    with at(2026, 6, 21, 9, 0):
        submission = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert submission.is_late is True


def test_it_keeps_a_ledger_marked_late_by_the_overdue_job_late_and_resolves_its_flag(
    advisor_user, advisor, village, agreement
):
    with at(2026, 6, 26, 0, 10):
        mark_ledgers_overdue(on=date(2026, 6, 25))
    marked = LedgerSubmission.objects.get(advisor=advisor, village=village, year=2026, month=6)
    assert marked.is_late and marked.submitted_at is None

    with at(2026, 6, 27, 10, 0):
        submission = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert submission.pk == marked.pk
    assert submission.is_late is True
    assert submission.submitted_at == datetime(2026, 6, 27, 10, 0, tzinfo=SHANGHAI)
    flag = Flag.objects.get(kind=Flag.Kind.LEDGER_OVERDUE, village=village)
    assert flag.resolved_at is not None


def test_it_refuses_a_future_month(advisor_user, village):
    with pytest.raises(ValidationError, match="2026年7月尚未开始"):
        ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=7)

    assert not LedgerSubmission.objects.exists()


def test_it_refuses_while_the_months_logs_are_drafts_or_returned_and_names_them(
    advisor_user, village, agreement
):
    june_log(agreement, WorkLog.Status.DRAFT, day=3, object_name="王大爷")
    june_log(agreement, WorkLog.Status.RETURNED, day=8, object_name="李大娘", return_reason="补充情况")
    june_log(agreement)

    with pytest.raises(ValidationError) as refused:
        ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    message = refused.value.messages[0]
    assert "6月3日 王大爷（草稿）" in message
    assert "6月8日 李大娘（退回）" in message
    assert not LedgerSubmission.objects.filter(submitted_at__isnull=False).exists()


def test_it_ignores_drafts_of_another_month_or_village(advisor_user, village, agreement, second_agreement):
    WorkLogFactory(agreement=agreement, service_date=date(2026, 5, 3), status=WorkLog.Status.DRAFT)
    june_log(second_agreement, WorkLog.Status.DRAFT)

    submission = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert submission.submitted_at is not None


def test_it_refuses_an_advisor_without_an_agreement_that_month(other_advisor_user, village, today):
    with pytest.raises(PermissionDenied):
        ledger_submit(advisor_user=other_advisor_user, village=village, year=2026, month=6)


def test_it_refuses_someone_who_is_not_an_advisor(office_user, village, today):
    with pytest.raises(PermissionDenied):
        ledger_submit(advisor_user=office_user, village=village, year=2026, month=6)


def test_it_keeps_the_first_submission_time_when_submitted_twice(advisor_user, village):
    first = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)
    with at(2026, 6, 28, 9, 0):
        again = ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert again.pk == first.pk
    assert again.submitted_at == first.submitted_at
    assert again.is_late is False
    assert LedgerSubmission.objects.count() == 1


def test_it_closes_the_days_the_ledger_covered_so_a_new_log_for_them_is_a_correction(
    advisor_user, advisor, village, agreement
):
    assert not ledger_closed_for(advisor=advisor, village=village, day=date(2026, 6, 10))

    ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)

    assert ledger_closed_for(advisor=advisor, village=village, day=date(2026, 6, 10))
    assert not ledger_closed_for(advisor=advisor, village=village, day=date(2026, 5, 10))


# --- the justice office's forwarding ---


def test_it_forwards_the_township_month_on_time_before_the_month_ends(office_user, township):
    with at(2026, 6, 30, 23, 0):
        ledger = township_ledger_forward(by=office_user, township=township, year=2026, month=6)

    assert ledger.forwarded_at == datetime(2026, 6, 30, 23, 0, tzinfo=SHANGHAI)
    assert ledger.forwarded_by == office_user
    assert ledger.is_late is False


def test_it_marks_a_forwarding_after_the_month_late(office_user, township):
    with at(2026, 7, 1, 0, 10):
        ledger = township_ledger_forward(by=office_user, township=township, year=2026, month=6)

    assert ledger.is_late is True


def test_it_keeps_a_township_ledger_marked_late_by_the_month_end_job_late(office_user, township):
    TownshipLedger.objects.create(township=township, year=2026, month=5, is_late=True)
    with at(2026, 6, 2, 9, 0):
        ledger = township_ledger_forward(by=office_user, township=township, year=2026, month=5)

    assert ledger.is_late is True
    assert ledger.forwarded_at is not None


@pytest.mark.parametrize("persona", ["other_office_user", "bureau_admin_user", "advisor_user"])
def test_it_refuses_forwarding_by_anyone_but_the_townships_office(request, persona, township, today):
    with pytest.raises(PermissionDenied):
        township_ledger_forward(by=request.getfixturevalue(persona), township=township, year=2026, month=6)

    assert not TownshipLedger.objects.exists()


def test_it_refuses_forwarding_a_future_month(office_user, township, today):
    with pytest.raises(ValidationError):
        township_ledger_forward(by=office_user, township=township, year=2026, month=7)


# --- the selectors ---


def test_it_tells_the_office_which_ledgers_are_in_late_or_missing(
    advisor_user, village, second_village, vacant_village, agreement, township
):
    june_log(agreement, hours="2.50")
    june_log(agreement, WorkLog.Status.DRAFT)
    with at(2026, 6, 26, 9, 0):
        ledger_submit(advisor_user=advisor_user, village=second_village, year=2026, month=6)
        rows = {row.village: row for row in month_ledger_status(township=township, year=2026, month=6)}

    assert rows[village].state == LedgerState.MISSING and rows[village].missing
    assert (rows[village].logs, rows[village].unfinished, rows[village].hours) == (1, 1, Decimal("2.5"))
    assert rows[second_village].state == LedgerState.SUBMITTED_LATE
    assert rows[vacant_village].state == LedgerState.UNSERVED


def test_it_shows_a_ledger_not_yet_due_as_pending(advisor_user, village, township, today):
    rows = {row.village: row for row in month_ledger_status(township=township, year=2026, month=6)}

    assert rows[village].state == LedgerState.PENDING
    assert rows[village].advisor.user == advisor_user


def test_it_gives_the_bureau_each_townships_status_and_every_late_or_missing_ledger(whole_map):
    w = whole_map
    with at(2026, 6, 20, 9, 0):
        ledger_submit(advisor_user=w.advisor_user, village=w.village, year=2026, month=6)
    with at(2026, 6, 30, 10, 0):
        ledger_submit(advisor_user=w.other_advisor_user, village=w.other_township_village, year=2026, month=6)
        township_ledger_forward(by=w.office_user, township=w.township, year=2026, month=6)
        rows = {row.township: row for row in bureau_month_status(bureau=w.bureau, year=2026, month=6)}

    mine, other = rows[w.township], rows[w.other_township]
    assert (mine.villages, mine.owed, mine.submitted, mine.late, mine.missing) == (3, 2, 1, 0, 1)
    assert [(o.village_name, o.missing) for o in mine.overdue] == [("李家村", True)]
    assert mine.forwarded_at is not None and not mine.forwarded_late
    assert (other.owed, other.submitted, other.late, other.missing) == (1, 1, 1, 0)
    assert [(o.village_name, o.missing) for o in other.overdue] == [("桃园社区", False)]
    assert other.forwarded_at is None
    assert w.other_bureau_township not in rows


# --- the pages ---


def test_it_shows_the_advisor_the_months_logs_and_the_due_day(client, advisor_user, village, agreement):
    june_log(agreement, object_name="王大爷")
    client.force_login(advisor_user)

    response = client.get(reverse("ledger:ledger_month", args=[village.pk]), {"month": "2026-06"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "王大爷" in page
    assert "未报送" in page
    assert "2026年6月25日" in page
    assert "报送台账" in page


def test_it_submits_from_the_page_and_shows_the_time(client, advisor_user, village):
    client.force_login(advisor_user)
    url = reverse("ledger:ledger_submit", args=[village.pk])

    response = client.post(url, {"month": "2026-06"}, follow=True)

    page = response.content.decode()
    assert "已报送于 2026年6月15日 10:00" in page
    assert "逾期" not in page
    assert LedgerSubmission.objects.get().submitted_at is not None


def test_it_shows_the_refusal_when_drafts_block_the_submission(client, advisor_user, village, agreement):
    june_log(agreement, WorkLog.Status.DRAFT, object_name="王大爷")
    client.force_login(advisor_user)

    response = client.post(
        reverse("ledger:ledger_submit", args=[village.pk]), {"month": "2026-06"}, follow=True
    )

    assert "王大爷（草稿）" in response.content.decode()
    assert not LedgerSubmission.objects.exists()


def test_it_shows_a_ledger_past_its_due_day_as_overdue(client, advisor_user, village):
    client.force_login(advisor_user)
    with at(2026, 6, 27, 9, 0):
        response = client.get(reverse("ledger:ledger_month", args=[village.pk]))

    assert "逾期未报送" in response.content.decode()


def test_it_links_the_home_cards_ledger_line_to_the_month_page(client, advisor_user, village):
    client.force_login(advisor_user)

    response = client.get(reverse("home"))

    assert reverse("ledger:ledger_month", args=[village.pk]) in response.content.decode()


def test_it_answers_another_advisor_with_404_and_the_liaison_with_403(
    client, village, other_advisor_user, liaison_user
):
    url = reverse("ledger:ledger_month", args=[village.pk])
    client.force_login(other_advisor_user)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("ledger:ledger_submit", args=[village.pk]), {"month": "2026-06"}).status_code
        == 404
    )

    client.force_login(liaison_user)
    assert client.get(url).status_code == 403


def test_it_answers_another_townships_office_with_404(client, township, other_office_user, today):
    client.force_login(other_office_user)

    assert client.get(reverse("ledger:ledger_township", args=[township.pk])).status_code == 404
    forward = reverse("ledger:ledger_township_forward", args=[township.pk])
    assert client.post(forward, {"month": "2026-06"}).status_code == 404
    assert not TownshipLedger.objects.exists()


def test_it_shows_the_office_its_villages_statuses_and_forwards(
    client, office_user, advisor_user, village, second_village, vacant_village, township
):
    with at(2026, 6, 26, 9, 0):
        ledger_submit(advisor_user=advisor_user, village=second_village, year=2026, month=6)
        client.force_login(office_user)
        page = client.get(reverse("ledger:ledger_township", args=[township.pk]), {"month": "2026-06"})
        text = page.content.decode()
        assert "逾期未报" in text and "逾期报送" in text and "未配备顾问" in text
        assert "报送司法局" in text

        forward = reverse("ledger:ledger_township_forward", args=[township.pk])
        response = client.post(forward, {"month": "2026-06"}, follow=True)

    assert "已于 2026年6月26日 09:00 报送司法局" in response.content.decode()
    assert TownshipLedger.objects.get(township=township).forwarded_by == office_user


def test_it_lists_every_late_or_missing_ledger_for_the_bureau(client, whole_map):
    w = whole_map
    with at(2026, 6, 27, 9, 0):
        ledger_submit(advisor_user=w.advisor_user, village=w.village, year=2026, month=6)
        client.force_login(w.bureau_admin_user)
        page = client.get(reverse("ledger:ledger_overview"), {"month": "2026-06"}).content.decode()

    assert "王庄村（张明）逾期" in page
    assert "李家村（张明）未报" in page
    assert "桃园社区（李芳）未报" in page
    assert "石桥村" not in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"month": "2026-06"}).status_code == 200
    return len(queries)


def _more_villages(township, count: int) -> None:
    for _ in range(count):
        agreement = AgreementFactory(
            advisor__bureau=township.bureau, village=VillageFactory(township=township)
        )
        june_log(agreement)
        LedgerSubmission.objects.create(
            advisor=agreement.advisor, village=agreement.village, year=2026, month=6, is_late=True
        )


@pytest.mark.parametrize("persona", ["office_user", "bureau_admin_user"])
def test_it_reads_the_office_and_bureau_pages_in_a_fixed_number_of_queries(
    request, client, whole_map, persona
):
    w = whole_map
    client.force_login(getattr(w, persona))
    urls = [reverse("ledger:ledger_township", args=[w.township.pk])]
    if persona == "bureau_admin_user":
        urls.append(reverse("ledger:ledger_overview"))
    _more_villages(w.township, 1)
    before = [_queries(client, url) for url in urls]

    _more_villages(w.township, 6)
    _more_villages(w.other_township, 4)

    assert [_queries(client, url) for url in urls] == before
