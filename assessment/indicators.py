"""The indicators of a review, computed in bulk from the data of a period, a chunk of advisors at a time.

The queries are per chunk of advisors, not per advisor: each source (logs, lectures, ledgers, visits, inspections,
incidents) is read once per chunk of `CHUNK_SIZE` advisors (a range of advisor ids, see `advisor_ranges`), grouped in
SQL by (advisor, village). A county's review is one chunk; a province's (14,000 advisors) is 14 chunks and about 200
queries, and the memory held at once is one chunk's, not the province's.

A month of the period counts for a village when the advisor's agreement for it was in force on the month's 15th
(an agreement that starts on the 20th is not asked for a visit that month) and the bureau had started to keep its
records in the system by then (`Bureau.records_start_on`: months before it were kept on paper and are not judged
here); a quarter counts when one of its months does. An advisor and village with no month that counts are not
reviewed in the period. Only logs that count (submitted, confirmed or verified) are counted.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from advisors.models import Agreement
from ledger.models import Incident, Lecture, LedgerSubmission, ServiceType, WorkLog
from programme.calendar import months_between, quarter_start
from programme.measures import Rules, met, onsite
from villages.models import Village

from .models import Inspection, ReturnVisit, ReviewPeriod, Satisfaction

SATISFACTION_SHARE = {
    Satisfaction.SATISFIED: Decimal(1),
    Satisfaction.MOSTLY: Decimal("0.6"),
    Satisfaction.UNSATISFIED: Decimal(0),
}
THREE_PLACES = Decimal("0.001")

# Advisors computed (and written) together: bounds the memory of a review of a whole province.
CHUNK_SIZE = 1000


def _ratio(value, required) -> str | None:
    if not required:
        return None
    share = min(Decimal(1), Decimal(value) / Decimal(required))
    return str(share.quantize(THREE_PLACES, ROUND_HALF_UP))


@dataclass
class Pair:
    """One advisor's work in one village over the period."""

    advisor_id: int
    village_id: int
    agreement_id: int  # the last agreement in force in the period
    months: list[date] = field(default_factory=list)  # the months that count


AdvisorRange = tuple[int, int]  # the first and last advisor id of a chunk, inclusive


def _in_range(advisors: AdvisorRange | None) -> dict:
    return {} if advisors is None else {"advisor_id__gte": advisors[0], "advisor_id__lte": advisors[1]}


def _agreements(period: ReviewPeriod, advisors: AdvisorRange | None = None):
    return Agreement.objects.overlapping(period.start_date, period.end_date).filter(
        village__township__bureau_id=period.bureau_id, **_in_range(advisors)
    )


def advisor_ranges(period: ReviewPeriod, size: int | None = None) -> list[AdvisorRange]:
    """The advisors of the period in ranges of `size` (CHUNK_SIZE) advisors, by id: every advisor with an
    agreement in force during the period, and every advisor already reviewed in it."""
    size = size or CHUNK_SIZE
    ids = set(_agreements(period).order_by().values_list("advisor_id", flat=True).distinct())
    ids.update(period.reviews.order_by().values_list("advisor_id", flat=True))
    ids = sorted(ids)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def pairs_of(period: ReviewPeriod, advisors: AdvisorRange | None = None) -> dict[tuple[int, int], Pair]:
    """Every (advisor, village) with an agreement in force during the period, and the months it counts for."""
    agreements = (
        _agreements(period, advisors)
        .order_by("start_date", "pk")
        .values_list("pk", "advisor_id", "village_id", "start_date", "end_date")
    )
    records_start = period.bureau.records_start_on or date.min
    months = [
        m for m in months_between(period.start_date, period.end_date) if records_start <= m.replace(day=15)
    ]
    pairs: dict[tuple[int, int], Pair] = {}
    for agreement_id, advisor_id, village_id, start_date, end_date in agreements:
        key = (advisor_id, village_id)
        pair = pairs.setdefault(key, Pair(*key, agreement_id=agreement_id))
        pair.agreement_id = agreement_id
        for month in months:
            if start_date <= month.replace(day=15) <= end_date and month not in pair.months:
                pair.months.append(month)
    return {key: pair for key, pair in pairs.items() if pair.months}


def _average(answers: list[str]) -> str | None:
    if not answers:
        return None
    share = sum(SATISFACTION_SHARE[s] for s in answers) / len(answers)
    return str(share.quantize(THREE_PLACES, ROUND_HALF_UP))


def _blend(visits: list[str], ratings: list[str], weight: int) -> str | None:
    """群众满意度: the bureau's return visits and the residents' own ratings, the ratings weighing `weight` %
    (Bureau.resident_rating_weight); with only one of them, that one."""
    visits_share, ratings_share = _average(visits), _average(ratings)
    if visits_share is None or ratings_share is None:
        return visits_share or ratings_share
    share = Decimal(visits_share) * (100 - weight) / 100 + Decimal(ratings_share) * weight / 100
    return str(share.quantize(THREE_PLACES, ROUND_HALF_UP))


