from celery import shared_task

from .models import Notification
from .services import notification_send_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is not None:
        notification_send_email(notification=notification)
