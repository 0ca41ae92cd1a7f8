"""司法所年度工作总结: the office files and edits its township's summary of a year; the bureau reads every one."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from audit.files import private_file_response
from common.once import create_once
from common.params import MAX_YEAR, MIN_YEAR

from .. import services
from ..forms import WorkSummaryCreateForm, WorkSummaryEditForm, attach_errors
from ..selectors import work_summaries_visible_to, work_summary_default_year, work_summary_townships


def _year(value, default: int) -> int:
    year = (
        int(value)
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 4
        else 0
    )
    return year if MIN_YEAR <= year <= MAX_YEAR else default


@login_required
def work_summary_list(request):
    """The townships the user reads, each with its summary of the year (or none yet)."""
    default = work_summary_default_year(timezone.localdate())
    year = _year(request.GET.get("year"), default)
    townships = list(work_summary_townships(request.user).select_related("bureau").order_by("code"))
    if not townships:
        raise Http404
    filed = {s.township_id: s for s in work_summaries_visible_to(request.user).filter(year=year)}
    context = {
        "year": year,
        "years": range(default, default - 4, -1),
        "rows": [(township, filed.get(township.pk)) for township in townships],
    }
    return render(request, "ledger/work_summary_list.html", context)


@login_required
def work_summary(request, township: int, year: int):
    """A township's summary of a year: read by its bureau and office; filed and edited by the office."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    township = get_object_or_404(work_summary_townships(request.user), pk=township)
    summary = (
        work_summaries_visible_to(request.user)
        .select_related("filed_by__profile")
        .filter(township=township, year=year)
        .first()
    )
    writes = scope_of(request.user).is_office_of(township.pk)
    form = None
    if writes:
        # The filing form sent again once the summary exists (a double tap) is still the filing form: its token
        # gives back the summary it made.
        edits = summary is not None and (request.method != "POST" or "version" in request.POST)
        form_class, kwargs = (
            (WorkSummaryEditForm, {"instance": summary}) if edits else (WorkSummaryCreateForm, {})
        )
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if edits:
                        services.work_summary_update(
                            summary=summary, by=request.user, text=data["text"], file=data["file"] or None
                        )
                    else:
                        create_once(
                            user=request.user,
                            token=form.token,
                            create=lambda: services.work_summary_create(
                                by=request.user,
                                township=township,
                                year=year,
                                text=data["text"],
                                file=data["file"] or None,
                            ),
                        )
                except ValidationError as error:
                    attach_errors(form, error)
                else:
                    messages.success(request, _("工作总结已保存。"))
                    return redirect("ledger:work_summary", township.pk, year)
        else:
            form = form_class(**kwargs)
    elif request.method == "POST":  # the bureau reads the summaries; only the township's office writes
        raise PermissionDenied(_("只有本乡镇司法所可以提交工作总结。"))
    context = {"township": township, "year": year, "summary": summary, "form": form}
    return render(request, "ledger/work_summary.html", context)


@login_required
def work_summary_file(request, name: str):
    """A summary's file (private storage), to those who read the summary; a download under a name of ours."""
    summary = get_object_or_404(
        work_summaries_visible_to(request.user).select_related("township"), file=f"work-summaries/{name}"
    )
    suffix = PurePath(summary.file.name).suffix.lower()
    return private_file_response(
        summary.file, download_name=f"{summary.township.name}{summary.year}年工作总结{suffix}"
    )
