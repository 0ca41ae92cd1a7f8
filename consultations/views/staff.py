"""The advisor's and the staff's side: the requests in scope, answering and closing one (which drafts the log),
and the residents' ratings with the 回访 list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Satisfaction
from common.pagination import paginate
from ledger.forms import attach_errors

from ..forms import CloseForm
from ..models import ResidentRating, ResidentRequest
from ..selectors import (
    get_resident_request_for_user,
    may_close,
    may_read,
    may_visit_back,
    resident_phone_for,
    resident_ratings_visible_to,
    resident_requests_visible_to,
)
from ..services import resident_request_close


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    if not may_read(request.user):
        raise PermissionDenied(_("只有法律顾问、司法所和司法局可以查看群众留言。"))
    requests = resident_requests_visible_to(request.user).select_related("village__township", "advisor")
    status = request.GET.get("status", "")
    if status in ResidentRequest.Status.values:
        requests = requests.filter(status=status)
    elif status != "all":
        status = ""
        requests = requests.filter(status__in=ResidentRequest.OPEN_STATUSES)
    # Open requests by due time (the most urgent first); the others newest first.
    ordering = (
        ("due_at", "pk") if not status or status in ResidentRequest.OPEN_STATUSES else ("-created_at", "-pk")
    )
    page = paginate(request, requests.order_by(*ordering))
    rows = [(r, resident_phone_for(request.user, r)) for r in page.object_list]
    context = {"page": page, "rows": rows, "status": status, "statuses": ResidentRequest.Status.choices}
    return render(request, "consultations/request_list.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident_request = get_resident_request_for_user(request.user, pk)
    form = CloseForm() if may_close(request.user, resident_request) else None
    return _detail(request, resident_request, form)


def _detail(request, resident_request, form, status: int = 200) -> HttpResponse:
    context = {
        "req": resident_request,
        "phone": resident_phone_for(request.user, resident_request),
        "form": form,
        "rating": ResidentRating.objects.filter(request=resident_request).first(),
    }
    return render(request, "consultations/request_detail.html", context, status=status)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    resident_request = get_resident_request_for_user(request.user, pk)
    if not resident_request.is_open:
        messages.info(request, _("该留言已办结。"))
        return redirect(resident_request)
    if not may_close(request.user, resident_request):
        raise PermissionDenied(_("只有该村(居)的法律顾问，或逾期后所在乡镇司法所，可以办结留言。"))
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            closed = resident_request_close(
                resident_request=resident_request, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if closed.worklog_id:
                messages.success(request, _("已办结。工作日志草稿已生成，请核对后提交。"))
                return redirect("ledger:worklog_edit", pk=closed.worklog_id)
            messages.success(request, _("已办结。"))
            return redirect(closed)
    return _detail(request, resident_request, form, status=200)


@login_required
def rating_list(request: HttpRequest) -> HttpResponse:
    if not may_read(request.user):
        raise PermissionDenied(_("只有法律顾问、司法所和司法局可以查看群众评价。"))
    ratings = resident_ratings_visible_to(request.user).select_related("village__township", "advisor")
    chosen = request.GET.get("satisfaction", "")
    if chosen in Satisfaction.values:  # anything else: every rating
        ratings = ratings.filter(satisfaction=chosen)
    else:
        chosen = ""
    context = {
        "page": paginate(request, ratings.order_by("-created_at", "-pk")),
        "may_visit": may_visit_back(request.user),
        "chosen": chosen,
    }
    return render(request, "consultations/rating_list.html", context)
