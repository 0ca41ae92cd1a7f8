"""The deadline job `open_review`: on 1 July it opens the bureau's half-year review with every advisor's indicators
and proposed tier computed; run again (or forced through the dispatcher), it duplicates nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from assessment.models import Review, ReviewEvent, ReviewPeriod, ReviewVillage
from deadlines import services
from deadlines.dispatch import JOBS_BY_NAME, run_deadlines, run_job
from tests.factories import WorkLogFactory
from villages.models import Bureau

pytestmark = pytest.mark.django_db

JULY_1 = date(2026, 7, 1)
EVENING = datetime(2026, 7, 1, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _state():
    return (
        ReviewPeriod.objects.count(),
        Review.objects.count(),
        ReviewVillage.objects.count(),
        ReviewEvent.objects.filter(action=ReviewEvent.Action.OPENED).count(),
    )


def test_the_job_on_1_july_opens_the_half_year_with_each_review_computed(whole_map):
    w = whole_map
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 2))

    result = services.open_review(on=JULY_1)

    period = ReviewPeriod.objects.get(bureau=w.bureau)
    assert (period.kind, period.year, period.start_date, period.end_date) == (
        "half",
        2026,
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    assert result["review"] == "2026-H1" and result["reviews"] == 3  # 张明 and 李芳; 王强 of the other bureau
    reviews = Review.objects.filter(period=period).order_by("advisor__name")
    assert sorted(r.advisor.name for r in reviews) == ["张明", "李芳"]
    for review in reviews:
        assert review.computed_at is not None and review.proposed_tier and review.score is not None
        assert review.breakdown and review.status == "open"
    zhang = reviews.get(advisor=w.advisor)
    assert set(zhang.villages.values_list("village__name", flat=True)) == {"王庄村", "李家村"}
    assert zhang.villages.get(village=w.village).indicators["logs"] == 1
    assert ReviewPeriod.objects.get(bureau=w.other_bureau).reviews.count() == 1


def test_running_it_again_duplicates_nothing(whole_map):
    services.open_review(on=JULY_1)
    before = _state()

    services.open_review(on=JULY_1)
    run_job(JOBS_BY_NAME["open_review"], JULY_1, now=EVENING)
    run_deadlines(JULY_1, now=EVENING, force=True)

    assert _state() == before
    # One period per county bureau of the map (the city's third one too), none for the city or the province.
    assert before[0] == Bureau.objects.counties().count() == 3 and before[3] == before[1]


def test_it_keeps_the_opinions_given_since_the_opening(whole_map):
    w = whole_map
    services.open_review(on=JULY_1)
    review = Review.objects.get(advisor=w.advisor)
    Review.objects.filter(pk=review.pk).update(self_assessment="按时到村服务", self_rating="good")

    services.open_review(on=JULY_1)

    review.refresh_from_db()
    assert (review.self_assessment, review.self_rating) == ("按时到村服务", "good")


def test_it_opens_nothing_on_another_day(whole_map):
    assert services.open_review(on=date(2026, 7, 2))["review"] is None
    assert not ReviewPeriod.objects.exists()


def test_a_bureau_opens_its_year_end_review_on_the_day_it_sets_judging_the_year_to_it_seed_003(whole_map):
    w = whole_map
    w.bureau.year_end_review_opens_month, w.bureau.year_end_review_opens_day = 12, 1
    w.bureau.save()
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 11, 20))

    assert ReviewPeriod.objects.count() == 0
    services.open_review(on=date(2026, 11, 30))
    assert ReviewPeriod.objects.count() == 0  # not yet

    result = services.open_review(on=date(2026, 12, 1))

    period = ReviewPeriod.objects.get(bureau=w.bureau, kind="year")
    assert (period.year, period.start_date, period.end_date) == (2026, date(2026, 1, 1), date(2026, 11, 30))
    assert result["reviews"] == period.reviews.count() > 0
    # 1 January does not open it again, and the other bureau (no date set) opens its year-end then as before.
    services.open_review(on=date(2027, 1, 1))
    assert ReviewPeriod.objects.filter(bureau=w.bureau).count() == 1
    assert ReviewPeriod.objects.filter(bureau=w.other_bureau, kind="year", year=2026).exists()
