"""The assessment in the admin: a review is read there while open, and once final only the bureau admin changes it,
through review_change_final (with the reason, recorded); the scoring rule is the bureau admin's to set."""

import re
from datetime import date

import pytest

from accounts.services import role_groups_sync
from assessment.models import Review, ReviewEvent, ScoringRule
from assessment.services import computation, opinions

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, whole_map):
    role_groups_sync()
    client.force_login(whole_map.bureau_admin_user)
    return client


@pytest.fixture
def review(whole_map):
    period = computation.review_period_open(
        bureau=whole_map.bureau, kind="half", year=2026, today=date(2026, 7, 1)
    )
    return Review.objects.get(period=period, advisor=whole_map.advisor)


def _change_form(client, url, **fields) -> dict:
    """The change page's hidden inputs (the inlines' management forms) with `fields`, as the browser posts it."""
    page = client.get(url).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    return {**hidden, "misconduct_reason": "", "change_reason": "", **fields}


def test_an_open_review_is_read_only_in_the_admin(admin_client, review):
    url = f"/admin/assessment/review/{review.pk}/change/"

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"final_tier": "excellent", "change_reason": "直接改"})

    assert 'name="final_tier"' not in page
    review.refresh_from_db()
    assert review.final_tier == "" and not review.is_final


def test_the_bureau_admin_changes_a_final_review_with_a_reason_that_is_recorded(
    admin_client, whole_map, review
):
    opinions.review_finalize(review=review, by=whole_map.bureau_staff_user, tier="pass", reason="按指标")
    url = f"/admin/assessment/review/{review.pk}/change/"

    assert 'name="change_reason"' in admin_client.get(url).content.decode()
    without_reason = admin_client.post(url, _change_form(admin_client, url, final_tier="good"))
    assert without_reason.status_code == 200
    response = admin_client.post(
        url, _change_form(admin_client, url, final_tier="good", change_reason="复核后村民评价有误")
    )

    assert response.status_code == 302, re.findall(
        r"errorlist.*?</ul>|errornote.*?</p>", response.content.decode(), re.S
    )
    review.refresh_from_db()
    assert review.final_tier == "good"
    event = review.events.get(action=ReviewEvent.Action.CHANGED_AFTER_FINAL)
    assert event.note == "复核后村民评价有误" and event.by == whole_map.bureau_admin_user
    assert event.changes["before"]["final_tier"] == "pass"


def test_the_bureau_admin_sets_the_scoring_rule_of_their_bureau(admin_client, whole_map):
    rule = computation.scoring_rule_for(whole_map.bureau)
    url = f"/admin/assessment/scoringrule/{rule.pk}/change/"
    form = {
        field.name: getattr(rule, field.name)
        for field in ScoringRule._meta.fields
        if field.name not in ("id", "bureau")
    }
    form["bureau"] = whole_map.bureau.pk

    response = admin_client.post(url, {**form, "threshold_excellent": "92"})
    refused = admin_client.post(url, {**form, "threshold_excellent": "70"})

    assert response.status_code == 302, re.findall(
        r"errorlist.*?</ul>|errornote.*?</p>", response.content.decode(), re.S
    )
    assert refused.status_code == 200 and "分数线应满足" in refused.content.decode()
    rule.refresh_from_db()
    assert str(rule.threshold_excellent) == "92.0"


def test_the_scoring_rule_of_another_bureau_is_not_found(admin_client, whole_map):
    # SECURITY
    theirs = computation.scoring_rule_for(whole_map.other_bureau)

    assert admin_client.get(f"/admin/assessment/scoringrule/{theirs.pk}/change/").status_code in (302, 404)
