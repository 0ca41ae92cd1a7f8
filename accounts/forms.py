from django import forms
from django.utils.translation import gettext_lazy as _


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6 位验证码"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": _("请输入验证器上显示的 6 位验证码。"),
            "min_length": _("验证码是 6 位数字。"),
            "max_length": _("验证码是 6 位数字。"),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "size": 8}
        ),
    )
