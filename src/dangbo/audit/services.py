"""Writing the audit log. Every service that writes calls ``record``."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from .models import AuditEntry


def snapshot(instance: models.Model | None) -> dict[str, Any] | None:
    """Return the concrete field values of a model instance as JSON-safe data."""
    if instance is None:
        return None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        data[field.attname] = _json_safe(value)
    return data


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | models.Model | None = None,
    org_path: str = "",
    note: str = "",
) -> AuditEntry:
    """Append one entry to the audit log."""
    if isinstance(after, models.Model):
        after = snapshot(after)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        org_path=org_path,
        before=before,
        after=_json_safe(after) if after is not None else None,
        note=note,
    )
