"""全辖区年度台账导出: the whole bureau's annual ledger (one sheet per village, `reports.county_ledgers`) built in the
background into a private file the bureau downloads later.

A city-year workbook takes about 15 s to write (openpyxl's time, benchmarks/README.md ²), too long for a page: the
page asks for an export (`ledger_export_request`), a Celery task builds it (`ledger_export_build`, ledger/tasks.py)
and the requester is notified with the download's link. Who sees which export: `ledger_exports_visible_to`.
"""

import logging
import tempfile
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from accounts.policy import scope_of
from common.replica import reading_from_replica
from notifications.services import notify
from villages.models import Bureau
from villages.selectors import bureaus_visible_to

from . import reports
from .models import LedgerExport
from .renderers import write_table

logger = logging.getLogger(__name__)

# An export waiting or being built longer than this lost its task (broker down, worker killed): it no longer holds
# the bureau's year, and a new request replaces it. Above the task's hard time limit (ledger/tasks.py), under the
# broker's one-hour visibility timeout after which a task of a dead worker is delivered again.
STALE_AFTER = timedelta(hours=1)

# Why an export failed, as the bureau reads it (the cause itself goes to the log).
FAILED_MESSAGE = gettext_lazy("生成台账工作簿时出错，请稍后重新导出；如仍失败，请联系系统管理员。")
TIMED_OUT_MESSAGE = gettext_lazy("生成台账工作簿超时，请稍后重新导出；如仍失败，请联系系统管理员。")
EMPTY_MESSAGE = gettext_lazy("该年度没有可列入台账的工作日志（只计已提交、已确认和已核查的日志）。")
LOST_MESSAGE = gettext_lazy("后台任务未能完成（已超过 1 小时），请重新导出。")
NOT_QUEUED_MESSAGE = gettext_lazy("无法提交后台任务，请稍后重新导出。")


# --- who sees what ---


def ledger_exports_visible_to(user) -> QuerySet[LedgerExport]:
    """Bureau roles see their bureau's exports (whoever asked for them); the superuser all; anyone else none."""
    return scope_of(user).filter(LedgerExport.objects.all(), bureau="bureau_id")


def get_ledger_export_for_user(user, pk: int) -> LedgerExport:
    return get_object_or_404(ledger_exports_visible_to(user).select_related("bureau"), pk=pk)


def export_bureaus(user) -> QuerySet[Bureau]:
    """The bureaus whose whole-bureau workbook the user may ask for: bureau roles their own, the superuser any."""
    scope = scope_of(user)
    if scope.is_operator or scope.is_bureau:
        return bureaus_visible_to(user)
    return Bureau.objects.none()


# --- asking for an export ---


def _stale() -> Q:
    cutoff = timezone.now() - STALE_AFTER
    return Q(status=LedgerExport.Status.QUEUED, created_at__lt=cutoff) | Q(
        status=LedgerExport.Status.RUNNING, started_at__lt=cutoff
    )


@transaction.atomic
def ledger_export_request(*, bureau: Bureau, year: int, by) -> tuple[LedgerExport, bool]:
    """Ask for `bureau`'s workbook of `year`: a new export, built once the transaction commits, or the one already
    waiting or being built for the same bureau and year (the database holds one at most). Returns the export and
    whether it is new."""
    if not export_bureaus(by).filter(pk=bureau.pk).exists():
        raise PermissionDenied
    pending = LedgerExport.objects.filter(bureau=bureau, year=year, status__in=LedgerExport.PENDING_STATUSES)
    pending.filter(_stale()).update(
        status=LedgerExport.Status.FAILED, error=str(LOST_MESSAGE), finished_at=timezone.now()
    )
    existing = pending.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # a savepoint: a concurrent request's row wins, and this one reads it
            export = LedgerExport.objects.create(bureau=bureau, year=year, requested_by=by)
    except IntegrityError:
        return pending.get(), False
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export, True


