"""Who sees which flags, and the deadlines dashboard: what is due, done, late and missing this month and quarter.

The dashboard is built in a fixed number of queries whatever the number of villages: the villages and townships of
the person's scope, their agreements in force today, one aggregate over the logs, the month's ledger submissions
and township ledgers, the open flags, the unfiled agreements and the last job runs.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Role, profile_of
from advisors.models import Advisor, Agreement
from ledger.models import LedgerSubmission, ServiceMode, TownshipLedger, WorkLog
from villages.models import Bureau, ServicePeriod, Township, Village
from villages.selectors import townships_visible_to, villages_visible_to

from .dispatch import JOBS, TICK
from .models import Flag, JobRun
from .periods import (
    end_of_day,
    ledger_due_date,
    month_bounds,
    month_label,
    quarter_bounds,
    quarter_label,
)


def flags_visible_to(user) -> QuerySet[Flag]:
    if user.is_authenticated and user.is_superuser:
        return Flag.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Flag.objects.none()
    if profile.is_bureau:
        return Flag.objects.filter(bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Flag.objects.filter(township_id=profile.township_id)
    return Flag.objects.none()


def may_see_dashboard(user) -> bool:
    """Bureau roles, justice-office staff and superusers; advisors, liaisons and people without a role may not."""
    profile = profile_of(user)
    return (profile is not None and profile.is_staff_role) or (user.is_authenticated and user.is_superuser)


@dataclass(frozen=True)
class Scope:
    """The bureau whose settings apply, and the rows of it the person sees."""

    bureau: Bureau
    villages: QuerySet[Village]
    townships: QuerySet[Township]
    flags: QuerySet[Flag]
    # Job runs are for every bureau at once, so their results are for the system's operator only.
    sees_job_results: bool = False


def dashboard_scope(user, *, bureau_id: int | None = None) -> Scope | None:
    """A bureau role's or office's own scope; a superuser without one sees one bureau (`bureau_id`, or the first)."""
    profile = profile_of(user)
    if profile is not None and profile.is_staff_role:
        return Scope(
            profile.bureau, villages_visible_to(user), townships_visible_to(user), flags_visible_to(user)
        )
    if user.is_authenticated and user.is_superuser:
        bureaus = Bureau.objects.order_by("name")
        bureau = (bureaus.filter(pk=bureau_id).first() if bureau_id else None) or bureaus.first()
        if bureau is None:
            return None
        return Scope(
            bureau,
            Village.objects.filter(township__bureau=bureau),
            Township.objects.filter(bureau=bureau),
            Flag.objects.filter(bureau=bureau),
            sees_job_results=True,
        )
    return None


class LedgerState:
    ON_TIME = "on_time"  # submitted by the due day
    LATE = "late"  # submitted after the due day
    OVERDUE = "overdue"  # not submitted, due day past
    DUE = "due"  # not submitted, due day to come
    VACANT = "vacant"  # no agreement in force: nobody owes it


@dataclass
class VillageRow:
    village: Village
    advisor: Advisor | None
    ledger: str
    ledger_submitted_at: datetime | None
    onsite: int
    hours: Decimal
    lectures: int
    flags: list[Flag] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return (
            self.advisor is None or bool(self.flags) or self.ledger in (LedgerState.OVERDUE, LedgerState.LATE)
        )


@dataclass
class TownshipRow:
    township: Township
    ledger: TownshipLedger | None
    villages: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    visits_short: int = 0
    hours_short: int = 0
    lectures_short: int = 0

    @property
    def forwarded(self) -> bool:
        return bool(self.ledger and self.ledger.forwarded_at)


@dataclass
class Dashboard:
    bureau: Bureau
    today: date
    month: date  # first day
    quarter_start: date
    quarter_end: date
    ledger_due: date
    township_due: date  # the month's last day
    hours_per_quarter: bool
    villages: list[VillageRow]
    townships: list[TownshipRow]
    flags: list[Flag]
    flags_total: int
    flag_counts: dict[str, int]
    unfiled_agreements: int
    filing_deadline: date
    job_runs: list[dict]
    last_tick: JobRun | None

    @property
    def ledger_past_due(self) -> bool:
        return self.today > self.ledger_due

    def count(self, attr: str, value) -> int:
        return sum(1 for row in self.villages if getattr(row, attr) == value)

    @property
    def served(self) -> list[VillageRow]:
        return [row for row in self.villages if row.advisor is not None]

    @property
    def stats(self) -> dict:
        served = self.served
        bureau = self.bureau
        return {
            "villages": len(self.villages),
            "vacant": len(self.villages) - len(served),
            "on_time": self.count("ledger", LedgerState.ON_TIME),
            "late": self.count("ledger", LedgerState.LATE),
            "overdue": self.count("ledger", LedgerState.OVERDUE),
            "due": self.count("ledger", LedgerState.DUE),
            "forwarded": sum(1 for row in self.townships if row.forwarded),
            "townships": len(self.townships),
            "visits_met": sum(1 for row in served if row.onsite >= bureau.onsite_visits_per_month),
            "hours_met": sum(1 for row in served if row.hours >= bureau.service_hours_required),
            "lectures_met": sum(1 for row in served if row.lectures >= bureau.lectures_per_quarter),
            "served": len(served),
        }


def deadlines_dashboard(scope: Scope, *, today: date | None = None) -> Dashboard:
    """The dashboard of a bureau role (the whole bureau) or justice-office staff (their township)."""
    bureau = scope.bureau
    today = today or timezone.localdate()
    month_start, month_last = month_bounds(today)
    quarter_start, quarter_last = quarter_bounds(today)
    per_quarter = bureau.service_hours_period == ServicePeriod.QUARTER
    hours_start = quarter_start if per_quarter else month_start
    ledger_due = ledger_due_date(bureau, today.year, today.month)

    # A row per village of a whole bureau: only the columns the page shows (a full row per village, agreement and
    # advisor cost more to build in Python than the queries take).
    villages = list(scope.villages.only("name", "code", "township_id").order_by("township__code", "code"))
    townships = list(scope.townships.order_by("code"))
    township_of = {t.pk: t for t in townships}
    for village in villages:  # each village's township from the list above, not one copy per village
        if village.township_id in township_of:
            Village.township.field.set_cached_value(village, township_of[village.township_id])
    named: dict[int, Advisor] = {}  # the page shows an advisor's name and links to them: nothing more is read
    advisors = {}
    for village_id, advisor_id, name in (
        Agreement.objects.covering(today)
        .filter(village__in=scope.villages)
        .values_list("village_id", "advisor_id", "advisor__name")
    ):
        if advisor_id not in named:
            named[advisor_id] = Advisor(pk=advisor_id, name=name)
        advisors[village_id] = named[advisor_id]
    in_month = Q(service_date__gte=month_start)
    totals = {
        row["village_id"]: row
        for row in WorkLog.objects.filter(
            village__in=scope.villages,
            status__in=WorkLog.COUNTED_STATUSES,
            service_date__gte=min(month_start, quarter_start),
            service_date__lte=today,
        )
        .values("village_id")
        .annotate(
            onsite=Count("pk", filter=in_month & Q(mode=ServiceMode.ONSITE)),
            hours=Sum("hours", filter=Q(service_date__gte=hours_start)),
            lectures=Count("lecture"),
        )
        .order_by()
    }
    submissions = {
        (s.advisor_id, s.village_id): s
        for s in LedgerSubmission.objects.filter(
            village__in=scope.villages, year=today.year, month=today.month
        ).only("advisor_id", "village_id", "submitted_at", "is_late")
    }
    ledgers = {
        ledger.township_id: ledger
        for ledger in TownshipLedger.objects.filter(
            township__in=scope.townships, year=today.year, month=today.month
        )
    }
    periods = _recent_periods(today)
    flags = list(
        scope.flags.open()
        .filter(period__in=periods)
        .select_related("township", "village", "advisor", "agreement")
        .order_by("-period", "kind", "township__code", "village__code")
    )
    flags_by_village: dict[int, list[Flag]] = {}
    for flag in flags:
        if flag.village_id:
            flags_by_village.setdefault(flag.village_id, []).append(flag)

    rows = []
    for village in villages:
        advisor = advisors.get(village.pk)
        done = totals.get(village.pk, {})
        submission = submissions.get((advisor.pk, village.pk)) if advisor else None
        rows.append(
            VillageRow(
                village=village,
                advisor=advisor,
                ledger=_ledger_state(advisor, submission, ledger_due, today),
                ledger_submitted_at=submission.submitted_at if submission else None,
                onsite=done.get("onsite", 0),
                hours=done.get("hours") or Decimal("0"),
                lectures=done.get("lectures", 0),
                flags=flags_by_village.get(village.pk, []),
            )
        )
    township_rows = _township_rows(townships, ledgers, rows, bureau)

    filing_deadline = bureau.agreement_filing_deadline(today.year)
    unfiled = Agreement.objects.filter(
        village__in=scope.villages, status=Agreement.Status.SIGNED, start_date__year=today.year
    ).count()
    runs, last_tick = _job_runs(today) if scope.sees_job_results else ([], _last_tick())
    flag_counts: dict[str, int] = {}
    for flag in flags:
        flag_counts[flag.kind] = flag_counts.get(flag.kind, 0) + 1
    return Dashboard(
        bureau=bureau,
        today=today,
        month=month_start,
        quarter_start=quarter_start,
        quarter_end=quarter_last,
        ledger_due=ledger_due,
        township_due=month_last,
        hours_per_quarter=per_quarter,
        villages=rows,
        townships=township_rows,
        flags=flags[:FLAGS_SHOWN],
        flags_total=len(flags),
        flag_counts=flag_counts,
        unfiled_agreements=unfiled,
        filing_deadline=filing_deadline,
        job_runs=runs,
        last_tick=last_tick,
    )


FLAGS_SHOWN = 100


def _recent_periods(today: date) -> list[str]:
    """This and last month, this and last quarter, this and last year: what a flag on the dashboard is about."""
    last_month = today.replace(day=1) - timedelta(days=1)
    last_quarter = quarter_bounds(today)[0] - timedelta(days=1)
    return [
        month_label(today),
        month_label(last_month),
        quarter_label(today),
        quarter_label(last_quarter),
        str(today.year),
        str(today.year - 1),
    ]


def _ledger_state(advisor, submission, due: date, today: date) -> str:
    if advisor is None:
        return LedgerState.VACANT
    if submission is not None and submission.submitted_at is not None:
        late = submission.is_late or submission.submitted_at >= end_of_day(due)
        return LedgerState.LATE if late else LedgerState.ON_TIME
    return LedgerState.OVERDUE if today > due else LedgerState.DUE


def _township_rows(townships, ledgers, rows: list[VillageRow], bureau: Bureau) -> list[TownshipRow]:
    by_township = {t.pk: TownshipRow(township=t, ledger=ledgers.get(t.pk)) for t in townships}
    for row in rows:
        summary = by_township.get(row.village.township_id)
        if summary is None:
            continue
        summary.villages += 1
        if row.ledger in (LedgerState.ON_TIME, LedgerState.LATE, LedgerState.OVERDUE, LedgerState.DUE):
            setattr(summary, row.ledger, getattr(summary, row.ledger) + 1)
        if row.advisor is not None:
            summary.visits_short += row.onsite < bureau.onsite_visits_per_month
            summary.hours_short += row.hours < bureau.service_hours_required
            summary.lectures_short += row.lectures < bureau.lectures_per_quarter
    return list(by_township.values())


def _job_runs(today: date) -> tuple[list[dict], JobRun | None]:
    """The last run of each job (within the last year), and the last beat tick."""
    runs = (
        JobRun.objects.filter(for_date__gte=today - timedelta(days=400))
        .exclude(job=TICK)
        .order_by("-for_date", "-started_at")
    )
    latest: dict[str, JobRun] = {}
    for run in runs:
        latest.setdefault(run.job, run)
    rows = [{"job": job, "run": latest.get(job.name)} for job in JOBS]
    return rows, _last_tick()


def _last_tick() -> JobRun | None:
    return JobRun.objects.filter(job=TICK).order_by("-for_date").first()
