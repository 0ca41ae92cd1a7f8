"""The advisor's phone home opens on the day's work: today's 驻点 village first and marked, and a 驻点 day of this
month passed without a visit logged is said (seed 003: each village publishes the advisor's 驻点时间; seed 001
二(二)6: on-site visits every month). "Today" is Monday 15 June 2026."""

from datetime import date

import pytest

from ledger.models import ServiceMode, WorkLog
from tests.factories import WorkLogFactory
from tests.web import text


@pytest.fixture
def onsite_days(village, second_village):
    village.onsite_hours = "每周一 9:00-12:00"
    village.save()
    second_village.onsite_hours = "每月第二个周三 14:30-17:30；每周五上午"
    second_village.save()


def _cards(page: str) -> list[str]:
    return [part.split("</h2>")[0] for part in page.split('class="card village-card')[1:]]


def test_todays_onsite_village_comes_first_and_is_marked_seed_003(
    client, advisor_user, second_agreement, onsite_days
):
    client.force_login(advisor_user)

    cards = _cards(text(client.get("/")))

    assert "王庄村" in cards[0] and "onsite-today" in cards[0] and "今天驻点" in cards[0]
    assert "李家村" in cards[1] and "今天驻点" not in cards[1]


def test_it_names_the_onsite_days_passed_without_a_visit_seed_001(
    client, advisor_user, agreement, second_agreement, onsite_days
):
    # 李家村: the second Wednesday (10 June) and the Fridays (5 and 12 June) have passed; a visit on the 12th.
    WorkLogFactory(agreement=second_agreement, service_date=date(2026, 6, 12), mode=ServiceMode.ONSITE)
    # A phone call on the 5th is no visit, nor a draft on the 10th.
    WorkLogFactory(agreement=second_agreement, service_date=date(2026, 6, 5), mode=ServiceMode.PHONE)
    WorkLogFactory(
        agreement=second_agreement,
        service_date=date(2026, 6, 10),
        mode=ServiceMode.ONSITE,
        status=WorkLog.Status.DRAFT,
    )
    # 王庄村: Mondays 1 and 8 June passed, both visited.
    for day in (1, 8):
        WorkLogFactory(agreement=agreement, service_date=date(2026, 6, day), mode=ServiceMode.ONSITE)
    client.force_login(advisor_user)

    page = text(client.get("/"))

    li_jia = page.split('id="village-' + str(second_agreement.village_id))[1].split("</section>")[0]
    assert "驻点未到" in li_jia and "6月5日、6月10日 是驻点日" in li_jia
    wang_zhuang = page.split('id="village-' + str(agreement.village_id))[1].split("</section>")[0]
    assert "驻点未到" not in wang_zhuang


def test_hours_in_no_known_form_name_no_day(client, advisor_user, village, agreement):
    village.onsite_hours = "逢集日上午，或电话预约"
    village.save()
    client.force_login(advisor_user)

    page = text(client.get("/"))

    card = page.split(f'id="village-{village.pk}"')[1].split("</section>")[0]
    assert "今天驻点" not in card and "驻点未到" not in card
    assert "逢集日上午，或电话预约" in card
