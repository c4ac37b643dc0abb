"""Import benchmark: an office's whole register (organizations + members) through ``dangbo import``.

Reports, in the returned dict (keys in ``run_imports``'s docstring): the member import's rows
per second, its peak memory, and on PostgreSQL the rows per second of a plain COPY of the same
rows into the same tables with their indexes and constraints, measured in the same run, and
the ratio of the two. While the members go in, a second process keeps asking for the first page
of the member list and making a small write, as the web server would, and its answer times are
reported (the write waits for at most one chunk of the import).

``DANGBO_BENCH_PROFILE=FILE`` writes a cProfile of the member import to FILE.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ETHNIC = ["Kinh"] * 17 + ["Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông"]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Công", "Minh", "Quang", "Thanh", "Xuân"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Phương", "Hồng", "Kim", "Minh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Quyên", "Sơn", "Tâm", "Thảo",
         "Thủy", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]  # fmt: skip
LLCT = ["", "Sơ cấp", "Trung cấp", "Cao cấp"]
MEMBER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ ĐV", "Số CCCD",
                 "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Điện thoại", "Quê quán",
                 "Lý luận chính trị"]  # fmt: skip


def write_files(folder: Path, members: int, seed: int) -> tuple[Path, Path, int]:
    """Write the organizations list and the member register (CSV, as an office exports them)."""
    rng = random.Random(seed)
    cells = max(members // 40, 3)
    grassroots = max(cells // 10, 1)
    orgs = folder / "to-chuc.csv"
    with open(orgs, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên", "Ngày thành lập"]
        )
        for g in range(grassroots):
            out.writerow(
                [
                    f"DB{g:04d}",
                    f"Đảng bộ Công ty số {g + 1}",
                    "Đảng bộ cơ sở",
                    "BENCH",
                    "01/01/1960",
                ]
            )
        for c in range(cells):
            out.writerow(
                [
                    f"CB{c:05d}",
                    f"Chi bộ số {c + 1}",
                    "Chi bộ trực thuộc",
                    f"DB{c % grassroots:04d}",
                    "01/01/1960",
                ]
            )
    register = folder / "dang-vien.csv"
    with open(register, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(MEMBER_HEADER)
        ids: set[str] = set()
        for i in range(members):
            female = rng.random() < 0.45
            name = " ".join(
                [
                    rng.choice(FAMILY),
                    rng.choice(MIDDLE_F if female else MIDDLE_M),
                    rng.choice(GIVEN),
                ]
            )
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
            admitted = born + dt.timedelta(days=365 * 19 + rng.randrange(365 * 20))
            admitted = min(admitted, dt.date(2025, 6, 1))
            official = admitted + dt.timedelta(days=366) if rng.random() < 0.95 else None
            # Nghị định 137/2015 Đ13: province, century and sex, two digits of the year, six more.
            pid = ""
            while not pid or pid in ids:
                pid = f"{rng.randrange(1, 97):03d}{int(female)}{born.year % 100:02d}{rng.randrange(10**6):06d}"
            ids.add(pid)
            out.writerow([
                i + 1, name, f"{born:%d/%m/%Y}", "Nữ" if female else "Nam", rng.choice(ETHNIC),
                f"{i + 1:08d}" if official else "", pid,
                f"{admitted:%d/%m/%Y}", f"{official:%d/%m/%Y}" if official else "",
                f"CB{rng.randrange(cells):05d}", f"09{rng.randrange(10**8):08d}",
                f"Xã {rng.choice(GIVEN)}, tỉnh Lạc Hồng", rng.choice(LLCT),
            ])  # fmt: skip
    return orgs, register, cells + grassroots


# The tables a member import writes, with what of each the COPY baseline copies.
COPIED_TABLES = (
    ("members_member", "TRUE"),
    ("members_memberevent", "TRUE"),
    ("members_memberstate", "TRUE"),
    ("audit_auditentry", "action = 'members.imported'"),
)


def copy_baseline(connection, folder: Path, rows: int) -> dict:
    """Rows per second of a plain COPY of what the import wrote into the same tables (PostgreSQL).

    The imported rows (members, their events and periods, their audit entries) are copied
    out to files, the member tables emptied as they were before the import, and the rows
    COPYed back in one transaction into the same tables with every index, constraint and
    foreign key: the database then holds exactly what the import left, and the time of that
    COPY is the baseline of the same rows. ``rows`` (the file's rows) is the unit of both rates.
    """
    from django.db import transaction

    dumps = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Every table a TRUNCATE of these would empty too (by foreign keys): it must hold nothing.
        cursor.execute(
            "WITH RECURSIVE hit(rel) AS (SELECT unnest(%s::regclass[]) UNION "
            "SELECT c.conrelid FROM pg_constraint c JOIN hit ON c.confrelid = hit.rel "
            "WHERE c.contype = 'f') SELECT rel::regclass::text FROM hit",
            [[t for t, _ in COPIED_TABLES]],
        )
        referencing = sorted(
            {r[0].strip('"') for r in cursor.fetchall()} - {t for t, _ in COPIED_TABLES}
        )
        for table in referencing:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if cursor.fetchone()[0]:
                return {"copy_skipped": f"{table} không trống"}
        for table, where in (*COPIED_TABLES, ("audit_auditentry", "action <> 'members.imported'")):
            out = folder / f"copy-{len(dumps)}.tsv"
            with (
                open(out, "wb") as handle,
                raw.copy(f'COPY (SELECT * FROM "{table}" WHERE {where}) TO STDOUT') as copy,
            ):
                for block in copy:
                    handle.write(block)
            dumps.append((table, out))
        *timed, (_, others) = dumps
        # Back to the state before the import: the member tables empty, the audit log without
        # the import's entries (the other entries put back untimed).
        tables = ", ".join(f'"{t}"' for t in ("members_member", "members_memberevent",
                                               "members_memberstate", "audit_auditentry", *referencing))  # fmt: skip
        cursor.execute(f"TRUNCATE {tables}")
        _copy_in(raw, "audit_auditentry", others)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as timed_cursor:
            for table, path in timed:
                _copy_in(timed_cursor.cursor, table, path)
        seconds = time.perf_counter() - began
        cursor.execute("SELECT count(*) FROM members_member")
        copied = cursor.fetchone()[0]
    sizes = {table: path.stat().st_size for table, path in timed}
    for _, path in dumps:
        path.unlink()
    return {
        "copy_seconds": seconds,
        "copy_rows_per_s": rows / seconds,
        "copy_members": copied,
        "copy_mb": sum(sizes.values()) / 1e6,
    }


def _copy_in(raw_cursor, table: str, path: Path) -> None:
    with open(path, "rb") as handle, raw_cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
        for block in iter(lambda: handle.read(1 << 20), b""):
            copy.write(block)


def _reset_peak_rss() -> bool:
    """Set this process's peak resident memory back to its current one (Linux); say if it could."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    """This process's peak resident memory since the last reset (Linux), else since it started."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start_probe(env: dict[str, str], out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "benchmarks.probe", str(out)], env=env)


def run_imports(*, members: int, seed: int) -> dict:
    """Import ``members`` generated members and measure it; return the figures.

    Keys: ``rows_per_s`` (the member import), ``member_seconds``; on PostgreSQL
    ``copy_rows_per_s`` and ``copy_seconds`` (COPY of the same rows into the same tables, see
    ``copy_baseline``) and ``ratio_to_copy`` (import rate / COPY rate; the goal is ≥ 1/3);
    ``peak_rss_mb`` (the process's peak resident memory during the member import),
    ``rss_before_mb`` (its resident memory when the import started) and ``rss_growth_mb``;
    then ``org_seconds``, ``file_mb``, ``probe`` (a user beside the import) and the dry run
    of the same file again (``reimport_dry_run_seconds``, ``reimport_unchanged``).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangbo.imports import services
    from dangbo.imports.models import ImportJob
    from dangbo.organizations import services as org_services
    from dangbo.organizations.models import OrgKind

    call_command("migrate", verbosity=0)
    root = org_services.found_organization(actor=None, code="BENCH", name="Đảng ủy Khối Đo thử",
                                           kind=OrgKind.BLOC, parent=None, established_on=dt.date(1950, 1, 1))  # fmt: skip
    result: dict = {"db": connection.vendor, "members": members}
    with tempfile.TemporaryDirectory(prefix="dangbo-import-") as tmp:
        folder = Path(tmp)
        orgs, register, org_count = write_files(folder, members, seed)
        result["organizations"] = org_count
        result["file_mb"] = register.stat().st_size / 1e6
        began = time.perf_counter()
        job = services.import_path(actor=None, organization=root, path=orgs)
        result["org_seconds"] = time.perf_counter() - began
        assert job.status == ImportJob.Status.DONE, (
            job.status,
            job.message,
            list(job.issues.all()[:5]),
        )
        probe_out = folder / "probe.json"
        probe = start_probe(dict(os.environ), probe_out)
        time.sleep(2)
        profile_to = os.environ.get("DANGBO_BENCH_PROFILE")
        profiler = None
        if profile_to:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        gc.collect()
        result["peak_rss_reset"] = _reset_peak_rss()
        result["rss_before_mb"] = _peak_rss_mb()
        began = time.perf_counter()
        job = services.import_path(actor=None, organization=root, path=register)
        seconds = time.perf_counter() - began
        result["peak_rss_mb"] = _peak_rss_mb()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_to)
        probe.terminate()
        probe.wait()
        assert job.status == ImportJob.Status.DONE, (
            job.status,
            job.message,
            list(job.issues.all()[:5]),
        )
        result["member_seconds"] = seconds
        result["rows_per_s"] = members / seconds
        result["rss_growth_mb"] = result["peak_rss_mb"] - result["rss_before_mb"]
        if connection.vendor == "postgresql":
            result.update(copy_baseline(connection, folder, members))
        if "copy_rows_per_s" in result:
            result["ratio_to_copy"] = result["rows_per_s"] / result["copy_rows_per_s"]
        result["probe"] = json.loads(probe_out.read_text()) if probe_out.exists() else {}
        # Re-importing the same register must change nothing.
        began = time.perf_counter()
        again = services.import_path(actor=None, organization=root, path=register, dry_run=True)
        result["reimport_dry_run_seconds"] = time.perf_counter() - began
        result["reimport_unchanged"] = again.summary.get("UNCHANGED", 0)
        if connection.vendor == "sqlite":
            result["exchange"] = exchange_imports(root, folder)
    return result


def exchange_imports(root, folder: Path) -> dict:
    """The committee's exchange workbook imported into fresh SQLite installations, staged and in
    place (the baseline), each beside a writing user (``benchmarks.exchange_import``)."""
    from django.utils import timezone

    from dangbo.exchange.exporting import export_exchange

    workbook = folder / "trao-doi.xlsx"
    with open(workbook, "wb") as handle:
        export_exchange(root, handle, on=timezone.localdate())
    runs = {}
    for mode in ("in_place", "staged"):
        data = folder / f"data-{mode}"
        data.mkdir()
        env = {**os.environ, "DANGBO_DATA_DIR": str(data)}
        env.pop("DATABASE_URL", None)
        out = folder / f"exchange-{mode}.json"
        subprocess.run([sys.executable, "-m", "benchmarks.exchange_import", str(workbook), mode,
                        str(out)], env=env, check=True)  # fmt: skip
        runs[mode] = json.loads(out.read_text())
    return runs


def print_result(db: str, r: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    print()
    print(f"== Nhập dữ liệu, {db}: {fmt_int(r['members'])} đảng viên, {fmt_int(r['organizations'])} tổ chức "
          f"(tệp CSV {fmt_decimal(r['file_mb'], 1)} MB) ==")  # fmt: skip
    print(f"Tổ chức: {fmt_decimal(r['org_seconds'], 1)} giây")
    print(
        f"Đảng viên: {fmt_decimal(r['member_seconds'], 1)} giây, {fmt_int(round(r['rows_per_s']))} dòng/giây"
    )
    if "copy_rows_per_s" in r:
        mark = "đạt" if r["ratio_to_copy"] >= 1 / 3 else "CHƯA ĐẠT"
        print(f"Chuẩn: COPY cùng các dòng vào cùng các bảng (kèm chỉ mục, ràng buộc): "
              f"{fmt_decimal(r['copy_seconds'], 1)} giây, {fmt_int(round(r['copy_rows_per_s']))} dòng/giây; "
              f"tỉ lệ nhập/COPY = {fmt_decimal(r['ratio_to_copy'], 3)} (mục tiêu ≥ 0,333: {mark})")  # fmt: skip
    elif r.get("copy_skipped"):
        print(f"Không đo chuẩn COPY: {r['copy_skipped']}.")
    mark = "đạt" if r["peak_rss_mb"] < 1024 else "CHƯA ĐẠT"
    print(f"Bộ nhớ đỉnh của tiến trình khi nhập đảng viên: {fmt_int(round(r['peak_rss_mb']))} MB "
          f"(lúc bắt đầu {fmt_int(round(r['rss_before_mb']))} MB, tăng "
          f"{fmt_int(round(r['rss_growth_mb']))} MB; mục tiêu < 1.024 MB: {mark})")  # fmt: skip
    probe = r.get("probe") or {}
    if probe.get("count"):
        print(f"Trang danh sách đảng viên trong lúc nhập: {fmt_int(probe['count'])} lần hỏi, trung vị "
              f"{fmt_decimal(probe['median_ms'], 1)} ms, chậm nhất {fmt_decimal(probe['max_ms'], 1)} ms")  # fmt: skip
    if probe.get("writes"):
        print(f"Một lần ghi nhỏ trong lúc nhập: {fmt_int(probe['writes'])} lần, trung vị "
              f"{fmt_decimal(probe['write_median_ms'], 1)} ms, chậm nhất "
              f"{fmt_decimal(probe['write_max_ms'], 1)} ms")  # fmt: skip
    print(f"Chạy thử lại cùng tệp: {fmt_decimal(r['reimport_dry_run_seconds'], 1)} giây, "
          f"{fmt_int(r['reimport_unchanged'])} dòng không đổi")  # fmt: skip
    for mode, label in (("in_place", "một giao dịch tại chỗ (chuẩn so sánh)"),
                        ("staged", "ghi trên bản sao rồi chuyển sang")):  # fmt: skip
        run = (r.get("exchange") or {}).get(mode)
        if not run:
            continue
        probe = run.get("probe") or {}
        print(f"Tệp trao đổi vào cài đặt trống, {label}: {fmt_decimal(run['seconds'], 1)} giây, giữ "
              f"khóa ghi {fmt_decimal(run['held_seconds'], 2)} giây; một lần ghi nhỏ bên cạnh: chậm "
              f"nhất {fmt_decimal(probe.get('write_max_ms', 0), 1)} ms, "
              f"{fmt_int(probe.get('refused', 0))} lần bị từ chối vì quá thời gian chờ khóa")  # fmt: skip
    runs = r.get("exchange") or {}
    parts = (runs.get("staged") or {}).get("parts") or {}
    if parts:
        print("  trong đó: " + ", ".join(f"{k} {fmt_decimal(v, 1)}" for k, v in parts.items()))
    if "staged" in runs and "in_place" in runs:
        share = runs["staged"]["held_seconds"] / runs["in_place"]["held_seconds"]
        print(f"Tỉ lệ thời gian giữ khóa ghi: ghi trên bản sao / tại chỗ = {fmt_decimal(share, 3)}")
