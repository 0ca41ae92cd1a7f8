from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs) -> None:
    from .services import role_groups_sync

    role_groups_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        # After every app's migrations, not just this one's: the bureau admin's group needs the permissions of apps
        # migrated after accounts. The sync is idempotent and cheap.
        post_migrate.connect(_sync_groups, dispatch_uid="accounts.sync_role_groups")
        from . import signals

        signals.connect()
