"""Reliability: logs of one township saved at the same moment in two threads (two database connections)
on PostgreSQL refresh the township's month one after the other, so the monthly rollup counts each log once. Without
the township's lock both refreshes deleted the month before either inserted, and the month was counted twice.
SQLite serialises writers on the file: skipped there."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from ledger import rollups
from ledger.models import WorkLogMonthly
from tests.factories import WorkLogFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_refreshes_of_one_township_month_at_once_leave_one_set_of_rows(agreement, second_agreement):
    for day, on in ((date(2026, 6, 1), agreement), (date(2026, 6, 2), second_agreement)):
        WorkLogFactory(agreement=on, service_date=day, status="submitted")
    township_id = agreement.village.township_id
    both_inside = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            with transaction.atomic():
                both_inside.wait(timeout=10)  # both transactions open before either refreshes
                rollups.refresh_township_month(township_id, 2026, 6)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    totals = WorkLogMonthly.objects.filter(township_id=township_id, year=2026, month=6, service_type=None)
    assert sum(totals.values_list("logs", flat=True)) == 2
