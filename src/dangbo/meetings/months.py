"""The month statement of the meetings module and what is built on it: each cell's meetings of
a year read as one grouped row (``month_table``), the levels of its quarters and year under the
rubric owner's rule (``PeriodLevels``, ``period_rules``) and the month grid (``month_grid``) its
page, XLSX, API and CLI show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Func, IntegerField, Q, QuerySet

from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range, valid_on
from dangbo.regulations.selectors import setting_values

from . import rules
from .models import Level, Meeting, Rubric

LEVEL_RANK = {lv: i for i, lv in enumerate(rules.LEVEL_ORDER)}
UNSCORED_RANK = 9  # a regular meeting held but not scored: below every level
# The rank of a meeting's level in SQL (0: Tốt … 3: Kém) back to the level.
LEVEL_OF_RANK = {None: None, UNSCORED_RANK: "", **{i: lv.value for lv, i in LEVEL_RANK.items()}}


class GridParent(NamedTuple):
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class GridCell:
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


@dataclass
class GridRow:
    cell: GridCell
    months: list[str | None]  # per month: the level ("" recorded, not scored), or None: missing
    expected: list[bool]  # the cell existed that month (a meeting was due)
    quarters: list[str | None] = field(default_factory=lambda: [None] * 4)  # None: none due
    year: str | None = None  # the year's result under the rubric owner's rule; None: none due

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


def month_table(
    meetings: QuerySet[Meeting],
    years: Iterable[int],
    *,
    since: dt.date | None = None,
    masks: bool = True,
) -> dict[tuple[int, int], tuple]:
    """Return {(cell id, year): (levels, held, thematic)} from ONE grouped statement over
    ``meetings`` held in ``years`` (one row per cell and year, whatever the number of
    meetings; months and years by the database's own functions: ``DatePart``).

    ``levels`` are the twelve months' levels of the regular meetings (the better one when two
    were held; "" held but not scored; None: none held); ``held`` and ``thematic`` are bit
    masks of the months with a regular meeting and of the quarters with a thematic one (bit 0:
    January, the first quarter), counting only the meetings held on or after ``since``; both
    0 without ``masks`` (the month grid needs only the levels).
    """
    years = list(years)
    try:
        inner, inner_params = (
            meetings.order_by()
            .annotate(o=F("organization_id"), k=F("kind"), lv=F("level"), d=F("held_on"),
                      y=DatePart("held_on", "year"), mo=DatePart("held_on", "month"))
            .values_list("o", "k", "lv", "d", "y", "mo").query.sql_with_params()
        )  # fmt: skip
    except EmptyResultSet:  # a filter that matches nothing (an organization not in the tree)
        return {}
    day = connection.ops.adapt_datefield_value

    def kind_in(kinds) -> tuple[str, list]:
        return f"m.k IN ({', '.join(['%s'] * len(kinds))})", [str(k) for k in kinds]

    def in_months(months) -> tuple[str, list]:
        months = list(months)
        return f"m.mo IN ({', '.join(['%s'] * len(months))})", months

    regular, regular_params = kind_in(rules.REGULAR_KINDS)
    thematic, thematic_params = kind_in(rules.THEMATIC_KINDS)
    counted, counted_params = ("m.d >= %s", [day(since)]) if since else ("1 = 1", [])
    rank = " ".join(f"WHEN %s THEN {i}" for i in LEVEL_RANK.values())
    rank_params = [str(lv) for lv in LEVEL_RANK]
    columns, params = [], []
    for m in range(1, 13):
        cond, cond_params = in_months([m])
        columns.append(f"MIN(CASE WHEN {regular} AND {cond} THEN CASE m.lv {rank} "
                       f"ELSE {UNSCORED_RANK} END END)")  # fmt: skip
        params += [*regular_params, *cond_params, *rank_params]
    if masks:
        held = []
        for m in range(1, 13):
            cond, cond_params = in_months([m])
            held.append(f"MAX(CASE WHEN {regular} AND {counted} AND {cond} THEN {1 << (m - 1)} "
                        "ELSE 0 END)")  # fmt: skip
            params += [*regular_params, *counted_params, *cond_params]
        columns.append(" + ".join(held))
        quarters = []
        for q in range(1, 5):
            cond, cond_params = in_months(range(3 * q - 2, 3 * q + 1))
            quarters.append(f"MAX(CASE WHEN {thematic} AND {counted} AND {cond} "
                            f"THEN {1 << (q - 1)} ELSE 0 END)")  # fmt: skip
            params += [*thematic_params, *counted_params, *cond_params]
        columns.append(" + ".join(quarters))
    sql = f"SELECT m.o, m.y, {', '.join(columns)} FROM ({inner}) m GROUP BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        rows = cursor.fetchall()
    table = {}
    for org_id, year, *found in rows:
        held_mask, quarter_mask = (found[12], found[13]) if masks else (0, 0)
        table[(org_id, year)] = (
            tuple(LEVEL_OF_RANK[r] for r in found[:12]), held_mask, quarter_mask,
        )  # fmt: skip
    return table


NO_MONTHS = (None,) * 12


class PeriodLevels:
    """``rules.period_level`` and ``rules.quarter_levels``, each worked out once per distinct
    case: a period's level depends only on how many of its months due are at each level (not
    on their order), a quarter's on its three months."""

    SLOT = {None: 0, "": 1, **{lv.value: i + 2 for i, lv in enumerate(rules.LEVEL_ORDER)}}

    def __init__(self) -> None:
        self._periods: dict[tuple, str | None] = {}
        self._quarters: dict[tuple, str | None] = {}
        self._rules: dict[int, rules.PeriodRule] = {}  # keyed by identity: hashing one is slow

    def _rule_key(self, rule: rules.PeriodRule) -> int:
        self._rules.setdefault(id(rule), rule)  # held, so that its id stays its own
        return id(rule)

    def year(self, months, due, rule: rules.PeriodRule) -> str | None:
        counts = [0] * len(self.SLOT)
        for level, is_due in zip(months, due, strict=True):
            if is_due:
                counts[self.SLOT[level]] += 1
        key = (tuple(counts), self._rule_key(rule))
        if key not in self._periods:
            self._periods[key] = rules.period_level(months, due, rule)
        return self._periods[key]

    def quarters(self, months, due, rule: rules.PeriodRule) -> list[str | None]:
        out, rule_key = [], self._rule_key(rule)
        for i in (0, 3, 6, 9):
            key = (months[i : i + 3], due[i : i + 3], rule_key)
            if key not in self._quarters:
                self._quarters[key] = rules.period_level(key[0], key[1], rule)
            out.append(self._quarters[key])
        return out


