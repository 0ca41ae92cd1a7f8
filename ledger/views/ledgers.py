"""Monthly ledgers (工作台账报送): the advisor's month page per village, the justice office's township month, the
bureau's overview per township.

Scope first (outside it: 404), then the role (may see the place but not this page or action: 403); the rules are
`ledger.submissions`' (not possible now: an error message).
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.params import parse_id
from programme.calendar import end_of_day, ledger_due_date, month_bounds
from villages.selectors import bureaus_visible_to, get_township_for_user, get_village_for_user

from .. import submissions
from ..filters import parse_month
from ..listing import month_listing
from ..models import TownshipLedger, WorkLog
from ..selectors import worklogs_visible_to


def _month(request: HttpRequest, value: str | None) -> date:
    """The first day of the month asked for (`YYYY-MM`), this month when none or a wrong one is given."""
    month = parse_month(value)
    if month is None:
        if value:
            messages.error(request, _("月份格式应为 YYYY-MM，例如 2026-06。"))
        month = timezone.localdate().replace(day=1)
    return month


def _neighbours(month: date) -> dict:
    first, last = month_bounds(month)
    return {"previous": (first - timedelta(days=1)).replace(day=1), "following": last + timedelta(days=1)}


def _require_advisor(request: HttpRequest) -> None:
    if not scope_of(request.user).is_advisor:
        raise PermissionDenied(_("只有法律顾问本人可以报送村(社区)台账。"))


def _require_staff(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope.is_operator or scope.is_staff):
        raise PermissionDenied(_("只有司法所和司法局可以查看台账报送情况。"))


def _done_or_refused(request: HttpRequest, perform, done: str) -> None:
    try:
        perform()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


@login_required
def ledger_month(request, pk: int):
    """The advisor's month for one village: the logs the ledger is compiled from, its status, the 报送 button."""
    village = get_village_for_user(request.user, pk)
    _require_advisor(request)
    month = _month(request, request.GET.get("month"))
    year, number = month.year, month.month
    # Where each log is listed follows the bureau's rule (seed 001 附件3); what counts stays by service date.
    listing = month_listing(
        logs=worklogs_visible_to(request.user).filter(village=village),
        township=village.township,
        year=year,
        month=number,
        village=village,
    )
    logs = [*listing.listed, *listing.after]
    advisor = request.user.advisor
    submission = submissions.submission_for(advisor=advisor, village=village, year=year, month=number)
    due = ledger_due_date(village.township.bureau, year, number)
    submitted_at = submission.submitted_at if submission else None
    return render(
        request,
        "ledger/ledger_month.html",
        {
            "village": village,
            "month": month,
            **_neighbours(month),
            "logs": logs,
            "listing": listing,
            "hours": sum((log.hours for log in logs if log.status in log.COUNTED_STATUSES), 0),
            "unfinished": [log for log in logs if log.is_editable],
            "submission": submission,
            "submitted_at": submitted_at,
            "late": bool(submission and submission.is_late),
            "overdue": submitted_at is None
            and (bool(submission and submission.is_late) or timezone.now() >= end_of_day(due)),
            "due": due,
            "future": month > timezone.localdate(),
        },
    )


@login_required
@require_POST
def ledger_submit(request, pk: int):
    village = get_village_for_user(request.user, pk)
    _require_advisor(request)
    month = _month(request, request.POST.get("month"))
    _done_or_refused(
        request,
        lambda: submissions.ledger_submit(
            advisor_user=request.user, village=village, year=month.year, month=month.month
        ),
        _("已报送%(village)s %(year)s年%(month)s月工作台账。")
        % {"village": village.name, "year": month.year, "month": month.month},
    )
    return redirect(f"{reverse('ledger:ledger_month', args=[village.pk])}?month={month:%Y-%m}")


def _township_month(township, month: date) -> dict:
    """The township's month as the office's page and the forwarding confirmation show it."""
    rows = submissions.month_ledger_status(township=township, year=month.year, month=month.month)
    states = [row.state for row in rows]
    S = submissions.LedgerState
    return {
        "township": township,
        "month": month,
        "rows": rows,
        "outstanding_rows": [row for row in rows if row.outstanding],
        "forwarded": TownshipLedger.objects.filter(
            township=township, year=month.year, month=month.month
        ).first(),
        "due": ledger_due_date(township.bureau, month.year, month.month),
        "counts": {
            "owed": sum(state != S.UNSERVED for state in states),
            "submitted": sum(state in (S.SUBMITTED, S.SUBMITTED_LATE) for state in states),
            "late": sum(state == S.SUBMITTED_LATE for state in states),
            "missing": sum(state == S.MISSING for state in states),
            "outstanding": sum(state in (S.MISSING, S.PENDING) for state in states),
        },
        "future": month > timezone.localdate(),
    }