def _enqueue(export_id: int) -> None:
    """After the commit. A broker that cannot take the task fails the export at once, so it does not hold the
    bureau's year until it goes stale."""
    from .tasks import build_ledger_export

    try:
        build_ledger_export.delay(export_id)
    except Exception:
        logger.exception("Could not enqueue ledger export %s", export_id)
        LedgerExport.objects.filter(pk=export_id, status=LedgerExport.Status.QUEUED).update(
            status=LedgerExport.Status.FAILED, error=str(NOT_QUEUED_MESSAGE), finished_at=timezone.now()
        )


# --- building it (the task's work) ---


def _claim(export_id: int) -> bool:
    """Queued, or left running by a worker that died (acks_late gives its task back): taken by this run only."""
    now = timezone.now()
    claimable = Q(status=LedgerExport.Status.QUEUED) | Q(
        status=LedgerExport.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    return bool(
        LedgerExport.objects.filter(claimable, pk=export_id).update(
            status=LedgerExport.Status.RUNNING, started_at=now, error=""
        )
    )


class NothingToExport(Exception):
    """The year has no counted log in the bureau: no workbook to make."""


def _write_workbook(report: reports.Report, destination) -> int:
    """`renderers.render_xlsx` into a file rather than into memory: each table a sheet written in write-only mode
    as it is read; returns the number of sheets."""
    wb = Workbook(write_only=True)
    sheets = 0
    for table in report.tables:
        write_table(wb, table)
        sheets += 1
    if not sheets:
        raise NothingToExport
    wb.save(destination)
    return sheets


def ledger_export_build(*, export_id: int) -> LedgerExport:
    """Write the export's workbook to a temporary file, keep it in private storage and tell the requester. Any
    failure marks the export failed with a Chinese message (the cause goes to the log) and tells the requester too.
    An export already built, failed or being built by another run is left as it is."""
    claimed = _claim(export_id)
    export = LedgerExport.objects.select_related("bureau", "requested_by").get(pk=export_id)
    if not claimed:
        return export
    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as workbook:
            # The year's logs, the heavy read, from the replica when there is one; the export row from the primary.
            with reading_from_replica():
                sheets = _write_workbook(
                    reports.county_ledgers(bureau=export.bureau, year=export.year), workbook
                )
            workbook.seek(0)
            with transaction.atomic():
                export.file.save(
                    f"bureau{export.bureau_id}-{export.year}-{export.pk}.xlsx",
                    File(workbook, name="ledger.xlsx"),
                    save=False,
                )
                export.status = LedgerExport.Status.DONE
                export.sheets = sheets
                export.finished_at = timezone.now()
                export.save(update_fields=["file", "status", "sheets", "finished_at"])
                _notify_done(export)
    except NothingToExport:
        _fail(export, EMPTY_MESSAGE)
    except SoftTimeLimitExceeded:
        logger.exception("Ledger export %s timed out", export_id)
        _fail(export, TIMED_OUT_MESSAGE)
    except Exception:
        logger.exception("Ledger export %s failed", export_id)
        _fail(export, FAILED_MESSAGE)
    return export


def _fail(export: LedgerExport, message) -> None:
    with transaction.atomic():
        export.status = LedgerExport.Status.FAILED
        export.error = str(message)
        export.finished_at = timezone.now()
        # Only these fields: a file saved before the failure is not recorded (and never served).
        LedgerExport.objects.filter(pk=export.pk).update(
            status=export.status, error=export.error, finished_at=export.finished_at
        )
        _notify_failed(export)


def _notify_done(export: LedgerExport) -> None:
    notify(
        recipients=[export.requested_by],
        title=_("全辖区年度台账已生成"),
        body=_("%(bureau)s %(year)s年度工作台账（%(sheets)s 个村(居)）已生成，点击下载。")
        % {"bureau": export.bureau.name, "year": export.year, "sheets": export.sheets},
        url=reverse("ledger:export_download", args=[export.pk]),
        key=f"ledger-export:{export.pk}",
    )


def _notify_failed(export: LedgerExport) -> None:
    notify(
        recipients=[export.requested_by],
        title=_("全辖区年度台账导出失败"),
        body=_("%(bureau)s %(year)s年度工作台账未能生成：%(error)s")
        % {"bureau": export.bureau.name, "year": export.year, "error": export.error},
        url=reverse("ledger:export_list"),
        key=f"ledger-export:{export.pk}",
    )
