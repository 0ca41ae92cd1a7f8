"""The village and township pages, seen by each role: exactly the rows in scope, filters, paging, a fixed number
of queries, and 404 for anything outside the user's scope (see the map in tests/conftest.py)."""

from datetime import date

import pytest

from tests.factories import AgreementFactory, TownshipFactory, VillageFactory
from tests.web import grow, names, queries_of, rows, text
from villages.models import Township

pytestmark = pytest.mark.django_db

ALL_VILLAGES = {"王庄村", "李家村", "张湾村", "桃园社区", "石桥村"}
ALL_TOWNSHIPS = {"柳林镇", "桃园街道", "石桥镇"}

# What each persona finds on the lists.
VILLAGES_SEEN = {
    "bureau_admin_user": {"王庄村", "李家村", "张湾村", "桃园社区"},
    "bureau_staff_user": {"王庄村", "李家村", "张湾村", "桃园社区"},
    "office_user": {"王庄村", "李家村", "张湾村"},
    "other_office_user": {"桃园社区"},
    "advisor_user": {"王庄村", "李家村"},  # current agreements only: not 张湾村, served last year
    "other_advisor_user": {"桃园社区"},
    "liaison_user": {"王庄村"},
    "other_bureau_admin_user": {"石桥村"},
    "stranger": set(),
    "superuser": ALL_VILLAGES,
}
TOWNSHIPS_SEEN = {
    "bureau_admin_user": {"柳林镇", "桃园街道"},
    "bureau_staff_user": {"柳林镇", "桃园街道"},
    "office_user": {"柳林镇"},
    "other_office_user": {"桃园街道"},
    "advisor_user": {"柳林镇"},
    "other_advisor_user": {"桃园街道"},
    "liaison_user": {"柳林镇"},
    "other_bureau_admin_user": {"石桥镇"},
    "stranger": set(),
    "superuser": ALL_TOWNSHIPS,
}
ROLES = list(VILLAGES_SEEN)
# The roles whose pages the query-count tests measure (the others see a subset of the same rows).
MEASURED_ROLES = [
    "bureau_admin_user",
    "bureau_staff_user",
    "office_user",
    "advisor_user",
    "liaison_user",
    "superuser",
]


def log_in(client, request, role_user):
    user = request.getfixturevalue(role_user)
    client.force_login(user)
    return user


# --- village list ---


@pytest.mark.parametrize("role_user", ROLES)
def test_it_lists_exactly_the_villages_in_the_users_scope(client, whole_map, request, role_user):
    log_in(client, request, role_user)

    response = client.get("/villages/")

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(VILLAGES_SEEN[role_user])
    for name in ALL_VILLAGES - VILLAGES_SEEN[role_user]:
        assert name not in text(response)


def test_it_shows_each_villages_current_advisor_on_the_village_list(client, whole_map):
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/villages/")

    by_village = {cells[0].split()[0]: cells for cells in rows(response)}
    assert by_village["王庄村"][1:4] == ["柳林镇", "张明", "河南正义律师事务所"]
    assert by_village["桃园社区"][1:4] == ["桃园街道", "李芳", "河南公信律师事务所"]
    assert by_village["张湾村"][2:4] == ["未配备", "—"]  # last year's advisor is not today's


def test_it_offers_only_the_townships_in_scope_in_the_village_filter(client, whole_map):
    client.force_login(whole_map.office_user)

    page = text(client.get("/villages/"))

    assert f'<option value="{whole_map.township.pk}">柳林镇</option>' in page
    assert "桃园街道" not in page
    assert "石桥镇" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: {"township": w.other_township.pk}, {"桃园社区"}),
        (lambda w: {"township": w.township.pk}, {"王庄村", "李家村", "张湾村"}),
        (lambda w: {"kind": "community"}, {"桃园社区"}),
        (lambda w: {"kind": "village"}, {"王庄村", "李家村", "张湾村"}),
        (lambda w: {"q": "王庄"}, {"王庄村"}),
        (lambda w: {"q": "村"}, {"王庄村", "李家村", "张湾村"}),
        (lambda w: {"q": w.second_village.code}, {"李家村"}),
        (lambda w: {"q": "没有这个村"}, set()),
        (lambda w: {"township": w.township.pk, "kind": "community"}, set()),
    ],
    ids=[
        "township",
        "own-township",
        "kind-community",
        "kind-village",
        "q-name",
        "q-part-of-name",
        "q-code",
        "q-nothing",
        "township-and-kind",
    ],
)
def test_it_narrows_the_village_list_with_the_filters(client, whole_map, query, expected):
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/villages/", query(whole_map))

    assert response.status_code == 200
    assert set(names(response)) == expected
    assert f"共 {len(expected)} 条" in text(response)


def test_it_does_not_let_a_township_filter_reach_into_another_bureau(client, whole_map):
    # SECURITY: the township filter only accepts the user's townships; another bureau's is an invalid choice.
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/villages/", {"township": whole_map.other_bureau_township.pk})

    assert response.status_code == 200
    assert "石桥村" not in text(response)
    assert set(names(response)) <= VILLAGES_SEEN["bureau_admin_user"]


