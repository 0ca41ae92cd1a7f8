from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():
    return storages["private"]


phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("请输入有效的电话号码，例如 0375-1234567 或 13800000000。")
)


class Firm(models.Model):
    """The institution an advisor works for (所在机构)."""

    class Kind(models.TextChoices):
        LAW_FIRM = "law_firm", _("律师事务所")
        LEGAL_SERVICE = "legal_service", _("基层法律服务所")
        LEGAL_AID = "legal_aid", _("法律援助中心")
        JUSTICE_OFFICE = "justice_office", _("司法所")
        OTHER = "other", _("其他")

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="firms"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.LAW_FIRM)
    licence_number = models.CharField(_("执业许可证号/统一社会信用代码"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = _("执业机构")
        verbose_name_plural = _("执业机构")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="firm_unique_name_per_bureau")]

    def __str__(self) -> str:
        return self.name


class Advisor(models.Model):
    """村(居)法律顾问."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("律师")
        LEGAL_WORKER = "legal_worker", _("基层法律服务工作者")
        PUBLIC_LAWYER = "public_lawyer", _("公职律师")
        LEGAL_AID_LAWYER = "legal_aid_lawyer", _("法律援助律师")
        OTHER = "other", _("其他")

    bureau = models.ForeignKey(
        "villages.Bureau", verbose_name=_("司法局"), on_delete=models.PROTECT, related_name="advisors"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisor",
        help_text=_("没有账号的顾问不能登录填写工作日志。"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.LAWYER)
    licence_number = models.CharField(_("执业证号"), max_length=30, unique=True)
    firm = models.ForeignKey(
        Firm, verbose_name=_("所在机构"), on_delete=models.PROTECT, related_name="advisors"
    )
    mobile = models.CharField(_("手机号"), max_length=20, validators=[phone_validator])
    work_phone = models.CharField(
        _("公开工作电话"),
        max_length=30,
        blank=True,
        validators=[phone_validator],
        help_text=_("在公示栏和公开页面上展示的电话，不公开手机号。"),
    )
    photo = models.ImageField(_("照片"), upload_to="advisors/photos/", blank=True)
    profile = models.TextField(_("个人简介"), blank=True, max_length=1000)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("法律顾问")
        verbose_name_plural = _("法律顾问")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("advisors:advisor_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.firm_id and self.bureau_id and self.firm.bureau_id != self.bureau_id:
            raise ValidationError({"firm": _("所在机构不属于该顾问的司法局。")})


class AgreementQuerySet(models.QuerySet):
    def in_force(self) -> "AgreementQuerySet":
        """Agreements that bind: signed or filed, or ended (their end date cut to the day they ended)."""
        return self.exclude(status=Agreement.Status.DRAFT)

    def covering(self, day: date) -> "AgreementQuerySet":
        return self.in_force().filter(start_date__lte=day, end_date__gte=day)

    def overlapping(self, start: date, end: date) -> "AgreementQuerySet":
        return self.in_force().filter(start_date__lte=end, end_date__gte=start)

    def current(self) -> "AgreementQuerySet":
        """Agreements active today: signed or filed and covering today's date."""
        return self.covering(timezone.localdate()).exclude(status=Agreement.Status.ENDED)


