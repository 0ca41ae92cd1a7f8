from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ScopedAdminMixin, ScopedRelatedFieldListFilter
from accounts.models import display_name
from accounts.policy import is_operator
from common.masking import mask_phone
from common.params import parse_id
from common.uploads import SafeImageField
from programme.modes import ServiceMode

from .forms import AutocompleteView
from .models import Bureau, Township, Village
from .selectors import bureaus_visible_to, current_agreements, townships_visible_to, villages_visible_to


class BureauForm(forms.ModelForm):
    onsite_modes = forms.MultipleChoiceField(
        label=_("计入到村服务的服务方式"),
        choices=ServiceMode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("到村服务次数和服务时长只计这些服务方式的日志（默认：到村现场、上门）。"),
        error_messages={"required": _("请至少选择一种计入到村服务的服务方式。")},
    )

    class Meta:
        model = Bureau
        fields = ("onsite_modes",)  # the admin's fieldsets add the others


@admin.register(Bureau)
class BureauAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = bureaus_visible_to
    form = BureauForm
    list_display = (
        "name",
        "code",
        "level",
        "parent",
        "phone",
        "max_villages_per_advisor",
        "service_hours_required",
    )
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("name", "code")
    fieldsets = (
        (None, {"fields": ("name", "code", "address", "phone", ("level", "parent"))}),
        (
            _("服务要求"),
            {
                "fields": (
                    "max_villages_per_advisor",
                    ("service_hours_required", "service_hours_period"),
                    "onsite_visits_per_month",
                    "onsite_modes",
                    ("lectures_required", "lectures_period"),
                    "verification_days",
                    "ledger_due_day",
                    "late_work_listing",
                    ("agreement_filing_month", "agreement_filing_day"),
                    "records_start_on",
                )
            },
        ),
        (
            _("补贴发放比例"),
            {
                "fields": (
                    "payout_percent_excellent",
                    "payout_percent_good",
                    "payout_percent_pass",
                    "payout_percent_fail",
                )
            },
        ),
        (
            _("群众留言与评价"),
            {
                "fields": (
                    "resident_request_due_working_days",
                    "resident_data_retention_months",
                    "resident_rating_weight",
                )
            },
        ),
        (
            _("考核、续聘与涉稳事项"),
            {
                "fields": (
                    "half_year_review_pays",
                    ("year_end_review_opens_month", "year_end_review_opens_day"),
                    "fail_blocks_renewal",
                    "incident_escalation_hours",
                )
            },
        ),
        (_("报表"), {"fields": ("form_province", "form_footnote")}),
    )

    # A bureau admin edits their own bureau's settings; its place in the tree, creating and removing bureaus are the
    # superuser's.
    def get_readonly_fields(self, request, obj=None):
        return () if is_operator(request.user) else ("level", "parent")

    def get_changeform_initial_data(self, request):
        """A bureau added below a city or province (`?parent=<id>`) starts from the settings it publishes."""
        initial = super().get_changeform_initial_data(request)
        parent = Bureau.objects.filter(pk=parse_id(request.GET.get("parent"))).first()
        if parent is not None:
            initial.update(parent.rules_for_new_bureau())
            initial["level"] = next(
                (level for level, above in Bureau.PARENT_LEVEL.items() if above == parent.level), ""
            )
        return initial

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = townships_visible_to
    list_display = ("name", "code", "kind", "office_name", "office_phone", "village_count")
    list_filter = ("kind",)
    search_fields = ("name", "code", "office_name", "office_phone")
    fields = ("bureau", "name", "kind", "code", "office_name", "office_address", "office_phone")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(village_count=Count("villages"))

    @admin.display(description=_("村(社区)数"), ordering="village_count")
    def village_count(self, obj):
        return obj.village_count


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = villages_visible_to
    list_display = (
        "name",
        "kind",
        "code",
        "township",
        "current_advisor",
        "liaison_name",
        "masked_liaison_phone",
        "onsite_hours",
    )
    list_select_related = ("township", "liaison__profile")
    list_filter = (("township", ScopedRelatedFieldListFilter), "kind")
    search_fields = ("name", "code", "township__name", "liaison_phone")
    # The public WeChat-group QR: checked by content, re-encoded as PNG (sharp for scanning) without metadata.
    formfield_overrides = {
        models.ImageField: {"form_class": SafeImageField, "image_format": "PNG", "max_side": 1200}
    }
    autocomplete_fields = ("township", "liaison")
    fields = (
        "township",
        "name",
        "kind",
        "code",
        "address",
        ("latitude", "longitude"),
        "liaison",
        "liaison_phone",
        "onsite_hours",
        "wechat_group_set_up_on",
        "wechat_group_qr",
    )

    def get_queryset(self, request):
        current = current_agreements().filter(village=OuterRef("pk")).order_by("-start_date")
        return (
            super()
            .get_queryset(request)
            .annotate(current_advisor_name=Subquery(current.values("advisor__name")[:1]))
        )

    @admin.display(description=_("现任法律顾问"), ordering="current_advisor_name", empty_value="—")
    def current_advisor(self, obj):
        return obj.current_advisor_name

    @admin.display(description=_("联络员电话"), ordering="liaison_phone", empty_value="—")
    def masked_liaison_phone(self, obj):
        return mask_phone(obj.liaison_phone) or None  # PIPL: masked in lists (common/phones.py)

    @admin.display(description=_("村联络员"), ordering="liaison__username", empty_value="—")
    def liaison_name(self, obj):
        return display_name(obj.liaison) or None


def _autocomplete_view(request):
    return AutocompleteView.as_view(admin_site=admin.site)(request)


# Every autocomplete in the admin (an agreement's village, …) names the village's township.
admin.site.autocomplete_view = _autocomplete_view
