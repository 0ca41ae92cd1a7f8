"""The advisor and agreement pages and the scanned contracts, seen by each role: exactly the rows in scope,
filters, paging, a fixed number of queries, and 404 for anything outside the user's scope (map in tests/conftest.py)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from advisors.models import Advisor, Agreement
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory
from tests.web import agreement_pairs, grow, names, queries_of, rows, text

pytestmark = pytest.mark.django_db

ALL_ADVISORS = {"张明", "李芳", "王强"}
ADVISORS_SEEN = {
    "bureau_admin_user": {"张明", "李芳"},
    "bureau_staff_user": {"张明", "李芳"},
    "office_user": {"张明"},
    "other_office_user": {"李芳"},
    "advisor_user": {"张明"},
    "other_advisor_user": {"李芳"},
    "liaison_user": {"张明"},
    "other_bureau_admin_user": {"王强"},
    "stranger": set(),
    "superuser": ALL_ADVISORS,
}

OURS = {("张明", "王庄村"), ("张明", "李家村"), ("张明", "张湾村")}  # 张湾村: last year's, ended
ALL_AGREEMENTS = OURS | {("李芳", "桃园社区"), ("王强", "石桥村")}
AGREEMENTS_SEEN = {
    "bureau_admin_user": OURS | {("李芳", "桃园社区")},
    "bureau_staff_user": OURS | {("李芳", "桃园社区")},
    "office_user": OURS,
    "other_office_user": {("李芳", "桃园社区")},
    "advisor_user": OURS,  # their own, past ones included
    "other_advisor_user": {("李芳", "桃园社区")},
    "liaison_user": {("张明", "王庄村")},
    "other_bureau_admin_user": {("王强", "石桥村")},
    "stranger": set(),
    "superuser": ALL_AGREEMENTS,
}
ROLES = list(ADVISORS_SEEN)
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


def cases(opened_by: dict[str, set[str]], opened: bool) -> list[tuple[str, str]]:
    """(object fixture, role) pairs that may (opened=True) or may not open the object; superusers open all."""
    return [
        (obj, role)
        for obj, allowed in opened_by.items()
        for role in ROLES
        if (role in allowed or role == "superuser") == opened
    ]


# --- advisor list ---


@pytest.mark.parametrize("role_user", ROLES)
def test_it_lists_exactly_the_advisors_in_the_users_scope(client, whole_map, request, role_user):
    log_in(client, request, role_user)

    response = client.get("/advisors/")

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(ADVISORS_SEEN[role_user])
    for name in ALL_ADVISORS - ADVISORS_SEEN[role_user]:
        assert name not in text(response)


def test_it_shows_each_advisors_firm_and_current_village_count(client, whole_map):
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/advisors/")

    by_name = {cells[0]: cells for cells in rows(response)}
    assert by_name["张明"][2] == "河南正义律师事务所"
    assert by_name["张明"][4] == "2"  # 王庄村 and 李家村 today; not last year's 张湾村
    assert by_name["李芳"][4] == "1"


def test_it_offers_only_the_firms_in_scope_in_the_advisor_filter(client, whole_map):
    client.force_login(whole_map.office_user)

    page = text(client.get("/advisors/"))

    assert "河南正义律师事务所" in page
    assert "河南公信律师事务所" not in page
    assert "河南明理律师事务所" not in page


@pytest.fixture
def varied_advisors(whole_map):
    """李芳 becomes a 基层法律服务工作者 and leaves (不在岗)."""
    whole_map.other_advisor.kind = Advisor.Kind.LEGAL_WORKER
    whole_map.other_advisor.is_active = False
    whole_map.other_advisor.save()
    return whole_map


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: {"firm": w.advisor.firm.pk}, {"张明"}),
        (lambda w: {"firm": w.other_advisor.firm.pk}, {"李芳"}),
        (lambda w: {"q": "张"}, {"张明"}),
        (lambda w: {"q": w.other_advisor.licence_number}, {"李芳"}),
        (lambda w: {"kind": "legal_worker"}, {"李芳"}),
        (lambda w: {"kind": "lawyer"}, {"张明"}),
        (lambda w: {"is_active": "false"}, {"李芳"}),
        (lambda w: {"is_active": "true"}, {"张明"}),
        (lambda w: {"q": "王强"}, set()),  # another bureau's
        (lambda w: {"firm": w.advisor.firm.pk, "kind": "legal_worker"}, set()),
    ],
    ids=[
        "firm",
        "other-firm",
        "q-name",
        "q-licence",
        "kind-worker",
        "kind-lawyer",
        "inactive",
        "active",
        "q-other-bureau",
        "firm-and-kind",
    ],
)
def test_it_narrows_the_advisor_list_with_the_filters(client, varied_advisors, query, expected):
    client.force_login(varied_advisors.bureau_admin_user)

    response = client.get("/advisors/", query(varied_advisors))

    assert response.status_code == 200
    assert set(names(response)) == expected


def test_it_does_not_let_a_firm_filter_reach_into_another_bureau(client, whole_map):
    # SECURITY: another bureau's firm is not a valid choice, so the filter cannot reveal its advisors.
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/advisors/", {"firm": whole_map.other_bureau_advisor.firm.pk})

    assert response.status_code == 200
    assert "王强" not in text(response)


@pytest.fixture
def many_advisors(whole_map):
    """60 more advisors of the bureau, made in reverse alphabetical order of their names."""
    for n in range(60, 0, -1):
        AdvisorFactory(bureau=whole_map.bureau, firm=whole_map.advisor.firm, name=f"顾问{n:03d}")
    return whole_map


def test_it_pages_the_advisor_list_in_name_order_without_losing_or_repeating_anyone(client, many_advisors):
    """Paging needs a total order; the list is annotated with a Count (GROUP BY), which drops Meta.ordering."""
    client.force_login(many_advisors.bureau_admin_user)

    first = names(client.get("/advisors/", {"kind": "lawyer"}))
    second = names(client.get("/advisors/", {"kind": "lawyer", "page": 2}))

    # In the database's own collation, which need not be Python's code-point order.
    expected = list(
        Advisor.objects.filter(bureau=many_advisors.bureau).order_by("name").values_list("name", flat=True)
    )
    assert len(expected) == 62
    assert len(first) == 50
    assert first + second == expected


def test_it_keeps_the_filters_in_the_advisor_pager_links_and_shows_the_last_page_past_the_end(
    client, many_advisors
):
    client.force_login(many_advisors.bureau_admin_user)

    response = client.get("/advisors/", {"kind": "lawyer", "page": 40})

    assert len(names(response)) == 12
    assert "第 2 / 2 页" in text(response)
    assert 'href="?kind=lawyer&amp;page=1"' in text(response)


@pytest.mark.parametrize("role_user", MEASURED_ROLES)
def test_it_runs_the_same_number_of_queries_on_the_advisor_list_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user
):
    log_in(client, request, role_user)
    few = queries_of(client, "/advisors/")

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get("/advisors/").status_code == 200


# --- agreement list ---


@pytest.mark.parametrize("role_user", ROLES)
def test_it_lists_exactly_the_agreements_in_the_users_scope(client, whole_map, request, role_user):
    log_in(client, request, role_user)

    response = client.get("/advisors/agreements/")

    assert response.status_code == 200
    assert agreement_pairs(response) == AGREEMENTS_SEEN[role_user]
    assert len(rows(response)) == len(AGREEMENTS_SEEN[role_user])


def test_it_titles_the_agreement_list_my_agreements_for_an_advisor(client, whole_map):
    client.force_login(whole_map.advisor_user)

    assert "<h1>我的协议</h1>" in text(client.get("/advisors/agreements/"))


def test_it_shows_an_advisor_their_drafts_but_not_a_liaison(client, whole_map):
    AgreementFactory(
        advisor=whole_map.advisor, village=whole_map.village, draft=True, start_date=date(2027, 1, 1)
    )

    client.force_login(whole_map.advisor_user)
    assert len(rows(client.get("/advisors/agreements/"))) == 4
    client.force_login(whole_map.liaison_user)
    assert len(rows(client.get("/advisors/agreements/"))) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: {"status": "ended"}, {("张明", "张湾村")}),
        (lambda w: {"status": "signed"}, {("张明", "王庄村"), ("张明", "李家村"), ("李芳", "桃园社区")}),
        (lambda w: {"status": "filed"}, set()),
        (lambda w: {"year": "2025"}, {("张明", "张湾村")}),
        (lambda w: {"year": "2026"}, {("张明", "王庄村"), ("张明", "李家村"), ("李芳", "桃园社区")}),
        (lambda w: {"township": w.other_township.pk}, {("李芳", "桃园社区")}),
        (lambda w: {"q": "李芳"}, {("李芳", "桃园社区")}),
        (lambda w: {"q": "王庄"}, {("张明", "王庄村")}),
        (lambda w: {"q": "王强"}, set()),  # another bureau's
        (lambda w: {"year": "2026", "township": w.township.pk}, {("张明", "王庄村"), ("张明", "李家村")}),
    ],
    ids=[
        "status-ended",
        "status-signed",
        "status-filed",
        "year-last",
        "year-this",
        "township",
        "q-advisor",
        "q-village",
        "q-other-bureau",
        "year-and-township",
    ],
)
def test_it_narrows_the_agreement_list_with_the_filters(client, whole_map, query, expected):
    client.force_login(whole_map.bureau_staff_user)

    response = client.get("/advisors/agreements/", query(whole_map))

    assert response.status_code == 200
    assert agreement_pairs(response) == expected


def test_it_narrows_the_agreement_list_to_late_filings(client, whole_map):
    Agreement.objects.filter(pk=whole_map.other_agreement.pk).update(
        status=Agreement.Status.FILED, filed_on=date(2026, 5, 1), filed_late=True
    )
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/advisors/agreements/", {"filed_late": "true"})

    assert agreement_pairs(response) == {("李芳", "桃园社区")}
    assert "逾期备案" in rows(response)[0][4]


def test_it_does_not_let_a_township_filter_reach_into_another_bureaus_agreements(client, whole_map):
    # SECURITY
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/advisors/agreements/", {"township": whole_map.other_bureau_township.pk})

    assert ("王强", "石桥村") not in agreement_pairs(response)
    assert "石桥村" not in text(response)


@pytest.fixture
def many_agreements(whole_map):
    """60 more current agreements in `township`."""
    for _ in range(60):
        AgreementFactory(advisor__bureau=whole_map.bureau, village__township=whole_map.township)
    return whole_map


def test_it_pages_the_agreement_list_and_keeps_the_filters(client, many_agreements):
    client.force_login(many_agreements.office_user)
    query = {"year": "2026", "status": "signed"}

    first = client.get("/advisors/agreements/", query)
    second = client.get("/advisors/agreements/", {**query, "page": 2})
    past_the_end = client.get("/advisors/agreements/", {**query, "page": 3})

    assert len(rows(first)) == 50
    assert len(rows(second)) == 12
    assert rows(past_the_end) == rows(second)
    assert 'href="?year=2026&amp;status=signed&amp;page=2"' in text(first)
    assert "共 62 条" in text(first)


@pytest.mark.parametrize("role_user", MEASURED_ROLES)
def test_it_runs_the_same_number_of_queries_on_the_agreement_list_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user
):
    log_in(client, request, role_user)
    few = queries_of(client, "/advisors/agreements/")

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get("/advisors/agreements/").status_code == 200


# --- advisor detail ---

ADVISOR_DETAIL_OPENED_BY = {
    "advisor": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user"},
    "other_advisor": {"bureau_admin_user", "bureau_staff_user", "other_office_user", "other_advisor_user"},
    "other_bureau_advisor": {"other_bureau_admin_user"},
}


@pytest.mark.parametrize(("person", "role_user"), cases(ADVISOR_DETAIL_OPENED_BY, opened=True))
def test_it_opens_an_advisor_in_the_users_scope(client, whole_map, request, person, role_user):
    log_in(client, request, role_user)
    advisor = getattr(whole_map, person)

    response = client.get(f"/advisors/{advisor.pk}/")

    assert response.status_code == 200
    assert f"<h1>{advisor.name} " in text(response)


# SECURITY: another advisor (for an advisor), the advisors of other townships (for office staff and liaisons) and
# another bureau's advisors answer 404.
@pytest.mark.parametrize(("person", "role_user"), cases(ADVISOR_DETAIL_OPENED_BY, opened=False))
def test_it_answers_404_for_an_advisor_outside_the_users_scope(client, whole_map, request, person, role_user):
    log_in(client, request, role_user)
    advisor = getattr(whole_map, person)

    response = client.get(f"/advisors/{advisor.pk}/")

    assert response.status_code == 404
    assert advisor.name not in text(response)


@pytest.mark.parametrize(
    ("role_user", "expected"),
    [
        ("bureau_admin_user", {("张明", "王庄村"), ("张明", "李家村"), ("张明", "张湾村")}),
        ("office_user", {("张明", "王庄村"), ("张明", "李家村"), ("张明", "张湾村")}),
        ("advisor_user", {("张明", "王庄村"), ("张明", "李家村"), ("张明", "张湾村")}),
        ("liaison_user", {("张明", "王庄村")}),
    ],
)
def test_it_lists_only_the_agreements_in_scope_on_an_advisor_page(
    client, whole_map, request, role_user, expected
):
    log_in(client, request, role_user)

    response = client.get(f"/advisors/{whole_map.advisor.pk}/")

    assert agreement_pairs(response) == expected


def test_it_lets_office_staff_open_an_advisor_who_served_their_township_in_the_past(client, whole_map):
    """Office staff see the advisors serving their villages now or in the past."""
    former = AgreementFactory(
        advisor__bureau=whole_map.bureau,
        advisor__name="钱进",
        village=whole_map.village,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        ended=True,
    ).advisor
    client.force_login(whole_map.office_user)

    assert client.get(f"/advisors/{former.pk}/").status_code == 200
    assert "钱进" in text(client.get("/advisors/"))


def test_it_runs_the_same_number_of_queries_on_an_advisor_page_whatever_the_number_of_their_agreements(
    client, whole_map, django_assert_num_queries
):
    """Each agreement row shows its advisor's name (includes/agreement_rows.html); advisor_detail must select the
    advisor with the agreements, or every row costs one more query."""
    client.force_login(whole_map.bureau_admin_user)
    url = f"/advisors/{whole_map.advisor.pk}/"
    few = queries_of(client, url)

    grow(whole_map)  # 60 more current agreements of `advisor`

    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


# --- agreement detail ---

AGREEMENT_DETAIL_OPENED_BY = {
    "agreement": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user"},
    "second_agreement": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user"},
    "past_agreement": {"bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user"},
    "other_agreement": {"bureau_admin_user", "bureau_staff_user", "other_office_user", "other_advisor_user"},
    "other_bureau_agreement": {"other_bureau_admin_user"},
}


@pytest.mark.parametrize(("contract", "role_user"), cases(AGREEMENT_DETAIL_OPENED_BY, opened=True))
def test_it_opens_an_agreement_in_the_users_scope(client, whole_map, request, contract, role_user):
    log_in(client, request, role_user)
    agreement = getattr(whole_map, contract)

    response = client.get(f"/advisors/agreements/{agreement.pk}/")

    assert response.status_code == 200
    assert agreement.village.name in text(response)
    assert agreement.advisor.name in text(response)


# SECURITY: another advisor's agreement (for an advisor), another township's (for office staff), the other villages
# of their advisor (for a liaison) and another bureau's agreements answer 404.
@pytest.mark.parametrize(("contract", "role_user"), cases(AGREEMENT_DETAIL_OPENED_BY, opened=False))
def test_it_answers_404_for_an_agreement_outside_the_users_scope(
    client, whole_map, request, contract, role_user
):
    log_in(client, request, role_user)
    agreement = getattr(whole_map, contract)

    response = client.get(f"/advisors/agreements/{agreement.pk}/")

    assert response.status_code == 404
    assert agreement.village.name not in text(response)


def test_it_shows_an_advisor_their_own_ended_agreement(client, whole_map):
    client.force_login(whole_map.advisor_user)

    response = client.get(f"/advisors/agreements/{whole_map.past_agreement.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert "终止" in page
    assert "顾问调离" in page
    assert "2025-12-31" in page or "2025年12月31日" in page


# --- scanned contracts (private storage) ---


def attach_scan(
    agreement, name: str = "协议扫描件.pdf", content: bytes = b"%PDF-1.4 scanned contract\n"
) -> str:
    """Save a small file as the agreement's contract scan; returns its URL."""
    agreement.contract_scan.save(name, SimpleUploadedFile(name, content, content_type="application/pdf"))
    return agreement.contract_scan.url


