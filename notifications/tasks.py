from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from .services import DeliveryFailed, deliveries_resend_stale, notification_deliver

MAX_RETRIES = 5
RETRY_BACKOFF_MAX = 600  # seconds; well under Redis's one-hour visibility timeout for acks_late tasks


def retry_countdown(retries: int) -> int:
    """Exponential backoff with full jitter: up to 30 s, 60 s, 120 s, 240 s, 480 s before the five retries (the
    factor is NOTIFICATION_RETRY_BACKOFF), about a quarter of an hour for a mail server or SMS gateway to come back."""
    factor = settings.NOTIFICATION_RETRY_BACKOFF
    return get_exponential_backoff_interval(
        factor=factor, retries=retries, maximum=RETRY_BACKOFF_MAX, full_jitter=True
    )


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_notification(self, notification_id: int, channel: str) -> str:
    """One notification through one channel. A failure is recorded and retried with backoff; the last one is
    recorded as failed and not raised: a channel never fails the job that notified."""
    if self.request.is_eager:
        return _deliver_in_process(notification_id, channel)
    try:
        return notification_deliver(
            notification_id=notification_id,
            channel_name=channel,
            final_attempt=self.request.retries >= MAX_RETRIES,
        )
    except DeliveryFailed as error:
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


def _deliver_in_process(notification_id: int, channel: str) -> str:
    """Without a broker (the embedded default) nobody comes back later: the retries are made at once."""
    for attempt in range(MAX_RETRIES + 1):
        try:
            return notification_deliver(
                notification_id=notification_id, channel_name=channel, final_attempt=attempt == MAX_RETRIES
            )
        except DeliveryFailed:
            continue
    raise AssertionError("unreachable: the final attempt does not raise")


@shared_task
def resend_stale_deliveries() -> int:
    return deliveries_resend_stale()
