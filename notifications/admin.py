from django.contrib import admin
from django.db.models import QuerySet

from accounts.admin_mixins import ReadOnlyAdminMixin, ScopedAdminMixin
from accounts.selectors import users_visible_to

from .models import Notification, NotificationDelivery


def notifications_visible_to(user) -> QuerySet[Notification]:
    """The notifications of the accounts the user may see (a bureau's own people)."""
    return Notification.objects.filter(recipient__in=users_visible_to(user))


def notification_deliveries_visible_to(user) -> QuerySet[NotificationDelivery]:
    return NotificationDelivery.objects.filter(notification__in=notifications_visible_to(user))


class NotificationDeliveryInline(ScopedAdminMixin, admin.TabularInline):
    """Whether each channel (e-mail…) reached the person, and why not."""

    model = NotificationDelivery
    scope = notification_deliveries_visible_to
    fields = ("channel", "status", "attempts", "sent_at", "last_error", "updated_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # shown only inside a notification the user may view


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was sent to whom and whether it was read and e-mailed: for the bureau to check, not to edit."""

    scope = notifications_visible_to
    list_display = ("title", "recipient", "created_at", "read_at", "emailed_at")
    list_select_related = ("recipient",)
    list_filter = ("read_at", "emailed_at")
    search_fields = ("title", "body", "recipient__username", "recipient__profile__full_name")
    date_hierarchy = "created_at"
    fields = ("recipient", "title", "body", "url", "key", "created_at", "read_at", "emailed_at")
    readonly_fields = fields
    inlines = (NotificationDeliveryInline,)
