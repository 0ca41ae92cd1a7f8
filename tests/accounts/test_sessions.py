"""Sessions: 30 minutes idle, 12 hours from login at most; logging out and deactivating a user end their sessions
on the server."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

import config.settings as project_settings
from accounts.models import UserSession
from accounts.services import role_groups_sync
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
START = datetime(2026, 6, 15, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def production_session_limits(settings):
    """The project's limits (tests/conftest.py lengthens them for the other tests' time travel)."""
    settings.SESSION_COOKIE_AGE = project_settings.SESSION_COOKIE_AGE
    settings.SESSION_ABSOLUTE_HOURS = project_settings.SESSION_ABSOLUTE_HOURS


def log_in(client, username: str = "office") -> None:
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_session_settings_are_thirty_minutes_idle_and_twelve_hours_absolute():
    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_ABSOLUTE_HOURS == 12


def test_session_ends_after_thirty_minutes_idle(client, office_user, production_session_limits):
    with time_machine.travel(START, tick=False):
        log_in(client)
    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity moves the limit on
    with time_machine.travel(START + timedelta(minutes=58), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(START + timedelta(minutes=89), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_session_ends_twelve_hours_after_login_however_active(client, office_user, production_session_limits):
    with time_machine.travel(START, tick=False):
        log_in(client)
    for step in range(1, 25):  # a request every 29 minutes: never idle
        with time_machine.travel(START + timedelta(minutes=29 * step), tick=False):
            assert client.get("/").status_code == 200, step  # up to 11 h 36 min
    with time_machine.travel(START + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/villages/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN_URL}?next=/villages/"
        assert "登录已超过 12 小时" in client.get(response["Location"]).content.decode()
        assert SESSION_KEY not in client.session
        log_in(client)  # a fresh login starts a fresh 12 hours
        assert client.get("/villages/").status_code == 200


def test_logout_ends_the_session_on_the_server(client, office_user):
    log_in(client)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie no longer opens anything.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions_on_the_server(office_user, bureau_admin_user):
    phone, desk, other = Client(), Client(), Client()
    log_in(phone)
    log_in(desk)
    log_in(other, "bureau_admin")
    keys = [phone.session.session_key, desk.session.session_key]
    assert Session.objects.filter(session_key__in=keys).count() == 2

    office_user.is_active = False
    office_user.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert phone.get("/").status_code == 302
    assert other.get("/").status_code == 200  # another user's session stays


def test_deactivating_a_user_in_the_admin_ends_their_sessions_on_the_server(client, whole_map):
    role_groups_sync()
    office = whole_map.office_user
    phone = Client()
    log_in(phone)
    key = phone.session.session_key
    client.force_login(whole_map.bureau_admin_user)
    profile = office.profile
    form = {
        "username": office.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(office.pk),
        "profile-0-role": profile.role,
        "profile-0-bureau": str(profile.bureau_id),
        "profile-0-township": str(profile.township_id),
        "profile-0-full_name": profile.full_name,
        "profile-0-phone": "",
    }  # no "is_active": unticked

    response = client.post(f"/admin/auth/user/{office.pk}/change/", form)

    assert response.status_code == 302
    office.refresh_from_db()
    assert not office.is_active
    assert not Session.objects.filter(session_key=key).exists()
    assert phone.get("/").status_code == 302
