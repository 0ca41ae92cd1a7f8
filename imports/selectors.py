"""Who sees which imports: a bureau admin their bureau's; nobody else (the superuser all)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, profile_of

from .models import ImportBatch


def imports_visible_to(user) -> QuerySet[ImportBatch]:
    if user.is_authenticated and user.is_superuser:
        return ImportBatch.objects.all()
    profile = profile_of(user)
    if profile is None or profile.role != Role.BUREAU_ADMIN:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(bureau_id=profile.bureau_id)


def get_import_for_user(user, pk: int) -> ImportBatch:
    return get_object_or_404(imports_visible_to(user).select_related("created_by", "confirmed_by"), pk=pk)
