"""The review periods (desktop, the bureau's and the justice office's): the list, opening a period, the table of the
advisors' reviews in a period, recomputing the indicators and closing the period.

Scope through assessment.selectors (outside: 404); the rules are assessment.services' (not allowed: 403; not
possible now: the message, and the form again with what was typed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.pagination import paginate
from villages.selectors import townships_visible_to

from .. import services
from ..forms import PeriodOpenForm, ReviewFilter
from ..models import Review, ReviewVillage
from ..selectors import (
    get_period_for_user,
    periods_visible_to,
    review_villages_visible_to,
    reviews_visible_to,
)


def _may_open(user) -> bool:
    return scope_of(user).is_bureau


def _period_list(request, form: PeriodOpenForm | None = None, status: int = 200):
    user = request.user
    visible = reviews_visible_to(user)
    periods = (
        periods_visible_to(user)
        .select_related("bureau")
        .annotate(
            n_reviews=Count("reviews", filter=Q(reviews__in=visible), distinct=True),
            n_final=Count(
                "reviews", filter=Q(reviews__in=visible, reviews__status=Review.Status.FINAL), distinct=True
            ),
        )
        .order_by("-end_date", "bureau_id", "-kind", "pk")  # aggregating drops Meta.ordering
    )
    can_open = _may_open(user)
    context = {
        "page": paginate(request, periods),
        "form": form or (PeriodOpenForm() if can_open else None),
        "can_open": can_open,
    }
    return render(request, "assessment/period_list.html", context, status=status)


@login_required
def period_list(request):
    return _period_list(request)


@login_required
@require_POST
def period_open(request):
    """开启考核: the bureau's staff open (or reopen: idempotent) a period that has ended."""
    if not _may_open(request.user):
        raise PermissionDenied(_("只有司法局工作人员可以开启考核。"))
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        try:
            period = services.review_period_open(
                bureau=scope_of(request.user).profile.bureau,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已开启%(period)s，共 %(n)s 名法律顾问，指标和建议等次已计算。")
                % {"period": period.label, "n": period.reviews.count()},
            )
            return redirect(period)
    return _period_list(request, form)


@login_required
def period_detail(request, pk: int):
    user = request.user
    period = get_period_for_user(user, pk)
    if scope_of(user).is_liaison:
        rows = (
            review_villages_visible_to(user)
            .filter(review__period=period)
            .select_related("village", "review__advisor")
            .order_by("village__code", "pk")
        )
        return render(request, "assessment/period_liaison.html", {"period": period, "rows": rows})

    reviews = (
        reviews_visible_to(user)
        .filter(period=period)
        .select_related("advisor__firm")
        .annotate(
            n_villages=Count("villages", distinct=True),
            n_rated=Count("villages", filter=~Q(villages__village_rating=""), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "villages",
                queryset=ReviewVillage.objects.select_related("village").only(
                    "pk", "review_id", "village_id", "village_rating", "village__name", "village__code"
                ),
            )
        )
        .order_by("advisor__name", "pk")  # aggregating drops Meta.ordering
    )
    review_filter = ReviewFilter(
        request.GET, queryset=reviews, townships=townships_visible_to(user).filter(bureau_id=period.bureau_id)
    )
    scoped = reviews_visible_to(user).filter(period=period)
    totals = scoped.aggregate(
        total=Count("pk"),
        final=Count("pk", filter=Q(status=Review.Status.FINAL)),
        objections=Count(
            "pk",
            filter=Q(
                status=Review.Status.OPEN,
                advisor_response=Review.AdvisorResponse.OBJECTED,
                objection_answered_at__isnull=True,
            ),
        ),
        office_missing=Count("pk", filter=Q(status=Review.Status.OPEN, office_rating="")),
    )
    context = {
        "period": period,
        "filter": review_filter,
        "page": paginate(request, review_filter.qs),
        "totals": totals,
        "can_run": services.may_run_period(period, user),
    }
    return render(request, "assessment/period_detail.html", context)


@login_required
@require_POST
def period_compute(request, pk: int):
    """重新计算指标: every review not yet final gets its indicators and proposed tier from today's data."""
    period = get_period_for_user(request.user, pk)
    if not services.may_run_period(period, request.user):
        raise PermissionDenied(_("只有司法局工作人员可以重新计算考核指标。"))
    if not period.is_open:
        messages.error(request, _("考核期已结束，不能重新计算。"))
        return redirect(period)
    n = services.review_period_compute(period=period, by=request.user)
    messages.success(
        request, _("已重新计算 %(n)s 名法律顾问的考核指标和建议等次；已定等次的不变。") % {"n": n}
    )
    return redirect(period)


@login_required
@require_POST
def period_close(request, pk: int):
    period = get_period_for_user(request.user, pk)
    if not services.may_run_period(period, request.user):
        raise PermissionDenied(_("只有司法局工作人员可以结束考核。"))
    try:
        services.review_period_close(period=period, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, _("不能结束考核：%(why)s") % {"why": message})
    else:
        messages.success(request, _("%(period)s已结束。") % {"period": period.label})
    return redirect(period)
