"""Who may read the audit trail: the superuser all of it, a bureau admin the entries of their bureau's users."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.policy import scope_of

from .models import AuditEntry


def can_read_audit_trail(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    scope = scope_of(user)
    return scope.is_operator or scope.is_bureau_admin


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    """Entries whose user is in the bureau admin's bureau, failed logins with one of their user names included."""
    if not can_read_audit_trail(user):
        return AuditEntry.objects.none()

    def of_bureau_users() -> Q:
        bureau_users = get_user_model().objects.filter(profile__bureau_id__in=scope.bureau_ids)
        return Q(actor_id__in=bureau_users.values("pk")) | Q(
            actor_id__isnull=True, actor_username__in=bureau_users.values("username")
        )

    scope = scope_of(user)
    return scope.filter(AuditEntry.objects.all(), bureau=of_bureau_users)
