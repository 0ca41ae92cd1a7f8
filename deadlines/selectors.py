"""Who sees which flags, and the deadlines dashboard: what is due, done, late and missing this month and quarter.

The dashboard is built in a fixed number of queries whatever the number of villages: one statement counts each
township's figures over its villages (their agreement in force, the month's submission, open flags, the logs of
the month and quarter), a page of villages reads only the townships it falls in, then the flags and the job runs.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.policy import scope_of
from advisors.models import Advisor, Agreement
from ledger.models import LedgerSubmission, TownshipLedger, WorkLog
from ledger.submissions import TownshipMonth, bureau_month_status
from programme.calendar import (
    end_of_day,
    ledger_due_date,
    month_bounds,
    month_label,
    quarter_bounds,
    quarter_label,
)
from programme.measures import Rules, Work, work_done
from villages.models import Bureau, LecturePeriod, Township, Village
from villages.selectors import bureaus_visible_to, townships_visible_to, villages_visible_to

from .dispatch import JOBS, TICK
from .models import Flag, JobRun


def flags_visible_to(user) -> QuerySet[Flag]:
    return scope_of(user).filter(Flag.objects.all(), bureau="bureau_id", township="township_id")


def may_see_dashboard(user) -> bool:
    """Bureau roles, justice-office staff, those above the bureau (read only) and superusers; advisors, liaisons and
    people without a role may not."""
    scope = scope_of(user)
    return scope.sees_programme or scope.is_operator


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
    """A bureau role's or office's own scope; a superuser, or city or province staff, see one bureau of those they
    see (`bureau_id`, or the first)."""
    scope = scope_of(user)
    if scope.is_staff:
        return Scope(
            scope.profile.bureau,
            villages_visible_to(user),
            townships_visible_to(user),
            flags_visible_to(user),
        )
    if scope.is_operator or scope.is_oversight:
        bureaus = bureaus_visible_to(user).counties().order_by("name")
        if bureau_id is not None and not bureaus.filter(pk=bureau_id).exists():
            raise Http404
        bureau = (bureaus.filter(pk=bureau_id).first() if bureau_id else None) or bureaus.first()
        if bureau is None:
            return None
        return Scope(
            bureau,
            Village.objects.filter(township__bureau=bureau),
            Township.objects.filter(bureau=bureau),
            Flag.objects.filter(bureau=bureau),
            sees_job_results=scope.is_operator,
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
    """A village on the page: its advisor, ledger and this month's and quarter's work, with its open flags."""

    village: Village  # with its township
    advisor: Advisor | None
    ledger: str
    ledger_submitted_at: datetime | None
    onsite: int = 0
    hours: Decimal = Decimal("0")
    lectures: int = 0
    flags: list[Flag] = field(default_factory=list)
    work: Work | None = None  # the judgement of the three (programme.measures); None for a vacant village


# The figures `_VillageStatus.townships` counts for each township, in its column order.
COUNTS = (
    "villages",
    "served",
    "on_time",
    "late",
    "unsubmitted",
    "visits_met",
    "hours_met",
    "lectures_met",
    "attention",
    "unfiled",
)


@dataclass
class TownshipRow:
    township: Township
    ledger_forwarded_at: datetime | None
    ledger_is_late: bool
    counts: dict[str, int]

    @property
    def forwarded(self) -> bool:
        return self.ledger_forwarded_at is not None

    @property
    def visits_short(self) -> int:
        return self.counts["served"] - self.counts["visits_met"]

    @property
    def hours_short(self) -> int:
        return self.counts["served"] - self.counts["hours_met"]

    @property
    def lectures_short(self) -> int:
        return self.counts["served"] - self.counts["lectures_met"]


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
    lectures_per_year: bool
    townships: list[TownshipRow]
    villages: "VillageRows"
    attention: (
        "VillageRows"  # the villages without an advisor, with an open flag, or with a ledger late or overdue
    )
    flags: list[Flag]
    flags_total: int
    flag_counts: dict[str, int]
    filing_deadline: date
    job_runs: list[dict]
    last_tick: JobRun | None

    @property
    def ledger_past_due(self) -> bool:
        return self.today > self.ledger_due

    @property
    def stats(self) -> dict:
        total = {name: sum(row.counts[name] for row in self.townships) for name in COUNTS}
        unsubmitted = total.pop("unsubmitted")
        return {
            **total,
            "vacant": total["villages"] - total["served"],
            "overdue": unsubmitted if self.ledger_past_due else 0,
            "due": 0 if self.ledger_past_due else unsubmitted,
            "forwarded": sum(1 for row in self.townships if row.forwarded),
            "townships": len(self.townships),
        }


class VillageRows:
    """The villages of the dashboard in township and village order, for a `Paginator`. The townships' figures
    (counted already, in the same order) give the count and tell which townships a page falls in, so a page reads
    only those townships' villages: the last page of a province costs what the first does."""

    def __init__(self, status: "_VillageStatus", townships: list[TownshipRow], *, attention_only: bool):
        self._status = status
        self._townships = townships
        self._key = "attention" if attention_only else "villages"

    def count(self) -> int:
        return sum(row.counts[self._key] for row in self._townships)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[VillageRow]:
        start, stop = page.start or 0, page.stop
        township_ids, skip, seen = [], 0, 0
        for row in self._townships:
            n = row.counts[self._key]
            if n and seen + n > start and seen < stop:
                if not township_ids:
                    skip = start - seen
                township_ids.append(row.township.pk)
            seen += n
        if not township_ids:
            return []
        return self._status.rows(township_ids, skip, stop - start, attention_only=self._key == "attention")


