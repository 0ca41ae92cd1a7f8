import re

import pytest
from django.core.cache import cache

from consultations.challenge import DIGITS


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate counters and used challenges live in the cache; a person needs no 3 seconds in a test."""
    settings.RESIDENT_CHALLENGE_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def solve(page: str) -> dict:
    """The challenge's answer and token read off a form page, as a person would."""
    a, b = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])等于几", page).groups()
    token = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    return {"answer": str(DIGITS.index(a) + DIGITS.index(b)), "challenge": token}


def client_uuid(page: str) -> str:
    return re.search(r'name="client_uuid" value="([^"]+)"', page).group(1)
