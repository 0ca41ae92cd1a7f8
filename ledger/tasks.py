"""Thin Celery wrappers over the ledger's services."""

from celery import shared_task

from .exports import ledger_export_build
from .services import incidents_escalate

# A city-year workbook takes about 15 s; a province-sized bureau, or a busy machine, longer than the default
# limits (CELERY_TASK_SOFT_TIME_LIMIT). Well under the broker's one-hour visibility timeout and exports.STALE_AFTER.
EXPORT_LIMITS = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(**EXPORT_LIMITS)
def build_ledger_export(export_id: int) -> str:
    """Build one whole-bureau ledger export; returns its status. Not retried: a failure is recorded on the export
    and told to the requester, who asks again; a worker lost mid-run gives the task back (acks_late), and the run
    that gets it takes the export over once it is stale (ledger.exports._claim)."""
    return ledger_export_build(export_id=export_id).status


@shared_task
def escalate_incidents() -> int:
    """Every 15 minutes: incidents not acknowledged in time are told to the bureau (once each)."""
    return incidents_escalate()["escalated"]
