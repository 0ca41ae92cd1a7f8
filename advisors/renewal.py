"""Renewal policies: another app (assessment, with its reviews) registers a check that may refuse an advisor a new
agreement for a year, so advisors does not depend on the apps that judge advisors."""

from collections.abc import Callable

from .models import Advisor

RenewalPolicy = Callable[[Advisor, int], str | None]

_policies: list[RenewalPolicy] = []


def register_renewal_policy(policy: RenewalPolicy) -> None:
    """Called from an AppConfig.ready(); registering the same policy twice keeps one."""
    if policy not in _policies:
        _policies.append(policy)


def renewal_refusal(advisor: Advisor, year: int) -> str | None:
    """The first policy's reason why `advisor` may not get an agreement starting in `year`, or None."""
    for policy in _policies:
        refusal = policy(advisor, year)
        if refusal:
            return refusal
    return None
