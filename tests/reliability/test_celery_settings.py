"""Celery reliability: late acknowledgement, a task given back when its worker dies, one task at a time per
worker process, time limits, retries with backoff on the tasks that talk to the outside, no ETA beyond an hour, tasks
enqueued after commit, one beat."""

import re
from pathlib import Path

import pytest
from django.db import transaction

from config.celery_app import app
from deadlines import tasks as deadline_tasks
from notifications import tasks as notification_tasks
from tests.test_settings import PROJECT_ROOT

APPS = [
    "accounts",
    "advisors",
    "assessment",
    "audit",
    "common",
    "deadlines",
    "demo",
    "ledger",
    "notifications",
    "publicity",
    "villages",
]


def test_celery_acknowledges_late_and_gives_tasks_back_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_celery_tasks_have_time_limits_under_the_brokers_visibility_timeout():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit < visibility
    for task in (deadline_tasks.run_due_deadlines_task, deadline_tasks.run_deadlines_task):
        assert 0 < task.soft_time_limit < task.time_limit < visibility


def test_celery_retries_deliveries_with_backoff_never_beyond_an_hour():
    assert notification_tasks.deliver_notification.max_retries >= 3
    waits = [
        notification_tasks.retry_countdown(n)
        for n in range(notification_tasks.MAX_RETRIES)
        for _ in range(20)
    ]
    assert max(waits) <= notification_tasks.RETRY_BACKOFF_MAX < 3600


def _python_sources():
    for name in APPS:
        for path in (PROJECT_ROOT / name).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_task_is_scheduled_more_than_an_hour_ahead():
    """No literal ETA or countdown anywhere: a countdown longer than the visibility timeout is delivered twice."""
    offences = []
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        offences += [f"{path}: eta=" for _ in re.findall(r"\beta\s*=", text)]
        for seconds in re.findall(r"countdown\s*=\s*(\d+)", text):
            if int(seconds) > 3600:
                offences.append(f"{path}: countdown={seconds}")
    assert offences == []


@pytest.mark.django_db
def test_tasks_are_enqueued_after_the_transaction_commits(django_capture_on_commit_callbacks, advisor_user):
    """A delivery task that starts before its notification row is committed would find nothing."""
    from notifications.models import NotificationDelivery
    from notifications.services import notify

    advisor_user.email = "advisor@example.cn"
    advisor_user.save()

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notify(recipients=[advisor_user], title="测试", body="正文", url="/")

    assert len(callbacks) == 1  # the e-mail delivery, held until commit
    assert NotificationDelivery.objects.get().status == NotificationDelivery.Status.PENDING


def test_exactly_one_beat_runs():
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert len(re.findall(r'"celery", "-A", "config", "beat"', compose)) == 1
    assert re.search(r"beat:\n(?:    .*\n)*    deploy: \{replicas: 1\}", compose)
    assert Path(PROJECT_ROOT / "README.md").read_text(encoding="utf-8").count("exactly one") >= 1
