"""The home page at `/`: what matters now to each role, in a number of queries that does not grow with the data."""

import re

import pytest

from tests.web import grow, names, queries_of, rows, text

pytestmark = pytest.mark.django_db


def stat(page: str, label: str) -> str:
    """The number shown in the bureau home page's figure labelled `label`."""
    end = page.index(f"{label}</div>")
    start = page.rindex('<div class="stat">', 0, end)
    return re.sub(r"<[^>]+>", "", page[start:end]).strip()


@pytest.mark.parametrize("role_user", ["bureau_admin_user", "bureau_staff_user"])
def test_it_shows_bureau_users_every_township_of_their_bureau_with_totals(
    client, whole_map, request, role_user
):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "城关区司法局 · 工作台" in page
    assert names(response) == ["柳林镇", "桃园街道"]
    # 柳林镇: 3 villages, 2 covered today, 1 advisor; 桃园街道: 1 village, covered, 1 advisor.
    assert [cells[2:] for cells in rows(response)] == [["3", "2 未全覆盖", "1"], ["1", "1", "1"]]
    assert stat(page, "乡镇(街道)") == "2"
    assert stat(page, "村(社区)") == "4"
    assert stat(page, "在岗法律顾问") == "2"
    assert stat(page, "已签订未备案协议") == "3"
    for elsewhere in ("新华区司法局", "石桥镇", "石桥村", "王强"):
        assert elsewhere not in page


def test_it_counts_only_active_advisors_and_signed_unfiled_agreements_on_the_bureau_home_page(
    client, whole_map
):
    w = whole_map
    w.other_advisor.is_active = False
    w.other_advisor.save(update_fields=["is_active"])
    w.agreement.status = "filed"
    w.agreement.filed_on = w.agreement.start_date
    w.agreement.save()
    client.force_login(w.bureau_admin_user)

    page = text(client.get("/"))

    assert stat(page, "在岗法律顾问") == "1"
    assert stat(page, "已签订未备案协议") == "2"
    assert 'href="/advisors/agreements/?status=signed"' in page


def test_it_shows_office_staff_their_townships_villages_and_advisors(client, whole_map):
    client.force_login(whole_map.office_user)

    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "柳林司法所 · 工作台" in page
    assert sorted(names(response, table=0)) == sorted(["王庄村", "李家村", "张湾村"])
    village_rows = {cells[0].split()[0]: cells for cells in rows(response, table=0)}
    assert village_rows["王庄村"][2] == "张明"
    assert village_rows["王庄村"][3] == "河南正义律师事务所"
    assert village_rows["张湾村"][2] == "未配备"
    assert names(response, table=1) == ["张明"]
    for elsewhere in ("桃园社区", "桃园街道", "李芳", "石桥村", "王强"):
        assert elsewhere not in page


def test_it_shows_an_advisor_their_current_villages_only(client, whole_map):
    client.force_login(whole_map.advisor_user)

    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "我服务的村(社区)" in page
    assert "王庄村" in page
    assert "李家村" in page
    assert "孙丽" in page  # the liaison of 王庄村, whom the advisor calls
    assert "张湾村" not in page  # last year's (ended) agreement
    assert "桃园社区" not in page
    assert "石桥村" not in page


def test_it_tells_an_advisor_without_a_current_agreement_so(client, whole_map):
    whole_map.agreement.delete()
    whole_map.second_agreement.delete()
    client.force_login(whole_map.advisor_user)

    page = text(client.get("/"))

    assert "您目前没有生效的法律顾问协议" in page
    assert "张湾村" not in page


def test_it_shows_a_liaison_their_village_and_its_advisor(client, whole_map):
    client.force_login(whole_map.liaison_user)

    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "王庄村 · 本村法律顾问" in page
    assert "张明" in page
    assert "河南正义律师事务所" in page
    assert whole_map.advisor.mobile in page
    assert f'href="{whole_map.advisor.get_absolute_url()}"' in page
    for elsewhere in ("李家村", "张湾村", "桃园社区", "李芳"):
        assert elsewhere not in page


def test_it_tells_a_liaison_whose_village_has_no_advisor_to_call_the_office(client, whole_map):
    whole_map.agreement.delete()
    client.force_login(whole_map.liaison_user)

    page = text(client.get("/"))

    assert "本村目前没有生效的法律顾问协议" in page
    assert "张明" not in page


def test_it_shows_a_user_without_a_role_the_no_role_page(client, whole_map):
    client.force_login(whole_map.stranger)

    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "尚未分配角色" in page
    for anything in ("柳林镇", "王庄村", "张明"):
        assert anything not in page


@pytest.mark.parametrize(
    "role_user",
    ["bureau_admin_user", "bureau_staff_user", "office_user", "advisor_user", "liaison_user", "stranger"],
)
def test_it_runs_the_same_number_of_queries_on_the_home_page_whatever_the_number_of_rows(
    client, whole_map, request, django_assert_num_queries, role_user
):
    client.force_login(request.getfixturevalue(role_user))
    few = queries_of(client, "/")

    grow(whole_map)

    with django_assert_num_queries(few):
        assert client.get("/").status_code == 200


def test_it_pages_the_townships_on_the_bureau_home_page_and_still_counts_them_all(client, whole_map):
    grow(whole_map)  # 60 more townships
    client.force_login(whole_map.bureau_admin_user)

    response = client.get("/")

    assert len(names(response)) == 50
    assert stat(text(response), "乡镇(街道)") == "62"
    assert len(names(client.get("/?page=2"))) == 12
