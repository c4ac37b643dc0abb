"""Run the benchmarks: ``python -m benchmarks [--members N] [--db sqlite|postgresql|both]``.

Each suite's results also go, as JSON, to the results folder (``--results`` or
``BENCH_RESULTS_DIR``); ``python -m benchmarks --summary DIR`` prints one table of every goal
from what the suites left there (``summary``).

Each database runs in its own process (Django's settings are fixed once
loaded): a scratch SQLite file in a temporary directory, and for PostgreSQL
a scratch database on the server of ``DATABASE_URL`` or, without it, on a
throwaway cluster started like the test suite's (see ``conftest.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "


def _child_command(db: str, args: argparse.Namespace) -> list[str]:
    return [sys.executable, "-m", "benchmarks", "--child", db, "--members", str(args.members),
            "--seed", str(args.seed), "--repeat", str(args.repeat), "--suite", args.suite,
            "--cells", str(args.cells)]  # fmt: skip


def _run_child(db: str, args: argparse.Namespace, env: dict[str, str]) -> dict | None:
    proc = subprocess.Popen(
        _child_command(db, args), cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    result = None
    for line in proc.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(f"[{db}] {line}", end="", flush=True)
    if proc.wait() != 0:
        print(f"[{db}] thất bại (mã thoát {proc.returncode}).")
        return None
    return result


def _sqlite(args: argparse.Namespace) -> dict | None:
    with tempfile.TemporaryDirectory(prefix="dangbo-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DANGBO_DATA_DIR"] = tmp
        return _run_child("sqlite", args, env)


def _postgresql(args: argparse.Namespace) -> dict | None:
    import psycopg

    name = f"dangbo_bench_{os.getpid()}"
    cluster = None
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        db = dj_database_url.parse(url)
        if db["ENGINE"] != "django.db.backends.postgresql":
            print("Bỏ qua PostgreSQL: DATABASE_URL không trỏ tới PostgreSQL.")
            return None
        server = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
                  "password": db.get("PASSWORD") or None}  # fmt: skip
    else:
        sys.path.insert(0, str(ROOT))
        try:
            import conftest
        except ImportError as exc:  # pytest missing outside the dev environment
            print(
                f"Bỏ qua PostgreSQL: không có DATABASE_URL và không dựng được cụm tạm thời ({exc})."
            )
            return None
        bin_dir = conftest._postgres_bin_dir()
        if bin_dir is None:
            print("Bỏ qua PostgreSQL: không có DATABASE_URL và chưa cài PostgreSQL.")
            return None
        cluster = conftest.ThrowawayCluster(bin_dir)
        cluster.start()
        server = {
            "host": "127.0.0.1",
            "port": cluster.port,
            "user": conftest.PG_SUPERUSER,
            "password": None,
        }
        print(f"Cụm PostgreSQL tạm thời {cluster.server_version} tại cổng {cluster.port}.")
    params = {k: v for k, v in server.items() if v is not None}
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"Bỏ qua PostgreSQL: không tạo được cơ sở dữ liệu tạm {name} ({exc}).")
        if cluster:
            cluster.stop()
        return None
    try:
        auth = server["user"] + (f":{server['password']}" if server.get("password") else "")
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{server['host'] or ''}:{server['port'] or 5432}/{name}"
        )
        return _run_child("postgresql", args, env)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if cluster:
            cluster.stop()


def _print_table(results: dict[str, dict]) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    for db, result in results.items():
        print()
        print(
            f"== {db}: {fmt_int(result['members'])} đảng viên, {fmt_int(result['organizations'])} tổ chức =="
        )
        build = result["build"]
        print(f"Dựng dữ liệu mẫu: {fmt_decimal(build['seconds'])} giây, {fmt_int(build['rows'])} dòng, "
              f"{fmt_int(round(build['rows_per_s']))} dòng/giây; chuẩn (INSERT thô): "
              f"{fmt_int(round(build['baseline_rows_per_s']))} dòng/giây; tỉ lệ {fmt_decimal(build['ratio'], 2)}")  # fmt: skip
        print(
            f"Chuẩn truy vấn: SELECT count(*) FROM members_member = {fmt_decimal(result['baseline_ms'], 2)} ms"
        )
        width = max(len(q["label"]) for q in result["queries"])
        print(f"  {'phép đo'.ljust(width)}  {'ms':>10}  {'× chuẩn':>9}  kết quả")
        for q in result["queries"]:
            print(
                f"  {q['label'].ljust(width)}  {fmt_decimal(q['ms'], 2):>10}  {fmt_decimal(q['ratio'], 2):>9}  {q['value']}"
            )
        if result.get("pages"):
            _print_pages(result)
        if "indicators" in result:
            from .indicators import print_result

            print_result(result["indicators"])
        if "meetings" in result:
            from .meetings import print_result as print_meetings

            print_meetings(result["meetings"])


def _print_pages(result: dict) -> None:
    """The pages as their users get them, against a logged-in page that reads nothing more, and
    each against its goal at 500.000 members (measured smaller, the mark says how it stands now)."""
    from dangbo.core.formatting import fmt_decimal, fmt_int

    print(
        f"Chuẩn trang: trang đăng nhập không đọc thêm gì (/account/tokens/) = "
        f"{fmt_decimal(result['page_baseline_ms'], 2)} ms"
    )
    width = max(len(p["label"]) for p in result["pages"])
    print(f"  {'trang'.ljust(width)}  {'ms':>10}  {'× chuẩn':>9}  {'mục tiêu':>9}  đạt")
    for p in result["pages"]:
        mark = "đạt" if p["ms"] < p["goal_ms"] else "CHƯA ĐẠT"
        print(
            f"  {p['label'].ljust(width)}  {fmt_decimal(p['ms'], 2):>10}  "
            f"{fmt_decimal(p['ratio'], 2):>9}  {'< ' + fmt_int(p['goal_ms']) + ' ms':>9}  {mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Đo hiệu năng dangbo trên đảng bộ mẫu."
    )
    parser.add_argument(
        "--members", type=int, default=500_000, help="số đảng viên mẫu (mặc định 500.000)"
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--repeat", type=int, default=5, help="số lần đo mỗi truy vấn (lấy trung vị)"
    )
    parser.add_argument(
        "--suite",
        choices=("queries", "import", "lists", "country", "demo", "exchange", "meetings", "grid"),
        default="queries",
        help="queries: dựng mẫu và đo truy vấn; demo: chỉ dựng dữ liệu mẫu; import: nhập danh sách từ tệp; lists: danh sách "
        "đảng viên qua dangbo serve với 20 máy khách; country: dữ liệu tổng hợp quy mô toàn quốc "
        "nạp bằng COPY, chỉ trên PostgreSQL; meetings: ghi sinh hoạt một tháng của mọi chi bộ "
        "(số đảng viên / 20) qua API hàng loạt, so với INSERT/COPY thô; grid: lưới tháng và chỉ "
        "tiêu sinh hoạt năm của một tỉnh tổng hợp --cells chi bộ nạp bằng COPY, chỉ trên "
        "PostgreSQL (mặc định queries)",
    )  # fmt: skip
    parser.add_argument(
        "--cells", type=int, default=25_000,
        help="số chi bộ của tỉnh tổng hợp cho --suite grid (mặc định 25.000)",
    )  # fmt: skip
    parser.add_argument(
        "--results", default=os.environ.get("BENCH_RESULTS_DIR") or None, metavar="THƯ_MỤC",
        help="ghi kết quả (JSON) vào thư mục này cho bảng tổng hợp (mặc định BENCH_RESULTS_DIR)",
    )  # fmt: skip
    parser.add_argument(
        "--summary", metavar="THƯ_MỤC",
        help="chỉ in bảng tổng hợp các mục tiêu từ kết quả đã ghi trong thư mục",
    )  # fmt: skip
    parser.add_argument("--child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.summary:
        from .summary import print_summary

        print_summary(args.summary)
        return
    if args.suite in ("country", "grid"):
        args.db = "postgresql"
    if args.suite == "exchange":  # builds its own SQLite installations (exchange_scale)
        args.db = "sqlite"
    if args.child:
        if args.suite == "country":
            from .country import run_country

            result = run_country(members=args.members, seed=args.seed, repeat=args.repeat)
        elif args.suite == "import":
            from .imports import run_imports

            result = run_imports(members=args.members, seed=args.seed)
        elif args.suite == "exchange":
            from .exchange_scale import run as run_exchange

            result = run_exchange(members=(args.members,))[0]
        elif args.suite == "grid":
            from .meetings import run_cells

            result = run_cells(cells=args.cells, seed=args.seed, repeat=args.repeat)
        elif args.suite == "meetings":
            from .meetings_bulk import run_bulk

            result = run_bulk(members=args.members, seed=args.seed)
        elif args.suite == "demo":
            from .run import run_demo

            result = run_demo(members=args.members, seed=args.seed)
        elif args.suite == "lists":
            from .lists import run_lists

            result = run_lists(members=args.members, seed=args.seed)
        else:
            from .run import run

            result = run(members=args.members, seed=args.seed, repeat=args.repeat)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return
    results = {}
    for db in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        result = _sqlite(args) if db == "sqlite" else _postgresql(args)
        if result:
            results[db] = result
            if args.results:
                from .summary import save

                size = args.cells if args.suite == "grid" else args.members
                print(f"Kết quả ghi vào {save(args.results, args.suite, db, size, result)}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    if args.suite == "import":
        import django

        django.setup()
        from .imports import print_result

        for db, result in results.items():
            print_result(db, result)
    elif args.suite == "lists":
        import django

        django.setup()
        from .lists import print_lists

        for db, result in results.items():
            print_lists(db, result)
    elif args.suite == "country":
        import django

        django.setup()
        from .country import print_result as print_country

        for result in results.values():
            print_country(result)
    elif args.suite == "exchange":
        from .exchange_scale import print_results as print_exchange

        print_exchange(list(results.values()))
    elif args.suite == "grid":
        import django

        django.setup()
        from .meetings import print_result as print_grid

        for result in results.values():
            print_grid(result)
    elif args.suite == "meetings":
        import django

        django.setup()
        from .meetings_bulk import print_result as print_meetings

        for db, result in results.items():
            print_meetings(db, result)
    elif args.suite == "demo":
        from .run import print_demo

        for db, result in results.items():
            print_demo(db, result)
    else:
        _print_table(results)
    if len(results) < (2 if args.db == "both" else 1):
        sys.exit(1)


if __name__ == "__main__":
    main()
