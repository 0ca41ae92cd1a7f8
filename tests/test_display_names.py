"""People are shown by their names, not their logins: the liaison who confirmed a log, on the log's page, in the
work-log form and in the admin's list of villages."""

import pytest

from ledger.models import Incident
from tests.factories import WorkLogFactory
from tests.web import text

pytestmark = pytest.mark.django_db


def test_the_liaison_is_shown_by_name_not_login(
    client, today, agreement, liaison_user, office_user, superuser
):
    worklog = WorkLogFactory(agreement=agreement, status="submitted", service_date=today)
    client.force_login(liaison_user)
    assert client.post(f"/logs/{worklog.pk}/confirm/").status_code == 302

    client.force_login(office_user)
    page = text(client.get(worklog.get_absolute_url()))
    assert "孙丽" in page and "liaison ·" not in page
    report = text(client.get(f"/logs/reports/worklog/{worklog.pk}/"))
    assert "孙丽" in report

    client.force_login(superuser)
    villages = text(client.get("/admin/villages/village/"))
    assert "孙丽" in villages


def test_a_person_without_a_recorded_name_is_shown_by_login(
    client, today, agreement, liaison_user, office_user
):
    liaison_user.profile.full_name = ""
    liaison_user.profile.save()
    worklog = WorkLogFactory(agreement=agreement, status="submitted", service_date=today)
    client.force_login(liaison_user)
    client.post(f"/logs/{worklog.pk}/confirm/")

    client.force_login(office_user)
    assert "liaison ·" in text(client.get(worklog.get_absolute_url()))


def test_the_admin_shows_who_acknowledged_an_incident_by_name(client, agreement, office_user, superuser):

    incident = Incident.objects.create(village=agreement.village, advisor=agreement.advisor, summary="涉稳")
    client.force_login(office_user)
    client.post(f"/logs/incidents/{incident.pk}/acknowledge/")

    client.force_login(superuser)
    assert "赵敏" in text(client.get("/admin/ledger/incident/"))
    page = text(client.get(f"/admin/ledger/incident/{incident.pk}/change/"))
    assert "赵敏" in page and ">office<" not in page


def test_the_admin_shows_the_liaison_who_confirmed_a_log_by_name(
    client, today, agreement, liaison_user, superuser
):
    worklog = WorkLogFactory(agreement=agreement, status="submitted", service_date=today)
    client.force_login(liaison_user)
    client.post(f"/logs/{worklog.pk}/confirm/")

    client.force_login(superuser)
    page = text(client.get(f"/admin/ledger/worklog/{worklog.pk}/change/"))
    assert "确认人" in page and "孙丽" in page and ">liaison<" not in page


def test_the_admins_liaison_picker_names_the_person(client, village, liaison_user, superuser):
    client.force_login(superuser)
    found = client.get(
        "/admin/autocomplete/",
        {"term": "liaison", "app_label": "villages", "model_name": "village", "field_name": "liaison"},
    ).json()
    assert {"id": str(liaison_user.pk), "text": "孙丽（liaison）"} in found["results"]
