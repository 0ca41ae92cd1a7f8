"""The deadline jobs: one function per row of DESIGN.md's table, each for one Asia/Shanghai date `on`.

Each job finds the bureaus the date is due for (from their settings), reads what it needs in a few aggregate
queries over all of them (never one per village or advisor), and writes in bulk: flags and notifications with
`ignore_conflicts` against their unique keys, so running a job twice for a date, late, or in two workers at once
writes every flag and notification once. Each returns a JSON-able result whose "summary" says in Chinese what it did.

Who owes what: the advisor of the agreement in force on the deadline (`Agreement.objects.covering(day)`); a village
without one is not flagged (it has nobody to chase). Work counts when its log is in a counted status, dated in the
period and submitted before the deadline's end of day.
"""

from .agreements import agreements_unfiled
from .common import (
    is_agreement_filing_deadline,
    is_every_day,
    is_last_day_of_month,
    is_lecture_period_end,
    is_ledger_due_day,
    is_ledger_reminder_day,
    is_review_opening_day,
)
from .lectures import quarter_end_lectures
from .ledgers import (
    ledger_overdue_mark,
    ledger_overdue_resolve,
    mark_ledgers_overdue,
    remind_ledgers_due,
    remind_township_ledgers,
)
from .month_end import month_end
from .reviews import open_review

__all__ = [
    "agreements_unfiled",
    "is_agreement_filing_deadline",
    "is_every_day",
    "is_last_day_of_month",
    "is_lecture_period_end",
    "is_ledger_due_day",
    "is_ledger_reminder_day",
    "is_review_opening_day",
    "ledger_overdue_mark",
    "ledger_overdue_resolve",
    "mark_ledgers_overdue",
    "month_end",
    "open_review",
    "quarter_end_lectures",
    "remind_ledgers_due",
    "remind_township_ledgers",
]
