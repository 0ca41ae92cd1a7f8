"""Login lockout (django-axes): five failures in a row lock a username for 30 minutes, with one message that does not
tell whether the account exists; the bureau admin lifts it; every attempt is logged."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY

from accounts.services import role_groups_sync
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOCKED = "登录失败次数过多，该账号已被暂时锁定 30 分钟"
START = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def attempt(client, username: str, password: str = "wrong-password", ip: str = "10.1.2.3"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def same_page(a: str, b: str) -> bool:
    """Equal but for the CSRF token."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    return token.sub("", a) == token.sub("", b)


def fail_times(client, username: str, times: int, **kwargs):
    return [attempt(client, username, **kwargs) for _ in range(times)][-1]


def test_lockout_locks_a_username_for_thirty_minutes_after_five_consecutive_failures(client, office_user):
    with time_machine.travel(START, tick=False):
        fourth = fail_times(client, "office", 4)
        assert fourth.status_code == 200
        assert LOCKED not in fourth.content.decode()

        fifth = attempt(client, "office")
        assert fifth.status_code == 429
        page = fifth.content.decode()
        assert LOCKED in page
        assert 'value="office"' in page  # the login form again, with what was typed
        # Even the right password does not open a locked account.
        right = attempt(client, "office", PASSWORD)
        assert right.status_code == 429
        assert SESSION_KEY not in client.session

    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        assert attempt(client, "office", PASSWORD).status_code == 429
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        assert attempt(client, "office", PASSWORD).status_code == 302
        assert client.session[SESSION_KEY] == str(office_user.pk)


def test_lockout_counts_only_consecutive_failures(client, office_user):
    fail_times(client, "office", 4)
    assert attempt(client, "office", PASSWORD).status_code == 302
    client.logout()

    fourth = fail_times(client, "office", 4)

    assert fourth.status_code == 200
    assert attempt(client, "office", PASSWORD).status_code == 302


def test_lockout_is_per_username_whatever_the_address(client, office_user, bureau_admin_user):
    for n in range(5):
        last = attempt(client, "office", ip=f"10.0.0.{n + 1}")

    assert last.status_code == 429
    assert attempt(client, "office", PASSWORD, ip="10.9.9.9").status_code == 429
    # Another account is not affected.
    assert attempt(client, "bureau_admin", PASSWORD, ip="10.0.0.1").status_code == 302


def test_lockout_message_does_not_reveal_whether_the_account_exists(client, office_user):
    existing = fail_times(client, "office", 5).content.decode()
    missing = fail_times(client, "nobody-here", 5).content.decode()

    assert LOCKED in existing
    assert LOCKED in missing
    assert same_page(existing.replace("office", "X"), missing.replace("nobody-here", "X"))
    wrong = attempt(client, "someone-else").content.decode()
    assert "请输入一个正确的用户名和密码" in wrong


def test_lockout_can_be_lifted_by_the_bureau_admin_from_the_user_list(client, whole_map):
    role_groups_sync()
    fail_times(client, "office", 5)
    assert attempt(client, "office", PASSWORD).status_code == 429
    admin_client = client.__class__()
    admin_client.force_login(whole_map.bureau_admin_user)

    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "unlock_accounts", "_selected_action": [str(whole_map.office_user.pk)]},
        follow=True,
    )

    assert "已解除 1 条锁定" in response.content.decode()
    assert attempt(client, "office", PASSWORD).status_code == 302


def test_lockout_can_be_lifted_by_the_bureau_admin_from_the_lockout_list(client, whole_map):
    role_groups_sync()
    fail_times(client, "office", 5)
    fail_times(client, "other_bureau_admin", 5)
    admin_client = client.__class__()
    admin_client.force_login(whole_map.bureau_admin_user)

    page = admin_client.get("/admin/accounts/loginlock/").content.decode()
    assert "office" in page
    assert "other_bureau_admin" not in page  # another bureau's account
    lock = AccessAttempt.objects.get(username="office")
    admin_client.post(
        "/admin/accounts/loginlock/", {"action": "unlock", "_selected_action": [str(lock.pk)]}, follow=True
    )

    assert not AccessAttempt.objects.filter(username="office").exists()
    assert AccessAttempt.objects.filter(username="other_bureau_admin").exists()
    assert attempt(client, "office", PASSWORD).status_code == 302


def test_lockout_logs_every_login_attempt(client, office_user):
    attempt(client, "office")
    attempt(client, "nobody-here")
    attempt(client, "office", PASSWORD)

    failures = list(AccessFailureLog.objects.order_by("attempt_time").values_list("username", "ip_address"))
    assert failures == [("office", "10.1.2.3"), ("nobody-here", "10.1.2.3")]
    assert list(AccessLog.objects.values_list("username", "ip_address")) == [("office", "10.1.2.3")]


def test_lockout_leaves_the_test_clients_login_working(client, office_user):
    assert not client.login(username="office", password="wrong-password")
    assert client.login(username="office", password=PASSWORD)
    assert client.get("/").status_code == 200
