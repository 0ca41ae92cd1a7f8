from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_mixins import ScopedAdminMixin, ScopedRelatedFieldListFilter
from .models import Profile, Role
from .selectors import profiles_visible_to, users_visible_to
from .services import user_assign_role

User = get_user_model()


def _sync_role(user) -> None:
    """After an admin edit of a profile, bring the user's group and staff flag in line with the role."""
    if user.is_superuser:
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


@admin.register(Profile)
class ProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = profiles_visible_to
    list_display = ("user", "full_name", "role", "bureau", "township", "phone")
    list_select_related = ("user", "bureau", "township")
    list_filter = ("role", ("township", ScopedRelatedFieldListFilter))
    search_fields = ("user__username", "full_name", "phone")
    autocomplete_fields = ("user",)
    fields = ("user", "role", "bureau", "township", "full_name", "phone")

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    # A bureau admin creates an account and its role together on the user page (the profile inline); a user
    # without a profile belongs to no bureau and is outside their scope. Removing a role is done by removing the user.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

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
        return 0 if request.user.is_superuser else 1


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
        if obj is not None and not request.user.is_superuser:
            return self.bureau_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_staff", "last_login", "date_joined")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _sync_role(form.instance)

    @admin.display(description=_("姓名"), ordering="profile__full_name", empty_value="—")
    def full_name(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.full_name if profile else None

    @admin.display(description=_("角色"), ordering="profile__role", empty_value="—")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else None
