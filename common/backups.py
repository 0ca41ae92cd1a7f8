"""Backups of the configured database, and their restore (the `backup` and `restore` management commands).

PostgreSQL: `pg_dump --format=custom` (compressed; restored with `pg_restore`). SQLite (the embedded default): a
consistent copy through SQLite's online-backup API (safe while the site writes), gzip-compressed.
"""

import gzip
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（与服务器同一大版本）。")
    return path


def _pg_arguments(settings_dict: dict) -> tuple[list[str], dict]:
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{result.stderr.strip()}")


def backup(*, output_dir: Path, alias: str = "default") -> Path:
    """Write a backup of database `alias` into `output_dir`; returns the file."""
    connection = connections[alias]
    settings_dict = connection.settings_dict
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "postgresql":
        target = output_dir / f"{settings_dict['NAME']}-{stamp}.dump"
        arguments, environment = _pg_arguments(settings_dict)
        partial = target.with_suffix(".partial")
        command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", *arguments]
        _run([*command, settings_dict["NAME"]], environment)
        partial.replace(target)
        return target
    if connection.vendor == "sqlite":
        target = output_dir / f"{Path(str(settings_dict['NAME'])).stem or 'db'}-{stamp}.sqlite3.gz"
        connection.ensure_connection()
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "copy.sqlite3"
            destination = sqlite3.connect(copy)
            try:
                connection.connection.backup(destination)  # a consistent snapshot, even mid-write
            finally:
                destination.close()
            partial = target.with_suffix(".partial")
            with copy.open("rb") as source, gzip.open(partial, "wb") as packed:
                shutil.copyfileobj(source, packed)
            partial.replace(target)
        return target
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def restore(*, backup_file: Path, alias: str = "default") -> None:
    """Replace the content of database `alias` with `backup_file` (made by `backup` for the same vendor)."""
    if not backup_file.is_file():
        raise BackupError(f"备份文件不存在：{backup_file}")
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        if backup_file.name.endswith(".sqlite3.gz"):
            raise BackupError("这是 SQLite 的备份，不能恢复到 PostgreSQL。")
        arguments, environment = _pg_arguments(settings_dict)
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                f"--dbname={settings_dict['NAME']}",
                str(backup_file),
            ],
            environment,
        )
        return
    if connection.vendor == "sqlite":
        if not backup_file.name.endswith(".gz"):
            raise BackupError("SQLite 的备份应为 .sqlite3.gz 文件。")
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "copy.sqlite3"
            try:
                with gzip.open(backup_file, "rb") as packed, copy.open("wb") as unpacked:
                    shutil.copyfileobj(packed, unpacked)
                source = sqlite3.connect(copy)
                source.execute("PRAGMA schema_version").fetchone()  # fails on a file that is no database
            except (OSError, sqlite3.DatabaseError) as error:
                raise BackupError(f"无法读取备份文件：{error}") from error
            try:
                connection.ensure_connection()
                source.backup(connection.connection)  # page by page, replacing the whole database
            finally:
                source.close()
        return
    raise BackupError(f"不支持的数据库：{connection.vendor}")
