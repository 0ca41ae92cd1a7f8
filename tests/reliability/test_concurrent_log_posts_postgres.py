"""On PostgreSQL, five phones posting the same log (one client_uuid) at the same moment: the first saves it, the
others wait on the unique client_uuid, find it saved and answer with its page. One log, no 500. Skipped on SQLite,
whose writers queue on the file (test_concurrent_log_posts_sqlite.py)."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from ledger.models import ServiceType, WorkLog

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_five_identical_log_posts_at_once_make_one_log_and_no_error(advisor_user, village):
    # A transactional test before this one may have flushed the service types the migrations load.
    consultation, _ = ServiceType.objects.get_or_create(code="consultation", defaults={"name": "法律咨询"})
    data = {
        "village": village.pk,
        "mode": "onsite",
        "service_date": "2026-06-15",
        "start_time": "08:30",
        "end_time": "09:40",
        "service_types": [consultation.pk],
        "object_kind": "person",
        "object_name": "王大爷",
        "people_served": "1",
        "content": "咨询宅基地继承问题。",
        "result": "已解答。",
        "client_uuid": str(uuid.uuid4()),
        "submit": "1",
    }
    clients = []
    for _ in range(5):
        client = Client(raise_request_exception=False)
        client.force_login(advisor_user)
        clients.append(client)
    together = threading.Barrier(5)
    statuses: list[int] = []

    def post(client: Client) -> None:
        try:
            together.wait(timeout=30)
            statuses.append(client.post("/logs/new/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302] * 5
    assert WorkLog.objects.count() == 1
