"""Transport, headers, deployment (等保2.0 通信传输 / 入侵防范): production passes Django's deploy check;
every page carries a Content-Security-Policy without inline script, no framing, nosniff and a Referrer-Policy; pages
for a signed-in person are never stored by a browser or proxy."""

import re
import secrets

import pytest
from django.urls import reverse

from tests.test_settings import PROJECT_ROOT, run_python

TEMPLATES = PROJECT_ROOT / "templates"
# Rendered by WeasyPrint into PDF, never sent to a browser as HTML: their <style> blocks are not under the CSP.
PDF_TEMPLATES = {"ledger/pdf", "imports/pdf", "publicity/poster.html"}

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "fazhi.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://fazhi.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # production has a shared cache (system check common.E001)
}


@pytest.mark.skipif(
    (PROJECT_ROOT / ".env").exists(), reason="a local .env file would feed the settings under test"
)
def test_production_settings_pass_the_deploy_check():
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run_python(code, DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    (PROJECT_ROOT / ".env").exists(), reason="a local .env file would feed the settings under test"
)
def test_production_settings_redirect_to_https_with_hsts_and_secure_cookies():
    code = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup(); from django.conf import settings as s; print(json.dumps({name: getattr(s, name) for name in "
        "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', "
        "'CSRF_TRUSTED_ORIGINS']}))"
    )
    result = run_python(code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        '{"SECURE_SSL_REDIRECT": true, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": true, '
        '"SESSION_COOKIE_SECURE": true, "CSRF_COOKIE_SECURE": true, "SESSION_COOKIE_HTTPONLY": true, '
        '"SESSION_COOKIE_SAMESITE": "Lax", "CSRF_COOKIE_SAMESITE": "Lax", '
        '"CSRF_TRUSTED_ORIGINS": ["https://fazhi.example.cn"]}'
    )


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_content_security_policy_allows_no_inline_script_and_no_framing(client, office_user):
    client.force_login(office_user)

    directives = _directives(client.get(reverse("ledger:worklog_list")))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)


def test_content_security_policy_covers_the_public_pages_too(client, village):
    response = client.get(reverse("publicity:home"))

    assert _directives(response)["script-src"] == ["'self'"]


def _served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not any(relative.startswith(prefix) for prefix in PDF_TEMPLATES):
            yield relative, path.read_text(encoding="utf-8")


def test_templates_have_no_inline_script_event_handler_or_style():
    """The CSP would block them: scripts live in static/js, styles in static/css."""
    offences = []
    for name, text in _served_templates():
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"<style\b",
            r"javascript:",
        ):
            offences += [f"{name}: {match}" for match in re.findall(pattern, text, flags=re.IGNORECASE)]

    assert offences == []


def test_every_response_says_nosniff_same_origin_referrer_and_deny_framing(client, advisor_user):
    client.force_login(advisor_user)

    response = client.get(reverse("home"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_for_a_signed_in_person_are_not_stored(client, advisor_user):
    client.force_login(advisor_user)

    for url in (reverse("home"), reverse("ledger:worklog_list"), reverse("notifications:list")):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_public_pages_for_anonymous_visitors_keep_their_own_caching(client, village):
    response = client.get(reverse("publicity:home"))

    assert "no-store" not in response.get("Cache-Control", "")
