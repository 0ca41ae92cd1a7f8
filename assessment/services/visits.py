"""Return visits (回访) and inspections (检查)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from advisors.models import Advisor, Agreement

from ..models import Inspection, ReturnVisit
from .access import may_record_inspection, may_resolve_inspection
from .common import require, required_text


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
    require(scope_of(by).runs_bureau(village.township.bureau_id))
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
    require(may_record_inspection(by, township))
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


@transaction.atomic
def inspection_resolve(*, inspection, by, resolution: str, resolved_on: date):
    """Record how the findings were put right, and when (once: a later change is the admin's, recorded there)."""
    inspection = Inspection.objects.select_for_update().select_related("township").get(pk=inspection.pk)
    require(may_resolve_inspection(by, inspection))
    if not inspection.has_findings:
        raise ValidationError(_("该次检查没有发现问题，无需登记整改情况。"))
    if inspection.resolved_on is not None:
        raise ValidationError(_("该次检查的整改情况已登记。"))
    resolution = required_text(resolution, _("请填写整改情况。"))
    if resolved_on is None:
        raise ValidationError({"resolved_on": _("请填写整改完成日期。")})
    if resolved_on < inspection.inspected_on:
        raise ValidationError({"resolved_on": _("整改完成日期不能早于检查日期。")})
    _not_in_future(resolved_on, "resolved_on", _("整改完成日期"))
    inspection.resolution, inspection.resolved_on = resolution, resolved_on
    inspection.save(update_fields=["resolution", "resolved_on", "updated_at"])
    return inspection
