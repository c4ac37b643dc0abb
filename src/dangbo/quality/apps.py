from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "dangbo.quality"
    verbose_name = "Chất lượng dữ liệu"
