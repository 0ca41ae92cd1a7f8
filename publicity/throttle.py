"""Per-client rate limit of the public search (settings.PUBLIC_SEARCH_RATE searches a minute, per IP address)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it (see README).
    return request.META.get("REMOTE_ADDR") or "unknown"


def search_allowed(request: HttpRequest) -> bool:
    """Count this search for the client; False once it is over the rate in the current minute."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"publicity:search-rate:{client_address(request)}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    return count <= settings.PUBLIC_SEARCH_RATE
