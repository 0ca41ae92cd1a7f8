"""Row locks for state transitions: two clicks or two people make exactly one transition."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(instance: M) -> M:
    """Lock `instance`'s row until the transaction ends and reload it as stored, so the caller checks the state it
    is about to change as it is now, not as it was when the request loaded it. Call inside `transaction.atomic`.

    On PostgreSQL a second writer waits here for the first to commit, then sees its result (and is refused or finds
    nothing to do); SQLite serialises writers on the whole file."""
    instance.refresh_from_db(from_queryset=type(instance)._base_manager.select_for_update())
    return instance
