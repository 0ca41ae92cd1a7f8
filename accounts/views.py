import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import security
from .forms import OTPCodeForm

# --- identity: password change, second factor, lockout (accounts/security.py) ---


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, which also records that the user chose their own password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security.password_set_by_user(user=form.user)
        security.step_done(self.request, security.PASSWORD_STEP)
        return response


@login_required
def otp_setup(request):
    """Set up the second factor: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    if not security.may_use_second_factor(user):
        raise Http404
    if security.confirmed_devices(user).exists():
        return render(request, "accounts/otp_setup.html", {"enabled": True})
    key = request.session.get(security.OTP_NEW_KEY) or security.otp_new_key()
    request.session[security.OTP_NEW_KEY] = key
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = security.otp_device_confirm(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            security.step_done(request, security.OTP_NEW_KEY)
            security.step_done(request, security.OTP_STEP)
            messages.success(request, _("两步验证已启用。以后登录时，输入密码后还需输入验证器上的验证码。"))
            return redirect(_next_url(request))
    config_url = security.otp_config_url(user=user, key=key)
    context = {
        "form": form,
        "qr_svg": segno.make(config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": security.otp_secret_text(key),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def otp_verify(request):
    """The second step of a login, for a user with a device."""
    if not security.confirmed_devices(request.user).exists():
        raise Http404
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.otp_device_check(user=request.user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _("验证码不正确或已过期，请重新输入验证器上当前显示的验证码。"))
        else:
            django_otp.login(request, device)
            security.step_done(request, security.OTP_STEP)
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


LOCKOUT_MESSAGE = _("登录失败次数过多，该账号已被暂时锁定 30 分钟。请稍后再试，或联系司法局管理员解锁。")


def lockout(request, response=None, credentials=None):
    """What django-axes answers a locked account with (settings.AXES_LOCKOUT_CALLABLE): the login page and one
    message, the same whether the account exists or not."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": LOCKOUT_MESSAGE, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
