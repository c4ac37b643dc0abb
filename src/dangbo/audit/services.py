"""Writing the audit log. Every service that writes calls ``record``.

A refused attempt worth the upper committee's attention (a number already used
elsewhere) is logged with ``record_refusal``: its transaction rolls back, so the
entry is kept aside and written once no transaction is open any more (at the end
of the service marked ``keeps_refusals``, of the request, of the import).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction

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


def audited_fields(
    model: type[models.Model], *, leave_out: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The fields of ``model`` a compact audit entry records: all but its key and its own
    timestamps, and ``leave_out`` (values derived from the others)."""
    skip = {"id", "created_at", "updated_at", *leave_out}
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip)


def compact_snapshot(instance: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``names`` that hold something, JSON-safe: the audit entry of a record
    written in bulk, one per record (an empty field is the model's default). The same values
    as ``snapshot`` gives, without its walk over every field's type."""
    values = instance.__dict__
    entry: dict[str, Any] = {}
    for name in names:
        value = values[name]
        if value is None or value == "":
            continue
        kind = type(value)
        if kind is not str and kind is not int and kind is not bool:
            value = _json_safe(value)
        entry[name] = value
    return entry


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
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


_refusals = threading.local()
F = TypeVar("F", bound=Callable[..., Any])


def _pending() -> list[AuditEntry]:
    if not hasattr(_refusals, "entries"):
        _refusals.entries = []
    return _refusals.entries


def _transaction_open() -> bool:
    """Whether a transaction of the application is open (a test case's own blocks do not count,
    as for Django's durable blocks)."""
    connection = transaction.get_connection()
    return any(not block._from_testcase for block in connection.atomic_blocks)


def record_refusal(
    *,
    actor,
    action: str,
    target: models.Model,
    org_path: str,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Log a refused attempt under ``org_path`` (the record it collided with), kept past the rollback.

    The entry is written at once when no transaction is open, otherwise when
    the outermost one ends, committed (``on_commit``) or rolled back
    (``flush_refusals``).
    """
    _pending().append(AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None, action=action,
        target_type=target._meta.label_lower, target_id=str(target.pk),
        target_repr=str(target)[:300], org_path=org_path or "",
        after=_json_safe(after) if after is not None else None, note=note,
    ))  # fmt: skip
    if _transaction_open():
        transaction.on_commit(flush_refusals)
    else:
        flush_refusals()


def flush_refusals() -> int:
    """Write the refusals kept aside, unless a transaction is still open; return how many."""
    entries = _pending()
    if not entries or _transaction_open():
        return 0
    _refusals.entries = []
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def keeps_refusals(func: F) -> F:
    """Write the refusals ``func`` recorded once its own transaction has ended (however it ended)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        finally:
            flush_refusals()

    return wrapper  # type: ignore[return-value]


class RefusalsMiddleware:
    """After every request, write the refusals its services kept aside (their transactions are over)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            flush_refusals()
