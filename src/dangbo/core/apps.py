from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangbo.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
