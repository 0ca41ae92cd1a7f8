"""City and province staff open the dashboards and reports of the bureaus below them, read only (issue 18)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_city_opens_the_dashboard_of_each_of_its_bureaus_and_of_no_other(
    client, city_user, bureau, sibling_bureau, other_bureau, township
):
    client.force_login(city_user)
    assert bureau.name in client.get("/deadlines/", {"bureau": bureau.pk}).content.decode()
    assert sibling_bureau.name in client.get("/deadlines/", {"bureau": sibling_bureau.pk}).content.decode()
    assert client.get("/deadlines/", {"bureau": other_bureau.pk}).status_code == 404
    assert client.get("/deadlines/", {"bureau": city_user.profile.bureau_id}).status_code == 404


def test_the_month_and_filter_links_of_a_bureaus_dashboard_stay_on_that_bureau(
    client, city_user, sibling_bureau, township
):
    client.force_login(city_user)
    page = client.get("/deadlines/", {"bureau": sibling_bureau.pk, "month": "2026-03"}).content.decode()

    assert f'href="?bureau={sibling_bureau.pk}&amp;month=2026-02"' in page  # 上个月
    assert f'href="?bureau={sibling_bureau.pk}&amp;month=2026-03&amp;show=all#villages"' in page


def test_a_province_opens_the_statistics_of_any_bureau_below_it(client, province_user, bureau, other_bureau):
    client.force_login(province_user)
    for county in (bureau, other_bureau):
        response = client.get("/logs/reports/statistics/", {"bureau": county.pk, "year": 2026})
        assert response.status_code == 200
        assert county.name in response.content.decode()


def test_a_county_opens_nothing_of_its_city(client, bureau_staff_user, city_bureau, sibling_bureau):
    client.force_login(bureau_staff_user)
    assert client.get("/logs/reports/statistics/", {"bureau": sibling_bureau.pk}).status_code == 404
    assert client.get("/deadlines/", {"bureau": sibling_bureau.pk}).status_code == 200  # their own, as before
    assert sibling_bureau.name not in client.get("/deadlines/").content.decode()


def test_the_city_home_lists_its_bureaus_and_not_another_city(
    client, city_user, bureau, sibling_bureau, other_bureau
):
    client.force_login(city_user)
    page = client.get("/").content.decode()
    assert bureau.name in page and sibling_bureau.name in page and other_bureau.name not in page


def test_oversight_may_not_reveal_a_personal_phone(client, city_user, advisor):
    client.force_login(city_user)
    assert client.post(f"/reveal/advisor-mobile/{advisor.pk}/").status_code == 403
