"""One table of every goal of the province-scale work, from the results the suites left.

Each suite run by ``python -m benchmarks`` writes what it measured to the results folder
(``BENCH_RESULTS_DIR``, or ``--results``) as ``<suite>-<db>-<members>.json``;
``python -m benchmarks --summary DIR`` reads them all and prints one row per goal and per
measured (database, size): the value, the goal and ĐẠT / CHƯA ĐẠT, or "chưa đo" when no
suite measured it.

To add a figure, add a ``Goal`` to ``GOALS``: the suite whose results hold it, a label, the
goal as users read it, a getter from that suite's result dict (``None`` when absent: the
row then says "chưa đo"), how to print the value and the pass test. The goals are those of
a 500.000-member province; a figure measured on a smaller demo says so next to its mark.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dangbo.core.formatting import fmt_decimal, fmt_int

GOAL_MEMBERS = 500_000


def ms(value: float) -> str:
    return f"{fmt_decimal(value, 1)} ms"


def seconds(value: float) -> str:
    return f"{fmt_decimal(value, 1)} giây"


def times(value: float) -> str:
    return f"{fmt_decimal(value, 2)}×"


def mb(value: float) -> str:
    return f"{fmt_int(round(value))} MB"


def percentiles(value: dict) -> str:
    return " / ".join(fmt_decimal(value[k], 1) for k in ("p50", "p95", "p99")) + " ms"


def _dig(data: Any, *keys: Any) -> Any:
    """``data[k1][k2]…``, or None when any step is missing."""
    for key in keys:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


@dataclass(frozen=True)
class Goal:
    suite: str | tuple[str, ...]  # the suite(s) whose results hold it: queries, lists, import…
    label: str
    goal: str
    value: Callable[[dict], Any]  # from the suite's result; None: not measured
    show: Callable[[Any], str]
    passed: Callable[[Any], bool] | None  # None: shown for comparison, no goal of its own
    db: str | None = None  # only measured on this database
    size: int = GOAL_MEMBERS  # the goal holds at this many members
    unit: str = ""  # what the size in the result's name counts, when not members


# -- getters over the suites' results --------------------------------------------------


def _worst_page(result: dict, goal_ms: int) -> float | None:
    """The slowest of the queries suite's pages held to ``goal_ms``."""
    pages = [p["ms"] for p in result.get("pages") or [] if p.get("goal_ms") == goal_ms]
    return max(pages) if pages else None


def _four_ratio(result: dict) -> float | None:
    four, sql = _dig(result, "indicators", "four_ms"), _dig(result, "indicators", "sql_ms")
    return four / sql if four is not None and sql else None


def _served(result: dict) -> dict | None:
    """The list suite's run on the production server (the last one: several processes)."""
    runs = result.get("runs") or []
    return runs[-1] if runs else None


def _load(page: str) -> Callable[[dict], dict | None]:
    return lambda r: _dig(_served(r), "load", "pages", page)


def _one(page: str) -> Callable[[dict], float | None]:
    return lambda r: _dig(_served(r), "one", page)


def _exchange(direction: str) -> Callable[[dict], float | None]:
    """The exchange workbook's peak memory in one direction, where a suite recorded it."""
    return lambda r: _dig(r, f"{direction}_peak_rss_mb")


