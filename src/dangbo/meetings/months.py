"""The month statement of the meetings module and what is built on it: each cell's meetings of
a year read as one grouped row (``month_table``), the levels of its quarters and year under the
rubric owner's rule (``PeriodLevels``, ``period_rules``) and the month grid (``month_grid``) its
page, XLSX, API and CLI show."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Func, IntegerField, Q, QuerySet, Value

from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range, valid_on
from dangbo.regulations.selectors import setting_values

from . import rules
from .models import Level, Meeting, Rubric

LEVEL_RANK = {lv: i for i, lv in enumerate(rules.LEVEL_ORDER)}
NONE_RANK = -1  # no regular meeting that month
UNSCORED_RANK = 9  # a regular meeting held but not scored: below every level
# The rank of a month in SQL (0: Tốt … 3: Kém, 9: not scored, -1: none held) back to its level.
LEVEL_OF_RANK = {
    NONE_RANK: None, UNSCORED_RANK: "", **{i: lv.value for lv, i in LEVEL_RANK.items()}
}  # fmt: skip
NO_MONTHS = (NONE_RANK,) * 12  # the ranks of a cell without a regular meeting in the year
ONE_DAY = dt.timedelta(days=1)


class GridParent(NamedTuple):
    code: str
    name: str


class GridCell(NamedTuple):
    """A cell as the grid's users read it (the page, its XLSX, the API, the CLI): read as plain
    values, so that a province's 25.000 cells cost no model instance each."""

    pk: int
    code: str
    name: str
    kind: str
    path: str
    established_on: dt.date
    dissolved_on: dt.date | None
    parent: GridParent | None

    @property
    def id(self) -> int:
        return self.pk


class GridRow(NamedTuple):
    """A cell's row of the grid. Rows with the same months, months due and rule share their
    lists (``month_grid``): read them, do not change them."""

    cell: GridCell
    months: list[str | None]  # per month: the level ("" recorded, not scored), or None: missing
    expected: list[bool]  # the cell existed that month (a meeting was due)
    quarters: list[str | None]  # None: none due
    year: str | None  # the year's result under the rubric owner's rule; None: none due

    @property
    def missing(self) -> int:
        return sum(1 for m, e in zip(self.months, self.expected, strict=True) if e and m is None)

    @property
    def year_label(self) -> str:
        return level_label(self.year)


class DatePart(Func):
    """The year or month of a date column as an integer, by the database's own function
    (SQLite: the text of the date; PostgreSQL: ``EXTRACT``) rather than Django's date
    functions, which SQLite runs in Python, once per row and per use."""

    output_field = IntegerField()

    def __init__(self, expression, part: str) -> None:
        if part not in ("year", "month"):
            raise ValueError(part)
        self.part = part
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra):
        start, length = (1, 4) if self.part == "year" else (6, 2)
        template = f"CAST(substr(%(expressions)s, {start}, {length}) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"CAST(EXTRACT({self.part.upper()} FROM %(expressions)s) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)


