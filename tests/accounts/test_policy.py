"""The access policy (accounts/policy.py) is the one place that says who is which role over which place."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.policy import ROLE_REACH, Reach, scope_of
from tests.factories import give_role

ROOT = Path(settings.BASE_DIR)
POLICY = Path("accounts/policy.py")
# Where a role may still be named: the policy, and the model that defines the roles and their own constraint.
ALLOWED = {POLICY, Path("accounts/models.py")}
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", "static", "templates", "locale"}

# A role decided outside the policy: a superuser flag read (setting it on a new demo account is not a check), a
# comparison with a role, a profile's role compared, or the profile's role shortcuts.
FORBIDDEN = [
    re.compile(r"\bis_superuser\b(?!\s*=\s*(True|False)\b)"),
    re.compile(r"(==|!=)\s*Role\.|Role\.[A-Z_]+\s*(==|!=)"),
    re.compile(r"\b(not\s+)?in\s+\(?\s*Role\."),
    re.compile(r"\.role\s*(==|!=|in\b|not\s+in\b)"),
    re.compile(r"\bprofile\.(is_bureau|is_staff_role)\b"),
    re.compile(r"\b(BUREAU_ROLES|STAFF_ROLES)\b"),
]


def _source_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]) or relative in ALLOWED:
            continue
        yield relative


def test_it_keeps_every_role_check_in_the_policy_module():
    found = [
        f"{path}:{number}: {line.strip()}"
        for path in _source_files()
        for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), start=1)
        if any(pattern.search(line) for pattern in FORBIDDEN)
    ]
    assert not found, (
        "Role checks outside accounts/policy.py (ask the policy: scope_of(user)):\n" + "\n".join(found)
    )


def test_its_guard_catches_the_role_checks_it_is_meant_to():
    caught = [
        "if user.is_superuser:",
        "if profile.role == Role.OFFICE_STAFF:",
        "return profile is not None and profile.is_bureau",
        "if role in (Role.ADVISOR, Role.LIAISON):",
        "rows = Profile.objects.filter(role__in=BUREAU_ROLES)",
    ]
    allowed = ["user.is_superuser = False", "Profile(user=user, role=Role.LIAISON, bureau=bureau)"]
    assert all(any(p.search(line) for p in FORBIDDEN) for line in caught)
    assert not any(any(p.search(line) for p in FORBIDDEN) for line in allowed)


def test_it_gives_every_role_a_reach():
    assert set(ROLE_REACH) == set(Role)


@pytest.mark.django_db
def test_it_puts_each_persona_on_its_rung(
    superuser, bureau_admin_user, office_user, advisor_user, liaison_user, stranger, township
):
    assert scope_of(superuser).reach is Reach.ALL
    assert scope_of(bureau_admin_user).reach is Reach.BUREAU
    assert scope_of(bureau_admin_user).is_bureau_admin
    assert scope_of(office_user).reach is Reach.TOWNSHIP
    assert scope_of(office_user).is_office_of(township.pk)
    assert scope_of(advisor_user).reach is Reach.ADVISOR
    assert scope_of(liaison_user).reach is Reach.LIAISON
    assert scope_of(stranger).reach is Reach.NONE


@pytest.mark.django_db
def test_it_computes_the_scope_once_per_user_object(django_assert_num_queries, office_user):
    office_user = type(office_user).objects.get(pk=office_user.pk)
    with django_assert_num_queries(1):  # the profile
        first = scope_of(office_user)
        assert scope_of(office_user) is first


@pytest.mark.django_db
def test_it_follows_a_role_changed_on_the_same_user_object(office_user, bureau):
    assert scope_of(office_user).is_office
    give_role(office_user, Role.BUREAU_STAFF, bureau=bureau)
    office_user.profile.refresh_from_db()
    assert scope_of(office_user).is_bureau


# --- the tree above the bureaus (issue 18) ---


@pytest.mark.django_db
def test_a_city_sees_every_bureau_below_it_and_none_of_another_city(
    city_user, other_city_user, city_bureau, sibling_bureau, bureau, other_bureau
):
    city = scope_of(city_user)
    assert city.reach is Reach.OVERSIGHT and city.is_oversight and city.sees_programme
    assert set(city.bureau_ids) == {city_bureau.pk, bureau.pk, sibling_bureau.pk}
    assert city.oversees_bureau(bureau.pk) and not city.oversees_bureau(other_bureau.pk)
    assert scope_of(other_city_user).bureau_ids == tuple(sorted({other_bureau.pk, other_bureau.parent_id}))


@pytest.mark.django_db
def test_a_province_sees_its_cities_and_their_bureaus(province_user, province_bureau, bureau, other_bureau):
    scope = scope_of(province_user)
    assert {province_bureau.pk, bureau.pk, other_bureau.pk, bureau.parent_id, other_bureau.parent_id} <= set(
        scope.bureau_ids
    )


@pytest.mark.django_db
def test_oversight_never_acts_for_a_bureau(city_user, bureau):
    scope = scope_of(city_user)
    assert not (scope.is_bureau or scope.is_staff or scope.is_office or scope.is_bureau_admin)
    assert not scope.runs_bureau(bureau.pk) and not scope.administers_bureau(bureau.pk)
    assert scope.reads_bureau(bureau.pk)


@pytest.mark.django_db
def test_a_county_sees_nothing_above_it(bureau_admin_user, city_bureau, province_bureau, bureau):
    from villages.selectors import bureaus_visible_to

    assert list(bureaus_visible_to(bureau_admin_user)) == [bureau]
    assert not scope_of(bureau_admin_user).reads_bureau(city_bureau.pk)


@pytest.mark.django_db
def test_an_oversight_role_belongs_to_a_bureau_of_its_level(bureau, city_bureau):
    from django.core.exceptions import ValidationError

    from tests.factories import make_user_with_role

    with pytest.raises(ValidationError):
        make_user_with_role(Role.CITY_STAFF, bureau=bureau)
    with pytest.raises(ValidationError):
        make_user_with_role(Role.BUREAU_STAFF, bureau=city_bureau)


def test_a_signed_in_users_profile_bureau_and_township_come_with_the_user_in_one_query(client, office_user):
    client.force_login(office_user)

    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200

    by_themselves = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('SELECT "accounts_profile"') or q["sql"].startswith('SELECT "villages_bureau"')
    ]
    assert by_themselves == []


def test_a_deactivated_users_session_no_longer_signs_them_in(client, office_user):
    client.force_login(office_user)
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])

    assert client.get("/")["Location"].startswith("/accounts/login/")
