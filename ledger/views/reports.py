"""The forms as HTML preview, PDF and Excel (`?format=pdf|xlsx`), each made by one builder of `ledger.reports`.

Every object a form is about is found through the scoping selectors: outside the user's scope, 404. An advisor gets
their own villages' forms, a justice office its township's, the bureau everything; liaisons print single logs only.
Every page here only reads: with a read replica it reads from there (common/replica.py).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode

from accounts.policy import scope_of
from advisors.models import Agreement
from advisors.selectors import agreements_visible_to
from common.pagination import paginate
from common.replica import reads_from_replica
from villages.models import Bureau, Township, Village
from villages.selectors import bureaus_visible_to, villages_visible_to

from .. import reports
from ..models import WorkLog
from ..phones import exports_in_full
from ..renderers import PDF_TYPE, attachment, render_pdf, report_download, report_format
from ..selectors import get_worklog_for_user, townships_checked_by, worklogs_visible_to

# --- the scope of the forms (built on the project's selectors) ---


def _reports_role(user) -> bool:
    """Staff roles, those above them (read only), advisors and the superuser have reports; liaisons and users without
    a role do not."""
    scope = scope_of(user)
    return scope.is_operator or scope.sees_programme or scope.is_advisor


def report_agreements(user) -> QuerySet[Agreement]:
    """The advisor–village pairs whose annual ledger the user may produce."""
    return agreements_visible_to(user) if _reports_role(user) else Agreement.objects.none()


def report_villages(user) -> QuerySet[Village]:
    """Villages whose logs the user may print in a batch: their scope, and an advisor's past villages too."""
    if not _reports_role(user):
        return Village.objects.none()
    agreements = report_agreements(user).values("village_id")
    return Village.objects.filter(pk__in=villages_visible_to(user).values("pk")) | Village.objects.filter(
        pk__in=agreements
    )


def report_bureaus(user) -> QuerySet[Bureau]:
    """The bureau-wide statistics: bureau roles, the cities and provinces above them (and the superuser) only; a
    city or province chooses among the county bureaus below it."""
    scope = scope_of(user)
    if scope.is_operator or scope.is_bureau or scope.is_oversight:
        return bureaus_visible_to(user).counties()
    return Bureau.objects.none()


# --- query parameters ---


