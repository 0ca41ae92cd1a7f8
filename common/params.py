"""Query parameters read outside a form: each through one of these parsers, which answer None for anything that is
not a well-formed value in range (a superscript "²" passes str.isdigit() but not int(); "9999-12" is a month whose
next month does not exist; 10,000 digits overflow the database's integer). The page then ignores the value or
refuses it (404, or a message), never a 500. Filters and forms parse the rest.
"""

import re
from datetime import date

MAX_ID = 2**31 - 1  # the largest primary key of an integer column
MIN_YEAR, MAX_YEAR = 2000, 2100  # the programme's years, with room on both sides
MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_id(value) -> int | None:
    """A primary key: ASCII digits, 1 to MAX_ID."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_month(value) -> date | None:
    """The first day of a `YYYY-MM` month between MIN_YEAR and MAX_YEAR."""
    match = MONTH_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        return None
    return date(int(match[1]), int(match[2]), 1)
