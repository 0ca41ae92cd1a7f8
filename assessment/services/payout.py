"""The payout (补贴发放): the window a period pays for, each agreement's share, the tier's percentage, deductions."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from advisors.models import Agreement

from ..models import PayoutDeduction, Review, ReviewEvent, ReviewPeriod
from ..scoring import payout_percent
from .access import may_change_final, may_decide
from .common import record_event, require, required_text

CENT = Decimal("0.01")


@transaction.atomic
def review_add_deduction(
    *, review: Review, by, agreement: Agreement, amount: Decimal, reason: str
) -> PayoutDeduction:
    """A deduction from one agreement's payout: by bureau staff while the review is open; once it is final (a
    deduction found when paying), by a bureau admin only, recorded as a change after the lock."""
    review = Review.objects.select_for_update().select_related("period__bureau").get(pk=review.pk)
    require(may_change_final(review, by) if review.is_final else may_decide(review, by))
    if agreement.advisor_id != review.advisor_id:
        raise ValidationError(_("该协议不属于本次考核的法律顾问。"))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("扣减金额须大于0。")})
    deduction = PayoutDeduction.objects.create(
        review=review,
        agreement=agreement,
        amount=Decimal(amount).quantize(CENT, ROUND_HALF_UP),
        reason=required_text(reason, _("请写明扣减原因。")),
        created_by=by,
    )
    action = ReviewEvent.Action.CHANGED_AFTER_FINAL if review.is_final else ReviewEvent.Action.DEDUCTED
    record_event(review, action, by, reason, {"agreement": agreement.pk, "deduction": str(deduction.amount)})
    return deduction


@dataclass
class PayoutLine:
    review: Review
    agreement: Agreement
    window: tuple[date, date]
    subsidy: Decimal  # the agreed subsidy for the window
    tier: str  # "" while the review is not final
    percent: int | None
    deductions: list[PayoutDeduction]
    payable: Decimal | None  # None while the review is not final

    @property
    def deducted(self) -> Decimal:
        return sum((d.amount for d in self.deductions), Decimal(0))


def payout_window(period: ReviewPeriod) -> tuple[date, date] | None:
    """What a period pays for: a half-year that pays (a bureau setting), its first half; an advisory half-year,
    nothing; the year-end the second half when that year's half-year review paid the first, otherwise the whole
    year (to 31 December, even when the review judged the year to an earlier day)."""
    if period.kind == ReviewPeriod.Kind.HALF_YEAR:
        return (period.start_date, period.end_date) if period.pays else None
    half_paid = ReviewPeriod.objects.filter(
        bureau_id=period.bureau_id, kind=ReviewPeriod.Kind.HALF_YEAR, year=period.year, pays=True
    ).exists()
    return (date(period.year, 7, 1) if half_paid else date(period.year, 1, 1)), date(period.year, 12, 31)


def agreed_subsidy(agreement: Agreement, window: tuple[date, date]) -> Decimal:
    """The annual subsidy's share for the days the agreement was in force within the window.

    A window of half a year pays half the annual subsidy when covered whole, prorated by days otherwise.
    """
    start, end = window
    days_in_window = (end - start).days + 1
    days_in_year = (date(start.year, 12, 31) - date(start.year, 1, 1)).days + 1
    share_of_year = Decimal(1) if days_in_window >= days_in_year else Decimal(1) / 2
    covered_end = min(end, agreement.ended_on or agreement.end_date, agreement.end_date)
    covered = (covered_end - max(start, agreement.start_date)).days + 1
    if covered <= 0:
        return Decimal("0.00")
    return (agreement.annual_subsidy * share_of_year * covered / days_in_window).quantize(CENT, ROUND_HALF_UP)


def payout_lines(period: ReviewPeriod) -> list[PayoutLine]:
    """One line per advisor and agreement in force during the payout window, in advisor order (none for a
    half-year review that is advisory only)."""
    window = payout_window(period)
    if window is None:
        return []
    bureau = period.bureau
    reviews = {
        r.advisor_id: r for r in period.reviews.select_related("advisor__firm").prefetch_related("deductions")
    }
    agreements = (
        Agreement.objects.overlapping(*window)
        .filter(advisor_id__in=reviews.keys())
        .select_related("village__township")
        .order_by("advisor__name", "advisor_id", "village__code", "start_date")
    )
    lines = []
    for agreement in agreements:
        review = reviews[agreement.advisor_id]
        deductions = [d for d in review.deductions.all() if d.agreement_id == agreement.pk]
        subsidy = agreed_subsidy(agreement, window)
        tier = review.final_tier if review.is_final else ""
        percent = None
        payable = None
        if tier:
            percent = 0 if review.misconduct else payout_percent(bureau, tier)
            gross = (subsidy * percent / 100).quantize(CENT, ROUND_HALF_UP)
            payable = max(Decimal("0.00"), gross - sum((d.amount for d in deductions), Decimal(0)))
        lines.append(PayoutLine(review, agreement, window, subsidy, tier, percent, deductions, payable))
    return lines
