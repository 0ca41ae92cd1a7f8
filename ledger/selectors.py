"""Who may see which work logs, lectures and incidents; and the figures an advisor's home shows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import Role, profile_of
from villages.models import ServicePeriod, Village

from .models import Incident, Lecture, ServiceMode, WorkLog


def worklogs_visible_to(user) -> QuerySet[WorkLog]:
    if user.is_authenticated and user.is_superuser:
        return WorkLog.objects.all()
    profile = profile_of(user)
    if profile is None:
        return WorkLog.objects.none()
    if profile.is_bureau:
        return WorkLog.objects.filter(village__township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return WorkLog.objects.filter(village__township_id=profile.township_id)
    if profile.role == Role.ADVISOR:
        return WorkLog.objects.filter(advisor__user=user)
    if profile.role == Role.LIAISON:
        # A draft is the advisor's own until submitted.
        return WorkLog.objects.filter(village__liaison=user).exclude(status=WorkLog.Status.DRAFT)
    return WorkLog.objects.none()


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
    if user.is_authenticated and user.is_superuser:
        return Incident.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Incident.objects.none()
    if profile.is_bureau:
        return Incident.objects.filter(village__township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Incident.objects.filter(village__township_id=profile.township_id)
    if profile.role == Role.ADVISOR:
        return Incident.objects.filter(advisor__user=user)
    return Incident.objects.none()


def quarter_of(day: date) -> tuple[date, date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, end  # end is exclusive


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, end  # end is exclusive


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

    @property
    def visits_met(self) -> bool:
        return self.onsite_visits >= self.onsite_required

    @property
    def hours_met(self) -> bool:
        return self.hours >= self.hours_required

    @property
    def lectures_met(self) -> bool:
        return self.lectures >= self.lectures_required


def village_progress(*, advisor, villages: list[Village], today: date) -> list[VillageProgress]:
    """One query for all of the advisor's villages: visits and hours this month/quarter, lectures this quarter."""
    if not villages:
        return []
    bureau = villages[0].township.bureau
    month_start, month_end = month_of(today)
    quarter_start, quarter_end = quarter_of(today)
    per_month = bureau.service_hours_period == ServicePeriod.MONTH
    hours_start, hours_end = (month_start, month_end) if per_month else (quarter_start, quarter_end)
    counted = Q(status__in=WorkLog.COUNTED_STATUSES)
    in_month = Q(service_date__gte=month_start, service_date__lt=month_end)
    in_quarter = Q(service_date__gte=quarter_start, service_date__lt=quarter_end)
    rows = (
        WorkLog.objects.filter(
            advisor=advisor, village__in=villages, service_date__gte=min(hours_start, quarter_start)
        )
        .values("village_id")
        .annotate(
            onsite=Count("pk", filter=counted & in_month & Q(mode=ServiceMode.ONSITE)),
            hours=Sum("hours", filter=counted & Q(service_date__gte=hours_start, service_date__lt=hours_end)),
            lectures=Count("lecture", filter=counted & in_quarter),
            waiting=Count("pk", filter=Q(status=WorkLog.Status.SUBMITTED)),
        )
    )
    by_village = {row["village_id"]: row for row in rows}
    result = []
    for village in villages:
        row = by_village.get(village.pk, {})
        result.append(
            VillageProgress(
                village=village,
                onsite_visits=row.get("onsite", 0),
                onsite_required=bureau.onsite_visits_per_month,
                hours=row.get("hours") or Decimal("0"),
                hours_required=bureau.service_hours_required,
                hours_period=bureau.get_service_hours_period_display(),
                lectures=row.get("lectures", 0),
                lectures_required=bureau.lectures_per_quarter,
                waiting=row.get("waiting", 0),
            )
        )
    return result
