"""The public directory in a real phone browser: a resident finds their village by pinyin initials and calls;
axe-core finds no serious or critical accessibility violation on the public pages, normal and 关怀版."""

import pytest
from django.core.cache import cache

from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory

from .conftest import PHONE

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def dongfeng(transactional_db, today, bureau, township):
    cache.clear()
    township.office_phone = "0371-5551234"
    township.save()
    village = VillageFactory(township=township, name="东风村", onsite_hours="每周三 9:00-12:00")
    advisor = AdvisorFactory(bureau=bureau, name="刘洋", work_phone="0371-66668888", mobile="13912345678")
    AgreementFactory(advisor=advisor, village=village)
    VillageFactory(township=township, name="西风村")
    yield village, advisor
    cache.clear()


def test_a_resident_finds_their_village_by_pinyin_initials_and_calls(live_server, small_phone, dongfeng):
    village, advisor = dongfeng
    page = small_phone.new_page()

    page.goto(f"{live_server.url}/public/")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    page.get_by_label("拼音首字母").fill("dfc")
    page.get_by_role("button", name="搜索").click()

    page.get_by_role("link", name="东风村").click()
    page.wait_for_url(f"{live_server.url}/public/villages/{village.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "东风村的法律顾问"
    call = page.locator('a[href="tel:0371-66668888"]')
    assert call.is_visible() and "拨打" in call.inner_text()
    box = call.bounding_box()
    assert box["height"] >= 44  # a finger-sized target
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert "13912345678" not in page.content()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "resultTypes": ["violations"],
            "runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"],
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_the_public_pages_have_no_serious_accessibility_violations(live_server, small_phone, dongfeng, care):
    village, advisor = dongfeng
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/public/")
    if care:
        page.get_by_role("link", name="关怀版（大字）").click()
        assert page.locator("body.care").count() == 1

    found = {}
    for path in (
        "/public/",
        "/public/?q=dfc",
        f"/public/?township={village.township_id}",
        f"/public/villages/{village.pk}/",
        f"/public/advisors/{advisor.pk}/",
        "/public/nowhere/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert (page.locator("body.care").count() == 1) is care, path
        assert page.evaluate(NO_HORIZONTAL_SCROLL), path
        if violations := serious_violations(page):
            found[path] = violations

    assert not found, found


def test_the_pages_reflow_at_320_px_in_elder_mode(live_server, browser, dongfeng):
    """WCAG 1.4.10: 320 CSS px is a 1280 px window at 400% zoom; nothing scrolls sideways."""
    village, advisor = dongfeng
    context = browser.new_context(**{**PHONE, "viewport": {"width": 320, "height": 640}})
    page = context.new_page()
    page.goto(f"{live_server.url}/public/care/?on=1&next=/public/")
    for path in ("/public/?q=dfc", f"/public/villages/{village.pk}/", f"/public/advisors/{advisor.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(NO_HORIZONTAL_SCROLL), path
    context.close()
