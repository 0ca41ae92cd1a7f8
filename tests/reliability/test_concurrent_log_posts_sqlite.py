"""The embedded default (a SQLite file) holds a handful of people at once: five phones posting the same log at the
same moment make one log and no error (WAL, a busy timeout and transactions that take the write lock when they
begin, config/settings.py). Before, four of the five got a 500 "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif((PROJECT_ROOT / ".env").exists(), reason="a local .env file would feed the settings")
def test_five_identical_log_posts_at_once_make_one_log_and_no_error(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        PYTHONIOENCODING="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.concurrent_log_posts"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["rows"] == 1
    assert len(outcome["statuses"]) == 5
    assert all(status == 302 for status in outcome["statuses"]), outcome  # the log's page, four as replays
