"""Masking of personal numbers (PIPL 个人信息保护): mobile numbers as 138****5678, ID numbers as 410***********123X.

Pure functions with no Django model imports, so the logging filter (common/logging.py) can use them while settings
are still loading. Who sees which number in full is decided in common/phones.py.
"""

import re

MASK = "****"

# A mainland mobile number, alone or inside text: 13812345678, +86 138 1234 5678, 138-1234-5678.
MOBILE_RE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})(?![0-9])"
)
# A resident identity card number (18 characters, the last a digit or X).
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z])([1-9][0-9]{5})((?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3})([0-9Xx])(?![0-9A-Za-z])"
)


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; for any other number the first three and last four characters stay (a short one
    keeps only its last two). Empty stays empty."""
    if not value:
        return ""
    value = str(value).strip()
    match = MOBILE_RE.fullmatch(value)
    if match:
        return f"{match.group(1)}{MASK}{match.group(3)}"
    if len(value) > 7:
        return f"{value[:3]}{MASK}{value[-4:]}"
    return f"{MASK}{value[-2:]}" if len(value) > 2 else MASK


def mask_id_number(value: str | None) -> str:
    """410***********123X: the birth date and the sequence hidden, the region's first three digits and the last four
    characters kept (enough to tell two records apart, not enough to identify anyone)."""
    if not value:
        return ""
    value = str(value).strip()
    if len(value) <= 7:
        return MASK
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def _mask_mobile_match(match: re.Match) -> str:
    return f"{match.group(1)}{MASK}{match.group(3)}"


def _mask_id_match(match: re.Match) -> str:
    return mask_id_number(match.group(0))


def scrub_text(text):
    """Every mobile and 18-digit ID number inside a free text masked; anything but a non-empty string returned as is."""
    if not isinstance(text, str) or not text:
        return text
    text = str(text)  # a lazy string (gettext_lazy, a lazy setting) passes isinstance but not re
    text = ID_NUMBER_RE.sub(_mask_id_match, text)
    return MOBILE_RE.sub(_mask_mobile_match, text)


def contains_personal_number(text) -> bool:
    return isinstance(text, str) and bool(ID_NUMBER_RE.search(text) or MOBILE_RE.search(text))
