"""The review pages as a clerk uses them: opening a period, the period's table (filters, pages, a fixed number of
queries), recomputing and closing; the review page (indicators beside their requirements, the logs behind them, the
score breakdown and the rule); and the "考核" card of each role's home page."""

import re
from datetime import date
from html import unescape

import pytest

from assessment.models import Review, ReviewPeriod
from tests.factories import (
    AdvisorFactory,
    AgreementFactory,
    VillageFactory,
    WorkLogFactory,
    open_review_period,
)
from tests.web import grow, names, queries_of, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(whole_map):
    whole_map.period = open_review_period(whole_map.bureau)
    whole_map.review = Review.objects.get(period=whole_map.period, advisor=whole_map.advisor)
    return whole_map


def more_advisors(w, n: int) -> None:
    """`n` more advisors of `township`, each on a village of their own for the whole year."""
    for i in range(n):
        advisor = AdvisorFactory(bureau=w.bureau, name=f"顾问{i:03d}")
        AgreementFactory(advisor=advisor, village=VillageFactory(township=w.township))


def hrefs(page: str, prefix: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', page) if unescape(h).startswith(prefix)]


# --- opening a period ---


def test_it_opens_an_ended_period_and_shows_its_reviews(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)

    response = client.post("/reviews/periods/open/", {"kind": "year", "year": "2025"})

    period = ReviewPeriod.objects.get(bureau=whole_map.bureau, kind="year", year=2025)
    assert response.status_code == 302 and response["Location"] == f"/reviews/periods/{period.pk}/"
    assert period.opened_by == whole_map.bureau_staff_user
    page = client.get(response["Location"])
    assert "已开启2025年年终考核" in text(page)
    assert names(page) == ["张明"]  # served 张湾村 in 2025 (past_agreement)


def test_it_says_when_the_period_has_not_ended_and_keeps_the_input(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)

    response = client.post("/reviews/periods/open/", {"kind": "half", "year": "2026"})

    assert response.status_code == 200
    page = text(response)
    assert "考核期尚未结束，不能开启考核" in page
    assert re.search(r'<option value="half" selected>', page)
    assert 'value="2026"' in page
    assert not ReviewPeriod.objects.exists()


def test_it_checks_the_year(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)

    response = client.post("/reviews/periods/open/", {"kind": "year", "year": "二〇二五"})

    assert response.status_code == 200
    assert "请填写四位数的年度" in text(response)


def test_it_opens_the_same_period_once(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)
    client.post("/reviews/periods/open/", {"kind": "year", "year": "2025"})
    client.post("/reviews/periods/open/", {"kind": "year", "year": "2025"})

    assert ReviewPeriod.objects.count() == 1
    assert Review.objects.count() == 1


# --- the period's table ---


def test_it_runs_the_same_number_of_queries_on_the_period_page_whatever_the_number_of_reviews(
    client, whole_map, django_assert_max_num_queries
):
    w = whole_map
    more_advisors(w, 2)
    period = open_review_period(w.bureau)
    client.force_login(w.bureau_staff_user)
    few = queries_of(client, f"/reviews/periods/{period.pk}/")

    more_advisors(w, 30)
    grow(w, 10)
    client.post(f"/reviews/periods/{period.pk}/compute/")

    with django_assert_max_num_queries(few):
        response = client.get(f"/reviews/periods/{period.pk}/")
    assert (
        len(names(response)) == 2 + 30 + 10 + 2
    )  # 张明, 李芳, the new ones, grow's advisors on the township


def test_it_pages_the_period_table(client, whole_map):
    w = whole_map
    more_advisors(w, 55)
    period = open_review_period(w.bureau)
    client.force_login(w.bureau_staff_user)

    first = client.get(f"/reviews/periods/{period.pk}/")
    second = client.get(f"/reviews/periods/{period.pk}/?page=2")

    assert len(names(first)) == 50 and len(names(second)) == 7
    assert "共 57 名法律顾问" in text(first)


def test_it_filters_the_period_table_by_township_state_and_tier(client, w):
    client.force_login(w.bureau_staff_user)
    base = f"/reviews/periods/{w.period.pk}/"

    assert names(client.get(base, {"township": w.township.pk})) == ["张明"]
    assert names(client.get(base, {"township": w.other_township.pk})) == ["李芳"]

    client.force_login(w.advisor_user)
    client.post(f"/reviews/{w.review.pk}/object/", {"objection": "讲座少算"})
    client.force_login(w.bureau_staff_user)
    assert names(client.get(base, {"state": "objection"})) == ["张明"]
    assert names(client.get(base, {"state": "self"})) == ["张明", "李芳"]
    assert names(client.get(base, {"state": "final"})) == []

    tier = w.review.proposed_tier
    expected = sorted(r.advisor.name for r in w.period.reviews.all() if r.proposed_tier == tier)
    assert sorted(names(client.get(base, {"tier": tier}))) == expected


def test_it_shows_where_each_review_stands_in_the_table(client, w):
    row = w.review.villages.get(village=w.village)
    client.force_login(w.liaison_user)
    client.post(f"/reviews/villages/{row.pk}/rate/", {"village_rating": "good"})
    client.force_login(w.advisor_user)
    client.post(f"/reviews/{w.review.pk}/object/", {"objection": "讲座少算"})

    client.force_login(w.bureau_staff_user)
    page = text(client.get(f"/reviews/periods/{w.period.pk}/"))

    assert "王庄村、李家村" in page
    assert "1/2" in page  # village ratings given
    assert "有异议，待答复！" in page


def test_it_recomputes_the_open_reviews(client, w):
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 10))
    client.force_login(w.bureau_staff_user)

    response = client.post(f"/reviews/periods/{w.period.pk}/compute/", follow=True)

    assert "已重新计算 2 名法律顾问的考核指标" in text(response)
    row = Review.objects.get(pk=w.review.pk).villages.get(village=w.village)
    assert row.indicators["logs"] == 1


