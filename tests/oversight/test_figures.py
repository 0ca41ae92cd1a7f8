"""The figures of the oversight pages per county bureau, against the known work of tests/oversight/conftest.py, and
their fixed number of queries whatever the number of bureaus."""

from datetime import date
from decimal import Decimal

import pytest

from ledger.reports import statistics_keys
from oversight import figures
from oversight.selectors import Group, Subtree
from oversight.sheets import SECTIONS, build_sheet
from oversight.yearend import year_end
from programme.calendar import period_from_label
from tests.factories import AgreementFactory, BureauFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def period(label: str):
    return period_from_label(label)


def test_it_reads_period_labels_and_refuses_anything_else():
    assert period("2026").start == date(2026, 1, 1) and period("2026").end == date(2026, 12, 31)
    assert period("2026-H2").start == date(2026, 7, 1)
    assert period("2026-Q2").end == date(2026, 6, 30)
    assert period("2026-02").end == date(2026, 2, 28)
    for bad in ("", "2026-13", "2026-Q5", "2026-H3", "１９９９", "9999", "2026-1", "²026", None, "2026 Q1"):
        assert period_from_label(bad) is None, bad
    for label in ("2026", "2026-H1", "2026-Q3", "2026-11"):
        assert period(label).label == label


def test_coverage_counts_villages_advisors_and_filing_by_the_deadline_seed_003(work):
    rows = figures.coverage([work["bureau"], work["other_bureau"]], period("2026"), TODAY)
    # townships, villages, with an advisor, advisors, agreements, filed on time, late, unfiled past / within deadline
    assert rows[work["bureau"].pk] == [2, 4, 3, 2, 3, 1, 1, 1, 0]
    assert rows[work["other_bureau"].pk] == [1, 1, 1, 1, 1, 0, 0, 1, 0]
    assert figures.coverage_rate(rows[work["bureau"].pk]) == [Decimal("75.0")]


def test_an_agreement_starting_after_the_deadline_has_a_month_to_be_filed(work, bureau):
    village = VillageFactory(township=TownshipFactory(bureau=bureau))
    AgreementFactory(advisor__bureau=bureau, village=village, start_date=date(2026, 6, 1))
    rows = figures.coverage([bureau], period("2026-06"), TODAY)
    assert rows[bureau.pk][-2:] == [1, 1]  # the old one overdue, the new one within its month


def test_ledgers_count_in_late_and_missing_once_the_due_day_passed(work):
    bureau, other = work["bureau"], work["other_bureau"]
    may = figures.ledgers([bureau, other], period("2026-05"), TODAY)
    # owed, on time, late, missing, pending; townships owed, forwarded on time, late, not forwarded, month running
    assert may[bureau.pk] == [3, 1, 1, 1, 0, 2, 1, 0, 1, 0]
    assert may[other.pk] == [1, 0, 0, 1, 0, 1, 0, 0, 1, 0]
    june = figures.ledgers([bureau], period("2026-06"), TODAY)
    assert june[bureau.pk] == [3, 0, 0, 0, 3, 2, 0, 0, 0, 2]
    # A year is its months begun by today: January to June.
    year = figures.ledgers([bureau], period("2026"), TODAY)
    assert year[bureau.pk][0] == 18 and year[bureau.pk][3] == 5 * 3 - 2 and year[bureau.pk][4] == 3


def test_incidents_reported_in_the_period_and_open_now(work):
    bureau = work["bureau"]
    may = figures.incidents([bureau, work["other_bureau"]], period("2026-05"), TODAY)
    # reported, acknowledged, handled, escalated; open (reported by the period's end, not acknowledged)
    assert may[bureau.pk] == [1, 1, 1, 0, 1]
    assert may[work["other_bureau"].pk] == [0, 0, 0, 0, 0]
    assert figures.incidents([bureau], period("2026"), TODAY)[bureau.pk] == [2, 1, 1, 0, 2]
    assert figures.incidents([bureau], period("2025-Q4"), TODAY)[bureau.pk] == [1, 0, 0, 1, 1]


