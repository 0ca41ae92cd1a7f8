from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ScopedAdminMixin, ScopedRelatedFieldListFilter
from accounts.policy import is_operator
from common.masking import mask_phone
from common.uploads import SafeImageField

from .models import Bureau, Township, Village
from .selectors import bureaus_visible_to, current_agreements, townships_visible_to, villages_visible_to


@admin.register(Bureau)
class BureauAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = bureaus_visible_to
    list_display = ("name", "code", "phone", "max_villages_per_advisor", "service_hours_required")
    search_fields = ("name", "code")
    fieldsets = (
        (None, {"fields": ("name", "code", "address", "phone")}),
        (
            _("服务要求"),
            {
                "fields": (
                    "max_villages_per_advisor",
                    ("service_hours_required", "service_hours_period"),
                    "onsite_visits_per_month",
                    "lectures_per_quarter",
                    "ledger_due_day",
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
    )

    # A bureau admin edits their own bureau's settings; creating and removing bureaus is the superuser's.
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
        if obj.liaison is None:
            return None
        profile = getattr(obj.liaison, "profile", None)
        return (profile.full_name if profile else "") or obj.liaison.get_username()
