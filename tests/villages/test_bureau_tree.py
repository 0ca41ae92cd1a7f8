"""The tree of bureaus: a province's 司法厅 over its cities, a city's 司法局 over its counties (issue 18; seeds 003
and 004: the county reports to the city, the city over its districts)."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import BureauFactory
from villages.models import Bureau

pytestmark = pytest.mark.django_db


def test_003_a_county_bureau_sits_below_its_city_and_the_city_below_the_province(
    province_bureau, city_bureau, sibling_bureau, bureau, other_city_bureau, other_bureau
):
    assert set(Bureau.objects.within(city_bureau)) == {city_bureau, bureau, sibling_bureau}
    assert set(Bureau.objects.within(province_bureau).counties()) == {bureau, sibling_bureau, other_bureau}
    assert set(Bureau.objects.within(bureau)) == {bureau}


def test_a_bureau_parent_must_be_of_the_level_above(province_bureau, city_bureau):
    with pytest.raises(ValidationError) as caught:
        BureauFactory.build(parent=province_bureau, level=Bureau.Level.COUNTY).full_clean()
    assert "parent" in caught.value.message_dict
    with pytest.raises(ValidationError):
        BureauFactory.build(parent=city_bureau, level=Bureau.Level.CITY).full_clean()
    BureauFactory.build(parent=city_bureau, level=Bureau.Level.COUNTY).full_clean()


def test_a_new_bureau_starts_from_the_rules_its_city_publishes(client, superuser, city_bureau):
    """A city may publish default rules its bureaus start from (issue 18): the admin's add form under the city
    is filled with the city's settings, which the new bureau may then change."""
    city_bureau.service_hours_required = 12
    city_bureau.lectures_period = "year"
    city_bureau.lectures_required = 2
    city_bureau.save()
    client.force_login(superuser)
    response = client.get("/admin/villages/bureau/add/", {"parent": city_bureau.pk})
    form = response.context["adminform"].form
    assert form.initial["service_hours_required"] == 12
    assert form.initial["lectures_period"] == "year"
    assert form.initial["level"] == Bureau.Level.COUNTY
    assert "name" not in form.initial and "code" not in form.initial


def test_a_bureau_admin_cannot_move_their_bureau_in_the_tree(client, bureau_admin_user, bureau, city_bureau):
    client.force_login(bureau_admin_user)
    response = client.get(f"/admin/villages/bureau/{bureau.pk}/change/")
    assert response.status_code == 200
    assert "parent" not in response.context["adminform"].form.fields
