"""The review's rules: opening a period, computing indicators and the proposed tier, the four opinions, the
objection round, the final tier and its lock, deductions, the payout, and the non-renewal of a 不合格 advisor.

Every write locks the review's row (select_for_update) so two clicks or two people make one change; every change is
recorded as a ReviewEvent. The computed indicators are derived data, recomputed in bulk; the people's decisions are
saved one by one.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from advisors.models import Advisor, Agreement
from audit.services import audit_bulk_change
from programme.calendar import half_of, year_of
from villages.models import Bureau

from .indicators import advisor_ranges, compute_indicators
from .models import (
    PayoutDeduction,
    Rating,
    Review,
    ReviewEvent,
    ReviewPeriod,
    ReviewVillage,
    ScoringRule,
    Tier,
)
from .scoring import payout_percent, score_review

CENT = Decimal("0.01")
BATCH_SIZE = 1000  # rows per INSERT / UPDATE of the computation


def scoring_rule_for(bureau: Bureau) -> ScoringRule:
    rule, _created = ScoringRule.objects.get_or_create(bureau=bureau)
    return rule


def period_bounds(kind: str, year: int) -> tuple[date, date]:
    """The first half (half-year review) or the whole year (year-end review), from the programme's calendar."""
    period = (half_of if kind == ReviewPeriod.Kind.HALF_YEAR else year_of)(date(year, 1, 1))
    return period.start, period.end


# --- opening and computing ---


@transaction.atomic
def review_period_open(
    *, bureau: Bureau, kind: str, year: int, by=None, today: date | None = None
) -> ReviewPeriod:
    """Open the period (again: idempotent) with a review for every advisor who served in it, and compute them all."""
    start, end = period_bounds(kind, year)
    if end >= (today or timezone.localdate()):
        raise ValidationError(
            _("考核期尚未结束，不能开启考核（考核期至%(end)s）。")
            % {"end": f"{end.year}年{end.month}月{end.day}日"}
        )
    period, created = ReviewPeriod.objects.select_for_update().get_or_create(
        bureau=bureau,
        kind=kind,
        year=year,
        defaults={"start_date": start, "end_date": end, "opened_by": by},
    )
    review_period_compute(period=period, by=by, opening=created)
    return period


@transaction.atomic
def review_period_compute(*, period: ReviewPeriod, by=None, opening: bool = False) -> int:
    """(Re)compute the indicators and proposed tier of every review of the period that is not final.

    Advisors who served in the period and have no review yet get one; a final review keeps what it was finalized on.
    The advisors are computed and written in chunks (`indicators.CHUNK_SIZE` advisors at a time), so a province
    holds one chunk in memory, not all of it; the whole computation is still one transaction and one audit event.
    Returns the number of reviews computed.
    """
    period = ReviewPeriod.objects.select_for_update().get(pk=period.pk)
    rule = scoring_rule_for(period.bureau)
    now = timezone.now()
    action = ReviewEvent.Action.OPENED if opening else ReviewEvent.Action.COMPUTED
    totals = dict.fromkeys(("reviews_created", "reviews_computed", "villages_created", "villages_updated"), 0)
    for advisors in advisor_ranges(period):
        for key, n in _compute_chunk(period, advisors, rule=rule, now=now, by=by, action=action).items():
            totals[key] += n
    audit_bulk_change(Review, detail=f"{period.label} 计算考核指标", data={"period": period.pk, **totals})
    return totals["reviews_computed"]


