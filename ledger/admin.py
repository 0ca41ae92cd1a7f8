"""The bureau reads work logs, lectures, incidents and ledger submissions here; it does not write them.

Every one of these rows is made and moved on by a service (`ledger.services`) that checks who acts, keeps the rules
and records the trail; an edit in the admin would bypass all three, so these admins are view-only (a superuser may
still delete a row entered by mistake).
"""

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin, ScopedRelatedFieldListFilter
from accounts.models import display_name
from common.masking import mask_phone
from villages.selectors import villages_visible_to

from .exports import ledger_exports_visible_to
from .models import (
    Incident,
    Lecture,
    LedgerExport,
    LedgerSubmission,
    ServiceType,
    WorkLog,
    WorkLogEvent,
    WorkLogPhoto,
    WorkSummary,
)
from .selectors import (
    incidents_visible_to,
    lectures_visible_to,
    work_summaries_visible_to,
    worklogs_visible_to,
)


def worklog_events_visible_to(user) -> QuerySet[WorkLogEvent]:
    return WorkLogEvent.objects.filter(worklog__in=worklogs_visible_to(user))


def worklog_photos_visible_to(user) -> QuerySet[WorkLogPhoto]:
    return WorkLogPhoto.objects.filter(worklog__in=worklogs_visible_to(user))


def ledger_submissions_visible_to(user) -> QuerySet[LedgerSubmission]:
    return LedgerSubmission.objects.filter(village__in=villages_visible_to(user))


def service_types_visible_to(user) -> QuerySet[ServiceType]:
    """The fixed list of the provincial statistics: the same for everybody."""
    return ServiceType.objects.all()


class WorkLogEventInline(ScopedAdminMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = WorkLogEvent
    scope = worklog_events_visible_to
    fields = ("at", "action", "by_name", "note", "masked_changes")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("操作人"), empty_value="—")
    def by_name(self, obj: WorkLogEvent) -> str | None:
        return display_name(obj.by) or None

    @admin.display(description=_("修改内容"))
    def masked_changes(self, obj: WorkLogEvent) -> str:
        # PIPL: the resident's phone masked, as in the log's own trail (the admin is never the log's advisor).
        return json.dumps(obj.changes_shown_to(None), ensure_ascii=False)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by__profile")

    def has_delete_permission(self, request, obj=None):
        return False  # the trail is kept with its log


