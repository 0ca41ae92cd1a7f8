"""Whole-page caching of the public pages, dropped at once when anything they show changes.

Every cached page (and the search index) is keyed by a version number kept in the cache; a save or delete of an
advisor, agreement, village, township or firm bumps it, so the next visitor gets a freshly rendered page. Pages are
also keyed by the day (an agreement starts or ends at midnight) and by 关怀版 mode.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

VERSION_KEY = "publicity:version"
PAGE_TIMEOUT = 10 * 60
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        # add(): two processes starting at once agree on the first version.
        cache.add(VERSION_KEY, 1, None)
        current = cache.get(VERSION_KEY, 1)
    return current


def bump(**_signal_kwargs) -> None:
    """Make every cached public page stale (a post_save / post_delete receiver)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the pages' keys
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def connect_signals() -> None:
    from advisors.models import Advisor, Agreement, Firm
    from villages.models import Bureau, Township, Village

    for model in (Advisor, Agreement, Firm, Village, Township, Bureau):
        post_save.connect(bump, sender=model, dispatch_uid=f"publicity-bump-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"publicity-bump-delete-{model.__name__}")


def page_key(request: HttpRequest, *, care: bool) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"publicity:page:{version()}:{day}:{int(care)}:{path}"


def cached_page(is_care: Callable[[HttpRequest], bool]):
    """Serve a GET page from the cache; store it when it answered 200."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = page_key(request, care=is_care(request))
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content, headers=headers)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                    cache.set(key, (response.content, headers), PAGE_TIMEOUT)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
