"""Search is rate-limited per client; bad queries and unknown public addresses get clear public pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def search(client, query: str = "王庄", address: str = "203.0.113.7"):
    return client.get(reverse("publicity:home"), {"q": query}, REMOTE_ADDR=address)


def test_searches_over_the_rate_get_a_429_page_in_the_public_style(client, public_map, settings):
    settings.PUBLIC_SEARCH_RATE = 5

    for n in range(5):
        assert search(client, f"王庄{n % 2}").status_code == 200
    response = search(client)

    assert response.status_code == 429
    html = response.content.decode()
    assert "搜索太频繁" in html and "请稍等一分钟" in html
    assert 'href="/static/css/public.css"' in html and 'href="tel:12348"' in html
    # Another client still searches, and browsing without a search is never limited.
    assert search(client, address="198.51.100.1").status_code == 200
    assert client.get(reverse("publicity:home"), REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_rate_is_30_a_minute_by_default(client, public_map, settings, time_machine):
    assert settings.PUBLIC_SEARCH_RATE == 30
    time_machine.move_to("2026-06-15 10:00:05+08:00", tick=False)

    statuses = [search(client).status_code for _ in range(31)]
    assert statuses.count(200) == 30 and statuses[-1] == 429

    time_machine.move_to("2026-06-15 10:01:05+08:00", tick=False)
    assert search(client).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("村" * 51, "太长"),
        ("x" * 100_000, "太长"),
        ("王庄\x1b[0m", "无法识别"),
        ("\u200b王庄", "无法识别"),
        ("%", "没有找到"),
        ("'; DROP TABLE villages_village; --", "没有找到"),
    ],
)
def test_bad_or_huge_queries_get_a_clear_message(client, public_map, query, message):
    response = search(client, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert len(response.content) < 100 * 1024


@pytest.mark.parametrize(
    "path",
    ["/public/villages/999999/", "/public/advisors/999999/", "/public/nowhere/", "/public/villages/x/"],
)
def test_an_unknown_public_address_gets_the_public_404(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "没有找到这个页面" in html and 'href="/public/"' in html
    assert 'href="/static/css/public.css"' in html and "<script" not in html


def test_a_missing_final_slash_is_added(client, public_map, village):
    response = client.get(f"/public/villages/{village.pk}", {"a": "1"})

    assert response.status_code == 302 and response["Location"] == f"/public/villages/{village.pk}/?a=1"


def test_a_missing_poster_is_a_public_404(client, db):
    assert "没有找到这个页面" in client.get("/public/villages/999999/poster.pdf").content.decode()


def test_the_public_404_stays_under_public(client, db, stranger):
    client.force_login(stranger)

    response = client.get("/villages/999999/")

    assert response.status_code == 404
    assert "没有找到这个页面" not in response.content.decode()
