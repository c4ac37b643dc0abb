from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        from . import quality, striking  # noqa: F401  (registers the striking-off source)

        quality.connect()  # the meetings' checks in the data-quality report
