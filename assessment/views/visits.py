"""Return visits (回访) and inspections (检查): lists with filters, the forms that record them, their pages.

Rows are found through the scoping selectors (outside the scope: 404); who may record or resolve is the services'
rule (`return_visit_record`, `inspection_record`, `inspection_resolve`: not allowed is 403).
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from advisors.models import Advisor
from advisors.selectors import advisors_visible_to
from common.pagination import paginate
from villages.forms import VillageChoiceField
from villages.models import Township, Village
from villages.selectors import townships_visible_to, villages_visible_to

from .. import services
from ..models import Inspection, ReturnVisit, Satisfaction
from ..selectors import inspections_visible_to, return_visits_visible_to

ALL = gettext_lazy("全部")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- filters ---


class _PlaceFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        label=gettext_lazy("乡镇(街道)"),
        queryset=Township.objects.none(),
        empty_label=ALL,
        method="in_township",
    )
    village = django_filters.ModelChoiceFilter(
        label=gettext_lazy("村(社区)"), queryset=Village.objects.none(), empty_label=ALL
    )
    date_from = django_filters.DateFilter(label=gettext_lazy("从"), method="since", widget=_date_input())
    date_to = django_filters.DateFilter(label=gettext_lazy("至"), method="until", widget=_date_input())
    date_field = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = townships_visible_to(user).order_by("code")
        self.filters["township"].queryset = townships
        self.filters["village"].queryset = villages_visible_to(user).order_by("code")
        if scope_of(user).is_office:
            del self.filters["township"]  # their own township only

    def in_township(self, queryset, name, value):
        return queryset.filter(
            Q(township=value) if self.date_field == "inspected_on" else Q(village__township=value)
        )

    def since(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def until(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


class ReturnVisitFilter(_PlaceFilter):
    satisfaction = django_filters.ChoiceFilter(
        label=gettext_lazy("满意度"), choices=Satisfaction.choices, empty_label=ALL
    )
    method = django_filters.ChoiceFilter(
        label=gettext_lazy("回访方式"), choices=ReturnVisit.Method.choices, empty_label=ALL
    )
    date_field = "visited_on"

    class Meta:
        model = ReturnVisit
        fields = ["township", "village", "date_from", "date_to", "satisfaction", "method"]


INSPECTION_STATES = [
    ("open", gettext_lazy("问题未整改")),
    ("overdue", gettext_lazy("整改已逾期")),
    ("resolved", gettext_lazy("已整改")),
    ("clean", gettext_lazy("未发现问题")),
]


class InspectionFilter(_PlaceFilter):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("类型"), choices=Inspection.Kind.choices, empty_label=ALL
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("整改情况"), choices=INSPECTION_STATES, method="by_state", empty_label=ALL
    )
    date_field = "inspected_on"

    class Meta:
        model = Inspection
        fields = ["township", "village", "kind", "state", "date_from", "date_to"]

    def by_state(self, queryset, name, value):
        with_findings = ~Q(findings="")
        if value == "clean":
            return queryset.filter(findings="")
        if value == "resolved":
            return queryset.filter(with_findings, resolved_on__isnull=False)
        queryset = queryset.filter(with_findings, resolved_on__isnull=True)
        if value == "overdue":
            queryset = queryset.filter(follow_up_due__lt=timezone.localdate())
        return queryset


# --- forms ---


class ReturnVisitForm(forms.Form):
    village = VillageChoiceField(label=gettext_lazy("村(社区)"), queryset=Village.objects.none())
    visited_on = forms.DateField(label=gettext_lazy("回访日期"), widget=_date_input())
    contact_kind = forms.ChoiceField(
        label=gettext_lazy("回访对象"), choices=ReturnVisit.Contact.choices, widget=forms.RadioSelect
    )
    contact_name = forms.CharField(label=gettext_lazy("对象姓名"), max_length=50, required=False)
    method = forms.ChoiceField(
        label=gettext_lazy("回访方式"), choices=ReturnVisit.Method.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=gettext_lazy("回访意见"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            villages_visible_to(user).select_related("township").order_by("code")
        )


class InspectionForm(forms.Form):
    township = forms.ModelChoiceField(label=gettext_lazy("乡镇(街道)"), queryset=Township.objects.none())
    village = VillageChoiceField(
        label=gettext_lazy("村(社区)"),
        queryset=Village.objects.none(),
        required=False,
        help_text=gettext_lazy("检查整个乡镇(街道)时留空。"),
    )
    advisor = forms.ModelChoiceField(
        label=gettext_lazy("涉及法律顾问"),
        queryset=Advisor.objects.none(),
        required=False,
        help_text=gettext_lazy("检查某村(社区)时留空即为当日为该村服务的法律顾问。"),
    )
    inspected_on = forms.DateField(label=gettext_lazy("检查日期"), widget=_date_input())
    inspectors = forms.CharField(label=gettext_lazy("检查人员"), max_length=200)
    checked_items = forms.CharField(
        label=gettext_lazy("检查内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = forms.CharField(
        label=gettext_lazy("发现问题"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("没有发现问题时留空。"),
    )
    follow_up_due = forms.DateField(label=gettext_lazy("整改期限"), required=False, widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_visible_to(user).order_by("code")
        self.fields["village"].queryset = (
            villages_visible_to(user).select_related("township").order_by("code")
        )
        self.fields["advisor"].queryset = advisors_visible_to(user).order_by("name", "pk")
        scope = scope_of(user)
        if scope.is_office:
            self.fields["township"].initial = scope.township_id


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("整改情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved_on = forms.DateField(label=gettext_lazy("整改完成日期"), widget=_date_input())


def _record(request: HttpRequest, form: forms.Form, record) -> object | None:
    """Run the service with the form's data; a refusal shows on the form, keeping what was typed."""
    if not form.is_valid():
        return None
    try:
        return record(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _is_bureau(user) -> bool:
    return scope_of(user).is_bureau


def _is_staff(user) -> bool:
    return scope_of(user).is_staff


# --- return visits ---


@login_required
def return_visit_list(request: HttpRequest) -> HttpResponse:
    visits = ReturnVisitFilter(
        request.GET, queryset=return_visits_visible_to(request.user), user=request.user
    )
    page = paginate(
        request,
        visits.qs.select_related("village__township", "advisor", "recorded_by__profile").order_by(
            "-visited_on", "-pk"
        ),
    )
    context = {"filter": visits, "page": page, "may_record": _is_bureau(request.user)}
    return render(request, "assessment/visit_list.html", context)


@login_required
def return_visit_create(request: HttpRequest) -> HttpResponse:
    if not _is_bureau(request.user):
        raise PermissionDenied(_("回访由司法局工作人员登记。"))
    if request.method == "POST":
        form = ReturnVisitForm(request.POST, user=request.user)
        visit = _record(request, form, lambda data: services.return_visit_record(by=request.user, **data))
        if visit is not None:
            messages.success(request, _("已登记回访。"))
            return redirect("assessment:return_visit_detail", pk=visit.pk)
    else:
        initial = {"visited_on": timezone.localdate()}
        if request.GET.get("village", "").isdigit():
            initial["village"] = request.GET["village"]
        form = ReturnVisitForm(initial=initial, user=request.user)
    return render(request, "assessment/visit_form.html", {"form": form})


@login_required
def return_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        return_visits_visible_to(request.user).select_related(
            "village__township", "advisor__firm", "recorded_by__profile"
        ),
        pk=pk,
    )
    return render(request, "assessment/visit_detail.html", {"visit": visit})


