"""Writing over a row another request may be writing too: re-read it locked, save what changed.

A service receives an instance its caller loaded before the service's
transaction began; another request may have changed the row since. Saving that
instance whole would put back what the other request wrote, and a ``before``
snapshot taken from it would describe a row that no longer exists. So a service
that changes a row:

1. calls ``lock(instance)`` first thing inside its transaction: the row is read
   again into the same instance (the caller's object stays current) with
   ``SELECT ... FOR UPDATE`` on PostgreSQL, which holds other writers of the row
   until the transaction ends. SQLite has no row locks; the project opens its
   transactions with ``BEGIN IMMEDIATE`` (``transaction_mode`` in the settings),
   so the database's single write lock is already held when the row is read;
2. takes its ``before`` snapshot from that row, checks, changes the instance;
3. writes with ``save_changed(instance, original[, fields])``: only the fields
   (among ``fields``, when the service may write only some) that differ from
   ``original`` (``values(instance)`` taken after the lock), plus the
   ``auto_now`` timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


def lock(instance: M) -> M:
    """Re-read ``instance`` from its row, locked until the current transaction ends.

    Related objects the caller had loaded stay attached when the row still
    points at them.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("lock() chỉ dùng được trong một giao dịch.")
    model = type(instance)
    related = [
        (field, getattr(instance, field.attname), field.get_cached_value(instance))
        for field in model._meta.concrete_fields
        if field.is_relation and field.is_cached(instance)
    ]
    instance.refresh_from_db(from_queryset=model._base_manager.select_for_update())
    for field, key, obj in related:
        if getattr(instance, field.attname) == key:
            field.set_cached_value(instance, obj)
    return instance


def values(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values by attribute name (what ``save_changed`` compares)."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def changed(
    instance: models.Model, original: dict[str, Any], fields: Iterable[str] | None = None
) -> list[str]:
    """The names among ``fields`` (all but the primary key) whose value differs from ``original``."""
    if fields is None:
        fields = [f.attname for f in instance._meta.concrete_fields if not f.primary_key]
    return [name for name in fields if getattr(instance, name) != original[name]]


def save_changed(
    instance: models.Model, original: dict[str, Any], fields: Iterable[str] | None = None
) -> list[str]:
    """Save only the fields among ``fields`` (all by default) that changed since ``original``.

    The ``auto_now`` timestamps are written with them; nothing is written when
    nothing changed. Returns the names of the changed fields.
    """
    names = changed(instance, original, fields)
    if names:
        stamps = [
            f.attname for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)
        ]
        instance.save(update_fields=[*names, *(s for s in stamps if s not in names)])
    return names
