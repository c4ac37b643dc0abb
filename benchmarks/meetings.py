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


def run(root, today: dt.date, timed: Callable, *, every_indicator: bool = True) -> dict:
    """Time the grid and the roll-up against their statements (and, with ``every_indicator``,
    the eight ``meetings.`` indicators) for ``root``, last year."""
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
    all_ms, each = None, []
    if every_indicator:
        all_ms, _ = timed(
            lambda: selectors.figures(root, on=last, codes=[i.code for i in indicators])
        )
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

    if "cells" in result:
        print(f"Sinh hoạt chi bộ của một tỉnh tổng hợp ({fmt_int(result['cells'])} chi bộ, "
              f"{fmt_int(result['meetings'])} buổi nạp bằng COPY trong "
              f"{fmt_decimal(result['load_seconds'], 1)} giây; tải trung bình của máy "
              f"{fmt_decimal(result['load_average'], 1)}), năm {result['year']}:")  # fmt: skip
    else:
        print(f"Sinh hoạt chi bộ của tổ chức cao nhất (DEMO), năm {result['year']}:")
    print(f"  lưới tháng ({fmt_int(result['grid_cells'])} chi bộ, "
          f"{fmt_int(result['grid_cell_months'])} chi bộ – tháng có sinh hoạt): "
          f"{ms(result['grid_ms'])} ms; một câu SQL viết tay {ms(result['grid_sql_ms'])} ms; "
          f"× SQL {fmt_decimal(result['grid_ratio'], 2)} (mục tiêu ≤ 1,5; < 1 giây)")  # fmt: skip
    print(f"  chỉ tiêu tổng hợp năm (held_vs_expected, cells_by_year_level): "
          f"{ms(result['rollup_ms'])} ms; một câu SQL viết tay {ms(result['rollup_sql_ms'])} ms; "
          f"× SQL {fmt_decimal(result['rollup_ratio'], 2)} (mục tiêu ≤ 1,5)")  # fmt: skip
    if result.get("all_ms") is not None:
        print(f"  8 chỉ tiêu sinh hoạt, một lượt mỗi nguồn: {ms(result['all_ms'])} ms")
    for e in result.get("each", []):
        print(f"    riêng: {e['code']}: {ms(e['ms'])} ms")
    verdict = "khớp" if result["agree"] else "KHÔNG KHỚP"
    print(f"  Đối chiếu lưới tháng và chỉ tiêu năm với câu SQL: {verdict}")


# --------------------------------------------------------------------------
# A province's cells without the demo: ``python -m benchmarks --suite grid --cells N``
# --------------------------------------------------------------------------

CELLS_PER_DANG_BO = 20  # dependent cells of each grassroots đảng bộ
GRASSROOTS_CELL_SHARE = 0.1  # cells that are a chi bộ cơ sở directly under the province
NEW_SHARE, DISSOLVED_SHARE = 0.03, 0.02  # cells established or dissolved during the year
MISSING_SHARE = 0.03  # months without a regular meeting
SECOND_SHARE = 0.02  # months with a second regular meeting
LEVEL_WEIGHTS = {"GOOD": 60, "FAIR": 21, "": 7, "AVERAGE": 8, "POOR": 4}
STAMP = "2025-01-01 00:00:00+07"
ORG_COLUMNS = ("id", "created_at", "updated_at", "code", "name", "kind", "parent_id", "path",
               "depth", "hardship_area", "established_on", "dissolved_on",
               "established_decision", "dissolved_decision", "address", "phone", "email",
               "committee_name", "place_name")  # fmt: skip
POSITION_COLUMNS = ("id", "organization_id", "parent_id", "path", "depth", "name", "kind",
                    "valid_from", "valid_until")  # fmt: skip
MEETING_COLUMNS = ("id", "created_at", "updated_at", "kind", "held_on", "place", "topic",
                   "content", "conclusions", "resolution_number", "documents", "guests",
                   "level_only", "counted_count", "present_count", "self_level",
                   "confirmed_level", "adjustment_reason", "level", "voided_reason",
                   "organization_id")  # fmt: skip


def _text(value) -> str:
    return "\\N" if value is None else str(value)


