"""Public pages are cached, and any change of what they show is visible at once."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(public_map, village):
    return {
        "home": reverse("publicity:home"),
        "search": reverse("publicity:home") + "?q=zm",
        "township": reverse("publicity:home") + f"?township={village.township_id}",
        "village": reverse("publicity:village_detail", args=[village.pk]),
        "advisor": reverse("publicity:advisor_detail", args=[public_map.pk]),
    }


def test_a_second_visit_is_served_from_the_cache(client, pages, django_assert_num_queries):
    for url in pages.values():
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)

        assert second.status_code == 200 and second.content == first.content, url
        assert "Cookie" in second["Vary"], url


def test_elder_mode_is_cached_apart(client, pages):
    client.get(pages["village"])
    client.cookies["care"] = "1"

    assert 'class="care"' in client.get(pages["village"]).content.decode()


def html_of(client, url: str) -> str:
    return client.get(url).content.decode()


def test_a_changed_advisor_shows_at_once(client, pages, public_map):
    for url in pages.values():
        html_of(client, url)

    public_map.name = "张明远"
    public_map.work_phone = "0371-11112222"
    public_map.save()

    for key in ("search", "village", "advisor"):
        html = html_of(client, pages[key])
        assert "张明远" in html, key
    assert 'href="tel:0371-11112222"' in html_of(client, pages["village"])


def test_a_changed_firm_village_and_township_show_at_once(client, pages, public_map, village, township):
    for url in pages.values():
        html_of(client, url)

    public_map.firm.name = "河南新正义律师事务所"
    public_map.firm.save()
    village.onsite_hours = "每周五 14:00-17:00"
    village.save()
    township.office_phone = "0371-5559999"
    township.save()

    html = html_of(client, pages["village"])
    assert "河南新正义律师事务所" in html and "每周五 14:00-17:00" in html and "0371-5559999" in html
    assert "河南新正义律师事务所" in html_of(client, pages["advisor"])


def test_an_ended_or_deleted_agreement_shows_at_once(client, pages, agreement, second_agreement):
    for url in pages.values():
        html_of(client, url)

    agreement.end(on=date(2026, 6, 1), reason="顾问调离")
    agreement.save()
    assert "暂无法律顾问" in html_of(client, pages["village"])
    assert "暂无法律顾问" in html_of(client, pages["township"])

    second_agreement.delete()
    assert client.get(pages["advisor"]).status_code == 404


def test_a_new_village_is_found_at_once(client, pages, township):
    from tests.factories import VillageFactory

    assert "东风村" not in html_of(client, reverse("publicity:home") + "?q=dfc")

    VillageFactory(township=township, name="东风村")

    assert "东风村" in html_of(client, reverse("publicity:home") + "?q=dfc")


def test_a_404_is_not_cached(client, pages, public_map, agreement, second_agreement):
    public_map.is_active = False
    public_map.save()
    assert client.get(pages["advisor"]).status_code == 404

    public_map.is_active = True
    public_map.save()
    assert client.get(pages["advisor"]).status_code == 200
