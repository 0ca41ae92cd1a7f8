"""Two-factor login (TOTP, django-otp): every staff user may set it up; a user with a device gives a code at login;
with REQUIRE_2FA on, bureau admins and the admin site need it."""

import re
from time import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import role_groups_sync
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
SETUP_URL = "/accounts/two-factor/"
VERIFY_URL = "/accounts/two-factor/verify/"


def code_for(key_hex: str) -> str:
    """The code an authenticator app shows now."""
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def log_in(client, username: str, next_url: str = ""):
    return client.post(LOGIN_URL, {"username": username, "password": PASSWORD, "next": next_url})


def offered_key(client) -> str:
    """The secret the set-up page offers (kept in the session until confirmed)."""
    return client.session["security.otp_key"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1000000:06d}"


@pytest.mark.parametrize("persona", ["bureau_admin_user", "bureau_staff_user", "office_user"])
def test_two_factor_setup_page_shows_staff_a_qr_code_and_the_secret(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(SETUP_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page  # the otpauth:// URI as a QR code, inline
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert not TOTPDevice.objects.exists()  # nothing until it is confirmed


@pytest.mark.parametrize("persona", ["advisor_user", "liaison_user", "stranger"])
def test_two_factor_setup_is_not_offered_outside_the_staff_roles(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(SETUP_URL).status_code == 404
    assert "两步验证" not in client.get("/").content.decode()


def test_two_factor_setup_is_active_only_after_a_code_confirms_it(client, office_user):
    client.force_login(office_user)
    assert 'href="/accounts/two-factor/"' in client.get("/").content.decode()
    client.get(SETUP_URL)
    key = offered_key(client)
    good = code_for(key)

    refused = client.post(SETUP_URL, {"code": wrong(good)})
    assert refused.status_code == 200
    assert "验证码不正确" in refused.content.decode()
    assert not TOTPDevice.objects.exists()
    assert offered_key(client) == key  # the same secret, the phone already has it

    response = client.post(SETUP_URL, {"code": good}, follow=True)

    device = TOTPDevice.objects.get(user=office_user)
    assert device.confirmed and device.key == key
    assert "两步验证已启用" in response.content.decode()
    assert "已启用两步验证" in client.get(SETUP_URL).content.decode()


def test_two_factor_login_asks_for_the_code_in_a_second_step(client, office_user):
    device = device_for(office_user)

    response = log_in(client, "office", next_url="/villages/")
    assert response["Location"] == "/villages/"
    gated = client.get("/villages/")
    assert gated["Location"] == f"{VERIFY_URL}?next=%2Fvillages%2F"
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/accounts/password_change/").status_code == 302
    page = client.get(gated["Location"]).content.decode()
    assert "请输入手机验证器上的 6 位验证码" in page

    refused = client.post(VERIFY_URL, {"code": wrong(code_for(device.key)), "next": "/villages/"})
    assert "验证码不正确或已过期" in refused.content.decode()
    assert client.get("/").status_code == 302
    # Each failure makes the device wait longer before it takes another code (1 s, 2 s, 4 s...).
    blocked = client.post(VERIFY_URL, {"code": code_for(device.key), "next": "/villages/"})
    assert blocked.status_code == 200

    with time_machine.travel(time() + 2):
        accepted = client.post(VERIFY_URL, {"code": code_for(device.key), "next": "/villages/"})

        assert accepted["Location"] == "/villages/"
        assert client.get("/villages/").status_code == 200
        assert client.get("/").status_code == 200


def test_two_factor_code_is_used_once(client, office_user):
    device = device_for(office_user)
    code = code_for(device.key)
    log_in(client, "office")
    client.post(VERIFY_URL, {"code": code})
    client.post("/accounts/logout/")

    log_in(client, "office")
    replay = client.post(VERIFY_URL, {"code": code})

    assert "验证码不正确或已过期" in replay.content.decode()
    assert client.get("/").status_code == 302


def test_two_factor_verify_page_is_not_found_without_a_device(client, office_user):
    client.force_login(office_user)

    assert client.get(VERIFY_URL).status_code == 404


def test_two_factor_is_required_for_bureau_admins_when_require_2fa_is_on(client, whole_map, settings):
    settings.REQUIRE_2FA = True

    log_in(client, "bureau_admin")
    gated = client.get("/")
    assert gated["Location"] == f"{SETUP_URL}?next=%2F"
    assert "需要先启用两步验证" in client.get(gated["Location"]).content.decode()
    client.get(SETUP_URL)
    client.post(SETUP_URL, {"code": code_for(offered_key(client)), "next": "/"})
    assert client.get("/").status_code == 200

    # Next time: the code after the password, before anything else.
    client.post("/accounts/logout/")
    log_in(client, "bureau_admin")
    assert client.get("/")["Location"].startswith(VERIFY_URL)


def test_two_factor_is_optional_for_other_staff_when_require_2fa_is_on(client, whole_map, settings):
    settings.REQUIRE_2FA = True

    log_in(client, "office")

    assert client.get("/").status_code == 200


def test_two_factor_is_not_required_when_require_2fa_is_off(client, whole_map, settings):
    settings.REQUIRE_2FA = False

    log_in(client, "bureau_admin")

    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_two_factor_admin_site_requires_a_verified_device_when_require_2fa_is_on(client, whole_map, settings):
    settings.REQUIRE_2FA = True
    role_groups_sync()
    device = device_for(whole_map.superuser)

    log_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)
    client.post(VERIFY_URL, {"code": code_for(device.key)})

    assert client.get("/admin/").status_code == 200


def test_two_factor_is_reset_by_the_bureau_admin_for_a_lost_phone(client, whole_map):
    role_groups_sync()
    device_for(whole_map.office_user)
    device_for(whole_map.other_bureau_admin_user)
    client.force_login(whole_map.bureau_admin_user)

    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [str(whole_map.office_user.pk)]},
        follow=True,
    )

    assert "已重置两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=whole_map.office_user).exists()
    assert TOTPDevice.objects.filter(user=whole_map.other_bureau_admin_user).exists()


def test_two_factor_is_not_asked_of_the_test_personas(client, whole_map):
    client.force_login(whole_map.bureau_admin_user)

    assert client.get("/").status_code == 200
    assert client.session[SESSION_KEY] == str(whole_map.bureau_admin_user.pk)