@pytest.fixture
def scan_url(whole_map):
    return attach_scan(whole_map.agreement)


def test_it_serves_scans_under_the_private_url_and_links_them_from_the_agreement_page(
    client, whole_map, scan_url
):
    assert scan_url.startswith("/private/agreements/2026/")
    client.force_login(whole_map.office_user)

    page = text(client.get(f"/advisors/agreements/{whole_map.agreement.pk}/"))

    assert f'href="{scan_url}"' in page


@pytest.mark.parametrize(
    "role_user",
    # The agreement's own advisor, and the liaison of its village (a party to the contract), may read it too.
    ["bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user", "superuser"],
)
def test_it_serves_a_scanned_contract_to_those_who_may_see_its_agreement(
    client, whole_map, scan_url, request, role_user
):
    log_in(client, request, role_user)

    response = client.get(scan_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scanned contract\n"
    assert response["Content-Type"] == "application/pdf"


# SECURITY: another township's office, another advisor, another bureau and a user without a role get 404.
@pytest.mark.parametrize(
    "role_user", ["other_office_user", "other_advisor_user", "other_bureau_admin_user", "stranger"]
)
def test_it_answers_404_for_a_scanned_contract_outside_the_users_scope(
    client, whole_map, scan_url, request, role_user
):
    log_in(client, request, role_user)

    response = client.get(scan_url)

    assert response.status_code == 404
    assert b"scanned contract" not in response.content


def test_it_answers_404_to_a_liaison_for_the_scan_of_another_village_of_their_advisor(client, whole_map):
    # SECURITY
    url = attach_scan(whole_map.second_agreement)
    client.force_login(whole_map.liaison_user)

    assert client.get(url).status_code == 404


def test_it_sends_an_anonymous_visitor_of_a_scan_to_the_login_page(client, whole_map, scan_url):
    # SECURITY
    response = client.get(scan_url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/private/agreements/")


def test_it_serves_a_scan_to_an_advisor_from_their_own_past_agreement(client, whole_map):
    url = attach_scan(whole_map.past_agreement, name="old.pdf")
    client.force_login(whole_map.advisor_user)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/private/agreements/2026/no-such-file.pdf",
        "/private/agreements/../../etc/passwd",
        "/private/agreements/2026/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_it_answers_404_for_a_scan_that_belongs_to_no_agreement(client, whole_map, scan_url, path):
    # SECURITY: only the stored name of an agreement in scope is served, never a path made up by the visitor.
    client.force_login(whole_map.superuser)

    assert client.get(path).status_code == 404


def test_it_keeps_scans_out_of_the_public_media_folder(whole_map, settings, scan_url):
    from pathlib import Path

    stored = Path(whole_map.agreement.contract_scan.path)
    assert not stored.is_relative_to(settings.MEDIA_ROOT)
    assert not scan_url.startswith("/" + settings.MEDIA_URL)


def test_it_does_not_serve_a_scan_of_an_agreement_moved_out_of_the_users_township(
    client, whole_map, scan_url
):
    # SECURITY: the scan follows its agreement's scope, not the file's name.
    moved_to = VillageFactory(township=whole_map.other_township)
    Agreement.objects.filter(pk=whole_map.agreement.pk).update(village=moved_to)
    client.force_login(whole_map.office_user)

    assert client.get(scan_url).status_code == 404
