"""Who may see which firms, advisors and agreements, built on the village scope."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.policy import scope_of
from villages.models import Township, Village
from villages.selectors import villages_visible_to

from .models import Advisor, Agreement, Firm


def agreements_visible_to(user) -> QuerySet[Agreement]:
    return scope_of(user).filter(
        Agreement.objects.all(),
        bureau="village__township__bureau_id",
        township="village__township_id",
        # An advisor sees all of their own agreements, past and draft included, and nobody else's.
        advisor="advisor__user",
        liaison=lambda: Agreement.objects.in_force().filter(village__liaison=user),
    )


def advisors_visible_to(user) -> QuerySet[Advisor]:
    # Justice offices and liaisons see the advisors serving their villages now or in the past.
    def serving() -> Q:
        agreements = Agreement.objects.in_force().filter(village__in=villages_visible_to(user))
        return Q(pk__in=agreements.values("advisor_id"))

    return scope_of(user).filter(
        Advisor.objects.all(), bureau="bureau_id", township=serving, advisor="user", liaison=serving
    )


def firms_visible_to(user) -> QuerySet[Firm]:
    def of_advisors() -> Q:
        return Q(pk__in=advisors_visible_to(user).values("firm_id"))

    return scope_of(user).filter(
        Firm.objects.all(), bureau="bureau_id", township=of_advisors, advisor=of_advisors, liaison=of_advisors
    )


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
