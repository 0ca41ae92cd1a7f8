"""Opening a review period and computing each advisor's indicators, score and proposed tier.

The computed indicators are derived data, recomputed in bulk; a final review keeps what it was finalized on.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_bulk_change
from programme.calendar import half_of, year_of
from villages.models import Bureau

from ..indicators import advisor_ranges, compute_indicators
from ..models import Review, ReviewEvent, ReviewPeriod, ReviewVillage, ScoringRule
from ..scoring import score_review

BATCH_SIZE = 1000  # rows per INSERT / UPDATE of the computation


def scoring_rule_for(bureau: Bureau) -> ScoringRule:
    rule, _created = ScoringRule.objects.get_or_create(bureau=bureau)
    return rule


def period_bounds(kind: str, year: int, bureau: Bureau | None = None) -> tuple[date, date]:
    """The days a period judges: the first half; the year, or (a bureau opening its year-end review within the year,
    seed 003: results by 12月底) the year to the day before it opens."""
    half_year = kind == ReviewPeriod.Kind.HALF_YEAR
    period = (half_of if half_year else year_of)(date(year, 1, 1))
    opens_on = None if half_year or bureau is None else bureau.year_end_review_opens_on(year)
    if opens_on is not None:
        return period.start, opens_on - timedelta(days=1)
    return period.start, period.end


def review_due_to_open(on: date, bureau: Bureau | None = None) -> tuple[str, int]:
    """The period a review opening on `on` is for: in July the first half of the year; in January the year before;
    from the day the bureau opens its year-end review within the year (if it does), that year."""
    opens_on = bureau.year_end_review_opens_on(on.year) if bureau is not None else None
    if opens_on is not None and on >= opens_on:
        return ReviewPeriod.Kind.YEAR, on.year
    if on.month >= 7:
        return ReviewPeriod.Kind.HALF_YEAR, on.year
    return ReviewPeriod.Kind.YEAR, on.year - 1


@transaction.atomic
def review_period_open(
    *, bureau: Bureau, kind: str, year: int, by=None, today: date | None = None
) -> ReviewPeriod:
    """Open the period (again: idempotent) with a review for every advisor who served in it, and compute them all."""
    start, end = period_bounds(kind, year, bureau)
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
    period = ReviewPeriod.objects.select_for_update().select_related("bureau").get(pk=period.pk)
    if period.is_open and period.kind == ReviewPeriod.Kind.HALF_YEAR:
        # The bureau's setting now: an open period is judged again, a closed one keeps what it paid.
        period.pays = period.bureau.half_year_review_pays
        period.save(update_fields=["pays"])
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


def rescore(review: Review) -> None:
    """After an opinion changes: the proposed tier follows (the indicators stay as computed)."""
    advisor_findings = review.breakdown[-1].get("advisor_findings", 0) if review.breakdown else 0
    _score(review, list(review.villages.all()), scoring_rule_for(review.period.bureau), advisor_findings)
    review.save(update_fields=["score", "breakdown", "proposed_tier"])


@transaction.atomic
def review_period_close(*, period: ReviewPeriod, by) -> ReviewPeriod:
    period = ReviewPeriod.objects.select_for_update().get(pk=period.pk)
    open_count = period.reviews.filter(status=Review.Status.OPEN).count()
    if open_count:
        raise ValidationError(_("尚有%(n)s名法律顾问未定等次。") % {"n": open_count})
    period.status, period.closed_at = ReviewPeriod.Status.CLOSED, timezone.now()
    period.save(update_fields=["status", "closed_at"])
    return period
