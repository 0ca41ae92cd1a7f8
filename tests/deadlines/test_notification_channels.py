"""Notification channels: each sends once, a failure is retried with backoff and recorded, never failing the job."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from deadlines import services
from notifications.channels import EmailChannel, channels, get_channel
from notifications.models import Notification, NotificationDelivery
from notifications.services import Message, notification_deliver, notify_many
from notifications.tasks import MAX_RETRIES, deliver_notification, retry_countdown

from .channels import FlakySmsChannel

pytestmark = pytest.mark.django_db

SMS = ["notifications.channels.EmailChannel", "tests.deadlines.channels.FlakySmsChannel"]


@pytest.fixture
def sms(settings):
    settings.NOTIFICATION_CHANNELS = SMS
    FlakySmsChannel.failures = 0
    FlakySmsChannel.sent = []
    return FlakySmsChannel


def deliveries(channel: str) -> list[tuple[str, int]]:
    return list(NotificationDelivery.objects.filter(channel=channel).values_list("status", "attempts"))


def test_the_channels_come_from_the_setting(sms):
    assert [c.name for c in channels()] == ["email", "sms"]
    assert isinstance(get_channel("email"), EmailChannel)
    assert get_channel("fax") is None


def test_the_default_channel_is_email():
    assert [c.name for c in channels()] == ["email"]


def test_a_job_sends_each_notification_through_each_channel_once(
    district, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_ledgers_overdue(on=date(2026, 3, 25))
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_ledgers_overdue(on=date(2026, 3, 25))

    count = Notification.objects.count()
    assert count == 4  # zhang, li, and the two offices
    assert len(sms.sent) == count
    assert len(mail.outbox) == count
    assert set(deliveries("sms")) == {("sent", 1)}
    assert set(deliveries("email")) == {("sent", 1)}


def test_a_failing_channel_is_retried_and_recorded_and_the_job_completes(
    district, sms, django_capture_on_commit_callbacks
):
    sms.failures = 2  # the first two sends fail, the third goes through

    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind_ledgers_due(on=date(2026, 3, 20))

    assert result["notified"] == 2
    assert sorted(deliveries("sms")) == [("sent", 1), ("sent", 3)]
    delivery = NotificationDelivery.objects.get(channel="sms", attempts=3)
    assert delivery.sent_at is not None and delivery.last_error == ""
    assert len(mail.outbox) == 2  # e-mail is not held up by the SMS gateway


def test_a_channel_failing_for_good_is_recorded_as_failed_and_never_fails_the_job(
    district, sms, django_capture_on_commit_callbacks
):
    sms.failures = 100

    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind_ledgers_due(on=date(2026, 3, 20))

    assert result["notified"] == 2
    assert set(deliveries("sms")) == {("failed", MAX_RETRIES + 1)}
    assert (
        NotificationDelivery.objects.filter(channel="sms").first().last_error
        == "ConnectionError: 短信网关无响应"
    )
    assert set(deliveries("email")) == {("sent", 1)}


def test_the_delivery_task_retries_with_exponential_backoff():
    assert deliver_notification.max_retries == MAX_RETRIES == 5
    for retries, ceiling in enumerate([30, 60, 120, 240, 480, 600, 600]):
        assert all(0 <= retry_countdown(retries) <= ceiling for _ in range(50))
    assert max(retry_countdown(4) for _ in range(200)) > 240  # it does grow


def test_a_delivery_already_sent_or_being_sent_is_not_sent_again(district, sms):
    [notification] = notify_many([Message(recipient_id=district.zhang.user_id, key="k", title="测试")])

    assert (
        notification_deliver(notification_id=notification.pk, channel_name="sms", final_attempt=False)
        == "sent"
    )
    assert (
        notification_deliver(notification_id=notification.pk, channel_name="sms", final_attempt=False)
        == "sent"
    )
    assert sms.sent == [notification.pk]

    NotificationDelivery.objects.filter(channel="sms").update(status="sending", updated_at=timezone.now())
    assert (
        notification_deliver(notification_id=notification.pk, channel_name="sms", final_attempt=False)
        == "sending"
    )
    assert sms.sent == [notification.pk]


def test_a_recipient_without_an_address_is_skipped_and_recorded(district):
    user = district.zhang.user
    user.email = ""
    user.save()

    [notification] = notify_many([Message(recipient_id=user.pk, key="k", title="测试")])

    assert deliveries("email") == [("skipped", 0)]
    assert notification.emailed_at is None


def test_deliveries_whose_task_was_lost_are_enqueued_again(district, django_capture_on_commit_callbacks):
    # The broker was down when the job committed: the deliveries stayed pending.
    notify_many([Message(recipient_id=district.zhang.user_id, key="k", title="测试")])
    NotificationDelivery.objects.update(updated_at=timezone.now() - timedelta(hours=2))
    from notifications.tasks import resend_stale_deliveries

    assert resend_stale_deliveries.delay().get() == 1
    assert deliveries("email") == [("sent", 1)]
    assert len(mail.outbox) == 1
    assert resend_stale_deliveries.delay().get() == 0


def test_a_broker_down_at_commit_time_does_not_fail_the_job(
    district, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("Redis 无法连接")

    monkeypatch.setattr(deliver_notification, "delay", down)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind_ledgers_due(on=date(2026, 3, 20))

    assert result["notified"] == 2
    assert set(deliveries("email")) == {("pending", 0)}
