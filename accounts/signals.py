"""Hooks into Django's own events that every path goes through (the login page, the admin, the test client, the
shell): each calls one function of accounts.security."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.utils import timezone

from . import security
from .models import PasswordState


def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        security.login_started(request=request, user=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if request is not None:
        security.login_ended(request=request)


def _user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        # The password a user is made with counts from now; an admin's form or service marks it temporary after.
        PasswordState.objects.get_or_create(user=instance, defaults={"changed_at": timezone.now()})
    elif not instance.is_active:
        security.user_sessions_end(user=instance)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.security.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts.security.logged_out")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="accounts.security.user_saved")
