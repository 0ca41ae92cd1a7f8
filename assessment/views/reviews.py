"""One advisor's review (readable by everyone in scope) and the village's page of it (the liaison's, on a phone), with
the action forms of whoever may act now.

Each action: scope (get_review_for_user / review_villages_visible_to: outside, 404) → form → service (not allowed:
PermissionDenied, 403) → message → redirect. A ValidationError (a reason missing, the review locked, an objection
already open) brings the page back with the form as typed and the message on its field.
"""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import (
    AnswerForm,
    ChangeFinalForm,
    ConfirmForm,
    FinalizeForm,
    ObjectForm,
    OfficeRatingForm,
    SelfAssessForm,
    VillageRatingForm,
)
from ..models import Rating, Review, ReviewEvent, ReviewVillage, Satisfaction, Tier
from ..scoring import INDICATORS
from ..selectors import get_review_for_user, review_villages_visible_to, reviews_visible_to

# --- what the page shows ---


def _month(iso: str) -> str:
    day = date.fromisoformat(iso)
    return _("%(y)s年%(m)s月") % {"y": day.year, "m": day.month}


def _quarter(iso: str) -> str:
    day = date.fromisoformat(iso)
    return _("%(y)s年第%(q)s季度") % {"y": day.year, "q": (day.month - 1) // 3 + 1}


def _percent(share) -> str | None:
    if share is None:
        return None
    return f"{(Decimal(share) * 100).quantize(Decimal('1'))}%"


def logs_url(review: Review, row: ReviewVillage, **extra) -> str:
    """The work-log list of the advisor in the village over the period."""
    period = review.period
    query = {
        "advisor": review.advisor_id,
        "village": row.village_id,
        "date_from": period.start_date.isoformat(),
        "date_to": period.end_date.isoformat(),
        **extra,
    }
    return f"{reverse('ledger:worklog_list')}?{urlencode(query)}"


def indicator_rows(review: Review, row: ReviewVillage) -> list[dict]:
    """Each indicator of a village with the bureau's requirement beside it, what was done, what is missing and the
    logs behind it."""
    bureau = review.period.bureau
    data = row.indicators or {}
    logs = logs_url(review, row)
    hours_period = _("每季度") if bureau.service_hours_period == "quarter" else _("每月")
    rows = []
    for key, label, _field in INDICATORS:
        item = data.get(key)
        if key in ("village_rating", "office_rating") or item is None:
            continue
        entry = {
            "key": key,
            "label": label,
            "share": _percent(item.get("share")),
            "link": logs,
            "missing": [],
        }
        if key == "onsite_months":
            entry["requirement"] = _("每月到村服务不少于 %(n)s 次") % {"n": bureau.onsite_visits_per_month}
            entry["value"] = _("%(v)s / %(r)s 个月达标") % {"v": item["value"], "r": item["required"]}
            entry["missing"] = [_month(m) for m in item.get("missing", [])]
        elif key == "service_hours":
            entry["requirement"] = _("%(period)s到村服务不少于 %(n)s 小时（本期共 %(r)s 小时）") % {
                "period": hours_period,
                "n": bureau.service_hours_required,
                "r": item["required"],
            }
            entry["value"] = _("%(v)s 小时") % {"v": Decimal(item["value"]).normalize()}
        elif key == "lectures":
            if item.get("period") == "year":
                entry["requirement"] = _("每年法治讲座不少于 %(n)s 次") % {"n": bureau.lectures_required}
                entry["value"] = _("%(v)s / %(r)s 个年度达标") % {"v": item["value"], "r": item["required"]}
                entry["missing"] = [_("%(y)s年") % {"y": q[:4]} for q in item.get("missing", [])]
            else:
                entry["requirement"] = _("每季度法治讲座不少于 %(n)s 次") % {"n": bureau.lectures_required}
                entry["value"] = _("%(v)s / %(r)s 个季度达标") % {"v": item["value"], "r": item["required"]}
                entry["missing"] = [_quarter(q) for q in item.get("missing", [])]
            entry["link"] = (
                f"{reverse('ledger:lecture_list')}?{urlencode({'village': row.village_id, 'quarter': ''})}"
            )
        elif key == "ledgers_on_time":
            entry["requirement"] = _("每月%(day)s日前向司法所报送台账") % {"day": bureau.ledger_due_day}
            entry["value"] = _("%(v)s / %(r)s 个月按时") % {"v": item["value"], "r": item["required"]}
            entry["missing"] = [_month(m) for m in item.get("missing", [])]
            # The annual ledger (form 2) of this advisor and village: every role in scope may open it.
            query = {"advisor": review.advisor_id, "village": row.village_id, "year": review.period.year}
            entry["link"] = f"{reverse('ledger:report_ledger')}?{urlencode(query)}"
        elif key == "logs_confirmed":
            entry["requirement"] = _("日志经村(居)联络员确认")
            entry["value"] = _("%(v)s / %(r)s 条") % {"v": item["value"], "r": item["required"]}
        elif key == "logs_verified":
            entry["requirement"] = _("日志经司法所核查")
            entry["value"] = _("%(v)s / %(r)s 条") % {"v": item["value"], "r": item["required"]}
            entry["link"] = logs_url(review, row, status="verified")
        elif key == "wechat_group":
            entry["requirement"] = _("建立村(居)法律服务微信群")
            entry["value"] = _("已建立") if item["value"] else _("未建立")
            entry["link"] = row.village.get_absolute_url()
        elif key == "return_visits":
            counts = item.get("counts", {})
            ratings = item.get("resident_ratings") or {}
            entry["requirement"] = _("司法局回访满意度")
            entry["value"] = (
                "、".join(f"{label} {counts.get(value, 0)}" for value, label in Satisfaction.choices)
                if item["value"]
                else _("本期未回访")
            )
            if ratings.get("value"):
                rated = "、".join(
                    f"{label} {ratings['counts'].get(value, 0)}" for value, label in Satisfaction.choices
                )
                entry["value"] += _("；群众在线评价（权重%(w)s%%）：%(r)s") % {
                    "w": ratings["weight"],
                    "r": rated,
                }
            elif not item["value"]:
                entry["value"] += _("，不计分")
            entry["link"] = None
        rows.append(entry)
    return rows


def village_summary(review: Review, row: ReviewVillage) -> dict:
    data = row.indicators or {}
    return {
        "row": row,
        "indicators": indicator_rows(review, row),
        "services": sorted((data.get("services_by_type") or {}).values(), key=lambda s: -s["count"]),
        "logs": data.get("logs", 0),
        "logs_url": logs_url(review, row),
        "incidents": data.get("incidents", 0),
        "incidents_url": f"{reverse('ledger:incident_list')}?{urlencode({'village': row.village_id})}",
        "open_findings": data.get("open_findings", 0),
        "visits": (data.get("return_visits") or {}).get("counts")
        if (data.get("return_visits") or {}).get("value")
        else None,
    }


def breakdown_rows(review: Review) -> list[dict]:
    rows = []
    for line in review.breakdown or []:
        rows.append(
            {
                **line,
                "share_percent": _percent(line.get("share")),
                "applies": line.get("share") is not None or line["key"] == "open_findings",
            }
        )
    return rows


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else ""


def event_detail(event: ReviewEvent) -> str:
    """What the event changed, in words (the village and its rating, the tiers), beside its note."""
    changes = event.changes or {}
    action = ReviewEvent.Action
    if event.action == action.VILLAGE_RATED:
        return f"{changes.get('village', '')} {_label(Rating, changes.get('rating'))}"
    if event.action == action.OFFICE_RATED:
        return _label(Rating, changes.get("rating"))
    if event.action == action.SELF_ASSESSED:
        return _label(Tier, changes.get("self_rating"))
    if event.action == action.FINALIZED:
        return _("最终等次 %(final)s（建议等次 %(proposed)s）") % {
            "final": _label(Tier, changes.get("final_tier")),
            "proposed": _label(Tier, changes.get("proposed_tier")) or "—",
        }
    if event.action == action.CHANGED_AFTER_FINAL and "before" in changes:
        return f"{_label(Tier, changes['before'].get('final_tier'))} → {_label(Tier, changes['after'].get('final_tier'))}"
    return ""


# Where each action's form is on the page: a message at the top points to it when it comes back with an error.
SECTIONS = {
    "self_assess": "advisor-actions",
    "confirm": "advisor-actions",
    "object": "advisor-actions",
    "office_rate": "office-actions",
    "answer": "office-actions",
    "finalize": "finalize",
    "change": "change",
}


def _available_forms(review: Review, user) -> dict:
    """The forms of whoever may act on the review now (the services decide again when they are sent)."""
    forms = {}
    if review.is_final:
        if services.may_change_final(review, user):
            forms["change"] = ChangeFinalForm(review=review)
        return forms
    if services.is_reviewed_advisor(review, user):
        forms["self_assess"] = SelfAssessForm(
            initial={"self_assessment": review.self_assessment, "self_rating": review.self_rating}
        )
        if not review.has_open_objection:
            forms["confirm"] = ConfirmForm()
            forms["object"] = ObjectForm()
    if services.may_rate_as_office(review, user):
        forms["office_rate"] = OfficeRatingForm(
            initial={"office_rating": review.office_rating, "office_comment": review.office_comment}
        )
        if review.has_open_objection:
            forms["answer"] = AnswerForm()
    if services.may_decide(review, user):
        forms["finalize"] = FinalizeForm(review=review)
    return forms


def _review_page(request, review: Review, bound: tuple[str, object] | None = None):
    user = request.user
    villages = list(
        review.villages.select_related("village__township", "agreement").order_by("village__code")
    )
    forms = _available_forms(review, user)
    if bound is not None:
        forms[bound[0]] = bound[1]
    summaries = [village_summary(review, row) for row in villages]
    for summary in summaries:
        summary["can_rate"] = not review.is_final and services.may_rate_village(summary["row"], user)
    advisor_findings = review.breakdown[-1].get("advisor_findings", 0) if review.breakdown else 0
    context = {
        "review": review,
        "period": review.period,
        "summaries": summaries,
        "breakdown": breakdown_rows(review),
        "advisor_findings": advisor_findings,
        "rule": services.scoring_rule_for(review.period.bureau),
        "events": [
            {"event": event, "detail": event_detail(event)}
            for event in review.events.select_related("by__profile")
        ],
        "forms": forms,
        "is_advisor": services.is_reviewed_advisor(review, user),
        "error_section": SECTIONS[bound[0]] if bound is not None and bound[1].errors else None,
    }
    return render(request, "assessment/review_detail.html", context)


@login_required
def review_detail(request, pk: int):
    return _review_page(request, get_review_for_user(request.user, pk))


def _act(request, pk: int, *, name: str, form_class, perform, done: str, **form_kwargs):
    """Validate the posted form, call the service; on success a message and back to the review, otherwise the
    page again with the form as typed and the service's message on its field (or above the form)."""
    review = get_review_for_user(request.user, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            perform(review, form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, done)
            return redirect(review)
    review.refresh_from_db()
    return _review_page(request, review, bound=(name, form))


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def review_self_assess(request, pk: int):
    return _act(
        request,
        pk,
        name="self_assess",
        form_class=SelfAssessForm,
        perform=lambda review, data: services.review_self_assess(
            review=review, by=request.user, text=data["self_assessment"], rating=data["self_rating"]
        ),
        done=_("自我评价已保存。"),
    )


@login_required
@require_POST
def review_confirm(request, pk: int):
    return _act(
        request,
        pk,
        name="confirm",
        form_class=ConfirmForm,
        perform=lambda review, data: services.review_confirm(review=review, by=request.user),
        done=_("您已确认考核指标。"),
    )


@login_required
@require_POST
def review_object(request, pk: int):
    return _act(
        request,
        pk,
        name="object",
        form_class=ObjectForm,
        perform=lambda review, data: services.review_object(
            review=review, by=request.user, text=data["objection"]
        ),
        done=_("异议已提交，等待司法所答复。"),
    )


@login_required
@require_POST
def review_office_rate(request, pk: int):
    return _act(
        request,
        pk,
        name="office_rate",
        form_class=OfficeRatingForm,
        perform=lambda review, data: services.review_office_rate(
            review=review, by=request.user, rating=data["office_rating"], comment=data["office_comment"]
        ),
        done=_("司法所评价已保存，建议等次已重新计算。"),
    )


@login_required
@require_POST
def review_answer(request, pk: int):
    return _act(
        request,
        pk,
        name="answer",
        form_class=AnswerForm,
        perform=lambda review, data: services.review_answer_objection(
            review=review, by=request.user, text=data["objection_answer"]
        ),
        done=_("已答复顾问的异议。"),
    )


@login_required
@require_POST
def review_finalize(request, pk: int):
    return _act(
        request,
        pk,
        name="finalize",
        form_class=FinalizeForm,
        perform=lambda review, data: services.review_finalize(
            review=review,
            by=request.user,
            tier=data["final_tier"],
            reason=data["override_reason"],
            misconduct=data["misconduct"],
            misconduct_reason=data["misconduct_reason"],
        ),
        done=_("已确定最终等次，考核已锁定。"),
    )


@login_required
@require_POST
def review_change_final(request, pk: int):
    return _act(
        request,
        pk,
        name="change",
        form_class=ChangeFinalForm,
        perform=lambda review, data: services.review_change_final(
            review=review,
            by=request.user,
            tier=data["final_tier"],
            reason=data["reason"],
            misconduct=data["misconduct"],
            misconduct_reason=data["misconduct_reason"],
        ),
        done=_("已修改最终等次，修改已记录。"),
    )


# --- the village's page of a review (the liaison's; the justice office records the rating on its behalf) ---


def _get_row(user, pk: int) -> ReviewVillage:
    return get_object_or_404(
        review_villages_visible_to(user).select_related(
            "village__township", "review__period__bureau", "review__advisor__firm", "agreement"
        ),
        pk=pk,
    )


def _village_page(request, row: ReviewVillage, form=None):
    review = row.review
    can_rate = not review.is_final and services.may_rate_village(row, request.user)
    if form is None and can_rate:
        form = VillageRatingForm(
            initial={"village_rating": row.village_rating, "village_comment": row.village_comment}
        )
    context = {
        "row": row,
        "review": review,
        "period": review.period,
        "summary": village_summary(review, row),
        "form": form,
        "can_rate": can_rate,
        "on_behalf": can_rate and row.village.liaison_id != request.user.pk,
        "may_read_review": reviews_visible_to(request.user).filter(pk=review.pk).exists(),
    }
    return render(request, "assessment/review_village.html", context)


@login_required
def review_village_detail(request, pk: int):
    return _village_page(request, _get_row(request.user, pk))


@login_required
@require_POST
def review_village_rate(request, pk: int):
    row = _get_row(request.user, pk)
    form = VillageRatingForm(request.POST)
    if form.is_valid():
        try:
            services.review_village_rate(
                row=row,
                by=request.user,
                rating=form.cleaned_data["village_rating"],
                comment=form.cleaned_data["village_comment"],
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("%(village)s的评价已保存。") % {"village": row.village.name})
            return redirect("assessment:review_village", pk=row.pk)
    row.refresh_from_db()
    return _village_page(request, row, form)
