from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dangbo.documents"
    verbose_name = "Văn bản, sổ đăng ký văn bản đi"
