from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "dangbo.deadlines"
    verbose_name = "Theo dõi thời hạn"

    def ready(self):
        from . import signals

        signals.connect()