def _compute_chunk(
    period: ReviewPeriod, advisors: tuple[int, int], *, rule: ScoringRule, now, by, action: str
) -> dict[str, int]:
    """Compute and write the reviews of the advisors whose id is in the range `advisors`; returns the counts."""
    computed = compute_indicators(period, advisors)
    villages_of: dict[int, dict[int, dict]] = {}  # advisor -> village -> indicators
    for (advisor_id, village_id), indicators in computed.pairs.items():
        villages_of.setdefault(advisor_id, {})[village_id] = indicators

    reviews = {
        r.advisor_id: r
        for r in Review.objects.filter(
            period=period, advisor_id__gte=advisors[0], advisor_id__lte=advisors[1]
        )
        .select_for_update()
        .only("pk", "advisor_id", "status", "office_rating", "score", "breakdown", "proposed_tier")
    }
    # The rows already there, with what they were computed on: a row whose indicators did not change is not written.
    rows: dict[int, dict[int, ReviewVillage]] = {}
    for row in ReviewVillage.objects.filter(
        review__period=period,
        review__advisor_id__gte=advisors[0],
        review__advisor_id__lte=advisors[1],
        review__status=Review.Status.OPEN,
    ).only("pk", "review_id", "village_id", "village_rating", "agreement_id", "indicators"):
        rows.setdefault(row.review_id, {})[row.village_id] = row

    to_create, to_update, new_reviews, scored, changed = [], [], [], [], []
    recomputed = 0  # rows there already, recomputed (written only when changed)
    for advisor_id in sorted(villages_of.keys() | reviews.keys()):
        review = reviews.get(advisor_id)
        if review is None:
            review = Review(period=period, advisor_id=advisor_id)
            new_reviews.append(review)
        elif review.status != Review.Status.OPEN:
            continue
        existing = rows.get(review.pk, {}) if review.pk else {}
        review_rows = []
        for village_id, indicators in villages_of.get(advisor_id, {}).items():
            row = existing.get(village_id)
            if row is None:
                row = ReviewVillage(review=review, village_id=village_id)
                to_create.append(row)
            else:
                recomputed += 1
                if (row.agreement_id, row.indicators) != (indicators["agreement_id"], indicators):
                    to_update.append(row)
            row.agreement_id = indicators["agreement_id"]
            row.indicators = indicators
            review_rows.append(row)
        before = (review.score, review.breakdown, review.proposed_tier)
        _score(review, review_rows, rule, computed.advisor_findings.get(advisor_id, 0))
        review.computed_at = now
        scored.append(review)
        if review.pk and before != (review.score, review.breakdown, review.proposed_tier):
            changed.append(review)

    # Every open review of the chunk is computed now; only those whose score changed are rewritten. New reviews
    # are created already scored (no UPDATE after), then their rows with the ids they got.
    Review.objects.filter(
        period=period, advisor_id__gte=advisors[0], advisor_id__lte=advisors[1], status=Review.Status.OPEN
    ).update(computed_at=now)
    Review.objects.bulk_update(changed, ["score", "breakdown", "proposed_tier"], batch_size=BATCH_SIZE)
    Review.objects.bulk_create(new_reviews, batch_size=BATCH_SIZE)
    for row in to_create:
        row.review_id = row.review.pk
    ReviewVillage.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    ReviewVillage.objects.bulk_update(to_update, ["agreement", "indicators"], batch_size=BATCH_SIZE)
    ReviewEvent.objects.bulk_create(
        [ReviewEvent(review=review, action=action, by=by, at=now) for review in scored], batch_size=BATCH_SIZE
    )
    return {
        "reviews_created": len(new_reviews),
        "reviews_computed": len(scored),
        "villages_created": len(to_create),
        "villages_updated": recomputed,
    }


def _score(review: Review, rows: list[ReviewVillage], rule: ScoringRule, advisor_findings: int) -> None:
    villages = [{**row.indicators, "village_rating": row.village_rating} for row in rows]
    open_findings = advisor_findings + sum(row.indicators.get("open_findings", 0) for row in rows)
    result = score_review(
        rule=rule, villages=villages, office_rating=review.office_rating, open_findings=open_findings
    )
    review.score = result.score
    review.breakdown = result.breakdown()
    review.breakdown[-1]["advisor_findings"] = advisor_findings
    review.proposed_tier = result.tier


def _rescore(review: Review) -> None:
    """After an opinion changes: the proposed tier follows (the indicators stay as computed)."""
    advisor_findings = review.breakdown[-1].get("advisor_findings", 0) if review.breakdown else 0
    _score(review, list(review.villages.all()), scoring_rule_for(review.period.bureau), advisor_findings)
    review.save(update_fields=["score", "breakdown", "proposed_tier"])


# --- who may do what ---


def _locked(review: Review) -> Review:
    """The review row, locked for this transaction, refusing any change once final."""
    review = Review.objects.select_for_update().select_related("period__bureau", "advisor").get(pk=review.pk)
    if review.is_final:
        raise ValidationError(_("该考核已定等次并锁定，如需修改请联系司法局管理员。"))
    return review


