"""Work done after a month's ledger went in (the 26th–31st after a ledger sent by the 25th) is an ordinary log of
its month, listed where the bureau's rule says: on the next month's ledger (the default) or on the month's 补报清单
(seed 001 附件3: 台账每月25日前报服务地司法所，司法所当月底前汇总上报). Issue 14 item 9."""

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from ledger.models import ServiceMode, ServiceType, WorkLog
from ledger.services import WorkLogInput, worklog_create
from ledger.submissions import ledger_submit, township_ledger_forward
from villages.models import LateWorkListing

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def file_log(advisor_user, village, day: date, name: str) -> WorkLog:
    values = {
        "service_date": day,
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "mode": ServiceMode.ONSITE,
        "object_name": name,
        "object_situation": "本村村民",
        "object_phone": "",
        "content": "咨询土地承包问题。",
        "result": "已解答。",
    }
    data = WorkLogInput(
        village=village, service_types=list(ServiceType.objects.filter(code="consultation")), values=values
    )
    return worklog_create(by=advisor_user, data=data, submit=True)


@pytest.fixture
def june(advisor_user, village, agreement):
    """A June log of the 20th, the ledger sent on the 25th, then a log of the 28th filed on the 29th."""
    with at(2026, 6, 21, 9):
        file_log(advisor_user, village, date(2026, 6, 20), "周二十")
    with at(2026, 6, 25, 9):
        ledger_submit(advisor_user=advisor_user, village=village, year=2026, month=6)
    with at(2026, 6, 29, 9):
        late = file_log(advisor_user, village, date(2026, 6, 28), "吴二八")
    return late


def test_001_a_log_of_the_28th_after_the_ledger_is_an_ordinary_log_and_one_of_the_20th_a_correction(
    advisor_user, village, june
):
    assert not june.is_correction
    with at(2026, 6, 29, 10):
        correction = file_log(advisor_user, village, date(2026, 6, 20), "郑补录")
    assert correction.is_correction


def test_001_by_default_the_28th_is_listed_on_julys_ledger_not_junes(client, advisor_user, village, june):
    with at(2026, 7, 2, 9):
        client.force_login(advisor_user)
        june_page = client.get(f"/logs/ledgers/village/{village.pk}/", {"month": "2026-06"}).content.decode()
        july_page = client.get(f"/logs/ledgers/village/{village.pk}/", {"month": "2026-07"}).content.decode()
    assert "本月台账报送后的服务（计入次月台账）" in june_page and 'id="late-list-h"' not in june_page
    assert "上月6月25日后服务记录（计入本月台账）" in july_page and "吴二八" in july_page


def test_001_with_a_late_list_the_28th_is_on_junes_late_list_and_not_on_july(
    client, advisor_user, office_user, village, township, bureau, june
):
    bureau.late_work_listing = LateWorkListing.LATE_LIST
    bureau.save(update_fields=["late_work_listing"])
    with at(2026, 7, 2, 9):
        client.force_login(advisor_user)
        june_page = client.get(f"/logs/ledgers/village/{village.pk}/", {"month": "2026-06"}).content.decode()
        july_page = client.get(f"/logs/ledgers/village/{village.pk}/", {"month": "2026-07"}).content.decode()
    assert 'id="late-list-h"' in june_page and "吴二八" in june_page
    assert "吴二八" not in july_page
    with at(2026, 6, 30, 9):
        client.force_login(office_user)
        office_page = client.get(
            f"/logs/ledgers/township/{township.pk}/", {"month": "2026-06"}
        ).content.decode()
        workbook = client.get(
            "/logs/reports/township-month/",
            {"township": township.pk, "year": 2026, "month": 6, "format": "xlsx"},
        )
    assert "补报清单" in office_page and "吴二八" in office_page
    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert "补报清单" in sheets


def test_001_the_next_months_summary_carries_the_28th_by_default(client, office_user, township, june):
    with at(2026, 7, 2, 9):
        client.force_login(office_user)
        workbook = client.get(
            "/logs/reports/township-month/",
            {"township": township.pk, "year": 2026, "month": 7, "format": "xlsx"},
        )
    book = load_workbook(io.BytesIO(workbook.content))
    assert "上月报送后服务" in book.sheetnames
    values = [cell.value for row in book["上月报送后服务"].iter_rows() for cell in row]
    assert "吴二八" in values


def test_a_forwarded_month_keeps_the_rule_it_was_forwarded_under_and_an_open_one_follows_the_setting(
    client, advisor_user, office_user, village, township, bureau, june
):
    """A change of setting re-judges open periods, never finalized ones (issue 14)."""
    with at(2026, 6, 30, 9):
        township_ledger_forward(by=office_user, township=township, year=2026, month=6)
    bureau.late_work_listing = LateWorkListing.LATE_LIST
    bureau.save(update_fields=["late_work_listing"])
    with at(2026, 7, 2, 9):
        client.force_login(advisor_user)
        june_page = client.get(f"/logs/ledgers/village/{village.pk}/", {"month": "2026-06"}).content.decode()
    assert "本月台账报送后的服务（计入次月台账）" in june_page and 'id="late-list-h"' not in june_page
