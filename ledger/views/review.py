"""The village liaison's (phone) and the justice office's (desktop) pages: work logs, lectures, incidents.

Every view finds its rows through the scoping selectors (outside the scope: 404) and leaves the rules to
`ledger.services` (not allowed: 403; not possible now: an error message).
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Value, When
from django.db.models.expressions import OrderBy
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.pagination import paginate
from common.params import parse_id
from programme.calendar import month_of
from programme.measures import onsite_mode_names

from .. import services
from ..filters import IncidentFilter, LectureFilter, WorkLogFilter, parse_month
from ..forms import ConfirmForm, IncidentHandlingForm, ReasonForm, attach_errors
from ..models import WorkLog
from ..selectors import (
    get_worklog_for_user,
    incidents_visible_to,
    lectures_visible_to,
    month_check_shortfalls,
    township_month_check,
    townships_checked_by,
    worklogs_visible_to,
)
from .advisor import worklog_page


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _refused(request: HttpRequest, worklog: WorkLog, *, action: str, text: str) -> HttpResponse:
    """The log's page again with the refused form as typed: never the typed text in a URL (a reason may hold a
    phone or ID number, and URLs reach access logs and browser history)."""
    worklog = get_worklog_for_user(request.user, worklog.pk)  # as stored now
    return worklog_page(request, worklog, refused={"action": action, "log": str(worklog.pk), "text": text})


def _review(request: HttpRequest, pk: int, *, action: str, form_class, perform, done: str) -> HttpResponse:
    worklog = get_worklog_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(worklog, form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
            return redirect(_next_url(request, worklog.get_absolute_url()))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    field = next(iter(form_class.base_fields), None)
    return _refused(request, worklog, action=action, text=request.POST.get(field, "") if field else "")


@login_required
@require_POST
def worklog_confirm(request, pk: int):
    return _review(
        request,
        pk,
        action="confirm",
        form_class=ConfirmForm,
        perform=lambda log, data: services.worklog_confirm(worklog=log, by=request.user, note=data["note"]),
        done=_("已确认该工作日志。"),
    )


@login_required
@require_POST
def worklog_dispute(request, pk: int):
    return _review(
        request,
        pk,
        action="dispute",
        form_class=ReasonForm,
        perform=lambda log, data: services.worklog_dispute(
            worklog=log, by=request.user, reason=data["reason"]
        ),
        done=_("已提出异议，日志已退回法律顾问。"),
    )


@login_required
@require_POST
def worklog_verify(request, pk: int):
    return _review(
        request,
        pk,
        action="verify",
        form_class=forms.Form,
        perform=lambda log, data: services.worklog_verify(worklog=log, by=request.user),
        done=_("已核查该工作日志。"),
    )


@login_required
@require_POST
def worklog_return(request, pk: int):
    return _review(
        request,
        pk,
        action="return",
        form_class=ReasonForm,
        perform=lambda log, data: services.worklog_return(
            worklog=log, by=request.user, reason=data["reason"]
        ),
        done=_("已退回法律顾问。"),
    )


def _first_when(**lookup) -> OrderBy:
    """An ordering that puts the rows matching `lookup` first."""
    return Case(When(**lookup, then=Value(0)), default=Value(1)).asc()


@login_required
def worklog_list(request):
    user = request.user
    scope = scope_of(user)
    logs = WorkLogFilter(request.GET, queryset=worklogs_visible_to(user), user=user)
    queryset = logs.qs.select_related("village", "advisor").prefetch_related("service_types")
    if scope.is_liaison:
        queryset = queryset.order_by(_first_when(status=WorkLog.Status.SUBMITTED), *WorkLog._meta.ordering)
    page = paginate(request, queryset)
    return render(
        request,
        "ledger/worklog_list.html",
        {"filter": logs, "page": page, "can_verify": scope.is_office},
    )


@login_required
@require_POST
def worklogs_verify(request):
    """核查所选: each selected log in the person's scope is verified; those refused are reported, the others kept."""
    target = _next_url(request, reverse("ledger:worklog_list"))
    ids = {parse_id(value) for value in request.POST.getlist("ids")} - {None}
    if not ids:
        messages.warning(request, _("请先勾选要核查的日志。"))
        return redirect(target)
    worklogs = list(worklogs_visible_to(request.user).filter(pk__in=ids).select_related("village", "advisor"))
    done, errors = services.worklogs_verify(worklogs=worklogs, by=request.user)
    if done:
        messages.success(
            request, ngettext("已核查 %(n)d 条日志。", "已核查 %(n)d 条日志。", done) % {"n": done}
        )
    for error in errors:
        messages.error(request, error)
    if missing := len(ids) - len(worklogs):
        messages.warning(
            request,
            ngettext(
                "%(n)d 条日志不存在或不在您的辖区，未处理。",
                "%(n)d 条日志不存在或不在您的辖区，未处理。",
                missing,
            )
            % {"n": missing},
        )
    return redirect(target)


