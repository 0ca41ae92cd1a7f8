"""Residents' requests in a real phone browser: a resident asks the village's advisor in 关怀版 and gets a reference;
the advisor answers on their phone, closes it and finds the work log drafted; the forms pass axe-core."""

import re

import pytest
from django.core.cache import cache

from consultations.challenge import DIGITS
from consultations.models import ResidentRequest
from tests.factories import ResidentRequestFactory

from .conftest import log_in
from .test_public_pages import NO_HORIZONTAL_SCROLL, serious_violations


@pytest.fixture
def asking(transactional_db, today, settings, agreement, advisor_user):
    settings.RESIDENT_CHALLENGE_MIN_SECONDS = 0  # the browser fills the form faster than a person
    cache.clear()
    yield agreement
    cache.clear()


def answer_of(page) -> str:
    question = page.locator(".challenge .question").inner_text()
    a, b = re.search(r"(.)加(.)等于几", question).groups()
    return str(DIGITS.index(a) + DIGITS.index(b))


def test_a_resident_asks_the_advisor_from_a_phone_in_elder_mode(live_server, small_phone, asking):
    village = asking.village
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/public/care/?on=1&next=/public/villages/{village.pk}/")

    page.get_by_role("link", name="给法律顾问留言、预约").click()
    assert page.locator("body.care").count() == 1
    page.get_by_label("您的姓名").fill("李大爷")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("想咨询的问题").fill("宅基地边界和邻居有争议。")
    page.get_by_label("到村当面").check()
    page.get_by_label("我同意").check()
    page.get_by_label("为防止冒名和骚扰").fill(answer_of(page))
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    submit = page.get_by_role("button", name="提交留言")
    assert submit.bounding_box()["height"] >= 44
    submit.click()

    page.wait_for_url(re.compile(r"/public/requests/[A-Z2-9]{8}/$"))
    resident_request = ResidentRequest.objects.get()
    assert resident_request.reference in page.locator(".reference").inner_text()
    assert "等待法律顾问联系您" in page.content()
    assert "宅基地" not in page.content()
    assert resident_request.preferred_mode == "onsite"


def test_a_wrong_answer_keeps_what_the_resident_typed(live_server, small_phone, asking):
    page = small_phone.new_page()
    page.goto(f"{live_server.url}/public/villages/{asking.village_id}/ask/")
    page.get_by_label("您的姓名").fill("李大爷")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("想咨询的问题").fill("宅基地边界和邻居有争议。")
    page.get_by_label("我同意").check()
    page.get_by_label("为防止冒名和骚扰").fill("99")
    page.get_by_role("button", name="提交留言").click()

    assert page.get_by_role("alert").first.is_visible()
    assert page.get_by_label("想咨询的问题").input_value() == "宅基地边界和邻居有争议。"
    assert not ResidentRequest.objects.exists()


def test_the_advisor_closes_a_request_and_finds_the_log_drafted(live_server, phone, asking, advisor_user):
    resident_request = ResidentRequestFactory(agreement=asking)
    page = phone.new_page()
    log_in(page, live_server, advisor_user.username)

    page.goto(f"{live_server.url}/consultations/")
    page.get_by_role("link", name=resident_request.reference).click()
    assert page.locator(f'a[href="tel:{resident_request.phone}"]').is_visible()
    page.get_by_label("电话").check()
    page.get_by_label("答复情况").fill("已电话答复，建议先请村委会调解。")
    page.get_by_role("button", name="办结并生成工作日志").click()

    page.wait_for_url(re.compile(r"/logs/\d+/edit/$"))
    assert "工作日志草稿已生成" in page.content()
    assert page.locator("textarea[name=result]").input_value() == "已电话答复，建议先请村委会调解。"
    assert page.locator("input[name=object_name]").input_value() == "李大爷"
    resident_request.refresh_from_db()
    assert resident_request.status == ResidentRequest.Status.CLOSED


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_the_residents_pages_have_no_serious_accessibility_violations(live_server, small_phone, asking, care):
    closed = ResidentRequestFactory(agreement=asking, status=ResidentRequest.Status.CLOSED)
    page = small_phone.new_page()
    if care:
        page.goto(f"{live_server.url}/public/care/?on=1&next=/public/")
    found = {}
    village = asking.village_id
    for path in (
        f"/public/villages/{village}/ask/",
        f"/public/villages/{village}/rate/",
        "/public/requests/",
        f"/public/requests/{closed.reference}/",  # with its rating form
    ):
        page.goto(f"{live_server.url}{path}")
        assert (page.locator("body.care").count() == 1) is care, path
        assert page.evaluate(NO_HORIZONTAL_SCROLL), path
        if violations := serious_violations(page):
            found[path] = violations
    assert not found, found