def test_reviews_read_the_half_year_review_within_the_first_half_and_the_year_end_review_otherwise(work):
    bureau, other = work["bureau"], work["other_bureau"]
    rows = figures.reviews([bureau, other], period("2026-Q1"), TODAY)
    # state, reviewed, final, 优秀 良好 合格 不合格, awaiting, objections, misconduct
    assert rows[bureau.pk] == ["进行中", 2, 1, 1, 0, 0, 0, 1, 0, 0]
    assert rows[other.pk] == ["未开启", 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert figures.reviews([bureau], period("2026"), TODAY)[bureau.pk][0] == "未开启"


def test_the_statistics_sum_the_rollup_by_bureau_seed_004(work):
    bureau, other = work["bureau"], work["other_bureau"]
    keys = statistics_keys()
    may = figures.statistics([bureau, other], period("2026-05"), TODAY)
    mine = dict(zip(keys, may[bureau.pk], strict=True))
    assert mine["consultation"] == 3 and mine["mediation"] == 1 and mine["major_disputes"] == 1
    assert mine["logs"] == 2 and mine["hours"] == Decimal("5.00") and mine["onsite"] == 2
    assert dict(zip(keys, may[other.pk], strict=True))["consultation"] == 2
    half = dict(zip(keys, figures.statistics([bureau], period("2026-H1"), TODAY)[bureau.pk], strict=True))
    assert half["consultation"] == 4 and half["logs"] == 3


def test_the_year_end_paragraph_is_written_from_the_same_numbers_seed_004(work):
    subtree = Subtree(None, [Group(None, [work["bureau"]]), Group(None, [work["other_bureau"]])])
    data = year_end(subtree, period("2026-H1"), TODAY)
    assert (
        data.numbers["advisors"] == 3 and data.numbers["covered"] == 4 and data.numbers["consultation"] == 6
    )
    assert "共有村(居)法律顾问3名，服务村(社区)4个，覆盖率80.0%" in data.paragraph
    assert "为村(社区)群众提供法律咨询6人次" in data.paragraph
    assert "调解矛盾纠纷1起，其中，重大疑难矛盾纠纷或信访积案1起" in data.paragraph
    assert data.paragraph.startswith("2026年上半年（截至2026年6月15日），各地共有")
    assert year_end(subtree, period("2026-05"), TODAY).paragraph.startswith("2026年5月，各地共有")


def test_a_sheet_groups_counties_under_their_city_with_a_subtotal(work):
    bureau, other = work["bureau"], work["other_bureau"]
    city = BureauFactory(name="平顶山市司法局")
    subtree = Subtree(None, [Group(city, [bureau, other])])
    sheet = build_sheet(SECTIONS["coverage"], subtree, period("2026"), TODAY)
    assert [line.kind for line in sheet.lines] == ["city", "county", "county"]
    assert sheet.lines[0].values[:3] == [3, 5, 4] and sheet.total.values[:3] == [3, 5, 4]
    assert sheet.lines[0].values[-1] == Decimal("80.0")  # the rate of the sums, not a sum of rates
    report = sheet.report()
    [table] = report.tables
    assert table.rows[0][0] == "平顶山市司法局（小计）" and table.totals[0] == "合计"


@pytest.mark.parametrize("slug", [*SECTIONS, "year_end"])
def test_each_section_reads_a_fixed_number_of_queries_whatever_the_number_of_bureaus(
    work, slug, django_assert_num_queries
):
    def read(counties):
        subtree = Subtree(None, [Group(None, [county]) for county in counties])
        if slug == "year_end":
            return year_end(subtree, period("2026"), TODAY)
        return build_sheet(SECTIONS[slug], subtree, period("2026"), TODAY)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        read([work["bureau"]])
    more = [work["bureau"], work["other_bureau"], *BureauFactory.create_batch(3)]
    with django_assert_num_queries(len(few.captured_queries)):
        read(more)
    assert len(few.captured_queries) <= 5
