"""The deadlines dashboard opens on the month that needs action: early in a month, last month while its ledgers are
missing or its township ledger is not forwarded (seed 001 二(二): ledgers by the 25th, the township's by the month's
end); those missing and late come first, in the clerk's words."""

from datetime import date

import pytest
import time_machine

from ledger.models import LedgerSubmission, TownshipLedger
from tests.web import text

from .conftest import at

pytestmark = pytest.mark.django_db

URL = "/deadlines/"


def test_early_in_a_month_it_opens_on_last_month_while_its_ledgers_are_missing_seed_001(client, district):
    d = district
    client.force_login(d.office_user)

    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        page = text(client.get(URL))

    assert "2026年11月台账：需要处理的事项" in page
    assert "乡镇台账未报送司法局" in page
    assert "2 个村(社区)逾期未报" in page
    assert "王庄村（张明）" in page and "李家村（张明）" in page
    assert "目前没有需要关注的村(社区)" not in page


def test_it_opens_on_this_month_once_last_month_is_in_and_forwarded_seed_001(client, district):
    d = district
    for village in (d.village, d.second_village):
        LedgerSubmission.objects.create(
            advisor=d.zhang, village=village, year=2026, month=11, submitted_at=at(date(2026, 11, 20))
        )
    TownshipLedger.objects.create(
        township=d.township, year=2026, month=11, forwarded_at=at(date(2026, 11, 28))
    )
    client.force_login(d.office_user)

    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        page = text(client.get(URL))

    assert "2026年12月台账：需要处理的事项" in page
    assert "这个月的台账没有逾期或未报送的。" in page


def test_a_month_can_be_asked_for(client, district):
    client.force_login(district.bureau_staff_user)

    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        page = text(client.get(URL, {"month": "2026-10"}))

    assert "2026年10月台账：需要处理的事项" in page
    assert "桃园街道" in page


def test_it_speaks_to_bureau_staff_without_naming_the_job_machinery(client, district):
    client.force_login(district.bureau_staff_user)

    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        page = text(client.get(URL))

    assert "自动提醒" in page
    assert "Celery" not in page and "worker" not in page and "beat" not in page
