"""``dangbo deadlines``: what falls due in a subtree, soonest first.

dangbo deadlines --org CODE [--horizon-days N] [--kind KIND] [--overdue-only] [--json]
dangbo deadlines --rebuild [--org CODE] [--on YYYY-MM-DD]: recompute the stored deadlines.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from dangbo.core.formatting import fmt_date, fmt_int
from dangbo.deadlines import store
from dangbo.deadlines.api import MAX_HORIZON_DAYS, radar_out
from dangbo.deadlines.selectors import DEFAULT_HORIZON, SOON_DAYS, days_text, radar
from dangbo.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Liệt kê các việc quá hạn và đến hạn của một tổ chức và cây trực thuộc "
        "(kết nạp, chuyển sinh hoạt, huy hiệu Đảng…), việc quá hạn lâu nhất trước."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", default="", help="Mã tổ chức.")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Tính lại các thời hạn lưu sẵn từ dữ liệu gốc (toàn bộ, hoặc các hồ sơ của "
            "cây tổ chức --org).",
        )
        parser.add_argument(
            "--on", default="", help="Ngày tính khi dựng lại (YYYY-MM-DD; mặc định hôm nay)."
        )
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=DEFAULT_HORIZON,
            help=f"Số ngày tính từ hôm nay (mặc định {DEFAULT_HORIZON}).",
        )
        parser.add_argument("--kind", default="", help="Chỉ lấy loại việc này (mã loại).")
        parser.add_argument("--overdue-only", action="store_true", help="Chỉ việc đã quá hạn.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, **options):
        code = options["org"].strip()
        if options["rebuild"]:
            self._rebuild(code, options["on"].strip())
            return
        if not code:
            raise CommandError("Cần chọn tổ chức: --org MÃ.")
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        horizon = options["horizon_days"]
        if not 0 <= horizon <= MAX_HORIZON_DAYS:
            raise CommandError(f"Số ngày phải từ 0 đến {MAX_HORIZON_DAYS}.")
        kind = options["kind"].strip()
        result = radar(
            org,
            timezone.localdate(),
            horizon_days=horizon,
            kinds=[kind] if kind else None,
            overdue_only=options["overdue_only"],
        )
        if options["json"]:
            data = radar_out(result)
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        self._text(result)

    def _rebuild(self, code: str, on_text: str) -> None:
        try:
            on = dt.date.fromisoformat(on_text) if on_text else None
        except ValueError as exc:
            raise CommandError(f"Ngày «{on_text}» không đúng dạng YYYY-MM-DD.") from exc
        if not code:
            count = store.rebuild(on)
            self.stdout.write(f"Đã tính lại {fmt_int(count)} thời hạn lưu sẵn.")
            return
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        if store.current() is None:
            raise CommandError(
                "Chưa dựng các thời hạn lưu sẵn: chạy «dangbo deadlines --rebuild» không kèm --org."
            )
        if on is not None:
            raise CommandError("--on chỉ dùng khi dựng lại toàn bộ (không kèm --org).")
        count = store.rebuild_subtree(org)
        self.stdout.write(
            f"Đã tính lại {fmt_int(count)} thời hạn lưu sẵn của {org.name} ({org.code})."
        )

    def _text(self, result) -> None:
        out = self.stdout.write
        today = result.today
        out(
            f"Thời hạn cần theo dõi: {result.org.name} ({result.org.code}) — "
            f"ngày {fmt_date(today)}, trong {result.horizon_days} ngày tới"
        )
        out(
            f"Quá hạn: {fmt_int(result.overdue)}; đến hạn trong {SOON_DAYS} ngày: "
            f"{fmt_int(result.soon)}; đến hạn trong {result.horizon_days} ngày tới: "
            f"{fmt_int(result.upcoming)}."
        )
        if not result.items:
            out("Không có việc nào đến hạn.")
            return
        if any(not r.is_self for r in result.by_org):
            out("")
            out("Theo tổ chức:")
            for r in result.by_org:
                label = f"{r.name} (hồ sơ trực tiếp)" if r.is_self else f"{r.name} ({r.code})"
                out(f"  {label}: {fmt_int(r.total)} việc, {fmt_int(r.overdue)} quá hạn")
        out("")
        for d in result.items:
            out(
                f"  {fmt_date(d.due_on)}  {days_text(d, today):<16} {d.title} — {d.subject} "
                f"({d.organization_name}) [{d.rule}]"
            )