GOALS: list[Goal] = [
    Goal("queries", "Bộ chỉ tiêu đầy đủ, tổ chức cao nhất", "< 1 giây",
         lambda r: _dig(r, "indicators", "full_ms"), ms, lambda v: v < 1000),
    Goal("queries", "4 chỉ tiêu đảng viên so với một câu SQL", "≤ 1,5× một lượt SQL",
         _four_ratio, times, lambda v: v <= 1.5),
    Goal("queries", "Số liệu chỉ tiêu khớp câu SQL đối chiếu", "khớp",
         lambda r: _dig(r, "indicators", "agree"), lambda v: "khớp" if v else "KHÔNG KHỚP",
         lambda v: bool(v)),
    Goal("queries", "admissions.admitted so với SQL", "≤ 1,5× SQL",
         lambda r: _dig(r, "indicators", "admitted_ratio"), times, lambda v: v <= 1.5),
    Goal("queries", "Bộ chỉ tiêu của một đảng bộ cơ sở nhỏ", "< 200 ms",
         lambda r: _dig(r, "indicators", "small_ms"), ms, lambda v: v < 200),
    Goal("queries", "Lưới tháng sinh hoạt chi bộ, tổ chức cao nhất", "< 1 giây",
         lambda r: _dig(r, "meetings", "grid_ms"), ms, lambda v: v < 1000),
    Goal("queries", "Lưới tháng sinh hoạt so với câu SQL", "≤ 1,5× SQL",
         lambda r: _dig(r, "meetings", "grid_ratio"), times, lambda v: v <= 1.5),
    Goal("queries", "Chỉ tiêu sinh hoạt tổng hợp năm so với SQL", "≤ 1,5× SQL",
         lambda r: _dig(r, "meetings", "rollup_ratio"), times, lambda v: v <= 1.5),
    Goal("queries", "Lưới tháng và chỉ tiêu năm khớp câu SQL đối chiếu", "khớp",
         lambda r: _dig(r, "meetings", "agree"), lambda v: "khớp" if v else "KHÔNG KHỚP",
         lambda v: bool(v)),
    Goal("queries", "Trang radar thời hạn (chậm nhất)", "< 500 ms",
         lambda r: _worst_page(r, 500), ms, lambda v: v < 500),
    Goal("queries", "Trang chủ (chậm nhất theo vai trò)", "< 100 ms",
         lambda r: _worst_page(r, 100), ms, lambda v: v < 100),
    Goal(("queries", "demo"), "Dựng dữ liệu mẫu (dangbo demo)", "< 5 phút",
         lambda r: _dig(r, "build", "seconds"), seconds, lambda v: v < 300),
    Goal(("queries", "demo"), "Dựng dữ liệu mẫu: CPU của tiến trình Python", "để đối chiếu",
         lambda r: _dig(r, "build", "cpu_seconds"), seconds, None),
    Goal("lists", "Danh sách đảng viên, một yêu cầu: trang đầu", "< 50 ms",
         _one("first"), ms, lambda v: v < 50, db="postgresql"),
    Goal("lists", "Danh sách, một yêu cầu: trang sâu (con trỏ)", "< 50 ms",
         _one("deep"), ms, lambda v: v < 50, db="postgresql"),
    Goal("lists", "Danh sách, 20 máy khách p50/p95/p99: trang đầu", "p95 < 100 ms",
         _load("first"), percentiles, lambda v: v["p95"] < 100, db="postgresql"),
    Goal("lists", "Danh sách, 20 máy khách p50/p95/p99: trang sâu", "p95 < 100 ms",
         _load("deep"), percentiles, lambda v: v["p95"] < 100, db="postgresql"),
    Goal("lists", "Danh sách, trang sâu theo ?page= (OFFSET)", "để so sánh",
         lambda r: _dig(_served(r), "offset_ms"), ms, None, db="postgresql"),
    Goal("lists", "Danh sách: CPU máy chủ mỗi yêu cầu; tải trung bình", "để đối chiếu",
         lambda r: _dig(_served(r), "load") if _dig(_served(r), "load", "cpu_ms_per_request")
         else None, lambda v: f"{ms(v['cpu_ms_per_request'])}; "
         f"tải {fmt_decimal(v['load_average'], 1)}", None, db="postgresql"),
    Goal("import", "Nhập danh sách đảng viên so với COPY", "≥ 1/3 tốc độ COPY",
         lambda r: r.get("ratio_to_copy"), lambda v: fmt_decimal(v, 3), lambda v: v >= 1 / 3,
         db="postgresql"),
    Goal("import", "Nhập danh sách đảng viên: tốc độ", "(so với COPY ở dòng trên)",
         lambda r: r.get("rows_per_s"), lambda v: f"{fmt_int(round(v))} dòng/giây", None),
    Goal("import", "Nhập danh sách đảng viên: bộ nhớ đỉnh", "< 1.024 MB",
         lambda r: r.get("peak_rss_mb"), mb, lambda v: v < 1024),
    Goal("grid", "Lưới tháng sinh hoạt, tỉnh tổng hợp 25.000 chi bộ", "< 1 giây",
         lambda r: _dig(r, "grid_ms"), ms, lambda v: v < 1000, db="postgresql", size=0,
         unit=" chi bộ"),
    Goal("grid", "Lưới tháng, 25.000 chi bộ, so với câu SQL", "≤ 1,5× SQL",
         lambda r: _dig(r, "grid_ratio"), times, lambda v: v <= 1.5, db="postgresql", size=0,
         unit=" chi bộ"),
    Goal("grid", "Chỉ tiêu sinh hoạt năm, 25.000 chi bộ, so với SQL", "≤ 1,5× SQL",
         lambda r: _dig(r, "rollup_ratio"), times, lambda v: v <= 1.5, db="postgresql",
         size=0, unit=" chi bộ"),
    Goal("grid", "Lưới tháng và chỉ tiêu năm, 25.000 chi bộ, khớp SQL", "khớp",
         lambda r: _dig(r, "agree"), lambda v: "khớp" if v else "KHÔNG KHỚP", lambda v: bool(v),
         db="postgresql", size=0, unit=" chi bộ"),
    Goal("meetings", "Ghi sinh hoạt hàng loạt qua API so với INSERT/COPY thô", "để đối chiếu",
         lambda r: r.get("ratio_to_raw"), lambda v: fmt_decimal(v, 3), None),
    Goal("meetings", "Ghi sinh hoạt hàng loạt qua API: tốc độ", "(so với dòng trên)",
         lambda r: r.get("rows_per_s"), lambda v: f"{fmt_int(round(v))} dòng/giây", None),
    Goal("meetings", "Gửi lại yêu cầu ghi hàng loạt không tạo bản ghi trùng", "0 bản ghi mới",
         lambda r: r.get("resend_created"), fmt_int, lambda v: v == 0),
    Goal("exchange", "Xuất tệp trao đổi: bộ nhớ đỉnh", "< 1.024 MB",
         _exchange("export"), mb, lambda v: v < 1024),
    Goal("exchange", "Nhập tệp trao đổi: bộ nhớ đỉnh", "< 1.024 MB",
         _exchange("import"), mb, lambda v: v < 1024),
    Goal("country", "Toàn quốc: chỉ tiêu đảng viên tại một ngày", "< 5 giây",
         lambda r: _dig(r, "measured", "country", "median_s"), seconds, lambda v: v < 5,
         db="postgresql", size=5_600_000),
    Goal("country", "Toàn quốc: micro giây mỗi đảng viên", "để đối chiếu",
         lambda r: _dig(r, "measured", "country", "us_per_member"),
         lambda v: f"{fmt_decimal(v, 1)} µs", None, db="postgresql"),
    Goal("country", "Một tỉnh lớn nhất trên cùng dữ liệu", "để đối chiếu",
         lambda r: _dig(r, "measured", "largest_province", "median_s"), seconds, None,
         db="postgresql"),
]  # fmt: skip

