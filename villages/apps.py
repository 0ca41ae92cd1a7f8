from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("司法局与村(居)")

    def ready(self) -> None:
        from .phones import register_phones

        register_phones()  # its personal numbers, revealable on request (common/phones.py)
