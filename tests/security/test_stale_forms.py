"""A form over a stored row sent after someone else changed the row, or without saying which version it changes,
is refused with its input kept, never silently overwriting (common/versions.py; the log edit: ledger/forms.py)."""

import re

import pytest

from assessment.models import Review, ReviewVillage
from ledger.models import WorkLog
from tests.factories import WorkLogFactory, open_review_period
from tests.ledger.test_advisor_pages import log_data
from tests.web import text

pytestmark = pytest.mark.django_db

STALE = "记录已被他人修改，请核对后重新提交。"


def version_on(page: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', page)[1]


@pytest.fixture
def review(whole_map):
    return Review.objects.get(period=open_review_period(whole_map.bureau), advisor=whole_map.advisor)


def two_pages(client, first_user, second_user, page: str) -> tuple[str, str]:
    """The version each of two people's pages carries, both opened before either saves."""
    client.force_login(first_user)
    first = version_on(text(client.get(page)))
    client.force_login(second_user)
    second = version_on(text(client.get(page)))
    return first, second


def test_a_stale_office_rating_does_not_overwrite_the_newer_one(client, whole_map, review):
    # Two staff of the same office open the review; the later save was typed over the older page.
    colleague = whole_map.office_user
    first, second = two_pages(client, colleague, colleague, f"/reviews/{review.pk}/")
    action = f"/reviews/{review.pk}/office-rating/"
    client.post(action, {"office_rating": "good", "office_comment": "认真负责", "version": first})

    response = client.post(action, {"office_rating": "fail", "office_comment": "讲座偏少", "version": second})

    assert response.status_code == 200 and STALE in text(response)
    assert "讲座偏少" in text(response)  # kept as typed
    review.refresh_from_db()
    assert (review.office_rating, review.office_comment) == ("good", "认真负责")
    again = client.post(
        action, {"office_rating": "fail", "office_comment": "讲座偏少", "version": version_on(text(response))}
    )
    assert again.status_code == 302  # checked and sent again: saved


@pytest.mark.parametrize(
    ("persona", "action", "data"),
    [
        ("advisor_user", "self-assessment", {"self_assessment": "每月到村", "self_rating": "good"}),
        ("office_user", "office-rating", {"office_rating": "good", "office_comment": "认真负责"}),
    ],
)
def test_a_review_form_without_a_version_is_refused(client, whole_map, review, persona, action, data):
    client.force_login(getattr(whole_map, persona))

    response = client.post(f"/reviews/{review.pk}/{action}/", data)

    assert response.status_code == 200 and STALE in text(response)
    review.refresh_from_db()
    assert review.self_assessed_at is None and review.office_rated_at is None


def test_a_stale_village_rating_does_not_overwrite_the_newer_one(client, whole_map, review):
    row = ReviewVillage.objects.get(review=review, village=whole_map.village)
    page = f"/reviews/villages/{row.pk}/"
    liaisons_version, offices_version = two_pages(client, whole_map.liaison_user, whole_map.office_user, page)
    client.force_login(whole_map.liaison_user)
    client.post(f"{page}rate/", {"village_rating": "good", "version": liaisons_version})
    client.force_login(whole_map.office_user)

    response = client.post(f"{page}rate/", {"village_rating": "pass", "version": offices_version})

    assert STALE in text(response)
    row.refresh_from_db()
    assert row.village_rating == "good"
    missing = client.post(f"{page}rate/", {"village_rating": "pass"})
    assert STALE in text(missing)


def test_a_log_edit_without_a_version_is_refused_and_keeps_the_input(
    client, advisor_user, agreement, village, today
):
    worklog = WorkLogFactory(agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT)
    client.force_login(advisor_user)
    data = log_data(village, service_date=today.isoformat(), content="改过的内容")

    response = client.post(f"/logs/{worklog.pk}/edit/", {**data, "save": "1"})

    assert response.status_code == 200 and STALE in text(response)
    assert "改过的内容" in text(response)
    worklog.refresh_from_db()
    assert worklog.content != "改过的内容"
    again = client.post(
        f"/logs/{worklog.pk}/edit/", {**data, "save": "1", "version": version_on(text(response))}
    )
    assert again.status_code == 302
