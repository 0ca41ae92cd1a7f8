"""A resident's phone edited on a log: its change history (记录) and the admin show it masked to everyone but the
log's advisor; the current number is revealed, audited, on the log's page (common/phones.py)."""

import pytest

from accounts.services import role_groups_sync
from audit.models import AuditEntry
from ledger.models import WorkLog
from tests.factories import WorkLogFactory
from tests.ledger.test_advisor_pages import log_data
from tests.web import text

pytestmark = pytest.mark.django_db

OLD, NEW = "13912345678", "13587654321"


@pytest.fixture
def edited_log(client, advisor_user, agreement, village, today):
    worklog = WorkLogFactory(
        agreement=agreement, service_date=today, status=WorkLog.Status.DRAFT, object_phone=OLD
    )
    client.force_login(advisor_user)
    data = log_data(village, service_date=today.isoformat(), object_phone=NEW, content="回电约定再访")
    response = client.post(
        f"/logs/{worklog.pk}/edit/", {**data, "submit": "1", "version": worklog.updated_at.isoformat()}
    )
    assert response.status_code == 302
    client.logout()
    return worklog


@pytest.mark.parametrize("persona", ["office_user", "bureau_staff_user", "liaison_user"])
def test_the_logs_history_masks_the_residents_old_and_new_phone(client, request, edited_log, persona):
    # SECURITY (PIPL)
    client.force_login(request.getfixturevalue(persona))

    page = text(client.get(f"/logs/{edited_log.pk}/"))

    assert "联系电话" in page  # the edit is in the history
    assert OLD not in page and NEW not in page
    assert "139****5678" in page and "135****4321" in page


def test_the_logs_advisor_reads_the_history_in_full(client, advisor_user, edited_log):
    client.force_login(advisor_user)

    page = text(client.get(f"/logs/{edited_log.pk}/"))

    assert OLD in page and NEW in page


def test_the_bureau_reveals_the_current_number_audited(client, bureau_staff_user, edited_log):
    client.force_login(bureau_staff_user)

    response = client.post(
        f"/reveal/worklog-object-phone/{edited_log.pk}/", {"next": f"/logs/{edited_log.pk}/"}
    )

    assert NEW in text(client.get(response.url))
    assert AuditEntry.objects.filter(event="phone_revealed").exists()


def test_the_admin_masks_the_residents_phone_and_the_events_changes(client, bureau_admin_user, edited_log):
    # SECURITY (PIPL)
    role_groups_sync()
    client.force_login(bureau_admin_user)

    page = client.get(f"/admin/ledger/worklog/{edited_log.pk}/change/").content.decode()

    assert "135****4321" in page
    assert OLD not in page and NEW not in page
