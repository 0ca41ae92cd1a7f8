"""Agreements in the admin: 签订 and 备案 are buttons on the agreement's own page; a draft is held to the rules when it
is saved (seed 001 二(一)2: at most 6 villages, one advisor per village), with the messages signing gives; start,
end and subsidy must be typed in; a refused signing says the draft stays a draft."""

from datetime import date

import pytest

from accounts.services import role_groups_sync
from advisors.models import Agreement
from advisors.services import agreement_create
from tests.factories import AdvisorFactory, VillageFactory
from tests.web import text

YEAR = date.today().year
URL = "/admin/advisors/agreement/"


@pytest.fixture
def admin_client(client, whole_map):
    role_groups_sync()
    client.force_login(whole_map.bureau_admin_user)
    return client


@pytest.fixture
def draft(bureau, township):
    return agreement_create(
        advisor=AdvisorFactory(bureau=bureau, name="周律师"),
        village=VillageFactory(township=township, name="东岗村"),
        start_date=date(YEAR, 1, 1),
        end_date=date(YEAR, 12, 31),
    )


def test_a_draft_is_signed_then_filed_from_its_own_page(admin_client, draft):
    page = text(admin_client.get(f"{URL}{draft.pk}/change/"))
    assert f'action="{URL}{draft.pk}/sign/"' in page and ">签订<" in page

    response = admin_client.post(f"{URL}{draft.pk}/sign/", follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}{draft.pk}/change/"
    assert "协议已签订。" in text(response) and ">备案<" in text(response)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.SIGNED

    admin_client.post(f"{URL}{draft.pk}/file/")
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.FILED
    assert ">签订<" not in text(admin_client.get(f"{URL}{draft.pk}/change/"))


def test_the_buttons_answer_only_a_post_within_the_bureau(client, whole_map, draft):
    # SECURITY
    role_groups_sync()
    client.force_login(whole_map.other_bureau_admin_user)
    assert client.post(f"{URL}{draft.pk}/sign/").status_code == 404
    client.force_login(whole_map.bureau_admin_user)
    assert client.get(f"{URL}{draft.pk}/sign/").status_code == 405
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def _form(advisor, village, **changes) -> dict:
    data = {
        "advisor": advisor.pk,
        "village": village.pk,
        "start_date": f"{YEAR}-01-01",
        "end_date": f"{YEAR}-12-31",
        "annual_subsidy": "6000",
    }
    data.update(changes)
    return data


def test_a_draft_for_a_village_that_has_an_advisor_is_refused_when_saved_seed_001(admin_client, whole_map):
    w = whole_map
    other = AdvisorFactory(bureau=w.bureau, name="吴律师")

    response = admin_client.post(f"{URL}add/", _form(other, w.village))

    assert response.status_code == 200
    assert "同一村(居)同一时间只能有一名法律顾问" in text(response)
    assert not Agreement.objects.filter(advisor=other).exists()


def test_a_draft_over_the_advisors_limit_is_refused_when_saved_seed_001(
    admin_client, whole_map, bureau, township
):
    bureau.max_villages_per_advisor = 2
    bureau.save()
    w = whole_map  # the advisor serves 王庄村 and 李家村

    response = admin_client.post(
        f"{URL}add/", _form(w.advisor_user.advisor, VillageFactory(township=township))
    )

    assert "每名顾问最多服务 2 个村(居)" in text(response)


def test_start_end_and_subsidy_must_be_typed_in(admin_client, whole_map, township):
    w = whole_map
    page = text(admin_client.get(f"{URL}add/"))
    assert 'name="annual_subsidy" value="0' not in page
    village = VillageFactory(township=township)

    response = admin_client.post(
        f"{URL}add/",
        _form(
            w.advisor_user.advisor,
            village,
            start_date="",
            end_date="",
            annual_subsidy="",
        ),
    )

    assert "请填写年度补贴金额（元）。" in text(response)
    assert text(response).count("这个字段是必填项") >= 2
    assert not Agreement.objects.filter(village=village).exists()


def test_a_refused_signing_says_the_draft_stays_a_draft(admin_client, draft, bureau, township):
    # The advisor signs another village after the draft was saved, and the bureau lowers its limit to one.
    agreement_create(
        advisor=draft.advisor,
        village=VillageFactory(township=township),
        start_date=date(YEAR, 1, 1),
        end_date=date(YEAR, 12, 31),
        signed_on=date(YEAR, 1, 1),
    )
    bureau.max_villages_per_advisor = 1
    bureau.save()

    response = admin_client.post(f"{URL}{draft.pk}/sign/", follow=True)

    assert "每名顾问最多服务 1 个村(居)" in text(response)
    assert "该协议仍是草拟状态、没有生效" in text(response)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT
