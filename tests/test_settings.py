"""config.settings read from the environment: production refuses to start half-configured; nothing set is the
embedded default. Each case starts a fresh interpreter, because settings are read once, at import."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); django.setup()"

PRINT_DEFAULTS = (
    SETUP
    + "; import json; from django.conf import settings as s; print(json.dumps({"
    + "'LANGUAGE_CODE': s.LANGUAGE_CODE, 'TIME_ZONE': s.TIME_ZONE, 'USE_TZ': s.USE_TZ, 'DEBUG': s.DEBUG, "
    + "'CELERY_TASK_ALWAYS_EAGER': s.CELERY_TASK_ALWAYS_EAGER, 'CELERY_BROKER_URL': s.CELERY_BROKER_URL, "
    + "'DATABASE_ENGINE': s.DATABASES['default']['ENGINE']}))"
)

# Variables the settings read; none of them may leak in from the shell running the tests.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process; fails `check --deploy`
    # Every name config/settings.py reads with env(...), env.bool(...), env.int(...) and the like.
    *re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', (PROJECT_ROOT / "config" / "settings.py").read_text()),
}

pytestmark = pytest.mark.skipif(
    (PROJECT_ROOT / ".env").exists(), reason="a local .env file would feed the settings under test"
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    environment.update(env, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_python(SETUP, DEBUG="False", ALLOWED_HOSTS="fazhi.example.cn")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_in_production_without_allowed_hosts():
    result = run_python(SETUP, DEBUG="False", SECRET_KEY="a-long-random-production-key-for-the-test")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_it_starts_in_production_with_a_secret_key_and_allowed_hosts():
    result = run_python(
        SETUP,
        DEBUG="False",
        SECRET_KEY="a-long-random-production-key-for-the-test",
        ALLOWED_HOSTS="fazhi.example.cn",
    )

    assert result.returncode == 0, result.stderr


def test_it_defaults_to_chinese_shanghai_time_and_in_process_tasks_when_nothing_is_set():
    result = run_python(PRINT_DEFAULTS)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "LANGUAGE_CODE": "zh-hans",
        "TIME_ZONE": "Asia/Shanghai",
        "USE_TZ": True,
        "DEBUG": True,
        "CELERY_TASK_ALWAYS_EAGER": True,
        "CELERY_BROKER_URL": "memory://",
        "DATABASE_ENGINE": "django.db.backends.sqlite3",
    }
