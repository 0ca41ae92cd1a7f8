"""Daily use as each role would try it: the resident finds the public directory from the login page, the office
sees what is missing before forwarding a month, the advisor's phone home opens on the day's work."""

import os

from django.urls import reverse

from ledger.models import TownshipLedger

from .conftest import log_in


def test_a_resident_finds_the_public_directory_from_the_login_page(
    transactional_db, live_server, phone, township
):
    page = phone.new_page()
    page.goto(f"{live_server.url}/")  # not signed in: sent to the login page

    page.get_by_role("link", name="查找我村的法律顾问").click()

    page.wait_for_url(f"{live_server.url}/public/")
    assert page.locator("h1").first.is_visible()


def test_the_office_confirms_a_forwarding_seeing_the_missing_villages_seed_001(
    transactional_db, live_server, browser, office_user, agreement, township
):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}{reverse('ledger:ledger_township', args=[township.pk])}?month=2026-05")

    page.get_by_role("link", name="报送司法局").click()

    assert page.locator("h1").inner_text() == "确认报送司法局"
    missing = page.locator(".missing-ledgers li")
    assert missing.count() == 2 and "王庄村" in missing.first.inner_text()
    assert not TownshipLedger.objects.exists()

    page.get_by_role("button", name="确认报送司法局").click()

    page.wait_for_url("**/ledgers/township/**")
    assert "撤回报送" in page.content()
    assert TownshipLedger.objects.get().forwarded_by == office_user
    context.close()


def test_the_advisors_phone_home_opens_on_todays_onsite_village_seed_003(
    transactional_db, live_server, phone, advisor_user, village, second_village
):
    village.onsite_hours = "每周三 9:00-12:00"  # not today (Monday 15 June)
    village.save()
    second_village.onsite_hours = "每周一 9:00-12:00"
    second_village.save()
    page = phone.new_page()
    log_in(page, live_server, advisor_user.username)

    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 56  # one line: the site's name and 菜单
    assert not page.get_by_role("navigation").is_visible()
    first = page.locator(".village-card").first
    assert "李家村" in first.locator("h2").inner_text() and "今天驻点" in first.inner_text()
    assert first.bounding_box()["y"] < 844  # on the first screen
    assert "驻点未到" in page.locator(f"#village-{village.pk}").locator("..").inner_text()  # 3 and 10 June

    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/advisor-home.png")
    page.locator(".menu-button").click()
    navigation = page.get_by_role("navigation")
    assert navigation.is_visible()
    navigation.get_by_role("link", name="我的日志").click()
    page.wait_for_url(f"{live_server.url}/logs/")
