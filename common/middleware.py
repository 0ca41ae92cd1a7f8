"""Middleware of the whole site."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """Every page a signed-in person sees may hold personal data (names, phone numbers, disputes): no browser or
    proxy keeps a copy (`Cache-Control: no-store`), so the back button on a shared office computer shows nothing
    after logout. Anonymous responses (the public directory, login) are left alone, as is a response whose view
    chose its own Cache-Control (e.g. a log's photo, `private` to spare weak connections)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
