from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("截止事项")

    def ready(self) -> None:
        from ledger.signals import ledger_submitted

        from .services import ledger_overdue_resolve

        def resolve_overdue_flag(sender, signal, **submission) -> None:
            ledger_overdue_resolve(**submission)

        ledger_submitted.connect(
            resolve_overdue_flag, weak=False, dispatch_uid="deadlines.resolve_overdue_flag"
        )
