"""What residents send from the public pages: a request for help (留言/预约) and a rating of the service (满意度)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Satisfaction

# No 0/O, 1/I/L: a reference number read out over the phone by an elderly resident.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class ResidentRequestQuerySet(models.QuerySet):
    def open(self) -> "ResidentRequestQuerySet":
        return self.filter(status__in=ResidentRequest.OPEN_STATUSES)

    def for_the_advisor(self) -> "ResidentRequestQuerySet":
        """What reaches an advisor's list: never what was caught as spam."""
        return self.exclude(status=ResidentRequest.Status.SPAM)


class ResidentRequest(models.Model):
    """A resident's request for help to the village's advisor, answered by phone or visit, then closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ESCALATED = "escalated", _("逾期已转司法所")
        CLOSED = "closed", _("已办结")
        SPAM = "spam", _("已拦截")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("到村当面")
        PHONE = "phone", _("电话")

    OPEN_STATUSES = (Status.OPEN, Status.ESCALATED)

    reference = models.CharField(
        _("查询编号"), max_length=12, unique=True, default=new_reference, editable=False
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("村(社区)"),
        on_delete=models.PROTECT,
        related_name="resident_requests",
    )
    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("法律顾问"),
        on_delete=models.PROTECT,
        related_name="resident_requests",
        help_text=_("留言时该村(居)的法律顾问。"),
    )
    # Personal information (PIPL): kept for the bureau's retention period after closing, then erased.
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("联系电话"), max_length=30)
    question = models.TextField(_("问题"), max_length=500)
    preferred_mode = models.CharField(_("希望的方式"), max_length=10, choices=Mode.choices)
    preferred_time = models.CharField(_("方便的时间"), max_length=60, blank=True)
    consented_at = models.DateTimeField(_("同意使用电话号码的时间"))
    client_uuid = models.UUIDField(_("提交令牌"), null=True, blank=True, unique=True, editable=False)

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    spam_reason = models.CharField(_("拦截原因"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("留言时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("答复期限"))
    escalated_at = models.DateTimeField(_("转司法所时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_mode = models.CharField(
        _("答复方式"), max_length=12, blank=True, help_text=_("工作日志的服务方式。")
    )
    answer = models.TextField(_("答复情况"), max_length=2000, blank=True)
    worklog = models.OneToOneField(
        "ledger.WorkLog",
        verbose_name=_("工作日志"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_request",
    )
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    objects = ResidentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众留言")
        verbose_name_plural = _("群众留言")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["advisor", "status"]),
            models.Index(fields=["village", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.village}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:request_detail", args=[self.pk])

    @property
    def due_on(self):
        """The last day to answer: `due_at` is the first instant after it."""
        return timezone.localdate(self.due_at - timedelta(microseconds=1))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ResidentRating(models.Model):
    """A resident's rating of their advisor: at most one per phone number, advisor and month.

    The phone number is kept only as a keyed hash (`phone_key`), enough to hold that limit and no more.
    """

    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("法律顾问"),
        on_delete=models.PROTECT,
        related_name="resident_ratings",
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("村(社区)"),
        on_delete=models.PROTECT,
        related_name="resident_ratings",
    )
    request = models.OneToOneField(
        ResidentRequest,
        verbose_name=_("群众留言"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rating",
    )
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    phone_key = models.CharField(_("手机号摘要"), max_length=64, editable=False)
    month = models.CharField(_("月份"), max_length=7, editable=False, help_text=_("例如 2026-12"))
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "phone_key", "month"], name="resident_rating_once_per_phone_advisor_month"
            )
        ]
        indexes = [models.Index(fields=["advisor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.village} {self.month} {self.get_satisfaction_display()}"
