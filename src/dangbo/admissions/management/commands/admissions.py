"""``dangbo admissions``: what admission work is due in a subtree, overdue items included.

dangbo admissions --org CODE [--until 30/06/2026] [--today 01/06/2026]
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangbo.admissions.selectors import deadlines_under
from dangbo.core.formatting import fmt_date, parse_date
from dangbo.organizations.models import Organization

DEFAULT_DAYS = 60


def _date(value: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        raise CommandError(
            f"Ngày không hợp lệ: «{value}» (nhập dd/mm/yyyy hoặc yyyy-mm-dd)."
        ) from None


class Command(BaseCommand):
    help = (
        "Liệt kê thời hạn của công tác phát triển đảng viên trong một cây tổ chức: quyết định kết "
        "nạp, lễ kết nạp, giấy chứng nhận, hồ sơ quá 12 tháng, hết dự bị, xét và quyết định công "
        "nhận đảng viên chính thức (kể cả việc đã quá hạn)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument("--until", help=f"Đến ngày (mặc định hôm nay + {DEFAULT_DAYS} ngày).")
        parser.add_argument("--today", help="Coi ngày này là hôm nay (mặc định hôm nay).")

    def handle(self, *args, **options):
        org = Organization.objects.filter(code=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{options['org']}».")
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        until = _date(options["until"]) if options["until"] else today + dt.timedelta(DEFAULT_DAYS)
        items = deadlines_under(org, today, until)
        self.stdout.write(
            f"{org.name} ({org.code}) — thời hạn đến ngày {fmt_date(until)}, hôm nay "
            f"{fmt_date(today)}: {len(items)} việc"
        )
        for d in items:
            flag = " QUÁ HẠN" if d.is_overdue(today) else ""
            self.stdout.write(
                f"  {fmt_date(d.due_on)}{flag}  {d.title} — {d.subject} ({d.organization_name}); "
                f"{d.rule}"
            )
