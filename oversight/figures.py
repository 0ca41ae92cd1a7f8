"""The figures of the oversight pages, per county bureau and period, each read in a fixed number of grouped queries
whatever the number of bureaus: the pages of a province (some 180 bureaus, 63,000 villages) read the same few
statements as a city's.

Every function takes the county bureaus (rows already loaded: their settings decide due days and deadlines), a
`programme.calendar.Period` and today, and returns per bureau id a `list` of numbers in the order of its section's
columns (`oversight.sections`). What counts is what the bureau's own pages count:

- coverage: the villages with an agreement in force on the period's reference day (its last day, or today while it
  runs), their advisors, and the filing (备案) of those agreements against `Agreement.filing_deadline` (the bureau's
  `agreement_filing_deadline`, or a month from a later start);
- ledgers: each month of the period up to the running one, the villages that owe a ledger (an agreement in force on
  `ledger.submissions.whose_day`), the submissions in, late and missing once the bureau's due day
  (`programme.calendar.ledger_due_date`) has passed, and the townships' forwarding to the bureau by the month's end
  (`ledger.submissions` rules);
- incidents: reported in the period, acknowledged, handled, escalated, and open (not acknowledged: the justice
  office's list, `ledger.filters.IncidentFilter`) as of now;
- reviews: the bureau's review of the period (`review_of_period`) and its tiers;
- statistics: `ledger.reports.bureaus_statistics`, the statistics form's counts from the monthly rollup.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from advisors.models import Agreement
from assessment.models import Review, ReviewPeriod, Tier
from ledger.models import Incident, LedgerSubmission, TownshipLedger
from ledger.reports import bureaus_statistics
from ledger.submissions import whose_day
from programme.calendar import (
    HALF,
    MONTH,
    QUARTER,
    Period,
    end_of_day,
    last_day_of_month,
    ledger_due_date,
    months_between,
    start_of_day,
)
from villages.models import Bureau, Township

Values = list[Any]


def reference_day(period: Period, today: date) -> date:
    """The day a period's standing is read on: its last day once over, today while it runs, its first day before."""
    return max(period.start, min(period.end, today))


def _ids(bureaus: Sequence[Bureau]) -> list[int]:
    return [bureau.pk for bureau in bureaus]


# --- 覆盖情况 ---


