"""The bureau admin reads logs, lectures, incidents, ledger submissions and notifications in the admin site:
scoped to their bureau, view-only, and in a number of queries that does not grow with the rows."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.admin_mixins import ScopedAdminMixin
from accounts.services import role_groups_sync
from ledger.models import (
    Incident,
    Lecture,
    LedgerSubmission,
    ServiceType,
    WorkLog,
    WorkLogEvent,
    WorkLogPhoto,
)
from notifications.models import Notification
from tests.factories import AgreementFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

MODELS = [WorkLog, Lecture, Incident, LedgerSubmission, ServiceType, Notification]


def admin_url(model, view: str = "changelist", *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def _role_groups_with_every_apps_permissions(db):
    # After a single `migrate` on a fresh database the bureau admin's group lacks the permissions of the apps
    # migrated after `accounts` (its post_migrate handler runs before their permissions exist); sync it as a
    # second `migrate` would.
    role_groups_sync()


@pytest.fixture
def records(whole_map):
    """One of each in `village` (the bureau's), and the same in the other bureau."""
    w = whole_map
    worklog = WorkLogFactory(agreement=w.agreement, service_date=date(2026, 6, 10), is_incident=True)
    WorkLogEvent.objects.create(worklog=worklog, action=WorkLogEvent.Action.CREATED, by=w.advisor_user)
    WorkLogEvent.objects.create(
        worklog=worklog,
        action=WorkLogEvent.Action.EDITED,
        by=w.advisor_user,
        changes={"object_phone": ["13800000001", "13800000002"]},
    )
    WorkLogPhoto.objects.create(worklog=worklog, image=ContentFile(b"jpeg", name="photo.jpg"))
    elsewhere = WorkLogFactory(agreement=w.other_bureau_agreement, object_name="外局村民")
    return {
        WorkLog: (worklog, elsewhere),
        Lecture: (
            Lecture.objects.create(worklog=worklog, topic="民法典进农村", outline="提纲"),
            Lecture.objects.create(worklog=elsewhere, topic="外局讲座", outline="提纲"),
        ),
        Incident: (
            Incident.objects.create(
                village=w.village, advisor=w.advisor, worklog=worklog, summary="征地补偿纠纷"
            ),
            Incident.objects.create(
                village=w.other_bureau_village, advisor=w.other_bureau_advisor, summary="外局事项"
            ),
        ),
        LedgerSubmission: (
            LedgerSubmission.objects.create(advisor=w.advisor, village=w.village, year=2026, month=5),
            LedgerSubmission.objects.create(
                advisor=w.other_bureau_advisor, village=w.other_bureau_village, year=2026, month=5
            ),
        ),
        ServiceType: (ServiceType.objects.get(code="mediation"), None),
        Notification: (
            Notification.objects.create(recipient=w.office_user, title="王庄村日志待核查"),
            Notification.objects.create(recipient=w.other_bureau_admin_user, title="外局通知"),
        ),
    }


def test_it_scopes_every_admin_of_the_ledger_and_notifications():
    for model in [*MODELS, WorkLogEvent, WorkLogPhoto]:
        if model in admin.site._registry:
            assert isinstance(admin.site._registry[model], ScopedAdminMixin), model
    inlines = admin.site._registry[WorkLog].inlines
    assert all(issubclass(inline, ScopedAdminMixin) for inline in inlines)
    assert {inline.model for inline in inlines} == {WorkLogEvent, WorkLogPhoto}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", ["bureau_admin_user", "superuser"])
def test_it_opens_the_list_and_each_row_for_the_bureau_admin(client, whole_map, records, model, persona):
    client.force_login(getattr(whole_map, persona))
    mine, _ = records[model]

    assert client.get(admin_url(model)).status_code == 200
    assert client.get(admin_url(model, "change", mine.pk)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", [m for m in MODELS if m is not ServiceType], ids=lambda m: m.__name__)
def test_it_lists_and_opens_only_the_bureau_admins_own_rows(client, whole_map, records, model):
    # SECURITY
    client.force_login(whole_map.bureau_admin_user)
    mine, elsewhere = records[model]

    response = client.get(admin_url(model))

    assert list(response.context["cl"].result_list) == [mine]
    other = client.get(admin_url(model, "change", elsewhere.pk))
    assert other.status_code == 302  # the admin's "no such object" redirect
    assert other["Location"] == "/admin/"


def test_it_shows_a_log_with_its_trail_and_photos_read_only(client, whole_map, records):
    client.force_login(whole_map.bureau_admin_user)
    worklog, _ = records[WorkLog]

    response = client.get(admin_url(WorkLog, "change", worklog.pk))

    page = response.content.decode()
    assert "138****0002" in page and "13800000002" not in page  # the edit in the trail, masked (PIPL)
    assert "photo" in page
    assert not response.context["has_change_permission"]
    assert 'name="content"' not in page  # no form field: nothing to submit
    assert client.post(admin_url(WorkLog, "change", worklog.pk), {"content": "改"}).status_code == 403
    assert WorkLog.objects.get(pk=worklog.pk).content == worklog.content


def test_it_never_lets_the_bureau_admin_delete_a_log_or_a_service_type(client, whole_map, records):
    client.force_login(whole_map.bureau_admin_user)
    worklog, _ = records[WorkLog]

    assert client.get(admin_url(WorkLog, "delete", worklog.pk)).status_code == 403
    assert client.get(admin_url(ServiceType, "delete", records[ServiceType][0].pk)).status_code == 403
    assert client.get(admin_url(ServiceType, "change", records[ServiceType][0].pk)).status_code == 200


def test_it_filters_and_searches_the_logs_with_only_the_bureaus_townships_offered(client, whole_map, records):
    w = whole_map
    client.force_login(w.bureau_admin_user)
    worklog, _ = records[WorkLog]
    mediation = ServiceType.objects.get(code="mediation")

    listed = client.get(admin_url(WorkLog))
    page = listed.content.decode()
    assert "柳林镇" in page and "桃园街道" in page
    assert "石桥镇" not in page

    for query in (
        {"status__exact": "submitted"},
        {"mode__exact": "onsite"},
        {"village__township__id__exact": w.township.pk},
        {"is_incident__exact": "1"},
        {"q": "张明"},
        {"q": "王庄"},
        {"q": worklog.object_name},
    ):
        response = client.get(admin_url(WorkLog), query)
        assert list(response.context["cl"].result_list) == [worklog], query
    for query in (
        {"service_types__id__exact": mediation.pk},
        {"village__township__id__exact": w.other_township.pk},
        {"q": "外局村民"},
    ):
        response = client.get(admin_url(WorkLog), query)
        assert list(response.context["cl"].result_list) == [], query


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("model", [m for m in MODELS if m is not ServiceType], ids=lambda m: m.__name__)
def test_it_lists_rows_in_a_number_of_queries_that_does_not_grow_with_them(client, whole_map, records, model):
    w = whole_map
    client.force_login(w.bureau_admin_user)
    before = queries(client, admin_url(model))

    for i in range(5):
        agreement = AgreementFactory(advisor__bureau=w.bureau, village__township=w.township)
        worklog = WorkLogFactory(agreement=agreement, confirmed_by=w.liaison_user)
        Lecture.objects.create(worklog=worklog, topic=f"讲座{i}", outline="提纲")
        Incident.objects.create(
            village=agreement.village,
            advisor=agreement.advisor,
            summary="事项",
            acknowledged_by=w.office_user,
            acknowledged_at=worklog.created_at,
        )
        LedgerSubmission.objects.create(
            advisor=agreement.advisor, village=agreement.village, year=2026, month=5
        )
        Notification.objects.create(
            recipient=[w.advisor_user, w.liaison_user, w.office_user][i % 3], title="通知"
        )

    assert len(client.get(admin_url(model)).context["cl"].result_list) > 5
    assert queries(client, admin_url(model)) == before


def test_it_shows_whether_a_notification_reached_its_recipient(client, whole_map, records):
    from notifications.models import NotificationDelivery

    notification, _ = records[Notification]
    NotificationDelivery.objects.create(
        notification=notification, channel="email", status="failed", attempts=5, last_error="SMTP 连接超时"
    )
    client.force_login(whole_map.bureau_admin_user)

    page = client.get(admin_url(Notification, "change", notification.pk)).content.decode()

    assert "SMTP 连接超时" in page
    assert "发送失败" in page
