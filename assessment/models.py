"""Reviews (考核): the half-year and year-end review of each advisor, the opinions that feed it, and the evidence
the bureau gathers beside the logs: return visits (回访) and inspections (检查)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """等次 (seed 004): what the bureau pays by."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Rating(models.TextChoices):
    """The village's and the justice office's rating (seed 001 附件1 二: 优良 / 合格 / 不合格)."""

    GOOD = "good", _("优良")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ScoringRule(models.Model):
    """The bureau's rule from indicators and ratings to a proposed tier: points per indicator, tier thresholds.

    Each indicator earns its points in proportion to how far the requirement was met (capped at 100%); the ratings
    earn full points for 优良, `pass_rating_share` of them for 合格, none for 不合格. Each open inspection finding
    takes points off. The defaults add up to 100 and follow the seeds (see `assessment/scoring.py`).
    """

    bureau = models.OneToOneField(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.CASCADE, related_name="scoring_rule"
    )
    points_onsite_months = models.PositiveSmallIntegerField(_("每月到村服务(分)"), default=20)
    points_service_hours = models.PositiveSmallIntegerField(_("服务时长(分)"), default=15)
    points_lectures = models.PositiveSmallIntegerField(_("每季度法治讲座(分)"), default=10)
    points_ledgers_on_time = models.PositiveSmallIntegerField(_("台账按时报送(分)"), default=10)
    points_logs_confirmed = models.PositiveSmallIntegerField(_("日志经村(居)确认(分)"), default=5)
    points_logs_verified = models.PositiveSmallIntegerField(_("日志经司法所核查(分)"), default=5)
    points_wechat_group = models.PositiveSmallIntegerField(_("建立村(居)法律服务微信群(分)"), default=5)
    points_return_visits = models.PositiveSmallIntegerField(_("回访满意度(分)"), default=10)
    points_village_rating = models.PositiveSmallIntegerField(_("村(居)评价(分)"), default=10)
    points_office_rating = models.PositiveSmallIntegerField(_("司法所评价(分)"), default=10)
    pass_rating_share = models.PositiveSmallIntegerField(
        _("评价为合格时得分比例(%)"), default=60, validators=[MaxValueValidator(100)]
    )
    deduction_per_open_finding = models.DecimalField(
        _("每项未整改检查问题扣分"), max_digits=4, decimal_places=1, default=Decimal("2")
    )
    threshold_excellent = models.DecimalField(
        _("优秀最低分"), max_digits=5, decimal_places=1, default=Decimal("90")
    )
    threshold_good = models.DecimalField(
        _("良好最低分"), max_digits=5, decimal_places=1, default=Decimal("80")
    )
    threshold_pass = models.DecimalField(
        _("合格最低分"), max_digits=5, decimal_places=1, default=Decimal("60")
    )

    class Meta:
        verbose_name = _("考核评分规则")
        verbose_name_plural = _("考核评分规则")

    def __str__(self) -> str:
        return _("%(bureau)s考核评分规则") % {"bureau": self.bureau}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if not (self.threshold_excellent > self.threshold_good > self.threshold_pass >= 0):
            raise ValidationError(_("分数线应满足：优秀 > 良好 > 合格 ≥ 0。"))

    def tier_for(self, score: Decimal) -> str:
        if score >= self.threshold_excellent:
            return Tier.EXCELLENT
        if score >= self.threshold_good:
            return Tier.GOOD
        if score >= self.threshold_pass:
            return Tier.PASS
        return Tier.FAIL


