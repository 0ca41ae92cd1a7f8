"""Thin Celery wrappers over deadlines.dispatch; the beat schedule is CELERY_BEAT_SCHEDULE in config/settings.py."""

from datetime import date

from celery import shared_task

from .dispatch import JOBS_BY_NAME, run_deadlines, run_due_deadlines, run_job

# A month end over a whole city takes longer than the default limits (CELERY_TASK_SOFT_TIME_LIMIT); well under the
# broker's one-hour visibility timeout. A job cut short is recorded as failed and tried again at the next tick.
JOB_LIMITS = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(**JOB_LIMITS)
def run_due_deadlines_task() -> list[str]:
    """Hourly: today's jobs whose time has come, and any day missed in the catch-up window."""
    return [outcome.describe() for outcome in run_due_deadlines()]


@shared_task(**JOB_LIMITS)
def run_deadlines_task(on: str, force: bool = False) -> list[str]:
    """Every job due on one date (ISO format), e.g. enqueued by hand to catch up a day outside the window."""
    return [outcome.describe() for outcome in run_deadlines(date.fromisoformat(on), force=force)]


@shared_task(**JOB_LIMITS)
def run_job_task(job: str, on: str) -> dict:
    """One job for one date, now: returns the job's result."""
    outcome = run_job(JOBS_BY_NAME[job], date.fromisoformat(on))
    return {"status": outcome.status, "result": outcome.result, "error": outcome.error}
