from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.masking import mask_phone

from . import security
from .admin_mixins import ScopedAdminMixin, ScopedRelatedFieldListFilter
from .models import LoginLock, Profile, Role
from .policy import is_operator
from .selectors import profiles_visible_to, users_visible_to
from .services import user_assign_role

User = get_user_model()


def _sync_role(user) -> None:
    """After an admin edit of a profile, bring the user's group and staff flag in line with the role."""
    if is_operator(user):
        return  # never take the admin site away from a superuser
    profile = Profile.objects.select_related("bureau", "township").filter(user=user).first()
    if profile is None:
        return
    user_assign_role(
        user=user,
        role=Role(profile.role),
        bureau=profile.bureau,
        township=profile.township,
        full_name=profile.full_name,
    )


def _unlock(model_admin, request, usernames) -> None:
    """Both admins' unlock action: lift the lockouts of `usernames` and say how many."""
    count = security.accounts_unlock(usernames=usernames)
    model_admin.message_user(
        request,
        ngettext("已解除 %(n)d 条锁定。", "已解除 %(n)d 条锁定。", count) % {"n": count},
        messages.SUCCESS,
    )


@admin.register(Profile)
class ProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = profiles_visible_to
    list_display = ("user", "full_name", "role", "bureau", "township", "masked_phone")
    list_select_related = ("user", "bureau", "township")
    list_filter = ("role", ("township", ScopedRelatedFieldListFilter))
    search_fields = ("user__username", "full_name", "phone")
    autocomplete_fields = ("user",)
    fields = ("user", "role", "bureau", "township", "full_name", "phone")

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    @admin.display(description=_("手机号"), ordering="phone")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)  # PIPL: masked in lists (common/phones.py)

    # A bureau admin creates an account and its role together on the user page (the profile inline); a user
    # without a profile belongs to no bureau and is outside their scope. Removing a role is done by removing the user.
    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _sync_role(obj.user)


class ProfileInline(ScopedAdminMixin, admin.StackedInline):
    model = Profile
    scope = profiles_visible_to
    fk_name = "user"
    fields = ("role", "bureau", "township", "full_name", "phone")
    can_delete = False
    max_num = 1
    verbose_name_plural = _("角色")

    def get_min_num(self, request, obj=None, **kwargs):
        # Every account a bureau admin creates gets a role in their bureau, or it would vanish from their scope.
        return 0 if is_operator(request.user) else 1


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    scope = users_visible_to
    inlines = (ProfileInline,)
    list_display = ("username", "full_name", "role", "email", "is_active", "is_staff")
    list_select_related = ("profile",)
    list_filter = ("is_active", "is_staff", "profile__role")
    search_fields = ("username", "first_name", "last_name", "email", "profile__full_name", "profile__phone")
    # What a bureau admin may change: no superuser flag, groups or permissions (those follow the role).
    bureau_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("账号状态"), {"fields": ("is_active", "is_staff")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not is_operator(request.user):
            return self.bureau_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if is_operator(request.user):
            return super().get_readonly_fields(request, obj)
        return ("is_staff", "last_login", "date_joined")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _sync_role(form.instance)

    # A password an admin sets is temporary: the user must choose their own at their next login.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            security.password_set_by_admin(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            security.password_set_by_admin(user=self.get_object(request, id))
        return response

    actions = ("unlock_accounts", "reset_second_factor")

    @admin.action(description=_("解锁所选账号（登录失败过多被锁定的）"), permissions=["change"])
    def unlock_accounts(self, request, queryset):
        _unlock(self, request, queryset.values_list("username", flat=True))

    @admin.action(description=_("重置所选账号的两步验证（手机丢失或更换时）"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        security.otp_devices_reset(users=queryset)
        self.message_user(request, _("已重置两步验证，这些用户下次登录时可重新设置。"), messages.SUCCESS)

    @admin.display(description=_("姓名"), ordering="profile__full_name", empty_value="—")
    def full_name(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.full_name if profile else None

    @admin.display(description=_("角色"), ordering="profile__role", empty_value="—")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else None


# Devices are each user's own (the 两步验证 page); a lost one is reset from the user list above.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(LoginLock)
class LoginLockAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The failed logins in a row of the bureau's accounts (django-axes): five lock the account for 30 minutes; the
    bureau admin lifts a lock here or from the user list."""

    scope = security.lock_attempts_visible_to
    list_display = ("account", "failures", "last_attempt", "address")
    search_fields = ("username",)
    ordering = ("-attempt_time",)
    fields = readonly_fields = ("account", "failures", "last_attempt", "address", "browser")
    actions = ("unlock",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("用户名"), ordering="username")
    def account(self, obj):
        return obj.username

    @admin.display(description=_("连续失败次数"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("最近一次尝试"), ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @admin.display(description=_("IP 地址"))
    def address(self, obj):
        return obj.ip_address

    @admin.display(description=_("浏览器"))
    def browser(self, obj):
        return obj.user_agent

    @admin.action(description=_("解锁所选账号"), permissions=["delete"])
    def unlock(self, request, queryset):
        _unlock(self, request, queryset.values_list("username", flat=True))
