"""Thin Celery wrappers; the daily runs are deadline jobs (deadlines/dispatch.py), these are for a run by hand."""

from datetime import date

from celery import shared_task

from .services import resident_requests_erase, resident_requests_escalate


@shared_task
def escalate_resident_requests_task(on: str) -> dict:
    return resident_requests_escalate(on=date.fromisoformat(on))


@shared_task
def erase_resident_data_task(on: str) -> dict:
    return resident_requests_erase(on=date.fromisoformat(on))
