"""The oversight pages through the client: a city sees its own county bureaus and none of another city's, the
province sees both cities with their subtotals and drills into each; every page answers HTML, Excel and PDF; the
bureaus' own staff, offices, advisors and liaisons get 404; bad parameters get the Chinese 404 page, never a 500."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import BureauFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

PAGES = ["coverage", "ledgers", "incidents", "reviews", "statistics", "year-end"]
SECTIONS = ["coverage", "ledgers", "incidents", "reviews", "statistics"]


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(f"/oversight/{path}", params)


@pytest.mark.parametrize("page", ["", *(f"{p}/" for p in PAGES)])
def test_each_page_answers_the_city_and_the_province(client, work, city_user, province_user, page):
    for user in (city_user, province_user):
        response = get(client, user, page, period="2026-05")
        assert response.status_code == 200, (user, page)
        assert "城关区司法局" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_each_page_downloads_as_excel_and_pdf(client, work, province_user, page):
    xlsx = get(client, province_user, f"{page}/", period="2026-H1", format="xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert any("河南省司法厅" in c for c in cells)
    if page != "year-end":
        assert "平顶山市司法局（小计）" in cells and "洛阳市司法局（小计）" in cells and "合计" in cells
    pdf = get(client, province_user, f"{page}/", period="2026-H1", format="pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_city_sees_its_counties_and_none_of_another_city(client, work, city_user, sibling_bureau):
    response = get(client, city_user, "coverage/", period="2026")
    sheet = response.context["sheet"]
    assert [line.bureau.name for line in sheet.lines] == ["城关区司法局", "卫东区司法局"]
    assert [line.kind for line in sheet.lines] == ["county", "county"]  # a city's own counties: no subtotal
    page = response.content.decode()
    assert "新华区司法局" not in page and "洛阳市司法局" not in page
    row = sheet.lines[0].values
    assert row[:9] == [2, 4, 3, 2, 3, 1, 1, 1, 0]
    assert sheet.total.values[:3] == [2, 4, 3]  # the sibling bureau has no township yet


def test_the_province_groups_counties_under_their_city_and_drills_into_a_city(
    client, work, province_user, province_bureau, city_bureau, other_city_bureau
):
    sheet = get(client, province_user, "statistics/", period="2026-05").context["sheet"]
    assert [(line.kind, line.bureau.name) for line in sheet.lines] == [
        ("city", "平顶山市司法局"),
        ("county", "城关区司法局"),
        ("county", "卫东区司法局"),
        ("city", "洛阳市司法局"),
        ("county", "新华区司法局"),
    ]
    consultation = 0  # the first column: 法律咨询（人次）
    by_name = {line.bureau.name: line.values for line in sheet.lines}
    assert by_name["平顶山市司法局"][consultation] == 3
    assert by_name["洛阳市司法局"][consultation] == 2
    assert sheet.total.values[consultation] == 5
    drilled = get(client, province_user, "statistics/", period="2026-05", under=city_bureau.pk)
    assert [line.bureau.name for line in drilled.context["sheet"].lines] == ["城关区司法局", "卫东区司法局"]
    assert f"under={province_bureau.pk}" in drilled.content.decode()  # 返回上一级


def test_the_year_end_figures_read_like_the_city_report_seed_004(client, work, city_user):
    response = get(client, city_user, "year-end/", period="2026-H1")
    paragraph = response.context["year_end"].paragraph
    assert "全市共有村(居)法律顾问2名，服务村(社区)3个" in paragraph
    assert "为村(社区)群众提供法律咨询4人次" in paragraph
    assert "其中，重大疑难矛盾纠纷或信访积案1起" in paragraph


def test_a_bureau_page_shows_its_figures_and_links_to_its_own_pages_read_only(
    client, work, city_user, bureau
):
    response = get(client, city_user, f"bureaus/{bureau.pk}/", period="2026-H1")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/logs/reports/statistics/?bureau={bureau.pk}&amp;year=2026&amp;half=1" in page
    assert f"/deadlines/?bureau={bureau.pk}&amp;month=2026-06" in page
    assert [sheet.lines[0].values[:3] for sheet in response.context["sheets"]][0] == [2, 4, 3]


@pytest.mark.parametrize("page", PAGES)
def test_a_city_cannot_reach_another_city_by_a_parameter(
    client, work, city_user, other_city_bureau, other_bureau, province_bureau, page
):
    for under in (other_city_bureau.pk, other_bureau.pk, province_bureau.pk):
        assert get(client, city_user, f"{page}/", under=under).status_code == 404
    assert get(client, city_user, f"bureaus/{other_bureau.pk}/").status_code == 404


def test_a_city_may_look_at_one_of_its_counties_as_the_subtree(client, work, city_user, bureau):
    response = get(client, city_user, "ledgers/", under=bureau.pk, period="2026-05")
    assert [line.bureau.name for line in response.context["sheet"].lines] == ["城关区司法局"]
    assert response.context["sheet"].lines[0].values[:5] == [3, 1, 1, 1, 0]


@pytest.mark.parametrize(
    "persona",
    ["bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user", "stranger"],
)
def test_the_bureaus_own_people_get_404(client, work, city_user, persona, request, bureau):
    user = request.getfixturevalue(persona)
    for page in ["", *(f"{p}/" for p in PAGES), f"bureaus/{bureau.pk}/"]:
        assert get(client, user, page).status_code == 404, (persona, page)


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/oversight/coverage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026-13"},
        {"period": "abc"},
        {"period": "1999"},
        {"period": "2026-Q0"},
        {"under": "abc"},
        {"under": "0"},
        {"under": "99999999999"},
        {"under": "²"},
        {"under": "123456"},
        {"format": "doc"},
    ],
)
def test_bad_parameters_get_the_chinese_404_page(client, work, province_user, params):
    for page in ("coverage/", "year-end/", ""):
        if page == "" and "format" in params:
            continue
        response = get(client, province_user, page, **params)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()


def _more_counties(city, n=3):
    for _ in range(n):
        county = BureauFactory(parent=city)
        VillageFactory(township=TownshipFactory(bureau=county))


@pytest.mark.parametrize("page", ["", *(f"{p}/" for p in PAGES)])
def test_each_page_reads_a_fixed_number_of_queries_whatever_the_number_of_bureaus(
    client, work, province_user, city_bureau, other_city_bureau, page, django_assert_max_num_queries
):
    client.force_login(province_user)
    client.get(f"/oversight/{page}", {"period": "2026"})  # the session and the caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/oversight/{page}", {"period": "2026"}).status_code == 200
    _more_counties(city_bureau)
    _more_counties(other_city_bureau)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/oversight/{page}", {"period": "2026"}).status_code == 200
    assert len(few.captured_queries) <= 14


def test_the_bureau_page_reads_a_fixed_number_of_queries(
    client, work, city_user, bureau, django_assert_max_num_queries
):
    client.force_login(city_user)
    with django_assert_max_num_queries(30):
        assert client.get(f"/oversight/bureaus/{bureau.pk}/").status_code == 200
