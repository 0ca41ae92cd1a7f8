"""Each event without a model change writes one entry with its user, IP, action and result (安全审计)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.services import (
    DOWNLOAD,
    EXPORT,
    LOCKED_OUT,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    PERMISSION_DENIED,
    PHONE_REVEALED,
    audit_event,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
IP = "10.1.2.3"


def test_audit_login_records_user_ip_action_and_result(client, office_user, trail):
    response = client.post(LOGIN_URL, {"username": "office", "password": PASSWORD}, REMOTE_ADDR=IP)

    assert response.status_code == 302
    [entry] = trail(event=LOGIN)
    assert (entry.actor_id, entry.actor_username, entry.remote_addr, entry.result) == (
        office_user.pk,
        "office",
        IP,
        "success",
    )
    assert entry.timestamp is not None


def test_audit_failed_login_records_the_name_tried_and_the_ip(client, office_user, trail):
    client.post(LOGIN_URL, {"username": "office", "password": "wrong-password"}, REMOTE_ADDR=IP)

    [entry] = trail(event=LOGIN_FAILED)
    assert (entry.actor_id, entry.actor_username, entry.remote_addr, entry.result) == (
        None,
        "office",
        IP,
        "failure",
    )
    assert "wrong-password" not in str(entry.additional_data)


def test_audit_lockout_records_the_locked_username(client, office_user, trail):
    for _ in range(5):
        client.post(LOGIN_URL, {"username": "office", "password": "wrong-password"}, REMOTE_ADDR=IP)

    [entry] = trail(event=LOCKED_OUT)
    assert (entry.actor_username, entry.remote_addr, entry.result) == ("office", IP, "denied")
    assert len(trail(event=LOGIN_FAILED)) == 5


def test_audit_logout_records_the_user(client, office_user, trail):
    client.force_login(office_user)

    client.post("/accounts/logout/", REMOTE_ADDR=IP)

    [entry] = trail(event=LOGOUT)
    assert (entry.actor_id, entry.remote_addr) == (office_user.pk, IP)


def test_audit_permission_denied_records_a_403(client, office_user, trail):
    client.force_login(office_user)

    response = client.get("/logs/ledgers/", REMOTE_ADDR=IP)

    assert response.status_code == 403
    [entry] = trail(event=PERMISSION_DENIED)
    assert (entry.actor_id, entry.remote_addr, entry.result) == (office_user.pk, IP, "denied")
    assert entry.detail == "GET /logs/ledgers/"


def test_audit_permission_denied_records_the_scoped_404_of_a_logged_in_user(client, whole_map, trail):
    client.force_login(whole_map.office_user)
    url = f"/advisors/agreements/{whole_map.other_bureau_agreement.pk}/"

    response = client.get(url, REMOTE_ADDR=IP)

    assert response.status_code == 404
    [entry] = trail(event=PERMISSION_DENIED)
    assert (entry.actor_id, entry.remote_addr, entry.result) == (whole_map.office_user.pk, IP, "not_found")
    assert entry.detail == f"GET {url}"


def test_audit_permission_denied_ignores_a_url_that_matches_nothing(client, office_user, trail):
    client.force_login(office_user)

    assert client.get("/no-such-page/").status_code == 404
    assert trail(event=PERMISSION_DENIED) == []


def test_audit_export_records_each_pdf_and_xlsx_report(client, whole_map, trail):
    client.force_login(whole_map.advisor_user)
    query = {"advisor": whole_map.advisor.pk, "village": whole_map.village.pk, "year": 2026, "format": "xlsx"}

    response = client.get("/logs/reports/ledger/", query, REMOTE_ADDR=IP)
    client.get("/logs/reports/ledger/", {**query, "format": "html"}, REMOTE_ADDR=IP)

    assert response.status_code == 200
    [entry] = trail(event=EXPORT)  # the HTML preview is not an export
    assert (entry.actor_id, entry.remote_addr, entry.result) == (whole_map.advisor_user.pk, IP, "success")
    assert entry.detail.endswith(".xlsx") and entry.additional_data == {"format": "xlsx"}


def test_audit_download_records_each_private_file_served(client, whole_map, trail):
    agreement = whole_map.agreement
    agreement.contract_scan.save("协议.pdf", SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n", "application/pdf"))
    client.force_login(whole_map.bureau_admin_user)

    response = client.get(agreement.contract_scan.url, REMOTE_ADDR=IP)

    assert response.status_code == 200
    [entry] = trail(event=DOWNLOAD)
    assert (entry.actor_id, entry.remote_addr, entry.result) == (
        whole_map.bureau_admin_user.pk,
        IP,
        "success",
    )
    assert (entry.content_type.model, entry.object_pk) == ("agreement", str(agreement.pk))
    assert entry.detail == agreement.contract_scan.name


def test_audit_phone_revealed_records_the_object_through_the_api(rf, whole_map, trail):
    request = rf.get("/", REMOTE_ADDR=IP)
    request.user = whole_map.office_user

    audit_event(PHONE_REVEALED, request=request, obj=whole_map.advisor, data={"field": "mobile"})

    [entry] = trail(event=PHONE_REVEALED)
    assert (entry.actor_id, entry.remote_addr, entry.object_pk) == (
        whole_map.office_user.pk,
        IP,
        str(whole_map.advisor.pk),
    )
    assert entry.object_repr == str(whole_map.advisor)
    assert entry.additional_data == {"field": "mobile"}


def test_audit_ip_ignores_x_forwarded_for_unless_trusted(rf, office_user, settings, trail):
    request = rf.get("/", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    request.user = office_user

    audit_event(EXPORT, request=request)
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    audit_event(EXPORT, request=request)

    trusted, untrusted = trail(event=EXPORT)
    assert untrusted.remote_addr == IP
    assert trusted.remote_addr == "203.0.113.9"


def test_audit_survives_an_oversized_correlation_id_header(client, office_user, trail):
    client.post(
        LOGIN_URL,
        {"username": "office", "password": PASSWORD},
        HTTP_X_CORRELATION_ID="x" * 1000,
        REMOTE_ADDR=IP,
    )

    [entry] = trail(event=LOGIN)
    assert entry.cid == "x" * 255
