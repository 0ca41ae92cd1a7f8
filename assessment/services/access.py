"""Who may do what in a review, an inspection: each a plain yes/no the views ask before showing a form."""

from accounts.policy import scope_of

from ..models import Review, ReviewPeriod, ReviewVillage


def is_reviewed_advisor(review: Review, user) -> bool:
    return review.advisor.user_id is not None and review.advisor.user_id == user.pk


def may_rate_as_office(review: Review, user) -> bool:
    """Justice-office staff of a township where the advisor served a village in this review."""
    scope = scope_of(user)
    return scope.is_office and review.villages.filter(village__township_id=scope.township_id).exists()


def may_decide(review: Review, user) -> bool:
    """The bureau's staff of the review's bureau set the final tier."""
    return scope_of(user).runs_bureau(review.period.bureau_id)


def may_rate_village(row: ReviewVillage, user) -> bool:
    """The village's liaison, or its justice office recording the village's rating on its behalf."""
    if row.village.liaison_id == user.pk:
        return True
    return scope_of(user).is_office_of(row.village.township_id)


def may_run_period(period: ReviewPeriod, user) -> bool:
    """The bureau's staff open, recompute and close their bureau's review periods."""
    return scope_of(user).runs_bureau(period.bureau_id)


def may_change_final(review: Review, user) -> bool:
    """After the lock, a bureau admin of the review's bureau (or a superuser) may change the final tier."""
    scope = scope_of(user)
    return scope.is_operator or scope.administers_bureau(review.period.bureau_id)


def may_record_inspection(user, township) -> bool:
    return scope_of(user).oversees_township(township)


def may_resolve_inspection(user, inspection) -> bool:
    """The bureau's staff, or the justice office of the inspected township (it sees the follow-up through)."""
    return may_record_inspection(user, inspection.township)
