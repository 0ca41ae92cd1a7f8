"""Reliability, for real: two people confirm the same log at the same moment in two threads (two database
connections) on PostgreSQL. The row lock makes the second wait for the first, then see the log confirmed and be
refused: exactly one transition. SQLite has no row locks (it serialises writers on the file): skipped there."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ledger.models import WorkLog, WorkLogEvent
from ledger.services import worklog_confirm
from tests.factories import WorkLogFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_people_confirming_one_log_at_once_make_exactly_one_confirmation(
    agreement, liaison_user, office_user
):
    worklog = WorkLogFactory(agreement=agreement, status="submitted")
    loaded = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(user) -> None:
        try:
            stale = WorkLog.objects.get(pk=worklog.pk)  # both requests load the submitted log
            loaded.wait(timeout=10)  # before either writes
            worklog_confirm(worklog=stale, by=user)
            outcomes.append("confirmed")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in (liaison_user, office_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["confirmed", "只有已提交的日志可以确认。"])
    confirmations = WorkLogEvent.objects.filter(
        worklog=worklog,
        action__in=[WorkLogEvent.Action.CONFIRMED, WorkLogEvent.Action.CONFIRMED_ON_BEHALF],
    )
    assert confirmations.count() == 1