class Agreement(models.Model):
    """法律顾问协议 between an advisor and a village, filed with the bureau (备案)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        SIGNED = "signed", _("已签订")
        FILED = "filed", _("已备案")
        ENDED = "ended", _("终止")

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("法律顾问"), on_delete=models.PROTECT, related_name="agreements"
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="agreements"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    annual_subsidy = models.DecimalField(
        _("年度补贴(元)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_late = models.BooleanField(_("逾期备案"), default=False, editable=False)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    contract_scan = models.FileField(
        _("协议扫描件"), upload_to="agreements/%Y/", storage=private_storage, blank=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("续聘自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律顾问协议")
        verbose_name_plural = _("法律顾问协议")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="agreement_end_after_start",
                violation_error_message=_("结束日期必须晚于开始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["advisor", "status", "end_date"]),
            models.Index(fields=["village", "end_date"]),
        ]
        # PostgreSQL also enforces "one village, one advisor at a time" with an exclusion
        # constraint (migration 0002); on SQLite the model's clean() is the only guard.

    def __str__(self) -> str:
        return _("%(advisor)s — %(village)s（%(start)s至%(end)s）") % {
            "advisor": self.advisor,
            "village": self.village,
            "start": self.start_date,
            "end": self.end_date,
        }

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._remember_stored()

    def get_absolute_url(self) -> str:
        return reverse("advisors:agreement_detail", args=[self.pk])

    @property
    def year(self) -> int:
        return self.start_date.year

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (
            self.status in (self.Status.SIGNED, self.Status.FILED)
            and self.start_date <= today <= self.end_date
        )

    @property
    def filing_deadline(self) -> date:
        """31 March of the start year; an agreement that starts later has one month from its start."""
        return self.filing_deadline_of(self.village.township.bureau, self.start_date)

    @staticmethod
    def filing_deadline_of(bureau, start_date: date) -> date:
        """The filing deadline of an agreement of `bureau` starting on `start_date` (`filing_deadline`)."""
        return max(bureau.agreement_filing_deadline(start_date.year), start_date + timedelta(days=30))

    # --- the rules (also run by the admin's forms through full_clean) ---

    # What the row holds in the database, to tell a change that only shrinks an agreement from one that grows it.
    @classmethod
    def from_db(cls, db, field_names, values):
        agreement = super().from_db(db, field_names, values)
        agreement._remember_stored()
        return agreement

    def _remember_stored(self) -> None:
        self._loaded_binding = self._binding()
        self._loaded_binds = self.status != self.Status.DRAFT

    def _binding(self) -> tuple:
        return (self.advisor_id, self.village_id, self.start_date, self.end_date)

    def clean(self) -> None:
        super().clean()
        if not (self.start_date and self.end_date and self.advisor_id and self.village_id):
            return
        if self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("结束日期必须晚于开始日期。")})
        if self.advisor.bureau_id != self.village.township.bureau_id:
            raise ValidationError(_("法律顾问与村(居)不属于同一司法局。"))
        if self._state.adding:
            self._check_renewable()
        # Every agreement, a draft too, must fit the rules (a draft that could never be signed is refused when it
        # is saved, with the messages signing would give), unless it was already binding and the change only
        # shrinks it: filing or ending must still work after the bureau lowers its limit.
        if self._only_shrinks():
            return
        self._check_village_free()
        self._check_advisor_limit()

    def _check_renewable(self) -> None:
        # The policies other apps register (assessment: 不合格 at the year-end review, seeds 003/004).
        from .renewal import renewal_refusal

        refusal = renewal_refusal(self.advisor, self.start_date.year)
        if refusal:
            raise ValidationError(refusal)

    def _only_shrinks(self) -> bool:
        loaded = getattr(self, "_loaded_binding", None)
        if not (loaded and getattr(self, "_loaded_binds", False)):
            return False
        advisor_id, village_id, start, end = loaded
        return (
            (self.advisor_id, self.village_id) == (advisor_id, village_id)
            and self.start_date >= start
            and self.end_date <= end
        )

    def _others(self) -> AgreementQuerySet:
        return Agreement.objects.exclude(pk=self.pk).overlapping(self.start_date, self.end_date)

    def _check_village_free(self) -> None:
        clash = self._others().filter(village_id=self.village_id).select_related("advisor").first()
        if clash:
            raise self.village_taken_error(clash)

    def _check_advisor_limit(self) -> None:
        limit = self.village.township.bureau.max_villages_per_advisor
        others = list(self._others().filter(advisor_id=self.advisor_id).select_related("village"))
        self.check_advisor_limit(others, limit)

    # The two rules on agreements already loaded: also run by the roster import (imports/roster.py) against the
    # agreements of the bureau and of the workbook, held in memory.

    def village_taken_error(self, clash: "Agreement") -> ValidationError:
        return ValidationError(
            _(
                "%(village)s 在 %(start)s 至 %(end)s 已有生效协议（顾问：%(advisor)s，协议编号 %(pk)s），同一村(居)同一时间只能有一名法律顾问。"
            )
            % {
                "village": self.village,
                "start": clash.start_date,
                "end": clash.end_date,
                "advisor": clash.advisor,
                "pk": clash.pk or _("本次导入"),
            }
        )

    def check_advisor_limit(self, others: list["Agreement"], limit: int) -> None:
        """`others`: the advisor's other binding agreements overlapping this one."""
        # The limit is on agreements in force on the same day, so find the busiest day of this agreement's period.
        for day in sorted(
            {self.start_date, *(a.start_date for a in others if a.start_date > self.start_date)}
        ):
            concurrent = [a for a in others if a.start_date <= day <= a.end_date]
            if len(concurrent) + 1 > limit:
                names = "、".join(a.village.name for a in concurrent)
                raise ValidationError(
                    _(
                        "%(advisor)s 在 %(day)s 已服务 %(count)s 个村(居)（%(names)s），每名顾问最多服务 %(limit)s 个村(居)。"
                    )
                    % {
                        "advisor": self.advisor,
                        "day": day,
                        "count": len(concurrent),
                        "names": names,
                        "limit": limit,
                    }
                )

    # --- state transitions ---

    def sign(self, *, on: date) -> None:
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("只有草拟状态的协议可以签订。"))
        self.status = self.Status.SIGNED
        self.signed_on = on

    def file(self, *, on: date) -> None:
        if self.status != self.Status.SIGNED:
            raise ValidationError(_("只有已签订的协议可以备案。"))
        self.status = self.Status.FILED
        self.filed_on = on
        self.filed_late = on > self.filing_deadline

    def end(self, *, on: date, reason: str) -> None:
        if self.status not in (self.Status.SIGNED, self.Status.FILED):
            raise ValidationError(_("只有已签订或已备案的协议可以终止。"))
        if on < self.start_date:
            raise ValidationError(_("终止日期不能早于协议开始日期。"))
        self.status = self.Status.ENDED
        self.ended_on = on
        self.end_reason = reason
        self.end_date = min(self.end_date, max(on, self.start_date + timedelta(days=1)))
