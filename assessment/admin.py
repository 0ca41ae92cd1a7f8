"""The assessment in the admin site, scoped to the bureau admin's bureau.

The reviews are made on the pages through `assessment.services` (opinions, objections, the final tier), so the admin
shows them read-only; what the admin adds is the bureau admin's change of a final review, which goes through
`review_change_final` (with its reason, recorded as a ReviewEvent). The scoring rule is the bureau's to set here.
Return visits, deductions and events are read-only (their rules are in the services); an inspection's texts and its
follow-up may be corrected (the change is kept by the audit trail).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin, ScopedRelatedFieldListFilter
from accounts.policy import is_operator, scope_of

from .models import (
    Inspection,
    PayoutDeduction,
    ReturnVisit,
    Review,
    ReviewEvent,
    ReviewPeriod,
    ReviewVillage,
    ScoringRule,
    Tier,
)
from .selectors import (
    inspections_visible_to,
    periods_visible_to,
    return_visits_visible_to,
    review_villages_visible_to,
    reviews_visible_to,
)
from .services import review_change_final


def scoring_rules_visible_to(user) -> QuerySet[ScoringRule]:
    return scope_of(user).filter(ScoringRule.objects.all(), bureau="bureau_id")


def deductions_visible_to(user) -> QuerySet[PayoutDeduction]:
    return PayoutDeduction.objects.filter(review__in=reviews_visible_to(user))


def review_events_visible_to(user) -> QuerySet[ReviewEvent]:
    return ReviewEvent.objects.filter(review__in=reviews_visible_to(user))


def _is_bureau_admin(user) -> bool:
    scope = scope_of(user)
    return scope.is_operator or scope.is_bureau_admin


@admin.register(ScoringRule)
class ScoringRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = scoring_rules_visible_to
    list_display = (
        "bureau",
        "threshold_excellent",
        "threshold_good",
        "threshold_pass",
        "deduction_per_open_finding",
    )
    list_select_related = ("bureau",)
    fieldsets = (
        (None, {"fields": ("bureau",)}),
        (
            _("各项指标分值（合计宜为100分）"),
            {
                "fields": (
                    ("points_onsite_months", "points_service_hours"),
                    ("points_lectures", "points_ledgers_on_time"),
                    ("points_logs_confirmed", "points_logs_verified"),
                    ("points_wechat_group", "points_return_visits"),
                    ("points_village_rating", "points_office_rating"),
                    "pass_rating_share",
                    "deduction_per_open_finding",
                )
            },
        ),
        (_("等次分数线"), {"fields": (("threshold_excellent", "threshold_good", "threshold_pass"),)}),
    )

    def has_change_permission(self, request, obj=None):
        return _is_bureau_admin(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return _is_bureau_admin(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)


@admin.register(ReviewPeriod)
class ReviewPeriodAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Opened by the deadline job or on the review pages (review_period_open), closed there too."""

    scope = periods_visible_to
    list_display = ("label", "kind", "year", "start_date", "end_date", "status", "opened_at", "closed_at")
    list_filter = ("kind", "status", "year")
    search_fields = ("year",)
    fields = (
        "bureau",
        "kind",
        "year",
        "start_date",
        "end_date",
        "status",
        "opened_at",
        "opened_by",
        "closed_at",
    )
    readonly_fields = fields

    @admin.display(description=_("考核期"))
    def label(self, obj):
        return obj.label


class ReviewVillageInline(ReadOnlyAdminMixin, ScopedAdminMixin, admin.TabularInline):
    scope = review_villages_visible_to
    model = ReviewVillage
    extra = 0
    fields = ("village", "agreement", "village_rating", "village_comment", "village_rated_at")
    readonly_fields = fields


class ReviewEventInline(ReadOnlyAdminMixin, ScopedAdminMixin, admin.TabularInline):
    scope = review_events_visible_to
    model = ReviewEvent
    extra = 0
    fields = ("at", "action", "by", "note")
    readonly_fields = fields


