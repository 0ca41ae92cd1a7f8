"""An import's life: upload (checked, hashed, kept privately) → preview (every row applied in a transaction that is
rolled back) → confirm (applied again, kept only if no row fails: all or nothing) → login slips for the accounts it
made. Preview and confirmation run as Celery tasks (imports/tasks.py): in the request without REDIS_URL, in the
worker with it, the page showing the progress meanwhile.
"""

import hashlib
import logging
import secrets
import string
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import profile_of
from accounts.policy import scope_of
from accounts.security import password_set_by_admin
from audit.services import audit_event
from common.uploads import XLSX, clean_upload
from villages.models import Bureau

from . import roster
from .ledgers import ledger_import
from .models import ImportBatch
from .results import ImportResult
from .sheets import read_rows

logger = logging.getLogger(__name__)

IMPORT = "import"  # audit events: the upload, the confirmation, the login slips
FAILED_MESSAGE = _("导入时出错，数据未保存。请稍后重试；如仍失败，请联系系统管理员。")


def may_import(user) -> bool:
    """Only a bureau admin moves a bureau's data in."""
    return scope_of(user).is_bureau_admin


def import_bureau(user) -> Bureau:
    if not may_import(user):
        raise PermissionDenied
    return profile_of(user).bureau


# --- progress, shared with the page through the cache (the batch's row is inside the running transaction) ---


def _progress_key(batch_id: int) -> str:
    return f"imports:progress:{batch_id}"


def import_progress(batch: ImportBatch) -> int:
    return cache.get(_progress_key(batch.pk), batch.progress)


def _ticker(batch_id: int, total: int):
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 50 == 0 or done == total:
            cache.set(_progress_key(batch_id), min(99, 100 * done // max(total, 1)), 3600)

    return tick


# --- upload ---


def import_upload(*, user, kind: str, upload) -> ImportBatch:
    """Keep the workbook (checked by content: a macro-free .xlsx) and start its preview."""
    bureau = import_bureau(user)
    upload = clean_upload(upload, kinds=(XLSX,))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        bureau=bureau, kind=kind, filename=upload.name[:200], sha256=digest.hexdigest(), created_by=user
    )
    batch.file.save(f"bureau{bureau.pk}-{digest.hexdigest()[:16]}.xlsx", upload, save=False)
    batch.save()
    audit_event(
        IMPORT,
        user=user,
        obj=batch,
        detail=_("上传 %(name)s") % {"name": batch.filename},
        data={"sha256": batch.sha256, "kind": kind},
    )
    transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id: int) -> None:
    from .tasks import run_import

    try:
        run_import.delay(batch_id)
    except Exception:
        logger.exception("Could not enqueue import %s", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=str(FAILED_MESSAGE)
        )


# --- preview and confirmation (the task's work) ---


def _apply(batch: ImportBatch, *, commit: bool) -> ImportResult:
    with batch.file.open("rb") as handle:
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception:
            result = ImportResult()
            result.file_error(_("无法读取该文件，请确认是 Excel 工作簿（.xlsx）且未加密。"))
            return result
        if batch.kind == ImportBatch.Kind.LEDGER:
            return _apply_ledger(batch, wb, commit=commit)
        return _apply_roster(batch, wb, commit=commit)


def _apply_roster(batch: ImportBatch, wb, *, commit: bool) -> ImportResult:
    result = ImportResult()
    sheets = []
    for name, sheet in roster.SHEETS.items():
        if name not in wb.sheetnames:
            continue
        rows, missing = read_rows(wb[name], sheet.columns)
        for header in missing:
            result.file_error(_("缺少必填列“%(h)s”。") % {"h": header}, sheet=name, row=1, column=header)
        sheets.append((sheet, rows))
    if not sheets:
        names = "、".join(roster.SHEETS)
        result.file_error(
            _("工作簿中没有可导入的工作表（应为 %(names)s），请使用下载的模板。") % {"names": names}
        )
    if result.has_errors:
        return result
    tick = _ticker(batch.pk, sum(len(rows) for _s, rows in sheets))
    state = roster.load_state(batch.bureau, sheets)
    for sheet, rows in sheets:
        roster.apply_rows(state, sheet, rows, result.sheet(sheet.name), tick)
    if commit and not result.has_errors:
        result.account_ids = state.write()
    return result