def deadlines_dashboard(scope: Scope, *, today: date | None = None) -> Dashboard:
    """The dashboard of a bureau role (the whole bureau) or justice-office staff (their township).

    Each township's figures are counted in the database (one statement over the villages, their agreements, the
    month's submissions, open flags and the logs of the month and quarter), so a province of 60,000 villages
    costs the database a few joins and Python nothing per village. The village list is read a page at a time.
    """
    bureau = scope.bureau
    today = today or timezone.localdate()
    month_start, month_last = month_bounds(today)
    quarter_start, quarter_last = quarter_bounds(today)
    ledger_due = ledger_due_date(bureau, today.year, today.month)
    status = _VillageStatus(scope, today, ledger_due)
    townships = status.townships()

    flags = scope.flags.open().filter(period__in=status.periods)
    flag_counts = dict(flags.values_list("kind").annotate(n=Count("pk")).order_by())
    runs, last_tick = _job_runs(today) if scope.sees_job_results else ([], _last_tick())
    return Dashboard(
        bureau=bureau,
        today=today,
        month=month_start,
        quarter_start=quarter_start,
        quarter_end=quarter_last,
        ledger_due=ledger_due,
        township_due=month_last,
        hours_per_quarter=status.per_quarter,
        lectures_per_year=status.rules.lectures_period == LecturePeriod.YEAR,
        townships=townships,
        villages=VillageRows(status, townships, attention_only=False),
        attention=VillageRows(status, townships, attention_only=True),
        flags=list(
            flags.select_related("township", "village", "advisor", "agreement").order_by(
                "-period", "kind", "township__code", "village__code"
            )[:FLAGS_SHOWN]
        ),
        flags_total=sum(flag_counts.values()),
        flag_counts=flag_counts,
        filing_deadline=bureau.agreement_filing_deadline(today.year),
        job_runs=runs,
        last_tick=last_tick,
    )


FLAGS_SHOWN = 100


