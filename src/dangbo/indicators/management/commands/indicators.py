"""``dangbo indicators``: indicator values for a subtree on a date, the list, and the reference.

dangbo indicators --org CODE --at 20/06/2018 [--code X ...] [--json]
dangbo indicators --list
dangbo indicators --docs > docs/indicators.md      (or --write-docs)
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.core.formatting import fmt_date, fmt_int, parse_date
from dangbo.indicators import docs, registry, selectors
from dangbo.indicators.registry import Unit
from dangbo.organizations.models import Organization


def _date(value: str):
    try:
        return parse_date(value)
    except ValueError:
        raise CommandError(
            f"Ngày không hợp lệ: «{value}» (nhập dd/mm/yyyy hoặc yyyy-mm-dd)."
        ) from None


class Command(BaseCommand):
    help = "Tính các chỉ tiêu cho một tổ chức (và cây trực thuộc) tại một ngày; liệt kê danh mục chỉ tiêu."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Mã tổ chức.")
        parser.add_argument(
            "--at",
            "--on",
            dest="at",
            help="Tại ngày (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay.",
        )
        parser.add_argument(
            "--from", dest="start", help="Từ ngày, cho chỉ tiêu theo kỳ (mặc định 01/01 của năm)."
        )
        parser.add_argument(
            "--code", action="append", default=[], help="Chỉ tính chỉ tiêu này (lặp lại được)."
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument("--list", action="store_true", help="Liệt kê mã và tên các chỉ tiêu.")
        parser.add_argument(
            "--docs", action="store_true", help="In tài liệu danh mục chỉ tiêu (Markdown)."
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
            docs.DOCS_PATH.write_text(docs.render(), encoding="utf-8")
            self.stdout.write(f"Đã ghi {docs.DOCS_PATH}.")
            return
        if options["list"]:
            self._list(as_json=options["json"])
            return
        if not options["org"]:
            raise CommandError("Cần --org MÃ_TỔ_CHỨC (hoặc --list, --docs).")
        org = Organization.objects.filter(code=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{options['org']}».")
        on = _date(options["at"]) if options["at"] else timezone.localdate()
        start = _date(options["start"]) if options["start"] else None
        try:
            figures = selectors.figures(org, on=on, start=start, codes=options["code"] or None)
        except registry.UnknownIndicator as exc:
            raise CommandError(f"Không có chỉ tiêu «{exc.args[0]}» (xem --list).") from None
        if options["json"]:
            data = {
                "organization": {"code": org.code, "name": org.name},
                "on": on.isoformat(),
                "indicators": [f.as_dict() for f in figures],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._table(org, on, figures)

    def _list(self, *, as_json: bool) -> None:
        indicators = registry.all_indicators()
        if as_json:
            data = [{"code": i.code, "title": i.title} for i in indicators]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        width = max(len(i.code) for i in indicators)
        for i in indicators:
            self.stdout.write(f"{i.code.ljust(width)}  {i.title}")

    def _table(self, org, on, figures) -> None:
        self.stdout.write(f"{org.name} ({org.code}) — số liệu tại ngày {fmt_date(on)}")
        for f in figures:
            self.stdout.write("")
            self.stdout.write(f"{f.indicator.title} [{f.indicator.code}]")
            if f.indicator.unit == Unit.PERCENT:
                self.stdout.write(
                    f"  ({f.indicator.numerator_label.lower()}/"
                    f"{f.indicator.denominator_label.lower()} = tỷ lệ)"
                )
            rows = f.result.all_rows
            if not rows:
                self.stdout.write("  Không có số liệu.")
                continue
            values = [self._value(f, r) for r in rows]
            width = max(len(r.label) for r in rows) + 2
            value_width = max(len(v) for v in values)
            for r, value in zip(rows, values, strict=True):
                self.stdout.write(f"  {r.label.ljust(width, '.')} {value.rjust(value_width)}")

    @staticmethod
    def _value(figure, row) -> str:
        if figure.indicator.unit == Unit.PERCENT:
            numerator, denominator = fmt_int(row.numerator), fmt_int(row.denominator)
            return f"{numerator or '–'}/{denominator or '–'} = {row.display}"
        return row.display
