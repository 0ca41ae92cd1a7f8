"""Who sees which review: an advisor their own only, a justice office its township's, the bureau its bureau's, the
liaison their village's row (never the whole review), another bureau nothing. Table-driven over the personas of
tests/conftest.py; the URL table of tests/test_url_scoping.py checks every URL's 200/403/404 besides.
"""

import pytest

from assessment.models import Review
from tests.factories import open_review_period
from tests.web import names, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(whole_map):
    """The half-year periods of both bureaus opened: reviews of 张明 (advisor_user: 王庄村, 李家村 of 柳林镇),
    李芳 (other_advisor_user: 桃园社区 of 桃园街道) and, in the other bureau, 王强."""
    whole_map.period = open_review_period(whole_map.bureau)
    whole_map.other_period = open_review_period(whole_map.other_bureau)
    reviews = {r.advisor.name: r for r in Review.objects.select_related("advisor")}
    whole_map.reviews = reviews
    return whole_map


# persona → the advisors whose reviews they read (in the period table and on the review pages).
READS = {
    "bureau_admin_user": {"张明", "李芳"},
    "bureau_staff_user": {"张明", "李芳"},
    "office_user": {"张明"},
    "other_office_user": {"李芳"},
    "advisor_user": {"张明"},
    "other_advisor_user": {"李芳"},
    "liaison_user": set(),
    "other_bureau_admin_user": {"王强"},
    "stranger": set(),
    "superuser": {"张明", "李芳", "王强"},
}


@pytest.mark.parametrize(("persona", "readable"), READS.items())
def test_it_shows_each_persona_the_reviews_in_their_scope_only(client, w, persona, readable):
    client.force_login(getattr(w, persona))

    for name, review in w.reviews.items():
        status = client.get(f"/reviews/{review.pk}/").status_code
        assert status == (200 if name in readable else 404), (persona, name, status)


# persona → the periods they open: everyone of the bureau (the liaison: see below), and the other bureau its own.
PERIODS = {
    persona: {"period"}
    if persona in ("bureau_admin_user", "bureau_staff_user") or "office" in persona or "advisor" in persona
    else set()
    for persona in READS
}
PERIODS["other_bureau_admin_user"] = {"other_period"}
PERIODS["superuser"] = {"period", "other_period"}


@pytest.mark.parametrize("persona", [p for p in READS if p != "liaison_user"])
def test_it_lists_in_the_period_table_only_the_reviews_in_scope(client, w, persona):
    client.force_login(getattr(w, persona))

    for attribute in ("period", "other_period"):
        response = client.get(f"/reviews/periods/{getattr(w, attribute).pk}/")
        if attribute not in PERIODS[persona]:
            assert response.status_code == 404, (persona, attribute)
            continue
        assert response.status_code == 200
        in_period = {r.advisor.name for r in getattr(w, attribute).reviews.all()}
        assert set(names(response)) == READS[persona] & in_period, (persona, attribute)


def test_it_shows_the_liaison_their_villages_row_and_not_the_whole_review(client, w):
    client.force_login(w.liaison_user)
    review = w.reviews["张明"]
    row = review.villages.get(village=w.village)
    other_row = review.villages.get(village=w.second_village)

    period_page = text(client.get(f"/reviews/periods/{w.period.pk}/"))
    assert "王庄村" in period_page and "李家村" not in period_page and "李芳" not in period_page
    assert f"/reviews/villages/{row.pk}/" in period_page

    page = client.get(f"/reviews/villages/{row.pk}/")
    assert page.status_code == 200
    assert "王庄村" in text(page) and 'name="village_rating"' in text(page)
    assert f'href="/reviews/{review.pk}/"' not in text(page)  # the whole review is not theirs to read
    assert client.get(f"/reviews/villages/{other_row.pk}/").status_code == 404
    assert client.get(f"/reviews/{review.pk}/").status_code == 404


def test_it_lists_only_the_periods_in_scope(client, w):
    client.force_login(w.advisor_user)
    assert "2026年上半年考核" in text(client.get("/reviews/"))

    client.force_login(w.stranger)
    page = text(client.get("/reviews/"))
    assert "还没有考核" in page and "开启考核" not in page


def test_it_offers_the_open_form_to_bureau_staff_only(client, w):
    client.force_login(w.bureau_staff_user)
    assert 'action="/reviews/periods/open/"' in text(client.get("/reviews/"))

    for persona in ("office_user", "advisor_user", "liaison_user"):
        client.force_login(getattr(w, persona))
        assert 'action="/reviews/periods/open/"' not in text(client.get("/reviews/"))
        assert client.post("/reviews/periods/open/", {"kind": "year", "year": 2025}).status_code == 403


def test_it_offers_the_period_buttons_to_the_bureau_only(client, w):
    compute = f'action="/reviews/periods/{w.period.pk}/compute/"'
    client.force_login(w.bureau_admin_user)
    assert compute in text(client.get(f"/reviews/periods/{w.period.pk}/"))

    client.force_login(w.office_user)
    assert compute not in text(client.get(f"/reviews/periods/{w.period.pk}/"))
    assert client.post(f"/reviews/periods/{w.period.pk}/compute/").status_code == 403
    assert client.post(f"/reviews/periods/{w.period.pk}/close/").status_code == 403


def test_it_shows_each_role_only_the_forms_it_may_use(client, w):
    review = w.reviews["张明"]
    expected = {
        "advisor_user": {"self-assessment", "confirm", "object"},
        "office_user": {"office-rating"},
        "bureau_staff_user": {"finalize"},
        "bureau_admin_user": {"finalize"},
        "superuser": set(),
    }
    for persona, forms in expected.items():
        client.force_login(getattr(w, persona))
        page = text(client.get(f"/reviews/{review.pk}/"))
        shown = {
            action
            for action in (
                "self-assessment",
                "confirm",
                "object",
                "office-rating",
                "answer",
                "finalize",
                "change",
            )
            if f'action="/reviews/{review.pk}/{action}/"' in page
        }
        assert shown == forms, persona


def test_it_links_the_office_to_rate_its_villages_on_their_behalf(client, w):
    review = w.reviews["张明"]
    row = review.villages.get(village=w.village)
    client.force_login(w.office_user)
    assert f"/reviews/villages/{row.pk}/" in text(client.get(f"/reviews/{review.pk}/"))

    page = text(client.get(f"/reviews/villages/{row.pk}/"))
    assert "代为录入村(居)评价" in page

    client.force_login(w.bureau_staff_user)
    page = text(client.get(f"/reviews/villages/{row.pk}/"))
    assert 'name="village_rating"' not in page
