"""The review's workflow through its pages: each opinion's happy path and its refusals (wrong role, stale state, a
reason missing), the objection round, the final tier and its lock, and a change after the lock.

The numbers (indicators, score, tier) are tests/assessment/test_indicators.py's; here only who may do what, when,
and what the page says when it is refused.
"""

import re

import pytest

from assessment.models import Review, ReviewEvent
from tests.factories import open_review_period
from tests.web import text, with_version

pytestmark = pytest.mark.django_db

LOCKED = "该考核已定等次并锁定"


@pytest.fixture
def w(whole_map):
    """`advisor_user`'s review (village, second_village) in the half-year period of `bureau`, open."""
    whole_map.period = open_review_period(whole_map.bureau)
    whole_map.review = Review.objects.get(period=whole_map.period, advisor=whole_map.advisor)
    return whole_map


def url(review: Review, action: str = "") -> str:
    return f"/reviews/{review.pk}/{action}/" if action else f"/reviews/{review.pk}/"


def post_as(client, user, address: str, data: dict | None = None):
    client.force_login(user)
    return client.post(address, with_version(address, data))


def checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button `name`=`value` is checked on the page."""
    return re.search(rf'<input type="radio" name="{name}" value="{value}"[^>]*\bchecked\b', page) is not None


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


def actions(review: Review) -> list[str]:
    return list(review.events.values_list("action", flat=True))


def finalize(client, w, **data):
    return post_as(client, w.bureau_staff_user, url(w.review, "finalize"), {"final_tier": "pass", **data})


def final(client, w) -> Review:
    """Lock the review at its proposed tier through the bureau's page."""
    response = post_as(
        client, w.bureau_staff_user, url(w.review, "finalize"), {"final_tier": w.review.proposed_tier}
    )
    assert response.status_code == 302, text(response)
    return fresh(w.review)


# --- 1. the advisor's self-assessment ---


def test_it_saves_the_advisors_self_assessment(client, w):
    response = post_as(
        client,
        w.advisor_user,
        url(w.review, "self-assessment"),
        {"self_assessment": "每月到村", "self_rating": "good"},
    )

    assert response.status_code == 302 and response["Location"] == url(w.review)
    review = fresh(w.review)
    assert (review.self_assessment, review.self_rating) == ("每月到村", "good")
    assert ReviewEvent.Action.SELF_ASSESSED in actions(review)


def test_it_asks_for_a_self_rating_and_keeps_the_text_typed(client, w):
    response = post_as(
        client, w.advisor_user, url(w.review, "self-assessment"), {"self_assessment": "我的总结"}
    )

    assert response.status_code == 200
    assert "请选择自评等次。" in text(response)
    assert "我的总结</textarea>" in text(response)
    assert fresh(w.review).self_assessed_at is None


@pytest.mark.parametrize("persona", ["bureau_admin_user", "office_user", "superuser"])
def test_it_refuses_the_self_assessment_to_anyone_but_the_advisor(client, w, persona):
    response = post_as(
        client,
        getattr(w, persona),
        url(w.review, "self-assessment"),
        {"self_assessment": "x", "self_rating": "good"},
    )

    assert response.status_code == 403
    assert fresh(w.review).self_assessed_at is None


def test_it_answers_404_to_another_advisor_and_the_liaison(client, w):
    for persona in ("other_advisor_user", "liaison_user", "other_office_user"):
        response = post_as(client, getattr(w, persona), url(w.review, "confirm"))
        assert response.status_code == 404, persona


# --- the advisor's confirmation and the objection round ---


def test_it_records_the_advisors_confirmation(client, w):
    response = post_as(client, w.advisor_user, url(w.review, "confirm"))

    assert response.status_code == 302
    assert fresh(w.review).advisor_response == Review.AdvisorResponse.CONFIRMED


def test_it_asks_what_the_objection_is_about(client, w):
    response = post_as(client, w.advisor_user, url(w.review, "object"), {"objection": "  "})

    assert response.status_code == 200
    assert "请写明对哪项指标有异议及理由。" in text(response)
    assert not fresh(w.review).has_open_objection


