"""What the programme counts and whether it is enough: the one place for visits, on-site hours and lectures.

Every page, job, indicator and form asks here: the advisor's home, the justice office's 月度检查, the deadlines
dashboard, the month-end and lecture flags, the review's indicators, the statistics and their rollup.

- A log counts once submitted (submitted, confirmed or verified); a draft or a returned log does not.
- On-site visits and on-site hours are those of the service modes the bureau names as on site (`Bureau.onsite_modes`,
  default 到村现场 and 上门, seeds 002 and 004): a phone call or a WeChat chat is service, not a visit.
- Visits are required per month; hours per month or per quarter (`service_hours_period`); lectures per quarter or
  per year (`lectures_period`, seed 003: two a year).
- A requirement is judged when its period is over: until then the work is "in progress", not short; a village
  nobody serves (no agreement in force) is not judged at all.

The settings are read at each computation: a change re-judges the periods still open (pages, open reviews) at the
next one; flags already raised and finalized reviews keep what they were judged on.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .calendar import MONTH, Period, month_of, period_of


@dataclass(frozen=True)
class Rules:
    """A bureau's requirements, as the measures read them."""

    onsite_modes: tuple[str, ...]
    visits_required: int  # on-site visits a month
    hours_required: int  # on-site hours per `hours_period`
    hours_period: str  # month | quarter
    lectures_required: int  # per `lectures_period`
    lectures_period: str  # quarter | year

    @classmethod
    def of(cls, bureau) -> "Rules":
        return cls(
            onsite_modes=tuple(bureau.onsite_modes),
            visits_required=bureau.onsite_visits_per_month,
            hours_required=bureau.service_hours_required,
            hours_period=bureau.service_hours_period,
            lectures_required=bureau.lectures_required,
            lectures_period=bureau.lectures_period,
        )

    def visits_period(self, day: date) -> Period:
        return month_of(day)

    def hours_period_of(self, day: date) -> Period:
        return period_of(self.hours_period, day)

    def lectures_period_of(self, day: date) -> Period:
        return period_of(self.lectures_period, day)

    @property
    def hours_per_month(self) -> bool:
        return self.hours_period == MONTH

    def window(self, day: date) -> tuple[date, date]:
        """The first and last day of the logs that `day`'s visits, hours and lectures are counted from."""
        periods = (self.visits_period(day), self.hours_period_of(day), self.lectures_period_of(day))
        return min(p.start for p in periods), max(p.end for p in periods)


# The work log statuses that count (ledger's WorkLog.Status values; WorkLog.COUNTED_STATUSES is built from these, so
# the measures need not import the ledger that imports them).
COUNTED_STATUSES = ("submitted", "confirmed", "verified")


def counted(prefix: str = "") -> Q:
    """Logs that count: submitted, confirmed or verified."""
    return Q(**{f"{prefix}status__in": COUNTED_STATUSES})


def onsite(modes, prefix: str = "") -> Q:
    """Logs of an on-site service mode (`modes`: the bureau's `onsite_modes`, or `Rules.onsite_modes`)."""
    return Q(**{f"{prefix}mode__in": list(modes)})


def onsite_mode_names(modes) -> str:
    """The on-site modes as a person reads them: 到村现场、上门."""
    from .modes import ServiceMode

    return "、".join(str(ServiceMode(mode).label) for mode in modes)


def onsite_of_bureaus(bureaus, prefix: str = "") -> Q:
    """On-site logs when the logs are of several bureaus, each with its own modes."""
    by_modes: dict[tuple[str, ...], list[int]] = {}
    for bureau in bureaus:
        by_modes.setdefault(tuple(sorted(bureau.onsite_modes)), []).append(bureau.pk)
    conditions = [
        Q(**{f"{prefix}village__township__bureau_id__in": ids}) & onsite(modes, prefix)
        for modes, ids in by_modes.items()
    ]
    if len(conditions) == 1:  # one set of modes (the usual case): no join to the bureau needed
        return onsite(next(iter(by_modes)), prefix)
    return Q(*conditions, _connector=Q.OR) if conditions else Q(pk__in=[])


def _between(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}service_date__gte": period.start, f"{prefix}service_date__lte": period.end})


def work_done(rules: Rules, day: date, *, only: Q | None = None, prefix: str = "") -> dict:
    """The aggregates of the work of `day`'s periods, to `annotate()` or `aggregate()` logs with:

    `onsite` (on-site visits of the month), `hours` (on-site hours of the month or quarter) and `lectures` (lectures
    of the quarter or year), counting only counted logs, and only those matching `only` (e.g. submitted by a
    deadline). The logs should be filtered to `rules.window(day)` first, so the database reads no more."""
    base = counted(prefix) & (only or Q())
    mode = onsite(rules.onsite_modes, prefix)
    return {
        "onsite": Count("pk", filter=base & mode & _between(rules.visits_period(day), prefix)),
        "hours": Sum(f"{prefix}hours", filter=base & mode & _between(rules.hours_period_of(day), prefix)),
        "lectures": Count(f"{prefix}lecture", filter=base & _between(rules.lectures_period_of(day), prefix)),
    }


class State:
    MET = "met"  # the requirement is met
    IN_PROGRESS = "in_progress"  # not yet met, the period still running: not a shortfall
    SHORT = "short"  # the period is over and the requirement not met
    NOT_JUDGED = "not_judged"  # nobody served the village in the period


LABELS = {
    State.MET: _("已达标"),
    State.IN_PROGRESS: _("进行中"),
    State.SHORT: _("未达标"),
    State.NOT_JUDGED: _("不考核"),
}


def met(done, required) -> bool:
    """The one judgement: the work done reaches the requirement."""
    return (done or 0) >= required


def judge(done, required, period: Period, today: date, *, judged: bool = True) -> str:
    if not judged:
        return State.NOT_JUDGED
    if met(done, required):
        return State.MET
    return State.SHORT if period.is_over(today) else State.IN_PROGRESS


@dataclass(frozen=True)
class Measure:
    """One requirement of one village in one period: what was done, what is required, and the judgement."""

    done: int | Decimal
    required: int
    period: Period
    today: date
    judged: bool = True

    @property
    def state(self) -> str:
        return judge(self.done, self.required, self.period, self.today, judged=self.judged)

    @property
    def is_met(self) -> bool:
        return met(self.done, self.required)

    @property
    def is_short(self) -> bool:
        return self.state == State.SHORT

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def percent(self) -> int:
        """Progress towards the requirement, 0–100."""
        if not self.required:
            return 100
        return min(100, int(Decimal(self.done or 0) * 100 / self.required))


@dataclass(frozen=True)
class Work:
    """A village's visits, on-site hours and lectures for the periods of `today` (or of a month being checked)."""

    visits: Measure
    hours: Measure
    lectures: Measure

    @classmethod
    def of(cls, row: dict, rules: Rules, day: date, today: date, *, judged: bool = True) -> "Work":
        """`row`: the `work_done` aggregates of one village; `day`: a day of the periods judged."""
        return cls(
            visits=Measure(
                row.get("onsite") or 0, rules.visits_required, rules.visits_period(day), today, judged
            ),
            hours=Measure(
                row.get("hours") or Decimal("0"),
                rules.hours_required,
                rules.hours_period_of(day),
                today,
                judged,
            ),
            lectures=Measure(
                row.get("lectures") or 0,
                rules.lectures_required,
                rules.lectures_period_of(day),
                today,
                judged,
            ),
        )
