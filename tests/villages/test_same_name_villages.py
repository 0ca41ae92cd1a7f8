"""Two townships may each have a 李岗村: wherever a village is picked, its township tells them apart."""

import pytest

from accounts.services import role_groups_sync
from tests.factories import AgreementFactory, VillageFactory
from tests.web import text


@pytest.fixture
def two_ligang(township, other_township, advisor):
    """The advisor serves a 李岗村 in each township."""
    ours = VillageFactory(township=township, name="李岗村")
    theirs = VillageFactory(township=other_township, name="李岗村")
    for village in (ours, theirs):
        AgreementFactory(advisor=advisor, village=village)
    return ours, theirs


def test_the_log_form_names_each_villages_township(client, advisor_user, two_ligang):
    ours, theirs = two_ligang
    client.force_login(advisor_user)

    page = text(client.get("/logs/new/"))

    assert f'<option value="{ours.pk}">李岗村（柳林镇）</option>' in page
    assert f'<option value="{theirs.pk}">李岗村（{theirs.township.name}）</option>' in page


def test_the_lecture_form_and_the_log_filter_name_each_villages_township(client, advisor_user, two_ligang):
    client.force_login(advisor_user)

    for url in ("/logs/lectures/new/", "/logs/"):
        page = text(client.get(url))
        assert "李岗村（柳林镇）" in page and f"李岗村（{two_ligang[1].township.name}）" in page, url


def test_the_admins_village_autocomplete_names_the_township_and_searches_by_it(client, whole_map, two_ligang):
    role_groups_sync()
    client.force_login(whole_map.bureau_admin_user)
    ours, theirs = two_ligang
    url = "/admin/autocomplete/"
    query = {"app_label": "advisors", "model_name": "agreement", "field_name": "village"}

    found = client.get(url, {**query, "term": "李岗"}).json()["results"]
    assert {r["text"] for r in found} == {"李岗村（柳林镇）", f"李岗村（{theirs.township.name}）"}

    found = client.get(url, {**query, "term": "柳林 李岗"}).json()["results"]
    assert [r["id"] for r in found] == [str(ours.pk)]
