"""Who may see which townships and villages. Every view, export, admin page and task goes through here."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.policy import scope_of

from .models import Bureau, Township, Village


def bureaus_visible_to(user) -> QuerySet[Bureau]:
    """A user sees their own bureau only, whatever their role; the operator sees all."""
    scope = scope_of(user)
    if scope.is_operator:
        return Bureau.objects.all()
    if not scope.has_role:
        return Bureau.objects.none()
    return Bureau.objects.filter(pk__in=scope.bureau_ids)


def with_place_counts(bureaus: QuerySet[Bureau]) -> QuerySet[Bureau]:
    """Each bureau with its townships, villages and active advisors (one grouped query each, as subqueries)."""

    def count_of(rows: QuerySet) -> Subquery:
        return Subquery(
            rows.filter(bureau_id=OuterRef("pk"))
            .order_by()
            .values("bureau_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    advisors = Bureau._meta.get_field("advisors").related_model  # advisors sits above villages
    return bureaus.annotate(
        township_count=Coalesce(count_of(Township.objects.all()), 0),
        village_count=Coalesce(
            Subquery(
                Village.objects.filter(township__bureau_id=OuterRef("pk"))
                .order_by()
                .values("township__bureau_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
        advisor_count=Coalesce(count_of(advisors.objects.filter(is_active=True)), 0),
    )


def current_agreements() -> QuerySet:
    """The agreements in force today (advisors.Agreement), reached through the village's reverse relation: villages
    sits below advisors and does not import it, yet an advisor's villages are those of their current agreements."""
    return Village._meta.get_field("agreements").related_model.objects.current()


def villages_visible_to(user) -> QuerySet[Village]:
    def of_current_agreements() -> Q:
        current = current_agreements().filter(advisor__user=user, advisor__is_active=True)
        return Q(pk__in=current.values("village_id"))

    return scope_of(user).filter(
        Village.objects.all(),
        bureau="township__bureau_id",
        township="township_id",
        advisor=of_current_agreements,
        liaison="liaison",
    )


def townships_visible_to(user) -> QuerySet[Township]:
    # Advisors and liaisons see the townships of their villages.
    def of_villages() -> Q:
        return Q(pk__in=villages_visible_to(user).values("township_id"))

    return scope_of(user).filter(
        Township.objects.all(), bureau="bureau_id", township="pk", advisor=of_villages, liaison=of_villages
    )


def get_village_for_user(user, pk: int) -> Village:
    return get_object_or_404(villages_visible_to(user).select_related("township"), pk=pk)


def get_township_for_user(user, pk: int) -> Township:
    return get_object_or_404(townships_visible_to(user), pk=pk)
