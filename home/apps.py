from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page: each role's dashboard. It sits on top of the apps whose figures it shows (accounts stays below
    the places and the ledger)."""

    name = "home"
    verbose_name = _("首页")
