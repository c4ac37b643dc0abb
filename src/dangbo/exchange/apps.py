from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "dangbo.exchange"
    verbose_name = "Tệp trao đổi dữ liệu"
