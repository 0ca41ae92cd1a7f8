"""Who may see which review periods, reviews, village ratings, return visits and inspections.

Every view, export, admin page and task of the assessment goes through here; out of scope is 404.
- bureau staff: their bureau's everything;
- justice-office staff: the reviews with a village of their township (of a review's village rows, their own
  township's only), their township's visits and inspections;
- an advisor: their own reviews only (not the return visits or inspections themselves: their effect shows in the
  indicators);
- a village liaison: the rows of their village, to give the village's rating.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.policy import scope_of

from .models import Inspection, ReturnVisit, Review, ReviewPeriod, ReviewVillage


def reviews_visible_to(user) -> QuerySet[Review]:
    scope = scope_of(user)

    def in_township() -> Q:
        return Q(
            Exists(
                ReviewVillage.objects.filter(review=OuterRef("pk"), village__township_id=scope.township_id)
            )
        )

    return scope.filter(
        Review.objects.all(), bureau="period__bureau_id", township=in_township, advisor="advisor__user"
    )


def review_villages_visible_to(user) -> QuerySet[ReviewVillage]:
    """A review's village rows, scoped like the village: an office sees its own township's rows only, not those of
    another township the same advisor serves."""
    return scope_of(user).filter(
        ReviewVillage.objects.all(),
        bureau="review__period__bureau_id",
        township="village__township_id",
        advisor="review__advisor__user",
        liaison="village__liaison",
    )


def periods_visible_to(user) -> QuerySet[ReviewPeriod]:
    scope = scope_of(user)

    def of_rows() -> Q:
        return Q(pk__in=review_villages_visible_to(user).values("review__period_id"))

    return scope.filter(
        ReviewPeriod.objects.all(),
        bureau="bureau_id",
        # A justice office takes part in all of its bureau's reviews.
        township=lambda: Q(bureau_id__in=scope.bureau_ids),
        advisor=of_rows,
        liaison=of_rows,
    )


def return_visits_visible_to(user) -> QuerySet[ReturnVisit]:
    return scope_of(user).filter(
        ReturnVisit.objects.all(), bureau="village__township__bureau_id", township="village__township_id"
    )


def inspections_visible_to(user) -> QuerySet[Inspection]:
    return scope_of(user).filter(
        Inspection.objects.all(), bureau="township__bureau_id", township="township_id"
    )


def get_review_for_user(user, pk: int) -> Review:
    return get_object_or_404(
        reviews_visible_to(user).select_related("period__bureau", "advisor__firm", "advisor__user"), pk=pk
    )


def get_period_for_user(user, pk: int) -> ReviewPeriod:
    return get_object_or_404(periods_visible_to(user).select_related("bureau"), pk=pk)
