from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from common.pagination import PER_PAGE
from common.params import parse_id, parse_month
from programme.calendar import month_bounds

from .models import Flag
from .selectors import (
    dashboard_scope,
    deadlines_dashboard,
    ledger_actions,
    may_see_dashboard,
    month_needing_action,
)


@login_required
def dashboard(request):
    """What is due, done, late and missing this month and quarter: the bureau's whole district, an office's township."""
    if not may_see_dashboard(request.user):
        raise PermissionDenied(_("只有司法局和司法所工作人员可以查看截止事项。"))
    scope = dashboard_scope(request.user, bureau_id=parse_id(request.GET.get("bureau")))
    if scope is None:
        raise PermissionDenied(_("还没有司法局。"))
    # It opens on the month that needs action (last month while its ledgers are missing), or the one asked for,
    # read as of its last day once it is over.
    today = timezone.localdate()
    month, actions = parse_month(request.GET.get("month")), None
    if month is None or month > today:
        month, actions = month_needing_action(scope, today=today)
    board = deadlines_dashboard(scope, today=min(today, month_bounds(month)[1]))
    # A township fits on a page; a bureau's hundreds of villages are listed by exception unless asked for all.
    default = "all" if scope_of(request.user).is_office else "attention"
    show = request.GET.get("show") if request.GET.get("show") in ("all", "attention") else default
    page = Paginator(board.villages if show == "all" else board.attention, PER_PAGE).get_page(
        request.GET.get("page")
    )
    townships = Paginator(board.townships, PER_PAGE).get_page(request.GET.get("townships_page"))
    return render(
        request,
        "deadlines/dashboard.html",
        {
            "board": board,
            "real_today": today,
            "this_month": today.replace(day=1),
            "previous_month": (month - timedelta(days=1)).replace(day=1),
            "actions": actions if actions is not None else ledger_actions(scope, month, today=today),
            "stats": board.stats,
            "page": page,
            "townships": townships,
            "show": show,
            "flag_kinds": [(label, board.flag_counts.get(kind, 0)) for kind, label in Flag.Kind.choices],
        },
    )