def coverage(bureaus: Sequence[Bureau], period: Period, today: date) -> dict[int, Values]:
    """Townships, villages, villages with an advisor, advisors, agreements in force; filed on time, filed late, not
    filed past the deadline, not filed within it. Three queries."""
    ids = _ids(bureaus)
    day = reference_day(period, today)
    places = {
        row["bureau_id"]: row
        for row in Township.objects.filter(bureau_id__in=ids)
        .values("bureau_id")
        .annotate(townships=Count("pk", distinct=True), villages=Count("villages"))
        .order_by()
    }
    in_force = Agreement.objects.covering(day).filter(village__township__bureau_id__in=ids)
    agreements = {
        row["b"]: row
        for row in in_force.annotate(b=F("village__township__bureau_id"))
        .values("b")
        .annotate(
            covered=Count("village", distinct=True),
            advisors=Count("advisor", distinct=True),
            agreements=Count("pk"),
            on_time=Count("pk", filter=Q(filed_on__isnull=False, filed_late=False)),
            late=Count("pk", filter=Q(filed_on__isnull=False, filed_late=True)),
        )
        .order_by()
    }
    # The unfiled ones by start day: a deadline is the bureau's for the start's year, or a month from a later start.
    overdue: dict[int, int] = defaultdict(int)
    pending: dict[int, int] = defaultdict(int)
    by_pk = {bureau.pk: bureau for bureau in bureaus}
    for row in (
        in_force.filter(filed_on__isnull=True)
        .annotate(b=F("village__township__bureau_id"))
        .values("b", "start_date")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        start = row["start_date"]
        deadline = Agreement.filing_deadline_of(by_pk[row["b"]], start)
        (overdue if day > deadline else pending)[row["b"]] += row["n"]
    result = {}
    for pk in ids:
        place, agreement = places.get(pk, {}), agreements.get(pk, {})
        result[pk] = [
            place.get("townships", 0),
            place.get("villages", 0),
            agreement.get("covered", 0),
            agreement.get("advisors", 0),
            agreement.get("agreements", 0),
            agreement.get("on_time", 0),
            agreement.get("late", 0),
            overdue[pk],
            pending[pk],
        ]
    return result


def coverage_rate(values: Values) -> Values:
    """覆盖率: villages with an advisor of all villages, in per cent."""
    villages, covered = values[1], values[2]
    return [percent(covered, villages)]


def percent(part: int, whole: int) -> Decimal | str:
    if not whole:
        return "—"
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


# --- 台账报送 ---


def ledger_months(period: Period, today: date) -> list[date]:
    """The months of the period whose ledgers are counted: those begun by today."""
    return [first for first in months_between(period.start, period.end) if first <= today]


def ledgers_by_month(
    bureaus: Sequence[Bureau], period: Period, today: date
) -> dict[tuple[int, date], Values]:
    """Per (bureau, month): ledgers owed, in on time, in late, missing (due day passed), pending (due day ahead);
    township ledgers owed, forwarded on time, forwarded late, not forwarded (month over), pending. Four queries."""
    ids = _ids(bureaus)
    months = ledger_months(period, today)
    if not ids or not months:
        return {}
    now = timezone.now()
    days = {first: whose_day(first.year, first.month, today) for first in months}
    owed_rows = (
        Agreement.objects.in_force()
        .filter(
            village__township__bureau_id__in=ids,
            start_date__lte=max(days.values()),
            end_date__gte=min(days.values()),
        )
        .annotate(b=F("village__township__bureau_id"))
        .values("b")
        .annotate(
            **{
                f"m{first:%Y%m}": Count(
                    "village", distinct=True, filter=Q(start_date__lte=day, end_date__gte=day)
                )
                for first, day in days.items()
            }
        )
        .order_by()
    )
    owed = {(row["b"], first): row[f"m{first:%Y%m}"] for row in owed_rows for first in months}
    year = months[0].year  # a period lies within one year
    month_numbers = [first.month for first in months]
    submissions = {
        (row["b"], date(year, row["month"], 1)): row
        for row in LedgerSubmission.objects.filter(
            village__township__bureau_id__in=ids, year=year, month__in=month_numbers
        )
        .annotate(b=F("village__township__bureau_id"))
        .values("b", "month")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_at__isnull=False, is_late=False)),
            late=Count("pk", filter=Q(submitted_at__isnull=False, is_late=True)),
        )
        .order_by()
    }
    forwarded = {
        (row["township__bureau_id"], date(year, row["month"], 1)): row
        for row in TownshipLedger.objects.filter(
            township__bureau_id__in=ids, year=year, month__in=month_numbers, forwarded_at__isnull=False
        )
        .values("township__bureau_id", "month")
        .annotate(on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    }
    townships = dict(
        Township.objects.filter(bureau_id__in=ids)
        .values("bureau_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("bureau_id", "n")
    )
    result = {}
    for bureau in bureaus:
        for first in months:
            key = (bureau.pk, first)
            owed_n, sub, fwd = owed.get(key, 0), submissions.get(key, {}), forwarded.get(key, {})
            submitted = sub.get("on_time", 0) + sub.get("late", 0)
            outstanding = max(0, owed_n - submitted)
            due_passed = now >= end_of_day(ledger_due_date(bureau, first.year, first.month))
            townships_n = townships.get(bureau.pk, 0)
            sent = fwd.get("on_time", 0) + fwd.get("late", 0)
            unsent = max(0, townships_n - sent)
            month_over = now >= end_of_day(last_day_of_month(first.year, first.month))
            result[key] = [
                owed_n,
                sub.get("on_time", 0),
                sub.get("late", 0),
                outstanding if due_passed else 0,
                0 if due_passed else outstanding,
                townships_n,
                fwd.get("on_time", 0),
                fwd.get("late", 0),
                unsent if month_over else 0,
                0 if month_over else unsent,
            ]
    return result


LEDGER_WIDTH = 10


def ledgers(bureaus: Sequence[Bureau], period: Period, today: date) -> dict[int, Values]:
    """`ledgers_by_month` summed over the period's months, per bureau."""
    by_month = ledgers_by_month(bureaus, period, today)
    result = {bureau.pk: [0] * LEDGER_WIDTH for bureau in bureaus}
    for (pk, _first), values in by_month.items():
        result[pk] = [a + b for a, b in zip(result[pk], values, strict=True)]
    return result


def ledger_rate(values: Values) -> Values:
    """按时报送率: ledgers in on time of those owed whose due day has passed."""
    owed_due = values[1] + values[2] + values[3]
    return [percent(values[1], owed_due)]


# --- 涉稳事项 ---


def incidents(bureaus: Sequence[Bureau], period: Period, today: date) -> dict[int, Values]:
    """Reported in the period; of them acknowledged, with the handling recorded, escalated to the bureau; and every
    incident reported by the period's end still not acknowledged now. One query."""
    ids = _ids(bureaus)
    stop = end_of_day(period.end)
    in_period = Q(reported_at__gte=start_of_day(period.start))
    rows = {
        row["b"]: row
        for row in Incident.objects.filter(village__township__bureau_id__in=ids, reported_at__lt=stop)
        .annotate(b=F("village__township__bureau_id"))
        .values("b")
        .annotate(
            reported=Count("pk", filter=in_period),
            acknowledged=Count("pk", filter=in_period & Q(acknowledged_at__isnull=False)),
            handled=Count("pk", filter=in_period & Q(handled_at__isnull=False)),
            escalated=Count("pk", filter=in_period & Q(escalated_at__isnull=False)),
            open=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        )
        .order_by()
    }
    keys = ("reported", "acknowledged", "handled", "escalated", "open")
    return {pk: [rows.get(pk, {}).get(key, 0) for key in keys] for pk in ids}


# --- 考核等次 ---


def review_of_period(period: Period) -> tuple[str, int]:
    """The review (kind, year) a period is judged in: the half-year review for a period within the first half, the
    year-end review for the year, the second half and the months and quarters in it."""
    if period.kind in (MONTH, QUARTER, HALF) and period.end.month <= 6:
        return ReviewPeriod.Kind.HALF_YEAR, period.start.year
    return ReviewPeriod.Kind.YEAR, period.start.year


REVIEW_TIERS = (Tier.EXCELLENT, Tier.GOOD, Tier.PASS, Tier.FAIL)


def reviews(bureaus: Sequence[Bureau], period: Period, today: date) -> dict[int, Values]:
    """The bureau's review of the period: its state (text), advisors reviewed, final tiers by tier, awaiting a final
    tier, open objections, misconduct. One query."""
    ids = _ids(bureaus)
    kind, year = review_of_period(period)
    final = Q(reviews__status=Review.Status.FINAL)
    rows = {
        row.bureau_id: row
        for row in ReviewPeriod.objects.filter(bureau_id__in=ids, kind=kind, year=year).annotate(
            total=Count("reviews"),
            final=Count("reviews", filter=final),
            **{
                f"tier_{tier}": Count("reviews", filter=final & Q(reviews__final_tier=tier))
                for tier in REVIEW_TIERS
            },
            objections=Count(
                "reviews",
                filter=Q(
                    reviews__advisor_response=Review.AdvisorResponse.OBJECTED,
                    reviews__objection_answered_at__isnull=True,
                ),
            ),
            misconduct=Count("reviews", filter=Q(reviews__misconduct=True)),
        )
    }
    result = {}
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            result[pk] = [_("未开启"), 0, 0, *([0] * len(REVIEW_TIERS)), 0, 0, 0]
            continue
        result[pk] = [
            row.get_status_display(),
            row.total,
            row.final,
            *(getattr(row, f"tier_{tier}") for tier in REVIEW_TIERS),
            row.total - row.final,
            row.objections,
            row.misconduct,
        ]
    return result


# --- 统计表 ---


def statistics(bureaus: Sequence[Bureau], period: Period, today: date, *, types=None) -> dict[int, Values]:
    """The statistics form's counted columns (seed 004's categories) per bureau: two queries (the service types and
    the monthly rollup)."""
    return bureaus_statistics(
        bureau_ids=_ids(bureaus),
        year=period.start.year,
        first_month=period.start.month,
        last_month=period.end.month,
        types=types,
    )