def test_it_runs_the_objection_round(client, w):
    """object → the office sees it and answers → the bureau may finalize; no second objection while one is open."""
    response = post_as(client, w.advisor_user, url(w.review, "object"), {"objection": "3月到村服务未计入"})
    assert response.status_code == 302
    assert fresh(w.review).has_open_objection

    # The advisor cannot object twice, nor confirm, while the objection waits: no form, and a refusal if sent.
    page = text(client.get(url(w.review)))
    assert "您的异议正在等待司法所答复。" in page
    assert f'action="{url(w.review, "object")}"' not in page
    again = client.post(url(w.review, "object"), {"objection": "再次提出"})
    assert again.status_code == 200
    assert "您已提出异议，请等待司法所答复。" in text(again)
    assert "再次提出</textarea>" in text(again)
    assert fresh(w.review).objection == "3月到村服务未计入"

    # The bureau may not finalize while it is open.
    refused = finalize(client, w, final_tier=w.review.proposed_tier)
    assert refused.status_code == 200
    assert "顾问的异议尚未经司法所答复，不能定等次。" in text(refused)
    assert not fresh(w.review).is_final

    # The office sees the objection on the period page and answers it on the review's.
    client.force_login(w.office_user)
    period_page = text(client.get(f"/reviews/periods/{w.period.pk}/"))
    assert "有异议，待答复！" in period_page
    page = text(client.get(url(w.review)))
    assert "3月到村服务未计入" in page and f'action="{url(w.review, "answer")}"' in page
    answered = client.post(url(w.review, "answer"), {"objection_answer": "经核实，3月日志未经村确认。"})
    assert answered.status_code == 302
    review = fresh(w.review)
    assert not review.has_open_objection and review.objection_answer == "经核实，3月日志未经村确认。"

    assert finalize(client, w, final_tier=review.proposed_tier).status_code == 302
    assert [a for a in actions(w.review) if a not in ("opened", "computed")] == [
        "objected",
        "answered",
        "finalized",
    ]


def test_it_refuses_an_answer_when_no_objection_is_open(client, w):
    response = post_as(client, w.office_user, url(w.review, "answer"), {"objection_answer": "已核实"})

    assert response.status_code == 200
    assert "没有待答复的异议。" in text(response)


def test_it_refuses_the_answer_to_the_advisor_and_the_bureau(client, w):
    post_as(client, w.advisor_user, url(w.review, "object"), {"objection": "讲座少算"})
    for persona in ("advisor_user", "bureau_staff_user"):
        response = post_as(client, getattr(w, persona), url(w.review, "answer"), {"objection_answer": "x"})
        assert response.status_code == 403, persona


# --- 2. the village's rating, 3. the office's ---


def test_it_takes_the_liaisons_rating_of_their_village(client, w):
    row = w.review.villages.get(village=w.village)
    response = post_as(
        client,
        w.liaison_user,
        f"/reviews/villages/{row.pk}/rate/",
        {"village_rating": "good", "village_comment": "好"},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.village_rating, row.village_rated_by) == ("good", w.liaison_user)
    event = w.review.events.get(action=ReviewEvent.Action.VILLAGE_RATED)
    assert event.note == ""


def test_it_records_the_offices_rating_on_the_villages_behalf_as_such(client, w):
    row = w.review.villages.get(village=w.second_village)
    response = post_as(client, w.office_user, f"/reviews/villages/{row.pk}/rate/", {"village_rating": "pass"})

    assert response.status_code == 302
    assert w.review.events.get(action=ReviewEvent.Action.VILLAGE_RATED).note == "司法所代为录入村(居)评价"


def test_it_asks_why_a_village_rates_its_advisor_fail(client, w):
    row = w.review.villages.get(village=w.village)
    response = post_as(
        client, w.liaison_user, f"/reviews/villages/{row.pk}/rate/", {"village_rating": "fail"}
    )

    assert response.status_code == 200
    assert "评价为不合格时请写明理由。" in text(response)
    assert checked(text(response), "village_rating", "fail")
    row.refresh_from_db()
    assert row.village_rating == ""


