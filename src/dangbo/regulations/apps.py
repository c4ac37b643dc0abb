from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "dangbo.regulations"
    label = "regulations"
    verbose_name = "Văn bản quy định"
