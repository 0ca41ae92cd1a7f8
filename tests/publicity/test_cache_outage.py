"""With REDIS_URL set but Redis down, the public pages and the search are served uncached (common/cache.py), never
a 500; and the village's own page still shows its advisor."""

import socket

import pytest
from django.urls import reverse


@pytest.fixture
def redis_down(settings):
    """The cache of a REDIS_URL whose port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: connections are refused
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_the_public_pages_and_the_search_are_served_while_redis_is_down(client, public_map, redis_down):
    village = public_map.agreements.first().village

    home = client.get(reverse("publicity:home"))
    search = client.get(reverse("publicity:home"), {"q": public_map.name})
    page = client.get(reverse("publicity:village_detail", args=[village.pk]))

    assert [home.status_code, search.status_code, page.status_code] == [200, 200, 200]
    assert public_map.name in page.content.decode()


def test_saving_an_advisor_while_redis_is_down_is_not_an_error(public_map, redis_down):
    public_map.name = "张明明"
    public_map.save()  # the public pages' version bump reaches no cache, and is skipped

    public_map.refresh_from_db()
    assert public_map.name == "张明明"
