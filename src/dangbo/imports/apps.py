from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dangbo.imports"
    verbose_name = "Nhập dữ liệu"

    def ready(self) -> None:
        from dangbo.core.worker import worker_starting

        from .services import mark_interrupted

        worker_starting.connect(mark_interrupted, dispatch_uid="imports.mark_interrupted")
