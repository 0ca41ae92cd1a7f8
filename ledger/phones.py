"""The resident's phone of a work log among the revealable numbers, and in the exported form (common/phones.py)."""

from accounts.policy import scope_of
from common.phones import RevealableField, register

from .selectors import worklogs_visible_to


def _object_phone_in_full(user, worklog, lists: bool) -> bool:
    advisor = getattr(worklog, "advisor", None)
    return advisor is not None and advisor.user_id == user.pk


def _worklogs_for_reveal(user):
    return worklogs_visible_to(user).select_related("advisor", "village")


def exports_in_full(user, worklog) -> bool:
    """Whether the work-log form exported by `user` prints the resident's phone in full (common/phones.py's
    docstring). The caller has scoped the log already."""
    if worklog.advisor.user_id == user.pk:
        return True
    return scope_of(user).is_office_of(worklog.village.township_id)


def register_phones() -> None:
    register(
        RevealableField(
            "worklog-object-phone",
            "ledger.worklog",
            "object_phone",
            _worklogs_for_reveal,
            _object_phone_in_full,
        )
    )
