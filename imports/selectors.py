"""Who sees which imports: a bureau admin their bureau's; nobody else (the superuser all)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.policy import scope_of

from .models import ImportBatch


def imports_visible_to(user) -> QuerySet[ImportBatch]:
    scope = scope_of(user)
    if scope.is_operator:
        return ImportBatch.objects.all()
    if not scope.is_bureau_admin:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(bureau_id=scope.bureau_id)


def get_import_for_user(user, pk: int) -> ImportBatch:
    return get_object_or_404(imports_visible_to(user).select_related("created_by", "confirmed_by"), pk=pk)