def _record(review: Review, action: str, by, note: str = "", changes: dict | None = None) -> None:
    ReviewEvent.objects.create(review=review, action=action, by=by, note=note, changes=changes or {})


def is_reviewed_advisor(review: Review, user) -> bool:
    return review.advisor.user_id is not None and review.advisor.user_id == user.pk


def may_rate_as_office(review: Review, user) -> bool:
    """Justice-office staff of a township where the advisor served a village in this review."""
    scope = scope_of(user)
    return scope.is_office and review.villages.filter(village__township_id=scope.township_id).exists()


def may_decide(review: Review, user) -> bool:
    """The bureau's staff of the review's bureau set the final tier."""
    return scope_of(user).runs_bureau(review.period.bureau_id)


def may_rate_village(row: ReviewVillage, user) -> bool:
    """The village's liaison, or its justice office recording the village's rating on its behalf."""
    if row.village.liaison_id == user.pk:
        return True
    return scope_of(user).is_office_of(row.village.township_id)


def may_run_period(period: ReviewPeriod, user) -> bool:
    """The bureau's staff open, recompute and close their bureau's review periods."""
    return scope_of(user).runs_bureau(period.bureau_id)


def may_change_final(review: Review, user) -> bool:
    """After the lock, a bureau admin of the review's bureau (or a superuser) may change the final tier."""
    scope = scope_of(user)
    return scope.is_operator or scope.administers_bureau(review.period.bureau_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您无权进行此项考核操作。"))


# --- the four opinions ---


def _required_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


@transaction.atomic
def review_self_assess(*, review: Review, by, text: str, rating: str) -> Review:
    review = _locked(review)
    _require(is_reviewed_advisor(review, by))
    if rating not in Tier.values:
        raise ValidationError({"self_rating": _("请选择自评等次。")})
    review.self_assessment = _required_text(text, _("请填写自我评价。"))
    review.self_rating = rating
    review.self_assessed_at = timezone.now()
    review.save(update_fields=["self_assessment", "self_rating", "self_assessed_at"])
    _record(review, ReviewEvent.Action.SELF_ASSESSED, by, changes={"self_rating": rating})
    return review


@transaction.atomic
def review_village_rate(*, row: ReviewVillage, by, rating: str, comment: str = "") -> ReviewVillage:
    review = _locked(row.review)
    row = ReviewVillage.objects.select_for_update().select_related("village").get(pk=row.pk)
    _require(may_rate_village(row, by))
    if rating not in Rating.values:
        raise ValidationError({"village_rating": _("请选择村(居)评价等次。")})
    if rating == Rating.FAIL and not (comment or "").strip():
        raise ValidationError({"village_comment": _("评价为不合格时请写明理由。")})
    row.village_rating, row.village_comment = rating, comment.strip()
    row.village_rated_at, row.village_rated_by = timezone.now(), by
    row.save(update_fields=["village_rating", "village_comment", "village_rated_at", "village_rated_by"])
    on_behalf = row.village.liaison_id != by.pk
    note = _("司法所代为录入村(居)评价") if on_behalf else ""
    _record(
        review, ReviewEvent.Action.VILLAGE_RATED, by, note, {"village": row.village.name, "rating": rating}
    )
    _rescore(review)
    return row


@transaction.atomic
def review_office_rate(*, review: Review, by, rating: str, comment: str) -> Review:
    review = _locked(review)
    _require(may_rate_as_office(review, by))
    if rating not in Rating.values:
        raise ValidationError({"office_rating": _("请选择司法所评价等次。")})
    review.office_rating = rating
    review.office_comment = _required_text(comment, _("请填写司法所意见。"))
    review.office_rated_at, review.office_rated_by = timezone.now(), by
    review.save(update_fields=["office_rating", "office_comment", "office_rated_at", "office_rated_by"])
    _record(review, ReviewEvent.Action.OFFICE_RATED, by, changes={"rating": rating})
    _rescore(review)
    return review


# --- the advisor's answer to the indicators, and the objection round ---


@transaction.atomic
def review_confirm(*, review: Review, by) -> Review:
    review = _locked(review)
    _require(is_reviewed_advisor(review, by))
    if review.has_open_objection:
        raise ValidationError(_("您的异议正在等待司法所答复。"))
    review.advisor_response = Review.AdvisorResponse.CONFIRMED
    review.responded_at = timezone.now()
    review.save(update_fields=["advisor_response", "responded_at"])
    _record(review, ReviewEvent.Action.CONFIRMED, by)
    return review


@transaction.atomic
def review_object(*, review: Review, by, text: str) -> Review:
    review = _locked(review)
    _require(is_reviewed_advisor(review, by))
    if review.has_open_objection:
        raise ValidationError(_("您已提出异议，请等待司法所答复。"))
    review.objection = _required_text(text, _("请写明对哪项指标有异议及理由。"))
    review.advisor_response = Review.AdvisorResponse.OBJECTED
    review.responded_at = timezone.now()
    review.objection_answer, review.objection_answered_at, review.objection_answered_by = "", None, None
    review.save(
        update_fields=[
            "objection",
            "advisor_response",
            "responded_at",
            "objection_answer",
            "objection_answered_at",
            "objection_answered_by",
        ]
    )
    _record(review, ReviewEvent.Action.OBJECTED, by, review.objection)
    return review


@transaction.atomic
def review_answer_objection(*, review: Review, by, text: str) -> Review:
    review = _locked(review)
    _require(may_rate_as_office(review, by))
    if not review.has_open_objection:
        raise ValidationError(_("没有待答复的异议。"))
    review.objection_answer = _required_text(text, _("请填写答复意见。"))
    review.objection_answered_at, review.objection_answered_by = timezone.now(), by
    review.save(update_fields=["objection_answer", "objection_answered_at", "objection_answered_by"])
    _record(review, ReviewEvent.Action.ANSWERED, by, review.objection_answer)
    return review


# --- the bureau's decision ---


@transaction.atomic
def review_finalize(
    *, review: Review, by, tier: str, reason: str = "", misconduct: bool = False, misconduct_reason: str = ""
) -> Review:
    """Set the final tier and lock the review. A tier other than the proposed one needs a written reason."""
    review = _locked(review)
    _require(may_decide(review, by))
    if review.computed_at is None:
        raise ValidationError(_("考核指标尚未计算。"))
    if tier not in Tier.values:
        raise ValidationError({"final_tier": _("请选择最终等次。")})
    if review.has_open_objection:
        raise ValidationError(_("顾问的异议尚未经司法所答复，不能定等次。"))
    reason = (reason or "").strip()
    if tier != review.proposed_tier and not reason:
        raise ValidationError(
            {
                "override_reason": _("最终等次与建议等次（%(tier)s）不同，请写明调整理由。")
                % {"tier": _tier(review.proposed_tier)}
            }
        )
    if misconduct:
        misconduct_reason = _required_text(misconduct_reason, _("请写明违规违纪情况。"))
    review.final_tier, review.override_reason = tier, reason
    review.misconduct, review.misconduct_reason = misconduct, misconduct_reason if misconduct else ""
    review.status = Review.Status.FINAL
    review.finalized_at, review.finalized_by = timezone.now(), by
    review.save()
    _record(
        review,
        ReviewEvent.Action.FINALIZED,
        by,
        reason,
        {
            "proposed_tier": review.proposed_tier,
            "final_tier": tier,
            "score": str(review.score),
            "misconduct": misconduct,
        },
    )
    return review


@transaction.atomic
def review_change_final(
    *, review: Review, by, tier: str, reason: str, misconduct: bool | None = None, misconduct_reason: str = ""
) -> Review:
    """A change after the lock: bureau admins only, with a reason, recorded with what it was before."""
    review = Review.objects.select_for_update().select_related("period__bureau").get(pk=review.pk)
    _require(may_change_final(review, by))
    if not review.is_final:
        raise ValidationError(_("该考核尚未定等次，请直接定等。"))
    if tier not in Tier.values:
        raise ValidationError({"final_tier": _("请选择最终等次。")})
    reason = _required_text(reason, _("定等后修改须写明理由。"))
    before = {"final_tier": review.final_tier, "misconduct": review.misconduct}
    review.final_tier = tier
    if misconduct is not None:
        review.misconduct = misconduct
        review.misconduct_reason = (
            _required_text(misconduct_reason, _("请写明违规违纪情况。")) if misconduct else ""
        )
    if tier != review.proposed_tier and not review.override_reason:
        review.override_reason = reason
    review.save()
    after = {"final_tier": review.final_tier, "misconduct": review.misconduct}
    _record(review, ReviewEvent.Action.CHANGED_AFTER_FINAL, by, reason, {"before": before, "after": after})
    return review


def _tier(value: str) -> str:
    return str(Tier(value).label) if value in Tier.values else _("未定")


@transaction.atomic
def review_add_deduction(
    *, review: Review, by, agreement: Agreement, amount: Decimal, reason: str
) -> PayoutDeduction:
    """A deduction from one agreement's payout: by bureau staff while the review is open; once it is final (a
    deduction found when paying), by a bureau admin only, recorded as a change after the lock."""
    review = Review.objects.select_for_update().select_related("period__bureau").get(pk=review.pk)
    _require(may_change_final(review, by) if review.is_final else may_decide(review, by))
    if agreement.advisor_id != review.advisor_id:
        raise ValidationError(_("该协议不属于本次考核的法律顾问。"))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("扣减金额须大于0。")})
    deduction = PayoutDeduction.objects.create(
        review=review,
        agreement=agreement,
        amount=Decimal(amount).quantize(CENT, ROUND_HALF_UP),
        reason=_required_text(reason, _("请写明扣减原因。")),
        created_by=by,
    )
    action = ReviewEvent.Action.CHANGED_AFTER_FINAL if review.is_final else ReviewEvent.Action.DEDUCTED
    _record(review, action, by, reason, {"agreement": agreement.pk, "deduction": str(deduction.amount)})
    return deduction


