"""Who may see which work logs, lectures and incidents; and the figures an advisor's home shows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.policy import scope_of
from advisors.models import Agreement
from programme.calendar import ledger_due_date, month_of
from programme.measures import Rules, Work, counted, work_done
from villages.models import Township, Village
from villages.selectors import townships_visible_to

from .models import Incident, Lecture, LedgerSubmission, WorkLog, WorkSummary


def worklogs_visible_to(user) -> QuerySet[WorkLog]:
    scope = scope_of(user)
    # A draft is the advisor's own until submitted.
    submitted = WorkLog.objects.exclude(status=WorkLog.Status.DRAFT)
    return scope.filter(
        WorkLog.objects.all(),
        bureau=lambda: submitted.filter(village__township__bureau_id__in=scope.bureau_ids),
        township=lambda: submitted.filter(village__township_id=scope.township_id),
        advisor="advisor__user",
        liaison=lambda: submitted.filter(village__liaison=user),
    )


def get_worklog_for_user(user, pk: int) -> WorkLog:
    return get_object_or_404(
        worklogs_visible_to(user).select_related(
            "advisor", "village__township", "confirmed_by", "verified_by"
        ),
        pk=pk,
    )


def lectures_visible_to(user) -> QuerySet[Lecture]:
    return Lecture.objects.filter(worklog__in=worklogs_visible_to(user))


def incidents_visible_to(user) -> QuerySet[Incident]:
    return scope_of(user).filter(
        Incident.objects.all(),
        bureau="village__township__bureau_id",
        township="village__township_id",
        advisor="advisor__user",
    )


def work_summaries_visible_to(user) -> QuerySet[WorkSummary]:
    """司法所年度工作总结: the township's office and its bureau; nobody else."""
    return scope_of(user).filter(
        WorkSummary.objects.all(), bureau="township__bureau_id", township="township_id"
    )


def work_summary_townships(user) -> QuerySet[Township]:
    """The townships whose work summaries the user reads: their own office's, or every one of their bureau."""
    return scope_of(user).filter(Township.objects.all(), bureau="bureau_id", township="pk")


def work_summary_default_year(today: date) -> int:
    """The year a summary is written for: the one ending, from November; the one just ended, until October."""
    return today.year if today.month >= 11 else today.year - 1


@dataclass(frozen=True)
class VillageProgress:
    """This month's (or quarter's) work in one village against the bureau's requirements."""

    village: Village
    onsite_visits: int
    onsite_required: int
    hours: Decimal
    hours_required: int
    hours_period: str
    lectures: int
    lectures_required: int
    waiting: int  # logs submitted, not yet confirmed by the village
    ledger_due: date | None = None  # this month's ledger, due at the justice office on the bureau's due day
    ledger_submitted: bool = False
    ledger_overdue: bool = False
    lecture_due: date | None = None  # this quarter's (or year's) lecture, filed by the period's end
    work: Work | None = None  # the judgement of the three (programme.measures)

    @property
    def visits_met(self) -> bool:
        return self.work.visits.is_met

    @property
    def hours_met(self) -> bool:
        return self.work.hours.is_met

    @property
    def lectures_met(self) -> bool:
        return self.work.lectures.is_met


def village_progress(*, advisor, villages: list[Village], today: date) -> list[VillageProgress]:
    """Two queries for all of the advisor's villages: visits, on-site hours and lectures of this month, quarter or
    year (`programme.measures`); and whether this month's ledger is submitted."""
    if not villages:
        return []
    bureau = villages[0].township.bureau
    rules = Rules.of(bureau)
    first, last = rules.window(today)
    rows = (
        WorkLog.objects.filter(
            # A log waits for the village however old it is; the other figures are of this month, quarter or year.
            Q(service_date__gte=first, service_date__lte=last) | Q(status=WorkLog.Status.SUBMITTED),
            advisor=advisor,
            village__in=villages,
        )
        .values("village_id")
        .annotate(**work_done(rules, today), waiting=Count("pk", filter=Q(status=WorkLog.Status.SUBMITTED)))
    )
    by_village = {row["village_id"]: row for row in rows}
    ledger_due = ledger_due_date(bureau, today.year, today.month)
    submitted = set(
        LedgerSubmission.objects.filter(
            advisor=advisor,
            village__in=villages,
            year=today.year,
            month=today.month,
            submitted_at__isnull=False,
        ).values_list("village_id", flat=True)
    )
    result = []
    for village in villages:
        row = by_village.get(village.pk, {})
        work = Work.of(row, rules, today, today)
        result.append(
            VillageProgress(
                village=village,
                onsite_visits=work.visits.done,
                onsite_required=rules.visits_required,
                hours=work.hours.done,
                hours_required=rules.hours_required,
                hours_period=bureau.get_service_hours_period_display(),
                lectures=work.lectures.done,
                lectures_required=rules.lectures_required,
                waiting=row.get("waiting", 0),
                ledger_due=ledger_due,
                ledger_submitted=village.pk in submitted,
                ledger_overdue=village.pk not in submitted and ledger_due < today,
                lecture_due=work.lectures.period.end,
                work=work,
            )
        )
    return result


# --- the village's and the justice office's pages ---


@dataclass(frozen=True)
class ReviewCounts:
    """What waits for the justice office (or the village) in the person's scope."""

    waiting_confirmation: int  # submitted, the village has not confirmed yet
    waiting_verification: int  # confirmed, the justice office has not verified yet
    lectures_to_receive: int  # filed lectures the justice office has not received yet


