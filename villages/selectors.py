"""Who may see which townships and villages. Every view, export, admin page and task goes through here."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, profile_of

from .models import Bureau, Township, Village


def bureaus_visible_to(user) -> QuerySet[Bureau]:
    """A user sees their own bureau only; a superuser sees all."""
    if user.is_authenticated and user.is_superuser:
        return Bureau.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Bureau.objects.none()
    return Bureau.objects.filter(pk=profile.bureau_id)


def villages_visible_to(user) -> QuerySet[Village]:
    if user.is_authenticated and user.is_superuser:
        return Village.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Village.objects.none()
    if profile.is_bureau:
        return Village.objects.filter(township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Village.objects.filter(township_id=profile.township_id)
    if profile.role == Role.ADVISOR:
        from advisors.models import Agreement

        current = Agreement.objects.current().filter(advisor__user=user, advisor__is_active=True)
        return Village.objects.filter(pk__in=current.values("village_id"))
    if profile.role == Role.LIAISON:
        return Village.objects.filter(liaison=user)
    return Village.objects.none()


def townships_visible_to(user) -> QuerySet[Township]:
    if user.is_authenticated and user.is_superuser:
        return Township.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Township.objects.none()
    if profile.is_bureau:
        return Township.objects.filter(bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Township.objects.filter(pk=profile.township_id)
    return Township.objects.filter(pk__in=villages_visible_to(user).values("township_id"))


def get_village_for_user(user, pk: int) -> Village:
    return get_object_or_404(villages_visible_to(user).select_related("township"), pk=pk)


def get_township_for_user(user, pk: int) -> Township:
    return get_object_or_404(townships_visible_to(user), pk=pk)