def month_statement(
    meetings: QuerySet[Meeting],
    years: Iterable[int],
    *,
    since: dt.date | None = None,
    masks: bool = True,
) -> tuple[str, list]:
    """The SQL and parameters of ONE statement over ``meetings`` held in ``years``, grouped by
    cell and year: one row per cell and year, whatever the number of meetings, with the columns
    ``o`` (the cell's id), ``y`` (the year), ``levels`` and, with ``masks``, ``held`` and
    ``thematic``: bit sets, OR-ed over the meetings (``BIT_OR`` on PostgreSQL, the sum of the
    distinct bits on SQLite, which has no such aggregate). ``levels`` has one bit per month and
    level of its regular meetings (``LEVEL_BITS``; ``unpack_ranks`` reads the better level of
    each month back), ``held`` one per month with a regular meeting on or after ``since``,
    ``thematic`` one per quarter with a thematic one. Months and years come from the
    database's own functions (``DatePart``). Raises ``EmptyResultSet`` when ``meetings`` can
    match nothing."""
    years = list(years)
    # one year asked: every meeting is of that year, no need to read it from each date
    year = (
        Value(years[0], output_field=IntegerField())
        if len(years) == 1
        else DatePart("held_on", "year")
    )
    inner, inner_params = (
        meetings.order_by()
        .annotate(o=F("organization_id"), k=F("kind"), lv=F("level"), d=F("held_on"),
                  y=year, mo=DatePart("held_on", "month"))
        .values_list("o", "k", "lv", "d", "y", "mo").query.sql_with_params()
    )  # fmt: skip
    day = connection.ops.adapt_datefield_value

    def kind_in(kinds) -> tuple[str, list]:
        return f"m.k IN ({', '.join(['%s'] * len(kinds))})", [str(k) for k in kinds]

    def bit_or(bits: str) -> str:
        if connection.vendor == "postgresql":
            return f"BIT_OR({bits})"
        return f"SUM(DISTINCT {bits})"  # each term a power of two (or 0): their OR

    regular, regular_params = kind_in(rules.REGULAR_KINDS)
    thematic, thematic_params = kind_in(rules.THEMATIC_KINDS)
    counted, counted_params = ("m.d >= %s", [day(since)]) if since else ("1 = 1", [])
    level_bit = " ".join(f"WHEN %s THEN {i}" for i in LEVEL_RANK.values())
    # integer literals only, but for the kinds, levels and day
    level_bits = (
        f"CASE WHEN {regular} THEN CAST(1 AS bigint) << ({LEVEL_BITS} * (m.mo - 1) + "
        f"CASE m.lv {level_bit} ELSE {UNSCORED_BIT} END) ELSE 0 END"
    )
    columns = [f"CAST({bit_or(level_bits)} AS bigint) AS levels"]
    params = [*regular_params, *(str(lv) for lv in LEVEL_RANK)]
    if masks:
        held = f"CASE WHEN {regular} AND {counted} THEN 1 << (m.mo - 1) ELSE 0 END"
        quarters = f"CASE WHEN {thematic} AND {counted} THEN 1 << ((m.mo - 1) / 3) ELSE 0 END"
        columns += [f"CAST({bit_or(held)} AS integer) AS held",
                    f"CAST({bit_or(quarters)} AS integer) AS thematic"]  # fmt: skip
        params += [*regular_params, *counted_params, *thematic_params, *counted_params]
    sql = f"SELECT m.o, m.y, {', '.join(columns)} FROM ({inner}) m GROUP BY m.o, m.y"
    return sql, [*params, *inner_params]


LEVEL_BITS = 5  # per month: a bit per level (0: Tốt … 3: Kém), and one for a meeting not scored
UNSCORED_BIT = 4
QUARTER_BITS = 3 * LEVEL_BITS
QUARTER_MASK = (1 << QUARTER_BITS) - 1
MONTH_MASK = (1 << LEVEL_BITS) - 1
# a month's bits -> its rank: the best level held (the lowest bit), not scored only when no
# meeting of the month was scored, none held without a bit
_RANK_OF_BITS = tuple(
    NONE_RANK if not bits
    else next(UNSCORED_RANK if b == UNSCORED_BIT else b for b in range(LEVEL_BITS) if bits >> b & 1)
    for bits in range(1 << LEVEL_BITS)
)  # fmt: skip


COUNT_SLOT = {NONE_RANK: 0, **{r: i + 1 for i, r in enumerate(LEVEL_RANK.values())},
              UNSCORED_RANK: len(LEVEL_RANK) + 1}  # fmt: skip
COUNT_BITS = 4  # how many months (up to 12) at each rank, one field per slot: a sum of fields


class _Quarters(dict):
    """{a quarter's bits: (its three months' ranks, their levels, how many at each rank)},
    each worked out once; the counts of several quarters add up (``COUNT_BITS``)."""

    def __missing__(self, bits: int) -> tuple:
        ranks = tuple(_RANK_OF_BITS[(bits >> (LEVEL_BITS * i)) & MONTH_MASK] for i in range(3))
        counts = sum(1 << (COUNT_BITS * COUNT_SLOT[r]) for r in ranks)
        got = self[bits] = (ranks, [LEVEL_OF_RANK[r] for r in ranks], counts)
        return got


