from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("司法局管理员")
    BUREAU_STAFF = "bureau_staff", _("司法局工作人员")
    OFFICE_STAFF = "office_staff", _("司法所工作人员")
    ADVISOR = "advisor", _("法律顾问")
    LIAISON = "liaison", _("村联络员")
    CITY_STAFF = "city_staff", _("市司法局工作人员")
    PROVINCE_STAFF = "province_staff", _("省司法厅工作人员")


# The level of bureau each role works at; every role not named works in a county bureau.
BUREAU_LEVEL_OF_ROLE = {Role.CITY_STAFF: "city", Role.PROVINCE_STAFF: "province"}


class Profile(models.Model):
    """Links a user to their role and the place it applies to.

    The advisor's own record is `Advisor.user`; a liaison's village is `Village.liaison`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="profiles"
    )
    township = models.ForeignKey(
        "villages.Township",
        verbose_name=_("所属司法所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_profiles",
        help_text=_("仅司法所工作人员需要填写。"),
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="office_staff") | Q(township__isnull=False),
                name="profile_office_staff_has_township",
                violation_error_message=_("司法所工作人员必须指定所属司法所。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.get_role_display()}）"

    def clean(self) -> None:
        super().clean()
        if self.township_id and self.bureau_id and self.township.bureau_id != self.bureau_id:
            raise ValidationError({"township": _("所属司法所不属于该司法局。")})
        if self.role == Role.OFFICE_STAFF and not self.township_id:
            raise ValidationError({"township": _("司法所工作人员必须指定所属司法所。")})
        if (
            self.bureau_id
            and self.role
            and self.bureau.level != BUREAU_LEVEL_OF_ROLE.get(self.role, "county")
        ):
            raise ValidationError(
                {"bureau": _("该角色须属于相应层级的司法行政机关（市、省工作人员属市司法局、省司法厅）。")}
            )

    @property
    def display_name(self) -> str:
        return self.full_name or self.user.get_username()

    # For the templates; the rule itself is the access policy's (accounts/policy.py).
    @property
    def is_bureau(self) -> bool:
        from .policy import Reach, reach_of_role

        return reach_of_role(self.role) is Reach.BUREAU

    @property
    def is_staff_role(self) -> bool:
        from .policy import STAFF_REACHES, reach_of_role

        return reach_of_role(self.role) in STAFF_REACHES


def profile_of(user) -> Profile | None:
    """The user's profile, or None for anonymous users and accounts without a role."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


class PasswordState(models.Model):
    """When the user last set their own password, and whether they must set one before doing anything else.

    A password an admin sets (a new account, a reset) is temporary: `must_change` until the user sets their own.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_state",
    )
    changed_at = models.DateTimeField(_("密码设置时间"))
    must_change = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self) -> str:
        return str(self.user)

    def change_reason(self, *, now, max_age_days: int | None) -> str:
        """Why the user must change their password now: "must_change", "expired", or "" when they need not."""
        if self.must_change:
            return "must_change"
        if max_age_days and (now - self.changed_at).days >= max_age_days:
            return "expired"
        return ""


class UserSession(models.Model):
    """A session a user logged in with, so that deactivating the user can end them all on the server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="login_sessions",
    )
    session_key = models.CharField(_("会话"), max_length=40)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class LoginLock(AccessAttempt):
    """django-axes' record of a username's failed logins in a row, under a Chinese name in the admin (axes ships no
    Chinese): five lock the account for 30 minutes; removing the record lifts the lock."""

    class Meta:
        proxy = True
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")


def display_name(user) -> str:
    """A person by their name (Profile.full_name), the login only when no name is recorded; "" for nobody."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()
