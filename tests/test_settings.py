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


CHECK = (
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', 'check'])"
)
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-production-key-for-the-test",
    "ALLOWED_HOSTS": "x.cn",
}


def test_production_without_a_shared_cache_is_refused_unless_single_process():
    refused = run_python(CHECK, DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)
    with_redis = run_python(
        CHECK, DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL="redis://127.0.0.1:6379/0", **PRODUCTION
    )
    single = run_python(CHECK, DJANGO_SETTINGS_MODULE="config.settings", SINGLE_PROCESS="1", **PRODUCTION)

    assert refused.returncode != 0 and "common.E001" in refused.stderr and "REDIS_URL" in refused.stderr
    assert with_redis.returncode == 0, with_redis.stderr
    assert single.returncode == 0, single.stderr


def test_the_embedded_sqlite_waits_its_turn_instead_of_failing():
    code = (
        SETUP
        + "; from django.conf import settings as s; import json; print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    result = run_python(code)

    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_the_benchmarks_are_installed_only_for_development_or_when_asked():
    code = SETUP + "; from django.apps import apps; print(apps.is_installed('benchmarks'))"
    production = {**PRODUCTION, "SINGLE_PROCESS": "1"}

    assert run_python(code).stdout.split()[-1] == "True"  # the embedded default is development
    assert run_python(code, **production).stdout.split()[-1] == "False"
    assert run_python(code, BENCHMARKS="1", **production).stdout.split()[-1] == "True"


def test_every_setting_the_code_reads_is_declared_in_the_settings_module():
    """No setting read with getattr(settings, NAME, default): its default would hide from config/settings.py."""
    readers = [
        path
        for path in PROJECT_ROOT.rglob("*.py")
        if not {".venv", "tests", "node_modules"} & set(path.relative_to(PROJECT_ROOT).parts)
        and "getattr(settings," in path.read_text(encoding="utf-8")
    ]
    assert readers == []
