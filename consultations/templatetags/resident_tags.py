from django import template

from ..selectors import resident_requests_visible_to

register = template.Library()
HOME_ROWS = 5


@register.inclusion_tag("consultations/_home_card.html", takes_context=True)
def resident_requests_card(context) -> dict:
    """The advisor's home: the residents' requests waiting for an answer, the most urgent first."""
    asked = list(
        resident_requests_visible_to(context["request"].user)
        .open()
        .select_related("village")
        .order_by("due_at", "pk")[: HOME_ROWS + 1]
    )
    return {"asked": asked[:HOME_ROWS], "more_asked": len(asked) > HOME_ROWS}