def test_it_closes_a_period_only_when_every_review_is_final(client, w):
    client.force_login(w.bureau_staff_user)

    refused = client.post(f"/reviews/periods/{w.period.pk}/close/", follow=True)
    assert "不能结束考核：尚有2名法律顾问未定等次。" in text(refused)

    for review in w.period.reviews.all():
        client.post(f"/reviews/{review.pk}/finalize/", {"final_tier": review.proposed_tier})
    closed = client.post(f"/reviews/periods/{w.period.pk}/close/", follow=True)
    assert "2026年上半年考核已结束。" in text(closed)
    assert ReviewPeriod.objects.get(pk=w.period.pk).status == ReviewPeriod.Status.CLOSED


# --- the review page ---


def test_it_shows_each_indicator_beside_its_requirement_and_what_is_missing(client, w):
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 10))
    client.force_login(w.bureau_staff_user)
    client.post(f"/reviews/periods/{w.period.pk}/compute/")

    page = text(client.get(f"/reviews/{w.review.pk}/"))

    assert "每月到村服务不少于 1 次" in page
    assert "每季度法治讲座不少于 1 次" in page
    assert "每月到村服务不少于 8 小时" in page
    assert "1 / 6 个月达标" in page
    assert "未达标：2026年1月、2026年2月、2026年4月、2026年5月、2026年6月" in page
    assert "2026年第1季度、2026年第2季度" in page  # no lecture filed
    assert "本期未回访，不计分" in page
    assert "法律咨询 1" in page  # services by type


def test_it_links_each_village_to_its_logs_of_the_period(client, w):
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 10), object_name="期内村民")
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 7, 2), object_name="期后村民")
    WorkLogFactory(agreement=w.second_agreement, service_date=date(2026, 3, 11), object_name="李家村民")
    client.force_login(w.bureau_staff_user)

    page = text(client.get(f"/reviews/{w.review.pk}/"))
    row = w.review.villages.get(village=w.village)
    links = hrefs(page, "/logs/?")
    expected = f"/logs/?advisor={w.advisor.pk}&village={w.village.pk}&date_from=2026-01-01&date_to=2026-06-30"
    assert expected in links, links
    assert row.pk

    assert names(client.get(expected)) == ["期内村民"]