_QUARTERS = _Quarters()


class _Unpacked(dict):
    """{a cell's ``levels`` bits: (the months' ranks, their levels)}, each worked out once,
    from its quarters' (``_QUARTERS``)."""

    def __missing__(self, bits: int) -> tuple:
        q1 = _QUARTERS[bits & QUARTER_MASK]
        q2 = _QUARTERS[(bits >> QUARTER_BITS) & QUARTER_MASK]
        q3 = _QUARTERS[(bits >> 2 * QUARTER_BITS) & QUARTER_MASK]
        q4 = _QUARTERS[bits >> 3 * QUARTER_BITS]
        got = self[bits] = (q1[0] + q2[0] + q3[0] + q4[0], q1[1] + q2[1] + q3[1] + q4[1])
        return got


def unpack_ranks() -> _Unpacked:
    """A fresh ``{levels bits: (ranks, levels)}`` for a statement's rows (``month_statement``)."""
    return _Unpacked()


def month_table(
    meetings: QuerySet[Meeting],
    years: Iterable[int],
    *,
    since: dt.date | None = None,
    masks: bool = True,
) -> dict[tuple[int, int], tuple]:
    """Return {(cell id, year): (ranks, held, thematic)} from the one statement of
    ``month_statement``.

    ``ranks`` are the twelve months' ranks of the regular meetings' levels (the better one when
    two were held; ``LEVEL_OF_RANK`` turns them back into levels; ``NONE_RANK``: none held);
    ``held`` and ``thematic`` are bit masks of the months with a regular meeting and of the
    quarters with a thematic one (bit 0: January, the first quarter), counting only the
    meetings held on or after ``since``; both 0 without ``masks`` (the month grid needs only
    the levels).
    """
    try:
        sql, params = month_statement(meetings, years, since=since, masks=masks)
    except EmptyResultSet:  # a filter that matches nothing (an organization not in the tree)
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    unpacked = unpack_ranks()
    if masks:
        return {(o, y): (unpacked[r][0], h, t) for o, y, r, h, t in rows}
    return {(o, y): (unpacked[r][0], 0, 0) for o, y, r in rows}


@functools.lru_cache(maxsize=1 << 16)
def _level_of(ranks_due: tuple, share: Decimal, cap_after_poor: str) -> str | None:
    """``rules.period_level`` of the months due given by their sorted ranks: a pure function
    of few distinct cases, kept across calls."""
    months = [LEVEL_OF_RANK[r] for r in ranks_due]
    rule = rules.PeriodRule(share, cap_after_poor)
    return rules.period_level(months, [True] * len(months), rule)


