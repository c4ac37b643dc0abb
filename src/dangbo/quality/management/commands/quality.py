"""``dangbo quality``: the data-quality report of a subtree.

dangbo quality --org CODE [--json] [--findings] [--check CODE]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from dangbo.core.formatting import fmt_date, fmt_int
from dangbo.organizations.models import Organization
from dangbo.quality.contrib import all_checks
from dangbo.quality.selectors import findings_under

# Organizations listed in the text summary, the most findings first.
TOP_ORGS = 20


class Command(BaseCommand):
    help = (
        "Kiểm tra chất lượng dữ liệu của một tổ chức và cây trực thuộc: thiếu thông tin bắt buộc, "
        "ngày sai, có thể trùng người, tình trạng lệch với sự kiện, "
        "chi bộ dưới 3 đảng viên chính thức."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--findings", action="store_true", help="Kèm danh sách phát hiện (với --json)."
        )
        parser.add_argument(
            "--check",
            choices=list(all_checks()),
            help="Chỉ liệt kê phát hiện của nội dung kiểm tra này.",
        )

    def handle(self, *args, **options):
        code = options["org"].strip()
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        report = findings_under(org, today=timezone.localdate())
        check = options["check"] or ""
        if options["json"]:
            data = report.as_dict()
            if options["findings"] or check:
                data["findings"] = [f.as_dict() for f in report.findings_for(check)]
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        self._summary(report)
        if check:
            self._findings(report, check)

    def _summary(self, report) -> None:
        out = self.stdout.write
        out(
            f"Chất lượng dữ liệu: {report.org_name} ({report.org_code}) — "
            f"kiểm tra ngày {fmt_date(report.today)}"
        )
        out(
            f"Đã kiểm tra {fmt_int(report.members_checked)} đảng viên, "
            f"{fmt_int(report.organizations_checked)} tổ chức: {fmt_int(report.errors)} lỗi, "
            f"{fmt_int(report.warnings)} cảnh báo."
        )
        out("")
        width = max(len(label) for label in report.titles.values()) + 2
        counts = [fmt_int(c.count) for c in report.checks]
        number_width = max(len(fmt_int(report.total)), *(len(n) for n in counts))
        for c, n in zip(report.checks, counts, strict=True):
            out(f"  {c.label.ljust(width, '.')} {n.rjust(number_width)}")
        out(f"  {'Tổng số'.ljust(width, '.')} {fmt_int(report.total).rjust(number_width)}")
        if not report.rows:
            return
        out("")
        out("Tổ chức có nhiều phát hiện nhất:")
        rows = sorted(report.rows, key=lambda r: -r.total)
        for row in rows[:TOP_ORGS]:
            out(f"  {row.code:<16} {row.name} — {fmt_int(row.total)}")
        if len(rows) > TOP_ORGS:
            out(f"  … và {fmt_int(len(rows) - TOP_ORGS)} tổ chức khác.")

    def _findings(self, report, check: str) -> None:
        out = self.stdout.write
        findings = report.findings_for(check)
        out("")
        out(f"{report.titles[check]}: {fmt_int(len(findings))} phát hiện")
        for f in findings:
            out(f"  [{f.severity_label}] {f.record_label} ({f.org_code}): {f.message}")