class _VillageStatus:
    """Each village's advisor, ledger state and work, as SQL: the scoped querysets below, compiled by the ORM (so
    every value is adapted for the database) and joined by village in one statement."""

    def __init__(self, scope: Scope, today: date, ledger_due: date):
        self.scope = scope
        self.today = today
        self.ledger_due = ledger_due
        self.periods = _recent_periods(today)
        self.rules = Rules.of(scope.bureau)
        self.per_quarter = not self.rules.hours_per_month

    def _parts(self, villages: QuerySet[Village], *, for_counts: bool) -> tuple[str, list]:
        """The WITH clause: v (`villages`), a (advisor in force), s (the month's submission), f (open flags),
        l (the logs' totals) and, `for_counts` (the townships' figures), u (agreements of the year not filed)."""
        scope, today = self.scope, self.today
        villages = villages.values("id", "township_id", "code", "name")
        parts = {
            "v": villages.annotate(township_code=F("township__code"), township_name=F("township__name")),
            "a": Agreement.objects.covering(today)
            .filter(village__in=villages.values("pk"))
            .values("village_id")
            .annotate(advisor_id=Min("advisor_id"))
            .order_by(),
            "s": LedgerSubmission.objects.filter(
                village__in=villages.values("pk"),
                year=today.year,
                month=today.month,
                submitted_at__isnull=False,
            )
            .annotate(
                late=Case(
                    When(Q(is_late=True) | Q(submitted_at__gte=end_of_day(self.ledger_due)), then=Value(1)),
                    default=Value(0),
                )
            )
            .values("village_id", "advisor_id", "submitted_at", "late"),
            "f": scope.flags.open()
            .filter(period__in=self.periods, village__isnull=False)
            .values("village_id")
            .distinct()
            .order_by(),
        }
        parts["l"] = self.work(villages.values("pk"))
        if for_counts:
            parts["u"] = (
                Agreement.objects.filter(
                    village__in=villages.values("pk"),
                    status=Agreement.Status.SIGNED,
                    start_date__year=today.year,
                )
                .values("village_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        sql, params = [], []
        for name, queryset in parts.items():
            part_sql, part_params = queryset.query.sql_with_params()
            sql.append(f"{name} AS ({part_sql})")
            params.extend(part_params)
        return "WITH " + ", ".join(sql), params

    def work(self, villages) -> QuerySet:
        """The month's on-site visits, the on-site hours of the month or quarter and the lectures of the quarter or
        year, by village (`programme.measures`, the rule every page and job uses)."""
        today = self.today
        work = work_done(self.rules, today)
        return (
            WorkLog.objects.filter(
                village__in=villages,
                status__in=WorkLog.COUNTED_STATUSES,
                service_date__gte=self.rules.window(today)[0],
                service_date__lte=today,
            )
            .values("village_id")
            .annotate(
                onsite=work["onsite"],
                hours=Coalesce(work["hours"], Value(Decimal("0"))),
                lectures=work["lectures"],
            )
            .order_by()
        )

    _JOINS = (
        " FROM v LEFT JOIN a ON a.village_id = v.id"
        " LEFT JOIN s ON s.village_id = v.id AND s.advisor_id = a.advisor_id"
        " LEFT JOIN f ON f.village_id = v.id"
    )
    # Vacant, flagged, or the ledger late or (after the due day) not submitted: what the bureau's default list shows.
    _ATTENTION = (
        "(a.advisor_id IS NULL OR f.village_id IS NOT NULL OR s.late = 1 OR (s.village_id IS NULL AND %s))"
    )

    def townships(self) -> list[TownshipRow]:
        """Every township of the scope with its month's ledger and its villages' figures: one statement."""
        with_clause, params = self._parts(self.scope.villages, for_counts=True)
        ledgers = TownshipLedger.objects.filter(
            township=OuterRef("pk"), year=self.today.year, month=self.today.month
        )
        townships_sql, townships_params = (
            self.scope.townships.annotate(
                ledger_forwarded_at=Subquery(ledgers.values("forwarded_at")[:1]),
                ledger_is_late=Subquery(ledgers.values("is_late")[:1]),
            )
            .order_by()
            .query.sql_with_params()
        )

        def count(condition: str) -> str:
            return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

        served = "a.advisor_id IS NOT NULL"
        columns = [
            "COUNT(*)",
            "COUNT(a.advisor_id)",
            count("s.late = 0"),
            count("s.late = 1"),
            count(f"{served} AND s.village_id IS NULL"),
            count(f"{served} AND COALESCE(l.onsite, 0) >= %s"),
            count(f"{served} AND COALESCE(l.hours, 0) >= %s"),
            count(f"{served} AND COALESCE(l.lectures, 0) >= %s"),
            count(self._ATTENTION),
            "SUM(COALESCE(u.n, 0))",
        ]
        counted = ", ".join(f"{column} AS n_{name}" for column, name in zip(columns, COUNTS, strict=True))
        sql = (
            f"{with_clause}, t AS ({townships_sql}),"
            f" c AS (SELECT v.township_id, {counted}{self._JOINS}"
            " LEFT JOIN l ON l.village_id = v.id LEFT JOIN u ON u.village_id = v.id GROUP BY v.township_id)"
            " SELECT t.*, "
            + ", ".join(f"c.n_{name}" for name in COUNTS)
            + " FROM t LEFT JOIN c ON c.township_id = t.id"
            " ORDER BY t.code"
        )
        params += [
            *townships_params,
            self.rules.visits_required,
            # SQLite compares a sum with text, not with a Decimal's text
            float(self.rules.hours_required),
            self.rules.lectures_required,
            self.today > self.ledger_due,
        ]
        return [
            TownshipRow(
                township=township,
                ledger_forwarded_at=_aware(township.ledger_forwarded_at),
                ledger_is_late=bool(township.ledger_is_late),
                counts={name: int(getattr(township, f"n_{name}") or 0) for name in COUNTS},
            )
            for township in Township.objects.raw(sql, params)
        ]

    def rows(
        self, township_ids: list[int], offset: int, limit: int, *, attention_only: bool
    ) -> list[VillageRow]:
        """A page of the villages of `township_ids`: their names and state in one statement, then their work and
        flags."""
        villages = self.scope.villages.filter(township_id__in=township_ids)
        with_clause, params = self._parts(villages, for_counts=False)
        where = ""
        if attention_only:
            where = f" WHERE {self._ATTENTION}"
            params.append(self.today > self.ledger_due)
        advisors = connection.ops.quote_name(Advisor._meta.db_table)
        sql = (
            f"{with_clause} SELECT v.id, v.name, v.township_id, v.township_name, a.advisor_id, ad.name,"
            f" s.submitted_at, s.late, l.onsite, l.hours, l.lectures{self._JOINS}"
            f" LEFT JOIN l ON l.village_id = v.id LEFT JOIN {advisors} ad ON ad.id = a.advisor_id{where}"
            " ORDER BY v.township_code, v.code LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            page = cursor.fetchall()
        ids = [row[0] for row in page]
        flags: dict[int, list[Flag]] = {}
        for flag in (
            self.scope.flags.open().filter(period__in=self.periods, village__in=ids).order_by("-period")
        ):
            flags.setdefault(flag.village_id, []).append(flag)
        rows = []
        for (
            village_id,
            name,
            township_id,
            township_name,
            advisor_id,
            advisor_name,
            submitted_at,
            late,
            onsite,
            hours,
            lectures,
        ) in page:
            done = {"onsite": onsite or 0, "hours": _decimal(hours), "lectures": lectures or 0}
            submitted_at = _aware(submitted_at)
            judged = Work.of(done, self.rules, self.today, self.today) if advisor_id else None
            rows.append(
                VillageRow(
                    village=Village(
                        pk=village_id, name=name, township=Township(pk=township_id, name=township_name)
                    ),
                    advisor=Advisor(pk=advisor_id, name=advisor_name) if advisor_id else None,
                    ledger=self._ledger_state(advisor_id, submitted_at, late),
                    ledger_submitted_at=submitted_at,
                    onsite=done["onsite"],
                    hours=done["hours"],
                    lectures=done["lectures"],
                    flags=flags.get(village_id, []),
                    work=judged,
                )
            )
        return rows

    def _ledger_state(self, advisor_id, submitted_at, late) -> str:
        if advisor_id is None:
            return LedgerState.VACANT
        if submitted_at is not None:
            return LedgerState.LATE if late else LedgerState.ON_TIME
        return LedgerState.OVERDUE if self.today > self.ledger_due else LedgerState.DUE


def _aware(value):
    """A timestamp read by raw SQL: PostgreSQL returns it aware, SQLite as text in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _decimal(value) -> Decimal:
    """Hours summed by raw SQL: PostgreSQL returns a Decimal, SQLite a float."""
    if value is None or isinstance(value, Decimal):
        return value or Decimal("0")
    return Decimal(value).quantize(Decimal("0.01"))


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


# === the month the dashboard opens on, and the month's ledgers that need action ===


def ledger_actions(scope: Scope, month: date, *, today: date | None = None) -> list[TownshipMonth]:
    """The townships of the scope whose ledgers for `month` need someone to act, missing and late ones named:
    villages' ledgers late or not in after the due day, or the township's ledger not forwarded once the due day
    has come. Three queries (`bureau_month_status`), whatever the number of townships."""
    today = today or timezone.localdate()
    due_come = today >= ledger_due_date(scope.bureau, month.year, month.month)
    return [
        row
        for row in bureau_month_status(
            bureau=scope.bureau, year=month.year, month=month.month, townships=scope.townships
        )
        if row.overdue or (due_come and row.owed and row.forwarded_at is None)
    ]


def month_needing_action(
    scope: Scope, *, today: date | None = None
) -> tuple[date, list[TownshipMonth] | None]:
    """The first day of the month the dashboard opens on: until this month's due day, last month while any of its
    ledgers is missing or its township ledger is not forwarded to the bureau; this month otherwise. With it, that
    month's `ledger_actions` when they were read to decide (so the page need not read them again), or None."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    if today >= ledger_due_date(scope.bureau, today.year, today.month):
        return this_month, None
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    actions = ledger_actions(scope, last_month, today=today)
    if any(row.missing or row.forwarded_at is None for row in actions):
        return last_month, actions
    return this_month, None
