"""What the ledger tells the apps above it, which it must not import (deadlines keeps the flags)."""

from django.dispatch import Signal

# A month's ledger of one advisor and village was submitted: advisor_id, village_id, year, month, at.
ledger_submitted = Signal()
