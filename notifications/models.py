from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message for one person: listed in the app, and sent by e-mail (and any other channel) once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Deadline jobs and reports set a key so that running them twice notifies nobody twice.
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_unique_key_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One notification through one channel (e-mail, an SMS gateway…): whether and when it went out, and why not.

    Unique per notification and channel, so a task enqueued twice still sends once (it claims the row first).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        RETRYING = "retrying", _("等待重试")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("不适用")

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=30)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_unique_per_channel")
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.notification} · {self.channel} · {self.get_status_display()}"
