"""demo/reviews.py on the map of tests/conftest.py: a review in progress with every kind of opinion, visits and
inspections, so each page of the assessment shows something real; a second run changes nothing."""

from datetime import date

import pytest

from assessment.models import Inspection, PayoutDeduction, ReturnVisit, Review, ReviewPeriod
from demo.reviews import period_to_open, seed_reviews
from tests.factories import AgreementFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(whole_map):
    w = whole_map
    for n in range(8):  # more advisors elsewhere, for the bureau to decide some of them
        AgreementFactory(
            advisor__bureau=w.bureau, village=VillageFactory(township=w.other_township, name=f"演示{n}村")
        )
    w.result = seed_reviews(w.bureau, today=date(2026, 11, 24))
    return w


def test_it_opens_the_last_ended_period():
    assert period_to_open(date(2026, 11, 24)) == ("half", 2026)
    assert period_to_open(date(2026, 3, 1)) == ("year", 2025)


def test_it_leaves_a_review_in_progress_with_every_kind_of_opinion(seeded):
    w = seeded
    period = ReviewPeriod.objects.get(bureau=w.bureau)
    reviews = Review.objects.filter(period=period)

    assert period.label == "2026年上半年考核" and reviews.count() == 10
    mine = reviews.get(advisor=w.advisor)
    assert mine.has_open_objection and mine.self_assessment and not mine.is_final
    assert reviews.filter(status="final").exists() and reviews.filter(status="open").exists()
    assert reviews.filter(status="final").exclude(override_reason="").count() == 1
    assert PayoutDeduction.objects.filter(review__period=period).count() == 1
    assert ReturnVisit.objects.filter(village__township__bureau=w.bureau).exists()
    assert Inspection.objects.filter(township__bureau=w.bureau).exclude(findings="").exists()
    assert not ReturnVisit.objects.filter(village__township__bureau=w.other_bureau).exists()


def test_a_second_run_changes_nothing(seeded):
    before = (Review.objects.count(), ReturnVisit.objects.count(), Inspection.objects.count())

    assert seed_reviews(seeded.bureau, today=date(2026, 11, 24)) == {"skipped": True}
    assert (Review.objects.count(), ReturnVisit.objects.count(), Inspection.objects.count()) == before
