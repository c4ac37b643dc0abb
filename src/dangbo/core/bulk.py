"""Writing many rows fast: COPY on PostgreSQL, one prepared INSERT for all rows on SQLite.

Only for services that have already checked every row (imports): the rows go
in as given, inside the caller's transaction, and the database's constraints
remain the last guard.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Return ``count`` fresh primary keys for ``model`` (call inside the writing transaction)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE mode), so nobody
        # else can take these numbers before the rows are written.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _value(value: Any, field: models.Field) -> Any:
    if isinstance(field, models.JSONField) and value is not None:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def insert_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in the order of ``field_names``, by attribute name); return the count."""
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    columns = [f.column for f in fields]
    table = meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            raw = cursor.cursor
            # Only JSON values need converting; every other value goes to COPY as it is.
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            width = len(fields)
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    if len(row) != width:
                        raise ValueError(f"{len(row)} values for {width} columns of {table}.")
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = _value(row[i], fields[i])
                    write(row)
                    count += 1
            return count
        adapters = [(i, a) for i, a in enumerate(map(_sqlite_adapter, fields)) if a is not None]
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
        batch: list[list[Any]] = []
        raw = cursor.cursor
        width = len(columns)
        for row in rows:
            row = list(row)
            if len(row) != width:
                raise ValueError(f"{table}: {len(row)} values for {width} columns")
            for i, adapt in adapters:
                row[i] = adapt(row[i])
            batch.append(row)
            if len(batch) >= 5000:
                raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
            count += len(batch)
    return count


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of ``model`` with ``insert_rows`` (COPY on PostgreSQL).

    Every concrete field is written as the instance holds it after the field's ``pre_save``
    (``auto_now`` times), as ``bulk_create`` would; the primary key only when the first
    instance has one (then all must). The instances' primary keys are not read back.
    """
    if not objs:
        return 0
    meta = model._meta
    fields = [
        f for f in meta.local_concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]  # fmt: skip
    return insert_rows(
        model,
        [f.attname for f in fields],
        ([f.pre_save(obj, True) for f in fields] for obj in objs),
    )


class Rows:
    """Rows of ``model`` as plain lists, for ``insert_rows``: every concrete field (the primary
    key only with ``with_pk``) holds its default unless given, ``auto_now`` times one stamp.

    For writers that produce many rows (the demo): no model instance per row. A field whose
    default is a fresh value per row (a ``uuid4``) must be given for every row.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool = False) -> None:
        from django.utils import timezone

        now = timezone.now()
        self.model = model
        fields = [f for f in model._meta.local_concrete_fields if with_pk or not f.primary_key]
        self.names = [f.attname for f in fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.required: set[str] = set()
        self.template: list[Any] = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.primary_key:
                value = None
            else:
                if f.has_default() and callable(f.default) and f.unique:
                    self.required.add(f.attname)
                value = f.get_default()  # "" or None without a default, as Django stores it
            self.template.append(value)

    def row(self, values: dict[str, Any]) -> list[Any]:
        """One row: the template with ``values`` (by attribute name) put in."""
        row = self.template.copy()
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return row

    def check(self, values: dict[str, Any]) -> None:
        """Refuse a row that leaves out a field needing a value of its own (call once)."""
        missing = self.required - set(values)
        unknown = set(values) - set(self.index)
        if missing or unknown:
            raise ValueError(
                f"{self.model.__name__}: missing {missing or '-'}, unknown {unknown or '-'}"
            )

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        return insert_rows(self.model, self.names, rows)


def _sqlite_adapter(field: models.Field):
    """A cheap converter to what Django would store for ``field`` on SQLite (None: as it is)."""
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(field, models.UUIDField):
        return lambda v: None if v is None else v.hex
    if isinstance(field, models.DateTimeField):
        last: list = [None, None]  # a bulk write stamps every row with one time: convert it once

        def adapt(v):
            if v is not last[0]:
                last[0], last[1] = v, connection.ops.adapt_datetimefield_value(v)
            return last[1]

        return adapt
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.TimeField):
        return connection.ops.adapt_timefield_value
    return None  # stored as it is


class AnyOf(models.Lookup):
    """``field`` is one of ``values``: ``= ANY(%s)`` with one array parameter on PostgreSQL,
    ``IN (...)`` elsewhere. Use as a filter: ``Member.objects.filter(AnyOf(F("card_number"), cards))``.

    For long lists (an import's chunk): ``__in`` sends one parameter per value, which the
    driver quotes and splices into the statement one by one, and the server parses each.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs: Any, values: Iterable[Any]) -> None:
        super().__init__(lhs, list(values))

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]
        if not values:
            return "FALSE" if connection.vendor == "postgresql" else "0 = 1", []
        if connection.vendor == "postgresql":
            # The array of the column's type without its length ("varchar", not "varchar(20)",
            # which would cut a longer value down to one that matches).
            kind = field.db_type(connection).split("(")[0]
            return f"{lhs_sql} = ANY(%s::{kind}[])", [*lhs_params, values]
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs_sql} IN ({marks})", [*lhs_params, *values]


def pairs_in(model: type[models.Model], first: str, second: str, pairs: Iterable[tuple]) -> Q:
    """A filter: the record's (``first``, ``second``) is one of ``pairs``.

    On PostgreSQL, exactly, with one array parameter per column (``unnest``), so each pair is
    found by the index on ``first``; elsewhere, ``first`` among the pairs' first values and
    ``second`` among their second values: a few more records, which the caller, matching
    them to its pairs, leaves aside.
    """
    pairs = sorted(set(pairs))
    if not pairs:
        return Q(pk__in=[])
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    if connection.vendor != "postgresql":
        return Q(AnyOf(F(first), firsts), AnyOf(F(second), seconds))
    meta = model._meta
    fields = [meta.get_field(first), meta.get_field(second)]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields)
    kinds = [f.db_type(connection).split("(")[0] for f in fields]
    values = [
        [f.get_db_prep_value(v, connection, prepared=False) for v in column]
        for f, column in zip(fields, (firsts, seconds), strict=True)
    ]
    sql = f"({columns}) IN (SELECT * FROM unnest(%s::{kinds[0]}[], %s::{kinds[1]}[]))"
    return Q(RawSQL(sql, values, output_field=models.BooleanField()))