def _int(request: HttpRequest, name: str, default: int | None, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "" and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Http404(f"参数 {name} 无效") from None
    if not low <= value <= high:
        raise Http404(f"参数 {name} 超出范围")
    return value


def _year(request: HttpRequest) -> int:
    return _int(request, "year", timezone.localdate().year, 2000, 2100)


def _month(request: HttpRequest) -> int:
    return _int(request, "month", timezone.localdate().month, 1, 12)


def _respond(request: HttpRequest, report: reports.Report, fmt: str) -> HttpResponse:
    if fmt != "html":
        return report_download(report, fmt)
    return render(request, "ledger/reports/table.html", {"report": report, "tables": list(report.tables)})


# --- the pages ---


@login_required
@reads_from_replica
def reports_index(request: HttpRequest) -> HttpResponse:
    if not _reports_role(request.user):
        raise Http404
    today = timezone.localdate()
    pairs = {}
    for agreement in (
        report_agreements(request.user)
        .select_related("advisor", "village")
        .order_by("village__code", "advisor__name")
    ):
        pairs.setdefault((agreement.advisor_id, agreement.village_id), agreement)
    context = {
        "villages": report_villages(request.user).select_related("township").order_by("code"),
        "pairs": list(pairs.values()),
        "townships": townships_checked_by(request.user).order_by("code"),
        "bureaus": report_bureaus(request.user),
        "years": range(today.year, today.year - 4, -1),
        "months": range(1, 13),
        "year": today.year,
        "month": today.month,
    }
    return render(request, "ledger/reports/index.html", context)


def _worklog_response(request: HttpRequest, logs, title: str, filename: str) -> HttpResponse:
    sheets = reports.worklog_sheets(logs, phone_in_full=lambda log: exports_in_full(request.user, log))
    context = {"sheets": sheets, "title": title}
    if report_format(request) == "pdf":
        return attachment(render_pdf("ledger/pdf/worklog.html", context), f"{filename}.pdf", PDF_TYPE)
    return render(request, "ledger/reports/worklog.html", context)


@login_required
@reads_from_replica
def report_worklog(request: HttpRequest, pk: int) -> HttpResponse:
    """Form 1 for one log (whoever may read the log may print it)."""
    log = get_worklog_for_user(request.user, pk)
    filename = f"工作日志-{log.village.name}-{log.advisor.name}-{log.service_date:%Y%m%d}"
    return _worklog_response(request, WorkLog.objects.filter(pk=log.pk), "村(居)法律顾问工作日志", filename)


@login_required
@reads_from_replica
def report_worklogs(request: HttpRequest) -> HttpResponse:
    """Form 1 in a batch, one counted log per page: a village's month or year (month=0), or a township's month."""
    year = _year(request)
    month = _int(request, "month", timezone.localdate().month, 0, 12)
    if request.GET.get("township"):
        place = get_object_or_404(
            townships_checked_by(request.user), pk=_int(request, "township", None, 1, 2**31)
        )
        logs = worklogs_visible_to(request.user).filter(village__township=place)
    else:
        place = get_object_or_404(report_villages(request.user), pk=_int(request, "village", None, 1, 2**31))
        logs = worklogs_visible_to(request.user).filter(village=place)
    logs = logs.filter(service_date__year=year).counted()
    if month:
        logs = logs.filter(service_date__month=month)
    period = f"{year}年{month}月" if month else f"{year}年"
    return _worklog_response(
        request, logs, f"{place.name}{period}工作日志", f"工作日志-{place.name}-{period}"
    )


@login_required
@reads_from_replica
def report_ledger(request: HttpRequest) -> HttpResponse:
    """Form 2: one advisor's annual ledger for one village."""
    advisor_id = _int(request, "advisor", None, 1, 2**31)
    village_id = _int(request, "village", None, 1, 2**31)
    agreement = (
        report_agreements(request.user)
        .filter(advisor_id=advisor_id, village_id=village_id)
        .select_related("advisor", "village__township")
        .first()
    )
    if agreement is None:
        raise Http404
    report = reports.annual_ledger(advisor=agreement.advisor, village=agreement.village, year=_year(request))
    return _respond(request, report, report_format(request))


@login_required
@reads_from_replica
def report_township_month(request: HttpRequest) -> HttpResponse:
    """Form 3: the township's villages in one month (justice office staff and bureau roles)."""
    checked = townships_checked_by(request.user)
    raw = request.GET.get("township")
    township: Township | None
    if raw:
        township = get_object_or_404(checked, pk=_int(request, "township", None, 1, 2**31))
    else:
        township = checked.order_by("code").first()
    if township is None:
        raise Http404
    report = reports.township_month_summary(township=township, year=_year(request), month=_month(request))
    return _respond(request, report, report_format(request))


@login_required
@reads_from_replica
def report_statistics(request: HttpRequest) -> HttpResponse:
    """Form 4: the bureau's half-year or year by township and by advisor (bureau roles).

    The downloads hold both whole tables. The page shows one table at a time, a page of 50 rows with the totals of
    every page, so that it stays light for a province's 1,800 townships and 14,000 advisors: `by=advisor` for the
    advisors, `township=<pk>` for the advisors of one township (their work there only)."""
    bureaus = report_bureaus(request.user)
    if request.GET.get("bureau"):
        bureau = get_object_or_404(bureaus, pk=_int(request, "bureau", None, 1, 2**31))
    else:
        bureau = bureaus.first()
    if bureau is None:
        raise Http404
    year = _year(request)
    half = _int(request, "half", 0, 0, 2) or None
    fmt = report_format(request)
    if fmt != "html":
        return report_download(reports.work_statistics(bureau=bureau, year=year, half=half), fmt)
    township = None
    if request.GET.get("township"):
        township = get_object_or_404(
            reports.statistics_townships(bureau), pk=_int(request, "township", None, 1, 2**31)
        )
    by = request.GET.get("by") or reports.STATISTICS_BY_TOWNSHIP
    if by not in (reports.STATISTICS_BY_TOWNSHIP, reports.STATISTICS_BY_ADVISOR):
        raise Http404("参数 by 无效")
    if by == reports.STATISTICS_BY_ADVISOR or township is not None:
        by = reports.STATISTICS_BY_ADVISOR
        rows = reports.statistics_advisors(bureau=bureau, year=year, half=half, township=township)
    else:
        rows = reports.statistics_townships(bureau)
    page = paginate(request, rows)
    table = reports.statistics_page_table(
        bureau=bureau, year=year, half=half, by=by, items=list(page), township=township
    )
    # The form's own parameters, for the tabs, the township links and the downloads (whole tables).
    query = urlencode(
        {**({"bureau": bureau.pk} if request.GET.get("bureau") else {}), "year": year, "half": half or 0}
    )
    context = {
        "title": reports.statistics_title(bureau=bureau, year=year, half=half),
        "table": table,
        "rows": list(zip(table.display_rows, page, strict=True)),
        "page": page,
        "by": by,
        "township": township,
        "query": query,
    }
    return render(request, "ledger/reports/statistics.html", context)
