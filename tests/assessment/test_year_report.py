"""The year-end report (seed 003): counts, tiers, payouts and the honour and warning lists, for the bureau and for
each township, as HTML, PDF and Excel from one builder; the bureau sees all, a justice office its own township."""

import io
from datetime import date, time
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment.models import Review
from assessment.reports import year_report
from assessment.services import computation, opinions
from ledger.models import Lecture, ServiceType
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db

JAN_2 = date(2027, 1, 2)


@pytest.fixture
def year_end(whole_map):
    """2026's year-end review: 张明 (two villages of 柳林镇) 优秀, 李芳 (桃园街道) 不合格; known logs."""
    w = whole_map
    mediation = ServiceType.objects.filter(code="mediation")
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 5), service_types=mediation)
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 4, 5))
    lecture_log = WorkLogFactory(
        agreement=w.second_agreement, service_date=date(2026, 5, 5), start_time=time(9)
    )
    Lecture.objects.create(worklog=lecture_log, topic="民法典讲座", attendance=50)
    WorkLogFactory(agreement=w.other_agreement, service_date=date(2026, 8, 5), service_types=mediation)
    WorkLogFactory(agreement=w.other_bureau_agreement, service_date=date(2026, 8, 5))
    period = computation.review_period_open(bureau=w.bureau, kind="year", year=2026, today=JAN_2)
    opinions.review_finalize(
        review=Review.objects.get(period=period, advisor=w.advisor),
        by=w.bureau_staff_user,
        tier="excellent",
        reason="群众评价高",
    )
    opinions.review_finalize(
        review=Review.objects.get(period=period, advisor=w.other_advisor),
        by=w.bureau_staff_user,
        tier="fail",
        reason="全年到村服务不足",
    )
    w.period = period
    return w


def _rows(table) -> dict[str, list]:
    return {row[0]: row for row in table.rows}


def test_the_bureaus_report_counts_each_township_and_the_total(year_end):
    report = year_report(year_end.period)
    work, tiers, payouts, honour, warning = report.tables

    by_township = _rows(work)
    # township, advisors, villages, logs, hours, on-site, lectures, mediations, …
    assert by_township["柳林镇"][1:8] == [1, 2, 3, Decimal("7.50"), 3, 1, 1]
    assert by_township["桃园街道"][1:8] == [1, 1, 1, Decimal("2.50"), 1, 0, 1]
    assert work.totals[1:4] == [2, 3, 4]
    assert _rows(tiers)["柳林镇"][1:] == [1, 0, 0, 0, 0, 0]
    assert tiers.totals[1:] == [1, 0, 0, 1, 0, 0]
    # 12000 a year each: 张明 100% of 24000, 李芳 50% of 12000
    assert _rows(payouts)["柳林镇"][1:] == [2, Decimal("24000.00"), Decimal("0.00"), Decimal("24000.00"), 0]
    assert payouts.totals[4] == Decimal("30000.00")
    assert [row[1] for row in honour.rows] == ["张明"]
    assert [(row[1], row[5]) for row in warning.rows] == [("李芳", "不合格")]
    assert "全年到村服务不足" in warning.rows[0][6]


def test_a_townships_report_holds_its_own_advisors_only(year_end):
    report = year_report(year_end.period, year_end.other_township)
    work, tiers, payouts, honour, warning = report.tables

    assert [row[0] for row in work.rows] == ["桃园街道"] and work.totals is None
    assert honour.rows == [] and [row[1] for row in warning.rows] == ["李芳"]
    assert report.title.startswith("桃园街道")


def test_the_pdf_and_the_workbook_show_the_lists(year_end, client):
    client.force_login(year_end.bureau_admin_user)
    url = f"/reviews/periods/{year_end.period.pk}/report/"

    pdf = client.get(url + "?format=pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    workbook = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))

    for expected in ("红榜", "黑榜", "张明", "李芳", "30000.00"):
        assert expected in text
    assert workbook.sheetnames == ["工作情况", "考核等次", "补贴发放", "红榜", "黑榜"]
    assert [row[1] for row in workbook["红榜"].iter_rows(min_row=4, values_only=True) if row[1]] == ["张明"]
    html = client.get(url).content.decode()
    assert "张明" in html and "李芳" in html and "柳林镇" in html


@pytest.mark.parametrize(
    ("persona", "query", "status"),
    [
        ("bureau_admin_user", "", 200),
        ("bureau_staff_user", "?township={other}", 200),
        ("office_user", "", 200),  # their own township's
        ("office_user", "?township={other}", 404),
        ("other_office_user", "", 200),
        ("advisor_user", "", 403),  # sees their own review, not the report
        ("other_bureau_admin_user", "", 404),
        ("stranger", "", 404),
    ],
)
def test_every_role_gets_its_own_report(year_end, client, persona, query, status):
    # SECURITY
    client.force_login(getattr(year_end, persona))

    response = client.get(
        f"/reviews/periods/{year_end.period.pk}/report/" + query.format(other=year_end.other_township.pk)
    )

    assert response.status_code == status


def test_the_office_report_is_its_townships(year_end, client):
    client.force_login(year_end.office_user)

    page = client.get(f"/reviews/periods/{year_end.period.pk}/report/").content.decode()

    assert "柳林镇村(居)法律顾问" in page and "李芳" not in page


def test_the_warning_list_says_what_the_code_does_on_renewal_seed_004(year_end):
    warning = year_report(year_end.period).tables[-1]
    assert "不合格的，2027年不予续聘" in warning.subtitle

    year_end.bureau.fail_blocks_renewal = False  # seed 003: rectification instead
    year_end.bureau.save()
    year_end.period.bureau.refresh_from_db()
    assert "限期整改" in year_report(year_end.period).tables[-1].subtitle

    half = computation.review_period_open(bureau=year_end.bureau, kind="half", year=2026, today=JAN_2)
    assert "续聘以年终考核等次为准" in year_report(half).tables[-1].subtitle
