from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "dangbo.exchange"
    verbose_name = "Tệp trao đổi dữ liệu"

    def ready(self) -> None:
        from dangbo.core.worker import worker_starting

        from .jobs import mark_interrupted

        worker_starting.connect(mark_interrupted, dispatch_uid="exchange.mark_interrupted")
