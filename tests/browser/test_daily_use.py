"""Daily use as each role would try it: the resident finds the public directory from the login page, the office
sees what is missing before forwarding a month, the advisor's phone home opens on the day's work."""

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
