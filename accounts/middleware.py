from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import security


class SessionLimitMiddleware:
    """Ends a session SESSION_ABSOLUTE_HOURS after its login, however active; otherwise moves its idle limit
    (SESSION_COOKIE_AGE) on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if security.session_too_old(request):
            logout(request)
            messages.info(
                request,
                _("登录已超过 %(hours)d 小时，为了安全请重新登录。")
                % {"hours": settings.SESSION_ABSOLUTE_HOURS},
            )
            return redirect_to_login(request.get_full_path())
        security.session_touch(request)
        return self.get_response(request)


class SecurityGateMiddleware:
    """Sends a signed-in user who still owes a step (the second factor, a new password) to its page, and lets them
    reach only that page, logging out and static files until it is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = security.pending_step(request)
        if step and not self._allowed(request, step):
            messages.warning(request, self._message(request, step))
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _allowed(request, step: str) -> bool:
        path = request.path_info
        allowed = {reverse(step), reverse("logout")}
        return path in allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))

    @staticmethod
    def _message(request, step: str) -> str:
        if step == "otp_verify":
            return _("请输入手机验证器上的 6 位验证码，完成登录。")
        if step == "otp_setup":
            return _("按照安全要求，您需要先启用两步验证才能继续使用本系统。")
        if request.session.get(security.PASSWORD_STEP) == "must_change":
            return _("您的密码由管理员设置，请先修改为只有您自己知道的密码。")
        return _("您的密码已超过 %(days)d 天未修改，请先修改密码。") % {
            "days": settings.PASSWORD_MAX_AGE_DAYS
        }
