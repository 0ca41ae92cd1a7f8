"""Known data, known answers: every indicator of a review and the score the documented rule makes of them."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import services
from assessment.models import Inspection, Rating, ReturnVisit, Review, ReviewPeriod, Satisfaction, Tier
from ledger.models import Incident, Lecture, LedgerSubmission, WorkLog
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

JULY_1 = date(2026, 7, 1)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _log(agreement, day, *, mode="onsite", status=WorkLog.Status.SUBMITTED, confirmed=False, verified=False):
    return WorkLogFactory(
        agreement=agreement,
        service_date=day,
        start_time=time(9),
        end_time=time(13),
        hours=Decimal("4.00"),
        mode=mode,
        status=WorkLog.Status.VERIFIED if verified else status,
        confirmed_at=_at(day) if confirmed else None,
        verified_at=_at(day) if verified else None,
    )


@pytest.fixture
def first_half(advisor, agreement, second_agreement, village, liaison_user, bureau_admin_user):
    """`village` has a known half-year of work; `second_village` has none."""
    _log(agreement, date(2026, 1, 10), confirmed=True, verified=True)
    _log(agreement, date(2026, 2, 10), confirmed=True)
    lecture_march = _log(agreement, date(2026, 3, 10))
    _log(agreement, date(2026, 4, 10), mode="phone")
    lecture_may = _log(agreement, date(2026, 5, 10), confirmed=True, verified=True)
    _log(agreement, date(2026, 6, 10), status=WorkLog.Status.DRAFT)  # a draft does not count
    for log in (lecture_march, lecture_may):
        Lecture.objects.create(worklog=log, topic="民法典进农村", attendance=40)
    for month in (1, 2, 3, 4):
        LedgerSubmission.objects.create(
            advisor=advisor, village=village, year=2026, month=month, submitted_at=_at(date(2026, month, 20))
        )
    LedgerSubmission.objects.create(
        advisor=advisor,
        village=village,
        year=2026,
        month=5,
        submitted_at=_at(date(2026, 5, 28)),
        is_late=True,
    )
    Incident.objects.create(
        village=village,
        advisor=advisor,
        summary="土地纠纷可能引发群体上访",
        reported_at=_at(date(2026, 2, 11)),
    )
    village.wechat_group_set_up_on = date(2026, 3, 1)
    village.save()
    for satisfaction in (Satisfaction.SATISFIED, Satisfaction.MOSTLY):
        ReturnVisit.objects.create(
            village=village,
            advisor=advisor,
            visited_on=date(2026, 4, 20),
            contact_kind=ReturnVisit.Contact.RESIDENT,
            method=ReturnVisit.Method.PHONE,
            satisfaction=satisfaction,
            recorded_by=bureau_admin_user,
        )
    inspection = {
        "kind": Inspection.Kind.BUREAU,
        "township": village.township,
        "village": village,
        "inspectors": "王科长",
        "checked_items": "工作日志、台账",
        "recorded_by": bureau_admin_user,
    }
    Inspection.objects.create(**inspection, inspected_on=date(2026, 4, 1), findings="台账记录不全")
    Inspection.objects.create(
        **inspection, inspected_on=date(2026, 3, 1), findings="未公示驻点时间", resolved_on=date(2026, 5, 1)
    )
    Inspection.objects.create(**inspection, inspected_on=date(2026, 5, 1))  # nothing found
    return services.review_period_open(bureau=village.township.bureau, kind="half", year=2026, today=JULY_1)


def _indicators(period, village):
    return Review.objects.get(period=period).villages.get(village=village).indicators


def test_each_indicator_of_a_village_has_its_known_value(first_half, village):
    got = _indicators(first_half, village)
    assert got["onsite_months"] == {
        "value": 4,
        "required": 6,
        "share": "0.667",
        "missing": ["2026-04-01", "2026-06-01"],
    }
    # On site only: April's four hours on the phone are service, not on-site time (seeds 002, 004).
    assert got["service_hours"] == {"value": "16.00", "required": 48, "share": "0.333"}
    assert got["lectures"] == {
        "value": 2,
        "required": 2,
        "share": "1.000",
        "missing": [],
        "period": "quarter",
    }
    assert got["ledgers_on_time"]["value"] == 4 and got["ledgers_on_time"]["missing"] == [
        "2026-05-01",
        "2026-06-01",
    ]
    assert got["logs_confirmed"] == {"value": 3, "required": 5, "share": "0.600"}
    # Of the logs the village confirmed (the office verifies only those): two verified, February's not yet.
    assert got["logs_verified"] == {"value": 2, "required": 3, "share": "0.667"}
    assert got["wechat_group"]["share"] == "1"
    assert got["return_visits"]["share"] == "0.800"
    assert got["return_visits"]["counts"] == {"satisfied": 1, "mostly": 1, "unsatisfied": 0}
    assert got["logs"] == 5
    assert got["services_by_type"] == {"consultation": {"name": "法律咨询", "count": 5}}
    assert got["incidents"] == 1
    assert got["open_findings"] == 1  # the resolved finding and the clean inspection do not count


def test_a_village_without_work_scores_nothing_and_visits_do_not_apply(first_half, second_village):
    got = _indicators(first_half, second_village)
    assert [
        got[key]["share"] for key in ("onsite_months", "service_hours", "lectures", "ledgers_on_time")
    ] == ["0.000"] * 4
    assert got["logs_confirmed"]["share"] == "0" and got["wechat_group"]["share"] == "0"
    assert got["return_visits"]["share"] is None


def test_the_score_follows_the_documented_rule(first_half):
    review = Review.objects.get(period=first_half)
    earned = {line["key"]: line["earned"] for line in review.breakdown}
    # Each share is the average over the two villages, times the indicator's points.
    assert earned == {
        "onsite_months": "6.7",  # 20 × (0.667 + 0) / 2
        "service_hours": "2.5",  # 15 × (0.333 + 0) / 2
        "lectures": "5.0",
        "ledgers_on_time": "3.3",
        "logs_confirmed": "1.5",
        "logs_verified": "1.7",
        "wechat_group": "2.5",
        "return_visits": "8.0",  # only `village` had visits
        "village_rating": None,  # not rated yet: left out
        "office_rating": None,
        "open_findings": "-2",
    }
    # 100 × 31.2 earned ÷ 80 applicable points = 39.0, less 2 for the open finding.
    assert review.score == Decimal("37.0")
    assert review.proposed_tier == Tier.FAIL


def test_ratings_join_the_score_as_they_are_given(first_half, village, liaison_user, office_user):
    review = Review.objects.get(period=first_half)
    services.review_village_rate(
        row=review.villages.get(village=village), by=liaison_user, rating=Rating.GOOD
    )
    review.refresh_from_db()
    assert review.score == Decimal("43.8")  # 100 × 41.2 ÷ 90 − 2
    services.review_office_rate(review=review, by=office_user, rating=Rating.PASS, comment="基本完成任务")
    review.refresh_from_db()
    assert review.score == Decimal("45.2")  # 100 × 47.2 ÷ 100 − 2 (合格 earns 60% of 10)


def test_the_bureau_can_change_points_and_thresholds(first_half, bureau, bureau_admin_user):
    rule = services.scoring_rule_for(bureau)
    rule.threshold_excellent, rule.threshold_good, rule.threshold_pass = Decimal(50), Decimal(40), Decimal(30)
    rule.deduction_per_open_finding = Decimal(0)
    rule.save()
    services.review_period_compute(period=first_half)
    review = Review.objects.get(period=first_half)
    assert review.score == Decimal("39.0") and review.proposed_tier == Tier.PASS


def test_a_rule_with_thresholds_out_of_order_is_refused(bureau):
    rule = services.scoring_rule_for(bureau)
    rule.threshold_good = Decimal(95)
    with pytest.raises(ValidationError, match="优秀 > 良好 > 合格"):
        rule.full_clean()


def test_a_month_counts_when_the_agreement_covers_its_15th(bureau, township):
    advisor = AdvisorFactory(bureau=bureau)
    late_start = AgreementFactory(
        advisor=advisor, village=VillageFactory(township=township), start_date=date(2026, 3, 20)
    )
    period = services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)
    months = Review.objects.get(period=period, advisor=advisor).villages.get(village=late_start.village)
    assert months.indicators["months"] == ["2026-04-01", "2026-05-01", "2026-06-01"]


def test_opening_is_refused_before_the_period_ends(today, bureau):
    with pytest.raises(ValidationError, match="考核期尚未结束"):
        services.review_period_open(bureau=bureau, kind="half", year=2026)  # today is 15 June


def test_opening_twice_duplicates_nothing(first_half, bureau):
    services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)
    assert ReviewPeriod.objects.count() == 1
    assert Review.objects.count() == 1
    assert Review.objects.get().villages.count() == 2


def test_a_final_review_keeps_what_it_was_finalized_on(first_half, village, bureau_staff_user, advisor):
    review = Review.objects.get(period=first_half)
    services.review_finalize(review=review, by=bureau_staff_user, tier=Tier.FAIL)
    WorkLogFactory(agreement=advisor.agreements.get(village=village), service_date=date(2026, 6, 20))
    services.review_period_compute(period=first_half)
    review.refresh_from_db()
    assert review.score == Decimal("37.0") and review.final_tier == Tier.FAIL


def test_computing_costs_the_same_queries_for_more_advisors(bureau, township):
    def open_and_count(year):
        with CaptureQueriesContext(connection) as queries:
            services.review_period_open(bureau=bureau, kind="year", year=year, today=date(year + 1, 1, 2))
        return len(queries)

    services.scoring_rule_for(bureau)
    for _ in range(2):
        agreement = AgreementFactory(
            advisor=AdvisorFactory(bureau=bureau),
            village=VillageFactory(township=township),
            start_date=date(2024, 1, 1),
            end_date=date(2024, 12, 31),
        )
        WorkLogFactory(agreement=agreement, service_date=date(2024, 3, 3))
    few = open_and_count(2024)
    for _ in range(5):
        agreement = AgreementFactory(
            advisor=AdvisorFactory(bureau=bureau),
            village=VillageFactory(township=township),
            start_date=date(2025, 1, 1),
            end_date=date(2025, 12, 31),
        )
        WorkLogFactory(agreement=agreement, service_date=date(2025, 3, 3))
    assert open_and_count(2025) == few


def test_months_before_the_bureau_kept_records_in_the_system_are_not_judged(bureau, township):
    bureau.records_start_on = date(2026, 4, 1)
    bureau.save()
    advisor = AdvisorFactory(bureau=bureau)
    agreement = AgreementFactory(advisor=advisor, village=VillageFactory(township=township))
    paper_only = AgreementFactory(
        advisor=AdvisorFactory(bureau=bureau),
        village=VillageFactory(township=township),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 3, 31),
    )
    period = services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)
    row = Review.objects.get(period=period, advisor=advisor).villages.get(village=agreement.village)
    assert row.indicators["months"] == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert not Review.objects.filter(period=period, advisor=paper_only.advisor).exists()


def test_the_verified_share_leaves_out_logs_the_office_had_under_ten_days_to_verify_seed_002(
    bureau, advisor, agreement
):
    # Confirmed on 25 June, 28 June and 10 June; the review is computed on 1 July: the office had 6 and 3 days
    # for the first two (under the bureau's 10), 21 days for the third.
    _log(agreement, date(2026, 6, 25), confirmed=True)
    _log(agreement, date(2026, 6, 28), confirmed=True)
    _log(agreement, date(2026, 6, 10), confirmed=True)
    _log(agreement, date(2026, 6, 5), confirmed=True, verified=True)
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        period = services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)
    got = _indicators(period, agreement.village)
    assert got["logs_verified"] == {"value": 1, "required": 2, "share": "0.500"}

    bureau.verification_days = 0  # the bureau holds the office to every confirmed log
    bureau.save()
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        services.review_period_compute(period=period)
    assert _indicators(period, agreement.village)["logs_verified"]["required"] == 4


def test_a_bureau_asking_for_lectures_per_year_is_judged_on_the_year_seed_003(bureau, advisor, agreement):
    bureau.lectures_period = "year"
    bureau.lectures_required = 2
    bureau.save()
    for day in (date(2026, 2, 10), date(2026, 2, 20)):  # both in the first quarter: the year's two
        Lecture.objects.create(worklog=_log(agreement, day), topic="民法典进农村", attendance=40)

    period = services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)

    got = _indicators(period, agreement.village)
    assert got["lectures"] == {"value": 1, "required": 1, "share": "1.000", "missing": [], "period": "year"}


def test_a_change_of_on_site_modes_rejudges_an_open_review_not_a_final_one_seed_004(
    bureau, advisor, agreement, bureau_staff_user
):
    _log(agreement, date(2026, 3, 10), mode="phone")  # four hours on the phone
    period = services.review_period_open(bureau=bureau, kind="half", year=2026, today=JULY_1)
    assert _indicators(period, agreement.village)["service_hours"]["value"] == "0.00"

    bureau.onsite_modes = ["onsite", "home_visit", "phone"]
    bureau.save()
    services.review_period_compute(period=period)
    assert _indicators(period, agreement.village)["service_hours"]["value"] == "4.00"

    review = Review.objects.get(period=period)
    services.review_finalize(review=review, by=bureau_staff_user, tier=review.proposed_tier)
    bureau.onsite_modes = ["onsite"]
    bureau.save()
    services.review_period_compute(period=period)
    assert _indicators(period, agreement.village)["service_hours"]["value"] == "4.00"
