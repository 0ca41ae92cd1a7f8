"""The four opinions (self-assessment, village, office, bureau), the advisor's answer and the objection round, and
the final tier with its lock."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Rating, Review, ReviewEvent, ReviewVillage, Tier
from .access import is_reviewed_advisor, may_change_final, may_decide, may_rate_as_office, may_rate_village
from .common import record_event, require, required_text
from .computation import rescore


def _locked(review: Review) -> Review:
    """The review row, locked for this transaction, refusing any change once final."""
    review = Review.objects.select_for_update().select_related("period__bureau", "advisor").get(pk=review.pk)
    if review.is_final:
        raise ValidationError(_("该考核已定等次并锁定，如需修改请联系司法局管理员。"))
    return review


@transaction.atomic
def review_self_assess(*, review: Review, by, text: str, rating: str) -> Review:
    review = _locked(review)
    require(is_reviewed_advisor(review, by))
    if rating not in Tier.values:
        raise ValidationError({"self_rating": _("请选择自评等次。")})
    review.self_assessment = required_text(text, _("请填写自我评价。"))
    review.self_rating = rating
    review.self_assessed_at = timezone.now()
    review.save(update_fields=["self_assessment", "self_rating", "self_assessed_at"])
    record_event(review, ReviewEvent.Action.SELF_ASSESSED, by, changes={"self_rating": rating})
    return review


@transaction.atomic
def review_village_rate(*, row: ReviewVillage, by, rating: str, comment: str = "") -> ReviewVillage:
    review = _locked(row.review)
    row = ReviewVillage.objects.select_for_update().select_related("village").get(pk=row.pk)
    require(may_rate_village(row, by))
    if rating not in Rating.values:
        raise ValidationError({"village_rating": _("请选择村(居)评价等次。")})
    if rating == Rating.FAIL and not (comment or "").strip():
        raise ValidationError({"village_comment": _("评价为不合格时请写明理由。")})
    row.village_rating, row.village_comment = rating, comment.strip()
    row.village_rated_at, row.village_rated_by = timezone.now(), by
    row.save(update_fields=["village_rating", "village_comment", "village_rated_at", "village_rated_by"])
    on_behalf = row.village.liaison_id != by.pk
    note = _("司法所代为录入村(居)评价") if on_behalf else ""
    record_event(
        review, ReviewEvent.Action.VILLAGE_RATED, by, note, {"village": row.village.name, "rating": rating}
    )
    rescore(review)
    return row


@transaction.atomic
def review_office_rate(*, review: Review, by, rating: str, comment: str) -> Review:
    review = _locked(review)
    require(may_rate_as_office(review, by))
    if rating not in Rating.values:
        raise ValidationError({"office_rating": _("请选择司法所评价等次。")})
    review.office_rating = rating
    review.office_comment = required_text(comment, _("请填写司法所意见。"))
    review.office_rated_at, review.office_rated_by = timezone.now(), by
    review.save(update_fields=["office_rating", "office_comment", "office_rated_at", "office_rated_by"])
    record_event(review, ReviewEvent.Action.OFFICE_RATED, by, changes={"rating": rating})
    rescore(review)
    return review


# --- the advisor's answer to the indicators, and the objection round ---


@transaction.atomic
def review_confirm(*, review: Review, by) -> Review:
    review = _locked(review)
    require(is_reviewed_advisor(review, by))
    if review.has_open_objection:
        raise ValidationError(_("您的异议正在等待司法所答复。"))
    review.advisor_response = Review.AdvisorResponse.CONFIRMED
    review.responded_at = timezone.now()
    review.save(update_fields=["advisor_response", "responded_at"])
    record_event(review, ReviewEvent.Action.CONFIRMED, by)
    return review


@transaction.atomic
def review_object(*, review: Review, by, text: str) -> Review:
    review = _locked(review)
    require(is_reviewed_advisor(review, by))
    if review.has_open_objection:
        raise ValidationError(_("您已提出异议，请等待司法所答复。"))
    review.objection = required_text(text, _("请写明对哪项指标有异议及理由。"))
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
    record_event(review, ReviewEvent.Action.OBJECTED, by, review.objection)
    return review


@transaction.atomic
def review_answer_objection(*, review: Review, by, text: str) -> Review:
    review = _locked(review)
    require(may_rate_as_office(review, by))
    if not review.has_open_objection:
        raise ValidationError(_("没有待答复的异议。"))
    review.objection_answer = required_text(text, _("请填写答复意见。"))
    review.objection_answered_at, review.objection_answered_by = timezone.now(), by
    review.save(update_fields=["objection_answer", "objection_answered_at", "objection_answered_by"])
    record_event(review, ReviewEvent.Action.ANSWERED, by, review.objection_answer)
    return review


# --- the bureau's decision ---


@transaction.atomic
def review_finalize(
    *, review: Review, by, tier: str, reason: str = "", misconduct: bool = False, misconduct_reason: str = ""
) -> Review:
    """Set the final tier and lock the review. A tier other than the proposed one needs a written reason."""
    review = _locked(review)
    require(may_decide(review, by))
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
        misconduct_reason = required_text(misconduct_reason, _("请写明违规违纪情况。"))
    review.final_tier, review.override_reason = tier, reason
    review.misconduct, review.misconduct_reason = misconduct, misconduct_reason if misconduct else ""
    review.status = Review.Status.FINAL
    review.finalized_at, review.finalized_by = timezone.now(), by
    review.save()
    record_event(
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
    require(may_change_final(review, by))
    if not review.is_final:
        raise ValidationError(_("该考核尚未定等次，请直接定等。"))
    if tier not in Tier.values:
        raise ValidationError({"final_tier": _("请选择最终等次。")})
    reason = required_text(reason, _("定等后修改须写明理由。"))
    before = {"final_tier": review.final_tier, "misconduct": review.misconduct}
    review.final_tier = tier
    if misconduct is not None:
        review.misconduct = misconduct
        review.misconduct_reason = (
            required_text(misconduct_reason, _("请写明违规违纪情况。")) if misconduct else ""
        )
    if tier != review.proposed_tier and not review.override_reason:
        review.override_reason = reason
    review.save()
    after = {"final_tier": review.final_tier, "misconduct": review.misconduct}
    record_event(
        review, ReviewEvent.Action.CHANGED_AFTER_FINAL, by, reason, {"before": before, "after": after}
    )
    return review


def _tier(value: str) -> str:
    return str(Tier(value).label) if value in Tier.values else _("未定")