class PeriodLevels:
    """``rules.period_level`` of a quarter or a year from the months' ranks (``month_table``),
    each worked out once per distinct case rather than once per cell: the months due are
    consecutive (from the cell's first month to its last, up to the last month over), and a
    period's level depends only on how many of its months due are at each level, not on their
    order: its case is the sorted ranks of the months due."""

    def __init__(self) -> None:
        self._levels: dict[tuple, str | None] = {}
        self._by_counts: dict[int, dict[int, str | None]] = {}
        self._rules: dict[int, tuple] = {}  # keyed by identity: hashing a rule is slow

    def _level(self, ranks_due: tuple, rule: rules.PeriodRule) -> str | None:
        key = (tuple(sorted(ranks_due)), id(rule))
        level = self._levels.get(key, False)
        if level is False:
            if key[1] not in self._rules:  # held, so that its id stays its own
                self._rules[key[1]] = (rule, rule.share, rule.cap_after_poor)
            _, share, cap = self._rules[key[1]]
            level = self._levels[key] = _level_of(key[0], share, cap)
        return level

    def year(self, ranks: tuple, lo: int, hi: int, rule: rules.PeriodRule) -> str | None:
        """The level of the year whose months ``lo`` to ``hi`` (0-based, ``hi`` excluded)
        are due."""
        return self._level(ranks[lo:hi], rule)

    def quarters(self, ranks: tuple, lo: int, hi: int, rule: rules.PeriodRule) -> list:
        """The four quarters' levels (None: no month of it due)."""
        level = self._level
        return [level(ranks[max(lo, i) : max(min(hi, i + 3), i)], rule) for i in (0, 3, 6, 9)]

    def by_counts(self, counts: int, rule: rules.PeriodRule) -> str | None:
        """The level of a period whose months due are ``counts`` (how many at each rank, as
        in ``_Quarters``): once per count and rule."""
        memo = self._by_counts.get(id(rule))
        if memo is None:
            memo = self._by_counts[id(rule)] = {}
        level = memo.get(counts, False)
        if level is False:
            ranks = tuple(
                r for r, slot in COUNT_SLOT.items()
                for _ in range((counts >> (COUNT_BITS * slot)) & ((1 << COUNT_BITS) - 1))
            )  # fmt: skip
            level = memo[counts] = self._level(ranks, rule)
        return level


def due_months(
    year: int, born: dt.date, gone: dt.date | None, *, over: int = 12
) -> tuple[int, int]:
    """The months of ``year`` a cell standing from ``born`` until ``gone`` had to meet, as
    (first, last + 1) counted from 0 (January): those it existed some day of, among the
    first ``over`` (the months over). Empty: first == last + 1."""
    lo = 0 if born.year < year else born.month - 1 if born.year == year else 12
    if gone is None or gone > dt.date(year, 12, 1):
        hi = 12
    else:
        last = gone - ONE_DAY  # its last day standing
        hi = 0 if last.year < year else last.month
    hi = min(hi, over)
    return lo, max(lo, hi)


def grid_cells(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Organization]:
    """The cells of the subtree that existed at some time in [start, end], in tree order."""
    return (
        Organization.objects.filter(
            path_range(org.path), kind__in=CELL_KINDS, established_on__lte=end
        )
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=start))
        .order_by("path")
    )


