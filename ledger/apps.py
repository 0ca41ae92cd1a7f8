from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("工作日志与台账")

    def ready(self) -> None:
        from . import rollups

        rollups.connect()

        from .phones import register_phones

        register_phones()  # the resident's phone, revealable on request (common/phones.py)
