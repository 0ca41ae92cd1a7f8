"""The justice office forwards the township's month to the bureau (seed 001 二(二): before the month's end): it sees
what is missing before it confirms, cannot forward a half-empty month before the advisors' due day, and can recall a
forwarding until the bureau has accepted it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ledger.models import TownshipLedger
from ledger.submissions import (
    ledger_submit,
    township_ledger_accept,
    township_ledger_forward,
    township_ledger_recall,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def test_it_refuses_forwarding_a_month_before_its_due_day_while_ledgers_are_missing_seed_001(
    office_user, township, agreement
):
    with at(2026, 6, 4, 9, 0), pytest.raises(ValidationError, match="截止日（6月25日）未到，还有 2 个村"):
        township_ledger_forward(by=office_user, township=township, year=2026, month=6)

    assert not TownshipLedger.objects.filter(forwarded_at__isnull=False).exists()


def test_it_forwards_before_the_due_day_once_every_village_is_in_seed_001(
    office_user, advisor_user, village, second_village, township
):
    with at(2026, 6, 20, 9, 0):
        for v in (village, second_village):
            ledger_submit(advisor_user=advisor_user, village=v, year=2026, month=6)
        ledger = township_ledger_forward(by=office_user, township=township, year=2026, month=6)

    assert ledger.forwarded_at is not None


def test_it_forwards_an_incomplete_month_after_the_due_day_seed_001(office_user, township, agreement):
    with at(2026, 6, 26, 9, 0):
        ledger = township_ledger_forward(by=office_user, township=township, year=2026, month=6)

    assert ledger.forwarded_at is not None


def test_the_confirmation_names_every_missing_village_before_forwarding(
    client, office_user, township, agreement
):
    client.force_login(office_user)
    forward = reverse("ledger:ledger_township_forward", args=[township.pk])

    with at(2026, 6, 26, 9, 0):
        page = client.get(forward, {"month": "2026-06"}).content.decode()

    assert "还有 2 个村(社区)的台账未报送" in page
    assert "王庄村（张明）" in page and "李家村（张明）" in page
    assert "确认报送司法局" in page
    assert not TownshipLedger.objects.exists()


def test_the_confirmation_says_why_an_early_month_cannot_be_forwarded(
    client, office_user, township, agreement
):
    client.force_login(office_user)
    forward = reverse("ledger:ledger_township_forward", args=[township.pk])

    with at(2026, 6, 4, 9, 0):
        page = client.get(forward, {"month": "2026-06"}).content.decode()
        response = client.post(forward, {"month": "2026-06"}, follow=True)

    assert "不能提前报送司法局" in page and "<button" not in page.split("missing-ledgers")[1]
    assert "不能提前报送司法局" in response.content.decode()
    assert not TownshipLedger.objects.filter(forwarded_at__isnull=False).exists()


def test_the_office_recalls_a_forwarding_until_the_bureau_accepts_it(
    client, office_user, bureau_admin_user, township, agreement
):
    client.force_login(office_user)
    args = [township.pk]
    with at(2026, 6, 26, 9, 0):
        client.post(reverse("ledger:ledger_township_forward", args=args), {"month": "2026-06"})
        client.post(reverse("ledger:ledger_township_recall", args=args), {"month": "2026-06"})
        assert TownshipLedger.objects.get().forwarded_at is None

        client.post(reverse("ledger:ledger_township_forward", args=args), {"month": "2026-06"})
        client.force_login(bureau_admin_user)
        client.post(reverse("ledger:ledger_township_accept", args=args), {"month": "2026-06"})
        client.force_login(office_user)
        response = client.post(
            reverse("ledger:ledger_township_recall", args=args), {"month": "2026-06"}, follow=True
        )

    ledger = TownshipLedger.objects.get()
    assert ledger.forwarded_at is not None and ledger.accepted_by == bureau_admin_user
    text = response.content.decode()
    assert "司法局已接收2026年6月的台账，不能撤回。" in text and "司法局已接收" in text


def test_the_bureau_sees_a_forwarding_with_missing_ledgers_as_incomplete(client, office_user, whole_map):
    w = whole_map
    with at(2026, 6, 26, 9, 0):
        township_ledger_forward(by=w.office_user, township=w.township, year=2026, month=6)
        client.force_login(w.bureau_admin_user)
        page = client.get(reverse("ledger:ledger_overview"), {"month": "2026-06"}).content.decode()

    assert "已报送（缺 2 村）" in page
    assert reverse("ledger:ledger_township_accept", args=[w.township.pk]) in page


def test_it_refuses_accepting_a_month_not_forwarded_or_by_the_office(
    office_user, bureau_admin_user, township, today
):
    with pytest.raises(ValidationError):
        township_ledger_accept(by=bureau_admin_user, township=township, year=2026, month=5)
    with pytest.raises(PermissionDenied):
        township_ledger_accept(by=office_user, township=township, year=2026, month=5)
    with pytest.raises(PermissionDenied):
        township_ledger_recall(by=bureau_admin_user, township=township, year=2026, month=5)
