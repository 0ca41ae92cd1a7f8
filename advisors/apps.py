from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = _("法律顾问与协议")

    def ready(self) -> None:
        from .phones import register_phones

        register_phones()  # its personal numbers, revealable on request (common/phones.py)
