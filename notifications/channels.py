"""The ways a notification reaches a person besides the in-app list: e-mail now, an SMS gateway when a bureau has one.

A channel is a class with a stable `name` (stored on each `NotificationDelivery`), `accepts(notification)` (does the
recipient have an address for it?) and `send(notification)`, which raises on failure: the delivery task records the
error and Celery retries with exponential backoff. `settings.NOTIFICATION_CHANNELS` lists the channels by dotted
path; adding an SMS gateway is a subclass and one line in the settings:

    class SmsChannel(Channel):
        name = "sms"
        label = "短信"

        def accepts(self, notification):
            return bool(profile_of(notification.recipient) and notification.recipient.profile.phone)

        def send(self, notification):
            gateway.send(notification.recipient.profile.phone, notification.title)  # raise on failure
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class Channel:
    name: str = ""
    label = ""

    def accepts(self, notification) -> bool:
        """Whether this recipient can be reached this way; a notification it does not accept is skipped."""
        return True

    def send(self, notification) -> None:
        """Send it, or raise: the caller records the error and retries."""
        raise NotImplementedError


class EmailChannel(Channel):
    """Django's mail (the console backend unless EMAIL_BACKEND says otherwise)."""

    name = "email"
    label = _("电子邮件")

    def accepts(self, notification) -> bool:
        return bool(notification.recipient.email)

    def send(self, notification) -> None:
        from .services import notification_send_email

        notification_send_email(notification=notification)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> dict[str, Channel]:
    loaded: dict[str, Channel] = {}
    for path in paths:
        channel = import_string(path)()
        if not isinstance(channel, Channel) or not channel.name:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: {path} 不是带 name 的 Channel 子类。")
        if channel.name in loaded:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: 渠道名 {channel.name} 重复。")
        loaded[channel.name] = channel
    return loaded


def _configured() -> dict[str, Channel]:
    # Keyed on the setting's value, so a test that overrides it gets its own channels.
    return _load(tuple(settings.NOTIFICATION_CHANNELS))


def channels() -> list[Channel]:
    return list(_configured().values())


def get_channel(name: str) -> Channel | None:
    return _configured().get(name)
