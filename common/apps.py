from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
