"""The Django admin, audited: every model registered there writes the audit log, and deletes nothing.

``AuditedAdminSite`` is the project's default admin site (``AuditedAdminConfig`` in
``INSTALLED_APPS``, from ``audit.apps``); it gives every ``ModelAdmin`` registered on it, the project's and
Django's or a library's alike (users, groups, login attempts), the ``AuditedAdminMixin``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from .services import record, snapshot

ADMIN_NOTE = "Ghi qua trang quản trị (/admin/)"
# Never copied into the log: a password hash is no business of the audit.
SECRET_FIELDS = frozenset({"password"})


def admin_snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete fields (secrets left out) and many-to-many links of ``obj``."""
    data = {k: v for k, v in (snapshot(obj) or {}).items() if k not in SECRET_FIELDS}
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def _org_path(obj: models.Model) -> str:
    """The path of the organization the object belongs to (a setting, a calendar day), if any."""
    if hasattr(obj, "organization_id") and obj.organization_id:
        return getattr(obj.organization, "path", "") or ""
    return ""


class AuditedAdminMixin:
    """Writes through the admin leave an audit entry (before, after, who); deleting is refused."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                befores = request.__dict__.setdefault("_audit_before", {})
                befores[(obj._meta.label_lower, str(obj.pk))] = admin_snapshot(stored)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit(request, obj, "admin_added", entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        self._audit(request, obj, "admin_changed", entry)
        return entry

    def _audit(self, request, obj, verb: str, entry) -> None:
        befores = getattr(request, "_audit_before", {})
        before = befores.pop((obj._meta.label_lower, str(obj.pk)), None)
        said = entry.get_change_message() if entry is not None else ""
        record(
            actor=request.user, action=f"{obj._meta.label_lower}.{verb}", target=obj,
            before=before, after=admin_snapshot(obj), org_path=_org_path(obj),
            note=f"{ADMIN_NOTE}: {said}" if said else ADMIN_NOTE,
        )  # fmt: skip


class AuditedAdminSite(admin.AdminSite):
    """The admin site whose every registered model is audited and never deleted."""

    site_header = "Quản trị hệ thống dangbo"
    site_title = "Quản trị dangbo"
    index_title = "Quản trị hệ thống"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__, (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__},
            )  # fmt: skip
        return super().register(model_or_iterable, admin_class, **options)