DB_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def result_name(suite: str, db: str, members: int) -> str:
    return f"{suite}-{db}-{members}.json"


def save(folder: str | Path, suite: str, db: str, members: int, result: dict) -> Path:
    """Write one suite's result for the summary."""
    path = Path(folder) / result_name(suite, db, members)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, default=str))
    return path


def load(folder: str | Path) -> dict[str, list[tuple[str, int, dict]]]:
    """The results in ``folder`` by suite: (database, members, result), smallest first."""
    found: dict[str, list[tuple[str, int, dict]]] = {}
    for path in sorted(Path(folder).glob("*.json")):
        parts = path.stem.rsplit("-", 2)
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        suite, db, members = parts[0], parts[1], int(parts[2])
        found.setdefault(suite, []).append((db, members, json.loads(path.read_text())))
    for runs in found.values():
        runs.sort(key=lambda run: (run[1], run[0]))
    return found


def rows(folder: str | Path) -> list[tuple[str, str, str, str, str]]:
    """(goal label, where, value, goal, mark) for every goal and every run that measured it."""
    results = load(folder)
    out = []
    for goal in GOALS:
        suites = (goal.suite,) if isinstance(goal.suite, str) else goal.suite
        runs = [
            run for suite in suites for run in results.get(suite, []) if goal.db in (None, run[0])
        ]
        shown = False
        for db, members, result in runs:
            value = goal.value(result)
            if value is None:
                continue
            shown = True
            where = f"{DB_LABELS.get(db, db)}, {fmt_int(members)}{goal.unit}"
            if goal.passed is None:
                mark = "—"
            else:
                mark = "ĐẠT" if goal.passed(value) else "CHƯA ĐẠT"
                if members < goal.size:
                    mark += f" (đo ở {fmt_int(members)})"
            out.append((goal.label, where, goal.show(value), goal.goal, mark))
        if not shown:
            out.append((goal.label, "", "", goal.goal, "chưa đo"))
    return out


def print_summary(folder: str | Path) -> None:
    table = rows(folder)
    header = ("Mục tiêu", "CSDL, số đảng viên", "Đo được", "Mục tiêu", "Kết quả")
    widths = [max(len(header[i]), *(len(r[i]) for r in table)) for i in range(5)]
    line = "  ".join("-" * w for w in widths)
    print()
    print(f"== Tổng hợp các mục tiêu (đảng bộ {fmt_int(GOAL_MEMBERS)} đảng viên), từ {folder} ==")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
