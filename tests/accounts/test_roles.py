"""Roles: one auth group per role, and a user's profile, group and staff flag kept together."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Profile, Role
from accounts.services import role_groups_sync, user_assign_role, user_create_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLE_GROUP_NAMES = {
    "司法局管理员",
    "司法局工作人员",
    "司法所工作人员",
    "法律顾问",
    "村联络员",
    "市司法局工作人员",
    "省司法厅工作人员",
}
ABOVE = {Role.CITY_STAFF: "city_bureau", Role.PROVINCE_STAFF: "province_bureau"}


def place_of(request, role, township):
    """Where a role works: a county's township, or the city or province bureau above it."""
    if role in ABOVE:
        return {"bureau": request.getfixturevalue(ABOVE[role]), "township": None}
    return {"bureau": township.bureau, "township": township}


def test_it_creates_one_group_per_role_named_by_the_roles_chinese_label():
    Group.objects.all().delete()

    role_groups_sync()
    role_groups_sync()  # running it again changes nothing

    assert {str(role.label) for role in Role} == ROLE_GROUP_NAMES
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLE_GROUP_NAMES)


def test_it_lets_the_bureau_admin_group_manage_and_the_bureau_staff_group_only_view():
    role_groups_sync()
    admin_codenames = set(
        Group.objects.get(name="司法局管理员").permissions.values_list("codename", flat=True)
    )
    staff_codenames = set(
        Group.objects.get(name="司法局工作人员").permissions.values_list("codename", flat=True)
    )

    assert {"add_agreement", "change_agreement", "change_village", "add_user"} <= admin_codenames
    assert "view_agreement" in staff_codenames
    assert all(codename.startswith("view_") for codename in staff_codenames)
    assert not Group.objects.get(name="法律顾问").permissions.exists()


@pytest.mark.parametrize("role", list(Role))
def test_it_puts_the_user_in_exactly_the_group_of_their_role(request, township, role):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="旧分组")[0])

    profile = user_assign_role(user=user, role=role, **place_of(request, role, township))

    assert [group.name for group in user.groups.all()] == [str(role.label)]
    assert Profile.objects.get(user=user) == profile
    assert profile.role == role


@pytest.mark.parametrize("role", list(Role))
def test_it_makes_only_bureau_admins_staff(request, township, role):
    user = UserFactory(is_staff=True)

    user_assign_role(user=user, role=role, **place_of(request, role, township))

    user.refresh_from_db()
    assert user.is_staff is (role == Role.BUREAU_ADMIN)


def test_it_moves_a_user_to_the_new_group_and_drops_staff_when_their_role_changes(
    bureau_admin_user, township
):
    assert bureau_admin_user.is_staff

    user_assign_role(
        user=bureau_admin_user, role=Role.OFFICE_STAFF, bureau=township.bureau, township=township
    )

    bureau_admin_user.refresh_from_db()
    assert not bureau_admin_user.is_staff
    assert [group.name for group in bureau_admin_user.groups.all()] == ["司法所工作人员"]
    assert Profile.objects.get(user=bureau_admin_user).township == township


def test_it_refuses_office_staff_without_a_township(bureau):
    # A ValidationError a form can show, not the database check constraint's IntegrityError.
    user = UserFactory()

    with pytest.raises(ValidationError) as error:
        user_assign_role(user=user, role=Role.OFFICE_STAFF, bureau=bureau)

    assert "司法所工作人员必须指定所属司法所" in " ".join(error.value.messages)
    assert not Profile.objects.filter(user=user).exists()
    assert not user.groups.exists()


def test_it_leaves_no_user_behind_when_creating_one_with_a_refused_role(bureau):
    # user_create_with_role is atomic: the user row does not outlive the refused role.
    users_before = get_user_model().objects.count()

    with pytest.raises((ValidationError, IntegrityError)):
        user_create_with_role(username="xiaowang", password=None, role=Role.OFFICE_STAFF, bureau=bureau)

    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(username="xiaowang").exists()
