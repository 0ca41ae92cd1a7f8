from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PER_PAGE = 50


def paginate(request, queryset: QuerySet, per_page: int = PER_PAGE) -> Page:
    """The requested page; a page number past the end shows the last page rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
