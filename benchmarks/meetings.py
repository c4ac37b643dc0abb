"""The meetings part of the queries suite: the month grid and the year roll-up indicators,
each against one hand-written SQL statement returning the same figures, in the same run.

Times, for the demo's top organization:

* the month grid of last year (``meetings.months.month_grid``, what the grid page, its
  XLSX, the API and ``dangbo meetings --org CODE --year`` show: cells × months with levels),
  against one statement returning the same cells × months levels (the better level of the
  month's regular meetings, "" for a meeting not scored);
* the year roll-up indicators of last year, asked together (``meetings.held_vs_expected`` and
  ``meetings.cells_by_year_level``), against one statement returning what they are computed
  from: the cells standing in the tree on the year's last day with their dates, and their
  months with a regular meeting and quarters with a thematic one;
* the eight ``meetings.`` indicators together, and each alone;

and checks that the grid's levels equal the statement's, and that the regular months held and
due of ``meetings.held_vs_expected`` equal those counted from the statement's rows.

The result dict (``meetings`` in the queries suite's result) carries ``grid_ms``,
``grid_sql_ms``, ``grid_ratio``, ``grid_cells``, ``rollup_ms``, ``rollup_sql_ms``,
``rollup_ratio``, ``all_ms``, ``each`` and ``agree``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

RANK_SQL = (
    "CASE m.level WHEN 'GOOD' THEN 0 WHEN 'FAIR' THEN 1 WHEN 'AVERAGE' THEN 2 "
    "WHEN 'POOR' THEN 3 ELSE 9 END"
)
LEVELS = {0: "GOOD", 1: "FAIR", 2: "AVERAGE", 3: "POOR", 9: ""}


def _month_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return "CAST(EXTRACT(MONTH FROM m.held_on) AS integer)"
    return "CAST(strftime('%%m', m.held_on) AS integer)"


def grid_sql(vendor: str) -> str:
    """The month grid's levels: one row per cell and month with a regular meeting."""
    month = _month_sql(vendor)
    return f"""
SELECT o.id, {month} AS month, MIN({RANK_SQL})
FROM organizations_organization o
JOIN meetings_meeting m ON m.organization_id = o.id
WHERE o.path >= %s AND o.path < %s AND o.kind IN ('GRASSROOTS_CELL', 'DEPENDENT_CELL')
  AND o.established_on <= %s AND (o.dissolved_on IS NULL OR o.dissolved_on > %s)
  AND m.voided_at IS NULL AND m.held_on >= %s AND m.held_on <= %s
  AND m.kind IN ('REGULAR', 'COMBINED')
GROUP BY o.id, {month}
"""


def rollup_sql(vendor: str) -> str:
    """The cells in the tree on the day with their dates, and per month whether a regular
    meeting (r) and a thematic one (t) was held: what the year roll-up is computed from."""
    month = _month_sql(vendor)
    return f"""
SELECT o.id, o.established_on, o.dissolved_on, {month} AS month,
       MAX(CASE WHEN m.kind IN ('REGULAR', 'COMBINED') THEN 1 ELSE 0 END),
       MAX(CASE WHEN m.kind IN ('THEMATIC', 'COMBINED') THEN 1 ELSE 0 END),
       MIN(CASE WHEN m.kind IN ('REGULAR', 'COMBINED') THEN {RANK_SQL} END)
FROM organizations_organization o
JOIN organizations_treeposition t ON t.organization_id = o.id
LEFT JOIN meetings_meeting m ON m.organization_id = o.id AND m.voided_at IS NULL
  AND m.held_on >= %s AND m.held_on <= %s
WHERE t.valid_from <= %s AND (t.valid_until IS NULL OR t.valid_until > %s)
  AND t.path >= %s AND t.path < %s AND o.kind IN ('GRASSROOTS_CELL', 'DEPENDENT_CELL')
GROUP BY o.id, o.established_on, o.dissolved_on, {month}
"""


