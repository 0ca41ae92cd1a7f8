"""When the monthly rollup is refreshed (ledger/rollups.py): once per (township, month) per transaction, after it
commits, and only when a write changed what the rollup counts. A confirmation or a verification changes no count."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ledger import rollups
from ledger.models import ServiceType, WorkLog, WorkLogMonthly
from ledger.services import worklog_confirm, worklog_create, worklog_return, worklog_update, worklog_verify
from tests.factories import WorkLogFactory

from .test_rollups import log_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshes(monkeypatch) -> list[tuple[int, int, int]]:
    """The (township, year, month) of every refresh, in order; each still refreshes."""
    calls: list[tuple[int, int, int]] = []
    real = rollups.refresh_township_month

    def spy(township_id: int, year: int, month: int) -> None:
        calls.append((township_id, year, month))
        real(township_id, year, month)

    monkeypatch.setattr(rollups, "refresh_township_month", spy)
    return calls


def rollup_queries(queries) -> list[str]:
    table = WorkLogMonthly._meta.db_table
    return [q["sql"] for q in queries if table in q["sql"]]


def test_a_resubmitted_log_refreshes_each_month_it_touched_once_after_commit(
    advisor_user, office_user, village, township, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returned = worklog_create(by=advisor_user, data=log_data(village, date(2026, 4, 8)), submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        worklog_return(worklog=returned, by=office_user, reason="日期有误")
    refreshes.clear()

    # Moved to March with other service types and submitted: saves, types set, submit in one transaction.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        worklog_update(
            worklog=WorkLog.objects.get(pk=returned.pk),
            by=advisor_user,
            data=log_data(village, date(2026, 3, 30), "contract_review", "consultation", people=2),
            submit=True,
        )
        assert refreshes == []  # nothing before the commit

    assert callbacks
    assert refreshes == [(township.pk, 2026, 3)]  # April lost nothing counted: the log was returned there
    assert WorkLogMonthly.objects.get(township=township, year=2026, month=3, service_type=None).people == 2


def test_logs_of_one_township_month_in_one_transaction_refresh_it_once(
    advisor_user, village, second_village, township, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for day, where in ((1, village), (2, second_village), (3, village)):
            worklog_create(by=advisor_user, data=log_data(where, date(2026, 6, day)), submit=True)

    assert refreshes == [(township.pk, 2026, 6)]
    totals = WorkLogMonthly.objects.get(township=township, year=2026, month=6, service_type=None)
    assert totals.logs == 3


def test_confirming_and_verifying_a_log_refresh_nothing(
    advisor_user, liaison_user, office_user, village, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log = worklog_create(by=advisor_user, data=log_data(village, date(2026, 6, 3)), submit=True)
    refreshes.clear()
    before = set(WorkLogMonthly.objects.values_list("logs", "people", "hours", "onsite"))

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        worklog_confirm(worklog=WorkLog.objects.get(pk=log.pk), by=liaison_user)
        worklog_verify(worklog=WorkLog.objects.get(pk=log.pk), by=office_user)

    assert refreshes == []
    assert rollup_queries(queries.captured_queries) == []
    assert set(WorkLogMonthly.objects.values_list("logs", "people", "hours", "onsite")) == before


def test_a_draft_and_an_edit_of_nothing_counted_refresh_nothing(
    advisor_user, village, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = worklog_create(by=advisor_user, data=log_data(village, date(2026, 6, 2)))
        worklog_update(worklog=draft, by=advisor_user, data=log_data(village, date(2026, 5, 2), people=4))
    assert refreshes == []


def test_a_counted_logs_service_types_changed_refresh_its_month(
    agreement, township, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log = WorkLogFactory(agreement=agreement, service_date=date(2026, 6, 3), status="submitted")
    refreshes.clear()

    with django_capture_on_commit_callbacks(execute=True):
        log.service_types.set(list(ServiceType.objects.filter(code="mediation")))
        log.service_types.set(list(ServiceType.objects.filter(code="mediation")))  # the same: no change
    assert refreshes == [(township.pk, 2026, 6)]
    mediation = ServiceType.objects.get(code="mediation")
    assert WorkLogMonthly.objects.filter(township=township, service_type=mediation, logs=1).exists()


def test_a_rolled_back_write_refreshes_nothing(agreement, refreshes, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        WorkLogFactory(agreement=agreement, service_date=date(2026, 6, 3), status="submitted")
        raise RuntimeError("refused")
    assert refreshes == []
    assert not WorkLogMonthly.objects.exists()


def test_bulk_verify_is_one_transaction_that_refreshes_nothing(
    client, advisor_user, liaison_user, office_user, village, refreshes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ids = []
        for day in (1, 2, 3):
            log = worklog_create(by=advisor_user, data=log_data(village, date(2026, 6, day)), submit=True)
            worklog_confirm(worklog=log, by=liaison_user)
            ids.append(log.pk)
    refreshes.clear()
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/logs/verify/", {"ids": ids})

    assert response.status_code == 302
    assert WorkLog.objects.filter(pk__in=ids, status="verified").count() == 3
    assert refreshes == []
