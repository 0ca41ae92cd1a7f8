"""The programme's calendar: months, quarters, halves and years; the ledger's due and reminder days; labels.

The one place that knows what a month or a quarter is: ledger, deadlines and assessment ask it. Every date is an
Asia/Shanghai calendar date. A due day that falls on a weekend or holiday keeps its date (the seeds say "before the
25th", not "the 25th working day"); a bureau setting can move it later if a bureau asks.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

# The reminder goes out this many days before the ledger's due day (the 20th for the default 25th).
REMINDER_DAYS_BEFORE_DUE = 5

MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"


@dataclass(frozen=True)
class Period:
    """A calendar period, from `start` to `end` inclusive (`stop` is the first day after it)."""

    kind: str
    start: date
    end: date

    @property
    def stop(self) -> date:
        return self.end + timedelta(days=1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_over(self, today: date) -> bool:
        """Whether the period has ended by `today` (its last day is still in progress)."""
        return today > self.end

    @property
    def label(self) -> str:
        """The key of the period in flags and URLs: 2026-03, 2026-Q1, 2026-H1, 2026."""
        if self.kind == MONTH:
            return month_label(self.start)
        if self.kind == QUARTER:
            return quarter_label(self.start)
        if self.kind == HALF:
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return str(self.start.year)


def month_of(day: date) -> Period:
    return Period(MONTH, *month_bounds(day))


def quarter_of(day: date) -> Period:
    return Period(QUARTER, *quarter_bounds(day))


def half_of(day: date) -> Period:
    first = date(day.year, 1 if day.month <= 6 else 7, 1)
    return Period(HALF, first, last_day_of_month(day.year, first.month + 5))


def year_of(day: date) -> Period:
    return Period(YEAR, date(day.year, 1, 1), date(day.year, 12, 31))


_OF = {MONTH: month_of, QUARTER: quarter_of, HALF: half_of, YEAR: year_of}


def period_of(kind: str, day: date) -> Period:
    """The period of `kind` (month, quarter, half, year) that holds `day`."""
    return _OF[kind](day)


# A period's label (`Period.label`): 2026, 2026-03, 2026-Q1, 2026-H1.
_LABEL_RE = re.compile(r"([0-9]{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?")
LABEL_YEARS = (2000, 2100)  # the programme's years, with room on both sides (common.params)


def period_from_label(value) -> Period | None:
    """The period a label names (the inverse of `Period.label`), or None for anything else: a query parameter is
    read through here, so a bad one is refused, never a 500."""
    match = _LABEL_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or not LABEL_YEARS[0] <= int(match[1]) <= LABEL_YEARS[1]:
        return None
    year, month, number, half = int(match[1]), match[2], match[3], match[4]
    if month:
        return month_of(date(year, int(month), 1))
    if number:
        return quarter_of(date(year, (int(number) - 1) * 3 + 1, 1))
    if half:
        return half_of(date(year, 1 if half == "1" else 7, 1))
    return year_of(date(year, 1, 1))


def zh_period(period: Period) -> str:
    """2026年3月, 2026年第1季度, 2026年上半年, 2026年度."""
    if period.kind == MONTH:
        return zh_month(period.start)
    if period.kind == QUARTER:
        return zh_quarter(period.start)
    if period.kind == HALF:
        return f"{period.start.year}年{'上' if period.start.month == 1 else '下'}半年"
    return f"{period.start.year}年度"


def months_between(start: date, end: date) -> list[date]:
    """The first days of the months from start to end, inclusive."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = month_of(day).stop
    return months


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: date) -> bool:
    return day == last_day_of_month(day.year, day.month)


def quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_start(day: date) -> date:
    return date(day.year, (quarter(day) - 1) * 3 + 1, 1)


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the day's quarter."""
    first = quarter_start(day)
    return first, last_day_of_month(day.year, first.month + 2)


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the day's month."""
    return day.replace(day=1), last_day_of_month(day.year, day.month)


def is_quarter_end(day: date) -> bool:
    return day == quarter_bounds(day)[1]


def month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{quarter(day)}"


def ledger_due_date(bureau, year: int, month: int) -> date:
    return date(year, month, min(bureau.ledger_due_day, calendar.monthrange(year, month)[1]))


def ledger_reminder_date(bureau, year: int, month: int) -> date:
    due = ledger_due_date(bureau, year, month)
    return max(due.replace(day=1), due - timedelta(days=REMINDER_DAYS_BEFORE_DUE))


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_tz())


def end_of_day(day: date) -> datetime:
    """The first instant after the day: something done before it was done on the day."""
    return start_of_day(day + timedelta(days=1))


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def zh_month(day: date) -> str:
    return f"{day.year}年{day.month}月"


def zh_quarter(day: date) -> str:
    return f"{day.year}年第{quarter(day)}季度"