class ReviewChangeForm(forms.ModelForm):
    """A final review's tier (and misconduct) changed by the bureau admin, with the reason that is recorded."""

    change_reason = forms.CharField(
        label=_("修改理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("定等后修改须写明理由，记入考核记录。"),
    )

    class Meta:
        model = Review
        fields = ("final_tier", "misconduct", "misconduct_reason")

    def clean_final_tier(self):
        tier = self.cleaned_data.get("final_tier")
        if tier not in Tier.values:
            raise ValidationError(_("请选择最终等次。"))
        return tier

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("misconduct") and not (cleaned_data.get("misconduct_reason") or "").strip():
            self.add_error("misconduct_reason", _("请写明违规违纪情况。"))
        return cleaned_data


class FinalFilter(admin.SimpleListFilter):
    title = _("异议")
    parameter_name = "objection"

    def lookups(self, request, model_admin):
        return [("open", _("待司法所答复")), ("answered", _("已答复"))]

    def queryset(self, request, queryset):
        objected = queryset.filter(advisor_response=Review.AdvisorResponse.OBJECTED)
        if self.value() == "open":
            return objected.filter(objection_answered_at__isnull=True)
        if self.value() == "answered":
            return objected.filter(objection_answered_at__isnull=False)
        return queryset


@admin.register(Review)
class ReviewAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = reviews_visible_to
    list_display = (
        "advisor",
        "period",
        "status",
        "score",
        "proposed_tier",
        "final_tier",
        "misconduct",
        "advisor_response",
    )
    list_select_related = ("advisor", "period")
    list_filter = (
        ("period", ScopedRelatedFieldListFilter),
        "status",
        "proposed_tier",
        "final_tier",
        "misconduct",
        "advisor_response",
        FinalFilter,
    )
    search_fields = ("advisor__name", "advisor__licence_number")
    inlines = (ReviewVillageInline, ReviewEventInline)
    readonly = (
        "period",
        "advisor",
        "status",
        "computed_at",
        "score",
        "proposed_tier",
        "self_rating",
        "self_assessment",
        "advisor_response",
        "objection",
        "objection_answer",
        "office_rating",
        "office_comment",
        "override_reason",
        "finalized_at",
        "finalized_by",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        """Only a final review may be changed here (the others go through the review pages), by a bureau admin."""
        if not (_is_bureau_admin(request.user) and super().has_change_permission(request, obj)):
            return False
        return obj is None or obj.is_final

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_final and self.has_change_permission(request, obj):
            kwargs["form"] = ReviewChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_final and self.has_change_permission(request, obj):
            return self.readonly
        return (*self.readonly, "final_tier", "misconduct", "misconduct_reason")

    def get_fields(self, request, obj=None):
        fields = [*self.readonly[:6], "final_tier", "misconduct", "misconduct_reason", *self.readonly[6:]]
        if obj is not None and obj.is_final and self.has_change_permission(request, obj):
            fields.insert(fields.index("misconduct_reason") + 1, "change_reason")
        return fields

    def save_model(self, request, obj, form, change):
        try:
            review_change_final(
                review=obj,
                by=request.user,
                tier=form.cleaned_data["final_tier"],
                reason=form.cleaned_data["change_reason"],
                misconduct=form.cleaned_data["misconduct"],
                misconduct_reason=form.cleaned_data.get("misconduct_reason", ""),
            )
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), level=messages.ERROR)


@admin.register(ReviewVillage)
class ReviewVillageAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope = review_villages_visible_to
    list_display = ("village", "review", "village_rating", "village_rated_at")
    list_select_related = ("village", "review__advisor", "review__period")
    list_filter = ("village_rating", ("village__township", ScopedRelatedFieldListFilter))
    search_fields = ("village__name", "review__advisor__name")
    fields = (
        "review",
        "village",
        "agreement",
        "indicators",
        "village_rating",
        "village_comment",
        "village_rated_at",
    )
    readonly_fields = fields


@admin.register(PayoutDeduction)
class PayoutDeductionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Added on the payout sheet (review_add_deduction: bureau staff, before the tier is final)."""

    scope = deductions_visible_to
    list_display = ("review", "agreement", "amount", "reason", "created_at", "created_by")
    list_select_related = (
        "review__advisor",
        "review__period",
        "agreement__advisor",
        "agreement__village",
        "created_by",
    )
    search_fields = ("reason", "review__advisor__name")
    fields = ("review", "agreement", "amount", "reason", "created_at", "created_by")
    readonly_fields = fields


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope = review_events_visible_to
    list_display = ("at", "action", "review", "by", "note")
    list_select_related = ("review__advisor", "review__period", "by")
    list_filter = ("action",)
    search_fields = ("review__advisor__name", "note")
    fields = ("review", "action", "by", "at", "note", "changes")
    readonly_fields = fields


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Recorded on the 回访 pages (return_visit_record finds the advisor serving the village that day)."""

    scope = return_visits_visible_to
    list_display = (
        "visited_on",
        "village",
        "advisor",
        "contact_kind",
        "method",
        "satisfaction",
        "recorded_by",
    )
    list_select_related = ("village", "advisor", "recorded_by")
    list_filter = (
        "satisfaction",
        "method",
        "contact_kind",
        ("village__township", ScopedRelatedFieldListFilter),
    )
    search_fields = ("village__name", "advisor__name", "contact_name", "comments")
    date_hierarchy = "visited_on"
    fields = (
        "village",
        "advisor",
        "visited_on",
        "contact_kind",
        "contact_name",
        "method",
        "satisfaction",
        "comments",
        "recorded_by",
        "created_at",
    )
    readonly_fields = fields


class FollowUpFilter(admin.SimpleListFilter):
    title = _("整改情况")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("open", _("问题未整改")),
            ("overdue", _("整改已逾期")),
            ("resolved", _("已整改")),
            ("clean", _("未发现问题")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "clean":
            return queryset.filter(findings="")
        if value == "resolved":
            return queryset.filter(~Q(findings=""), resolved_on__isnull=False)
        if value == "open":
            return queryset.filter(~Q(findings=""), resolved_on__isnull=True)
        if value == "overdue":
            return queryset.filter(
                ~Q(findings=""), resolved_on__isnull=True, follow_up_due__lt=timezone.localdate()
            )
        return queryset


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Recorded on the 检查 pages (inspection_record); here the texts and the follow-up may be corrected."""

    scope = inspections_visible_to
    list_display = ("inspected_on", "kind", "township", "village", "advisor", "follow_up_due", "resolved_on")
    list_select_related = ("township", "village", "advisor")
    list_filter = ("kind", ("township", ScopedRelatedFieldListFilter), FollowUpFilter)
    search_fields = ("township__name", "village__name", "advisor__name", "findings", "inspectors")
    date_hierarchy = "inspected_on"
    fields = (
        "kind",
        "township",
        "village",
        "advisor",
        "inspected_on",
        "inspectors",
        "checked_items",
        "findings",
        "follow_up_due",
        "resolution",
        "resolved_on",
        "recorded_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "kind",
        "township",
        "village",
        "advisor",
        "inspected_on",
        "recorded_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)
