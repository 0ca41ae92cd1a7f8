"""全辖区年度台账导出: the bureau asks for its whole year's workbook (one sheet per village), built in the background
(ledger/exports.py), and downloads it here once done. Bureau roles and the superuser only; anyone else, and any
export outside the user's scope, 404.
"""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import EXPORT, audit_event
from common.pagination import paginate
from villages.models import Bureau

from ..exports import (
    export_bureaus,
    get_ledger_export_for_user,
    ledger_export_request,
    ledger_exports_visible_to,
)
from ..models import LedgerExport
from ..renderers import XLSX_TYPE

FIRST_YEAR = 2000


class LedgerExportForm(forms.Form):
    """The year, and the bureau for a user who may ask for more than one (the superuser)."""

    bureau = forms.ModelChoiceField(
        label=gettext_lazy("司法局"), queryset=Bureau.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=gettext_lazy("年度"))

    def __init__(self, *args, bureaus, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_year = this_year
        self.fields["year"].initial = this_year
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=this_year)
        if len(bureaus) == 1:
            self.only_bureau = bureaus[0]
            del self.fields["bureau"]
        else:
            self.only_bureau = None
            self.fields["bureau"].queryset = Bureau.objects.filter(pk__in=[b.pk for b in bureaus]).order_by(
                "name"
            )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= self.this_year:
            raise forms.ValidationError(
                _("请填写 %(first)s 至 %(last)s 之间的年度。") % {"first": FIRST_YEAR, "last": self.this_year}
            )
        return year

    def chosen_bureau(self) -> Bureau:
        return self.only_bureau or self.cleaned_data["bureau"]


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """The bureau's exports, newest first, and the form asking for another."""
    bureaus = list(export_bureaus(request.user))
    if not bureaus:
        raise Http404
    this_year = timezone.localdate().year
    data = request.POST if request.method == "POST" else None
    form = LedgerExportForm(data, bureaus=bureaus, this_year=this_year)
    if request.method == "POST" and form.is_valid():
        bureau, year = form.chosen_bureau(), form.cleaned_data["year"]
        export, created = ledger_export_request(bureau=bureau, year=year, by=request.user)
        names = {"bureau": bureau.name, "year": year}
        if created:
            messages.success(
                request,
                _("已开始生成%(bureau)s %(year)s年度工作台账，完成后会通知您，也可在本页下载。") % names,
            )
        else:
            messages.info(
                request, _("%(bureau)s %(year)s年度工作台账已在生成中，完成后可在本页下载。") % names
            )
        return redirect("ledger:export_list")
    exports = ledger_exports_visible_to(request.user).select_related("bureau", "requested_by__profile")
    page = paginate(request, exports)
    context = {
        "form": form,
        "page": page,
        "any_pending": any(export.status in LedgerExport.PENDING_STATUSES for export in page.object_list),
        "many_bureaus": len(bureaus) > 1,
        "pending": LedgerExport.PENDING_STATUSES,
    }
    return render(request, "ledger/exports.html", context)


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The workbook of a finished export, to whoever sees the export; recorded in the audit trail as an export."""
    export = get_ledger_export_for_user(request.user, pk)
    if export.status != LedgerExport.Status.DONE or not export.file:
        raise Http404
    response = FileResponse(export.file.open("rb"), content_type=XLSX_TYPE)
    # As every other download of a form (ledger.renderers.attachment): the Chinese name, an ASCII fallback.
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(export.filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit_event(
        EXPORT, obj=export, detail=export.filename, data={"format": "xlsx", "bureau": export.bureau_id}
    )
    return response
