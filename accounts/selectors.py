"""Who may see which profiles and user accounts: bureau roles, within their own bureau."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Profile, profile_of


def profiles_visible_to(user) -> QuerySet[Profile]:
    """Bureau roles see the profiles of their bureau, superusers' excepted."""
    if user.is_authenticated and user.is_superuser:
        return Profile.objects.all()
    profile = profile_of(user)
    if profile is None or not profile.is_bureau:
        return Profile.objects.none()
    return Profile.objects.filter(bureau_id=profile.bureau_id, user__is_superuser=False)


def users_visible_to(user) -> QuerySet:
    """Bureau roles see the accounts whose profile is in their bureau, superusers' excepted."""
    User = get_user_model()
    if user.is_authenticated and user.is_superuser:
        return User.objects.all()
    profile = profile_of(user)
    if profile is None or not profile.is_bureau:
        return User.objects.none()
    return User.objects.filter(profile__bureau_id=profile.bureau_id, is_superuser=False)