def month_grid(org: Organization, year: int, *, until: dt.date | None = None) -> list[GridRow]:
    """Return, for each cell of the subtree, the level of its regular meeting each month of
    ``year`` (the better one when two were held); months after ``until`` are not yet due.

    One statement reads the cells with their meetings grouped one row per cell
    (``month_statement``); the months due are a range worked out from the cell's dates
    (``due_months``), and the levels of the quarters and the year from its months' ranks, once
    per distinct case rather than once per cell (``PeriodLevels``); the rows are tuples, their
    lists shared between the rows of a case.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells = (
        grid_cells(org, start, end).order_by()
        .annotate(c_id=F("pk"), c_code=F("code"), c_name=F("name"), c_kind=F("kind"),
                  c_path=F("path"), c_born=F("established_on"), c_gone=F("dissolved_on"),
                  c_parent_code=F("parent__code"), c_parent_name=F("parent__name"))
        .values_list("c_id", "c_code", "c_name", "c_kind", "c_path", "c_born", "c_gone",
                     "c_parent_code", "c_parent_name")
    )  # fmt: skip
    meetings = Meeting.objects.filter(
        path_range(org.path, "organization__path"), voided_at__isnull=True,
        held_on__gte=start, held_on__lte=end, kind__in=rules.REGULAR_KINDS,
    )  # fmt: skip
    try:
        cells_sql, cells_params = cells.query.sql_with_params()
        months_sql, months_params = month_statement(meetings, [year], masks=False)
    except EmptyResultSet:  # an organization not in the tree
        return []
    sql = (
        "SELECT c.c_id, c.c_code, c.c_name, c.c_kind, c.c_path, c.c_born, c.c_gone, "
        f"c.c_parent_code, c.c_parent_name, t.levels FROM ({cells_sql}) c "
        f"LEFT JOIN ({months_sql}) t ON t.o = c.c_id ORDER BY c.c_path"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cells_params, *months_params])
        found = cursor.fetchall()
    over = sum(1 for m in range(1, 13) if until is None or rules.month_end(year, m) <= until)
    rule_of = period_rules(end)
    levels = PeriodLevels()
    unpacked = unpack_ranks()
    parents: dict[tuple, GridParent | None] = {(None, None): None}
    expected_of: dict[tuple, list[bool]] = {}
    rows = []
    for pk, code, name, kind, path, born, gone, parent_code, parent_name, packed in found:
        if born.__class__ is str:  # SQLite returns the dates of a raw statement as text
            born = dt.date.fromisoformat(born)
            gone = gone and dt.date.fromisoformat(gone)
        parent = parents.get((parent_code, parent_name), False)
        if parent is False:
            parent = parents[(parent_code, parent_name)] = GridParent(parent_code, parent_name)
        cell = GridCell(pk, code, name, kind, path, born, gone, parent)
        lo, hi = due_months(year, born, gone, over=over)
        expected = expected_of.get((lo, hi))
        if expected is None:
            expected = expected_of[(lo, hi)] = [lo <= i < hi for i in range(12)]
        packed = packed or 0
        rule = rule_of(cell)
        if lo == 0 and hi == 12:  # every month due: the quarters' counts, and their sum
            q1 = _QUARTERS[packed & QUARTER_MASK]
            q2 = _QUARTERS[(packed >> QUARTER_BITS) & QUARTER_MASK]
            q3 = _QUARTERS[(packed >> 2 * QUARTER_BITS) & QUARTER_MASK]
            q4 = _QUARTERS[packed >> 3 * QUARTER_BITS]
            by_counts = levels.by_counts
            rows.append(GridRow(
                cell, q1[1] + q2[1] + q3[1] + q4[1], expected,
                [by_counts(q1[2], rule), by_counts(q2[2], rule), by_counts(q3[2], rule),
                 by_counts(q4[2], rule)],
                by_counts(q1[2] + q2[2] + q3[2] + q4[2], rule),
            ))  # fmt: skip
            continue
        ranks, months = unpacked[packed]
        quarters = levels.quarters(ranks, lo, hi, rule)
        rows.append(GridRow(cell, months, expected, quarters, levels.year(ranks, lo, hi, rule)))
    return rows


def period_rules(on: dt.date):
    """Return ``cell -> rules.PeriodRule`` in force on ``on``: the setting
    ``meetings.period_rule`` of the committee owning the rubric the cell scores on that day
    (the cell's own when none), read in two queries for all the cells."""
    owners = [
        r.owner for r in Rubric.objects.filter(valid_on(on), owner__isnull=False,
                                                voided_at__isnull=True).select_related("owner")
    ]  # fmt: skip
    owners.sort(key=lambda o: -o.depth)  # the nearest first
    value_for = setting_values(rules.PERIOD_RULE_SETTING, on=on, default=None)
    owners_by_path = [(o.path, o.pk, o) for o in owners if o.path]
    cache: dict[int, rules.PeriodRule] = {}
    # one rule per setting row's value (the same object for every organization it applies
    # to), so that the cells without a rubric owner above share their cases too
    by_value: dict[int, tuple[object, rules.PeriodRule]] = {}

    def rule_of(cell: Organization) -> rules.PeriodRule:
        path = cell.path or ""
        above = owners_by_path and next((o for o in owners_by_path if path.startswith(o[0])), None)
        _, pk, owner = above or (path, cell.pk, cell)
        rule = cache.get(pk)
        if rule is None:
            value = value_for(owner)
            if id(value) not in by_value:  # the value held, so that its id stays its own
                by_value[id(value)] = (value, rules.period_rule(value, on))
            rule = cache[pk] = by_value[id(value)][1]
        return rule

    return rule_of


def level_label(level: str | None) -> str:
    if level is None:
        return ""
    return Level(level).label if level else "Chưa xếp loại"
