"""``dangbo meetings``: the month grid of a subtree's cells for a year (levels and gaps).

dangbo meetings --org CODE --year YYYY [--json]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.core.formatting import fmt_int
from dangbo.meetings import months
from dangbo.meetings.models import Level
from dangbo.organizations.models import Organization

SHORT = {Level.GOOD: "T", Level.FAIR: "K", Level.AVERAGE: "TB", Level.POOR: "Kém", "": "?"}


class Command(BaseCommand):
    help = (
        "In bảng sinh hoạt chi bộ theo tháng của một tổ chức và cây trực thuộc trong một năm: "
        "xếp loại buổi sinh hoạt thường kỳ của từng chi bộ mỗi tháng và các tháng còn thiếu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument("--year", type=int, required=True, help="Năm (yyyy).")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, **options):
        code = options["org"].strip()
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        year = options["year"]
        if not 1930 <= year <= 2100:
            raise CommandError(f"Năm không hợp lệ: {year}.")
        rows = months.month_grid(org, year, until=timezone.localdate())
        if options["json"]:
            data = {
                "organization": {"code": org.code, "name": org.name},
                "year": year,
                "legend": {"null": "thiếu (đã đến hạn, chưa sinh hoạt)", "": "chưa xếp loại",
                           "not_due": "chưa thành lập, đã giải thể hoặc chưa đến tháng",
                           "quarters/year": "kết quả quý, năm theo quy định tổng hợp của cấp ủy "
                                            "(meetings.period_rule); null: chưa có tháng đến hạn"},
                "cells": [
                    {
                        "code": r.cell.code, "name": r.cell.name, "kind": r.cell.kind,
                        "months": [lv if e or lv is not None else "not_due"
                                   for lv, e in zip(r.months, r.expected, strict=True)],
                        "missing": r.missing, "quarters": r.quarters, "year": r.year,
                    }
                    for r in rows
                ],
                "missing": sum(r.missing for r in rows),
            }  # fmt: skip
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        out = self.stdout.write
        out(f"Sinh hoạt chi bộ năm {year}: {org.name} ({org.code}) — {fmt_int(len(rows))} chi bộ")
        out("Ký hiệu: T Tốt, K Khá, TB Trung bình, Kém; ? chưa xếp loại; -- thiếu; . chưa đến hạn")
        width = max([len(r.cell.code) for r in rows] + [6])
        out("Mã".ljust(width) + "".join(f"{m:>5}" for m in range(1, 13)) + "  Thiếu   Năm")
        for r in rows:
            marks = [
                ("--" if e else ".") if lv is None else SHORT[lv]
                for lv, e in zip(r.months, r.expected, strict=True)
            ]
            year = SHORT[r.year] if r.year else "."
            out(r.cell.code.ljust(width) + "".join(f"{m:>5}" for m in marks)
                + f"  {r.missing:>5}  {year:>4}")  # fmt: skip
        out(f"Tổng số tháng thiếu sinh hoạt thường kỳ: {fmt_int(sum(r.missing for r in rows))}")
