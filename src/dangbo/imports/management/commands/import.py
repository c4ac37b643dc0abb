"""``dangbo import FILE [--dry-run]``: bring an office's spreadsheet (or an exchange workbook) in."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangbo.core.formatting import fmt_int
from dangbo.imports import engine, services
from dangbo.imports.fields import fields_for, fold_header
from dangbo.imports.models import ImportJob
from dangbo.organizations.models import Organization

SHOWN_ISSUES = 30


class Command(BaseCommand):
    help = (
        "Nhập danh sách đảng viên, danh sách tổ chức (.xlsx, .csv) hoặc tệp trao đổi dữ liệu. "
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì (trừ khi chọn --valid-only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp cần nhập")
        parser.add_argument(
            "--org", help="mã tổ chức phạm vi nhập (mặc định: tổ chức gốc duy nhất)"
        )
        parser.add_argument("--user", help="tên đăng nhập của người nhập (ghi vào nhật ký)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--valid-only", action="store_true",
                            help="nhập các dòng hợp lệ, bỏ qua và liệt kê các dòng có lỗi")  # fmt: skip
        parser.add_argument("--confirm-matches", action="store_true",
                            help="chấp nhận các dòng chỉ khớp theo họ tên, ngày sinh và chi bộ")  # fmt: skip
        parser.add_argument("--map", action="append", default=[], metavar="CỘT=TRƯỜNG",
                            help="ghép một cột không nhận ra với một trường, ví dụ --map 'Số ĐT=phone'")  # fmt: skip
        parser.add_argument("--report", help="ghi báo cáo lỗi (Excel) vào tệp này")

    def handle(self, *args, file: str, org: str | None, user: str | None, dry_run: bool,
               valid_only: bool, confirm_matches: bool, map: list[str], report: str | None, **options):  # fmt: skip
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        organization = self._organization(org)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {user}.")
        started = time.monotonic()

        def echo(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(
                f"\r  đã xử lý {fmt_int(done)} dòng ({fmt_int(round(rate))} dòng/giây)   "
            )
            sys.stderr.flush()

        try:
            job = services.upload(
                actor=actor, organization=organization, path=path, filename=path.name
            )
            if map or job.status == ImportJob.Status.MAPPING:
                job = self._apply_map(job, map, actor)
            job = services.run_now(job, dry_run=dry_run, valid_only=valid_only,
                                   confirm_matches=confirm_matches, echo=echo)  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        sys.stderr.write("\n")
        self._print(job, time.monotonic() - started)
        if report:
            self._write_report(job, report)
        if job.status == ImportJob.Status.FAILED or (dry_run and job.summary.get("ERROR")):
            raise CommandError("Tệp có lỗi." if not job.message else job.message)

    def _organization(self, code: str | None) -> Organization:
        if code:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"Không có tổ chức mã {code}.")
            return org
        tops = list(Organization.objects.filter(parent__isnull=True, path__isnull=False)[:2])
        if len(tops) != 1:
            raise CommandError("Cần chỉ rõ --org MÃ_TỔ_CHỨC.")
        return tops[0]

    def _apply_map(self, job: ImportJob, pairs: list[str], actor) -> ImportJob:
        wanted: dict[str, str] = {}
        for pair in pairs:
            header, sep, key = pair.rpartition("=")
            if not sep:
                raise CommandError(f"--map cần dạng CỘT=TRƯỜNG, không phải «{pair}».")
            wanted[fold_header(header)] = key.strip()
        choices: dict[str, dict[int, str]] = {}
        for sheet in job.mapping.get("sheets", []):
            if not sheet.get("kind"):
                continue
            valid = {s.key for s in fields_for(sheet["kind"])}
            for key in wanted.values():
                if key and key not in valid:
                    names = ", ".join(sorted(valid))
                    raise CommandError(f"Trường «{key}» không có; các trường: {names}.")
            choices[sheet["name"]] = {
                c["index"]: wanted.get(fold_header(c["header"]), c.get("field") or "")
                for c in sheet["columns"]
            }
        problems = engine.mapping_problems({"sheets": [
            {**s, "confirmed": True, "columns": [{**c, "field": choices.get(s["name"], {}).get(c["index"]) or None}
                                                 for c in s["columns"]]}
            for s in job.mapping.get("sheets", [])
        ]})  # fmt: skip
        if problems:
            self.stderr.write("\n".join(problems))
            self._print_mapping(job)
            raise CommandError(
                "Chưa ghép được cột: dùng --map 'Tiêu đề cột=trường' (hoặc =  để bỏ qua)."
            )
        return services.set_mapping(actor=actor, job=job, choices=choices)

    def _print_mapping(self, job: ImportJob) -> None:
        kinds = {"members": "danh sách đảng viên", "organizations": "danh sách tổ chức"}
        for sheet in job.mapping.get("sheets", []):
            kind = sheet.get("kind")
            self.stdout.write(f"Trang «{sheet['name']}» ({kinds.get(kind, 'không nhận ra')}):")
            labels = {s.key: s.label for s in fields_for(kind)} if kind else {}
            for column in sheet.get("columns", []):
                key = column.get("field")
                shown = f"{labels.get(key, key)} (--map …={key})" if key else "?"
                self.stdout.write(f"  {column['header']!r:40} → {shown}")

    def _print(self, job: ImportJob, seconds: float) -> None:
        summary = job.result or job.summary
        rows = summary.get("rows", 0)
        self.stdout.write(
            f"{'Chạy thử' if job.dry_run_only else 'Nhập'} «{job.original_name}»: {job.get_status_display()}."
        )
        for key, label in (("CREATE", "thêm mới"), ("UPDATE", "cập nhật"), ("UNCHANGED", "không đổi"),
                           ("CONFIRM", "cần xác nhận"), ("ERROR", "dòng có lỗi"), ("warnings", "cảnh báo")):  # fmt: skip
            self.stdout.write(f"  {label:14} {fmt_int(summary.get(key, 0))}")
        self.stdout.write(f"  {fmt_int(rows)} dòng trong {seconds:.1f} giây".replace(".", ","))
        for issue in job.issues.order_by("sheet", "row", "id")[:SHOWN_ISSUES]:
            where = f"{issue.sheet}, dòng {issue.row}" if issue.row else issue.sheet
            column = f", cột «{issue.column}»" if issue.column else ""
            kind = "Cảnh báo" if issue.severity == "warning" else "Lỗi"
            self.stdout.write(f"  {kind} ({where}{column}): {issue.message}")
        more = job.issues.count() - SHOWN_ISSUES
        if more > 0:
            self.stdout.write(f"  … và {fmt_int(more)} mục khác (xem --report).")

    def _write_report(self, job: ImportJob, target: str) -> None:
        from dangbo.imports.reports import report_sheets_written

        report_sheets_written(job, target)
        self.stdout.write(f"Đã ghi báo cáo lỗi vào {target}.")