def test_it_filters_the_work_log_list_by_a_date_range(client, w):
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 2, 28), object_name="二月")
    WorkLogFactory(agreement=w.agreement, service_date=date(2026, 3, 1), object_name="三月")
    client.force_login(w.advisor_user)

    assert names(client.get("/logs/", {"date_from": "2026-03-01"})) == ["三月"]
    assert names(client.get("/logs/", {"date_to": "2026-02-28"})) == ["二月"]


def test_it_shows_the_score_breakdown_and_the_rule(client, w):
    client.force_login(w.advisor_user)

    page = text(client.get(f"/reviews/{w.review.pk}/"))

    breakdown = page.split('id="breakdown"', 1)[1].split("</section>", 1)[0]
    for label in ("每月到村服务", "服务时长", "回访满意度", "村(居)评价", "司法所评价", "检查发现问题未整改"):
        assert label in breakdown
    assert "暂不适用" in breakdown  # no return visit, no rating yet
    assert f"总分 <b>{w.review.score}</b>" in breakdown
    assert f"建议等次 <b>{w.review.get_proposed_tier_display()}</b>" in breakdown
    assert "优秀 ≥ 90.0 分，良好 ≥ 80.0 分，合格 ≥ 60.0 分" in breakdown


def test_it_shows_the_opinions_and_the_history(client, w):
    client.force_login(w.advisor_user)
    client.post(
        f"/reviews/{w.review.pk}/self-assessment/", {"self_assessment": "全年按时到村", "self_rating": "good"}
    )
    client.force_login(w.office_user)
    client.post(
        f"/reviews/{w.review.pk}/office-rating/", {"office_rating": "pass", "office_comment": "讲座偏少"}
    )

    page = text(client.get(f"/reviews/{w.review.pk}/"))

    assert "全年按时到村" in page and "讲座偏少" in page
    history = page.split('id="history-title"', 1)[1]
    assert "顾问自评 · 张明" in history and "司法所评价 · 赵敏" in history


def test_it_runs_a_fixed_number_of_queries_on_the_review_page(
    client, whole_map, django_assert_max_num_queries
):
    w = whole_map
    period = open_review_period(w.bureau)
    review = Review.objects.get(period=period, advisor=w.advisor)
    client.force_login(w.office_user)
    few = queries_of(client, f"/reviews/{review.pk}/")

    for _i in range(8):
        AgreementFactory(advisor=w.advisor, village=VillageFactory(township=w.township))
    client.force_login(w.bureau_staff_user)
    client.post(f"/reviews/periods/{period.pk}/compute/")
    client.force_login(w.office_user)

    with django_assert_max_num_queries(few):
        assert client.get(f"/reviews/{review.pk}/").status_code == 200


# --- the home cards ---


def test_it_tells_each_role_on_the_home_page_what_waits_for_them(client, w):
    row = w.review.villages.get(village=w.village)

    client.force_login(w.advisor_user)
    page = text(client.get("/"))
    assert "待自评" in page and "待确认指标" in page and f"/reviews/{w.review.pk}/" in page

    client.force_login(w.liaison_user)
    page = text(client.get("/"))
    assert "请评价法律顾问" in page and f"/reviews/villages/{row.pk}/" in page

    client.force_login(w.office_user)
    assert "1 名顾问待司法所评价" in text(client.get("/"))

    client.force_login(w.bureau_staff_user)
    page = text(client.get("/"))
    assert "2 名顾问待定等次" in page and "开启考核" in page

    client.force_login(w.liaison_user)
    client.post(f"/reviews/villages/{row.pk}/rate/", {"village_rating": "good"})
    assert "请评价法律顾问" not in text(client.get("/"))


@pytest.mark.parametrize("persona", ["bureau_staff_user", "office_user", "advisor_user", "liaison_user"])
def test_it_keeps_the_home_pages_query_count_fixed_with_reviews(
    client, whole_map, django_assert_num_queries, persona
):
    w = whole_map
    open_review_period(w.bureau)
    client.force_login(getattr(w, persona))
    few = queries_of(client, "/")

    grow(w)
    open_review_period(w.bureau, kind="year", year=2025)
    open_review_period(w.bureau)

    with django_assert_num_queries(few):
        assert client.get("/").status_code == 200
