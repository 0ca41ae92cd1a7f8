"""Exactly once under concurrency: two runs of a job that do not see each other's rows still write each flag,
ledger mark and notification once, and send each once, because the database's unique constraints decide."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections, transaction

from deadlines import dispatch, services
from deadlines.models import Flag, JobRun
from deadlines.services import lectures, ledgers
from ledger.models import LedgerSubmission
from notifications import services as notification_services
from notifications.models import Notification, NotificationDelivery

from .conftest import lecture


def counts() -> dict[str, int]:
    return {
        "flags": Flag.objects.count(),
        "ledgers": LedgerSubmission.objects.count(),
        "notifications": Notification.objects.count(),
        "deliveries": NotificationDelivery.objects.count(),
        "emails": len(mail.outbox),
    }


@pytest.mark.django_db(transaction=True)
def test_a_second_run_blind_to_the_first_writes_and_sends_nothing_twice(district, monkeypatch):
    with transaction.atomic():
        services.mark_ledgers_overdue(on=date(2026, 3, 25))
    first = counts()
    assert first["emails"] == first["notifications"] == 4

    # As if the second run had read before the first committed: it believes every notification is new.
    monkeypatch.setattr(notification_services, "_existing_pairs", lambda keys: set())
    with transaction.atomic():
        services.mark_ledgers_overdue(on=date(2026, 3, 25))

    assert counts() == first


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "job, on", [("mark_ledgers_overdue", date(2026, 3, 25)), ("quarter_end_lectures", date(2026, 3, 31))]
)
def test_two_workers_running_a_job_at_once_write_everything_once(district, monkeypatch, job, on):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two connections cannot both be inside a write.")
    lecture(district.zhang_village, date(2026, 2, 10))
    with transaction.atomic():
        dispatch.run_job(dispatch.JOBS_BY_NAME[job], on)
    expected = counts()
    Flag.objects.all().delete()
    Notification.objects.all().delete()
    LedgerSubmission.objects.all().delete()
    mail.outbox.clear()

    # Both workers read, then both write: the barrier stands just before the job's first write.
    barrier = threading.Barrier(2, timeout=20)
    module, first_write = (
        (ledgers, "ledger_overdue_mark") if job == "mark_ledgers_overdue" else (lectures, "save_flags")
    )
    original = getattr(module, first_write)

    def after_reading(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, first_write, after_reading)
    outcomes, errors = [], []

    def worker():
        try:
            outcomes.append(dispatch.run_job(dispatch.JOBS_BY_NAME[job], on))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [o.status for o in outcomes] == ["ran", "ran"]
    assert counts() == expected
    assert JobRun.objects.filter(job=job, for_date=on).count() == 1
