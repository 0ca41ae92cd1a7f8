from django.db import models
from django.utils.translation import gettext_lazy as _


class FlagQuerySet(models.QuerySet):
    def open(self) -> "FlagQuerySet":
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """A problem a deadline job found: a ledger overdue, a village without a visit, a lecture not filed…

    One per kind, period and subject: `subject_key` names the subject ("village:12|advisor:3") without NULLs, so the
    unique constraint holds on every database and a job run twice, or by two workers at once, flags once.
    """

    class Kind(models.TextChoices):
        LEDGER_OVERDUE = "ledger_overdue", _("月度台账逾期未报")
        TOWNSHIP_LEDGER_NOT_FORWARDED = "township_ledger_not_forwarded", _("乡镇台账逾期未报送司法局")
        NO_ONSITE_VISIT = "no_onsite_visit", _("当月未到村服务")
        SHORT_HOURS = "short_hours", _("服务时长不足")
        LECTURE_MISSING = "lecture_missing", _("当季未备案法治讲座")
        AGREEMENT_UNFILED = "agreement_unfiled", _("协议逾期未备案")

    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=10, help_text=_("例如 2026-11、2026-Q4、2026"))
    subject_key = models.CharField(_("对象"), max_length=100, editable=False)
    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.CASCADE, related_name="flags"
    )
    township = models.ForeignKey(
        "villages.Township", verbose_name=_("乡镇(街道)"), on_delete=models.CASCADE, related_name="flags"
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("村(社区)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("法律顾问"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    agreement = models.ForeignKey(
        "advisors.Agreement",
        verbose_name=_("法律顾问协议"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("逾期/未达标标记")
        verbose_name_plural = _("逾期/未达标标记")
        ordering = ["-period", "kind", "township", "village"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "subject_key"], name="flag_unique_per_subject")
        ]
        indexes = [
            models.Index(fields=["bureau", "period"]),
            models.Index(fields=["township", "period"]),
        ]

    def __str__(self) -> str:
        subject = self.village or self.township
        return f"{self.period} {subject} {self.get_kind_display()}"

    @staticmethod
    def key_for(**ids: int | None) -> str:
        """The subject's key from its ids, in a fixed order: key_for(village=12, advisor=3) == "village:12|advisor:3"."""
        order = ("township", "village", "advisor", "agreement")
        return "|".join(f"{name}:{ids[name]}" for name in order if ids.get(name) is not None)


class JobRun(models.Model):
    """One deadline job for one date: when it ran and what it did. Unique per job and date, for catching up."""

    job = models.CharField(_("任务"), max_length=50)
    for_date = models.DateField(_("执行日期"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        ordering = ["-for_date", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "for_date"], name="jobrun_unique_per_date")]

    def __str__(self) -> str:
        return f"{self.job} {self.for_date}"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error
