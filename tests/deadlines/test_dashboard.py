"""The deadlines dashboard: the bureau sees its district, an office its township, nobody else anything; in a fixed
number of queries whatever the number of villages."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines import services
from ledger.models import LedgerSubmission, TownshipLedger
from tests.factories import AgreementFactory, VillageFactory
from tests.web import names, queries_of, rows, text

from .conftest import END, START, at, lecture, log

pytestmark = pytest.mark.django_db

URL = "/deadlines/"


@pytest.fixture
def march(district):
    """27 March 2026, two days after the ledger's due day, with the 25th's overdue job run."""
    d = district
    LedgerSubmission.objects.create(
        advisor=d.zhang, village=d.village, year=2026, month=3, submitted_at=at(date(2026, 3, 24))
    )
    LedgerSubmission.objects.create(
        advisor=d.li, village=d.other_township_village, year=2026, month=3, submitted_at=at(date(2026, 3, 26))
    )
    log(d.zhang_village, date(2026, 3, 5), hours="9.00")
    lecture(d.zhang_village, date(2026, 2, 10))
    TownshipLedger.objects.create(
        township=d.other_township, year=2026, month=3, forwarded_at=at(date(2026, 3, 26))
    )
    services.mark_ledgers_overdue(on=date(2026, 3, 25))
    with time_machine.travel(at(date(2026, 3, 27)), tick=False):
        yield d


def test_the_bureau_sees_every_village_of_its_district_with_its_ledger_and_work(client, march):
    client.force_login(march.bureau_admin_user)

    response = client.get(URL + "?show=all")

    assert response.status_code == 200
    assert names(response, 0) == ["柳林镇", "桃园街道"]
    villages = {cells[0]: cells for cells in rows(response, 1)}
    assert set(villages) == {"王庄村", "李家村", "张湾村", "桃园社区"}  # not the other bureau's 石桥村
    assert villages["王庄村"][2:7] == ["张明", "按时报送 3月24日", "1/1", "9/8", "1/1"]
    assert villages["李家村"][3] == "逾期未报"
    assert villages["桃园社区"][3] == "逾期报送 3月26日"
    assert villages["张湾村"][2] == "未配备"
    assert "2026-03 月度台账逾期未报" in villages["李家村"][7]


def test_the_bureau_sees_by_default_only_the_villages_needing_attention(client, march):
    client.force_login(march.bureau_staff_user)

    response = client.get(URL)

    assert names(response, 1) == ["李家村", "张湾村", "桃园社区"]


def test_an_office_sees_only_its_township(client, march):
    # SECURITY
    client.force_login(march.office_user)

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response, 0) == ["柳林镇"]
    assert names(response, 1) == ["王庄村", "李家村", "张湾村"]
    assert [cells[2] for cells in rows(response, 2)] == ["李家村"]  # the flags: not 桃园社区's
    page = text(response)
    assert "桃园" not in page and "石桥" not in page
    assert "定时任务" not in page  # the jobs are the bureau's concern


def test_the_other_office_sees_its_own_township(client, march):
    client.force_login(march.other_office_user)

    response = client.get(URL)

    assert names(response, 0) == ["桃园街道"]
    assert names(response, 1) == ["桃园社区"]


def test_it_links_to_the_people_and_places_concerned(client, march):
    client.force_login(march.office_user)

    page = text(client.get(URL))

    assert reverse("advisors:advisor_detail", args=[march.zhang.pk]) in page
    assert reverse("villages:village_detail", args=[march.second_village.pk]) in page
    assert reverse("villages:township_detail", args=[march.township.pk]) in page
    assert 'data-label="本月台账"' in page  # the table folds into cards on a phone


def test_the_stats_count_due_done_late_and_missing(client, march):
    client.force_login(march.bureau_admin_user)

    page = text(client.get(URL))

    for figure in (
        "<b>1</b>按时报送",
        "<b>1</b>逾期报送",
        "<b>1</b>逾期未报",
        "<b>1/2</b>乡镇台账已报送司法局",
    ):
        assert figure in page


def test_the_service_figures_count_the_served_villages_meeting_each_requirement(client, march):
    client.force_login(march.bureau_admin_user)

    page = text(client.get(URL))

    # Three villages are served; only 王庄村 had its visit, its 8 hours and its lecture. 张湾村 has nobody.
    for figure in (
        "<b>1/3</b>本月到村服务达",
        "<b>1/3</b>本月到村服务满",
        "<b>1/3</b>本季度讲座备案",
        "<b>1</b>村(社区)未配备顾问",
    ):
        assert figure in page
    townships = {cells[0]: cells for cells in rows(client.get(URL), 0)}
    assert townships["柳林镇"][1:] == ["3", "1", "0", "1", "未报送", "1", "1", "1"]
    assert townships["桃园街道"][1:] == ["1", "0", "1", "0", "已报送 3月26日", "1", "1", "1"]


def test_both_lists_page_and_keep_the_other_lists_page(client, march, monkeypatch):
    monkeypatch.setattr("deadlines.views.PER_PAGE", 2)
    client.force_login(march.bureau_admin_user)

    first = client.get(URL + "?show=all")
    last = client.get(URL + "?show=all&page=2&townships_page=2")

    assert names(first, 1) == ["王庄村", "李家村"]
    assert "共 4 个" in text(first)
    assert names(last, 1) == ["张湾村", "桃园社区"]
    assert names(first, 0) == ["柳林镇", "桃园街道"]  # two townships fit on one page: no second page
    assert "townships_page=" not in text(first)
    monkeypatch.setattr("deadlines.views.PER_PAGE", 1)
    second_township = client.get(URL + "?show=all&page=3&townships_page=2")
    assert names(second_township, 0) == ["桃园街道"]
    assert names(second_township, 1) == ["张湾村"]  # each list keeps its own page
    assert "page=3&amp;townships_page=1" in text(second_township)


def test_the_attention_list_pages_past_its_first_page(client, march, monkeypatch):
    monkeypatch.setattr("deadlines.views.PER_PAGE", 2)
    client.force_login(march.bureau_staff_user)

    assert names(client.get(URL), 1) == ["李家村", "张湾村"]
    assert names(client.get(URL + "?page=2"), 1) == ["桃园社区"]
    assert names(client.get(URL + "?page=99"), 1) == ["桃园社区"]  # past the end: the last page


@pytest.mark.parametrize("persona", ["zhang", "li", "liaison_user", "stranger"])
def test_advisors_liaisons_and_people_without_a_role_are_refused(client, march, persona, request):
    # SECURITY
    user = getattr(march, persona).user if persona in ("zhang", "li") else request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["bureau_admin_user", "office_user"])
def test_the_number_of_queries_does_not_grow_with_the_villages(client, march, persona):
    d = march
    client.force_login(getattr(d, persona))
    before = queries_of(client, URL + "?show=all")

    for i in range(12):
        village = VillageFactory(township=d.township)
        agreement = AgreementFactory(
            advisor__bureau=d.bureau, village=village, start_date=START, end_date=END
        )
        log(agreement, date(2026, 3, 2 + i))
        lecture(agreement, date(2026, 3, 3))
        LedgerSubmission.objects.create(
            advisor=agreement.advisor, village=village, year=2026, month=3, submitted_at=at(date(2026, 3, 20))
        )
    services.month_end(on=date(2026, 2, 28))

    assert queries_of(client, URL + "?show=all") == before


def test_a_page_of_the_dashboard_takes_at_most_twelve_queries(client, march):
    """Issue 8's goal for a page, the month's ledgers that need action included (whatever the number of villages):
    the user comes with the profile and bureau, the month's ledger status in three queries."""
    client.force_login(march.bureau_admin_user)

    with CaptureQueriesContext(connection) as context:
        assert client.get(URL + "?show=all").status_code == 200

    statements = [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 12, statements


def test_a_superuser_sees_one_bureau_at_a_time(client, march, superuser):
    client.force_login(superuser)

    assert names(client.get(URL + f"?show=all&bureau={march.bureau.pk}"), 0) == ["柳林镇", "桃园街道"]
    assert names(client.get(URL + f"?show=all&bureau={march.other_bureau_advisor.bureau_id}"), 0) == [
        "石桥镇"
    ]
