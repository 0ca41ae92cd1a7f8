"""Thin Celery wrapper over the import's service."""

from celery import shared_task

from .services import import_run

# A city's roster (3,000 villages) takes seconds; a province's past ledgers longer than the default limits.
IMPORT_LIMITS = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(**IMPORT_LIMITS)
def run_import(batch_id: int) -> str:
    """Preview a new import, or save a confirmed one; returns its status."""
    return import_run(batch_id=batch_id).status