@transaction.atomic
def review_period_close(*, period: ReviewPeriod, by) -> ReviewPeriod:
    period = ReviewPeriod.objects.select_for_update().get(pk=period.pk)
    open_count = period.reviews.filter(status=Review.Status.OPEN).count()
    if open_count:
        raise ValidationError(_("尚有%(n)s名法律顾问未定等次。") % {"n": open_count})
    period.status, period.closed_at = ReviewPeriod.Status.CLOSED, timezone.now()
    period.save(update_fields=["status", "closed_at"])
    return period


# --- the payout (补贴发放) ---


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


def payout_window(period: ReviewPeriod) -> tuple[date, date]:
    """What a period pays for: the half-year its first half; the year-end the second half when the bureau held a
    half-year review that year (it paid the first), otherwise the whole year."""
    if period.kind == ReviewPeriod.Kind.HALF_YEAR:
        return period.start_date, period.end_date
    held_half = ReviewPeriod.objects.filter(
        bureau_id=period.bureau_id, kind=ReviewPeriod.Kind.HALF_YEAR, year=period.year
    ).exists()
    return (date(period.year, 7, 1) if held_half else period.start_date), period.end_date


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
    """One line per advisor and agreement in force during the payout window, in advisor order."""
    window = payout_window(period)
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