def grid_cells(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Organization]:
    """The cells of the subtree that existed at some time in [start, end], in tree order (as
    ``selectors.cells_under``)."""
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

    The meetings are read in one grouped statement (``month_table``: one row per cell); the
    months due follow from the cell's dates and the levels of the quarters and the year from
    its months, each worked out once per distinct case rather than once per cell.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells = [
        GridCell(pk, code, name, kind, path, born, gone,
                 GridParent(parent_code, parent_name) if parent_code is not None else None)
        for pk, code, name, kind, path, born, gone, parent_code, parent_name in
        grid_cells(org, start, end).values_list(
            "pk", "code", "name", "kind", "path", "established_on", "dissolved_on",
            "parent__code", "parent__name",
        )
    ]  # fmt: skip
    table = month_table(
        Meeting.objects.filter(
            path_range(org.path, "organization__path"), voided_at__isnull=True,
            held_on__gte=start, held_on__lte=end, kind__in=rules.REGULAR_KINDS,
        ),
        [year],
        masks=False,
    )  # fmt: skip
    bounds = [(dt.date(year, m, 1), rules.month_end(year, m)) for m in range(1, 13)]
    over = [until is None or last <= until for _, last in bounds]
    expected_of: dict[tuple, tuple[bool, ...]] = {}
    rule_of = period_rules(cells, end)
    levels = PeriodLevels()
    result = []
    for cell in cells:
        dates = (cell.established_on, cell.dissolved_on)
        expected = expected_of.get(dates)
        if expected is None:
            born, gone = dates
            expected = expected_of[dates] = tuple(
                ok and born <= last and (gone is None or gone > first)
                for (first, last), ok in zip(bounds, over, strict=True)
            )
        found = table.get((cell.pk, year))
        months = found[0] if found else NO_MONTHS
        rule = rule_of(cell)
        result.append(GridRow(
            cell, list(months), list(expected), levels.quarters(months, expected, rule),
            levels.year(months, expected, rule),
        ))  # fmt: skip
    return result


def period_rules(cells: list[Organization], on: dt.date):
    """Return ``cell -> rules.PeriodRule`` in force on ``on``: the setting
    ``meetings.period_rule`` of the committee owning the rubric the cell scores on that day
    (the cell's own when none), read in two queries for all the cells."""
    owners = [
        r.owner for r in Rubric.objects.filter(valid_on(on), owner__isnull=False,
                                                voided_at__isnull=True).select_related("owner")
    ]  # fmt: skip
    value_for = setting_values(rules.PERIOD_RULE_SETTING, on=on, default=None)
    cache: dict[int, rules.PeriodRule] = {}

    def rule_of(cell: Organization) -> rules.PeriodRule:
        path = cell.path or ""
        above = [o for o in owners if o.path and path.startswith(o.path)]
        owner = max(above, key=lambda o: o.depth) if above else cell
        if owner.pk not in cache:
            cache[owner.pk] = rules.period_rule(value_for(owner), on)
        return cache[owner.pk]

    return rule_of


def level_label(level: str | None) -> str:
    if level is None:
        return ""
    return Level(level).label if level else "Chưa xếp loại"
