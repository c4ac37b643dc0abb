"""Paged lists that cost the same on page 1 and on page 5.000.

Two things made a long list slow: an exact ``COUNT(*)`` over the whole filtered
subtree on every page, and ``OFFSET`` that reads and throws away every row before
the page. Here:

* ``count_of`` counts a list cheaply. Up to ``EXACT_UP_TO`` rows it counts them
  exactly (a ``COUNT`` over ``LIMIT EXACT_UP_TO + 1`` rows, a few milliseconds).
  Past that, the exact count is computed once per (filter, data version) and
  kept in the cache; the page shows it as "khoảng N", since another write may
  land between the count and the page. The data version is the latest audit
  entry: every write is audited, so any write gives a new key. Exports never use
  this count: they write every row.
* ``keyset_page`` pages by the list's sort key: the next page is "the rows after
  the last one shown", found through the index, so any page is as fast as the
  first. The cursor carries the sort key of the row at the edge of the page and
  its position in the list (to number the rows).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet

EXACT_UP_TO = 2_000
COUNT_TIMEOUT = 600  # seconds; the data version already renews the key on every write


def data_version() -> int:
    """The id of the latest audit entry: every write advances it (one index lookup)."""
    from dangbo.audit.models import AuditEntry

    return AuditEntry.objects.aggregate(v=Max("id"))["v"] or 0


@dataclass(frozen=True)
class ListCount:
    """How many rows a list has: ``value``, exact or (``approximate``) counted earlier."""

    value: int
    approximate: bool = False

    def __int__(self) -> int:
        return self.value


def _count_key(queryset: QuerySet) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    digest = hashlib.sha256(f"{queryset.db}\0{sql}\0{params!r}".encode()).hexdigest()
    return f"dangbo:list-count:{digest}:{data_version()}"


def count_of(queryset: QuerySet | list, *, exact_up_to: int | None = None) -> ListCount:
    """Return the size of ``queryset``: exact when small, else the count cached per data version."""
    exact_up_to = EXACT_UP_TO if exact_up_to is None else exact_up_to
    if not isinstance(queryset, QuerySet):
        return ListCount(len(queryset))
    plain = queryset.order_by()
    try:
        key = _count_key(queryset)
    except EmptyResultSet:  # a filter no row can match (e.g. ``pk__in=[]``): nothing to count
        return ListCount(0)
    value = cache.get(key)
    if value is not None and value > exact_up_to:  # a long list counted at this data version
        return ListCount(value, approximate=True)
    bounded = plain[: exact_up_to + 1].count()
    if bounded <= exact_up_to:
        return ListCount(bounded)
    value = plain.count()
    cache.set(key, value, COUNT_TIMEOUT)
    return ListCount(value, approximate=True)


class CheapCountPaginator(Paginator):
    """Django's paginator with ``count_of`` instead of an exact ``COUNT`` on every page."""

    @cached_property
    def list_count(self) -> ListCount:
        return count_of(self.object_list)

    @cached_property
    def count(self) -> int:
        return self.list_count.value

    @property
    def approximate(self) -> bool:
        return self.list_count.approximate


# --------------------------------------------------------------------------
# Keyset paging
# --------------------------------------------------------------------------


class BadCursor(ValueError):
    """A cursor that this list did not write (edited, or from another list)."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def encode_cursor(values: list[Any], position: int) -> str:
    raw = json.dumps([[_plain(v) for v in values], position], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple[list[Any], int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values, position = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc
    if (
        not isinstance(values, list)
        or len(values) != width
        or not isinstance(position, int)
        or position < 0
        or any(v is None or isinstance(v, list | dict) for v in values)
    ):
        raise BadCursor(cursor)
    return values, position


def _beyond(keys: tuple[str, ...], values: list[Any], *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the row whose sort key is ``values``.

    ``(a, b, c) > (x, y, z)`` written as ``a >= x AND (a > x OR (a = x AND (b > y OR …)))``;
    the leading ``a >= x`` lets the database start the index scan at the cursor.
    """
    condition: Q | None = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        name = key.lstrip("-")
        ascending = not key.startswith("-")
        strict = "gt" if ascending == forward else "lt"
        here = Q(**{f"{name}__{strict}": value})
        condition = here if condition is None else here | (Q(**{name: value}) & condition)
    first = keys[0].lstrip("-")
    wide = "gte" if (not keys[0].startswith("-")) == forward else "lte"
    return Q(**{f"{first}__{wide}": values[0]}) & condition


@dataclass
class KeysetPage:
    """One page of a keyset-paged list; what the templates need of Django's ``Page``."""

    object_list: list[Any]
    start_index: int
    next_cursor: str | None
    previous_cursor: str | None
    counter: Any = field(repr=False, default=None)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.object_list) - 1

    @cached_property
    def list_count(self) -> ListCount:
        return self.counter()

    @property
    def count(self) -> int:
        return self.list_count.value

    @property
    def approximate(self) -> bool:
        return self.list_count.approximate


def keyset_page(
    queryset: QuerySet,
    keys: tuple[str, ...],
    *,
    after: str | None = None,
    before: str | None = None,
    offset: int = 0,
    per_page: int,
) -> KeysetPage:
    """Return the page after cursor ``after`` (or before ``before``; the first page without either).

    ``offset`` (no cursor) starts the page after that many rows: the old page-number
    links still work, at the cost of reading the rows they skip.

    ``keys`` is the list's total order (it must end with a unique field, e.g. ``id``),
    ``-`` in front for a descending key. Raises ``BadCursor`` for a cursor it cannot read.
    """
    forward = before is None
    ordering = keys if forward else tuple(k[1:] if k.startswith("-") else f"-{k}" for k in keys)
    qs = queryset.order_by(*ordering)
    position = 0
    cursor = after if forward else before
    if cursor:
        values, position = decode_cursor(cursor, len(keys))
        qs = qs.filter(_beyond(keys, values, forward=forward))
    if cursor:
        offset = 0
    rows = list(qs[offset : offset + per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    start = (position + 1 if cursor else offset + 1) if forward else max(position - len(rows), 1)
    names = [k.lstrip("-") for k in keys]

    def cursor_at(row, pos):
        return encode_cursor([getattr(row, n) for n in names], pos)

    has_next = more if forward else bool(rows)
    has_previous = (bool(cursor) or offset > 0) and bool(rows) if forward else more
    next_cursor = cursor_at(rows[-1], start + len(rows) - 1) if rows and has_next else None
    previous_cursor = cursor_at(rows[0], start) if rows and has_previous else None
    return KeysetPage(
        object_list=rows,
        start_index=start,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        counter=lambda: count_of(queryset),
    )
