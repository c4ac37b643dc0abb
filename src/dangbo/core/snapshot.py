"""Planning on a private copy of the embedded database, so a dry run takes no write lock.

On SQLite every transaction takes the database's one write lock at BEGIN
(``transaction_mode=IMMEDIATE``), and a dry run is a transaction rolled back:
for its whole length every other writer would wait. ``private_copy`` instead
copies the database with SQLite's online backup (a read, which in WAL mode
blocks no writer), points this thread's default connection at the copy for
the block, and removes the copy afterwards. What the block writes lands in
the copy only.

PostgreSQL needs none of this (a rolled-back transaction blocks no reader or
writer of other rows), and neither does a caller already inside a
transaction: there the block runs on the database as it is.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


def can_copy() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "sqlite" and not connection.in_atomic_block


@contextlib.contextmanager
def private_copy() -> Iterator[bool]:
    """Run the block on a copy of the SQLite database; yield whether it did."""
    if not can_copy():
        yield False
        return
    with copied() as path, pointed_at(path):
        yield True


@contextlib.contextmanager
def copied() -> Iterator[str]:
    """A copy of the (SQLite) database in a private file, removed after the block."""
    original = connections[DEFAULT_DB_ALIAS]
    name = str(original.settings_dict["NAME"])
    folder = None if original.is_in_memory_db() else Path(name).parent
    handle, path = tempfile.mkstemp(prefix="dangbo-plan-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    try:
        original.ensure_connection()
        target = sqlite3.connect(path)
        try:
            original.connection.backup(target)
        finally:
            target.close()
        yield path
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + suffix)


@contextlib.contextmanager
def pointed_at(path: str) -> Iterator[None]:
    """Point this thread's default connection at the SQLite file ``path`` for the block."""
    original = connections[DEFAULT_DB_ALIAS]
    settings = {**original.settings_dict, "NAME": path}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "DEFERRED"}
    copy = original.__class__(settings, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = copy
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        copy.close()


def remove_stale_copies(folder: Path | None = None, older_than_hours: float = 12) -> int:
    """Remove the copies a process that died left behind in ``folder`` (by default the
    database's; none lives this long); return how many."""
    import time

    if folder is None:
        original = connections[DEFAULT_DB_ALIAS]
        if original.vendor != "sqlite" or original.is_in_memory_db():
            return 0
        folder = Path(str(original.settings_dict["NAME"])).parent
    limit = time.time() - older_than_hours * 3600
    removed = 0
    for path in folder.glob("dangbo-plan-*.sqlite3*"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += path.suffix == ".sqlite3"
    return removed
