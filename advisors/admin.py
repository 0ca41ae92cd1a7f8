from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ScopedAdminMixin, ScopedRelatedFieldListFilter, subquery_count
from common import uploads
from common.masking import mask_phone
from common.uploads import SafeFileField, SafeImageField
from villages.selectors import townships_visible_to

from .models import Advisor, Agreement, Firm
from .selectors import advisors_visible_to, agreements_visible_to, firms_visible_to
from .services import agreement_end, agreement_file, agreement_sign, lock_advisor_and_village

ADMIN_END_REASON = _("管理员终止")


class ServedTownshipFilter(admin.SimpleListFilter):
    """Advisors with an agreement for a village in the chosen township."""

    title = _("服务乡镇(街道)")
    parameter_name = "township"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in townships_visible_to(request.user).values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            township_id = int(self.value())
        except ValueError:
            return queryset.none()
        serving = Agreement.objects.filter(village__township_id=township_id).values("advisor_id")
        return queryset.filter(pk__in=serving)


class StartYearFilter(admin.SimpleListFilter):
    title = _("协议年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        days = model_admin.get_scoped_queryset(request).order_by().dates("start_date", "year", order="DESC")
        return [(str(day.year), _("%(year)s年") % {"year": day.year}) for day in days]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            year = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(start_date__year=year)


@admin.register(Firm)
class FirmAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = firms_visible_to
    list_display = ("name", "kind", "phone", "advisor_count")
    list_filter = ("kind",)
    search_fields = ("name", "licence_number", "phone")
    fields = ("bureau", "name", "kind", "licence_number", "address", "phone")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(advisor_count=Count("advisors"))

    @admin.display(description=_("顾问人数"), ordering="advisor_count")
    def advisor_count(self, obj):
        return obj.advisor_count


@admin.register(Advisor)
class AdvisorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = advisors_visible_to
    list_display = (
        "name",
        "kind",
        "firm",
        "licence_number",
        "masked_mobile",
        "work_phone",
        "current_village_count",
        "is_active",
    )
    list_select_related = ("firm",)
    list_filter = ("kind", ("firm", ScopedRelatedFieldListFilter), "is_active", ServedTownshipFilter)
    search_fields = ("name", "licence_number", "mobile", "work_phone", "firm__name")
    autocomplete_fields = ("firm", "user")
    # The public photo: checked by content, at most UPLOAD_MAX_BYTES, re-encoded without EXIF (common/uploads.py).
    formfield_overrides = {models.ImageField: {"form_class": SafeImageField, "max_side": 1200}}
    fieldsets = (
        (None, {"fields": ("bureau", "name", "kind", "firm", "licence_number", "is_active")}),
        (_("联系方式"), {"fields": ("mobile", "work_phone", "user")}),
        (_("公示信息"), {"fields": ("photo", "profile")}),
    )

    def get_queryset(self, request):
        current = Agreement.objects.current().filter(advisor=OuterRef("pk"))
        return super().get_queryset(request).annotate(current_village_count=subquery_count(current))

    @admin.display(description=_("现服务村(居)数"), ordering="current_village_count")
    def current_village_count(self, obj):
        return obj.current_village_count

    @admin.display(description=_("手机号"), ordering="mobile")
    def masked_mobile(self, obj):
        # PIPL: masked in lists (common/phones.py); the public work phone is not.
        return mask_phone(obj.mobile)


class AgreementAdminForm(forms.ModelForm):
    # A scanned contract: PDF or a photo of it, checked by content (common/uploads.py); stored privately.
    contract_scan = SafeFileField(label=_("协议扫描件"), required=False, kinds=(uploads.PDF, uploads.IMAGE))

    class Meta:
        model = Agreement
        fields = (
            "advisor",
            "village",
            "previous",
            "start_date",
            "end_date",
            "annual_subsidy",
            "contract_scan",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The subsidy is agreed with each advisor: typed in, never a silent 0 from the model's default.
        subsidy = self.fields["annual_subsidy"]
        subsidy.required = True
        subsidy.error_messages["required"] = _("请填写年度补贴金额（元）。")
        if self.instance.pk is None:
            subsidy.initial = None
            self.initial.pop("annual_subsidy", None)

    def clean(self):
        cleaned_data = super().clean()
        # Like the services, lock the advisor and village before the model's clean() checks the rules, so two
        # clerks cannot both pass them. The admin's change view runs in a transaction that holds the locks to the save.
        if not transaction.get_autocommit():
            lock_advisor_and_village(cleaned_data.get("advisor"), cleaned_data.get("village"))
        return cleaned_data


# A refused signing leaves the draft as it was: say so, so that nobody takes it for signed.
SIGN_FAILURE = _(
    "协议“%(agreement)s”未能签订：%(error)s 该协议仍是草拟状态、没有生效：请修改后再签订，或删除。"
)


@admin.register(Agreement)
class AgreementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = agreements_visible_to
    form = AgreementAdminForm
    list_display = (
        "advisor",
        "village",
        "township",
        "start_date",
        "end_date",
        "annual_subsidy",
        "status",
        "filed_on",
        "filed_late",
    )
    list_select_related = ("advisor", "village__township")
    list_filter = (
        "status",
        "filed_late",
        ("village__township", ScopedRelatedFieldListFilter),
        StartYearFilter,
    )
    search_fields = ("advisor__name", "advisor__licence_number", "village__name", "village__code")
    autocomplete_fields = ("advisor", "village", "previous")
    readonly_fields = (
        "status",
        "signed_on",
        "filed_on",
        "filed_late",
        "ended_on",
        "end_reason",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("advisor", "village", "previous")}),
        (_("期限与补贴"), {"fields": (("start_date", "end_date"), "annual_subsidy", "contract_scan")}),
        (
            _("签订与备案"),
            {
                "fields": (
                    "status",
                    ("signed_on", "filed_on", "filed_late"),
                    ("ended_on", "end_reason"),
                    ("created_at", "updated_at"),
                )
            },
        ),
    )
    actions = ("sign_selected", "file_selected", "end_selected")

    @admin.display(description=_("乡镇(街道)"), ordering="village__township__code")
    def township(self, obj):
        return obj.village.township

    # --- 签订 and 备案 on the agreement's own page (POST buttons above its form) ---

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/sign/",
                self.admin_site.admin_view(self.sign_view),
                name=f"{prefix}_sign",
            ),
            path(
                "<path:object_id>/file/",
                self.admin_site.admin_view(self.file_view),
                name=f"{prefix}_file",
            ),
            *super().get_urls(),
        ]

    def _one_transition(self, request, object_id, *, service, failure, success):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        agreement = self.get_object(request, object_id)  # scoped: outside the bureau, None
        if agreement is None:
            raise Http404
        if not self.has_change_permission(request, agreement):
            raise PermissionDenied
        self._transition(
            request,
            self.get_queryset(request).filter(pk=agreement.pk),
            service=service,
            on=timezone.localdate(),
            failure=failure,
            success=success,
        )
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[agreement.pk])
        )

    def sign_view(self, request, object_id):
        return self._one_transition(
            request,
            object_id,
            service=agreement_sign,
            failure=SIGN_FAILURE,
            success=_("协议已签订。"),
        )

    def file_view(self, request, object_id):
        return self._one_transition(
            request,
            object_id,
            service=agreement_file,
            failure=_("协议“%(agreement)s”未能备案：%(error)s"),
            success=_("协议已备案。"),
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)

    # --- transitions, each through its service; a failing row is reported and the others go on ---

    def _transition(self, request, queryset, *, service, failure, success, **service_kwargs):
        done = 0
        rows = queryset.select_related("advisor", "village__township__bureau").order_by("pk")
        for agreement in rows:
            try:
                service(agreement=agreement, **service_kwargs)
            except ValidationError as error:
                self.message_user(
                    request,
                    failure % {"agreement": agreement, "error": "；".join(error.messages)},
                    level=messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, success % {"count": done}, level=messages.SUCCESS)

    @admin.action(description=_("签订所选协议"), permissions=["change"])
    def sign_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            service=agreement_sign,
            on=timezone.localdate(),
            failure=SIGN_FAILURE,
            success=_("已签订 %(count)s 份协议。"),
        )

    @admin.action(description=_("备案所选协议"), permissions=["change"])
    def file_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            service=agreement_file,
            on=timezone.localdate(),
            failure=_("协议“%(agreement)s”未能备案：%(error)s"),
            success=_("已备案 %(count)s 份协议。"),
        )

    @admin.action(description=_("终止所选协议（今日终止）"), permissions=["change"])
    def end_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            service=agreement_end,
            on=timezone.localdate(),
            reason=str(ADMIN_END_REASON),
            failure=_("协议“%(agreement)s”未能终止：%(error)s"),
            success=_("已终止 %(count)s 份协议。"),
        )
