"""The oversight pages: thin views over `oversight.sheets` and `oversight.yearend`, every one scoped by
`oversight.selectors.bureaus_overseen`. Each page is HTML, or `?format=xlsx|pdf` through `ledger.renderers`.

Parameters: `under` (the subtree's root, a bureau the person oversees; 404 otherwise) and `period` (a label:
2026, 2026-H1, 2026-Q2, 2026-05; 404 for anything else). People who oversee nothing get 404 on every page.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.params import parse_id
from common.replica import reads_from_replica
from ledger.renderers import report_download, report_format
from programme.calendar import HALF, Period, month_label, period_from_label, year_of, zh_period

from . import figures
from .selectors import (
    Group,
    Subtree,
    county_overseen,
    may_oversee,
    oversees_parent,
    roots_overseen,
    subtree_of,
)
from .sheets import SECTIONS, build_sheet
from .yearend import year_end

PAGES = ("coverage", "ledgers", "incidents", "reviews", "statistics", "year_end")


def _require_oversight(request: HttpRequest) -> None:
    if not may_oversee(request.user):
        raise Http404(_("只有市、省司法行政机关工作人员可以查看。"))


def _period(request: HttpRequest, today: date) -> Period:
    raw = request.GET.get("period", "")
    if raw == "":
        return year_of(today)
    period = period_from_label(raw)
    if period is None:
        raise Http404(_("统计期间无效：请选择年度、半年、季度或月份。"))
    return period


def _under(request: HttpRequest) -> int | None:
    raw = request.GET.get("under", "")
    if raw == "":
        return None
    under = parse_id(raw)
    if under is None:
        raise Http404(_("参数 under 无效。"))
    return under


def _period_choices(period: Period, today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's periods: this year's and last year's years, halves, quarters and months begun by today, and the
    one shown."""
    groups = []
    for year in (today.year, today.year - 1):
        options = [(str(year), _("%(year)s年度") % {"year": year})]
        for label in (f"{year}-H1", f"{year}-H2", *(f"{year}-Q{q}" for q in range(1, 5))):
            candidate = period_from_label(label)
            if candidate.start <= today:
                options.append((label, zh_period(candidate)))
        for month in range(1, 13):
            candidate = period_from_label(f"{year}-{month:02d}")
            if candidate.start <= today:
                options.append((candidate.label, zh_period(candidate)))
        groups.append((_("%(year)s年") % {"year": year}, options))
    if not any(period.label == value for _g, options in groups for value, _t in options):
        groups.insert(0, (_("所选期间"), [(period.label, zh_period(period))]))
    return groups


def _context(request: HttpRequest, subtree: Subtree, period: Period, today: date, page: str) -> dict:
    query = {"period": period.label, **({"under": subtree.root.pk} if subtree.root is not None else {})}
    up = None
    if subtree.root is not None and subtree.root.parent_id and oversees_parent(request.user, subtree.root):
        up = urlencode({"period": period.label, "under": subtree.root.parent_id})
    return {
        "subtree": subtree,
        "period": period,
        "period_name": zh_period(period),
        "page": page,
        "query": urlencode(query),
        "period_query": urlencode({"period": period.label}),
        "up_query": up,
        "roots": roots_overseen(request.user),
        "period_choices": _period_choices(period, today),
        "pages": [(slug, reverse(f"oversight:{slug}"), _page_title(slug)) for slug in PAGES],
    }


def _page_title(slug: str) -> str:
    return _("年度数据") if slug == "year_end" else str(SECTIONS[slug].title)


@login_required
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    """The chosen subtree and period, its year-end figures in a paragraph, and the pages."""
    _require_oversight(request)
    today = timezone.localdate()
    period = _period(request, today)
    subtree = subtree_of(request.user, _under(request))
    context = _context(request, subtree, period, today, "index")
    context["year_end"] = year_end(subtree, period, today)
    return render(request, "oversight/index.html", context)


def _section(request: HttpRequest, slug: str) -> HttpResponse:
    _require_oversight(request)
    fmt = report_format(request)
    today = timezone.localdate()
    period = _period(request, today)
    subtree = subtree_of(request.user, _under(request))
    sheet = build_sheet(SECTIONS[slug], subtree, period, today)
    if fmt != "html":
        return report_download(sheet.report(), fmt)
    context = _context(request, subtree, period, today, slug)
    context["sheet"] = sheet
    return render(request, "oversight/section.html", context)


@login_required
@reads_from_replica
def coverage(request: HttpRequest) -> HttpResponse:
    return _section(request, "coverage")


@login_required
@reads_from_replica
def ledgers(request: HttpRequest) -> HttpResponse:
    return _section(request, "ledgers")


@login_required
@reads_from_replica
def incidents(request: HttpRequest) -> HttpResponse:
    return _section(request, "incidents")


@login_required
@reads_from_replica
def reviews(request: HttpRequest) -> HttpResponse:
    return _section(request, "reviews")


@login_required
@reads_from_replica
def statistics(request: HttpRequest) -> HttpResponse:
    return _section(request, "statistics")


@login_required
@reads_from_replica
def year_end_page(request: HttpRequest) -> HttpResponse:
    """年度数据: the paragraph of a year-end report (seed 004) and its figures."""
    _require_oversight(request)
    fmt = report_format(request)
    today = timezone.localdate()
    period = _period(request, today)
    subtree = subtree_of(request.user, _under(request))
    data = year_end(subtree, period, today)
    if fmt != "html":
        return report_download(data.report(), fmt)
    context = _context(request, subtree, period, today, "year_end")
    context["year_end"] = data
    return render(request, "oversight/year_end.html", context)


@login_required
@reads_from_replica
def bureau(request: HttpRequest, pk: int) -> HttpResponse:
    """One county bureau's figures in every section, and links to its own pages (read only)."""
    _require_oversight(request)
    today = timezone.localdate()
    period = _period(request, today)
    county = county_overseen(request.user, pk)
    subtree = Subtree(county, [Group(None, [county])])
    sheets = [build_sheet(section, subtree, period, today) for section in SECTIONS.values()]
    context = _context(request, subtree, period, today, "bureau")
    month = figures.reference_day(period, today)
    half = (1 if period.start.month == 1 else 2) if period.kind == HALF else 0
    context.update(
        {
            "county": county,
            "sheets": sheets,
            "year_end": year_end(subtree, period, today),
            "statistics_query": urlencode({"bureau": county.pk, "year": period.start.year, "half": half}),
            "dashboard_query": urlencode({"bureau": county.pk, "month": month_label(month)}),
            "up_query": urlencode({"period": period.label, "under": county.parent_id})
            if county.parent_id and oversees_parent(request.user, county)
            else None,
        }
    )
    return render(request, "oversight/bureau.html", context)
