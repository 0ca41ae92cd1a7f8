"""The village liaison's phone among the revealable numbers (who sees it in full: common/phones.py)."""

from accounts.policy import scope_of
from common.phones import RevealableField, register

from .selectors import current_agreements, villages_visible_to


def _advisors_villages(user) -> set[int]:
    """The ids of an advisor's villages today, one query per request (memoised on the user)."""
    cached = getattr(user, "_pipl_counterpart_villages", None)
    if cached is None:
        cached = set()
        if scope_of(user).is_advisor:
            current = current_agreements().filter(advisor__user=user, advisor__is_active=True)
            cached = set(current.values_list("village_id", flat=True))
        user._pipl_counterpart_villages = cached
    return cached


def _liaison_phone_in_full(user, village, lists: bool) -> bool:
    if village.liaison_id == user.pk:
        return True
    return not lists and village.pk in _advisors_villages(user)


def _villages_for_reveal(user):
    return villages_visible_to(user).select_related("township")


def register_phones() -> None:
    register(
        RevealableField(
            "village-liaison-phone",
            "villages.village",
            "liaison_phone",
            _villages_for_reveal,
            _liaison_phone_in_full,
        )
    )