def test_it_refuses_the_village_rating_to_the_advisor_and_the_bureau(client, w):
    row = w.review.villages.get(village=w.village)
    for persona in ("advisor_user", "bureau_admin_user"):
        response = post_as(
            client, getattr(w, persona), f"/reviews/villages/{row.pk}/rate/", {"village_rating": "good"}
        )
        assert response.status_code == 403, persona


def test_it_saves_the_offices_rating_and_rescores(client, w):
    before = w.review.score
    response = post_as(
        client,
        w.office_user,
        url(w.review, "office-rating"),
        {"office_rating": "good", "office_comment": "认真负责"},
    )

    assert response.status_code == 302
    review = fresh(w.review)
    assert (review.office_rating, review.office_comment) == ("good", "认真负责")
    office_line = next(line for line in review.breakdown if line["key"] == "office_rating")
    assert office_line["share"] is not None
    assert review.score != before or office_line["earned"] is not None


def test_it_asks_the_office_for_its_comment(client, w):
    response = post_as(client, w.office_user, url(w.review, "office-rating"), {"office_rating": "pass"})

    assert response.status_code == 200
    assert "请填写司法所意见。" in text(response)
    assert fresh(w.review).office_rating == ""


def test_it_refuses_the_office_rating_to_another_township(client, w):
    other = Review.objects.get(period=w.period, advisor=w.other_advisor)
    response = post_as(
        client, w.office_user, url(other, "office-rating"), {"office_rating": "good", "office_comment": "x"}
    )

    assert response.status_code == 404


# --- 4. the bureau's final tier ---


def test_it_finalizes_at_the_proposed_tier_without_a_reason(client, w):
    response = finalize(client, w, final_tier=w.review.proposed_tier)

    assert response.status_code == 302
    review = fresh(w.review)
    assert (
        review.is_final
        and review.final_tier == w.review.proposed_tier
        and review.finalized_by == w.bureau_staff_user
    )


def test_it_preselects_the_proposed_tier_in_the_bureaus_form(client, w):
    client.force_login(w.bureau_staff_user)
    page = text(client.get(url(w.review)))

    assert checked(page, "final_tier", w.review.proposed_tier)


def test_it_asks_for_a_reason_when_the_tier_differs_and_keeps_what_was_typed(client, w):
    other_tier = "excellent" if w.review.proposed_tier != "excellent" else "good"
    response = finalize(client, w, final_tier=other_tier, misconduct_reason="草稿文字")

    assert response.status_code == 200
    page = text(response)
    assert "请写明调整理由" in page
    # the message sits on the reason field, the typed text and the chosen tier are still there
    reason_block = page.split('name="override_reason"', 1)[1].split("</div>", 1)[0]
    assert "请写明调整理由" in reason_block
    assert "草稿文字</textarea>" in page
    assert checked(page, "final_tier", other_tier)
    assert not fresh(w.review).is_final


def test_it_keeps_the_reason_of_an_override(client, w):
    other_tier = "excellent" if w.review.proposed_tier != "excellent" else "good"
    response = finalize(client, w, final_tier=other_tier, override_reason="回访群众评价很高")

    assert response.status_code == 302
    review = fresh(w.review)
    assert (review.final_tier, review.override_reason) == (other_tier, "回访群众评价很高")
    client.force_login(w.advisor_user)
    assert "回访群众评价很高" in text(client.get(url(w.review)))


def test_it_asks_what_the_misconduct_was(client, w):
    response = finalize(client, w, final_tier=w.review.proposed_tier, misconduct="on")

    assert response.status_code == 200
    assert "请写明违规违纪情况。" in text(response)
    assert not fresh(w.review).is_final


@pytest.mark.parametrize("persona", ["office_user", "advisor_user", "superuser"])
def test_it_refuses_the_final_tier_to_anyone_but_the_bureau(client, w, persona):
    response = post_as(
        client, getattr(w, persona), url(w.review, "finalize"), {"final_tier": "good", "override_reason": "x"}
    )

    assert response.status_code == 403
    assert not fresh(w.review).is_final


