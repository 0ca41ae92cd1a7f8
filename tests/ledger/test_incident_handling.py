"""Incidents after they are reported: escalated to the bureau when the office has not acknowledged them in time,
知悉 reads the office's notification, the office records its handling and the advisor sees it."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from ledger.models import Incident
from ledger.tasks import escalate_incidents
from notifications.models import Notification
from tests.web import text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORTED = datetime(2026, 6, 3, 9, 0, tzinfo=SHANGHAI)


def report(client, advisor_user, agreement) -> Incident:
    client.force_login(advisor_user)
    client.post(
        "/logs/incidents/new/", {"village": agreement.village.pk, "summary": "两户宅基地纠纷，可能激化"}
    )
    client.logout()
    return Incident.objects.get()


def escalations(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, key__startswith="incident-escalated:"))


def test_it_escalates_an_incident_not_acknowledged_in_time_to_the_bureau_once_seed_004(
    client, advisor_user, agreement, office_user, bureau_staff_user, bureau
):
    bureau.incident_escalation_hours = 6
    bureau.save()
    with time_machine.travel(REPORTED, tick=False):
        incident = report(client, advisor_user, agreement)

    with time_machine.travel(REPORTED + timedelta(hours=5, minutes=59), tick=False):
        assert escalate_incidents.delay().get() == 0
    assert escalations(bureau_staff_user) == []

    with time_machine.travel(REPORTED + timedelta(hours=6, minutes=1), tick=False):
        assert escalate_incidents.delay().get() == 1
        assert escalate_incidents.delay().get() == 0  # a second run: nobody is told twice

    incident.refresh_from_db()
    assert incident.escalated_at == REPORTED + timedelta(hours=6, minutes=1)
    [notice] = escalations(bureau_staff_user)
    assert "逾期未知悉" in notice.title and notice.url == incident.get_absolute_url()
    assert escalations(office_user) == []
    client.force_login(bureau_staff_user)
    assert "逾期已上报司法局" in text(client.get("/logs/incidents/"))


def test_it_does_not_escalate_an_incident_the_office_acknowledged_seed_004(
    client, advisor_user, agreement, office_user, bureau_staff_user
):
    with time_machine.travel(REPORTED, tick=False):
        incident = report(client, advisor_user, agreement)
    with time_machine.travel(REPORTED + timedelta(hours=2), tick=False):
        client.force_login(office_user)
        client.post(f"/logs/incidents/{incident.pk}/acknowledge/")
    with time_machine.travel(REPORTED + timedelta(days=3), tick=False):
        assert escalate_incidents() == 0
    incident.refresh_from_db()
    assert incident.escalated_at is None and escalations(bureau_staff_user) == []


def test_the_daily_deadline_job_escalates_what_the_quarter_hour_task_missed_seed_004(
    client, advisor_user, agreement, bureau_staff_user
):
    with time_machine.travel(REPORTED, tick=False):
        incident = report(client, advisor_user, agreement)
    # The worker was down: the next day's deadline run catches it (default 24 hours).
    with time_machine.travel(datetime(2026, 6, 5, 0, 30, tzinfo=SHANGHAI), tick=False):
        call_command("run_deadlines", "--date", "2026-06-04", stdout=StringIO())
    incident.refresh_from_db()
    assert incident.escalated_at is not None
    assert len(escalations(bureau_staff_user)) == 1


def test_acknowledging_reads_the_offices_notification_of_the_incident(
    client, advisor_user, agreement, office_user, bureau_staff_user
):
    incident = report(client, advisor_user, agreement)
    office_notice = Notification.objects.get(recipient=office_user, key=f"incident:{incident.pk}")
    assert office_notice.read_at is None

    client.force_login(office_user)
    client.post(f"/logs/incidents/{incident.pk}/acknowledge/")

    office_notice.refresh_from_db()
    assert office_notice.read_at is not None
    bureau_notice = Notification.objects.get(recipient=bureau_staff_user, key=f"incident:{incident.pk}")
    assert bureau_notice.read_at is None  # the bureau's own notification is theirs to read


def test_the_office_records_its_handling_and_the_advisor_sees_it_seed_004(
    client, advisor_user, agreement, office_user
):
    with time_machine.travel(REPORTED, tick=False):
        incident = report(client, advisor_user, agreement)
    with time_machine.travel(REPORTED + timedelta(hours=3), tick=False):
        client.force_login(office_user)
        page = text(client.get(incident.get_absolute_url()))
        assert f"/logs/incidents/{incident.pk}/handling/" in page
        version = page.split('name="version" value="')[1].split('"')[0]
        response = client.post(
            f"/logs/incidents/{incident.pk}/handling/",
            {
                "handling": "所长带队到场调解，双方签订协议",
                "handled_at": "2026-06-03T11:30",
                "version": version,
            },
        )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.handling == "所长带队到场调解，双方签订协议"
    assert incident.handled_at == datetime(2026, 6, 3, 11, 30, tzinfo=SHANGHAI)
    assert incident.handling_recorded_by == office_user
    assert incident.acknowledged_by == office_user  # recording the handling also acknowledges it

    client.force_login(advisor_user)
    page = text(client.get(incident.get_absolute_url()))
    assert "所长带队到场调解，双方签订协议" in page and "赵敏" in page
    assert f"/logs/incidents/{incident.pk}/handling/" not in page


def test_a_bad_or_stale_handling_keeps_what_was_typed(client, advisor_user, agreement, office_user):
    with time_machine.travel(REPORTED, tick=False):
        incident = report(client, advisor_user, agreement)
    client.force_login(office_user)
    page = text(client.get(incident.get_absolute_url()))
    version = page.split('name="version" value="')[1].split('"')[0]

    response = client.post(
        f"/logs/incidents/{incident.pk}/handling/",
        {"handling": "到场处置", "handled_at": "2026-06-01T08:00", "version": version},
    )
    assert response.status_code == 200
    assert "处置时间不能早于事项报告时间" in text(response) and "到场处置" in text(response)

    Incident.objects.filter(pk=incident.pk).update(handling="别人先登记的")
    response = client.post(
        f"/logs/incidents/{incident.pk}/handling/",
        {"handling": "我的处置", "handled_at": "2026-06-03T10:00", "version": version},
    )
    assert response.status_code == 200
    assert "记录已被他人修改" in text(response) and "我的处置" in text(response)
    incident.refresh_from_db()
    assert incident.handling == "别人先登记的"


def test_only_the_townships_office_records_the_handling(
    client, advisor_user, agreement, other_office_user, bureau_staff_user
):
    incident = report(client, advisor_user, agreement)
    data = {"handling": "x", "handled_at": "2026-06-03T10:00", "version": ""}
    # SECURITY: another township's office does not see it; the advisor and the bureau see it but may not write.
    client.force_login(other_office_user)
    assert client.post(f"/logs/incidents/{incident.pk}/handling/", data).status_code == 404
    for user in (advisor_user, bureau_staff_user):
        client.force_login(user)
        page = text(client.get(incident.get_absolute_url()))
        assert f"/logs/incidents/{incident.pk}/handling/" not in page
        assert client.post(f"/logs/incidents/{incident.pk}/handling/", data).status_code == 403
    incident.refresh_from_db()
    assert incident.handling == ""