# --- renewal ---


def renewal_refusal(advisor: Advisor, year: int) -> str | None:
    """Why the advisor may not get an agreement starting in `year`: rated 不合格 in the year-end review before it."""
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


def review_due_to_open(on: date) -> tuple[str, int]:
    """The period a review opening on `on` is for: in July the first half of the year; in January the year before."""
    if on.month >= 7:
        return ReviewPeriod.Kind.HALF_YEAR, on.year
    return ReviewPeriod.Kind.YEAR, on.year - 1


# --- return visits (回访) and inspections (检查) ---


def _not_in_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})


@transaction.atomic
def return_visit_record(
    *,
    by,
    village,
    visited_on: date,
    contact_kind: str,
    contact_name: str = "",
    method: str,
    satisfaction: str,
    comments: str = "",
):
    """回访: bureau staff of the village's bureau ask a cadre or a resident about the advisor serving it that day."""
    from .models import ReturnVisit

    _require(scope_of(by).runs_bureau(village.township.bureau_id))
    _not_in_future(visited_on, "visited_on", _("回访日期"))
    agreement = (
        Agreement.objects.covering(visited_on).filter(village=village).select_related("advisor").first()
    )
    if agreement is None:
        raise ValidationError(
            {
                "visited_on": _("%(village)s在%(day)s没有生效的法律顾问协议，无法登记对法律顾问的回访。")
                % {
                    "village": village.name,
                    "day": f"{visited_on.year}年{visited_on.month}月{visited_on.day}日",
                }
            }
        )
    visit = ReturnVisit(
        village=village,
        advisor=agreement.advisor,
        visited_on=visited_on,
        contact_kind=contact_kind,
        contact_name=(contact_name or "").strip(),
        method=method,
        satisfaction=satisfaction,
        comments=(comments or "").strip(),
        recorded_by=by,
    )
    if satisfaction == "unsatisfied" and not visit.comments:
        raise ValidationError({"comments": _("回访结果为不满意时，请写明群众反映的问题。")})
    visit.full_clean()
    visit.save()
    return visit