@login_required
def monthly_check(request):
    """The justice office's monthly check of every village (seed 002 item 8); bureau roles pick the township."""
    townships = townships_checked_by(request.user).select_related("bureau")
    if "township" in request.GET:
        township = get_object_or_404(townships, pk=parse_id(request.GET["township"]))
    else:
        township = townships.first()
    if township is None:
        raise Http404  # like any page outside one's scope: the check is the offices' and the bureau's
    month = parse_month(request.GET.get("month"))
    if month is None:
        if request.GET.get("month"):
            messages.error(request, _("月份格式应为 YYYY-MM，例如 2026-06。"))
        month = timezone.localdate().replace(day=1)
    rows = township_month_check(township=township, year=month.year, month=month.month)
    scope = scope_of(request.user)
    return render(
        request,
        "ledger/monthly_check.html",
        {
            "township": township,
            "townships": townships if not scope.has_role or scope.is_bureau else None,
            "month": month,
            "previous": (month - timedelta(days=1)).replace(day=1),
            "following": month_of(month).stop,
            "quarter": f"{month.year}-{(month.month - 1) // 3 + 1}",
            "rows": rows,
            "bureau": township.bureau,
            "short": month_check_shortfalls(rows),
            "onsite_modes": onsite_mode_names(township.bureau.onsite_modes),
        },
    )


@login_required
def lecture_list(request):
    lectures = LectureFilter(request.GET, queryset=lectures_visible_to(request.user), user=request.user)
    queryset = lectures.qs.select_related(
        "worklog__village", "worklog__advisor", "received_by__profile"
    ).order_by(_first_when(received_at__isnull=True), "-worklog__service_date", "-pk")
    page = paginate(request, queryset)
    can_receive = scope_of(request.user).is_office
    return render(
        request, "ledger/lecture_list.html", {"filter": lectures, "page": page, "can_receive": can_receive}
    )


@login_required
@require_POST
def lecture_receive(request, pk: int):
    lecture = get_object_or_404(lectures_visible_to(request.user).select_related("worklog__village"), pk=pk)
    try:
        services.lecture_receive(lecture=lecture, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已接收讲座备案：%(topic)s") % {"topic": lecture.topic})
    return redirect(_next_url(request, reverse("ledger:lecture_list")))


def _open_first(queryset):
    return queryset.order_by(_first_when(acknowledged_at__isnull=True), "-reported_at", "-pk")


@login_required
def incident_list(request):
    incidents = IncidentFilter(request.GET, queryset=incidents_visible_to(request.user), user=request.user)
    page = paginate(request, _open_first(incidents.qs.select_related("village__township", "advisor")))
    return render(request, "ledger/incident_list.html", {"filter": incidents, "page": page})


@login_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(
        incidents_visible_to(request.user).select_related(
            "village__township",
            "advisor__firm",
            "worklog",
            "acknowledged_by__profile",
            "handling_recorded_by__profile",
        ),
        pk=pk,
    )
    return _incident_page(request, incident)


def _incident_page(request, incident, *, form=None):
    if form is None and scope_of(request.user).is_office_of(incident.village.township_id):
        form = IncidentHandlingForm(instance=incident)
    return render(request, "ledger/incident_detail.html", {"incident": incident, "handling_form": form})


@login_required
@require_POST
def incident_record_handling(request, pk: int):
    incident = get_object_or_404(
        incidents_visible_to(request.user).select_related("village__township", "advisor__firm", "worklog"),
        pk=pk,
    )
    if not scope_of(request.user).is_office_of(incident.village.township_id):
        raise PermissionDenied(_("只有本乡镇司法所可以登记处置情况。"))
    form = IncidentHandlingForm(request.POST, instance=incident)
    if form.is_valid():
        try:
            services.incident_record_handling(
                incident=incident,
                by=request.user,
                handling=form.cleaned_data["handling"],
                handled_at=form.cleaned_data["handled_at"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("处置情况已保存。"))
            return redirect(incident)
    incident.refresh_from_db()
    return _incident_page(request, incident, form=form)


@login_required
@require_POST
def incident_acknowledge(request, pk: int):
    incident = get_object_or_404(
        incidents_visible_to(request.user).select_related("village", "worklog"), pk=pk
    )
    services.incident_acknowledge(incident=incident, by=request.user)
    messages.success(request, _("已确认知悉该事项。"))
    return redirect(_next_url(request, incident.get_absolute_url()))
