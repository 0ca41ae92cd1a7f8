"""The advisor's 驻点 days: whether today is one in each village, and which of this month's have passed without a
visit logged (a log, not a draft, of a mode the bureau counts as on site)."""

from dataclasses import dataclass, field
from datetime import date

from programme.measures import onsite_of_bureaus
from villages.models import Village
from villages.onsite import onsite_days

from .models import WorkLog


@dataclass(frozen=True)
class OnsiteDays:
    today: bool = False  # today is a 驻点 day
    missed: list[date] = field(default_factory=list)  # this month's 驻点 days before today without a visit


def onsite_days_of(*, advisor, villages: list[Village], today: date) -> dict[int, OnsiteDays]:
    """Per village id, in one query whatever the number of villages."""
    days = {v.pk: onsite_days(v.onsite_hours, today.year, today.month) for v in villages}
    past = {pk: [d for d in ds if d < today] for pk, ds in days.items()}
    visited = set()
    if any(past.values()):
        visited = set(
            WorkLog.objects.filter(
                advisor=advisor,
                village__in=[pk for pk, ds in past.items() if ds],
                service_date__gte=today.replace(day=1),
                service_date__lt=today,
            )
            .filter(onsite_of_bureaus({v.township.bureau for v in villages}))
            .exclude(status=WorkLog.Status.DRAFT)
            .values_list("village_id", "service_date")
        )
    return {
        pk: OnsiteDays(today=today in days[pk], missed=[d for d in past[pk] if (pk, d) not in visited])
        for pk in days
    }