# Residents' own ratings for the 群众满意度 indicator: functions (period, advisors) -> {(advisor, village): [answer,
# …]} registered by the app that keeps them (consultations/apps.py), so this module does not import it.
RESIDENT_RATING_SOURCES: list = []


def resident_ratings(
    period: ReviewPeriod, advisors: AdvisorRange | None = None
) -> dict[tuple[int, int], list]:
    rows = defaultdict(list)
    for source in RESIDENT_RATING_SOURCES:
        for key, answers in source(period, advisors).items():
            rows[key] += answers
    return rows


@dataclass
class PeriodIndicators:
    pairs: dict[tuple[int, int], dict]  # (advisor, village) -> ReviewVillage.indicators
    advisor_findings: dict[int, int]  # open inspection findings that name an advisor but no village


def compute_indicators(period: ReviewPeriod, advisors: AdvisorRange | None = None) -> PeriodIndicators:
    """The indicators of every (advisor, village) of the period, as stored in ReviewVillage.indicators; with
    `advisors`, of the advisors whose id is in that range only (a chunk, see `advisor_ranges`)."""
    bureau = period.bureau
    rules = Rules.of(bureau)
    # The office is not held to logs the village confirmed too recently for it to verify (Bureau.verification_days).
    verifiable_by = timezone.now() - timedelta(days=bureau.verification_days)
    pairs = pairs_of(period, advisors)
    in_period = {"service_date__gte": period.start_date, "service_date__lte": period.end_date}
    log_filter = {
        "status__in": WorkLog.COUNTED_STATUSES,
        "village__township__bureau_id": bureau.pk,
        **in_period,
        **_in_range(advisors),
    }
    logs = WorkLog.objects.filter(**log_filter)
    # The lectures and service types of those logs, joined to them directly (not `worklog__in=<subquery>`).
    of_logs = {f"worklog__{name}": value for name, value in log_filter.items()}

    monthly = defaultdict(dict)
    for row in (
        logs.annotate(month=TruncMonth("service_date"))
        .values("advisor_id", "village_id", "month")
        .annotate(
            onsite=Count("pk", filter=onsite(rules.onsite_modes)),
            hours=Sum("hours", filter=onsite(rules.onsite_modes)),
            total=Count("pk"),
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            verified=Count("pk", filter=Q(status=WorkLog.Status.VERIFIED)),
            verifiable=Count(
                "pk", filter=Q(status=WorkLog.Status.VERIFIED) | Q(confirmed_at__lt=verifiable_by)
            ),
        )
        .order_by()
    ):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        monthly[(row["advisor_id"], row["village_id"])][month] = row

    lectures = defaultdict(lambda: defaultdict(int))
    for row in (
        Lecture.objects.filter(**of_logs)
        .annotate(month=TruncMonth("worklog__service_date"))
        .values("worklog__advisor_id", "worklog__village_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        lecture_period = rules.lectures_period_of(month).start
        lectures[(row["worklog__advisor_id"], row["worklog__village_id"])][lecture_period] += row["n"]

    on_time = defaultdict(set)
    for row in LedgerSubmission.objects.filter(
        village__township__bureau_id=bureau.pk,
        submitted_at__isnull=False,
        is_late=False,
        year__gte=period.start_date.year,
        year__lte=period.end_date.year,
        **_in_range(advisors),
    ).values("advisor_id", "village_id", "year", "month"):
        on_time[(row["advisor_id"], row["village_id"])].add(date(row["year"], row["month"], 1))

    by_type = defaultdict(dict)
    type_names = dict(ServiceType.objects.values_list("code", "name"))
    for row in (
        WorkLog.service_types.through.objects.filter(**of_logs)
        .values("worklog__advisor_id", "worklog__village_id", "servicetype__code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_type[(row["worklog__advisor_id"], row["worklog__village_id"])][row["servicetype__code"]] = row["n"]

    incidents = {
        (row["advisor_id"], row["village_id"]): row["n"]
        for row in Incident.objects.filter(
            village__township__bureau_id=bureau.pk,
            reported_at__date__gte=period.start_date,
            reported_at__date__lte=period.end_date,
            **_in_range(advisors),
        )
        .values("advisor_id", "village_id")
        .annotate(n=Count("pk"))
        .order_by()
    }

    visits = defaultdict(list)
    for row in ReturnVisit.objects.filter(
        village__township__bureau_id=bureau.pk,
        visited_on__gte=period.start_date,
        visited_on__lte=period.end_date,
        **_in_range(advisors),
    ).values("advisor_id", "village_id", "satisfaction"):
        visits[(row["advisor_id"], row["village_id"])].append(row["satisfaction"])

    ratings = resident_ratings(period, advisors)

    # A finding about a village counts for the advisor serving it; one naming the advisor only, for the advisor.
    findings = defaultdict(int)
    advisor_findings = defaultdict(int)
    # A chunk reads the findings about its advisors' villages and those naming one of its advisors only.
    chunk_villages = _agreements(period, advisors).values("village_id")
    inspections = Inspection.objects.filter(
        township__bureau_id=bureau.pk, inspected_on__gte=period.start_date, inspected_on__lte=period.end_date
    )
    if advisors is not None:
        inspections = inspections.filter(
            Q(village_id__in=chunk_villages) | Q(village__isnull=True, **_in_range(advisors))
        )
    for inspection in inspections.only("village_id", "advisor_id", "findings", "resolved_on"):
        if not inspection.is_open_on(period.end_date):
            continue
        if inspection.village_id:
            findings[inspection.village_id] += 1
        elif inspection.advisor_id:
            advisor_findings[inspection.advisor_id] += 1

    villages = Village.objects.filter(
        township__bureau_id=bureau.pk, wechat_group_set_up_on__lte=period.end_date
    )
    if advisors is not None:
        villages = villages.filter(pk__in=chunk_villages)
    villages_with_group = set(villages.values_list("pk", flat=True))

    result = {}
    for key, pair in pairs.items():
        months = sorted(pair.months)
        per_month = monthly.get(key, {})
        quarters = sorted({quarter_start(m) for m in months})
        visit_months = [
            m for m in months if met(per_month.get(m, {}).get("onsite", 0), rules.visits_required)
        ]
        hours = sum((per_month[m]["hours"] or Decimal(0) for m in per_month), Decimal(0))
        required_hours = rules.hours_required * (len(months) if rules.hours_per_month else len(quarters))
        # The lectures' periods (quarters, or years for a bureau counting them by year) the months fall in.
        lecture_periods = sorted({rules.lectures_period_of(m).start for m in months})
        lecture_quarters = [
            q for q in lecture_periods if met(lectures.get(key, {}).get(q, 0), rules.lectures_required)
        ]
        ledgers = [m for m in months if m in on_time.get(key, set())]
        total = sum(row["total"] for row in per_month.values())
        confirmed = sum(row["confirmed"] for row in per_month.values())
        verified = sum(row["verified"] for row in per_month.values())
        verifiable = sum(row["verifiable"] for row in per_month.values())
        satisfaction = visits.get(key, [])
        rated = ratings.get(key, [])
        result[key] = {
            "agreement_id": pair.agreement_id,
            "months": [m.isoformat() for m in months],
            "onsite_months": {
                "value": len(visit_months),
                "required": len(months),
                "share": _ratio(len(visit_months), len(months)),
                "missing": [m.isoformat() for m in months if m not in visit_months],
            },
            "service_hours": {
                "value": str(hours.quantize(Decimal("0.01"))),
                "required": required_hours,
                "share": _ratio(hours, required_hours),
            },
            "lectures": {
                "value": len(lecture_quarters),
                "required": len(lecture_periods),
                "share": _ratio(len(lecture_quarters), len(lecture_periods)),
                "missing": [q.isoformat() for q in lecture_periods if q not in lecture_quarters],
                "period": rules.lectures_period,
            },
            "ledgers_on_time": {
                "value": len(ledgers),
                "required": len(months),
                "share": _ratio(len(ledgers), len(months)),
                "missing": [m.isoformat() for m in months if m not in ledgers],
            },
            "logs_confirmed": {
                "value": confirmed,
                "required": total,
                "share": _ratio(confirmed, total) or "0",
            },
            # Of the logs the office had `verification_days` to verify (those verified, or confirmed before).
            "logs_verified": {
                "value": verified,
                "required": verifiable,
                "share": _ratio(verified, verifiable) or ("1" if total and not verifiable else "0"),
            },
            "wechat_group": {
                "value": pair.village_id in villages_with_group,
                "required": True,
                "share": "1" if pair.village_id in villages_with_group else "0",
            },
            "return_visits": {
                "value": len(satisfaction),
                "counts": {choice: satisfaction.count(choice) for choice in Satisfaction.values},
                "share": _blend(satisfaction, rated, bureau.resident_rating_weight),
                "visits_share": _average(satisfaction),
                "resident_ratings": {
                    "value": len(rated),
                    "counts": {choice: rated.count(choice) for choice in Satisfaction.values},
                    "share": _average(rated),
                    "weight": bureau.resident_rating_weight,
                },
            },
            "logs": total,
            "services_by_type": {
                code: {"name": type_names.get(code, code), "count": n}
                for code, n in by_type.get(key, {}).items()
            },
            "incidents": incidents.get(key, 0),
            "open_findings": findings.get(pair.village_id, 0),
        }
    return PeriodIndicators(result, dict(advisor_findings))