def _apply_ledger(batch: ImportBatch, wb, *, commit: bool) -> ImportResult:
    tick = _ticker(batch.pk, len(wb.sheetnames))
    return ledger_import(bureau=batch.bureau, wb=wb, by=batch.created_by, commit=commit, tick=tick)


def import_run(*, batch_id: int) -> ImportBatch:
    """The task: the preview of a new batch, or the saving of a confirmed one."""
    batch = ImportBatch.objects.select_related("bureau", "created_by").get(pk=batch_id)
    if not batch.is_running:
        return batch
    commit = batch.status == ImportBatch.Status.CONFIRMING
    try:
        result = _apply(batch, commit=commit)
    except Exception:
        logger.exception("Import %s failed", batch_id)
        batch.status, batch.error = ImportBatch.Status.FAILED, str(FAILED_MESSAGE)
        batch.save(update_fields=["status", "error"])
        return batch
    batch.report = result.as_json()
    batch.progress = 100
    cache.delete(_progress_key(batch.pk))
    if result.has_errors:
        batch.status = ImportBatch.Status.INVALID
    elif commit:
        batch.status = ImportBatch.Status.DONE
        batch.account_ids = result.account_ids
        batch.confirmed_at = timezone.now()
        batch.file.delete(save=False)
        audit_event(
            IMPORT,
            user=batch.confirmed_by,
            obj=batch,
            detail=_("导入 %(name)s") % {"name": batch.filename},
            data={
                "sha256": batch.sha256,
                "created": batch.total("created"),
                "updated": batch.total("updated"),
                "unchanged": batch.total("unchanged"),
                "accounts": len(result.account_ids),
            },
        )
    else:
        batch.status = ImportBatch.Status.READY
    batch.save()
    return batch


def import_confirm(*, batch: ImportBatch, by) -> ImportBatch:
    """The clerk saw the preview and confirms: saved in the background, all rows or none."""
    if not may_import(by):
        raise PermissionDenied
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READY).update(
        status=ImportBatch.Status.CONFIRMING, confirmed_by=by, progress=0
    )
    if not updated:
        raise ValidationError(_("该导入不是待确认状态，不能确认（可能已经导入或有错误）。"))
    transaction.on_commit(lambda: _enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def import_cancel(*, batch: ImportBatch, by) -> None:
    if not may_import(by):
        raise PermissionDenied
    cancelled = ImportBatch.objects.filter(
        pk=batch.pk, status__in=(ImportBatch.Status.READY, ImportBatch.Status.INVALID)
    ).update(status=ImportBatch.Status.CANCELLED)
    if cancelled:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")


# --- login slips ---


@dataclass(frozen=True)
class LoginSlip:
    name: str
    role: str
    username: str
    password: str
    place: str


def _first_password() -> str:
    """12 characters with upper and lower case and digits, without look-alikes (0/O, 1/l/I) for a printed slip."""
    alphabet = [c for c in string.ascii_letters + string.digits if c not in "0O1lI"]
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@transaction.atomic
def login_slips_issue(*, batch: ImportBatch, by) -> list[LoginSlip]:
    """A new first password for each account the import made that has not logged in yet; it must be changed at the
    first login (accounts.security). Nothing is stored in clear: printing the slips again issues new passwords,
    and the earlier slips stop working."""
    if not may_import(by):
        raise PermissionDenied
    users = (
        get_user_model()
        .objects.filter(pk__in=batch.account_ids, last_login__isnull=True, is_active=True)
        .select_related("profile", "advisor", "liaison_village__township")
        .order_by("profile__role", "username")
    )
    slips = []
    for user in users:
        password = _first_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        password_set_by_admin(user=user)
        profile = user.profile
        place = ""
        if hasattr(user, "liaison_village"):
            place = f"{user.liaison_village.township.name}{user.liaison_village.name}"
        elif hasattr(user, "advisor"):
            place = user.advisor.firm.name
        slips.append(
            LoginSlip(profile.display_name, profile.get_role_display(), user.username, password, place)
        )
    audit_event(
        IMPORT,
        user=by,
        obj=batch,
        detail=_("打印登录单 %(n)s 份") % {"n": len(slips)},
        data={"accounts": [s.username for s in slips]},
    )
    return slips
