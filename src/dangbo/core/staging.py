"""A long all-or-nothing write staged on a private copy of the embedded database.

On SQLite one writer holds the whole database: an organization list or an
exchange workbook written in one transaction would make every other writer
(every API call that writes, every form) wait for its whole length. ``staged``
runs the write on a private copy instead (``core.snapshot``), where it may take
as long as it needs, then carries what it changed into the real database in one
short transaction:

1. *Stage.* The copy is taken with SQLite's online backup (a read). The write
   runs on it, in its own transactions, exactly as it would on the database.
2. *Log.* Before the write, triggers on the copy note the primary key of every
   row of a domain table it inserts, updates or deletes, so what is carried over
   is what the write touched, and only that (the cost follows the write, not the
   size of the database).
3. *Carry over* (one ``BEGIN IMMEDIATE`` transaction, bounded by what the write
   changed, not by how long it took). The copy is attached to the real database.
   Inside the transaction, the database must still be the one the copy was taken
   from: no audit entry since (every domain write is audited in its own
   transaction) and the same last primary key in every table the write touched.
   Then each touched row is deleted and inserted again as the copy has it (or
   left deleted), foreign keys being checked at commit. If something was written
   meanwhile, nothing is carried over and the write is staged again
   (``ATTEMPTS`` times), then run on the database itself.

All or nothing holds: the carry-over commits whole or not at all, and a crash
before it leaves the database untouched (the copy is a temporary file).
PostgreSQL needs none of this: a long transaction blocks no reader and no
writer of other rows (MVCC), so there the write simply runs in place, as it
also does when the caller is already inside a transaction.

Tables that are not domain records (jobs, tokens, sessions, the task queue)
are neither compared nor carried over: what the write put there on the copy
is dropped, so the caller records a job's outcome after ``staged`` returns.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import snapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 3

# Operational rows, not records: written outside the staged write, never carried over.
OPERATIONAL = frozenset({
    "imports.importjob", "imports.importissue", "imports.importrow", "imports.importundo",
    "exchange.exportjob",
    "accounts.apitoken",
})  # fmt: skip


def domain_tables() -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, columns) of every domain table: dangbo's apps and auth."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in OPERATIONAL:
            continue
        if not (model.__module__.startswith("dangbo.") or meta.app_label == "auth"):
            continue
        columns = [f.column for f in meta.local_concrete_fields]
        tables.append((meta.db_table, meta.pk.column, columns))
    return sorted({(t, pk, tuple(c)) for t, pk, c in tables})  # type: ignore[arg-type]


@dataclass
class Carried:
    """What the last ``staged`` call carried over (for its caller's logs and the tests)."""

    staged: bool = False
    attempts: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    held_seconds: float = 0.0  # how long the carry-over held the write lock
    seconds: dict[str, float] = field(default_factory=dict)  # copy, write, log, carry


last = Carried()

LOG = "dangbo_staged_log"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _audit_mark(cursor) -> int:
    from dangbo.audit.models import AuditEntry

    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(AuditEntry._meta.db_table)}")
    return cursor.fetchone()[0]


def _add_triggers(path: str, tables) -> None:
    """On the copy: a log table and the triggers that fill it."""
    copy = sqlite3.connect(path)
    try:
        copy.execute(f"CREATE TABLE {LOG} (tbl TEXT NOT NULL, pk)")
        for n, (table, pk, _) in enumerate(tables):
            t, k, name = _q(table), _q(pk), table.replace("'", "''")
            copy.executescript(f"""
                CREATE TRIGGER staged_i_{n} AFTER INSERT ON {t}
                BEGIN INSERT INTO {LOG} VALUES ('{name}', NEW.{k}); END;
                CREATE TRIGGER staged_u_{n} AFTER UPDATE ON {t}
                BEGIN INSERT INTO {LOG} VALUES ('{name}', OLD.{k}), ('{name}', NEW.{k}); END;
                CREATE TRIGGER staged_d_{n} AFTER DELETE ON {t}
                BEGIN INSERT INTO {LOG} VALUES ('{name}', OLD.{k}); END;
            """)  # fmt: skip
        copy.commit()
    finally:
        copy.close()