class WorkLogPhotoInline(ScopedAdminMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = WorkLogPhoto
    scope = worklog_photos_visible_to
    fields = ("image", "uploaded_at")
    readonly_fields = fields
    extra = 0


@admin.register(WorkLog)
class WorkLogAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope = worklogs_visible_to
    list_display = (
        "service_date",
        "village",
        "advisor",
        "mode",
        "hours",
        "status",
        "is_incident",
        "is_correction",
        "source",
    )
    list_select_related = ("village", "advisor")
    list_filter = (
        "status",
        "mode",
        ("service_types", ScopedRelatedFieldListFilter),
        ("village__township", ScopedRelatedFieldListFilter),
        "is_incident",
        "is_correction",
    )
    search_fields = ("object_name", "content", "advisor__name", "village__name")
    date_hierarchy = "service_date"
    inlines = (WorkLogEventInline, WorkLogPhotoInline)
    fieldsets = (
        (None, {"fields": ("village", "advisor", "firm_name", "agreement")}),
        (
            _("服务"),
            {
                "fields": (
                    ("service_date", "start_time", "end_time", "hours"),
                    "mode",
                    "service_types",
                    "is_incident",
                )
            },
        ),
        (
            _("服务对象与内容"),
            {
                "fields": (
                    ("object_kind", "object_name", "people_served"),
                    ("object_situation", "masked_object_phone"),
                    "content",
                    "result",
                    "remarks",
                )
            },
        ),
        (
            _("纠纷调解"),
            {"fields": ("mediation_problem", "mediation_measures", "mediation_result")},
        ),
        (_("定位"), {"fields": (("latitude", "longitude", "location_accuracy"),)}),
        (
            _("流程"),
            {
                "fields": (
                    "status",
                    "submitted_at",
                    ("confirmed_at", "confirmed_by_name", "confirmed_on_behalf"),
                    ("verified_at", "verified_by_name"),
                    "return_reason",
                    "is_correction",
                    ("created_by_name", "created_at", "updated_at"),
                    "client_uuid",
                )
            },
        ),
    )
    # Spelled out, not only implied by the view permission: the workflow moves in the app, never here.
    readonly_fields = (
        "masked_object_phone",
        "hours",
        "status",
        "submitted_at",
        "confirmed_at",
        "confirmed_by_name",
        "confirmed_on_behalf",
        "verified_at",
        "verified_by_name",
        "return_reason",
        "is_correction",
        "created_by_name",
        "created_at",
        "updated_at",
        "client_uuid",
    )

    @admin.display(description=_("联系电话"), empty_value="—")
    def masked_object_phone(self, obj: WorkLog) -> str | None:
        # PIPL: masked; a bureau reveals one number, audited, on the log's page (common/phones.py).
        return mask_phone(obj.object_phone) or None

    # People by their names (a liaison's login means nothing to the bureau), as on the app's pages.
    @admin.display(description=_("确认人"), empty_value="—")
    def confirmed_by_name(self, obj: WorkLog) -> str | None:
        return display_name(obj.confirmed_by) or None

    @admin.display(description=_("核查人"), empty_value="—")
    def verified_by_name(self, obj: WorkLog) -> str | None:
        return display_name(obj.verified_by) or None

    @admin.display(description=_("填写人"), empty_value="—")
    def created_by_name(self, obj: WorkLog) -> str | None:
        return display_name(obj.created_by) or None


@admin.register(Lecture)
class LectureAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope = lectures_visible_to
    list_display = ("topic", "service_date", "village", "advisor", "attendance", "received_at")
    list_select_related = ("worklog__village", "worklog__advisor")
    list_filter = (("worklog__village__township", ScopedRelatedFieldListFilter),)
    search_fields = ("topic", "outline", "worklog__advisor__name", "worklog__village__name")
    fields = (
        "worklog",
        "topic",
        "audience",
        "attendance",
        "outline",
        "outline_file",
        ("received_at", "received_by"),
    )

    @admin.display(description=_("服务日期"), ordering="worklog__service_date")
    def service_date(self, obj):
        return obj.worklog.service_date

    @admin.display(description=_("村(社区)"), ordering="worklog__village__name")
    def village(self, obj):
        return obj.worklog.village

    @admin.display(description=_("法律顾问"), ordering="worklog__advisor__name")
    def advisor(self, obj):
        return obj.worklog.advisor


@admin.register(Incident)
class IncidentAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope = incidents_visible_to
    list_display = ("village", "advisor", "reported_at", "acknowledged_at", "acknowledger", "handled_at")
    list_select_related = ("village", "advisor", "acknowledged_by__profile")
    list_filter = (("village__township", ScopedRelatedFieldListFilter),)
    search_fields = ("summary", "advisor__name", "village__name")
    date_hierarchy = "reported_at"
    fields = (
        "village",
        "advisor",
        "worklog",
        "summary",
        "reported_at",
        ("acknowledged_at", "acknowledger"),
        "escalated_at",
        "handling",
        ("handled_at", "handling_recorder"),
    )
    readonly_fields = ("acknowledger", "handling_recorder")

    # People by their names, not their logins.
    @admin.display(description=_("知悉人"), empty_value="—")
    def acknowledger(self, obj: Incident) -> str:
        return display_name(obj.acknowledged_by)

    @admin.display(description=_("处置登记人"), empty_value="—")
    def handling_recorder(self, obj: Incident) -> str:
        return display_name(obj.handling_recorded_by)


@admin.register(WorkSummary)
class WorkSummaryAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope = work_summaries_visible_to
    list_display = ("township", "year", "filer", "filed_at", "updated_at")
    list_select_related = ("township", "filed_by__profile")
    list_filter = ("year", ("township", ScopedRelatedFieldListFilter))
    search_fields = ("township__name", "text")
    fields = ("township", "year", "text", ("filed_at", "filer"), "updated_at")
    readonly_fields = ("filer",)

    @admin.display(description=_("提交人"), empty_value="—")
    def filer(self, obj: WorkSummary) -> str:
        return display_name(obj.filed_by)


@admin.register(LedgerSubmission)
class LedgerSubmissionAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope = ledger_submissions_visible_to
    list_display = ("village", "advisor", "year", "month", "submitted_at", "is_late")
    list_select_related = ("village", "advisor")
    list_filter = ("year", "month", "is_late", ("village__township", ScopedRelatedFieldListFilter))
    search_fields = ("advisor__name", "village__name")
    fields = ("advisor", "village", ("year", "month"), "submitted_at", "is_late")


@admin.register(ServiceType)
class ServiceTypeAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The list is fixed by a data migration (the provincial statistics count by it)."""

    scope = service_types_visible_to
    list_display = ("name", "code", "position")
    fields = ("code", "name", "position")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerExport)
class LedgerExportAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Asked for on the exports page and built by a task (ledger/exports.py); the file is served by its scoped,
    audited download view, never by its storage URL."""

    scope = ledger_exports_visible_to
    list_display = ("bureau", "year", "status", "requested_by", "created_at", "finished_at", "sheets")
    list_select_related = ("bureau", "requested_by")
    list_filter = ("status", "year")
    search_fields = ("bureau__name", "requested_by__username")
    date_hierarchy = "created_at"
    fields = (
        "bureau",
        "year",
        "status",
        "requested_by",
        ("created_at", "started_at", "finished_at"),
        "sheets",
        "download",
        "error",
    )
    readonly_fields = ("created_at", "download")

    @admin.display(description=_("文件"))
    def download(self, obj):
        if obj.status != LedgerExport.Status.DONE or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("ledger:export_download", args=[obj.pk]), obj.filename
        )
