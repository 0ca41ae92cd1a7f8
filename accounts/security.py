"""Identity controls (等保 2.0 level 3, 身份鉴别): temporary and expired passwords, session limits, lockout and
the second factor. The views and middleware of accounts/ call these; the session keys below hold what the login
decided, so a request needs no query to know whether the user may go on."""

from base64 import b32encode
from binascii import unhexlify
from datetime import timedelta
from importlib import import_module
from time import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .models import LoginLock, PasswordState, UserSession
from .policy import scope_of
from .selectors import users_visible_to

# What the login decided, in the session: when it happened, and which step (if any) comes before every page.
LOGIN_AT = "security.login_at"
SEEN_AT = "security.seen_at"  # the last time the session's idle limit was moved on
PASSWORD_STEP = "security.password"  # "must_change" or "expired"
OTP_STEP = "security.otp"  # "verify" (the user has a device) or "setup" (REQUIRE_2FA and they have none)
OTP_NEW_KEY = "security.otp_key"  # the secret offered on the set-up page until it is confirmed


# --- passwords ---


def password_set_by_user(*, user) -> PasswordState:
    """The user chose their own password now: it counts from today and is no longer temporary."""
    state, _created = PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": False}
    )
    return state


def password_set_by_admin(*, user) -> PasswordState:
    """An admin set the password (a new account, a reset): the user must choose their own at the next login."""
    state, _created = PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": True}
    )
    return state


def password_change_reason(user) -> str:
    """ "must_change", "expired", or "" (also for a user who has no state yet: one is made when a user is made)."""
    state = PasswordState.objects.filter(user=user).first()
    if state is None:
        return ""
    return state.change_reason(now=timezone.now(), max_age_days=settings.PASSWORD_MAX_AGE_DAYS)


# --- sessions ---


def login_started(*, request, user) -> None:
    """At every login: the time (for the 12-hour limit), the steps still owed, and the session recorded for the
    user so that deactivating them ends it."""
    session = request.session
    session[LOGIN_AT] = session[SEEN_AT] = int(time())
    session[PASSWORD_STEP] = password_change_reason(user)
    session[OTP_STEP] = otp_step_for(user)
    if session.session_key is None:
        session.save()
    oldest = timezone.now() - timedelta(hours=settings.SESSION_ABSOLUTE_HOURS or 24 * 365)
    UserSession.objects.filter(user=user, created_at__lt=oldest).delete()
    UserSession.objects.create(user=user, session_key=session.session_key)


def login_ended(*, request) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def session_too_old(request) -> bool:
    """Whether a signed-in session has passed SESSION_ABSOLUTE_HOURS since its login (a session from before this
    rule starts counting now)."""
    session = request.session
    if SESSION_KEY not in session or not settings.SESSION_ABSOLUTE_HOURS:
        return False
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        session[LOGIN_AT] = int(time())
        return False
    return time() - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600


def session_touch(request) -> None:
    """Move a signed-in session's idle limit (SESSION_COOKIE_AGE) on: changing the session makes Django save it with
    a new expiry and cookie. Once a minute at most, so that a page costs no write."""
    session = request.session
    if SESSION_KEY not in session:
        return
    now = int(time())
    if now - session.get(SEEN_AT, 0) >= 60:
        session[SEEN_AT] = now


def user_sessions_end(*, user) -> int:
    """End every session the user logged in with, on the server; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# --- the step owed before any page ---


def pending_step(request) -> str:
    """The URL name of the page a signed-in user must go through first, or "".

    The second factor comes first, so that a stolen password alone cannot change the password either."""
    session = request.session
    if SESSION_KEY not in session:
        return ""
    otp_step = session.get(OTP_STEP, "")
    if otp_step and not request.user.is_verified():
        return "otp_verify" if otp_step == "verify" else "otp_setup"
    on_admin_site = request.path_info.startswith(reverse("admin:index"))
    if settings.REQUIRE_2FA and on_admin_site and request.user.is_staff and not request.user.is_verified():
        return "otp_setup"  # with a device, OTP_STEP said "verify" at login
    if session.get(PASSWORD_STEP):
        return "password_change"
    return ""


def step_done(request, key: str) -> None:
    request.session.pop(key, None)


# --- the second factor ---


def may_use_second_factor(user) -> bool:
    """Every staff user (bureau admins and staff, justice-office staff) and whoever uses the admin site."""
    if not user.is_authenticated:
        return False
    scope = scope_of(user)
    return user.is_staff or scope.is_operator or scope.is_staff


def must_use_second_factor(user) -> bool:
    """With REQUIRE_2FA on: bureau admins, and whoever uses the admin site."""
    if not settings.REQUIRE_2FA:
        return False
    return user.is_staff or scope_of(user).is_bureau_admin


def confirmed_devices(user) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def otp_step_for(user) -> str:
    if confirmed_devices(user).exists():
        return "verify"
    return "setup" if must_use_second_factor(user) else ""


def otp_new_key() -> str:
    """A new secret (hex, as TOTPDevice stores it)."""
    return default_key()


def otp_secret_text(key: str) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otp_config_url(*, user, key: str) -> str:
    return TOTPDevice(user=user, key=key, name="default").config_url


@transaction.atomic
def otp_device_confirm(*, user, key: str, code: str) -> TOTPDevice:
    """Make the user's device from the offered secret once they type a code it gives; raises ValidationError."""
    code = (code or "").strip()
    totp = TOTP(unhexlify(key))
    if not (code.isdigit() and len(code) == 6 and totp.verify(int(code), tolerance=1)):
        raise ValidationError(_("验证码不正确，请查看验证器上当前显示的 6 位数字后重新输入。"))
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=_("手机验证器"), key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
    )


def otp_device_check(*, user, code: str) -> TOTPDevice | None:
    """The user's device that accepts the code (each device throttles repeated failures), or None."""
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == 6):
        return None
    for device in confirmed_devices(user):
        if device.verify_token(code):
            return device
    return None


def otp_devices_reset(*, users) -> int:
    """Remove the users' devices (a lost phone): they set up a new one at the next login when it is required."""
    deleted, _by_model = TOTPDevice.objects.filter(user__in=users).delete()
    return deleted


# --- lockout ---


def lock_attempts_visible_to(user) -> QuerySet[LoginLock]:
    """The lockout records of the accounts the user may see."""
    if scope_of(user).is_operator:
        return LoginLock.objects.all()
    return LoginLock.objects.filter(username__in=users_visible_to(user).values("username"))


def accounts_unlock(*, usernames) -> int:
    """Lift the lockout of these usernames; returns how many lockout records were removed."""
    from axes.utils import reset

    return sum(reset(username=username) for username in set(usernames))
