"""Per-client rate limits of the public pages: the search (settings.PUBLIC_SEARCH_RATE a minute, per IP address),
and the residents' requests and ratings (consultations/, per IP and per phone number)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it (see README).
    return request.META.get("REMOTE_ADDR") or "unknown"


def count_allowed(name: str, subject: str, *, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count one more action of `subject` under `name`; False once it is over `limit` in the current window."""
    slot = int(time.time() // window)
    key = f"publicity:rate:{name}:{subject}:{slot}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window + 5)
        count = 1
    return count <= limit


def search_allowed(request: HttpRequest) -> bool:
    """Count this search for the client; False once it is over the rate in the current minute."""
    return count_allowed("search", client_address(request), limit=settings.PUBLIC_SEARCH_RATE)


def lookup_allowed(request: HttpRequest) -> bool:
    """A resident's look-up of a request's state: the search's rate, counted apart from the searches."""
    return count_allowed("lookup", client_address(request), limit=settings.PUBLIC_SEARCH_RATE)
