"""Roles: a user's profile and the matching auth group, kept together."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Model

from .models import Profile, Role
from .policy import ADMIN_SITE_ACCESS, is_operator, uses_admin_site
from .security import password_set_by_admin

# Apps whose records the bureau admin manages in the admin site.
BUREAU_ADMIN_APPS = (
    "villages",
    "advisors",
    "ledger",
    "assessment",
    "publicity",
    "accounts",
    "notifications",
    "deadlines",
)


def role_groups_sync() -> None:
    """One auth group per role, named in Chinese; the bureau admin's group holds the admin-site permissions."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=str(role.label))
        access = ADMIN_SITE_ACCESS.get(role)
        if access == "manage":
            perms = Permission.objects.filter(
                content_type__app_label__in=BUREAU_ADMIN_APPS
            ) | Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
            group.permissions.set(perms)
        elif access == "view":
            group.permissions.set(
                Permission.objects.filter(
                    content_type__app_label__in=BUREAU_ADMIN_APPS, codename__startswith="view_"
                )
            )


@transaction.atomic
def user_assign_role(
    *, user, role: Role, bureau: Model, township: Model | None = None, full_name: str = ""
) -> Profile:
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.role, profile.bureau, profile.township, profile.full_name = role, bureau, township, full_name
    profile.full_clean()
    profile.save()
    user.groups.set([Group.objects.get_or_create(name=str(role.label))[0]])
    if not is_operator(user):
        # Only the bureau admin uses the admin site.
        user.is_staff = uses_admin_site(role)
        user.save(update_fields=["is_staff"])
    return profile


@transaction.atomic
def user_create_with_role(
    *,
    username: str,
    password: str | None,
    role: Role,
    bureau: Model,  # villages.Bureau (accounts sits below villages: it names the model only)
    township: Model | None = None,  # villages.Township
    full_name: str = "",
    password_is_temporary: bool = True,
):
    """A new account with its role. The password is the admin's, so by default the user must change it at their
    first login (accounts.security); test and demo accounts pass password_is_temporary=False."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user_assign_role(user=user, role=role, bureau=bureau, township=township, full_name=full_name)
    if password and password_is_temporary:
        password_set_by_admin(user=user)
    return user