def test_it_answers_404_to_another_bureau_finalizing(client, w):
    response = post_as(client, w.other_bureau_admin_user, url(w.review, "finalize"), {"final_tier": "good"})

    assert response.status_code == 404


# --- the lock, and a change after it ---


@pytest.mark.parametrize(
    ("persona", "action", "data"),
    [
        ("advisor_user", "self-assessment", {"self_assessment": "补充", "self_rating": "good"}),
        ("advisor_user", "confirm", {}),
        ("advisor_user", "object", {"objection": "定等后才看到"}),
        ("office_user", "office-rating", {"office_rating": "good", "office_comment": "补评"}),
        ("office_user", "answer", {"objection_answer": "补答"}),
        ("bureau_staff_user", "finalize", {"final_tier": "good", "override_reason": "再定一次"}),
    ],
)
def test_it_refuses_every_opinion_once_final_with_the_lock_message(client, w, persona, action, data):
    locked = final(client, w)

    response = post_as(client, getattr(w, persona), url(w.review, action), data)

    assert response.status_code == 200
    assert LOCKED in text(response)
    after = fresh(w.review)
    assert (after.final_tier, after.self_assessment, after.office_rating, after.advisor_response) == (
        locked.final_tier,
        locked.self_assessment,
        locked.office_rating,
        locked.advisor_response,
    )


def test_it_refuses_the_village_rating_once_final_with_the_lock_message(client, w):
    final(client, w)
    row = w.review.villages.get(village=w.village)

    response = post_as(
        client, w.liaison_user, f"/reviews/villages/{row.pk}/rate/", {"village_rating": "good"}
    )

    assert response.status_code == 200
    assert LOCKED in text(response)
    row.refresh_from_db()
    assert row.village_rating == ""


def test_it_shows_no_opinion_form_once_final(client, w):
    final(client, w)
    for persona in ("advisor_user", "office_user", "bureau_staff_user"):
        client.force_login(getattr(w, persona))
        page = text(client.get(url(w.review)))
        assert "已锁定" in page
        for action in (
            "self-assessment",
            "confirm",
            "object",
            "office-rating",
            "answer",
            "finalize",
            "change",
        ):
            assert f'action="{url(w.review, action)}"' not in page, (persona, action)


def test_it_lets_a_bureau_admin_change_the_final_tier_with_a_reason(client, w):
    locked = final(client, w)
    new_tier = "fail" if locked.final_tier != "fail" else "pass"
    client.force_login(w.bureau_admin_user)
    assert f'action="{url(w.review, "change")}"' in text(client.get(url(w.review)))

    response = client.post(url(w.review, "change"), {"final_tier": new_tier, "reason": "复核发现虚报日志"})

    assert response.status_code == 302
    assert fresh(w.review).final_tier == new_tier
    event = w.review.events.get(action=ReviewEvent.Action.CHANGED_AFTER_FINAL)
    assert event.note == "复核发现虚报日志"
    assert event.changes["before"]["final_tier"] == locked.final_tier
    assert "复核发现虚报日志" in text(client.get(url(w.review)))


def test_it_asks_for_the_reason_of_a_change_after_final(client, w):
    locked = final(client, w)
    response = post_as(client, w.bureau_admin_user, url(w.review, "change"), {"final_tier": "fail"})

    assert response.status_code == 200
    assert "定等后修改须写明理由。" in text(response)
    assert fresh(w.review).final_tier == locked.final_tier


def test_it_refuses_a_change_after_final_to_bureau_staff(client, w):
    final(client, w)
    response = post_as(
        client, w.bureau_staff_user, url(w.review, "change"), {"final_tier": "fail", "reason": "x"}
    )

    assert response.status_code == 403


def test_it_refuses_a_change_before_final(client, w):
    response = post_as(
        client, w.bureau_admin_user, url(w.review, "change"), {"final_tier": "fail", "reason": "x"}
    )

    assert response.status_code == 200
    assert "该考核尚未定等次，请直接定等。" in text(response)
