"""The exchange workbook at province scale: export and import of a demo committee of N members.

``python -m benchmarks.exchange_scale [--members 50000 500000] [--data FOLDER]`` builds the demo
committee (``dangbo demo``) of each size in its own SQLite installation under FOLDER (kept, and
reused when it is already there), then, each in a child process so that its peak memory
(``ru_maxrss``) is its own:

* exports the whole committee's exchange workbook (``export``);
* reads every sheet of that file with each reader (``read``): calamine loading a sheet whole,
  the streaming reader of ``core.spreadsheets``, and openpyxl's read-only mode, the candidates
  (``--readers`` names some of them only);
* imports the file into an empty installation in one transaction (``import``).

``run(members=...)`` returns, for each size, a dict with the keys ``members``, ``export_seconds``,
``export_cpu_seconds``, ``export_rows_per_s``, ``export_peak_rss_mb``, ``file_mb``, ``rows`` (rows in all), ``sheets``
(sheet title -> rows, numbered parts apart), ``largest_sheet_rows``, ``readers`` (reader ->
``seconds``, ``cpu_seconds``, ``rows_per_s``, ``peak_rss_mb``), ``import_seconds``,
``import_cpu_seconds``, ``import_rows_per_s`` and ``import_peak_rss_mb`` (None when the import
was skipped). Times are wall-clock seconds; the CPU seconds tell what the work costs on a
machine shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READERS = ("calamine", "stream", "openpyxl")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """Seconds of CPU this process has used (the machine may be shared: wall time is not)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()


def child_export(out_file: Path) -> dict:
    _setup()
    from django.utils import timezone

    from dangbo.exchange.exporting import export_exchange
    from dangbo.organizations.models import Organization

    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    cpu = _cpu()
    began = time.perf_counter()
    with open(out_file, "wb") as handle:
        content = export_exchange(root, handle, on=timezone.localdate())
    seconds = time.perf_counter() - began
    rows = sum(content.counts.values())
    return {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "rows": rows, "counts": content.counts,
            "peak_rss_mb": _peak_mb()}  # fmt: skip


def child_read(path: Path, reader: str) -> dict:
    """Every row of every sheet, by one reader; the rows of each sheet as the file has them."""
    _setup()
    sheets: dict[str, int] = {}
    cpu = _cpu()
    began = time.perf_counter()
    if reader == "openpyxl":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=False)
        for ws in book.worksheets:
            sheets[ws.title] = sum(1 for row in ws.iter_rows(values_only=True) if any(row))
        book.close()
    else:
        from dangbo.core import spreadsheets

        spreadsheets.STREAM_FROM_BYTES = 0 if reader == "stream" else 1 << 62
        with spreadsheets.open_workbook(path) as book:
            for name in book.sheet_names:
                sheets[name] = sum(1 for _ in book.rows(name))
    seconds = time.perf_counter() - began
    rows = sum(sheets.values())
    return {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "rows": rows,
            "rows_per_s": rows / seconds, "sheets": sheets, "peak_rss_mb": _peak_mb()}  # fmt: skip


def child_import(path: Path) -> dict:
    _setup()
    from django.core.management import call_command

    from dangbo.exchange.services import import_exchange

    call_command("migrate", verbosity=0)
    cpu = _cpu()
    began = time.perf_counter()
    result = import_exchange(path, actor=None, dry_run=False)
    seconds = time.perf_counter() - began
    assert result.ok, [str(i) for i in result.errors[:5]]
    return {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "peak_rss_mb": _peak_mb()}


def _child(args: list[str], env: dict[str, str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, "-m", "benchmarks.exchange_scale", "--child", *args,
                        "--out", str(out)], env=env, check=True)  # fmt: skip
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def _demo(folder: Path, members: int, env: dict[str, str]) -> None:
    """The demo committee of ``members`` in ``folder``, built unless it is already there."""
    done = folder / "demo.done"
    if done.exists() and done.read_text().strip() == str(members):
        return
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "dangbo", "demo", "--members", str(members),
                    "--no-serve", "--force"], env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    done.write_text(str(members))