class ReviewPeriod(models.Model):
    """半年考核 (H1: 1 January–30 June, opened early July) or 年终考核 (the year, opened early January after it)."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half", _("半年考核")
        YEAR = "year", _("年终考核")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="review_periods"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    start_date = models.DateField(_("考核期开始"))
    end_date = models.DateField(_("考核期结束"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("开启时间"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # A half-year period pays the first half only when the bureau says so; taken from the bureau's setting at each
    # computation while the period is open, so a closed period keeps what it paid.
    pays = models.BooleanField(_("等次决定补贴发放"), default=True)

    class Meta:
        verbose_name = _("考核期")
        verbose_name_plural = _("考核期")
        ordering = ["-end_date", "bureau"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "kind", "year"], name="review_period_unique_per_bureau")
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("assessment:period_detail", args=[self.pk])

    @property
    def label(self) -> str:
        if self.kind == self.Kind.HALF_YEAR:
            return _("%(year)s年上半年考核") % {"year": self.year}
        return _("%(year)s年年终考核") % {"year": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Review(models.Model):
    """One advisor's review in a period: indicators per village, the four opinions, proposed and final tier."""

    class Status(models.TextChoices):
        OPEN = "open", _("评价中")
        FINAL = "final", _("已定等次")

    class AdvisorResponse(models.TextChoices):
        PENDING = "", _("未确认")
        CONFIRMED = "confirmed", _("已确认")
        OBJECTED = "objected", _("有异议")

    period = models.ForeignKey(
        ReviewPeriod, verbose_name=_("考核期"), on_delete=models.CASCADE, related_name="reviews"
    )
    advisor = models.ForeignKey(
        "advisors.Advisor", verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)

    # What the data say, computed by assessment.services.computation and frozen once final.
    computed_at = models.DateTimeField(_("指标计算时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    breakdown = models.JSONField(_("得分明细"), default=list, blank=True)
    proposed_tier = models.CharField(_("建议等次"), max_length=10, choices=Tier.choices, blank=True)

    # 1. The advisor's self-assessment.
    self_assessment = models.TextField(_("自我评价"), max_length=5000, blank=True)
    self_rating = models.CharField(_("自评等次"), max_length=10, choices=Tier.choices, blank=True)
    self_assessed_at = models.DateTimeField(_("自评时间"), null=True, blank=True)

    # The advisor's answer to the indicators, and the justice office's reply to an objection.
    advisor_response = models.CharField(
        _("顾问确认"),
        max_length=10,
        choices=AdvisorResponse.choices,
        blank=True,
        default=AdvisorResponse.PENDING,
    )
    objection = models.TextField(_("异议内容"), max_length=3000, blank=True)
    responded_at = models.DateTimeField(_("确认/异议时间"), null=True, blank=True)
    objection_answer = models.TextField(_("司法所答复"), max_length=3000, blank=True)
    objection_answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    objection_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # 3. The justice office's rating (the village's, 2., is per village: ReviewVillage).
    office_rating = models.CharField(_("司法所评价"), max_length=10, choices=Rating.choices, blank=True)
    office_comment = models.TextField(_("司法所意见"), max_length=3000, blank=True)
    office_rated_at = models.DateTimeField(_("司法所评价时间"), null=True, blank=True)
    office_rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("司法所评价人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # 4. The bureau's final tier; a tier other than the proposed one needs a written reason.
    final_tier = models.CharField(_("最终等次"), max_length=10, choices=Tier.choices, blank=True)
    override_reason = models.TextField(_("调整等次理由"), max_length=3000, blank=True)
    misconduct = models.BooleanField(
        _("存在违规违纪行为"), default=False, help_text=_("经查实存在违规违纪行为的，不予发放补贴。")
    )
    misconduct_reason = models.TextField(_("违规违纪情况"), max_length=3000, blank=True)
    finalized_at = models.DateTimeField(_("定等时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定等人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("顾问考核")
        verbose_name_plural = _("顾问考核")
        ordering = ["period", "advisor__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "advisor"], name="review_unique_per_advisor")
        ]
        indexes = [models.Index(fields=["advisor", "status"])]

    def __str__(self) -> str:
        return _("%(advisor)s — %(period)s") % {"advisor": self.advisor, "period": self.period}

    def get_absolute_url(self) -> str:
        return reverse("assessment:review_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def is_overridden(self) -> bool:
        return bool(self.final_tier) and self.final_tier != self.proposed_tier

    @property
    def has_open_objection(self) -> bool:
        return self.advisor_response == self.AdvisorResponse.OBJECTED and not self.objection_answered_at


class ReviewVillage(models.Model):
    """One village of a review: its indicators and the village's rating (by the liaison, 优良 / 合格 / 不合格)."""

    review = models.ForeignKey(
        Review, verbose_name=_("顾问考核"), on_delete=models.CASCADE, related_name="villages"
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="review_rows"
    )
    agreement = models.ForeignKey(
        "advisors.Agreement",
        verbose_name=_("法律顾问协议"),
        on_delete=models.PROTECT,
        related_name="review_rows",
        help_text=_("考核期内最后一份有效协议；补贴按考核期内各协议分别计算。"),
    )
    indicators = models.JSONField(_("指标"), default=dict, blank=True)
    village_rating = models.CharField(_("村(居)评价"), max_length=10, choices=Rating.choices, blank=True)
    village_comment = models.TextField(_("村(居)意见"), max_length=3000, blank=True)
    village_rated_at = models.DateTimeField(_("村(居)评价时间"), null=True, blank=True)
    village_rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("村(居)评价人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("考核村(居)")
        verbose_name_plural = _("考核村(居)")
        ordering = ["review", "village__code"]
        constraints = [models.UniqueConstraint(fields=["review", "village"], name="review_village_unique")]

    def __str__(self) -> str:
        return f"{self.review} — {self.village}"


class PayoutDeduction(models.Model):
    """A deduction from one agreement's payout in a review, with its reason (e.g. 未按时报送台账)."""

    review = models.ForeignKey(
        Review, verbose_name=_("顾问考核"), on_delete=models.CASCADE, related_name="deductions"
    )
    agreement = models.ForeignKey(
        "advisors.Agreement", verbose_name=_("法律顾问协议"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("扣减金额(元)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.CharField(_("扣减原因"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("补贴扣减")
        verbose_name_plural = _("补贴扣减")
        ordering = ["review", "pk"]

    def __str__(self) -> str:
        return f"{self.reason}：{self.amount}元"


class ReviewEvent(models.Model):
    """What happened to a review, in order: each opinion, the objection round, the final tier, a later change."""

    class Action(models.TextChoices):
        OPENED = "opened", _("开启考核")
        COMPUTED = "computed", _("计算指标")
        SELF_ASSESSED = "self_assessed", _("顾问自评")
        VILLAGE_RATED = "village_rated", _("村(居)评价")
        OFFICE_RATED = "office_rated", _("司法所评价")
        CONFIRMED = "confirmed", _("顾问确认指标")
        OBJECTED = "objected", _("顾问提出异议")
        ANSWERED = "answered", _("司法所答复异议")
        DEDUCTED = "deducted", _("补贴扣减")
        FINALIZED = "finalized", _("司法局定等")
        CHANGED_AFTER_FINAL = "changed", _("定等后修改")

    review = models.ForeignKey(
        Review, verbose_name=_("顾问考核"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), max_length=3000, blank=True)
    changes = models.JSONField(_("修改内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")
        ordering = ["review", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ReturnVisit(models.Model):
    """回访: bureau staff ask a village cadre or a resident about the advisor's service, at any time."""

    class Contact(models.TextChoices):
        CADRE = "cadre", _("村(居)干部")
        RESIDENT = "resident", _("群众")

    class Method(models.TextChoices):
        PHONE = "phone", _("电话回访")
        ONSITE = "onsite", _("实地回访")

    village = models.ForeignKey(
        "villages.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="return_visits"
    )
    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("法律顾问"),
        on_delete=models.PROTECT,
        related_name="return_visits",
        help_text=_("回访日该村(居)的法律顾问。"),
    )
    visited_on = models.DateField(_("回访日期"))
    contact_kind = models.CharField(_("回访对象"), max_length=10, choices=Contact.choices)
    contact_name = models.CharField(_("对象姓名"), max_length=50, blank=True)
    method = models.CharField(_("回访方式"), max_length=10, choices=Method.choices)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    comments = models.TextField(_("回访意见"), max_length=3000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["advisor", "visited_on"]),
            models.Index(fields=["village", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.visited_on} {self.get_satisfaction_display()}"


class Inspection(models.Model):
    """检查: the bureau's inspection of a township or village (twice a year at least), or the justice office's
    monthly check, with its findings and their follow-up."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("司法局督导检查")
        OFFICE = "office", _("司法所月度检查")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    township = models.ForeignKey(
        "villages.Township",
        verbose_name=_("乡镇(街道)"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("村(社区)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        help_text=_("检查整个乡镇(街道)时留空。"),
    )
    advisor = models.ForeignKey(
        "advisors.Advisor",
        verbose_name=_("涉及法律顾问"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    checked_items = models.TextField(_("检查内容"), max_length=3000)
    findings = models.TextField(_("发现问题"), max_length=3000, blank=True)
    follow_up_due = models.DateField(_("整改期限"), null=True, blank=True)
    resolution = models.TextField(_("整改情况"), max_length=3000, blank=True)
    resolved_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-inspected_on", "-pk"]
        indexes = [
            models.Index(fields=["township", "inspected_on"]),
            models.Index(fields=["advisor", "inspected_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.township} {self.inspected_on}"

    @property
    def has_findings(self) -> bool:
        return bool(self.findings.strip())

    def is_open_on(self, day: date) -> bool:
        """A finding not yet resolved by `day`."""
        return self.has_findings and (self.resolved_on is None or self.resolved_on > day)