def test_it_does_not_let_a_township_filter_reach_into_another_township_for_office_staff(client, whole_map):
    # SECURITY
    client.force_login(whole_map.office_user)

    response = client.get("/villages/", {"township": whole_map.other_township.pk})

    assert "桃园社区" not in text(response)


@pytest.fixture
def many_villages(whole_map):
    """60 more villages in `township` (63 in all, two pages for its office)."""
    for _ in range(60):
        VillageFactory(township=whole_map.township)
    return whole_map


def test_it_pages_the_village_list(client, many_villages):
    client.force_login(many_villages.office_user)

    first = client.get("/villages/")
    second = client.get("/villages/", {"page": 2})

    assert len(names(first)) == 50
    assert len(names(second)) == 13
    assert not set(names(first)) & set(names(second))
    assert "第 1 / 2 页" in text(first)
    assert "第 2 / 2 页" in text(second)
    assert "共 63 条" in text(first)


@pytest.mark.parametrize("page", ["99", "-1"])
def test_it_shows_the_last_page_for_a_page_number_past_the_end(client, many_villages, page):
    client.force_login(many_villages.office_user)

    response = client.get("/villages/", {"page": page})

    assert response.status_code == 200
    assert "第 2 / 2 页" in text(response)
    assert len(names(response)) == 13


def test_it_shows_the_first_page_for_a_page_number_that_is_not_a_number(client, many_villages):
    client.force_login(many_villages.office_user)

    response = client.get("/villages/", {"page": "abc"})

    assert response.status_code == 200
    assert "第 1 / 2 页" in text(response)


def test_it_keeps_the_filters_in_the_village_pager_links(client, many_villages):
    client.force_login(many_villages.office_user)

    page = text(client.get("/villages/", {"kind": "village", "q": "村", "page": 2}))

    assert 'href="?kind=village&amp;q=%E6%9D%91&amp;page=1"' in page
    assert "第 2 / 2 页" in page


@pytest.mark.parametrize("role_user", MEASURED_ROLES)
def test_it_runs_the_same_number_of_queries_on_the_village_list_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user
):
    log_in(client, request, role_user)
    few = queries_of(client, "/villages/")

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get("/villages/").status_code == 200


# --- township list ---


@pytest.mark.parametrize("role_user", ROLES)
def test_it_lists_exactly_the_townships_in_the_users_scope(client, whole_map, request, role_user):
    log_in(client, request, role_user)

    response = client.get("/villages/townships/")

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(TOWNSHIPS_SEEN[role_user])
    for name in ALL_TOWNSHIPS - TOWNSHIPS_SEEN[role_user]:
        assert name not in text(response)


def test_it_shows_each_townships_coverage_on_the_township_list(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)

    response = client.get("/villages/townships/")

    assert rows(response) == [
        ["柳林镇", "柳林司法所", "3", "2 未全覆盖", "1"],
        ["桃园街道", "桃园司法所", "1", "1", "1"],
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "street"}, {"桃园街道"}),
        ({"kind": "town"}, {"柳林镇"}),
        ({"q": "柳林"}, {"柳林镇"}),
        ({"q": "石桥"}, set()),  # another bureau's
        ({"q": "镇", "kind": "street"}, set()),
    ],
    ids=["kind-street", "kind-town", "q", "q-other-bureau", "q-and-kind"],
)
def test_it_narrows_the_township_list_with_the_filters(client, whole_map, query, expected):
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/villages/townships/", query)

    assert set(names(response)) == expected


def test_it_pages_the_township_list_and_keeps_the_filters(client, whole_map):
    for _ in range(60):
        TownshipFactory(bureau=whole_map.bureau, kind=Township.Kind.TOWN)
    client.force_login(whole_map.bureau_admin_user)

    first = client.get("/villages/townships/", {"kind": "town"})
    second = client.get("/villages/townships/", {"kind": "town", "page": 2})
    past_the_end = client.get("/villages/townships/", {"kind": "town", "page": 7})

    assert len(names(first)) == 50
    assert len(names(second)) == 11
    assert names(past_the_end) == names(second)
    assert 'href="?kind=town&amp;page=2"' in text(first)
    assert 'href="?kind=town&amp;page=1"' in text(second)
    assert "桃园街道" not in text(first) + text(second)


@pytest.mark.parametrize("role_user", MEASURED_ROLES)
def test_it_runs_the_same_number_of_queries_on_the_township_list_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user
):
    log_in(client, request, role_user)
    few = queries_of(client, "/villages/townships/")

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get("/villages/townships/").status_code == 200


# --- village detail ---

# For each village of the map, who may open it; everyone else gets 404.
VILLAGE_DETAIL_OPENED_BY = {
    "village": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user"},
    "second_village": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user"},
    "vacant_village": {"bureau_admin_user", "bureau_staff_user", "office_user"},
    "other_township_village": {
        "bureau_admin_user",
        "bureau_staff_user",
        "other_office_user",
        "other_advisor_user",
    },
    "other_bureau_village": {"other_bureau_admin_user"},
}


