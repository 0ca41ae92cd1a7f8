"""Run by test_concurrent_log_posts_sqlite.py in a fresh interpreter, on a file SQLite database (DATABASE_URL set
by the caller): five phones post the same log at the same moment. Prints the status codes and the rows as JSON."""

import json
import os
import threading
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PHONES = 5

with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
    call_command("migrate", verbosity=0)
    from ledger.models import ServiceType, WorkLog
    from tests.factories import (
        AgreementFactory,
        BureauFactory,
        TownshipFactory,
        VillageFactory,
        make_advisor_user,
    )

    bureau = BureauFactory()
    village = VillageFactory(township=TownshipFactory(bureau=bureau))
    user = make_advisor_user(bureau=bureau, username="advisor")
    AgreementFactory(advisor=user.advisor, village=village)
    data = {
        "village": village.pk,
        "mode": "onsite",
        "service_date": "2026-06-15",
        "start_time": "08:30",
        "end_time": "09:40",
        "service_types": [ServiceType.objects.get(code="consultation").pk],
        "object_kind": "person",
        "object_name": "王大爷",
        "object_phone": "13912345678",
        "people_served": "1",
        "content": "咨询宅基地继承问题。",
        "result": "已解答。",
        "client_uuid": str(uuid.uuid4()),
        "submit": "1",
    }
    clients = []
    for _ in range(PHONES):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    connection.close()

    together = threading.Barrier(PHONES)
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
    print(json.dumps({"statuses": sorted(statuses), "rows": WorkLog.objects.count()}))
