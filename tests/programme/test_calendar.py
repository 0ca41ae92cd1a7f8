"""The programme's calendar: month ends of 28, 29, 30 and 31 days, quarter ends, the ledger's due and reminder days."""

from datetime import date, timedelta

import pytest

from programme.calendar import (
    end_of_day,
    is_month_end,
    is_quarter_end,
    ledger_due_date,
    ledger_reminder_date,
    month_label,
    months_between,
    period_of,
    quarter_bounds,
    quarter_label,
)
from villages.models import Bureau


@pytest.mark.parametrize(
    "day, month_end",
    [
        (date(2026, 2, 28), True),
        (date(2026, 2, 27), False),
        (date(2028, 2, 28), False),  # leap year
        (date(2028, 2, 29), True),
        (date(2026, 4, 30), True),
        (date(2026, 4, 29), False),
        (date(2026, 12, 31), True),
        (date(2026, 12, 30), False),
        (date(2026, 1, 31), True),
    ],
)
def test_it_knows_the_last_day_of_every_month(day, month_end):
    assert is_month_end(day) is month_end


@pytest.mark.parametrize(
    "day, quarter_end",
    [
        (date(2026, 3, 31), True),
        (date(2026, 6, 30), True),
        (date(2026, 9, 30), True),
        (date(2026, 12, 31), True),
        (date(2026, 4, 30), False),
        (date(2026, 6, 29), False),
    ],
)
def test_it_knows_the_quarter_ends(day, quarter_end):
    assert is_quarter_end(day) is quarter_end


def test_it_labels_periods():
    assert month_label(date(2026, 3, 5)) == "2026-03"
    assert quarter_label(date(2026, 11, 30)) == "2026-Q4"
    assert quarter_bounds(date(2026, 5, 20)) == (date(2026, 4, 1), date(2026, 6, 30))


def test_the_ledger_is_due_on_the_bureaus_day_and_reminded_five_days_before():
    bureau = Bureau(ledger_due_day=25)
    assert ledger_due_date(bureau, 2026, 2) == date(2026, 2, 25)
    assert ledger_reminder_date(bureau, 2026, 2) == date(2026, 2, 20)
    early = Bureau(ledger_due_day=3)
    assert ledger_reminder_date(early, 2026, 2) == date(2026, 2, 1)  # never in the month before


def test_a_due_day_on_a_weekend_keeps_its_date():
    saturday = date(2026, 4, 25)
    assert saturday.weekday() == 5
    assert ledger_due_date(Bureau(ledger_due_day=25), 2026, 4) == saturday


def test_a_day_ends_at_midnight_in_shanghai():
    assert end_of_day(date(2026, 3, 25)).isoformat() == "2026-03-26T00:00:00+08:00"


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("month", date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        ("quarter", date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("half", date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        ("half", date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        ("year", date(2026, 3, 5), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_it_gives_the_period_of_each_kind_that_holds_a_day(kind, day, start, end, label):
    period = period_of(kind, day)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert day in period and period.stop == end + timedelta(days=1)
    assert not period.is_over(end) and period.is_over(period.stop)


def test_it_lists_the_months_between_two_days_across_a_year_end():
    assert months_between(date(2026, 11, 20), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