# --- inspections ---


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = InspectionFilter(
        request.GET, queryset=inspections_visible_to(request.user), user=request.user
    )
    page = paginate(
        request,
        inspections.qs.select_related("township", "village", "advisor").order_by("-inspected_on", "-pk"),
    )
    context = {
        "filter": inspections,
        "page": page,
        "today": timezone.localdate(),
        "may_record": _is_staff(request.user),
    }
    return render(request, "assessment/inspection_list.html", context)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not _is_staff(request.user):
        raise PermissionDenied(_("检查由司法局或司法所工作人员登记。"))
    if request.method == "POST":
        form = InspectionForm(request.POST, user=request.user)
        inspection = _record(request, form, lambda data: services.inspection_record(by=request.user, **data))
        if inspection is not None:
            messages.success(request, _("已登记检查。"))
            return redirect("assessment:inspection_detail", pk=inspection.pk)
    else:
        form = InspectionForm(initial={"inspected_on": timezone.localdate()}, user=request.user)
    return render(request, "assessment/inspection_form.html", {"form": form})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(
        inspections_visible_to(request.user).select_related(
            "township", "village", "advisor__firm", "recorded_by__profile"
        ),
        pk=pk,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    may_resolve = (
        inspection.has_findings
        and inspection.resolved_on is None
        and services.may_resolve_inspection(request.user, inspection)
    )
    form = ResolveForm(initial={"resolved_on": today}) if may_resolve else None
    context = {"inspection": inspection, "form": form, "today": today}
    return render(request, "assessment/inspection_detail.html", context)


@login_required
@require_POST
def inspection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    if not services.may_resolve_inspection(request.user, inspection):
        raise PermissionDenied(_("您无权登记该次检查的整改情况。"))
    form = ResolveForm(request.POST)
    done = _record(
        request,
        form,
        lambda data: services.inspection_resolve(inspection=inspection, by=request.user, **data),
    )
    if done is not None:
        messages.success(request, _("已登记整改情况。"))
        return redirect("assessment:inspection_detail", pk=inspection.pk)
    context = {"inspection": inspection, "form": form, "today": timezone.localdate()}
    return render(request, "assessment/inspection_detail.html", context, status=200)
