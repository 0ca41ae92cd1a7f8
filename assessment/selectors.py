"""Who may see which review periods, reviews, village ratings, return visits and inspections.

Every view, export, admin page and task of the assessment goes through here; out of scope is 404.
- bureau staff: their bureau's everything;
- justice-office staff: the reviews with a village of their township, their township's visits and inspections;
- an advisor: their own reviews only (not the return visits or inspections themselves: their effect shows in the
  indicators);
- a village liaison: the rows of their village, to give the village's rating.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, profile_of

from .models import Inspection, ReturnVisit, Review, ReviewPeriod, ReviewVillage


def reviews_visible_to(user) -> QuerySet[Review]:
    if user.is_authenticated and user.is_superuser:
        return Review.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Review.objects.none()
    if profile.is_bureau:
        return Review.objects.filter(period__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        in_township = ReviewVillage.objects.filter(
            review=OuterRef("pk"), village__township_id=profile.township_id
        )
        return Review.objects.filter(Exists(in_township))
    if profile.role == Role.ADVISOR:
        return Review.objects.filter(advisor__user=user)
    return Review.objects.none()


def review_villages_visible_to(user) -> QuerySet[ReviewVillage]:
    profile = profile_of(user)
    if profile is not None and profile.role == Role.LIAISON:
        return ReviewVillage.objects.filter(village__liaison=user)
    return ReviewVillage.objects.filter(review__in=reviews_visible_to(user))


def periods_visible_to(user) -> QuerySet[ReviewPeriod]:
    if user.is_authenticated and user.is_superuser:
        return ReviewPeriod.objects.all()
    profile = profile_of(user)
    if profile is None:
        return ReviewPeriod.objects.none()
    if profile.is_staff_role:
        return ReviewPeriod.objects.filter(bureau_id=profile.bureau_id)
    return ReviewPeriod.objects.filter(pk__in=review_villages_visible_to(user).values("review__period_id"))


def return_visits_visible_to(user) -> QuerySet[ReturnVisit]:
    if user.is_authenticated and user.is_superuser:
        return ReturnVisit.objects.all()
    profile = profile_of(user)
    if profile is None:
        return ReturnVisit.objects.none()
    if profile.is_bureau:
        return ReturnVisit.objects.filter(village__township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return ReturnVisit.objects.filter(village__township_id=profile.township_id)
    return ReturnVisit.objects.none()


def inspections_visible_to(user) -> QuerySet[Inspection]:
    if user.is_authenticated and user.is_superuser:
        return Inspection.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Inspection.objects.none()
    if profile.is_bureau:
        return Inspection.objects.filter(township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Inspection.objects.filter(township_id=profile.township_id)
    return Inspection.objects.none()


def get_review_for_user(user, pk: int) -> Review:
    return get_object_or_404(
        reviews_visible_to(user).select_related("period__bureau", "advisor__firm", "advisor__user"), pk=pk
    )


def get_period_for_user(user, pk: int) -> ReviewPeriod:
    return get_object_or_404(periods_visible_to(user).select_related("bureau"), pk=pk)
