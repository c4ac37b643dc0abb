"""The table that ends ``make bench`` (``benchmarks.summary``): one row per goal, marked."""

from __future__ import annotations

from benchmarks import summary


def _by_label(rows):
    out = {}
    for label, where, value, goal, mark in rows:
        out.setdefault(label, []).append((where, value, goal, mark))
    return out


def test_each_goal_is_marked_from_the_results_left_in_the_folder(tmp_path):
    summary.save(tmp_path, "queries", "postgresql", 500_000, {
        "build": {"seconds": 251.0},
        "indicators": {"full_ms": 850.0, "four_ms": 90.0, "sql_ms": 50.0, "agree": True},
        "pages": [{"ms": 420.0, "goal_ms": 500}, {"ms": 120.0, "goal_ms": 100},
                  {"ms": 30.0, "goal_ms": 100}],
    })  # fmt: skip
    summary.save(tmp_path, "queries", "sqlite", 50_000, {"indicators": {"full_ms": 1500.0}})
    run = {"one": {"first": 20.0, "deep": 70.0}, "offset_ms": 900.0, "load": {"pages": {
        "first": {"p50": 10.0, "p95": 40.0, "p99": 60.0, "n": 600},
        "deep": {"p50": 12.0, "p95": 140.0, "p99": 200.0, "n": 600}}}}  # fmt: skip
    summary.save(tmp_path, "lists", "postgresql", 500_000, {"runs": [run]})
    rows = _by_label(summary.rows(tmp_path))

    full = rows["Bộ chỉ tiêu đầy đủ, tổ chức cao nhất"]
    assert full == [
        ("SQLite, 50.000", "1.500,0 ms", "< 1 giây", "CHƯA ĐẠT (đo ở 50.000)"),
        ("PostgreSQL, 500.000", "850,0 ms", "< 1 giây", "ĐẠT"),
    ]
    assert rows["4 chỉ tiêu đảng viên so với một câu SQL"][0][1:] == (
        "1,80×", "≤ 1,5× một lượt SQL", "CHƯA ĐẠT")  # fmt: skip
    assert rows["Trang chủ (chậm nhất theo vai trò)"][0][1] == "120,0 ms"  # the slowest
    assert rows["Dựng dữ liệu mẫu (dangbo demo)"][0][3] == "ĐẠT"
    assert rows["Danh sách, 20 máy khách p50/p95/p99: trang đầu"][0][1:] == (
        "10,0 / 40,0 / 60,0 ms", "p95 < 100 ms", "ĐẠT")  # fmt: skip
    assert rows["Danh sách, 20 máy khách p50/p95/p99: trang sâu"][0][3] == "CHƯA ĐẠT"
    assert rows["Danh sách, trang sâu theo ?page= (OFFSET)"][0][3] == "—"
    assert rows["Nhập danh sách đảng viên so với COPY"] == [
        ("", "", "≥ 1/3 tốc độ COPY", "chưa đo")
    ]
    assert rows["Toàn quốc: chỉ tiêu đảng viên tại một ngày"][0][3] == "chưa đo"
    assert len(rows) == len(summary.GOALS)
