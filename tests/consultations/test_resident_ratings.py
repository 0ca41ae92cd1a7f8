"""Residents rate their advisor: once per phone number, advisor and month; the ratings feed 群众满意度."""

from datetime import date

import pytest
from django.urls import reverse

from assessment.indicators import compute_indicators
from consultations.models import ResidentRating, ResidentRequest
from tests.factories import PASSWORD, ResidentRequestFactory, ReturnVisitFactory, ReviewPeriodFactory

from .conftest import solve

pytestmark = pytest.mark.django_db


def rate(client, village, **changes):
    page = client.get(reverse("residents:rate", args=[village.pk])).content.decode()
    data = {
        "satisfaction": "satisfied",
        "comment": "很耐心",
        "phone": "13912345678",
        **solve(page),
        **changes,
    }
    return client.post(reverse("residents:rate", args=[village.pk]), data)


def test_it_takes_a_rating_from_the_poster_without_keeping_the_number(client, agreement):
    response = rate(client, agreement.village)

    rating = ResidentRating.objects.get()
    assert response["Location"] == reverse("residents:rated", args=[agreement.village.pk])
    assert rating.advisor == agreement.advisor and rating.satisfaction == "satisfied"
    assert "13912345678" not in rating.phone_key


def test_it_takes_one_rating_per_phone_advisor_and_month(client, agreement):
    rate(client, agreement.village)
    response = rate(client, agreement.village, satisfaction="unsatisfied")

    assert "本月已经评价过" in response.content.decode()
    assert ResidentRating.objects.count() == 1


def test_a_rating_a_script_sent_is_not_counted(client, agreement):
    rate(client, agreement.village, website="x")

    assert not ResidentRating.objects.exists()


def test_a_closed_request_is_rated_once_from_its_status_page(client, agreement):
    resident_request = ResidentRequestFactory(agreement=agreement, status=ResidentRequest.Status.CLOSED)
    url = reverse("residents:status", args=[resident_request.reference])

    client.post(url, {"satisfaction": "mostly", "comment": "还行"})
    client.post(url, {"satisfaction": "unsatisfied"})

    rating = ResidentRating.objects.get()
    assert rating.request == resident_request and rating.satisfaction == "mostly"
    assert "您已评价过这次服务" in client.get(url).content.decode()


def test_an_open_request_offers_no_rating(client, agreement):
    resident_request = ResidentRequestFactory(agreement=agreement)

    client.post(reverse("residents:status", args=[resident_request.reference]), {"satisfaction": "satisfied"})

    assert not ResidentRating.objects.exists()


def test_the_bureau_sees_unsatisfied_ratings_with_a_return_visit_link(client, agreement, bureau_staff_user):
    rate(client, agreement.village, satisfaction="unsatisfied", comment="一直没人回电话")
    client.login(username=bureau_staff_user.username, password=PASSWORD)

    page = client.get(reverse("consultations:rating_list") + "?satisfaction=unsatisfied").content.decode()

    assert "一直没人回电话" in page
    assert reverse("assessment:return_visit_create") + f"?village={agreement.village.pk}" in page


def test_the_ratings_weigh_in_the_satisfaction_indicator_as_the_bureau_sets_seed_001(
    client, agreement, bureau
):
    bureau.resident_rating_weight = 40
    bureau.save()
    ReturnVisitFactory(agreement=agreement, visited_on=date(2026, 6, 1), satisfaction="satisfied")
    rate(client, agreement.village, satisfaction="unsatisfied")
    period = ReviewPeriodFactory(bureau=bureau, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))

    item = compute_indicators(period).pairs[(agreement.advisor_id, agreement.village_id)]["return_visits"]

    # 满意 (1) from the bureau's visit at 60%, 不满意 (0) from the resident at 40%.
    assert item["share"] == "0.600"
    assert item["resident_ratings"]["counts"]["unsatisfied"] == 1


def test_the_ratings_alone_make_the_indicator_when_there_was_no_return_visit_seed_001(
    client, agreement, bureau
):
    rate(client, agreement.village, satisfaction="mostly")
    period = ReviewPeriodFactory(bureau=bureau, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))

    item = compute_indicators(period).pairs[(agreement.advisor_id, agreement.village_id)]["return_visits"]

    assert item["share"] == "0.600"
