"""Renewal (续聘): the policy assessment hands to advisors (registered in AssessmentConfig.ready)."""

from django.utils.translation import gettext as _

from advisors.models import Advisor

from ..models import Review, ReviewPeriod, Tier


def renewal_refusal(advisor: Advisor, year: int) -> str | None:
    """Why the advisor may not get an agreement starting in `year`: rated 不合格 in the year-end review before it,
    where the bureau cancels renewal for it (seed 004, the default; seed 003 asks for rectification instead)."""
    if not advisor.bureau.fail_blocks_renewal:
        return None
    failed = Review.objects.filter(
        advisor=advisor,
        status=Review.Status.FINAL,
        final_tier=Tier.FAIL,
        period__kind=ReviewPeriod.Kind.YEAR,
        period__year=year - 1,
    ).exists()
    if failed:
        return _("%(advisor)s 在%(year)s年年终考核中被评为不合格，按规定%(next)s年不予续聘。") % {
            "advisor": advisor.name,
            "year": year - 1,
            "next": year,
        }
    return None
