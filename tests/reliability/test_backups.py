"""Backups: `manage.py backup` writes a compressed copy of the database and `manage.py restore` puts it
into a database; restored into a FRESH one (a new SQLite file; on PostgreSQL a new database), the same rows are
there. The restore runs in a separate process configured for the fresh database, as an operator would run it."""

import gzip
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import WorkLog
from tests.factories import WorkLogFactory
from tests.test_settings import PROJECT_ROOT, SETTINGS_VARIABLES

NAMES = ["村民甲", "村民乙", "村民丙"]


def make_rows(agreement) -> None:
    for name in NAMES:
        WorkLogFactory(agreement=agreement, object_name=name)


def backup_into(directory: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(directory), stdout=out)
    return Path(out.getvalue().strip())


def restore_in_a_new_process(backup_file: Path, database_url: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    environment.update(DATABASE_URL=database_url, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_file), "--noinput"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default's backup")
@pytest.mark.django_db(transaction=True)
def test_backup_of_sqlite_restores_into_a_fresh_database_with_the_same_rows(tmp_path, agreement):
    make_rows(agreement)

    backup_file = backup_into(tmp_path / "backups")
    fresh = tmp_path / "fresh.sqlite3"
    result = restore_in_a_new_process(backup_file, f"sqlite:///{fresh}")

    assert result.returncode == 0, result.stderr
    assert backup_file.name.endswith(".sqlite3.gz")
    with gzip.open(backup_file) as packed:
        assert packed.read(16) == b"SQLite format 3\x00"  # compressed
    with sqlite3.connect(fresh) as restored:
        names = [row[0] for row in restored.execute("SELECT object_name FROM ledger_worklog ORDER BY id")]
    assert names == NAMES


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_backup_of_postgresql_restores_into_a_fresh_database_with_the_same_rows(tmp_path, agreement):
    import psycopg

    make_rows(agreement)
    backup_file = backup_into(tmp_path)
    settings = connection.settings_dict
    fresh = f"restore_test_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        url = f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{fresh}"
        result = restore_in_a_new_process(backup_file, url)

        assert result.returncode == 0, result.stderr
        with psycopg.connect(dbname=fresh, **server) as restored:
            rows = restored.execute("SELECT object_name FROM ledger_worklog ORDER BY id").fetchall()
        assert [row[0] for row in rows] == NAMES
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / (
        "not-a-backup.dump" if connection.vendor == "postgresql" else "not-a-backup.sqlite3.gz"
    )
    bogus.write_bytes(b"hello")

    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--noinput")

    assert WorkLog.objects.count() == 0  # nothing touched
