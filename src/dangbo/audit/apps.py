from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AuditConfig(AppConfig):
    name = "dangbo.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"
    default = True


class AuditedAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the audited site (``audit.admin_site.AuditedAdminSite``) as its default."""

    default = False
    default_site = "dangbo.audit.admin_site.AuditedAdminSite"
