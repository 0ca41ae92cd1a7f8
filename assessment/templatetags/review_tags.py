"""The "考核" card of each role's home page: what in the open reviews waits for this person.

A fixed number of queries whatever the number of reviews (the home pages' query counts are tested).
"""

from django import template
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.policy import scope_of

from ..models import Review, ReviewPeriod
from ..selectors import periods_visible_to, review_villages_visible_to, reviews_visible_to

register = template.Library()

# Rows of the liaison's villages to rate shown on their home page.
HOME_ROWS = 10


def _open_periods(user):
    """The open periods, each with the person's open reviews, those the office has not rated and the unanswered
    objections: one count per figure over the period's reviews (by their period index), not a join of every review
    with every visible one (half a second for a province's 14,000)."""
    open_reviews = reviews_visible_to(user).filter(period=OuterRef("pk"), status=Review.Status.OPEN)

    def count(reviews) -> Coalesce:
        return Coalesce(Subquery(reviews.order_by().values("period").annotate(n=Count("pk")).values("n")), 0)

    return list(
        periods_visible_to(user)
        .filter(status=ReviewPeriod.Status.OPEN)
        .annotate(
            open_reviews=count(open_reviews),
            office_missing=count(open_reviews.filter(office_rating="")),
            objections=count(
                open_reviews.filter(
                    advisor_response=Review.AdvisorResponse.OBJECTED, objection_answered_at__isnull=True
                )
            ),
        )
        .order_by("-end_date", "pk")
    )


@register.inclusion_tag("assessment/_home_card.html", takes_context=True)
def review_card(context) -> dict:
    user = context["request"].user
    scope = scope_of(user)
    card = {"role": scope.role or None}
    if scope.is_advisor:
        card["reviews"] = list(
            reviews_visible_to(user)
            .filter(status=Review.Status.OPEN)
            .select_related("period")
            .order_by("-period__end_date")
        )
    elif scope.is_liaison:
        rows = list(
            review_villages_visible_to(user)
            .filter(review__status=Review.Status.OPEN, village_rating="")
            .select_related("village", "review__period", "review__advisor")
            .order_by("-review__period__end_date", "village__code")[: HOME_ROWS + 1]
        )
        card["rows"], card["more_rows"] = rows[:HOME_ROWS], len(rows) > HOME_ROWS
    elif scope.is_staff:
        card["periods"] = _open_periods(user)
        card["is_bureau"] = scope.is_bureau
    return card
