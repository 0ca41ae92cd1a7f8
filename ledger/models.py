import uuid
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import private_storage
from programme import measures
from programme.modes import ServiceMode
from villages.models import LateWorkListing


class ServiceType(models.Model):
    """服务类型: a fixed list (data migration), counted in the provincial statistics."""

    CONSULTATION = "consultation"
    MEDIATION = "mediation"
    PUBLICITY = "publicity"

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class WorkLogQuerySet(models.QuerySet):
    def in_month(self, year: int, month: int) -> "WorkLogQuerySet":
        return self.filter(service_date__year=year, service_date__month=month)

    def counted(self) -> "WorkLogQuerySet":
        """Logs that count towards the requirements: submitted or further along."""
        return self.filter(status__in=WorkLog.COUNTED_STATUSES)


class WorkLog(models.Model):
    """工作日志: one record per service (一次一记), filed under its village (一村一卷)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        CONFIRMED = "confirmed", _("已确认")
        VERIFIED = "verified", _("已核查")
        RETURNED = "returned", _("退回")

    class ObjectKind(models.TextChoices):
        PERSON = "person", _("个人")
        GROUP = "group", _("单位/群体")

    class Source(models.TextChoices):
        APP = "app", _("系统填报")
        IMPORTED = "imported", _("历史台账导入")

    COUNTED_STATUSES = tuple(map(Status, measures.COUNTED_STATUSES))
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    agreement = models.ForeignKey(
        "advisors.Agreement",
        verbose_name=_("法律顾问协议"),
        on_delete=models.PROTECT,
        related_name="worklogs",
    )
    advisor = models.ForeignKey(
        "advisors.Advisor", verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="worklogs"
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="worklogs"
    )
    firm_name = models.CharField(
        _("所在机构"), max_length=100, help_text=_("填写时顾问所在机构，随日志存档。")
    )

    service_date = models.DateField(_("服务日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    hours = models.DecimalField(_("服务时长(小时)"), max_digits=4, decimal_places=2, editable=False)
    mode = models.CharField(
        _("服务方式"), max_length=12, choices=ServiceMode.choices, default=ServiceMode.ONSITE
    )
    service_types = models.ManyToManyField(ServiceType, verbose_name=_("服务类型"), related_name="worklogs")

    object_kind = models.CharField(
        _("服务对象类型"), max_length=10, choices=ObjectKind.choices, default=ObjectKind.PERSON
    )
    object_name = models.CharField(_("服务对象"), max_length=100)
    object_situation = models.CharField(_("基本情况"), max_length=300, blank=True)
    object_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    people_served = models.PositiveIntegerField(
        _("服务人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    content = models.TextField(_("服务内容"), max_length=5000)
    result = models.TextField(_("处理结果"), max_length=5000, blank=True)
    remarks = models.CharField(_("备注"), max_length=500, blank=True)

    mediation_problem = models.TextField(_("纠纷问题"), max_length=2000, blank=True)
    mediation_measures = models.TextField(_("调解措施"), max_length=2000, blank=True)
    mediation_result = models.TextField(_("调解结果"), max_length=2000, blank=True)
    # Counted apart in the statistics table (seed 004: 调解纠纷, 其中重大疑难或信访积案).
    mediation_major = models.BooleanField(
        _("重大疑难或信访积案"),
        default=False,
        help_text=_("调解的纠纷属重大疑难纠纷或信访积案的，请勾选。"),
    )

    is_incident = models.BooleanField(
        _("涉稳/重大利益事项"),
        default=False,
        help_text=_("可能影响社会稳定或涉及村(居)群众重大利益的事项，将立即报告司法所。"),
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy = models.PositiveIntegerField(_("定位精度(米)"), null=True, blank=True)

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_on_behalf = models.BooleanField(_("司法所代为确认"), default=False)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    is_correction = models.BooleanField(_("补录更正"), default=False)
    # A log read from a past annual ledger (imports/ledgers.py): counted, but never verified or notified again.
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.APP)

    client_uuid = models.UUIDField(_("客户端编号"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WorkLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作日志")
        verbose_name_plural = _("工作日志")
        ordering = ["-service_date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["village", "service_date"]),
            models.Index(fields=["advisor", "service_date"]),
            models.Index(fields=["status", "service_date"]),
        ]

    def __str__(self) -> str:
        return _("%(village)s %(date)s %(name)s") % {
            "village": self.village,
            "date": self.service_date,
            "name": self.object_name,
        }

    def get_absolute_url(self) -> str:
        return reverse("ledger:worklog_detail", args=[self.pk])

    @property
    def checkin_distance(self) -> int | None:
        """Metres from the village committee to where the advisor checked in, or None (no check-in or no location)."""
        return self.village.distance_to(self.latitude, self.longitude)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @staticmethod
    def hours_between(start, end) -> Decimal:
        minutes = (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds // 60
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("结束时间必须晚于开始时间。")
        if self.service_date and self.service_date > timezone.localdate():
            errors["service_date"] = _("服务日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)
        if self.start_time and self.end_time:
            self.hours = self.hours_between(self.start_time, self.end_time)

    # --- the workflow: each transition records who and when; the services add the event trail ---

    def _require(self, *statuses, message) -> None:
        if self.status not in statuses:
            raise ValidationError(message)

    def submit(self) -> None:
        self._require(*self.EDITABLE_STATUSES, message=_("只有草稿或退回的日志可以提交。"))
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.return_reason = ""

    def confirm(self, *, by, on_behalf: bool) -> None:
        self._require(self.Status.SUBMITTED, message=_("只有已提交的日志可以确认。"))
        self.status = self.Status.CONFIRMED
        self.confirmed_at = timezone.now()
        self.confirmed_by = by
        self.confirmed_on_behalf = on_behalf

    def verify(self, *, by) -> None:
        self._require(self.Status.CONFIRMED, message=_("只有村(居)已确认的日志可以核查。"))
        self.status = self.Status.VERIFIED
        self.verified_at = timezone.now()
        self.verified_by = by

    def send_back(self, *, reason: str) -> None:
        self._require(
            self.Status.SUBMITTED, self.Status.CONFIRMED, message=_("只有已提交或已确认的日志可以退回。")
        )
        if not reason.strip():
            raise ValidationError({"reason": _("请填写退回原因。")})
        self.status = self.Status.RETURNED
        self.return_reason = reason.strip()
        self.confirmed_at = self.confirmed_by = None
        self.confirmed_on_behalf = False


class WorkLogEvent(models.Model):
    """The trail of a log: who did what and when, and for edits what changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("创建")
        EDITED = "edited", _("修改")
        SUBMITTED = "submitted", _("提交")
        CONFIRMED = "confirmed", _("村(居)确认")
        CONFIRMED_ON_BEHALF = "confirmed_on_behalf", _("司法所代为确认")
        DISPUTED = "disputed", _("村(居)提出异议")
        VERIFIED = "verified", _("司法所核查")
        RETURNED = "returned", _("退回")
        PHOTO_ADDED = "photo_added", _("添加照片")
        INCIDENT_ACKNOWLEDGED = "incident_acknowledged", _("司法所已知悉涉稳事项")

    worklog = models.ForeignKey(
        WorkLog, verbose_name=_("工作日志"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    changes = models.JSONField(_("修改内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("日志记录")
        verbose_name_plural = _("日志记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def changes_shown_to(self, user) -> dict:
        """The edit's changes as `user` may read them: the resident's phone masked unless they see it in full
        (common/phones.py: the log's advisor), and any number typed into a free text masked for everyone but them;
        the current number is revealed, audited, on the log's page. `user` None: masked (the admin)."""
        from common.masking import mask_phone, scrub_text
        from common.phones import sees_in_full

        if sees_in_full(user, self.worklog, "object_phone"):
            return dict(self.changes)
        return {
            field: [mask_phone(value) if field == "object_phone" else scrub_text(value) for value in values]
            for field, values in self.changes.items()
        }


class WorkLogPhoto(models.Model):
    worklog = models.ForeignKey(
        WorkLog, verbose_name=_("工作日志"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to="worklogs/%Y/%m/", storage=private_storage)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日志照片")
        verbose_name_plural = _("日志照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class Lecture(models.Model):
    """法治讲座: a service log with its topic and outline, filed with the justice office by quarter end."""

    worklog = models.OneToOneField(
        WorkLog, verbose_name=_("工作日志"), on_delete=models.CASCADE, related_name="lecture"
    )
    topic = models.CharField(_("讲座主题"), max_length=200)
    audience = models.CharField(
        _("听众"), max_length=200, blank=True, help_text=_("例如：村民、村“两委”成员、调解员")
    )
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)
    outline = models.TextField(_("讲座提纲"), max_length=10000, blank=True)
    outline_file = models.FileField(
        _("提纲附件"), upload_to="lectures/%Y/", storage=private_storage, blank=True
    )
    received_at = models.DateTimeField(_("司法所接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("法治讲座")
        verbose_name_plural = _("法治讲座")
        ordering = ["-worklog__service_date"]

    def __str__(self) -> str:
        return self.topic

    def clean(self) -> None:
        super().clean()
        if not self.outline.strip() and not self.outline_file:
            raise ValidationError({"outline": _("讲座须有提纲：请填写提纲或上传提纲文件。")})


class Incident(models.Model):
    """涉稳/重大利益事项: reported to the justice office at once, listed there until acknowledged."""

    village = models.ForeignKey(
        "villages.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="incidents"
    )
    advisor = models.ForeignKey(
        "advisors.Advisor", verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="incidents"
    )
    worklog = models.OneToOneField(
        WorkLog,
        verbose_name=_("工作日志"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incident",
    )
    summary = models.TextField(_("事项概要"), max_length=2000)
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("司法所知悉时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("知悉人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not acknowledged within the bureau's incident_escalation_hours: the bureau was told (once).
    escalated_at = models.DateTimeField(_("逾期上报司法局时间"), null=True, blank=True)
    handling = models.TextField(_("处置情况"), max_length=4000, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handling_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("涉稳/重大利益事项")
        verbose_name_plural = _("涉稳/重大利益事项")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        # Also called (by the audit trail) on an instance just created from strings, before any reload.
        reported = self.reported_at
        if isinstance(reported, datetime):
            reported = timezone.localtime(reported).date() if timezone.is_aware(reported) else reported.date()
        return f"{self.village} {str(reported)[:10]}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:incident_detail", args=[self.pk])


class LedgerSubmission(models.Model):
    """工作台账报送: an advisor's ledger for one village and month, submitted to the justice office by the due day.

    Once submitted, the month is closed to the advisor: a late log is filed as a correction the office accepts.
    """

    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("法律顾问"),
        on_delete=models.PROTECT,
        related_name="ledger_submissions",
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("村(社区)"),
        on_delete=models.PROTECT,
        related_name="ledger_submissions",
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(
        _("月"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期"), default=False)

    class Meta:
        verbose_name = _("月度台账报送")
        verbose_name_plural = _("月度台账报送")
        ordering = ["-year", "-month", "village"]
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "village", "year", "month"], name="ledger_submission_unique_per_month"
            )
        ]

    def __str__(self) -> str:
        return _("%(village)s %(year)s年%(month)s月台账") % {
            "village": self.village,
            "year": self.year,
            "month": self.month,
        }


class TownshipLedger(models.Model):
    """乡镇(街道)月度台账: the justice office forwards its villages' ledgers to the bureau before the month's end."""

    township = models.ForeignKey(
        "villages.Township", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="ledgers"
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(
        _("月"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    forwarded_at = models.DateTimeField(_("报送司法局时间"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期"), default=False)
    # Where the month's work after its ledgers went in was listed when the office forwarded it (the bureau's
    # `late_work_listing` then): a forwarded month keeps it; an open month follows the bureau's setting.
    late_work_listing = models.CharField(
        _("台账报送后服务的列入方式"), max_length=12, choices=LateWorkListing.choices, blank=True
    )
    # The bureau's receipt: until then the office may recall its forwarding.
    accepted_at = models.DateTimeField(_("司法局接收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("乡镇月度台账")
        verbose_name_plural = _("乡镇月度台账")
        ordering = ["-year", "-month", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "month"], name="township_ledger_unique_per_month"
            )
        ]

    def __str__(self) -> str:
        return _("%(township)s %(year)s年%(month)s月台账") % {
            "township": self.township,
            "year": self.year,
            "month": self.month,
        }


class WorkLogMonthly(models.Model):
    """A rollup of the counted logs: per township, advisor and month, one totals row (`service_type`
    empty: logs, people, hours, on-site visits, lectures) and one row per service type (logs and people). Kept
    current by ledger/rollups.py; the whole-bureau statistics read it instead of the logs."""

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.CASCADE, related_name="+"
    )
    township = models.ForeignKey(
        "villages.Township", verbose_name=_("乡镇(街道)"), on_delete=models.CASCADE, related_name="+"
    )
    advisor = models.ForeignKey(
        "advisors.Advisor", verbose_name=_("法律顾问"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("服务类型"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    logs = models.PositiveIntegerField(_("工作日志（条）"), default=0)
    people = models.PositiveIntegerField(_("服务人数"), default=0)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    onsite = models.PositiveIntegerField(_("到村服务（次）"), default=0)
    lectures = models.PositiveIntegerField(_("法治讲座（场）"), default=0)
    major_disputes = models.PositiveIntegerField(_("其中重大疑难或信访积案"), default=0)

    class Meta:
        verbose_name = _("工作日志月度汇总")
        verbose_name_plural = _("工作日志月度汇总")
        indexes = [
            models.Index(fields=["bureau", "year", "month"]),
            models.Index(fields=["township", "year", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.year}-{self.month:02d}"


class LedgerExport(models.Model):
    """全辖区年度台账导出: a bureau's annual ledger of every village (one sheet each) built in the background
    (ledger/exports.py) into a private file, downloaded later from the exports page. A city-year takes seconds to
    write, longer than a page should wait."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    PENDING_STATUSES = (Status.QUEUED, Status.RUNNING)

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="ledger_exports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("文件"), upload_to="ledger-exports/%Y/", storage=private_storage, blank=True)
    sheets = models.PositiveIntegerField(_("工作表数"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("全辖区年度台账导出")
        verbose_name_plural = _("全辖区年度台账导出")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one export of a bureau's year waiting or being built (ledger.exports.ledger_export_request).
            models.UniqueConstraint(
                fields=["bureau", "year"],
                condition=models.Q(status__in=["queued", "running"]),
                name="ledger_export_one_pending_per_bureau_year",
            )
        ]
        indexes = [models.Index(fields=["bureau", "-created_at"])]

    def __str__(self) -> str:
        return _("%(bureau)s %(year)s年度工作台账") % {"bureau": self.bureau, "year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("ledger:export_download", args=[self.pk])

    @property
    def filename(self) -> str:
        """The name the download is saved under (the stored file has an ASCII name of its own)."""
        return f"工作台账-{self.bureau.name}-{self.year}.xlsx"


class WorkSummary(models.Model):
    """司法所年度工作总结 (seed 001): the justice office's summary of the programme in its township for one year,
    typed or uploaded (or both), read by the bureau. One per township and year; the office edits it as it likes,
    each edit over the version it was shown."""

    township = models.ForeignKey(
        "villages.Township",
        verbose_name=_("乡镇(街道)"),
        on_delete=models.PROTECT,
        related_name="work_summaries",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.TextField(_("总结内容"), max_length=20000, blank=True)
    file = models.FileField(
        _("总结文件"), upload_to="work-summaries/%Y/", storage=private_storage, blank=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("司法所年度工作总结")
        verbose_name_plural = _("司法所年度工作总结")
        ordering = ["-year", "township__code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="work_summary_one_per_township_year")
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.year}年工作总结"

    def get_absolute_url(self) -> str:
        return reverse("ledger:work_summary", args=[self.township_id, self.year])

    def clean(self) -> None:
        super().clean()
        if not self.text.strip() and not self.file:
            raise ValidationError({"text": _("请填写总结内容，或上传总结文件。")})
