"""The bureau admin searches the trail in the admin; nobody, the superuser included, can add, change or delete it,
and no account holds a permission to (无账号可同时修改业务数据与修改或删除审计记录)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.services import role_groups_sync
from audit.models import AuditEntry
from audit.services import EXPORT, LOGIN, audit_event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/audit/auditentry/"


@pytest.fixture
def entries(whole_map):
    # The trail outlives a test's flush (the table is append-only): keep to this test's entries.
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    audit_event(LOGIN, user=whole_map.office_user)
    audit_event(EXPORT, user=whole_map.advisor_user, obj=whole_map.agreement, detail="工作台账-2026.xlsx")
    audit_event(LOGIN, user=whole_map.other_bureau_admin_user)
    audit_event("login_failed", result="failure", data={"username": whole_map.advisor_user.username})
    return {
        e.actor_username + ":" + e.event: e
        for e in AuditEntry.objects.filter(event__in=["login", "export", "login_failed"], pk__gt=before)
    }


@pytest.fixture
def bureau_admin_client(client, whole_map):
    role_groups_sync()
    client.force_login(whole_map.bureau_admin_user)
    return client


def changelist_ids(client, **query) -> set[int]:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return {entry.pk for entry in response.context["cl"].result_list}


def test_audit_admin_lists_the_bureaus_entries_only(bureau_admin_client, whole_map, entries):
    # Searched by name: the trail keeps earlier tests' entries, which could fill the first page.
    office, advisor, other = whole_map.office_user, whole_map.advisor_user, whole_map.other_bureau_admin_user

    assert entries[f"{office.username}:login"].pk in changelist_ids(bureau_admin_client, q=office.username)
    assert entries[f"{advisor.username}:login_failed"].pk in changelist_ids(
        bureau_admin_client, q=advisor.username
    )  # a failed login on their user
    assert entries[f"{other.username}:login"].pk not in changelist_ids(bureau_admin_client, q=other.username)


def test_audit_admin_search_finds_by_user_action_object_and_date(bureau_admin_client, whole_map, entries):
    export = entries[f"{whole_map.advisor_user.username}:export"]
    day = export.timestamp

    assert changelist_ids(bureau_admin_client, q=whole_map.advisor_user.username) >= {export.pk}
    assert export.pk not in changelist_ids(bureau_admin_client, q=whole_map.office_user.username)
    assert changelist_ids(bureau_admin_client, event__exact="export") == {export.pk}
    assert changelist_ids(bureau_admin_client, q=str(whole_map.agreement)) >= {export.pk}
    assert export.pk in changelist_ids(bureau_admin_client, object_type="advisors.agreement")
    assert export.pk in changelist_ids(
        bureau_admin_client, timestamp__year=day.year, timestamp__month=day.month, timestamp__day=day.day
    )


def test_audit_admin_opens_an_entry_read_only(bureau_admin_client, whole_map, entries):
    export = entries[f"{whole_map.advisor_user.username}:export"]

    response = bureau_admin_client.get(f"{CHANGELIST}{export.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "工作台账-2026.xlsx" in page
    assert 'name="_save"' not in page


def test_audit_admin_shows_the_diff_of_a_change(client, superuser, whole_map):
    agreement = whole_map.agreement
    agreement.end_reason = "顾问调离"
    agreement.save()
    entry = AuditEntry.objects.get_for_object(agreement).filter(event="update").latest("pk")
    client.force_login(superuser)

    page = client.get(f"{CHANGELIST}{entry.pk}/change/").content.decode()

    assert "终止原因" in page and "顾问调离" in page


@pytest.mark.parametrize("user", ["bureau_admin_user", "superuser"])
def test_audit_admin_is_read_only_even_for_a_superuser(client, request, whole_map, entries, user):
    role_groups_sync()
    client.force_login(request.getfixturevalue(user))
    entry = entries[f"{whole_map.office_user.username}:login"]

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{CHANGELIST}{entry.pk}/change/", {"detail": "篡改", "result": "failure"})
    client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.detail, entry.result) == ("", "success")


@pytest.mark.parametrize("user", ["bureau_staff_user", "office_user", "advisor_user", "liaison_user"])
def test_audit_admin_is_closed_to_every_other_role(client, request, whole_map, user):
    role_groups_sync()
    client.force_login(request.getfixturevalue(user))

    response = client.get(CHANGELIST)

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_audit_no_group_and_no_user_may_change_or_delete_audit_rows(whole_map):
    role_groups_sync()
    audit_perms = Permission.objects.filter(content_type__app_label__in=["audit", "auditlog"])

    writing = audit_perms.exclude(codename__startswith="view_")
    assert not writing.filter(content_type__app_label="audit").exists()  # not even defined
    assert not Group.objects.filter(permissions__in=writing).exists()
    assert not get_user_model().objects.filter(user_permissions__in=writing).exists()
    for user in get_user_model().objects.exclude(is_superuser=True):
        assert not user.has_perm("audit.change_auditentry") and not user.has_perm("audit.delete_auditentry")
