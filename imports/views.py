"""数据导入: the bureau admin downloads the template (or the roster in it), uploads a workbook, reads the preview,
confirms or cancels, and prints the login slips of the accounts made. Bureau admins only; anyone else, and any
import outside their bureau, 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.pagination import paginate
from common.uploads import XLSX, SafeFileField
from ledger.renderers import PDF_TYPE, XLSX_TYPE, attachment, render_pdf

from .models import ImportBatch
from .selectors import get_import_for_user, imports_visible_to
from .services import (
    import_bureau,
    import_cancel,
    import_confirm,
    import_progress,
    import_upload,
    login_slips_issue,
    may_import,
)
from .workbook import roster_workbook


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("导入内容"),
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportBatch.Kind.ROSTER,
    )
    file = SafeFileField(label=gettext_lazy("Excel 工作簿(.xlsx)"), kinds=(XLSX,))


def _require_admin(request: HttpRequest) -> None:
    """A bureau admin; the superuser (no bureau to import into) may look but not import; anyone else, 404."""
    if scope_of(request.user).is_operator and not may_import(request.user):
        raise PermissionDenied
    if not may_import(request.user):
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_upload(
                user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(batch)
    page = paginate(request, imports_visible_to(request.user).select_related("created_by__profile"))
    return render(request, "imports/index.html", {"form": form, "page": page})


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    content = roster_workbook(import_bureau(request.user), with_data=False)
    return attachment(content, "村居法律顾问-导入模板.xlsx", XLSX_TYPE)


@login_required
def roster_download(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    bureau = import_bureau(request.user)
    content = roster_workbook(bureau, with_data=True)
    return attachment(content, f"{bureau.name}-基础信息-{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for_user(request.user, pk)
    context = {"batch": batch, "progress": import_progress(batch) if batch.is_running else batch.progress}
    return render(request, "imports/detail.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for_user(request.user, pk)
    try:
        batch = import_confirm(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(batch)
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.DONE:
        messages.success(request, _("已导入。"))
    elif batch.status == ImportBatch.Status.INVALID:
        messages.error(request, _("导入时发现错误，数据未保存，请按下面的错误修改后重新上传。"))
    return redirect(batch)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_for_user(request.user, pk)
    import_cancel(batch=batch, by=request.user)
    messages.info(request, _("已取消本次导入，未保存任何数据。"))
    return redirect("imports:index")


@login_required
@require_POST
def login_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: printing the slips gives the accounts new first passwords (they are stored nowhere in clear)."""
    batch = get_import_for_user(request.user, pk)
    if batch.status != ImportBatch.Status.DONE:
        raise Http404
    slips = login_slips_issue(batch=batch, by=request.user)
    if not slips:
        messages.info(request, _("本次导入新建的账号都已登录过，没有需要打印的登录单。"))
        return redirect(batch)
    pdf = render_pdf(
        "imports/pdf/login_slips.html", {"slips": slips, "batch": batch, "site": request.get_host()}
    )
    response = attachment(pdf, f"登录单-{batch.pk}.pdf", PDF_TYPE)
    response["Cache-Control"] = "no-store"
    return response
