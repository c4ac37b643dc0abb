"""``dangbo register``: the outgoing register (sổ đăng ký văn bản đi) of a subtree.

dangbo register --org CODE [--type QD] [--year 2026] [--output so-van-ban-di.xlsx]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.core.exports import preamble
from dangbo.core.formatting import fmt_date
from dangbo.core.xlsx import Sheet, write_workbook
from dangbo.documents import selectors
from dangbo.documents.exports import REGISTER_COLUMNS, register_rows
from dangbo.documents.rules import DocType
from dangbo.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "In sổ đăng ký văn bản đi của một tổ chức và cây trực thuộc (số, ngày, trích yếu, người "
        "ký), hoặc ghi ra tệp Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument(
            "--type", default="", choices=["", *DocType.values],
            help="Chỉ loại văn bản này (QD, GGT, NQ, CV…).",
        )  # fmt: skip
        parser.add_argument("--year", type=int, default=None, help="Chỉ văn bản ban hành năm này.")
        parser.add_argument("--output", default="", help="Ghi ra tệp Excel (.xlsx) thay vì in.")

    def handle(self, *args, **options):
        code = options["org"].strip()
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        entries = selectors.register_under(org, doc_type=options["type"], year=options["year"])
        if options["output"]:
            lines = preamble("Sổ đăng ký văn bản đi", org, on=timezone.localdate())
            sheet = Sheet("Sổ văn bản đi", REGISTER_COLUMNS, register_rows(entries), preamble=lines)
            count = write_workbook(options["output"], [sheet])
            self.stdout.write(f"Đã ghi {count} văn bản vào {options['output']}.")
            return
        self.stdout.write(f"Sổ đăng ký văn bản đi: {org.name} ({org.code})")
        count = 0
        for e in entries.iterator():
            count += 1
            self.stdout.write(
                f"  {e.number_text:<14} {fmt_date(e.issued_on)}  {e.summary} — {e.issuer.committee}"
                + (f", {e.signer} ký" if e.signer else "")
                + (" (số cấp ngoài hệ thống)" if e.external else "")
            )
        if not count:
            self.stdout.write("Chưa có văn bản nào được cấp số.")
