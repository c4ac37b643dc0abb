from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "dangbo.backup"
    label = "backup"
    verbose_name = "Sao lưu và phục hồi"
