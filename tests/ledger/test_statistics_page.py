"""The statistics page (form 4 in HTML) at province size: one table at a time, 50 rows a page with the totals of
every page, the advisors of one township; the downloads keep both whole tables."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ledger import reports
from ledger.models import ServiceType
from tests.factories import AgreementFactory, TownshipFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

URL = "/logs/reports/statistics/"
PERIOD = {"year": 2026, "half": 1}


def log_in(agreement, day: date, *, people: int, code: str = "consultation"):
    return WorkLogFactory(
        agreement=agreement,
        service_date=day,
        people_served=people,
        service_types=list(ServiceType.objects.filter(code=code)),
    )


def add_townships(bureau, count: int, *, first: int = 0) -> list:
    """`count` townships, each with one advisor who filed one consultation in March (people: its number)."""
    made = []
    for n in range(first, first + count):
        township = TownshipFactory(bureau=bureau, name=f"第{n:03d}镇", code=f"41990{n:07d}")
        agreement = AgreementFactory(
            advisor__bureau=bureau, advisor__name=f"顾问{n:03d}", village__township=township
        )
        log_in(agreement, date(2026, 3, 1 + n % 28), people=n + 1)
        made.append((township, agreement))
    return made


@pytest.fixture
def province(today, bureau, other_bureau, django_capture_on_commit_callbacks):
    """54 townships with an advisor each; the first advisor also worked in the second township (mediation in
    April); another bureau's log that never counts here."""
    # Committed, as a request commits: the statistics' monthly rollup is refreshed (ledger/rollups.py).
    with django_capture_on_commit_callbacks(execute=True):
        made = add_townships(bureau, 54)
        (_first, first_agreement), (second, _) = made[0], made[1]
        elsewhere = AgreementFactory(advisor=first_agreement.advisor, village__township=second)
        log_in(elsewhere, date(2026, 4, 2), people=4, code="mediation")
        add_townships(other_bureau, 1, first=900)
    return made


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    return [[cell["text"] for cell in row] for row, _item in response.context["rows"]]


def texts(values) -> list[str]:
    return [reports._display(v, "int")["text"] for v in values]


def whole_tables(bureau):
    by_township, by_advisor = reports.work_statistics(bureau=bureau, **PERIOD).tables
    return by_township, by_advisor


def test_the_townships_come_fifty_a_page_with_the_totals_of_every_page(
    client, bureau_admin_user, bureau, province
):
    client.force_login(bureau_admin_user)
    whole, _ = whole_tables(bureau)

    first = client.get(URL, PERIOD)
    second = client.get(URL, {**PERIOD, "page": 2})

    assert len(rows_of(first)) == 50 and len(rows_of(second)) == 4
    assert rows_of(first) + rows_of(second) == [texts(row) for row in whole.rows]
    for response in (first, second):
        assert [c["text"] for c in response.context["table"].display_totals] == texts(whole.totals)
    assert whole.totals[1] == sum(range(1, 55))  # consultations in person-times, over all 54 townships
    html = first.content.decode()
    assert "第 1 / 2 页" in html and "共 54 个乡镇(街道)" in html
    second_township = province[1][0]
    assert (
        f'href="?year=2026&amp;half=1&amp;by=advisor&amp;township={second_township.pk}">第001镇</a>' in html
    )
    assert 'href="?year=2026&amp;half=1&amp;format=xlsx"' in html  # the whole tables, whatever the page shows


def test_the_advisors_come_fifty_a_page_with_the_totals_of_every_page(
    client, bureau_admin_user, bureau, province
):
    client.force_login(bureau_admin_user)
    _, whole = whole_tables(bureau)

    first = client.get(URL, {**PERIOD, "by": "advisor"})
    second = client.get(URL, {**PERIOD, "by": "advisor", "page": 2})

    assert len(whole.rows) == 54
    assert rows_of(first) + rows_of(second) == [texts(row) for row in whole.rows]
    assert [c["text"] for c in second.context["table"].display_totals] == texts(whole.totals)
    assert "本期有工作日志的法律顾问 54 人" in first.content.decode()


def test_the_advisors_of_one_township_count_their_work_there_only(client, bureau_admin_user, province):
    client.force_login(bureau_admin_user)
    second_township = province[1][0]

    response = client.get(URL, {**PERIOD, "township": second_township.pk})

    names = {row[0]: row for row in rows_of(response)}
    assert list(names) == ["顾问000", "顾问001"]
    table = response.context["table"]
    consultation = [c.label for c in table.columns].index("法律咨询（人次）")
    mediation = [c.label for c in table.columns].index("纠纷调解")
    assert (
        names["顾问000"][consultation] == "0" and names["顾问000"][mediation] == "1"
    )  # not their 1 in 第000镇
    assert names["顾问001"][consultation] == "2"
    totals = [c["text"] for c in table.display_totals]
    assert totals[consultation] == "2" and totals[mediation] == "1" and totals[-1] == "2"  # 第001镇's own
    html = response.content.decode()
    assert "第001镇的法律顾问" in html and "仅统计在本乡镇(街道)的服务" in html


@pytest.mark.parametrize("query", [{"township": "{other}"}, {"township": "x"}, {"by": "village"}])
def test_another_bureaus_township_or_a_bad_table_answers_404(
    client, bureau_admin_user, province, other_bureau, query
):  # SECURITY
    client.force_login(bureau_admin_user)
    other = other_bureau.townships.get()
    query = {k: v.format(other=other.pk) for k, v in query.items()}

    assert client.get(URL, {**PERIOD, **query}).status_code == 404


def test_the_download_holds_both_whole_tables_whatever_the_page_shows(client, bureau_admin_user, province):
    client.force_login(bureau_admin_user)
    township = province[1][0]

    response = client.get(
        URL, {**PERIOD, "by": "advisor", "township": township.pk, "page": 2, "format": "xlsx"}
    )

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按乡镇(街道)", "按法律顾问"]
    # title, subtitle, two header rows, then a row per township / advisor and the totals
    assert book["按乡镇(街道)"].max_row == 4 + 54 + 1 and book["按法律顾问"].max_row == 4 + 54 + 1


def queries(client, query: dict) -> int:
    """The page's queries, without the savepoints of the request's transaction (as the benchmark counts)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {**PERIOD, **query}).status_code == 200
    return sum("SAVEPOINT" not in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("query", [{}, {"by": "advisor"}, {"township": "{township}"}, {"page": "2"}])
def test_each_page_takes_a_fixed_number_of_queries(client, bureau_admin_user, bureau, province, query):
    client.force_login(bureau_admin_user)
    query = {k: v.format(township=province[1][0].pk) for k, v in query.items()}
    before = queries(client, query)

    add_townships(bureau, 60, first=100)

    assert queries(client, query) == before <= 12
