"""A channel for the tests: an SMS gateway that fails as often as told, then sends."""

from notifications.channels import Channel


class FlakySmsChannel(Channel):
    name = "sms"
    label = "短信"
    failures = 0  # how many sends fail before one succeeds
    sent: list[int] = []

    def accepts(self, notification) -> bool:
        return True

    def send(self, notification) -> None:
        if FlakySmsChannel.failures > 0:
            FlakySmsChannel.failures -= 1
            raise ConnectionError("短信网关无响应")
        FlakySmsChannel.sent.append(notification.pk)
