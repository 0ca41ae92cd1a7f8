from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from advisors.models import private_storage


class ImportBatch(models.Model):
    """One uploaded workbook: previewed (nothing saved), then confirmed (all saved, or nothing). Kept as the
    audit of who imported what: the file's hash and the counts."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("基础信息（乡镇、村、机构、顾问、协议、联络员）")
        LEDGER = "ledger", _("历史工作台账")

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("检查中")
        READY = "ready", _("待确认")
        INVALID = "invalid", _("有错误")
        CONFIRMING = "confirming", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    RUNNING_STATUSES = (Status.PREVIEWING, Status.CONFIRMING)

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="imports"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # Held only until the import is done or cancelled (it carries phone numbers); the hash stays as its record.
    file = models.FileField(_("文件"), upload_to="imports/%Y/", storage=private_storage, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件哈希(SHA-256)"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PREVIEWING)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    # Per sheet: rows to create, update, unchanged, and the row-level errors (see imports.results).
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    # The accounts this import made, whose first passwords the login slips hand out.
    account_ids = models.JSONField(_("新建账号"), default=list, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据导入")
        verbose_name_plural = _("数据导入")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["bureau", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING_STATUSES

    def total(self, key: str) -> int:
        return sum(sheet.get(key, 0) for sheet in self.report.get("sheets", []))

    @property
    def error_count(self) -> int:
        return sum(len(sheet.get("errors", [])) for sheet in self.report.get("sheets", []))
