"""A question any resident can answer and a script cannot read off the page: a one-digit sum written in Chinese
characters ("三加四等于几？"), answered with a number (7 or 七).

No third-party service, no image: a screen reader reads it, an elderly resident answers it in one tap on the
number keyboard. The token carries a keyed hash of the answer (never the answer), when it was made (a form sent
back within `RESIDENT_CHALLENGE_MIN_SECONDS` is a script), and a nonce that is accepted once.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

DIGITS = "零一二三四五六七八九十"
SALT = "consultations.challenge"
MAX_AGE = 2 * 60 * 60
CHINESE_NUMBERS = {**{d: i for i, d in enumerate(DIGITS)}, **{f"十{DIGITS[i]}": 10 + i for i in range(1, 10)}}


def _digest(nonce: str, answer: int) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{SALT}:{nonce}:{answer}".encode(), hashlib.sha256
    ).hexdigest()


def new_challenge() -> tuple[str, str]:
    """(the question, the token to send back with the form)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, a + b), "t": int(time.time())}, salt=SALT)
    return f"{DIGITS[a]}加{DIGITS[b]}等于几？", token


def read_answer(raw: str) -> int | None:
    value = (raw or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if value.isdigit():
        return int(value)
    return CHINESE_NUMBERS.get(value)


class ChallengeFailed(Exception):
    """The answer is wrong, or the token is bad, expired or used."""


class TooFast(Exception):
    """Sent back sooner than a person can read and fill the form: a script."""


def check(token: str, answer: str) -> None:
    """Pass, or raise ChallengeFailed / TooFast. A token passes once."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise ChallengeFailed from None
    if time.time() - data["t"] < settings.RESIDENT_CHALLENGE_MIN_SECONDS:
        raise TooFast
    value = read_answer(answer)
    if value is None or not hmac.compare_digest(_digest(data["n"], value), data["h"]):
        raise ChallengeFailed
    if not cache.add(f"consultations:challenge:{data['n']}", 1, MAX_AGE):
        raise ChallengeFailed
