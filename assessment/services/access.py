"""Who may do what in a review, an inspection: each a plain yes/no the views ask before showing a form."""

from accounts.models import Role, profile_of

from ..models import Review, ReviewPeriod, ReviewVillage


def is_reviewed_advisor(review: Review, user) -> bool:
    return review.advisor.user_id is not None and review.advisor.user_id == user.pk


def may_rate_as_office(review: Review, user) -> bool:
    """Justice-office staff of a township where the advisor served a village in this review."""
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role == Role.OFFICE_STAFF
        and review.villages.filter(village__township_id=profile.township_id).exists()
    )


def may_decide(review: Review, user) -> bool:
    """The bureau's staff of the review's bureau set the final tier."""
    profile = profile_of(user)
    return profile is not None and profile.is_bureau and profile.bureau_id == review.period.bureau_id


def may_rate_village(row: ReviewVillage, user) -> bool:
    """The village's liaison, or its justice office recording the village's rating on its behalf."""
    if row.village.liaison_id == user.pk:
        return True
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role == Role.OFFICE_STAFF
        and profile.township_id == row.village.township_id
    )


def may_run_period(period: ReviewPeriod, user) -> bool:
    """The bureau's staff open, recompute and close their bureau's review periods."""
    profile = profile_of(user)
    return profile is not None and profile.is_bureau and profile.bureau_id == period.bureau_id


def may_change_final(review: Review, user) -> bool:
    """After the lock, a bureau admin of the review's bureau (or a superuser) may change the final tier."""
    profile = profile_of(user)
    return user.is_superuser or (
        profile is not None
        and profile.role == Role.BUREAU_ADMIN
        and profile.bureau_id == review.period.bureau_id
    )


def may_record_inspection(user, township) -> bool:
    profile = profile_of(user)
    if profile is None:
        return False
    if profile.is_bureau:
        return profile.bureau_id == township.bureau_id
    return profile.role == Role.OFFICE_STAFF and profile.township_id == township.pk


def may_resolve_inspection(user, inspection) -> bool:
    """The bureau's staff, or the justice office of the inspected township (it sees the follow-up through)."""
    return may_record_inspection(user, inspection.township)
