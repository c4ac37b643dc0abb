"""``dangbo export``: write a subtree's data to a file.

dangbo export --org CODE --format exchange OUT.xlsx [--on dd/mm/yyyy] [--user USERNAME]
dangbo export --docs            (print docs/exchange-format.md)
dangbo export --write-docs      (write it)

``--format`` names the kind of file; only the exchange workbook exists for now.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.core.formatting import fmt_date, fmt_decimal, fmt_int, parse_date
from dangbo.exchange import docs
from dangbo.exchange.exporting import export_exchange
from dangbo.organizations.models import Organization

FORMATS = ("exchange",)


class Command(BaseCommand):
    help = "Xuất dữ liệu của một tổ chức (và cây trực thuộc) ra tệp: tệp trao đổi dữ liệu (XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", help="Tệp ghi ra (.xlsx).")
        parser.add_argument("--org", help="Mã tổ chức.")
        parser.add_argument(
            "--format", default="exchange", help="Loại tệp: exchange (tệp trao đổi, mặc định)."
        )
        parser.add_argument(
            "--on", help="Ngày ghi vào tệp (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay."
        )
        parser.add_argument("--user", help="Tên đăng nhập của người xuất (ghi vào nhật ký).")
        parser.add_argument(
            "--docs", action="store_true", help="In tài liệu định dạng tệp trao đổi (Markdown)."
        )
        parser.add_argument(
            "--write-docs", action="store_true", help=f"Ghi tài liệu vào {docs.DOCS_PATH}."
        )

    def handle(self, *args, **options):
        if options["docs"]:
            self.stdout.write(docs.render(), ending="")
            return
        if options["write_docs"]:
            docs.DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
            docs.write()
            self.stdout.write(f"Đã ghi {docs.DOCS_PATH}.")
            return
        fmt = (options["format"] or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"Không có loại tệp «{options['format']}»; dùng: {', '.join(FORMATS)}."
            )
        if not options["org"]:
            raise CommandError("Cần --org MÃ_TỔ_CHỨC.")
        if not options["output"]:
            raise CommandError(
                "Cần tên tệp ghi ra, ví dụ: dangbo export --org DB1 --format exchange DB1.xlsx"
            )
        org = Organization.objects.filter(code=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{options['org']}».")
        on = timezone.localdate()
        if options["on"]:
            try:
                on = parse_date(options["on"])
            except ValueError:
                raise CommandError(
                    f"Ngày không hợp lệ: «{options['on']}» (nhập dd/mm/yyyy hoặc yyyy-mm-dd)."
                ) from None
        actor = None
        if options["user"]:
            actor = (
                get_user_model().objects.filter(username__iexact=options["user"].strip()).first()
            )
            if actor is None:
                raise CommandError(f"Không có người dùng «{options['user']}».")
        output = Path(options["output"])
        began = time.monotonic()
        content = export_exchange(org, output, on=on, actor=actor)
        seconds = time.monotonic() - began
        counts = ", ".join(f"{title}: {fmt_int(n)}" for title, n in content.counts.items())
        self.stdout.write(
            f"Đã ghi {output} (tệp trao đổi của {org.name}, số liệu đến ngày {fmt_date(on)}) "
            f"trong {fmt_decimal(seconds)} giây — {counts}."
        )