def may_record_inspection(user, township) -> bool:
    return scope_of(user).oversees_township(township)


@transaction.atomic
def inspection_record(
    *,
    by,
    township,
    village=None,
    advisor: Advisor | None = None,
    inspected_on: date,
    inspectors: str,
    checked_items: str,
    findings: str = "",
    follow_up_due: date | None = None,
):
    """检查: the bureau inspects any township or village of its own (督导检查); a justice office checks its own
    township's villages (月度检查). The kind follows who records it. A village's advisor is the one serving it that
    day unless another is named."""
    from .models import Inspection

    _require(may_record_inspection(by, township))
    kind = Inspection.Kind.BUREAU if scope_of(by).is_bureau else Inspection.Kind.OFFICE
    if village is not None and village.township_id != township.pk:
        raise ValidationError({"village": _("所选村(社区)不属于该乡镇(街道)。")})
    if advisor is not None and advisor.bureau_id != township.bureau_id:
        raise ValidationError({"advisor": _("所选法律顾问不属于本司法局。")})
    _not_in_future(inspected_on, "inspected_on", _("检查日期"))
    findings = (findings or "").strip()
    if findings and follow_up_due is None:
        raise ValidationError({"follow_up_due": _("发现问题时请填写整改期限。")})
    if follow_up_due is not None and follow_up_due < inspected_on:
        raise ValidationError({"follow_up_due": _("整改期限不能早于检查日期。")})
    if village is not None and advisor is None:
        agreement = (
            Agreement.objects.covering(inspected_on).filter(village=village).select_related("advisor").first()
        )
        advisor = agreement.advisor if agreement else None
    inspection = Inspection(
        kind=kind,
        township=township,
        village=village,
        advisor=advisor,
        inspected_on=inspected_on,
        inspectors=(inspectors or "").strip(),
        checked_items=(checked_items or "").strip(),
        findings=findings,
        follow_up_due=follow_up_due if findings else None,
        recorded_by=by,
    )
    inspection.full_clean()
    inspection.save()
    return inspection


def may_resolve_inspection(user, inspection) -> bool:
    """The bureau's staff, or the justice office of the inspected township (it sees the follow-up through)."""
    return may_record_inspection(user, inspection.township)


@transaction.atomic
def inspection_resolve(*, inspection, by, resolution: str, resolved_on: date):
    """Record how the findings were put right, and when (once: a later change is the admin's, recorded there)."""
    from .models import Inspection

    inspection = Inspection.objects.select_for_update().select_related("township").get(pk=inspection.pk)
    _require(may_resolve_inspection(by, inspection))
    if not inspection.has_findings:
        raise ValidationError(_("该次检查没有发现问题，无需登记整改情况。"))
    if inspection.resolved_on is not None:
        raise ValidationError(_("该次检查的整改情况已登记。"))
    resolution = _required_text(resolution, _("请填写整改情况。"))
    if resolved_on is None:
        raise ValidationError({"resolved_on": _("请填写整改完成日期。")})
    if resolved_on < inspection.inspected_on:
        raise ValidationError({"resolved_on": _("整改完成日期不能早于检查日期。")})
    _not_in_future(resolved_on, "resolved_on", _("整改完成日期"))
    inspection.resolution, inspection.resolved_on = resolution, resolved_on
    inspection.save(update_fields=["resolution", "resolved_on", "updated_at"])
    return inspection
