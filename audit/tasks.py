from celery import shared_task

from .services import audit_trail_purge


@shared_task(acks_late=True, time_limit=600)
def purge_audit_trail() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "audit-purge"): the entries older than AUDIT_RETENTION_DAYS."""
    return audit_trail_purge()