def review_counts(user) -> ReviewCounts:
    """One query over the person's logs."""
    submitted, confirmed = WorkLog.Status.SUBMITTED, WorkLog.Status.CONFIRMED
    unreceived = Q(
        lecture__isnull=False, lecture__received_at__isnull=True, status__in=WorkLog.COUNTED_STATUSES
    )
    row = (
        worklogs_visible_to(user)
        .filter(Q(status__in=(submitted, confirmed)) | unreceived)
        .aggregate(
            waiting_confirmation=Count("pk", filter=Q(status=submitted)),
            waiting_verification=Count("pk", filter=Q(status=confirmed)),
            lectures_to_receive=Count("pk", filter=unreceived),
        )
    )
    return ReviewCounts(**row)


def townships_checked_by(user) -> QuerySet[Township]:
    """The townships whose monthly check a person may open: office staff their own, bureau roles any of theirs, the
    cities and provinces above them any below them (read only)."""
    scope = scope_of(user)
    if scope.is_operator or scope.sees_programme:
        return townships_visible_to(user)
    return Township.objects.none()


@dataclass(frozen=True)
class VillageMonthCheck:
    """One village's month (and quarter) in the justice office's monthly check (seed 002 item 8)."""

    village: Village
    agreement: Agreement | None  # the agreement in force in the month (its last day, or today)
    onsite_visits: int
    onsite_required: int
    hours: Decimal
    hours_required: int
    lectures_filed: int  # this quarter (or year)
    lectures_received: int
    lectures_required: int
    filed: int  # logs filed in the month (not drafts), whatever their status now
    waiting: int  # submitted, waiting for the village's confirmation
    confirmed: int  # confirmed, waiting for the office's verification
    verified: int
    returned: int
    incidents_open: int  # not yet acknowledged by the office, whenever reported
    work: Work | None = None  # the judgement of the three; not judged without an agreement in force

    @property
    def visits_met(self) -> bool:
        return self.work.visits.is_met

    @property
    def hours_met(self) -> bool:
        return self.work.hours.is_met

    @property
    def lectures_met(self) -> bool:
        return self.work.lectures.is_met


def month_check_shortfalls(rows: list[VillageMonthCheck]) -> dict[str, int]:
    """The villages short of each requirement once its period is over (a month in progress is not short), and the
    villages nobody serves."""
    return {
        "visits": sum(row.work.visits.is_short for row in rows),
        "hours": sum(row.work.hours.is_short for row in rows),
        "lectures": sum(row.work.lectures.is_short for row in rows),
        "unserved": sum(row.agreement is None for row in rows),
    }


def township_month_check(*, township: Township, year: int, month: int) -> list[VillageMonthCheck]:
    """Every village of the township for one month, in three queries whatever the number of villages:
    the villages with their open incidents, their agreements in force, and one aggregate over the logs."""
    bureau = township.bureau
    rules = Rules.of(bureau)
    month = month_of(date(year, month, 1))  # the Period from here on
    today = timezone.localdate()
    # Whose month it was: the agreement in force on the month's last day, or today for the running month.
    day = max(month.start, min(month.end, today))

    villages = (
        Village.objects.filter(township=township)
        .annotate(incidents_open=Count("incidents", filter=Q(incidents__acknowledged_at__isnull=True)))
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.covering(day).select_related("advisor__firm"),
                to_attr="agreements_in_force",
            )
        )
        .order_by(*Village._meta.ordering)
    )

    first, last = rules.window(month.start)
    in_month = Q(service_date__gte=month.start, service_date__lte=month.end)
    lecture_period = rules.lectures_period_of(month.start)
    lectures = counted() & Q(
        lecture__isnull=False, service_date__gte=lecture_period.start, service_date__lte=lecture_period.end
    )
    rows = (
        WorkLog.objects.filter(
            village__township=township,
            # The window holds the month, the hours' period and the lectures'.
            service_date__gte=first,
            service_date__lte=last,
        )
        .exclude(status=WorkLog.Status.DRAFT)
        .values("village_id")
        .annotate(
            **work_done(rules, month.start),
            lectures_received=Count("pk", filter=lectures & Q(lecture__received_at__isnull=False)),
            filed=Count("pk", filter=in_month),
            waiting=Count("pk", filter=in_month & Q(status=WorkLog.Status.SUBMITTED)),
            confirmed=Count("pk", filter=in_month & Q(status=WorkLog.Status.CONFIRMED)),
            verified=Count("pk", filter=in_month & Q(status=WorkLog.Status.VERIFIED)),
            returned=Count("pk", filter=in_month & Q(status=WorkLog.Status.RETURNED)),
        )
        .order_by()
    )
    by_village = {row.pop("village_id"): row for row in rows}
    zero = {
        "onsite": 0,
        "hours": None,
        "lectures": 0,
        "lectures_received": 0,
        "filed": 0,
        "waiting": 0,
        "confirmed": 0,
        "verified": 0,
        "returned": 0,
    }
    result = []
    for village in villages:
        row = by_village.get(village.pk, zero)
        agreement = next(iter(village.agreements_in_force), None)
        # Nobody owed the month's work in a village without an agreement in force: it is not judged.
        work = Work.of(row, rules, month.start, today, judged=agreement is not None)
        result.append(
            VillageMonthCheck(
                village=village,
                agreement=agreement,
                onsite_visits=work.visits.done,
                onsite_required=rules.visits_required,
                hours=work.hours.done,
                hours_required=rules.hours_required,
                lectures_filed=work.lectures.done,
                lectures_received=row["lectures_received"],
                lectures_required=rules.lectures_required,
                filed=row["filed"],
                waiting=row["waiting"],
                confirmed=row["confirmed"],
                verified=row["verified"],
                returned=row["returned"],
                incidents_open=village.incidents_open,
                work=work,
            )
        )
    return result
