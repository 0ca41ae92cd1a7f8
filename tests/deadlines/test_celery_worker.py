"""A real Celery worker, in a thread of this process, against Redis: it runs a deadline job from the queue, and the
job's notifications go out through the same broker, a failing channel retried through it.

Redis: TEST_REDIS_URL (CI sets redis://127.0.0.1:6379/15 and must run this test), else redis://127.0.0.1:6379/15
when reachable, else skipped.
"""

import os
import time
from datetime import date

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

import deadlines.tasks  # noqa: F401  (shared tasks register with every app finalized after their import)
import notifications.tasks  # noqa: F401
from config.celery_app import app as project_app
from deadlines.models import Flag, JobRun
from notifications.models import NotificationDelivery

from .channels import FlakySmsChannel

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# A queue of its own, per run: no other worker (another checkout's tests on the same Redis) takes its tasks.
QUEUE = f"cunju-deadlines-worker-test-{os.getpid()}"


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        return url  # required: a missing Redis fails the test rather than skipping it
    try:
        redis.Redis.from_url(DEFAULT_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("Redis 不可用：设置 TEST_REDIS_URL 以运行真实 worker 测试。")
    return DEFAULT_REDIS_URL


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's own database connection, so the test database can be flushed and dropped afterwards.
    connections.close_all()


@pytest.fixture
def worker_app(monkeypatch):
    """A Celery app like the project's but on Redis and not eager, with a worker consuming a queue of its own."""
    url = redis_url()
    app = Celery("cunju-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_always_eager=False,
        task_default_queue=QUEUE,
        result_expires=300,
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
        broker_connection_retry_on_startup=False,
    )
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # Django's system checks have run already
    with app.connection_for_write() as connection:  # what an interrupted run may have left in the queue
        connection.default_channel.queue_declare(QUEUE)
        connection.default_channel.queue_purge(QUEUE)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
            yield app
    finally:
        task_postrun.disconnect(_close_worker_connections)
        # start_worker made the test app the current one; the other tests run eagerly on the project's.
        project_app.set_current()
        project_app.set_default()


def wait_for(condition, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_deadline_job_and_delivers_its_notifications(district, worker_app, settings):
    settings.NOTIFICATION_CHANNELS = [
        "notifications.channels.EmailChannel",
        "tests.deadlines.channels.FlakySmsChannel",
    ]
    settings.NOTIFICATION_RETRY_BACKOFF = 0  # retry at once through the broker, not after 30 s
    FlakySmsChannel.failures, FlakySmsChannel.sent = 1, []
    task = worker_app.tasks["deadlines.tasks.run_job_task"]

    outcome = task.delay("mark_ledgers_overdue", "2026-03-25").get(timeout=30)

    assert outcome["status"] == "ran", outcome
    assert outcome["result"]["overdue"] == 3
    assert Flag.objects.filter(kind=Flag.Kind.LEDGER_OVERDUE, period="2026-03").count() == 3
    run = JobRun.objects.get(job="mark_ledgers_overdue", for_date=date(2026, 3, 25))
    assert run.finished_at is not None and run.error == ""

    deliveries = NotificationDelivery.objects.all()
    assert wait_for(lambda: deliveries.count() == 8 and not deliveries.exclude(status="sent").exists()), list(
        deliveries.values_list("channel", "status", "attempts", "last_error")
    )
    assert len(mail.outbox) == 4
    assert sorted(deliveries.filter(channel="sms").values_list("attempts", flat=True)) == [1, 1, 1, 2]
