"""The work log on real phones: advisor files, the village confirms, the office verifies; and a dropped network."""

from django.db import OperationalError

from ledger import services
from ledger.models import WorkLog

from .conftest import log_in


def fill_log(page, live_server, village) -> None:
    page.goto(f"{live_server.url}/logs/new/?village={village.pk}")
    page.get_by_label("法律咨询").check()
    page.fill("input[name=object_name]", "王大爷")
    page.fill("input[name=object_phone]", "13912345678")
    page.fill("textarea[name=content]", "咨询宅基地使用权继承问题，讲解了民法典继承编的相关规定。")
    page.fill("textarea[name=result]", "当事人表示清楚，将与兄弟协商。")


def test_it_carries_a_log_from_the_advisors_phone_to_the_offices_verification(
    transactional_db, live_server, browser, phone, advisor_user, liaison_user, office_user, village
):
    advisor_page = phone.new_page()
    log_in(advisor_page, live_server, advisor_user.username)
    fill_log(advisor_page, live_server, village)
    advisor_page.get_by_role("button", name="提交", exact=True).click()
    advisor_page.wait_for_url(f"{live_server.url}/logs/*/")
    assert advisor_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    worklog = WorkLog.objects.get()
    assert worklog.status == WorkLog.Status.SUBMITTED
    log_url = f"{live_server.url}{worklog.get_absolute_url()}"

    liaison = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    liaison_page = liaison.new_page()
    log_in(liaison_page, live_server, liaison_user.username)
    liaison_page.goto(log_url)
    liaison_page.get_by_role("button", name="确认属实").click()
    liaison_page.wait_for_load_state()
    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.CONFIRMED
    assert worklog.confirmed_by == liaison_user
    liaison.close()

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office_page = office.new_page()
    log_in(office_page, live_server, office_user.username)
    office_page.goto(log_url)
    office_page.get_by_role("button", name="核查", exact=True).click()
    office_page.wait_for_load_state()
    worklog.refresh_from_db()
    assert worklog.status == WorkLog.Status.VERIFIED
    assert "已核查" in office_page.content()
    office.close()

    advisor_page.goto(log_url)
    assert "已核查" in advisor_page.content()
    assert (
        advisor_page.get_by_role("link", name="修改", exact=True).count() == 0
    )  # a verified log is read-only


def test_it_loses_nothing_when_the_network_drops_while_filing(
    transactional_db, live_server, phone, advisor_user, village
):
    page = phone.new_page()
    log_in(page, live_server, advisor_user.username)
    fill_log(page, live_server, village)

    # A closed tab: the typed text comes back in a new one.
    page.close()
    page = phone.new_page()
    page.goto(f"{live_server.url}/logs/new/?village={village.pk}")
    page.get_by_text("已恢复未提交的草稿").wait_for()
    assert page.input_value("input[name=object_name]") == "王大爷"
    assert page.get_by_label("法律咨询").is_checked()

    # The network drops as the advisor taps submit: nothing is sent, nothing is lost.
    phone.set_offline(True)
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("网络已断开").first.wait_for()
    assert not WorkLog.objects.exists()
    assert page.input_value("textarea[name=content]").startswith("咨询宅基地使用权继承问题")

    # It comes back: the log is sent by itself, once.
    phone.set_offline(False)
    page.wait_for_url(f"{live_server.url}/logs/*/", timeout=15_000)
    worklog = WorkLog.objects.get()
    assert worklog.status == WorkLog.Status.SUBMITTED
    assert worklog.object_name == "王大爷"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('worklog-new')).length") == 0


def test_it_keeps_the_typed_log_when_the_server_answers_with_an_error(
    transactional_db, live_server, phone, advisor_user, village, monkeypatch
):
    page = phone.new_page()
    log_in(page, live_server, advisor_user.username)
    fill_log(page, live_server, village)
    saving = services.worklog_create

    def locked(**kwargs):
        raise OperationalError("database is locked")

    # The database is busy as the advisor taps submit: the server answers 503, the form stays as typed.
    monkeypatch.setattr(services, "worklog_create", locked)
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("服务器暂时未能保存（错误 503）").first.wait_for()
    assert not WorkLog.objects.exists()
    assert page.input_value("textarea[name=content]").startswith("咨询宅基地使用权继承问题")
    draft = page.evaluate(
        "JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.includes('worklog-new'))))"
    )
    assert draft["pending"] is True and draft["fields"]["object_name"] == "王大爷"

    # A minute later it goes through, once.
    monkeypatch.setattr(services, "worklog_create", saving)
    page.get_by_role("button", name="立即重试").first.click()
    page.wait_for_url(f"{live_server.url}/logs/*/", timeout=15_000)
    assert WorkLog.objects.get().object_name == "王大爷"
