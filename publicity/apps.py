from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("公开公示")

    def ready(self) -> None:
        from .cache import connect_signals

        connect_signals()
