"""The home's browse list by pinyin initial (a city or province's townships) in a real phone browser: finger-sized
initials, nothing scrolling sideways, no serious accessibility violation, normal and 关怀版."""

import pytest
from django.core.cache import cache

from publicity.selectors import BROWSE_ALL_UP_TO
from tests.factories import TownshipFactory, VillageFactory

from .test_public_pages import NO_HORIZONTAL_SCROLL, serious_violations


@pytest.fixture
def many_townships(transactional_db, today, bureau):
    cache.clear()
    townships = [
        TownshipFactory(bureau=bureau, name=f"{'东西南北中'[n % 5]}{n:03d}镇")
        for n in range(BROWSE_ALL_UP_TO + 1)
    ]
    VillageFactory(township=townships[0], name="东风村")
    yield townships
    cache.clear()


def test_a_resident_taps_an_initial_then_a_township_then_a_village(live_server, small_phone, many_townships):
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/public/")

    initial = page.get_by_role("link", name="D（", exact=False)
    box = initial.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a finger-sized target
    initial.click()
    page.get_by_role("link", name="东000镇").click()
    page.get_by_role("link", name="东风村").click()

    assert page.get_by_role("heading", level=1).inner_text() == "东风村的法律顾问"


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_the_initials_and_their_lists_have_no_serious_accessibility_violations(
    live_server, small_phone, many_townships, care
):
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/public/")
    if care:
        page.get_by_role("link", name="关怀版（大字）").click()

    found = {}
    for path in ("/public/", "/public/?letter=D", f"/public/?letter=D&township={many_townships[0].pk}"):
        page.goto(f"{live_server.url}{path}")
        assert (page.locator("body.care").count() == 1) is care, path
        assert page.evaluate(NO_HORIZONTAL_SCROLL), path
        if violations := serious_violations(page):
            found[path] = violations

    assert not found, found