def run_size(
    members: int, data: Path, *, do_import: bool = True, readers: tuple[str, ...] = READERS
) -> dict:
    folder = data / f"demo-{members}"
    env = {**os.environ, "DANGBO_DATA_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    _demo(folder, members, env)
    workbook = data / f"trao-doi-{members}.xlsx"
    export = _child(["export", str(workbook)], env)
    result: dict = {
        "members": members,
        "export_seconds": export["seconds"],
        "export_cpu_seconds": export["cpu_seconds"],
        "export_rows_per_s": export["rows"] / export["seconds"],
        "export_peak_rss_mb": export["peak_rss_mb"],
        "file_mb": workbook.stat().st_size / 1e6,
        "rows": export["rows"],
        "sheets": export["counts"],
        "readers": {},
    }
    for reader in readers:
        read = _child(["read", str(workbook), reader], env)
        keys = ("seconds", "cpu_seconds", "rows_per_s", "peak_rss_mb")
        result["readers"][reader] = {k: read[k] for k in keys}
        result.setdefault("file_sheets", read["sheets"])
    result["largest_sheet_rows"] = max(result["file_sheets"].values())
    for key in ("import_seconds", "import_cpu_seconds", "import_rows_per_s", "import_peak_rss_mb"):
        result[key] = None
    if do_import:
        with tempfile.TemporaryDirectory(prefix="dangbo-exchange-") as tmp:
            fresh = {**env, "DANGBO_DATA_DIR": tmp}
            imported = _child(["import", str(workbook)], fresh)
        result["import_seconds"] = imported["seconds"]
        result["import_cpu_seconds"] = imported["cpu_seconds"]
        result["import_rows_per_s"] = export["rows"] / imported["seconds"]
        result["import_peak_rss_mb"] = imported["peak_rss_mb"]
    return result


def run(*, members: tuple[int, ...] = (50_000, 500_000), data: Path | None = None,
        do_import: bool = True, readers: tuple[str, ...] = READERS) -> list[dict]:  # fmt: skip
    data = data or Path(tempfile.gettempdir()) / "dangbo-exchange-scale"
    data.mkdir(parents=True, exist_ok=True)
    return [run_size(n, data, do_import=do_import, readers=readers) for n in members]


def print_results(results: list[dict]) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    for r in results:
        print()
        print(f"== Tệp trao đổi của {fmt_int(r['members'])} đảng viên: {fmt_int(r['rows'])} dòng, "
              f"{fmt_decimal(r['file_mb'], 1)} MB, sheet dài nhất "
              f"{fmt_int(r['largest_sheet_rows'])} dòng ==")  # fmt: skip
        print(f"Xuất: {fmt_decimal(r['export_seconds'], 1)} giây "
              f"({fmt_decimal(r['export_cpu_seconds'], 1)} giây CPU), "
              f"{fmt_int(round(r['export_rows_per_s']))} dòng/giây, bộ nhớ đỉnh "
              f"{fmt_int(round(r['export_peak_rss_mb']))} MB")  # fmt: skip
        for name, read in r["readers"].items():
            print(f"Đọc ({name}): {fmt_decimal(read['seconds'], 1)} giây, "
                  f"{fmt_int(round(read['rows_per_s']))} dòng/giây, bộ nhớ đỉnh "
                  f"{fmt_int(round(read['peak_rss_mb']))} MB")  # fmt: skip
        if r["import_seconds"] is not None:
            print(f"Nhập: {fmt_decimal(r['import_seconds'], 1)} giây, "
                  f"{fmt_int(round(r['import_rows_per_s']))} dòng/giây, bộ nhớ đỉnh "
                  f"{fmt_int(round(r['import_peak_rss_mb']))} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[50_000, 500_000])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--readers", nargs="+", choices=READERS, default=list(READERS))
    parser.add_argument("--child", nargs="+")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        if what == "export":
            report = child_export(Path(rest[0]))
        elif what == "read":
            report = child_read(Path(rest[0]), rest[1])
        else:
            report = child_import(Path(rest[0]))
        args.out.write_text(json.dumps(report))
        return
    _setup()
    results = run(members=tuple(args.members), data=args.data, do_import=not args.no_import,
                  readers=tuple(args.readers))  # fmt: skip
    print_results(results)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