def plan_cells(cells: int, year: int, rng) -> tuple[list[tuple], list[tuple]]:
    """A province of ``cells`` cells (its grassroots đảng bộ of ``CELLS_PER_DANG_BO`` dependent
    cells, and chi bộ cơ sở) and their meetings of ``year``: (organizations, meetings), rows
    for COPY. A few cells are established or dissolved during the year; each month has its
    regular meeting (combined with the thematic one at a quarter's end, or a thematic one on
    its own), a few are missing or held twice, levels in rough real proportions."""
    from dangbo.meetings import rules

    orgs: list[tuple] = []

    def add(parent, code, name, kind, born=dt.date(2000, 1, 1), gone=None) -> tuple:
        pk = len(orgs) + 1
        path = (parent[4] if parent else "") + f"{pk:08d}."
        row = (pk, code, name, kind, path, parent[0] if parent else None,
               parent[6] + 1 if parent else 0, born, gone)  # fmt: skip
        orgs.append(row)
        return row

    province = add(None, "LT", "Đảng bộ tỉnh (lưới tháng)", "PROVINCIAL")
    first = dt.date(year, 1, 1)
    levels, weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    meetings: list[tuple] = []
    made = 0
    while made < cells:
        if rng.random() < GRASSROOTS_CELL_SHARE:
            parents = [(province, "GRASSROOTS_CELL", 1)]
        else:
            dang_bo = add(province, f"LT{len(orgs)}", f"Đảng bộ cơ sở số {len(orgs)}",
                          "GRASSROOTS_DANG_BO")  # fmt: skip
            parents = [(dang_bo, "DEPENDENT_CELL", min(CELLS_PER_DANG_BO, cells - made))]
        for parent, kind, count in parents:
            for _ in range(count):
                born, gone = dt.date(2000, 1, 1), None
                draw = rng.random()
                if draw < NEW_SHARE:
                    born = first + dt.timedelta(days=rng.randrange(365))
                elif draw < NEW_SHARE + DISSOLVED_SHARE:
                    gone = first + dt.timedelta(days=rng.randrange(1, 365))
                cell = add(parent, f"LT{len(orgs)}", f"Chi bộ số {len(orgs)}", kind, born, gone)
                made += 1
                for month in range(1, 13):
                    month_last = rules.month_end(year, month)
                    if born > month_last or (gone is not None and gone <= dt.date(year, month, 1)):
                        continue
                    if rng.random() < MISSING_SHARE:
                        continue
                    quarter_end = month % 3 == 0
                    held = 2 if rng.random() < SECOND_SHARE else 1
                    for n in range(held):
                        day = max(born, dt.date(year, month, 5 + 10 * n + rng.randrange(5)))
                        if gone is not None and day >= gone:
                            day = gone - dt.timedelta(days=1)
                        if day < born or day.month != month:
                            continue
                        combined = quarter_end and n == 0 and rng.random() < 0.5
                        meetings.append((day, "COMBINED" if combined else "REGULAR",
                                         rng.choices(levels, weights)[0], cell[0]))  # fmt: skip
                        if quarter_end and n == 0 and not combined:
                            meetings.append((day, "THEMATIC", "", cell[0]))
    return orgs, meetings


def load_cells(connection, orgs: list[tuple], meetings: list[tuple]) -> int:
    """Load the organizations, their tree positions and the meetings with COPY."""

    def copy(cursor, table: str, columns: tuple[str, ...], lines) -> int:
        count = 0
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
            block: list[str] = []
            for line in lines:
                block.append(line)
                if len(block) >= 20_000:
                    out.write("\n".join(block) + "\n")
                    count, block = count + len(block), []
            if block:
                out.write("\n".join(block) + "\n")
                count += len(block)
        return count

    org_lines = (
        "\t".join((str(pk), STAMP, STAMP, code, name, kind, _text(parent), path, str(depth), "f",
                   str(born), _text(gone), "", "", "", "", "", "", ""))
        for pk, code, name, kind, path, parent, depth, born, gone in orgs
    )  # fmt: skip
    position_lines = (
        "\t".join((str(pk), str(pk), _text(parent), path, str(depth), name, kind, str(born),
                   _text(gone)))
        for pk, _code, name, kind, path, parent, depth, born, gone in orgs
    )  # fmt: skip
    meeting_lines = (
        "\t".join((str(i), STAMP, STAMP, kind, str(day), "", "", "", "", "", "", "", "t", "10",
                   "9", "", "", "", level, "", str(cell)))
        for i, (day, kind, level, cell) in enumerate(meetings, 1)
    )  # fmt: skip
    with connection.cursor() as cursor:
        rows = copy(cursor, "organizations_organization", ORG_COLUMNS, org_lines)
        rows += copy(cursor, "organizations_treeposition", POSITION_COLUMNS, position_lines)
        rows += copy(cursor, "meetings_meeting", MEETING_COLUMNS, meeting_lines)
        for table in ("organizations_organization", "organizations_treeposition",
                      "meetings_meeting"):  # fmt: skip
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")  # fmt: skip
        cursor.execute("ANALYZE")
    return rows


def run_cells(*, cells: int, seed: int, repeat: int) -> dict:
    """Load a province of ``cells`` cells with a year of meetings straight into PostgreSQL,
    then time its month grid and year roll-up against their statements (``run``)."""
    import os
    import random
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dangbo.organizations.models import Organization

    from .run import _median_ms

    if connection.vendor != "postgresql":
        raise SystemExit("Phép đo lưới tháng theo số chi bộ chỉ chạy trên PostgreSQL.")
    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    began = time.perf_counter()
    orgs, meetings = plan_cells(cells, today.year - 1, random.Random(seed))
    print(f"Tỉnh tổng hợp: {len(orgs)} tổ chức ({cells} chi bộ), {len(meetings)} buổi sinh "
          "hoạt năm trước; nạp bằng COPY…", flush=True)  # fmt: skip
    rows = load_cells(connection, orgs, meetings)
    load_seconds = time.perf_counter() - began
    root = Organization.objects.get(code="LT")
    result = run(root, today, lambda fn: _median_ms(fn, repeat), every_indicator=False)
    return {**result, "cells": cells, "meetings": len(meetings), "rows": rows,
            "load_seconds": load_seconds, "load_average": os.getloadavg()[0]}  # fmt: skip
