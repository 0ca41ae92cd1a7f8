"""The review pages' forms: plain input checks only; the rules (who, when, what a reason needs) are the services'.

The field names are the keys the services use in their ValidationErrors (`final_tier`, `override_reason`, …), so an
error the service raises lands on the field it is about.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.versions import VersionedForm
from villages.models import Township

from .models import Rating, Review, ReviewPeriod, ReviewVillage, Tier
from .services.computation import review_due_to_open

ALL = _("全部")


def _text(label, *, required: bool = True, required_message=None, rows: int = 4, max_length: int = 3000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


class PeriodOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("考核类型"), choices=ReviewPeriod.Kind.choices)
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("请填写四位数的年度，例如 2026。")},
    )

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The period due now: in July the first half of this year, in January the year before (or the bureau's day).
        kind, year = review_due_to_open(timezone.localdate(), bureau)
        self.fields["kind"].initial = kind
        self.fields["year"].initial = year


class SelfAssessForm(VersionedForm):
    self_assessment = _text(_("自我评价"), required_message=_("请填写自我评价。"), rows=6, max_length=5000)
    self_rating = forms.ChoiceField(
        label=_("自评等次"),
        choices=Tier.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("请选择自评等次。")},
    )


class ConfirmForm(forms.Form):
    """Confirming the indicators: nothing to type."""


class ObjectForm(forms.Form):
    objection = _text(_("异议内容"), required_message=_("请写明对哪项指标有异议及理由。"))


class VillageRatingForm(VersionedForm):
    village_rating = forms.ChoiceField(
        label=_("村(居)评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("请选择村(居)评价等次。")},
    )
    village_comment = _text(_("村(居)意见"), required=False, rows=3)


class OfficeRatingForm(VersionedForm):
    office_rating = forms.ChoiceField(
        label=_("司法所评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("请选择司法所评价等次。")},
    )
    office_comment = _text(_("司法所意见"), required_message=_("请填写司法所意见。"), rows=3)


class AnswerForm(forms.Form):
    objection_answer = _text(_("答复意见"), required_message=_("请填写答复意见。"))


class FinalizeForm(forms.Form):
    final_tier = forms.ChoiceField(
        label=_("最终等次"),
        choices=Tier.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("请选择最终等次。")},
    )
    override_reason = _text(_("调整等次理由"), required=False, rows=3)
    misconduct = forms.BooleanField(
        label=_("存在违规违纪行为"), required=False, help_text=_("经查实存在违规违纪行为的，不予发放补贴。")
    )
    misconduct_reason = _text(_("违规违纪情况"), required=False, rows=3)

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None and review.proposed_tier:
            self.fields["final_tier"].initial = review.proposed_tier
        self.fields["override_reason"].help_text = _("最终等次与建议等次不同时必填。")


class ChangeFinalForm(forms.Form):
    final_tier = forms.ChoiceField(
        label=_("修改后的等次"),
        choices=Tier.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("请选择最终等次。")},
    )
    reason = _text(_("修改理由"), required_message=_("定等后修改须写明理由。"), rows=3)
    misconduct = forms.BooleanField(label=_("存在违规违纪行为"), required=False)
    misconduct_reason = _text(_("违规违纪情况"), required=False, rows=3)

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["final_tier"].initial = review.final_tier
            self.fields["misconduct"].initial = review.misconduct
            self.fields["misconduct_reason"].initial = review.misconduct_reason


class ReviewFilter(django_filters.FilterSet):
    """The period page's filters: township (a village of the review in it), where the review stands, its tier."""

    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), queryset=Township.objects.none(), method="in_township", empty_label=ALL
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        method="by_state",
        empty_label=ALL,
        choices=[
            ("self", _("待顾问自评")),
            ("response", _("待顾问确认指标")),
            ("village", _("待村(居)评价")),
            ("office", _("待司法所评价")),
            ("objection", _("异议待答复")),
            ("open", _("待定等次")),
            ("final", _("已定等次")),
        ],
    )
    tier = django_filters.ChoiceFilter(
        label=_("等次（已定或建议）"), choices=Tier.choices, method="by_tier", empty_label=ALL
    )

    class Meta:
        model = Review
        fields = ["township", "state", "tier"]

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = townships

    def in_township(self, queryset, name, value):
        return queryset.filter(
            Exists(ReviewVillage.objects.filter(review=OuterRef("pk"), village__township=value))
        )

    def by_state(self, queryset, name, value):
        open_ = Q(status=Review.Status.OPEN)
        return queryset.filter(
            {
                "self": open_ & Q(self_assessed_at__isnull=True),
                "response": open_ & Q(advisor_response=Review.AdvisorResponse.PENDING),
                "village": open_
                & Exists(ReviewVillage.objects.filter(review=OuterRef("pk"), village_rating="")),
                "office": open_ & Q(office_rating=""),
                "objection": open_
                & Q(advisor_response=Review.AdvisorResponse.OBJECTED, objection_answered_at__isnull=True),
                "open": open_,
                "final": Q(status=Review.Status.FINAL),
            }[value]
        )

    def by_tier(self, queryset, name, value):
        return queryset.filter(Q(final_tier=value) | Q(final_tier="", proposed_tier=value))
