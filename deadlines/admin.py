from django.contrib import admin
from django.db.models import QuerySet

from accounts.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin
from accounts.policy import is_operator, scope_of

from .models import Flag, JobRun
from .selectors import flags_visible_to


def job_runs_visible_to(user) -> QuerySet[JobRun]:
    """The jobs run for every bureau at once, their results counting all of them: the system operator's only."""
    return scope_of(user).filter(JobRun.objects.all())


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope = flags_visible_to
    list_display = ("period", "kind", "township", "village", "advisor", "detail", "created_at", "resolved_at")
    list_select_related = ("township", "village", "advisor")
    list_filter = ("kind", "period", "resolved_at")
    search_fields = ("village__name", "township__name", "advisor__name", "period")
    fields = (
        "kind",
        "period",
        "subject_key",
        "township",
        "village",
        "advisor",
        "agreement",
        "detail",
        "created_at",
        "resolved_at",
    )
    readonly_fields = fields


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope = job_runs_visible_to
    list_display = ("job", "for_date", "started_at", "finished_at", "error")
    list_filter = ("job",)
    date_hierarchy = "for_date"
    fields = ("job", "for_date", "started_at", "finished_at", "result", "error")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return is_operator(request.user)
