"""The payout sheet (补贴发放表) and the year-end report of a period: HTML preview, `?format=pdf` and `?format=xlsx`,
each made from one builder of `assessment.reports`.

The period is found through `get_period_for_user` (outside the scope: 404). The payout sheet is the bureau's (others
who see the period get 403); the report is the bureau's for the bureau and each township, and a justice office's
for its own township.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.once import OneTimeTokenForm, create_once
from common.params import parse_id
from common.replica import reads_from_replica
from ledger.renderers import report_download, report_format
from villages.selectors import townships_visible_to

from .. import reports
from ..models import ReviewPeriod
from ..selectors import get_period_for_user
from ..services import access, payout


def _is_bureau_of(user, period: ReviewPeriod) -> bool:
    return scope_of(user).is_operator or access.may_run_period(period, user)


# --- 补贴发放表 ---


class DeductionForm(OneTimeTokenForm):
    line = forms.ChoiceField(label=gettext_lazy("法律顾问及协议"))
    amount = forms.DecimalField(
        label=gettext_lazy("扣减金额(元)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(label=gettext_lazy("扣减原因"), max_length=200)

    def __init__(self, *args, lines, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.lines = {
            f"{line.review.pk}-{line.agreement.pk}": line for line in lines if not line.review.is_final
        }
        self.fields["line"].choices = [("", _("请选择"))] + [
            (key, f"{line.review.advisor.name} · {line.agreement.village.name}（{line.subsidy:.2f}元）")
            for key, line in self.lines.items()
        ]


def _payout_period(request: HttpRequest, pk: int) -> ReviewPeriod:
    period = get_period_for_user(request.user, pk)
    if not _is_bureau_of(request.user, period):
        raise PermissionDenied(_("补贴发放表由司法局工作人员查看。"))
    return period


@login_required
def payout_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    period = _payout_period(request, pk)
    fmt = report_format(request)
    sheet = reports.payout_sheet(period)
    if fmt != "html":
        return report_download(sheet.report, fmt)
    return _payout_page(request, period, sheet, DeductionForm(lines=sheet.lines))


def _payout_page(request, period, sheet, form, status: int = 200) -> HttpResponse:
    context = {
        "period": period,
        "sheet": sheet,
        "report": sheet.report,
        "tables": list(sheet.report.tables),
        "form": form if form.lines and not scope_of(request.user).is_operator else None,
    }
    return render(request, "assessment/payout_sheet.html", context, status=status)


@login_required
@require_POST
def payout_deduction_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A deduction from one agreement's payout, with its reason (review_add_deduction: before the tier is final)."""
    period = _payout_period(request, pk)
    sheet = reports.payout_sheet(period)
    form = DeductionForm(request.POST, lines=sheet.lines)
    if form.is_valid():
        line = form.lines[form.cleaned_data["line"]]
        try:
            create_once(
                user=request.user,
                token=form.token,
                create=lambda: payout.review_add_deduction(
                    review=line.review,
                    by=request.user,
                    agreement=line.agreement,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记补贴扣减。"))
            return redirect(reverse("assessment:payout_sheet", args=[period.pk]) + "#deduction")
    return _payout_page(request, period, sheet, form)


# --- 年度工作报告 ---


@login_required
@reads_from_replica
def year_report(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_for_user(request.user, pk)
    scope = scope_of(request.user)
    townships = townships_visible_to(request.user).filter(bureau_id=period.bureau_id).order_by("code")
    if _is_bureau_of(request.user, period):
        raw = request.GET.get("township", "")
        township = get_object_or_404(townships, pk=parse_id(raw)) if raw else None
    elif scope.is_office:
        township = get_object_or_404(townships, pk=scope.township_id)
        if request.GET.get("township", str(township.pk)) != str(township.pk):
            raise Http404
    else:
        raise PermissionDenied(_("工作报告由司法局和司法所工作人员查看。"))
    fmt = report_format(request)
    report = reports.year_report(period, township)
    if fmt != "html":
        return report_download(report, fmt)
    context = {
        "period": period,
        "report": report,
        "tables": list(report.tables),
        "township": township,
        "townships": townships if _is_bureau_of(request.user, period) else None,
    }
    return render(request, "assessment/report.html", context)