def _township_page(township, month: date):
    return redirect(f"{reverse('ledger:ledger_township', args=[township.pk])}?month={month:%Y-%m}")


@login_required
def ledger_township(request, pk: int):
    """The justice office's month: which villages' ledgers are in, late or missing; the 报送司法局 button."""
    township = get_township_for_user(request.user, pk)
    _require_staff(request)
    month = _month(request, request.GET.get("month"))
    context = _township_month(township, month)
    listing = month_listing(
        logs=worklogs_visible_to(request.user)
        .filter(village__township=township)
        .exclude(status=WorkLog.Status.DRAFT)
        .select_related("village"),
        township=township,
        year=month.year,
        month=month.month,
    )
    return render(
        request,
        "ledger/ledger_township.html",
        {
            **context,
            **_neighbours(month),
            "listing": listing,
            "may_forward": submissions.may_forward(request.user, township),
        },
    )


@login_required
def ledger_township_forward(request, pk: int):
    """GET: the confirmation, naming every village whose ledger is not in; POST: the forwarding."""
    township = get_township_for_user(request.user, pk)
    if not submissions.may_forward(request.user, township):
        raise PermissionDenied(_("只有本乡镇(街道)司法所可以向司法局报送乡镇台账。"))
    if request.method != "POST":
        month = _month(request, request.GET.get("month"))
        context = _township_month(township, month)
        refusal = submissions.early_forward_refusal(
            township=township, year=month.year, month=month.month, rows=context["rows"]
        )
        return render(request, "ledger/ledger_township_forward.html", {**context, "refusal": refusal})
    month = _month(request, request.POST.get("month"))
    _done_or_refused(
        request,
        lambda: submissions.township_ledger_forward(
            by=request.user, township=township, year=month.year, month=month.month
        ),
        _("已向司法局报送%(township)s %(year)s年%(month)s月台账。")
        % {"township": township.name, "year": month.year, "month": month.month},
    )
    return _township_page(township, month)


@login_required
@require_POST
def ledger_township_recall(request, pk: int):
    township = get_township_for_user(request.user, pk)
    month = _month(request, request.POST.get("month"))
    _done_or_refused(
        request,
        lambda: submissions.township_ledger_recall(
            by=request.user, township=township, year=month.year, month=month.month
        ),
        _("已撤回%(township)s %(year)s年%(month)s月台账，补齐后请重新报送。")
        % {"township": township.name, "year": month.year, "month": month.month},
    )
    return _township_page(township, month)


@login_required
@require_POST
def ledger_township_accept(request, pk: int):
    township = get_township_for_user(request.user, pk)
    month = _month(request, request.POST.get("month"))
    _done_or_refused(
        request,
        lambda: submissions.township_ledger_accept(
            by=request.user, township=township, year=month.year, month=month.month
        ),
        _("已接收%(township)s %(year)s年%(month)s月台账。")
        % {"township": township.name, "year": month.year, "month": month.month},
    )
    return redirect(f"{reverse('ledger:ledger_overview')}?bureau={township.bureau_id}&month={month:%Y-%m}")


@login_required
def ledger_overview(request):
    """The bureau's month: each township's ledgers in, late and missing, its forwarding, every late or missing one."""
    bureaus = bureaus_visible_to(request.user)
    if "bureau" in request.GET:
        bureau = get_object_or_404(bureaus, pk=parse_id(request.GET["bureau"]))
    else:
        bureau = bureaus.first()
    if bureau is None:
        raise Http404
    scope = scope_of(request.user)
    if not (scope.is_operator or scope.is_bureau):
        raise PermissionDenied(_("只有司法局可以查看全区台账报送情况。"))
    month = _month(request, request.GET.get("month"))
    rows = submissions.bureau_month_status(bureau=bureau, year=month.year, month=month.month)
    return render(
        request,
        "ledger/ledger_overview.html",
        {
            "bureau": bureau,
            "bureaus": bureaus if scope.is_operator else None,
            "month": month,
            **_neighbours(month),
            "rows": rows,
            "may_accept": submissions.may_accept(request.user, rows[0].township) if rows else False,
            "due": ledger_due_date(bureau, month.year, month.month),
            "totals": {
                "owed": sum(r.owed for r in rows),
                "submitted": sum(r.submitted for r in rows),
                "late": sum(r.late for r in rows),
                "missing": sum(r.missing for r in rows),
                "forwarded": sum(r.forwarded_at is not None for r in rows),
            },
        },
    )