def _touched(path: str) -> dict[str, int]:
    """Index the copy's log; return how many rows of each table the write touched."""
    copy = sqlite3.connect(path)
    try:
        copy.execute(f"CREATE TABLE staged_rows AS SELECT DISTINCT tbl, pk FROM {LOG}")
        copy.execute("CREATE INDEX staged_rows_tbl_pk ON staged_rows (tbl, pk)")
        copy.commit()
        return dict(copy.execute("SELECT tbl, COUNT(*) FROM staged_rows GROUP BY tbl"))
    finally:
        copy.close()


def _carry(cursor, tables, touched: dict[str, int], marks: dict[str, object], mark: int) -> bool:
    """Inside the write transaction: check nothing moved, then carry the touched rows over."""
    if _audit_mark(cursor) != mark:
        return False
    for table, pk, _ in tables:
        if table in touched:
            cursor.execute(f"SELECT MAX({_q(pk)}) FROM main.{_q(table)}")
            if cursor.fetchone()[0] != marks[table]:
                return False
    for table, pk, columns in tables:
        if table not in touched:
            continue
        t, k, last_pk = _q(table), _q(pk), marks[table]
        cols = ", ".join(_q(c) for c in columns)
        if last_pk is None:  # an empty table: every row of the copy is the write's
            cursor.execute(f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM stage.{t}")
            continue
        if not isinstance(last_pk, int):
            older = "(SELECT pk FROM stage.staged_rows WHERE tbl = %s)"
            cursor.execute(f"DELETE FROM main.{t} WHERE {k} IN {older}", [table])
            cursor.execute(
                f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM stage.{t} WHERE {k} IN {older}",
                [table],
            )
            continue
        # Rows the write added are those past the last key the database had (any other
        # would have moved that key, and the check above); the others it changed or removed.
        older = "(SELECT pk FROM stage.staged_rows WHERE tbl = %s AND pk <= %s)"
        cursor.execute(f"DELETE FROM main.{t} WHERE {k} IN {older}", [table, last_pk])
        cursor.execute(
            f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM stage.{t} WHERE {k} IN {older}",
            [table, last_pk],
        )
        cursor.execute(
            f"INSERT INTO main.{t} ({cols}) SELECT {cols} FROM stage.{t} WHERE {k} > %s",
            [last_pk],
        )
    return True


def staged(run: Callable[[], T], *, written: Callable[[T], bool]) -> T:
    """``run()`` (a write in its own transaction(s)), staged on a copy on SQLite.

    ``written(result)`` says whether the run wrote anything to keep (a refused
    file writes nothing and nothing is carried over). Exceptions from ``run``
    propagate with the database untouched.
    """
    global last
    last = Carried()
    if not snapshot.can_copy():
        return run()
    tables = domain_tables()
    connection = connections[DEFAULT_DB_ALIAS]
    for attempt in range(1, ATTEMPTS + 1):
        last.attempts = attempt
        connection.ensure_connection()
        with connection.cursor() as cursor:
            mark = _audit_mark(cursor)
            marks = {}
            for table, pk, _ in tables:
                cursor.execute(f"SELECT MAX({_q(pk)}) FROM {_q(table)}")
                marks[table] = cursor.fetchone()[0]
        began = time.perf_counter()
        with snapshot.copied() as path:
            _add_triggers(path, tables)
            last.seconds["copy"] = time.perf_counter() - began
            with snapshot.pointed_at(path):
                result = run()
            last.seconds["write"] = time.perf_counter() - began - last.seconds["copy"]
            if not written(result):
                return result
            began = time.perf_counter()
            touched = _touched(path)
            last.seconds["log"] = time.perf_counter() - began
            with connection.cursor() as cursor:
                cursor.execute("ATTACH DATABASE %s AS stage", [path])
                began = time.perf_counter()
                try:
                    with transaction.atomic():
                        carried = _carry(cursor, tables, touched, marks, mark)
                finally:
                    last.held_seconds = time.perf_counter() - began
                    cursor.execute("DETACH DATABASE stage")
            if carried:
                last.staged = True
                last.rows = touched
                return result
        logger.info("staged write: the database changed meanwhile (attempt %s)", attempt)
    # Others keep writing: run in place, holding the write lock for the whole run.
    return run()
