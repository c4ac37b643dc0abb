from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dangbo.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu"

    def ready(self) -> None:
        from . import registry

        registry.load()
