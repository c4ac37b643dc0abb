"""``dangbo import FILE [--org CODE] [--dry-run]``: bring an office's spreadsheet (or an exchange
workbook) in.

Where the file goes:

- ``--org CODE``: into that organization's subtree only (a list's organizations and members must
  lie there; an exchange workbook may create nothing outside it);
- no ``--org``, on an installation with organizations: into the installation's top organization
  (its whole tree); an installation with several tops needs ``--org``;
- no ``--org``, on an installation with no organization yet: an exchange workbook creates its
  whole tree (the job belongs to the file's top organization once written); a member or
  organization list is refused (``dangbo init`` first).

``--dry-run`` checks and writes nothing; its exit status is 1 when the file has errors, as a
refused import's is.
"""

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
        "Nhập danh sách đảng viên, danh sách tổ chức (.xlsx, .csv) hoặc tệp trao đổi dữ liệu vào "
        "cây của --org, hoặc của tổ chức cao nhất khi không có --org; vào hệ thống chưa có tổ "
        "chức nào, tệp trao đổi dữ liệu tạo cả cây của nó. Kiểm tra toàn bộ tệp trước; có lỗi "
        "thì không ghi gì (trừ khi chọn --valid-only) và mã thoát là 1, kể cả khi chạy thử."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp cần nhập")
        parser.add_argument(
            "--org",
            help="chỉ nhập vào cây của tổ chức này. Mặc định: tổ chức cao nhất của hệ thống; hệ "
            "thống chưa có tổ chức nào thì tệp trao đổi dữ liệu tạo cả cây tổ chức của nó",
        )
        parser.add_argument("--user", help="tên đăng nhập của người nhập (ghi vào nhật ký)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--valid-only", action="store_true",
                            help="nhập các dòng hợp lệ, bỏ qua và liệt kê các dòng có lỗi")  # fmt: skip
        parser.add_argument("--confirm-matches", action="store_true",
                            help="chấp nhận các dòng chỉ khớp theo họ tên, ngày sinh và chi bộ")  # fmt: skip
        parser.add_argument("--same-person", action="append", default=[], metavar="DÒNG[,DÒNG]",
                            help="dòng xung đột (trùng số thẻ hoặc số định danh nhưng khác họ tên, ngày sinh, "
                                 "giới tính) là cùng một người: cập nhật hồ sơ; DÒNG là số dòng hoặc «trang:dòng»")  # fmt: skip
        parser.add_argument("--different-person", action="append", default=[], metavar="DÒNG[,DÒNG]",
                            help="dòng xung đột là người khác: coi là lỗi")  # fmt: skip
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
            decisions = self._decisions(job, options["same_person"], options["different_person"])
            if decisions:
                job = services.decide(actor=actor, job=job, decisions=decisions)
            job = services.run_now(job, dry_run=dry_run, valid_only=valid_only,
                                   confirm_matches=confirm_matches, echo=echo)  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        sys.stderr.write("\n")
        self._print(job, time.monotonic() - started)
        self._print_conflicts(job)
        if report:
            self._write_report(job, report)
        # Exit status 1 when the file has errors: a refused import, and a dry run that found any.
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message or "Tệp có lỗi; không có gì được ghi.")
        if dry_run and (job.summary.get("ERROR") or job.summary.get("errors")):
            rows = fmt_int(job.summary.get("ERROR", 0))
            raise CommandError(f"Chạy thử: tệp có {rows} dòng có lỗi (không có gì được ghi).")

    def _organization(self, code: str | None) -> Organization | None:
        """The subtree the file goes into; None: the whole installation, which has no organization."""
        tops = list(
            Organization.objects.filter(parent__isnull=True, path__isnull=False).order_by("path")
        )
        if code:
            org = Organization.objects.filter(code=code.strip(), path__isnull=False).first()
            if org is None:
                hint = (
                    " Hệ thống chưa có tổ chức nào: bỏ --org để tệp trao đổi dữ liệu tạo cả cây "
                    "tổ chức, hoặc chạy «dangbo init» trước."
                    if not tops
                    else ""
                )
                raise CommandError(f"Không có tổ chức mã {code}.{hint}")
            return org
        if len(tops) > 1:
            codes = ", ".join(t.code for t in tops)
            raise CommandError(f"Hệ thống có nhiều tổ chức cao nhất ({codes}): cần chỉ rõ --org.")
        return tops[0] if tops else None

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

    def _decisions(self, job: ImportJob, same: list[str], different: list[str]) -> dict[str, str]:
        """{"sheet:row": decision} from --same-person / --different-person; a bare row number
        means that row of every member sheet."""
        member_sheets = [
            s["name"] for s in job.mapping.get("sheets", []) if s.get("kind") == "members"
        ]
        found: dict[str, str] = {}
        for decision, values in ((engine.SAME_PERSON, same), (engine.DIFFERENT_PERSON, different)):
            for value in values:
                for part in filter(None, (p.strip() for p in value.split(","))):
                    sheet, sep, row = part.rpartition(":")
                    if not row.isdigit() or (sep and not sheet):
                        raise CommandError(
                            f"Dòng «{part}» không hợp lệ: ghi số dòng hoặc «trang:dòng»."
                        )
                    for name in [sheet] if sep else member_sheets:
                        key = engine.decision_key(name, int(row))
                        if found.get(key, decision) != decision:
                            raise CommandError(
                                f"Dòng «{part}» vừa là cùng một người vừa là người khác."
                            )
                        found[key] = decision
        return found

    def _print_conflicts(self, job: ImportJob) -> None:
        """Each conflicting row: the record and the row side by side, and how to decide it."""
        rows = list(services.conflict_rows(job).filter(action="CONFLICT")[:SHOWN_ISSUES])
        if not rows:
            return
        self.stdout.write(
            "Dòng xung đột (trùng số nhưng khác họ tên, ngày sinh hoặc giới tính), chưa quyết định:"
        )
        for row in rows:
            self.stdout.write(f"  {row.sheet}, dòng {row.row}:")
            for label, registry, file in row.comparison:
                mark = "≠" if registry != file else "="
                self.stdout.write(f"    {label:22} hệ thống «{registry}» {mark} tệp «{file}»")
        self.stdout.write(
            "  Quyết định bằng --same-person DÒNG (cùng một người, cập nhật) hoặc "
            "--different-person DÒNG (người khác, coi là lỗi)."
        )

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
