"""The residents' daily jobs run through the deadlines dispatcher (the hourly beat), each once a day."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from consultations.models import ResidentRequest
from consultations.services import add_working_days
from consultations.tasks import erase_resident_data_task, escalate_resident_requests_task
from deadlines.dispatch import run_due_deadlines
from deadlines.models import JobRun
from tests.factories import ResidentRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_hourly_tick_escalates_after_midnight_of_the_due_day(agreement):
    resident_request = ResidentRequestFactory(
        agreement=agreement, due_at=datetime(2026, 6, 18, tzinfo=SHANGHAI)
    )

    run_due_deadlines(now=datetime(2026, 6, 17, 23, 10, tzinfo=SHANGHAI))
    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.OPEN

    run_due_deadlines(now=datetime(2026, 6, 18, 0, 10, tzinfo=SHANGHAI))
    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.ESCALATED
    assert JobRun.objects.filter(job="escalate_resident_requests", for_date=date(2026, 6, 17)).exists()
    assert JobRun.objects.filter(job="erase_resident_data", for_date=date(2026, 6, 17)).exists()


def test_run_deadlines_tells_what_the_residents_jobs_did(agreement):
    ResidentRequestFactory(agreement=agreement, due_at=datetime(2026, 6, 18, tzinfo=SHANGHAI))
    out = StringIO()

    with time_machine.travel(datetime(2026, 6, 18, 9, tzinfo=SHANGHAI), tick=False):
        call_command("run_deadlines", "--date", "2026-06-17", stdout=out)

    assert "群众留言逾期转司法所：1 条群众留言逾期未答复，已转司法所" in out.getvalue()


def test_the_tasks_are_thin_wrappers_over_the_services(agreement):
    ResidentRequestFactory(agreement=agreement, due_at=datetime(2026, 6, 18, tzinfo=SHANGHAI))

    assert escalate_resident_requests_task.delay("2026-06-17").get()["escalated"] == 1
    assert erase_resident_data_task.delay("2026-06-17").get()["erased"] == 0


def test_working_days_skip_the_weekend():
    friday = date(2026, 6, 19)

    assert add_working_days(friday, 1) == date(2026, 6, 22)
    assert add_working_days(friday, 2) == date(2026, 6, 23)
