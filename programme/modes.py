"""The service modes (服务方式) of a work log, and which of them are on site by default.

Below every app: the bureau's settings (villages) name the modes that count as on site, the logs (ledger) carry one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceMode(models.TextChoices):
    ONSITE = "onsite", _("到村现场")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    VIDEO = "video", _("视频")
    HOME_VISIT = "home_visit", _("上门")
    OTHER = "other", _("其他")


def default_onsite_modes() -> list[str]:
    """On site (到村/现场, seeds 002 and 004): at the village, or at the resident's door; never by phone or online."""
    return [ServiceMode.ONSITE.value, ServiceMode.HOME_VISIT.value]
