"""The trail is append-only in the database (triggers, migration audit/0002) and kept at least 180 days."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AppendOnlyError, AuditEntry
from audit.tasks import purge_audit_trail

pytestmark = pytest.mark.django_db


def entry_aged(days: int) -> AuditEntry:
    """An entry written `days` ago (the database's clock and the test's are the same: no time travel here)."""
    return AuditEntry.objects.create(
        action=AuditEntry.Action.ACCESS, event="export", timestamp=timezone.now() - timedelta(days=days)
    )


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint, so PostgreSQL goes on afterwards
        cursor.execute(sql, params)


@pytest.mark.parametrize("days", [0, 200])
def test_audit_database_refuses_update_of_an_audit_row(days):
    entry = entry_aged(days)

    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET detail = %s WHERE id = %s", ["篡改", entry.pk])

    entry.refresh_from_db()
    assert entry.detail == ""


def test_audit_database_refuses_delete_of_a_row_younger_than_180_days():
    young = entry_aged(179)

    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [young.pk])

    assert AuditEntry.objects.filter(pk=young.pk).exists()


def test_audit_database_refuses_delete_of_the_whole_table():
    entry_aged(1)

    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditentry WHERE id > %s", [0])

    assert AuditEntry.objects.exists()


def test_audit_database_lets_a_row_older_than_180_days_be_deleted():
    old = entry_aged(181)

    raw("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])

    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_audit_model_refuses_to_save_an_existing_row_or_delete_one():
    entry = entry_aged(0)

    entry.detail = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_audit_purge_deletes_only_rows_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    old, kept, recent = entry_aged(200), entry_aged(179), entry_aged(1)

    assert purge_audit_trail.delay().get() == 1

    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[kept.pk, recent.pk]).count() == 2
    purge = AuditEntry.objects.get(event="purge")
    assert purge.additional_data == {"deleted": 1, "retention_days": 180}


def test_audit_purge_follows_a_longer_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old, kept = entry_aged(400), entry_aged(200)

    call_command("purge_audit_trail")

    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_audit_purge_refuses_a_retention_shorter_than_180_days(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    entry = entry_aged(100)

    with pytest.raises(ImproperlyConfigured, match="180"):
        purge_audit_trail.delay()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_system_check_flags_a_retention_shorter_than_180_days(settings):
    from audit.checks import check_audit_retention

    settings.AUDIT_RETENTION_DAYS = 90

    assert [error.id for error in check_audit_retention(None)] == ["audit.E001"]


def test_audit_purge_is_scheduled_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["audit-purge"]["task"] == "audit.tasks.purge_audit_trail"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_audit_database_refuses_truncate_on_postgresql():
    entry_aged(1)

    with pytest.raises(DatabaseError, match="append-only"):
        raw("TRUNCATE audit_auditentry", [])

    assert AuditEntry.objects.exists()
