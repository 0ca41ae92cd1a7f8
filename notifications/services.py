"""Notifying people: one `Notification` per recipient and key, then one delivery per channel after the commit.

The database decides "once": `Notification` is unique per (recipient, key), `NotificationDelivery` per
(notification, channel), and a delivery task claims its row with a conditional UPDATE before sending, so a job run
twice, or by two workers at once, neither notifies nor sends twice.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .channels import Channel, channels, get_channel
from .models import Notification, NotificationDelivery

logger = logging.getLogger(__name__)

# A delivery claimed ("sending") longer ago than this was lost with its worker and may be claimed again.
SENDING_TIMEOUT = timedelta(minutes=10)
# Pending or retrying deliveries untouched for this long lost their task (broker down, worker lost): sent again.
STALE_AFTER = timedelta(hours=1)


class DeliveryFailed(Exception):
    """A channel failed to send; raised to make the Celery task retry with backoff."""


@dataclass(frozen=True)
class Message:
    """A notification to be: deadline jobs build these in bulk for `notify_many`."""

    recipient_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify(
    *, recipients: Iterable, title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """Notify each recipient once (per key, when given); the channels send after the transaction commits."""
    created = []
    for recipient in recipients:
        if key:
            notification, was_created = Notification.objects.get_or_create(
                recipient=recipient, key=key, defaults={"title": title, "body": body, "url": url}
            )
            if not was_created:
                continue
        else:
            notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
        created.append(notification)
    _deliver_after_commit(created)
    return created


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """`notify` for many recipients in a fixed number of queries; every message needs a key.

    Returns the notifications this call created (under a concurrent call, possibly some the other one created:
    their deliveries are still sent once, see `notification_deliver`).
    """
    wanted = {(m.recipient_id, m.key): m for m in messages}
    if not wanted:
        return []
    if any(not key for _, key in wanted):
        raise ValueError("notify_many needs a key on every message")
    existing = _existing_pairs({key for _, key in wanted})
    new = {pair: m for pair, m in wanted.items() if pair not in existing}
    if not new:
        return []
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=m.recipient_id, key=m.key, title=m.title, body=m.body, url=m.url)
            for m in new.values()
        ],
        ignore_conflicts=True,
    )
    created = [
        notification
        for notification in Notification.objects.filter(key__in={key for _, key in new}).select_related(
            "recipient"
        )
        if (notification.recipient_id, notification.key) in new
    ]
    _deliver_after_commit(created)
    return created


def _existing_pairs(keys: set[str]) -> set[tuple[int, str]]:
    """What is already there: an optimisation only, the unique constraint decides (see `notify_many`)."""
    return set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))


def _deliver_after_commit(notifications: list[Notification]) -> None:
    """Record a delivery per channel now; enqueue the sending once the transaction commits (one callback each)."""
    if not notifications:
        return
    active = channels()
    deliveries = []
    pending: dict[int, list[str]] = {}
    for notification in notifications:
        for channel in active:
            accepted = channel.accepts(notification)
            status = NotificationDelivery.Status.PENDING if accepted else NotificationDelivery.Status.SKIPPED
            deliveries.append(
                NotificationDelivery(notification=notification, channel=channel.name, status=status)
            )
            if accepted:
                pending.setdefault(notification.pk, []).append(channel.name)
    NotificationDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    for notification_id, names in pending.items():
        transaction.on_commit(lambda pk=notification_id, names=names: _enqueue(pk, names))


def _enqueue(notification_id: int, channel_names: list[str]) -> None:
    """Never lets a channel or the broker fail the caller: what could not be enqueued stays pending, and
    `deliveries_resend_stale` (hourly) enqueues it again."""
    from .tasks import deliver_notification

    for name in channel_names:
        try:
            deliver_notification.delay(notification_id, name)
        except Exception:
            logger.exception("Could not enqueue notification %s for channel %s", notification_id, name)


def notification_deliver(*, notification_id: int, channel_name: str, final_attempt: bool) -> str:
    """Send one notification through one channel, once: returns the delivery's status.

    A failure is recorded (attempts, last error) and raised as `DeliveryFailed` for the task to retry, except on
    the final attempt, where the delivery is marked failed and nothing is raised.
    """
    Status = NotificationDelivery.Status
    delivery, _ = NotificationDelivery.objects.get_or_create(
        notification_id=notification_id, channel=channel_name
    )
    now = timezone.now()
    claimable = Q(status__in=(Status.PENDING, Status.RETRYING)) | Q(
        status=Status.SENDING, updated_at__lt=now - SENDING_TIMEOUT
    )
    claimed = NotificationDelivery.objects.filter(claimable, pk=delivery.pk).update(
        status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        delivery.refresh_from_db(fields=["status"])
        return delivery.status
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    channel: Channel | None = get_channel(channel_name)
    if channel is None:
        return _finish(delivery, Status.FAILED, error=f"未配置的通知渠道：{channel_name}")
    if not channel.accepts(notification):
        return _finish(delivery, Status.SKIPPED)
    try:
        channel.send(notification)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        if final_attempt:
            logger.warning(
                "Notification %s via %s failed for good: %s", notification_id, channel_name, message
            )
            return _finish(delivery, Status.FAILED, error=message)
        _finish(delivery, Status.RETRYING, error=message)
        raise DeliveryFailed(message) from error
    return _finish(delivery, Status.SENT)


def _finish(delivery: NotificationDelivery, status: str, *, error: str = "") -> str:
    now = timezone.now()
    fields = {"status": status, "last_error": error[:2000], "updated_at": now}
    if status == NotificationDelivery.Status.SENT:
        fields["sent_at"] = now
    NotificationDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return status


def deliveries_resend_stale(*, limit: int = 1000) -> int:
    """Enqueue again the deliveries whose task was lost (broker down at enqueue time, worker killed)."""
    Status = NotificationDelivery.Status
    now = timezone.now()
    stale = (
        NotificationDelivery.objects.filter(
            Q(status__in=(Status.PENDING, Status.RETRYING), updated_at__lt=now - STALE_AFTER)
            | Q(status=Status.SENDING, updated_at__lt=now - SENDING_TIMEOUT)
        )
        .order_by("updated_at")
        .values_list("notification_id", "channel")[:limit]
    )
    rows = list(stale)
    for notification_id, channel_name in rows:
        _enqueue(notification_id, [channel_name])
    return len(rows)


def notification_send_email(*, notification: Notification) -> None:
    if notification.emailed_at or not notification.recipient.email:
        return
    text = notification.body
    if notification.url:
        text = f"{text}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
    send_mail(notification.title, text, None, [notification.recipient.email])
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_read(*, recipient, key: str) -> int:
    """Read the recipient's notification of this key, when acting on what it told them makes it read."""
    return Notification.objects.filter(recipient=recipient, key=key, read_at__isnull=True).update(
        read_at=timezone.now()
    )
