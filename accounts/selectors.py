"""Who may see which profiles and user accounts: bureau roles, within their own bureau."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Profile
from .policy import scope_of


def profiles_visible_to(user) -> QuerySet[Profile]:
    """Bureau roles see the profiles of their bureau, superusers' excepted."""
    return scope_of(user).people(Profile.objects.all(), bureau="bureau_id", user="user")


def users_visible_to(user) -> QuerySet:
    """Bureau roles see the accounts whose profile is in their bureau, superusers' excepted."""
    return scope_of(user).people(get_user_model().objects.all(), bureau="profile__bureau_id")
