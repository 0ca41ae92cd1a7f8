"""The password policy (等保 身份鉴别): strength, Chinese messages, 90-day age, and a password an admin sets must be
changed at the first login."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import PasswordState, Role
from accounts.services import role_groups_sync, user_create_with_role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
CHANGE_URL = "/accounts/password_change/"
STRONG = "Qiang#Mima-2026x"


def errors_of(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def log_in(client, username: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": next_url})


# --- strength ---


def test_password_policy_requires_at_least_ten_characters():
    assert any("至少需要 10 个字符" in e for e in errors_of("Ab#9xq7Lm"))  # 9 characters
    assert errors_of("Ab#9xq7Lmz") == []  # 10


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("xinmimaqiangda", False),  # lower case only
        ("xinmimaqiang2026", False),  # two classes
        ("XINMIMA-qiang", True),  # upper, lower, symbol
        ("xinmima#2026ab", True),  # lower, digit, symbol
        ("XinMima2026ab", True),  # upper, lower, digit
        ("新密码xinmima2026", True),  # a Chinese character counts as a symbol
    ],
)
def test_password_policy_requires_three_character_classes(password, accepted):
    refused = any("至少 3 类" in e for e in errors_of(password))

    assert refused is not accepted


def test_password_policy_refuses_a_common_password():
    assert any("太常见" in e for e in errors_of("Password123!"))


def test_password_policy_refuses_a_password_like_the_username():
    user = get_user_model()(username="zhangwei2026", first_name="伟", last_name="张")

    assert any("与用户名" in e for e in errors_of("Zhangwei2026#", user))
    assert any("与用户名" in e for e in errors_of("Zhangwei#2026x", get_user_model()(username="zhangwei")))
    assert errors_of(STRONG, user) == []


def test_password_policy_speaks_chinese_in_every_message_and_help_text():
    from django.contrib.auth.password_validation import password_validators_help_texts

    messages = errors_of("123", get_user_model()(username="123"))
    texts = messages + password_validators_help_texts()

    assert len(messages) >= 4
    assert all(not any("a" <= c.lower() <= "z" for c in text) for text in texts), texts


def test_password_policy_applies_on_the_password_change_page(client, advisor_user):
    client.force_login(advisor_user)

    response = client.post(
        CHANGE_URL,
        {"old_password": PASSWORD, "new_password1": "xinmimaqiang2026", "new_password2": "xinmimaqiang2026"},
    )

    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    advisor_user.refresh_from_db()
    assert advisor_user.check_password(PASSWORD)


# --- temporary passwords ---


def test_password_set_by_user_create_with_role_must_be_changed_at_first_login(client, bureau):
    user_create_with_role(username="xiaowang", password=PASSWORD, role=Role.BUREAU_STAFF, bureau=bureau)

    response = log_in(client, "xiaowang", next_url="/villages/")

    assert response["Location"] == "/villages/"
    gated = client.get("/villages/")
    assert gated.status_code == 302
    assert gated["Location"] == f"{CHANGE_URL}?next=%2Fvillages%2F"
    page = client.get(gated["Location"]).content.decode()
    assert "您的密码由管理员设置" in page
    assert client.get("/").status_code == 302  # every page, until the password is changed
    assert client.get("/admin/").status_code == 302

    changed = client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )

    assert changed.status_code == 302
    assert client.get("/villages/").status_code == 200
    state = PasswordState.objects.get(user__username="xiaowang")
    assert not state.must_change


def test_password_gate_lets_through_only_the_password_page_logout_and_static_files(client, bureau):
    user_create_with_role(username="xiaowang", password=PASSWORD, role=Role.BUREAU_STAFF, bureau=bureau)
    log_in(client, "xiaowang")

    assert client.get(CHANGE_URL).status_code == 200
    assert client.get("/static/css/app.css").status_code != 302  # not sent to the password page
    assert client.get("/notifications/").status_code == 302
    assert client.get("/public/").status_code == 302
    assert client.post("/accounts/logout/")["Location"] == LOGIN_URL
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(LOGIN_URL)


def test_password_set_by_an_admin_when_adding_a_user_must_be_changed_at_first_login(client, whole_map):
    role_groups_sync()
    client.force_login(whole_map.bureau_admin_user)
    form = {
        "username": "xinyonghu",
        "usable_password": "true",
        "password1": STRONG,
        "password2": STRONG,
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-role": Role.BUREAU_STAFF,
        "profile-0-bureau": str(whole_map.bureau.pk),
        "profile-0-township": "",
        "profile-0-full_name": "新用户",
        "profile-0-phone": "",
    }

    response = client.post("/admin/auth/user/add/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert PasswordState.objects.get(user__username="xinyonghu").must_change
    client.logout()
    log_in(client, "xinyonghu", STRONG)
    assert client.get("/")["Location"].startswith(CHANGE_URL)


def test_password_reset_by_an_admin_must_be_changed_at_next_login(client, whole_map):
    role_groups_sync()
    office = whole_map.office_user
    client.force_login(whole_map.bureau_admin_user)

    response = client.post(
        f"/admin/auth/user/{office.pk}/password/",
        {"usable_password": "true", "password1": STRONG, "password2": STRONG},
    )

    assert response.status_code == 302
    assert PasswordState.objects.get(user=office).must_change
    client.logout()
    log_in(client, "office", STRONG)
    assert client.get("/")["Location"].startswith(CHANGE_URL)


# --- age ---


def test_password_expires_after_password_max_age_days(client, office_user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    start = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    PasswordState.objects.filter(user=office_user).update(changed_at=start)

    with time_machine.travel(start + timedelta(days=89), tick=False):
        log_in(client, "office")
        assert client.get("/").status_code == 200
        client.logout()
    with time_machine.travel(start + timedelta(days=90), tick=False):
        log_in(client, "office")
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith(CHANGE_URL)
        assert "已超过 90 天未修改" in response.content.decode()
        client.post(CHANGE_URL, {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG})
        assert client.get("/").status_code == 200


def test_password_max_age_of_zero_never_expires(client, office_user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    PasswordState.objects.filter(user=office_user).update(
        changed_at=datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    )

    log_in(client, "office")

    assert client.get("/").status_code == 200


# --- who is not forced ---


def test_password_policy_does_not_force_the_test_personas(client, whole_map):
    for persona in (
        "bureau_admin_user",
        "office_user",
        "advisor_user",
        "liaison_user",
        "stranger",
        "superuser",
    ):
        user = getattr(whole_map, persona)
        client.logout()
        assert log_in(client, user.username).status_code == 302, persona
        assert client.get("/").status_code == 200, persona


def test_password_policy_does_not_force_the_demo_users(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    PasswordState.objects.filter(user__username="admin").update(must_change=True)
    call_command("seed_demo", stdout=StringIO())  # seeding again leaves the demo logins usable

    for username in ("admin", "bureau", "office", "advisor", "advisor2", "liaison"):
        client.logout()
        assert log_in(client, username, settings.DEMO_PASSWORD).status_code == 302, username
        assert client.get("/").status_code == 200, username


def test_password_state_is_kept_for_every_new_user(db):
    user = get_user_model().objects.create_user(username="xinren", password=STRONG)

    state = PasswordState.objects.get(user=user)

    assert not state.must_change
    assert state.changed_at is not None


def test_password_age_restarts_when_the_user_changes_it_on_any_page(client, whole_map):
    role_groups_sync()
    admin_user = whole_map.bureau_admin_user
    PasswordState.objects.filter(user=admin_user).update(
        changed_at=datetime(2026, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    client.force_login(admin_user)

    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )

    assert response.status_code == 302, response
    assert response["Location"] == "/admin/password_change/done/"
    state = PasswordState.objects.get(user=admin_user)
    assert state.changed_at.date() > datetime(2026, 5, 1).date()
    assert not state.must_change
