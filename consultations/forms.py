from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Satisfaction
from ledger.models import ServiceMode

from .models import ResidentRequest
from .services import normalise_phone


class ChallengeFields(forms.Form):
    """The anti-abuse part of every public form: the question, its token, and a field only scripts fill in."""

    answer = forms.CharField(
        label=_("请回答"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "answer"}),
        error_messages={"required": _("请回答上面的算术题（填数字即可）。")},
    )
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    # Hidden from people (and screen readers); a script that fills every field fills it.
    website = forms.CharField(required=False, label=_("请勿填写此项"))
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["phone"]) from None


class ResidentRequestForm(ChallengeFields):
    name = forms.CharField(
        label=_("您的姓名"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    question = forms.CharField(
        label=_("想咨询的问题"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("简单说说是什么事，500字以内。"),
    )
    preferred_mode = forms.ChoiceField(
        label=_("希望怎么联系您"),
        choices=ResidentRequest.Mode.choices,
        widget=forms.RadioSelect,
        initial=ResidentRequest.Mode.PHONE,
    )
    preferred_time = forms.CharField(
        label=_("方便的时间（可不填）"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：工作日上午、周三驻点时")}),
    )
    consent = forms.BooleanField(
        label=_("我同意法律顾问和司法所用这个电话号码联系我，答复我的问题。"),
        error_messages={"required": _("请勾选同意，我们才能用您的电话联系您。")},
    )
    field_order = ["name", "phone", "question", "preferred_mode", "preferred_time", "consent", "answer"]


class ResidentRatingForm(ChallengeFields):
    satisfaction = forms.ChoiceField(
        label=_("您对法律顾问的服务"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("想说的话（可不填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phone = forms.CharField(
        label=_("您的电话"),
        max_length=20,
        help_text=_("只用于保证每人每月评价一次，不会保存号码。"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    field_order = ["satisfaction", "comment", "phone", "answer"]


class RequestRatingForm(forms.Form):
    """The rating of a closed request, from its status page: the reference number stands for the phone."""

    satisfaction = forms.ChoiceField(
        label=_("您对这次服务"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("想说的话（可不填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    answered_mode = forms.ChoiceField(
        label=_("答复方式"),
        choices=[
            (ServiceMode.PHONE, ServiceMode.PHONE.label),
            (ServiceMode.ONSITE, ServiceMode.ONSITE.label),
            (ServiceMode.HOME_VISIT, ServiceMode.HOME_VISIT.label),
        ],
        widget=forms.RadioSelect,
        initial=ServiceMode.PHONE,
    )
    answer = forms.CharField(
        label=_("答复情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写入工作日志的处理结果。"),
    )


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("查询编号"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
