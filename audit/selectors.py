"""Who may read the audit trail: the superuser all of it, a bureau admin the entries of their bureau's users."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import Role, profile_of

from .models import AuditEntry


def can_read_audit_trail(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    profile = profile_of(user)
    return profile is not None and profile.role == Role.BUREAU_ADMIN


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    """Entries whose user is in the bureau admin's bureau, failed logins with one of their user names included."""
    if not can_read_audit_trail(user):
        return AuditEntry.objects.none()
    if user.is_superuser:
        return AuditEntry.objects.all()
    bureau_users = get_user_model().objects.filter(profile__bureau_id=profile_of(user).bureau_id)
    return AuditEntry.objects.filter(
        Q(actor_id__in=bureau_users.values("pk"))
        | Q(actor_id__isnull=True, actor_username__in=bureau_users.values("username"))
    )
