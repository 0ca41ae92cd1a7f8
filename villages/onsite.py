"""驻点时间: the days a village's published on-site hours fall on.

The hours are the free text the bureau publishes on the notice board ("每月第一个周三 9:00-12:00"), so the days are
read from its common forms rather than kept twice: 每周X (也可 每周一、周四), 每月第N个周X, 每月N日/号. Text in any
other form ("逢集日", "预约") names no day, and nothing is judged against it.
"""

import calendar
import re
from datetime import date

DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "日": 7, "天": 7}
_WEEKLY = re.compile(r"每周((?:[一二三四五六日天][、，,和及 ]*(?:周|星期)?)+)")
_NTH_WEEKDAY = re.compile(r"每月(?:的)?第([一二三四1-4])个?(?:周|星期)([一二三四五六日天])")
_LAST_WEEKDAY = re.compile(r"每月(?:的)?最后一个?(?:周|星期)([一二三四五六日天])")
_MONTH_DAY = re.compile(r"每月(?:的)?(\d{1,2})[日号]")


def _weekday(char: str) -> int:
    """Monday 0 … Sunday 6."""
    return DIGITS[char] - 1


def onsite_days(text: str, year: int, month: int) -> list[date]:
    """The days of the month the on-site hours `text` name, in order; none when the text names no day."""
    days: set[date] = set()
    last = calendar.monthrange(year, month)[1]
    month_days = [date(year, month, d) for d in range(1, last + 1)]
    for match in _WEEKLY.finditer(text):
        weekdays = {_weekday(c) for c in match[1] if c in DIGITS}
        days.update(d for d in month_days if d.weekday() in weekdays)
    for nth, char in _NTH_WEEKDAY.findall(text):
        n = int(nth) if nth.isdigit() else DIGITS[nth]
        same = [d for d in month_days if d.weekday() == _weekday(char)]
        if n <= len(same):
            days.add(same[n - 1])
    for char in _LAST_WEEKDAY.findall(text):
        days.add([d for d in month_days if d.weekday() == _weekday(char)][-1])
    for day in _MONTH_DAY.findall(text):
        if 1 <= int(day) <= last:
            days.add(date(year, month, int(day)))
    return sorted(days)
