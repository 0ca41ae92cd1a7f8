"""The advisor's mobile among the revealable numbers (who sees it in full: common/phones.py)."""

from accounts.policy import scope_of
from common.phones import RevealableField, register

from .models import Agreement
from .selectors import advisors_visible_to


def _liaisons_advisors(user) -> set[int]:
    """The ids of the advisors serving a liaison's villages today, one query per request (memoised on the user)."""
    cached = getattr(user, "_pipl_counterpart_advisors", None)
    if cached is None:
        cached = set()
        if scope_of(user).is_liaison:
            current = Agreement.objects.current().filter(village__liaison=user)
            cached = set(current.values_list("advisor_id", flat=True))
        user._pipl_counterpart_advisors = cached
    return cached


def _advisor_mobile_in_full(user, advisor, lists: bool) -> bool:
    if advisor.user_id == user.pk:
        return True
    return not lists and advisor.pk in _liaisons_advisors(user)


def register_phones() -> None:
    register(
        RevealableField(
            "advisor-mobile", "advisors.advisor", "mobile", advisors_visible_to, _advisor_mobile_in_full
        )
    )
