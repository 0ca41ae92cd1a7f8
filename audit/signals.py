"""Logins, logouts, failed logins and lockouts into the audit trail."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services as s


@receiver(user_logged_in, dispatch_uid="audit.login")
def record_login(sender, request, user, **kwargs) -> None:
    s.audit_event(s.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def record_logout(sender, request, user, **kwargs) -> None:
    s.audit_event(s.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` is already cleansed of the password by django.contrib.auth.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    s.audit_event(s.LOGIN_FAILED, request=request, result=s.FAILURE, data={"username": username})


def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    s.audit_event(
        s.LOCKED_OUT,
        request=request,
        result=s.DENIED,
        detail="连续登录失败，账号已被锁定",
        data={"username": username or ""},
    )


if apps.is_installed("axes"):
    from axes.signals import user_locked_out

    user_locked_out.connect(record_locked_out, dispatch_uid="audit.locked_out")
