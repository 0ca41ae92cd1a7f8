import calendar
import math
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programme.modes import ServiceMode, default_onsite_modes

EARTH_RADIUS_M = 6_371_000


class ServicePeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


class LecturePeriod(models.TextChoices):
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class Bureau(models.Model):
    """A county or district justice bureau: the tenant, holding the programme's settings."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    # The programme's rules; defaults follow the seeds (see DESIGN.md "The rules").
    max_villages_per_advisor = models.PositiveSmallIntegerField(
        _("每名顾问最多服务村(居)数"), default=6, validators=[MinValueValidator(1)]
    )
    service_hours_required = models.PositiveSmallIntegerField(_("服务时长要求(小时)"), default=8)
    service_hours_period = models.CharField(
        _("服务时长计算周期"), max_length=10, choices=ServicePeriod.choices, default=ServicePeriod.MONTH
    )
    onsite_visits_per_month = models.PositiveSmallIntegerField(_("每月到村服务次数要求"), default=1)
    # What counts as on site for the visits and the hours (到村/现场, seeds 002 and 004): never phone or online.
    onsite_modes = models.JSONField(
        _("计入到村服务的服务方式"),
        default=default_onsite_modes,
        help_text=_("到村服务次数和服务时长只计这些服务方式的日志。"),
    )
    lectures_required = models.PositiveSmallIntegerField(_("法治讲座次数要求"), default=1)
    lectures_period = models.CharField(
        _("法治讲座计算周期"),
        max_length=10,
        choices=LecturePeriod.choices,
        default=LecturePeriod.QUARTER,
        help_text=_("每季度 1 次（001号文）或每年 2 次（003号文）。"),
    )
    verification_days = models.PositiveSmallIntegerField(
        _("司法所核查期限(天)"),
        default=10,
        help_text=_("日志经村(居)确认满该天数后仍未核查的，才计入“日志经司法所核查”指标的分母。"),
    )
    ledger_due_day = models.PositiveSmallIntegerField(
        _("台账报送截止日(每月)"), default=25, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    agreement_filing_month = models.PositiveSmallIntegerField(
        _("协议备案截止月"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    agreement_filing_day = models.PositiveSmallIntegerField(
        _("协议备案截止日"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    records_start_on = models.DateField(
        _("系统启用日期"),
        null=True,
        blank=True,
        help_text=_("此前的月份不计入考核指标（系统启用前的工作按原办法考核）。"),
    )
    payout_percent_excellent = models.PositiveSmallIntegerField(_("优秀补贴发放比例(%)"), default=100)
    payout_percent_good = models.PositiveSmallIntegerField(_("良好补贴发放比例(%)"), default=100)
    payout_percent_pass = models.PositiveSmallIntegerField(_("合格补贴发放比例(%)"), default=70)
    payout_percent_fail = models.PositiveSmallIntegerField(_("不合格补贴发放比例(%)"), default=50)
    # Residents' requests and ratings (consultations/): the answer's due time, how long personal data is kept,
    # and how much the residents' own ratings weigh in the 群众满意度 indicator beside the bureau's return visits.
    resident_request_due_working_days = models.PositiveSmallIntegerField(
        _("群众留言答复期限(工作日)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("逾期未办结的留言转乡镇司法所。按周一至周五计算，不含法定节假日调休。"),
    )
    resident_data_retention_months = models.PositiveSmallIntegerField(
        _("群众留言个人信息保存期限(月)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("留言办结后保存的月数，期满删除姓名、电话和问题内容。"),
    )
    resident_rating_weight = models.PositiveSmallIntegerField(
        _("群众评价在满意度指标中的权重(%)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("群众满意度 = 回访满意度 ×(100−权重)% + 群众在线评价 × 权重%；只有一项时按该项计。"),
    )

    class Meta:
        verbose_name = _("司法局")
        verbose_name_plural = _("司法局")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        modes = self.onsite_modes
        if not isinstance(modes, list) or not modes or not set(modes) <= set(ServiceMode.values):
            raise ValidationError({"onsite_modes": _("请至少选择一种计入到村服务的服务方式。")})

    def agreement_filing_deadline(self, year: int) -> date:
        last_day = calendar.monthrange(year, self.agreement_filing_month)[1]
        return date(year, self.agreement_filing_month, min(self.agreement_filing_day, last_day))


class Township(models.Model):
    """乡镇 / 街道 with its justice office (司法所)."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        STREET = "street", _("街道")

    bureau = models.ForeignKey(
        Bureau, verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="townships"
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    code = models.CharField(_("代码"), max_length=12, unique=True)
    office_name = models.CharField(_("司法所名称"), max_length=100)
    office_address = models.CharField(_("司法所地址"), max_length=200, blank=True)
    office_phone = models.CharField(_("司法所电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="township_unique_name_per_bureau")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("villages:township_detail", args=[self.pk])


class Village(models.Model):
    """村 or 社区 (居): the unit an advisor serves, one active advisor at a time."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    township = models.ForeignKey(
        Township, verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.VILLAGE)
    code = models.CharField(_("村(居)代码"), max_length=12, unique=True)
    liaison = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("村联络员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_village",
    )
    liaison_phone = models.CharField(_("联络员电话"), max_length=30, blank=True)
    onsite_hours = models.CharField(
        _("驻点时间"), max_length=100, blank=True, help_text=_("向群众公示，例如：每月第一个周三 9:00-12:00")
    )
    address = models.CharField(_("村(居)委会地址"), max_length=200, blank=True)
    # Where the village committee is: an advisor's check-in is shown as its distance from here.
    latitude = models.DecimalField(
        _("村(居)委会纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("村(居)委会经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # The village's legal-service WeChat group (seed 001 二(二)6): counted in the review, its QR shown publicly.
    wechat_group_set_up_on = models.DateField(_("微信群建立日期"), null=True, blank=True)
    wechat_group_qr = models.ImageField(
        _("微信群二维码"), upload_to="villages/wechat/", blank=True, help_text=_("向群众公示，扫码入群。")
    )

    class Meta:
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_name_per_township")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("villages:village_detail", args=[self.pk])

    @property
    def name_with_township(self) -> str:
        """How a village is told apart wherever one is picked: two townships may each have a 李岗村."""
        return f"{self.name}（{self.township.name}）"

    def distance_to(self, latitude, longitude) -> int | None:
        """Metres from the village committee to a point (haversine on a sphere of the Earth's mean radius), or None
        when either place is unknown."""
        if None in (self.latitude, self.longitude, latitude, longitude):
            return None
        lat1, lng1, lat2, lng2 = map(
            math.radians, map(float, (self.latitude, self.longitude, latitude, longitude))
        )
        a = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
        )
        return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))

    def has_wechat_group_by(self, day: date) -> bool:
        return self.wechat_group_set_up_on is not None and self.wechat_group_set_up_on <= day
