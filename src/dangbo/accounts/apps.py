from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangbo.accounts"
    label = "accounts"
    verbose_name = "Người dùng và phân quyền"

    def ready(self) -> None:
        from dangbo.audit.actions import register_value_labels

        from .models import Module

        register_value_labels("accounts.roleassignment", "modules", dict(Module.choices))
