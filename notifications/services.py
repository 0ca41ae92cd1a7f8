from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(
    *, recipients: Iterable, title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """Notify each recipient once (per key, when given); e-mail goes out after the transaction commits."""
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
    for notification in created:
        transaction.on_commit(lambda pk=notification.pk: _enqueue_email(pk))
    return created


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.delay(notification_id)


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
