"""Each role on a phone: the home page fits the screen, and another township's or advisor's page is a 404."""

import pytest

from .conftest import log_in

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def everyone(
    advisor_user, liaison_user, office_user, bureau_staff_user, other_agreement, other_bureau_agreement
):
    return {
        "advisor": advisor_user,
        "liaison": liaison_user,
        "office": office_user,
        "bureau": bureau_staff_user,
    }


@pytest.mark.parametrize("role", ["advisor", "liaison", "office", "bureau"])
def test_it_fits_each_roles_home_on_a_360_px_phone(transactional_db, live_server, phone, everyone, role):
    page = phone.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, everyone[role].username)

    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.locator("h1").first.is_visible()
    for path in ("/villages/", "/advisors/agreements/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(NO_HORIZONTAL_SCROLL), path


@pytest.mark.parametrize("role", ["advisor", "liaison", "office"])
def test_it_answers_404_for_another_townships_village_and_agreement(
    transactional_db, live_server, phone, everyone, other_agreement, role
):
    # SECURITY
    page = phone.new_page()
    log_in(page, live_server, everyone[role].username)

    for path in (other_agreement.village.get_absolute_url(), other_agreement.get_absolute_url()):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path


def test_it_answers_404_to_the_bureau_for_another_bureaus_agreement(
    transactional_db, live_server, phone, everyone, other_bureau_agreement
):
    # SECURITY
    page = phone.new_page()
    log_in(page, live_server, everyone["bureau"].username)

    response = page.goto(f"{live_server.url}{other_bureau_agreement.get_absolute_url()}")
    assert response.status == 404
