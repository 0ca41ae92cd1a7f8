"""Where a log is listed on the monthly ledgers (seed 001 附件3: 每月25日前报服务地司法所, the office forwards by the
month's end).

A village's month ledger covers its month's days up to the day the advisor submitted it. The month's work after that
day (the 26th–31st after a ledger sent by the 25th) is an ordinary log of its month, never a correction
(`ledger.services.ledger_closed_for`), and goes on paper where the bureau's `late_work_listing` says:

- 计入次月台账 (next_ledger): at the top of the next month's ledger, as 上月X日后服务记录;
- 列入当月补报清单 (late_list): on the month's 补报清单, after its ledger, forwarded with it.

Only the listing moves: what counts (visits, hours, the statistics) stays by service date (programme/measures.py).
A month the office has forwarded keeps the rule it was forwarded under (`TownshipLedger.late_work_listing`); an open
month follows the bureau's current setting.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from programme.calendar import last_day_of_month
from villages.models import LateWorkListing, Township, Village

from .models import LedgerSubmission, ServiceType, TownshipLedger, WorkLog

YearMonth = tuple[int, int]


def previous_month(year: int, month: int) -> YearMonth:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _months_q(months: list[YearMonth]) -> Q:
    q = Q(pk__in=[])
    for year, month in months:
        q |= Q(year=year, month=month)
    return q


def listing_rules(*, township: Township, months: list[YearMonth]) -> dict[YearMonth, str]:
    """Each month's rule: the one it was forwarded under, else the bureau's current setting. One query."""
    frozen = {
        (year, month): rule
        for year, month, rule in TownshipLedger.objects.filter(
            _months_q(months), township=township, forwarded_at__isnull=False
        )
        .exclude(late_work_listing="")
        .values_list("year", "month", "late_work_listing")
    }
    current = township.bureau.late_work_listing
    return {ym: frozen.get(ym) or current for ym in months}


def submission_days(
    *, township: Township, months: list[YearMonth], village: Village | None = None
) -> dict[tuple[int, int, int, int], date]:
    """(village, advisor, year, month) → the local day its ledger was submitted. One query."""
    submissions = LedgerSubmission.objects.filter(
        _months_q(months), village__township=township, submitted_at__isnull=False
    )
    if village is not None:
        submissions = submissions.filter(village=village)
    return {
        (village_id, advisor_id, year, month): timezone.localdate(at)
        for village_id, advisor_id, year, month, at in submissions.values_list(
            "village_id", "advisor_id", "year", "month", "submitted_at"
        )
    }


@dataclass
class MonthListing:
    """One month's logs as its ledger lists them. Every log in `after` and `carried_in` has `submitted_on`: the day
    of the ledger it came after."""

    year: int
    month: int
    rule: str  # where this month's work after its submission goes
    previous_rule: str  # where the previous month's went
    listed: list[WorkLog] = field(
        default_factory=list
    )  # the month's logs up to its submission (all until then)
    after: list[WorkLog] = field(default_factory=list)  # the month's logs after its submission
    carried_in: list[WorkLog] = field(default_factory=list)  # the previous month's, listed on this ledger

    @property
    def late_list(self) -> list[WorkLog]:
        """补报清单: the month's work after its ledger, listed with this month (late_list)."""
        return self.after if self.rule == LateWorkListing.LATE_LIST else []

    @property
    def carried_out(self) -> list[WorkLog]:
        """The month's work after its ledger, listed on the next month's ledger (next_ledger)."""
        return self.after if self.rule == LateWorkListing.NEXT_LEDGER else []

    @property
    def on_ledger(self) -> list[WorkLog]:
        """The ledger's rows in order: the previous month's carried-in work first, then the month's own."""
        return [*self.carried_in, *self.listed]

    @property
    def carried_in_after(self) -> date | None:
        """The day after which the carried-in work was done (the latest, when the villages' days differ)."""
        return max((log.submitted_on for log in self.carried_in), default=None)

    @property
    def submitted_on(self) -> date | None:
        return max((log.submitted_on for log in self.after), default=None)


def month_listing(
    *, logs: QuerySet[WorkLog], township: Township, year: int, month: int, village: Village | None = None
) -> MonthListing:
    """The month's listing of `logs` (the caller's: scoped, narrowed to a village or the township, and to the
    statuses it shows). Five queries: the rules, the submissions, the logs and their service types (and the
    township's bureau unless already loaded)."""
    previous = previous_month(year, month)
    rules = listing_rules(township=township, months=[previous, (year, month)])
    days = submission_days(township=township, months=[previous, (year, month)], village=village)
    window = Q(service_date__year=year, service_date__month=month)
    previous_days = [day for (_v, _a, y, m), day in days.items() if (y, m) == previous]
    if rules[previous] == LateWorkListing.NEXT_LEDGER and previous_days:
        # Only the previous month's days after its earliest submission can have been carried in.
        window |= Q(service_date__gt=min(previous_days), service_date__lte=last_day_of_month(*previous))
    listing = MonthListing(year=year, month=month, rule=rules[(year, month)], previous_rule=rules[previous])
    for log in (
        logs.filter(window).prefetch_related("service_types").order_by("service_date", "start_time", "pk")
    ):
        submitted_on = days.get(
            (log.village_id, log.advisor_id, log.service_date.year, log.service_date.month)
        )
        log.submitted_on = submitted_on
        after = submitted_on is not None and log.service_date > submitted_on
        if (log.service_date.year, log.service_date.month) == (year, month):
            (listing.after if after else listing.listed).append(log)
        elif after:
            listing.carried_in.append(log)
    return listing


def type_names(log: WorkLog) -> str:
    return "、".join(t.name for t in sorted(log.service_types.all(), key=_position))


def _position(service_type: ServiceType) -> tuple[int, int]:
    return (service_type.position, service_type.pk)
