"""Who may see which firms, advisors and agreements, built on the village scope."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, profile_of
from villages.models import Township, Village
from villages.selectors import villages_visible_to

from .models import Advisor, Agreement, Firm


def agreements_visible_to(user) -> QuerySet[Agreement]:
    if user.is_authenticated and user.is_superuser:
        return Agreement.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Agreement.objects.none()
    if profile.is_bureau:
        return Agreement.objects.filter(village__township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Agreement.objects.filter(village__township_id=profile.township_id)
    if profile.role == Role.ADVISOR:
        # An advisor sees all of their own agreements, past and draft included, and nobody else's.
        return Agreement.objects.filter(advisor__user=user)
    if profile.role == Role.LIAISON:
        return Agreement.objects.in_force().filter(village__liaison=user)
    return Agreement.objects.none()


def advisors_visible_to(user) -> QuerySet[Advisor]:
    if user.is_authenticated and user.is_superuser:
        return Advisor.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Advisor.objects.none()
    if profile.is_bureau:
        return Advisor.objects.filter(bureau_id=profile.bureau_id)
    if profile.role == Role.ADVISOR:
        return Advisor.objects.filter(user=user)
    # Justice offices and liaisons see the advisors serving their villages now or in the past.
    serving = Agreement.objects.in_force().filter(village__in=villages_visible_to(user))
    return Advisor.objects.filter(pk__in=serving.values("advisor_id"))


def firms_visible_to(user) -> QuerySet[Firm]:
    profile = profile_of(user)
    if user.is_authenticated and user.is_superuser:
        return Firm.objects.all()
    if profile is None:
        return Firm.objects.none()
    if profile.is_bureau:
        return Firm.objects.filter(bureau_id=profile.bureau_id)
    return Firm.objects.filter(pk__in=advisors_visible_to(user).values("firm_id"))


def get_advisor_for_user(user, pk: int) -> Advisor:
    return get_object_or_404(advisors_visible_to(user).select_related("firm"), pk=pk)


def get_agreement_for_user(user, pk: int) -> Agreement:
    return get_object_or_404(
        agreements_visible_to(user).select_related("advisor__firm", "village__township__bureau", "previous"),
        pk=pk,
    )


def _current_q(prefix: str) -> Q:
    today = timezone.localdate()
    return Q(
        **{
            f"{prefix}status__in": (Agreement.Status.SIGNED, Agreement.Status.FILED),
            f"{prefix}start_date__lte": today,
            f"{prefix}end_date__gte": today,
        }
    )


def with_current_agreements(villages: QuerySet[Village]) -> QuerySet[Village]:
    """Villages with `current_agreements` (a list of at most one) holding today's advisor and firm."""
    current = Agreement.objects.current().select_related("advisor__firm")
    return villages.select_related("township").prefetch_related(
        Prefetch("agreements", queryset=current, to_attr="current_agreements")
    )


def with_coverage_counts(townships: QuerySet[Township]) -> QuerySet[Township]:
    """Townships annotated with their villages, the villages covered today and the advisors serving them."""
    current = _current_q("villages__agreements__")
    return townships.annotate(
        village_count=Count("villages", distinct=True),
        covered_count=Count("villages", filter=current, distinct=True),
        advisor_count=Count("villages__agreements__advisor", filter=current, distinct=True),
    ).order_by(*Township._meta.ordering)  # Meta.ordering is dropped from GROUP BY queries


def with_current_village_counts(advisors: QuerySet[Advisor]) -> QuerySet[Advisor]:
    return (
        advisors.select_related("firm")
        .annotate(current_village_count=Count("agreements", filter=_current_q("agreements__"), distinct=True))
        .order_by(*Advisor._meta.ordering)
    )
