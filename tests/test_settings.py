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


# --- more than one machine (README "Deployment beyond one machine") ---

PRINT_DEPLOYMENT = (
    SETUP
    + "; import json; from django.conf import settings as s; from django.core.files.storage import storages; "
    + "from django.urls import resolve; d, p = storages['default'], storages['private']; print(json.dumps({"
    + "'SESSION_ENGINE': s.SESSION_ENGINE, 'CACHE': s.CACHES['default']['BACKEND'], "
    + "'STORAGES': {k: v['BACKEND'] for k, v in s.STORAGES.items()}, "
    + "'REPLICA': s.REPLICA_DATABASE, 'DATABASES': {k: {'NAME': v['NAME'], 'MIRROR': v['TEST'].get('MIRROR'), "
    + "'ATOMIC_REQUESTS': v.get('ATOMIC_REQUESTS', False), 'OPTIONS': v.get('OPTIONS', {}).get('options')} "
    + "for k, v in s.DATABASES.items()}, "
    + "'buckets': [getattr(d, 'bucket_name', None), getattr(p, 'bucket_name', None)], "
    + "'endpoint': getattr(p, 'endpoint_url', None), 'addressing': getattr(p, 'addressing_style', None), "
    + "'overwrite': getattr(p, 'file_overwrite', None), "
    + "'public_url': d.url('advisors/photos/张明.jpg'), 'private_url': p.url('agreements/2026/协议.pdf'), "
    + "'private_view': resolve(p.url('agreements/2026/协议.pdf')).url_name}))"
)
S3 = {
    "S3_PUBLIC_BUCKET": "cunju-public",
    "S3_PRIVATE_BUCKET": "cunju-private",
    # Nothing answers here: building the storages and their URLs must not reach the network.
    "S3_ENDPOINT_URL": "http://192.0.2.1:9000",
    "S3_ACCESS_KEY_ID": "cunju",
    "S3_SECRET_ACCESS_KEY": "a-secret-for-the-test",
    "S3_ADDRESSING_STYLE": "path",
}


def deployment(**env: str) -> dict:
    result = run_python(PRINT_DEPLOYMENT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_machine_keeps_sessions_in_the_database_files_on_disk_and_no_replica():
    config = deployment()

    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert (
        config["STORAGES"]["default"]
        == config["STORAGES"]["private"]
        == ("django.core.files.storage.FileSystemStorage")
    )
    assert config["REPLICA"] == "" and list(config["DATABASES"]) == ["default"]
    assert config["private_url"] == "/private/agreements/2026/%E5%8D%8F%E8%AE%AE.pdf"


def test_redis_holds_the_cache_and_the_sessions_backed_by_the_database():
    config = deployment(REDIS_URL="redis://127.0.0.1:6379/0")

    assert config["CACHE"] == "common.cache.TolerantRedisCache"
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_s3_buckets_take_the_uploads_with_the_sites_own_urls():
    config = deployment(**S3)

    assert (
        config["STORAGES"]["default"] == config["STORAGES"]["private"] == "common.storage.SiteServedS3Storage"
    )
    assert config["STORAGES"]["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert config["buckets"] == ["cunju-public", "cunju-private"]
    assert (config["endpoint"], config["addressing"], config["overwrite"]) == (
        "http://192.0.2.1:9000",
        "path",
        False,
    )
    # Public files under MEDIA_URL (the proxy forwards it to the public bucket); private ones through the scoped view.
    assert config["public_url"] == "/media/advisors/photos/%E5%BC%A0%E6%98%8E.jpg"
    assert config["private_url"] == "/private/agreements/2026/%E5%8D%8F%E8%AE%AE.pdf"
    assert config["private_view"] == "agreement_scan"


@pytest.mark.parametrize(
    "buckets",
    [
        {"S3_PUBLIC_BUCKET": "cunju-public"},
        {"S3_PRIVATE_BUCKET": "cunju-private"},
        {"S3_PUBLIC_BUCKET": "cunju", "S3_PRIVATE_BUCKET": "cunju"},
    ],
)
def test_s3_needs_two_distinct_buckets(buckets):
    result = run_python(SETUP, **buckets)

    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and "S3_" in result.stderr


def test_a_replica_url_adds_a_read_only_replica_alias_that_mirrors_default_in_test_runs():
    config = deployment(
        DATABASE_URL="postgres://cunju:pw@primary:5432/cunju",
        DATABASE_REPLICA_URL="postgres://cunju:pw@replica:5432/cunju",
    )

    assert config["REPLICA"] == "replica"
    assert config["DATABASES"]["default"]["ATOMIC_REQUESTS"] is True
    assert config["DATABASES"]["replica"] == {
        "NAME": "cunju",
        "MIRROR": "default",
        "ATOMIC_REQUESTS": False,
        "OPTIONS": "-c default_transaction_read_only=on",
    }
