from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "dangbo.awards"
    verbose_name = "Huy hiệu Đảng, khen thưởng"
