"""The public directory of one deployment covers the whole city or province, and a resident can narrow it to their
city or their county bureau (issue 18)."""

import pytest

from tests.factories import AgreementFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cities(today, city_bureau, other_city_bureau, township, other_bureau_township):
    here = VillageFactory(township=township, name="东风村")
    there = VillageFactory(township=other_bureau_township, name="东风社区")
    AgreementFactory(village=here, advisor__bureau=township.bureau)
    AgreementFactory(village=there, advisor__bureau=other_bureau_township.bureau)
    return here, there


def test_a_resident_searches_every_bureau_of_the_deployment(client, two_cities):
    page = client.get("/public/", {"q": "东风"}).content.decode()
    assert "东风村" in page and "东风社区" in page


def test_a_resident_narrows_the_search_to_their_city_or_their_bureau(
    client, two_cities, city_bureau, bureau, other_bureau
):
    in_city = client.get("/public/", {"q": "东风", "bureau": city_bureau.pk}).content.decode()
    assert "东风村" in in_city and "东风社区" not in in_city
    in_other = client.get("/public/", {"q": "东风", "bureau": other_bureau.pk}).content.decode()
    assert "东风社区" in in_other and "东风村" not in in_other
    assert f'<option value="{city_bureau.pk}" selected>' in in_city


def test_an_unknown_bureau_searches_everything(client, two_cities):
    page = client.get("/public/", {"q": "东风", "bureau": "999999"}).content.decode()
    assert "东风村" in page and "东风社区" in page
