"""Every create, change and delete of the audited models is in the trail with who, where and what changed."""

import pytest
from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.apps import apps
from django.db import connection

from audit.apps import AUDITED_MODELS
from audit.models import AuditEntry
from tests.factories import UserFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

IP = "10.1.2.3"


def entries_of(obj, event: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.get_for_object(obj).filter(event=event).order_by("-pk"))


@pytest.mark.parametrize("label", list(AUDITED_MODELS))
def test_audit_registers_every_audited_model_with_auditlog(label):
    assert auditlog.contains(apps.get_model(label)), f"{label} is not audited"


def test_audit_agreement_change_records_the_diff_the_user_and_the_ip(whole_map):
    agreement = whole_map.agreement
    old_end = agreement.end_date

    with set_actor(whole_map.bureau_admin_user, remote_addr=IP):
        agreement.end_reason = "顾问调离"
        agreement.end_date = old_end.replace(month=6, day=30)
        agreement.save()

    [entry] = entries_of(agreement, "update")
    assert entry.actor_id == whole_map.bureau_admin_user.pk
    assert entry.actor_username == whole_map.bureau_admin_user.username
    assert entry.remote_addr == IP
    assert entry.changes["end_reason"] == ["", "顾问调离"]
    assert entry.changes["end_date"] == [str(old_end), str(agreement.end_date)]
    assert entry.object_repr == str(agreement)


def test_audit_agreement_create_and_delete_are_recorded(whole_map):
    from tests.factories import AgreementFactory

    agreement = AgreementFactory(advisor=whole_map.advisor, village=whole_map.vacant_village, status="draft")
    pk = agreement.pk
    agreement.delete()

    created = AuditEntry.objects.get(content_type__model="agreement", object_pk=str(pk), event="create")
    deleted = AuditEntry.objects.get(content_type__model="agreement", object_pk=str(pk), event="delete")
    assert created.changes["status"] == ["None", "draft"]
    assert deleted.object_repr


def test_audit_worklog_verify_over_http_records_the_status_change(client, whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, status="confirmed")
    client.force_login(whole_map.office_user)

    client.post(f"/logs/{log.pk}/verify/", REMOTE_ADDR=IP)

    log.refresh_from_db()
    assert log.status == "verified"
    [entry] = entries_of(log, "update")
    assert (entry.actor_id, entry.remote_addr) == (whole_map.office_user.pk, IP)
    assert entry.changes["status"] == ["confirmed", "verified"]


def test_audit_masks_personal_phone_numbers_in_the_diff(whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, object_phone="13812345678")

    log.object_phone = "13987654321"
    log.save()

    [entry] = entries_of(log, "update")
    assert entry.changes["object_phone"] == ["138****5678", "139****4321"]
    assert "13812345678" not in str(AuditEntry.objects.get_for_object(log).values_list("changes", flat=True))


def test_audit_user_changes_leave_out_the_password_and_last_login(db):
    user = UserFactory(username="zhangsan")

    user.set_password("Another@Mima2026")
    user.email = "new@example.cn"
    user.save()

    [entry] = entries_of(user, "update")
    assert set(entry.changes) == {"email"}
    [created] = entries_of(user, "create")
    assert "password" not in created.changes and "last_login" not in created.changes


def test_audit_deleting_a_user_keeps_their_entries_unchanged(client, office_user):
    client.force_login(office_user)
    entry = AuditEntry.objects.get(event="login", actor_id=office_user.pk)

    office_user.profile.delete()
    office_user.delete()

    with connection.cursor() as cursor:
        cursor.execute("SELECT actor_id, actor_username FROM audit_auditentry WHERE id = %s", [entry.pk])
        assert cursor.fetchone() == (entry.actor_id, "office")
