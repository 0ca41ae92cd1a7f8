from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "") -> str:
    """The current URL's query string with only the page number changed, so filters survive paging. `param` names
    the page's parameter when a page has two lists (default `page`)."""
    query = context["request"].GET.copy()
    query[param or "page"] = number
    return "?" + query.urlencode()