def village_detail_cases(opened: bool):
    return [
        (village, role)
        for village, allowed in VILLAGE_DETAIL_OPENED_BY.items()
        for role in ROLES
        if ((role in allowed or role == "superuser") == opened)
    ]


@pytest.mark.parametrize(("place", "role_user"), village_detail_cases(opened=True))
def test_it_opens_a_village_in_the_users_scope(client, whole_map, request, place, role_user):
    log_in(client, request, role_user)
    village = getattr(whole_map, place)

    response = client.get(f"/villages/{village.pk}/")

    assert response.status_code == 200
    assert f"<h1>{village.name} " in text(response)


# SECURITY: another township's, another advisor's, another bureau's village, and for a liaison the other villages
# of their own advisor (second_village), answer 404 as if they did not exist.
@pytest.mark.parametrize(("place", "role_user"), village_detail_cases(opened=False))
def test_it_answers_404_for_a_village_outside_the_users_scope(client, whole_map, request, place, role_user):
    log_in(client, request, role_user)
    village = getattr(whole_map, place)

    response = client.get(f"/villages/{village.pk}/")

    assert response.status_code == 404
    assert village.name not in text(response)


def test_it_answers_404_for_a_village_that_does_not_exist(client, whole_map):
    client.force_login(whole_map.superuser)

    assert client.get("/villages/999999/").status_code == 404


def test_it_shows_a_villages_current_advisor_and_its_agreements(client, whole_map):
    client.force_login(whole_map.office_user)

    response = client.get(f"/villages/{whole_map.vacant_village.pk}/")

    page = text(response)
    assert "未配备" in page  # no current advisor
    assert [cells[0] for cells in rows(response)] == ["张明"]  # last year's agreement, in the history


def test_it_shows_a_liaison_only_the_agreements_in_force_of_their_village(client, whole_map):
    AgreementFactory(
        advisor=whole_map.advisor, village=whole_map.village, draft=True, start_date=date(2027, 1, 1)
    )
    client.force_login(whole_map.liaison_user)

    response = client.get(f"/villages/{whole_map.village.pk}/")

    assert len(rows(response)) == 1
    assert "草拟" not in text(response)


def test_it_runs_the_same_number_of_queries_on_a_village_page_whatever_the_number_of_its_agreements(
    client, whole_map, django_assert_num_queries
):
    """Each agreement row shows its village and township (includes/agreement_rows.html); village_detail must
    select them with the agreements, or every row costs two more queries."""
    client.force_login(whole_map.bureau_admin_user)
    url = f"/villages/{whole_map.village.pk}/"
    few = queries_of(client, url)

    grow(whole_map)  # 60 past agreements of `village`

    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


# --- township detail ---

TOWNSHIP_DETAIL_OPENED_BY = {
    "township": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user"},
    "other_township": {"bureau_admin_user", "bureau_staff_user", "other_office_user", "other_advisor_user"},
    "other_bureau_township": {"other_bureau_admin_user"},
}


def township_detail_cases(opened: bool):
    return [
        (township, role)
        for township, allowed in TOWNSHIP_DETAIL_OPENED_BY.items()
        for role in ROLES
        if ((role in allowed or role == "superuser") == opened)
    ]


@pytest.mark.parametrize(("place", "role_user"), township_detail_cases(opened=True))
def test_it_opens_a_township_in_the_users_scope(client, whole_map, request, place, role_user):
    log_in(client, request, role_user)
    township = getattr(whole_map, place)

    response = client.get(f"/villages/townships/{township.pk}/")

    assert response.status_code == 200
    assert f"<h1>{township.name} " in text(response)


# SECURITY: another township (for office staff, advisors and liaisons) and another bureau's township answer 404.
@pytest.mark.parametrize(("place", "role_user"), township_detail_cases(opened=False))
def test_it_answers_404_for_a_township_outside_the_users_scope(client, whole_map, request, place, role_user):
    log_in(client, request, role_user)
    township = getattr(whole_map, place)

    response = client.get(f"/villages/townships/{township.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role_user", "expected"),
    [
        ("office_user", {"王庄村", "李家村", "张湾村"}),
        ("advisor_user", {"王庄村", "李家村"}),
        ("liaison_user", {"王庄村"}),
    ],
)
def test_it_lists_only_the_villages_in_scope_on_a_township_page(
    client, whole_map, request, role_user, expected
):
    log_in(client, request, role_user)

    response = client.get(f"/villages/townships/{whole_map.township.pk}/")

    assert set(names(response)) == expected


def test_it_pages_the_villages_of_a_township_page(client, many_villages):
    client.force_login(many_villages.bureau_admin_user)
    url = f"/villages/townships/{many_villages.township.pk}/"

    assert len(names(client.get(url))) == 50
    assert len(names(client.get(url, {"page": 2}))) == 13
    assert len(names(client.get(url, {"page": 5}))) == 13


def test_it_runs_the_same_number_of_queries_on_a_township_page_whatever_the_number_of_its_villages(
    client, whole_map, django_assert_num_queries
):
    client.force_login(whole_map.bureau_admin_user)
    url = f"/villages/townships/{whole_map.township.pk}/"
    few = queries_of(client, url)

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
