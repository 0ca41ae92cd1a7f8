"""The half-year review as its people walk it in a real browser: the bureau clerk opens the period in early July,
finalizes a review with a reason for another tier, reads the payout sheet and downloads it; the advisor objects on a
phone, the justice office answers and rates, and the bureau sets the tier."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from assessment.models import Review, ReviewEvent, Tier
from tests.factories import open_review_period

from .conftest import PHONE, log_in

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
REASON = "该顾问上半年成功调解重大纠纷一起，经局务会研究调整等次。"
# 张明 has two whole-year agreements of 12000 元: 6000 元 each for the half-year, paid by the final tier.
HALF_YEAR_SUBSIDY = Decimal("6000.00")
PAYOUT = {Tier.EXCELLENT: 100, Tier.GOOD: 100, Tier.PASS: 70, Tier.FAIL: 50}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def july(whole_map):
    """Early July 2026: the first half-year has ended and is due to be reviewed (`whole_map`, a few weeks later)."""
    with time_machine.travel(datetime(2026, 7, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield whole_map


def test_a_clerk_opens_the_half_year_finalizes_with_a_reason_and_downloads_the_payout_sheet(
    transactional_db, live_server, browser, july
):
    w = july
    # A bureau whose half-year tier pays the first half (seed 004's year-end-only pay is the default).
    w.bureau.half_year_review_pays = True
    w.bureau.save(update_fields=["half_year_review_pays"])
    context = browser.new_context(**DESKTOP, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, live_server, w.bureau_staff_user.username)

    # From the home page to the periods page; the form offers the period due now (the first half of 2026).
    page.get_by_role("navigation").get_by_role("link", name="考核", exact=True).click()
    page.wait_for_url(f"{live_server.url}/reviews/")
    assert page.input_value("input[name=year]") == "2026"
    page.get_by_role("button", name="开启考核").click()
    page.wait_for_url(f"{live_server.url}/reviews/periods/*/")
    assert "已开启2026年上半年考核" in page.locator(".messages").inner_text()
    review = Review.objects.get(period__year=2026, period__kind="half", advisor=w.advisor)
    assert review.computed_at is not None

    # The advisor's review, and the tier the clerk sets instead of the proposed one.
    page.get_by_role("link", name="张明", exact=True).click()
    page.wait_for_url(f"{live_server.url}{review.get_absolute_url()}")
    tier = Tier.GOOD if review.proposed_tier != Tier.GOOD else Tier.PASS
    page.locator(".next-steps").get_by_role("link", name="确定等次").click()
    finalize = page.locator("#finalize")
    finalize.get_by_label(str(tier.label), exact=True).check()

    # Without a reason: refused, said at the top of the page and at the field, the choice kept.
    finalize.get_by_role("button", name="确定等次").click()
    page.wait_for_load_state()
    assert "还没有保存" in page.get_by_role("alert").first.inner_text()
    assert "请写明调整理由" in page.locator("#finalize").inner_text()
    assert page.locator("#finalize").get_by_label(str(tier.label), exact=True).is_checked()
    assert Review.objects.get(pk=review.pk).status == Review.Status.OPEN

    page.get_by_role("link", name="前往填写").click()
    page.fill("textarea[name=override_reason]", REASON)
    page.locator("#finalize").get_by_role("button", name="确定等次").click()
    page.wait_for_url(f"{live_server.url}{review.get_absolute_url()}")
    assert "已确定最终等次" in page.locator(".messages").inner_text()
    assert REASON in page.locator("#tier-title + dl").inner_text()
    review.refresh_from_db()
    assert (review.status, review.final_tier, review.override_reason) == (Review.Status.FINAL, tier, REASON)

    # Back to the period, on to the payout sheet: 张明's two agreements paid by the final tier.
    page.get_by_role("link", name=review.period.label).first.click()
    page.get_by_role("link", name="补贴发放表").click()
    page.wait_for_url(f"{live_server.url}/reviews/periods/{review.period_id}/payout/")
    each = (HALF_YEAR_SUBSIDY * PAYOUT[tier] / 100).quantize(Decimal("0.01"))
    rows = page.locator("table.report tbody tr", has_text="张明")
    assert rows.count() == 2
    assert f"{each:.2f}" in rows.first.inner_text()
    assert f"应发合计 {2 * each:.2f} 元" in page.locator(".stats").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as workbook:
        sheet = load_workbook(workbook).active
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "序号")
    amounts = [row for row in sheet.iter_rows(values_only=True) if row[1] == "张明"]
    assert len(amounts) == 2
    assert Decimal(str(amounts[0][header.index("应发金额（元）")])) == each
    assert amounts[0][header.index("考核等次")] == str(tier.label)
    context.close()


def test_an_objection_goes_from_the_advisors_phone_to_the_office_and_then_to_the_final_tier(
    transactional_db, live_server, browser, whole_map
):
    w = whole_map
    period = open_review_period(w.bureau)
    review = Review.objects.get(period=period, advisor=w.advisor)
    review_url = f"{live_server.url}{review.get_absolute_url()}"

    # The advisor, on a phone: from the home page's card to the review; self-assessment, then an objection.
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(15_000)
    advisor = phone.new_page()
    log_in(advisor, live_server, w.advisor_user.username)
    advisor.get_by_role("link", name=period.label).first.click()
    advisor.wait_for_url(review_url)
    assert fits_the_screen(advisor)
    advisor.get_by_role("link", name="填写自评").click()
    advisor.fill("textarea[name=self_assessment]", "上半年每月到村服务，按季度开展法治讲座。")
    advisor.locator("#advisor-actions").get_by_label("良好", exact=True).check()
    advisor.get_by_role("button", name="提交自评").click()
    advisor.wait_for_url(review_url)
    assert "自我评价已保存" in advisor.locator(".messages").inner_text()

    advisor.get_by_role("link", name="确认指标或提出异议").click()
    advisor.fill("textarea[name=objection]", "5月台账系24日报送，指标显示逾期，请核实。")
    advisor.get_by_role("button", name="提出异议").click()
    advisor.wait_for_url(review_url)
    assert "异议已提交" in advisor.locator(".messages").inner_text()
    assert fits_the_screen(advisor)

    # The justice office, on a desktop: answers the objection, then rates.
    desk = browser.new_context(**DESKTOP)
    desk.set_default_timeout(15_000)
    office = desk.new_page()
    log_in(office, live_server, w.office_user.username)
    office.goto(f"{live_server.url}{period.get_absolute_url()}")
    objections = office.locator(".stat-bad", has_text="异议待答复")
    assert objections.locator("b").inner_text() == "1"
    objections.get_by_role("link").click()
    office.wait_for_url("**/?state=objection")
    office.get_by_role("link", name="张明", exact=True).click()
    office.wait_for_url(review_url)
    office.locator(".next-steps").get_by_role("link", name="答复顾问的异议").click()
    office.fill("textarea[name=objection_answer]", "经核对报送记录，5月台账于27日报送，指标无误。")
    office.get_by_role("button", name="提交答复").click()
    office.wait_for_url(review_url)
    assert "已答复顾问的异议" in office.locator(".messages").inner_text()
    office.locator("#office-actions").get_by_label("优良", exact=True).check()
    office.fill("textarea[name=office_comment]", "经走访村干部和群众，服务认真。")
    office.get_by_role("button", name="保存评价").click()
    office.wait_for_url(review_url)
    assert "司法所评价已保存" in office.locator(".messages").inner_text()
    desk.close()

    # The advisor reads the answer and confirms.
    advisor.reload()
    assert "指标无误" in advisor.locator("#objection-title").locator("..").inner_text()
    advisor.get_by_role("button", name="确认指标无误").click()
    advisor.wait_for_url(review_url)
    assert "您已确认考核指标" in advisor.locator(".messages").inner_text()
    phone.close()

    # The bureau sets the proposed tier: no reason needed.
    desk = browser.new_context(**DESKTOP)
    desk.set_default_timeout(15_000)
    clerk = desk.new_page()
    log_in(clerk, live_server, w.bureau_staff_user.username)
    clerk.goto(review_url)
    review.refresh_from_db()
    assert (
        clerk.locator("#finalize").get_by_label(review.get_proposed_tier_display(), exact=True).is_checked()
    )
    clerk.locator("#finalize").get_by_role("button", name="确定等次").click()
    clerk.wait_for_url(review_url)
    assert "已确定最终等次" in clerk.locator(".messages").inner_text()
    history = clerk.locator("ol.history").inner_text()
    assert "司法所答复异议 · 赵敏" in history and "司法局定等 · 刘洋" in history
    desk.close()

    review.refresh_from_db()
    assert (review.status, review.final_tier) == (Review.Status.FINAL, review.proposed_tier)
    assert list(review.events.values_list("action", flat=True)) == [
        ReviewEvent.Action.OPENED,
        ReviewEvent.Action.SELF_ASSESSED,
        ReviewEvent.Action.OBJECTED,
        ReviewEvent.Action.ANSWERED,
        ReviewEvent.Action.OFFICE_RATED,
        ReviewEvent.Action.CONFIRMED,
        ReviewEvent.Action.FINALIZED,
    ]
