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


class LateWorkListing(models.TextChoices):
    """Where work done after a month's ledger went in (the 26th–31st after a ledger sent by the 25th) is listed."""

    NEXT_LEDGER = "next_ledger", _("计入次月台账")
    LATE_LIST = "late_list", _("列入当月补报清单")


class BureauQuerySet(models.QuerySet):
    def within(self, bureau) -> "BureauQuerySet":
        """`bureau` (a Bureau or its id) and every bureau below it: the tree is at most province → city → county."""
        bureau_id = getattr(bureau, "pk", bureau)
        return self.filter(
            models.Q(pk=bureau_id) | models.Q(parent_id=bureau_id) | models.Q(parent__parent_id=bureau_id)
        )

    def counties(self) -> "BureauQuerySet":
        """The county and district bureaus: those that hold townships and run the programme."""
        return self.filter(level=Bureau.Level.COUNTY)


class Bureau(models.Model):
    """A justice bureau. A county or district bureau (县级) is the tenant: it holds the townships and the
    programme's settings. A city bureau (市司法局) oversees its counties and a province's 司法厅 its cities (seeds 003
    and 004); they hold no townships, and their settings are the defaults a new bureau below them starts from."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级司法厅")
        CITY = "city", _("市级司法局")
        COUNTY = "county", _("县级司法局")

    # The level a bureau's parent must have.
    PARENT_LEVEL = {Level.COUNTY: Level.CITY, Level.CITY: Level.PROVINCE}
    # Identity and place in the tree: what a bureau below does not take over from its parent's settings.
    NOT_RULES = frozenset({"id", "name", "code", "address", "phone", "level", "parent", "records_start_on"})

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级司法行政机关"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("县级司法局的上级为市司法局，市司法局的上级为省司法厅。"),
    )

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
    # Seed 001 附件3: 每月25日前报服务地司法所, the office forwards by the month's end: the month's ledger covers the
    # days to its submission, and the rest of the month goes on the next ledger unless the bureau keeps a late list.
    late_work_listing = models.CharField(
        _("台账报送后服务的列入方式"),
        max_length=12,
        choices=LateWorkListing.choices,
        default=LateWorkListing.NEXT_LEDGER,
        help_text=_(
            "台账报送后（如25日报送后26日至月底）的服务：计入次月台账，列在次月台账前部“上月X日后服务记录”"
            "（001号文附件3：台账每月25日前报服务地司法所，司法所当月底前汇总上报，月末几天的服务只能随次月台账报送）；"
            "或列入当月补报清单，由司法所随当月台账报送。不影响服务次数和时长的统计（按服务日期）。"
        ),
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
    # Reviews, pay and the forms: where the seeds differ, the bureau says which it follows.
    fail_blocks_renewal = models.BooleanField(
        _("年终考核不合格取消续签资格"),
        default=True,
        help_text=_(
            "勾选：年终考核不合格的法律顾问次年不予续聘（004号文）；不勾选：提出整改要求，仍可续聘（003号文）。"
        ),
    )
    form_footnote = models.TextField(
        _("台账表注"),
        blank=True,
        help_text=_("印在工作台账下方的说明；留空时按台账报送截止日生成。"),
    )
    form_province = models.CharField(
        _("表格所属省份"),
        max_length=20,
        blank=True,
        help_text=_("印在工作日志和台账标题前，例如“河南省”。"),
    )
    half_year_review_pays = models.BooleanField(
        _("半年考核等次决定上半年补贴"),
        default=False,
        help_text=_("不勾选：半年考核仅作参考，全年补贴按年终考核等次发放（004号文）。"),
    )
    incident_escalation_hours = models.PositiveSmallIntegerField(
        _("涉稳事项司法所知悉时限(小时)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("司法所在该时限内未知悉的涉稳事项，提醒司法局（004号文：逐级上报）。"),
    )
    year_end_review_opens_month = models.PositiveSmallIntegerField(
        _("年终考核开启月"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "留空：次年1月初开启。填写（如12月1日）：当年该日起可开启，考核当年截至前一日的工作（003号文）。"
        ),
    )
    year_end_review_opens_day = models.PositiveSmallIntegerField(
        _("年终考核开启日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = _("司法局")
        verbose_name_plural = _("司法局")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is not None and self.parent.level != self.PARENT_LEVEL.get(self.level):
            raise ValidationError(
                {"parent": _("上级须为：县级司法局属市司法局，市司法局属省司法厅；省司法厅没有上级。")}
            )
        modes = self.onsite_modes
        if not isinstance(modes, list) or not modes or not set(modes) <= set(ServiceMode.values):
            raise ValidationError({"onsite_modes": _("请至少选择一种计入到村服务的服务方式。")})
        if (self.year_end_review_opens_month is None) != (self.year_end_review_opens_day is None):
            raise ValidationError(
                {"year_end_review_opens_day": _("年终考核开启月和日须同时填写或同时留空。")}
            )

    @property
    def is_county(self) -> bool:
        return self.level == self.Level.COUNTY

    @classmethod
    def rule_field_names(cls) -> list[str]:
        return [f.name for f in cls._meta.concrete_fields if f.name not in cls.NOT_RULES]

    def rules_for_new_bureau(self) -> dict:
        """The settings a bureau created below this one starts from (a city's or province's published defaults)."""
        return {name: getattr(self, name) for name in self.rule_field_names()}

    def year_end_review_opens_on(self, year: int) -> date | None:
        """The day the bureau opens `year`'s year-end review within that year, or None (after 31 December)."""
        if self.year_end_review_opens_month is None or self.year_end_review_opens_day is None:
            return None
        return date(year, self.year_end_review_opens_month, self.year_end_review_opens_day)

    def form_title(self, form: str) -> str:
        """A provincial form's title with the bureau's province: 河南省村(居)法律顾问工作台账."""
        return f"{self.form_province}{form}"

    def ledger_footnote(self) -> str:
        return self.form_footnote or _(
            "本工作台账由村(居)法律顾问填写，每月%(day)s日前报服务地司法所，司法所汇总后于当月底前报县级司法行政机关。"
        ) % {"day": self.ledger_due_day}

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