def run(root, today: dt.date, timed: Callable) -> dict:
    from django.db import connection

    from dangbo.indicators import registry, selectors
    from dangbo.indicators.registry import Query
    from dangbo.meetings import rules
    from dangbo.meetings.months import month_grid
    from dangbo.organizations.models import TreePosition
    from dangbo.organizations.rules import subtree_upper_bound
    from dangbo.organizations.selectors import valid_on

    year = today.year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    upper = subtree_upper_bound(root.path)
    grid_ms, grid = timed(lambda: month_grid(root, year, until=today))

    def grid_baseline():
        with connection.cursor() as cursor:
            cursor.execute(grid_sql(connection.vendor),
                           [root.path, upper, last, first, first, last])  # fmt: skip
            return cursor.fetchall()

    grid_sql_ms, cells_months = timed(grid_baseline)
    from_grid = {
        (r.cell.pk, m, level)
        for r in grid for m, level in enumerate(r.months, 1) if level is not None
    }  # fmt: skip
    grid_agree = from_grid == {(pk, m, LEVELS[rank]) for pk, m, rank in cells_months}

    codes = ["meetings.held_vs_expected", "meetings.cells_by_year_level"]
    rollup_ms, rollup = timed(lambda: selectors.figures(root, on=last, codes=codes))
    path = TreePosition.objects.get(valid_on(last), organization=root).path

    def rollup_baseline():
        with connection.cursor() as cursor:
            cursor.execute(rollup_sql(connection.vendor),
                           [first, last, last, last, path, subtree_upper_bound(path)])  # fmt: skip
            return cursor.fetchall()

    rollup_sql_ms, rows = timed(rollup_baseline)
    # the regular cell-months held and due, counted from the statement's rows
    dates, held = {}, set()
    for pk, born, gone, month, regular, _thematic, _rank in rows:
        dates[pk] = (_date(born), _date(gone))
        if month is not None and regular:
            held.add((pk, int(month)))
    due = {
        (pk, m) for pk, (born, gone) in dates.items() for m in range(1, 13)
        if born <= rules.month_end(year, m) and (gone is None or gone > rules.month_end(year, m))
        and (gone is None or gone > first)
    }  # fmt: skip
    regular = rollup[0].result.row("REGULAR")
    rollup_agree = (regular.numerator, regular.denominator) == (len(due & held), len(due))

    indicators = [i for i in registry.all_indicators() if i.code.startswith("meetings.")]
    all_ms, _ = timed(lambda: selectors.figures(root, on=last, codes=[i.code for i in indicators]))
    each = []
    for ind in indicators:
        ms, _ = timed(lambda ind=ind: registry.evaluate(ind, Query(org=root, on=last)))
        each.append({"code": ind.code, "ms": ms})
    return {
        "year": year, "grid_ms": grid_ms, "grid_sql_ms": grid_sql_ms,
        "grid_ratio": grid_ms / grid_sql_ms, "grid_cells": len(grid),
        "grid_cell_months": len(cells_months), "rollup_ms": rollup_ms,
        "rollup_sql_ms": rollup_sql_ms, "rollup_ratio": rollup_ms / rollup_sql_ms,
        "all_ms": all_ms, "each": each, "grid_agree": grid_agree, "rollup_agree": rollup_agree,
        "agree": grid_agree and rollup_agree,
    }  # fmt: skip


def _date(value):
    """A date column as a date (SQLite's raw cursor returns text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def print_result(result: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    def ms(v: float) -> str:
        return fmt_decimal(v, 1)

    print(f"Sinh hoạt chi bộ của tổ chức cao nhất (DEMO), năm {result['year']}:")
    print(f"  lưới tháng ({fmt_int(result['grid_cells'])} chi bộ, "
          f"{fmt_int(result['grid_cell_months'])} chi bộ – tháng có sinh hoạt): "
          f"{ms(result['grid_ms'])} ms; một câu SQL viết tay {ms(result['grid_sql_ms'])} ms; "
          f"× SQL {fmt_decimal(result['grid_ratio'], 2)} (mục tiêu ≤ 1,5; < 1 giây)")  # fmt: skip
    print(f"  chỉ tiêu tổng hợp năm (held_vs_expected, cells_by_year_level): "
          f"{ms(result['rollup_ms'])} ms; một câu SQL viết tay {ms(result['rollup_sql_ms'])} ms; "
          f"× SQL {fmt_decimal(result['rollup_ratio'], 2)} (mục tiêu ≤ 1,5)")  # fmt: skip
    print(f"  8 chỉ tiêu sinh hoạt, một lượt mỗi nguồn: {ms(result['all_ms'])} ms")
    for e in result["each"]:
        print(f"    riêng: {e['code']}: {ms(e['ms'])} ms")
    verdict = "khớp" if result["agree"] else "KHÔNG KHỚP"
    print(f"  Đối chiếu lưới tháng và chỉ tiêu năm với câu SQL: {verdict}")
