"""The programme's calendar: month and quarter ends, the ledger's due and reminder days, period labels.

Every date is an Asia/Shanghai calendar date. A due day that falls on a weekend or holiday keeps its date (the seeds
say "before the 25th", not "the 25th working day"); a bureau setting can move it later if a bureau asks.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

# The reminder goes out this many days before the ledger's due day (the 20th for the default 25th).
REMINDER_DAYS_BEFORE_DUE = 5


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: date) -> bool:
    return day == last_day_of_month(day.year, day.month)


def quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the day's quarter."""
    first_month = (quarter(day) - 1) * 3 + 1
    return date(day.year, first_month, 1), last_day_of_month(day.year, first_month + 2)


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
