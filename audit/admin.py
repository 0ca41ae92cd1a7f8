"""The audit trail in the admin: searchable by user, action, object and date; read-only for everybody, the superuser
included (no add, change or delete, no actions), since an account that could edit the trail could hide its tracks."""

import json

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ScopedAdminMixin

from .apps import AUDITED_MODELS
from .models import AuditEntry
from .selectors import audit_entries_visible_to, can_read_audit_trail


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("对象类型")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        choices = []
        for label in AUDITED_MODELS:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            choices.append((label.lower(), model._meta.verbose_name))
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            model = apps.get_model(self.value())
        except (LookupError, ValueError):
            return queryset.none()
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))


# auditlog registers its own admin for the LogEntry model it is told to use: ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = audit_entries_visible_to
    date_hierarchy = "timestamp"
    list_display = (
        "timestamp",
        "actor_username",
        "event",
        "result",
        "object_type",
        "object_repr",
        "remote_addr",
    )
    list_filter = ("event", "result", ObjectTypeFilter)
    list_select_related = ("content_type",)
    search_fields = ("actor_username", "object_repr", "=object_pk", "detail", "=remote_addr")
    search_help_text = _(
        "按用户名、对象名称或编号、说明、IP 地址搜索；按日期用上方的日期导航，按操作和结果用右侧筛选。"
    )
    list_per_page = 50
    actions = None
    fields = (
        "timestamp",
        "actor_username",
        "actor_id",
        "remote_addr",
        "event",
        "result",
        "object_type",
        "object_pk",
        "object_repr",
        "changes_table",
        "detail",
        "data",
        "cid",
    )
    readonly_fields = fields

    @admin.display(description=_("对象类型"), ordering="content_type")
    def object_type(self, obj: AuditEntry) -> str:
        return obj.content_type.name if obj.content_type else ""

    @admin.display(description=_("用户编号"))
    def actor_id(self, obj: AuditEntry):
        return obj.actor_id or ""

    @admin.display(description=_("变更内容"))
    def changes_table(self, obj: AuditEntry) -> str:
        changes = obj.changes
        if isinstance(changes, str):
            changes = json.loads(changes or "{}")
        if not changes:
            return "-"
        model = obj.content_type.model_class() if obj.content_type else None
        rows = []
        for name, value in changes.items():
            if isinstance(value, dict):  # a many-to-many change
                old, new = value.get("operation", ""), "、".join(map(str, value.get("objects", [])))
            else:
                old, new = value[0], value[1]
            rows.append((_field_label(model, name), old, new))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("字段"),
            _("原值"),
            _("新值"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("附加数据"))
    def data(self, obj: AuditEntry) -> str:
        if not obj.additional_data:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(obj.additional_data, ensure_ascii=False, indent=2))

    def has_module_permission(self, request) -> bool:
        return can_read_audit_trail(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_read_audit_trail(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed or renamed
        return name
