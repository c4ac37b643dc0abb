"""``dangbo badges``: the members due for a Party badge at the next award occasions.

dangbo badges --org CODE [--occasions N] [--at DD/MM/YYYY] [--json]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from dangbo.awards import rules
from dangbo.awards.selectors import badges_due, due_counts
from dangbo.core.formatting import fmt_date, fmt_int, parse_date
from dangbo.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Liệt kê đảng viên đến hạn xét tặng Huy hiệu Đảng ở các đợt trao tặng tới (3/2, 19/5, "
        "2/9, 7/11) của một tổ chức và cây trực thuộc: đủ tuổi Đảng (đã trừ gián đoạn), xét "
        "tặng sớm, truy tặng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument(
            "--occasions", type=int, default=4, help="Số đợt trao tặng tới (mặc định 4)."
        )
        parser.add_argument("--at", help="Tính từ ngày (dd/mm/yyyy; mặc định hôm nay).")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, **options):
        code = options["org"].strip()
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        count = options["occasions"]
        if not 1 <= count <= 12:
            raise CommandError("Số đợt phải từ 1 đến 12.")
        try:
            at = parse_date(options["at"]) if options["at"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: «{options['at']}» (dd/mm/yyyy).") from exc
        occasions = rules.award_occasions(at, count)
        items = badges_due(org, occasions)
        if options["json"]:
            data = {
                "organization": {"code": org.code, "name": org.name},
                "at": at,
                "occasions": occasions,
                "items": [
                    {
                        "member_id": d.member_id,
                        "member_name": d.member_name,
                        "organization_code": d.organization_code,
                        "admitted_on": d.admitted_on,
                        "milestone": d.milestone,
                        "occasion_on": d.occasion_on,
                        "reached_on": d.reached_on,
                        "basis": d.basis,
                        "overdue": d.overdue,
                        "deferred": d.deferred,
                        "note": d.note,
                        "gift_estimate": int(d.gift_estimate)
                        if d.gift_estimate is not None
                        else None,
                    }
                    for d in items
                ],
            }
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        out = self.stdout.write
        out(
            f"Huy hiệu Đảng đến hạn: {org.name} ({org.code}) — {count} đợt tính từ ngày "
            f"{fmt_date(at)}"
        )
        counts = due_counts(items)
        for occasion in occasions:
            per = counts.get(occasion, {})
            out("")
            out(f"{rules.occasion_label(occasion)}: {fmt_int(sum(per.values()))} đảng viên")
            if per:
                out("  " + "; ".join(f"{m} năm: {fmt_int(n)}" for m, n in sorted(per.items())))
            for d in items:
                if d.occasion_on != occasion:
                    continue
                flag = "" if d.basis == rules.REGULAR else f" [{d.basis_label}]"
                line = (
                    f"  {d.milestone} năm  {d.member_name} ({d.organization_code}) — vào Đảng "
                    f"{fmt_date(d.admitted_on)}, đủ {d.milestone} năm ngày {fmt_date(d.reached_on)}"
                    f"{flag}"
                )
                out(line + (f". {d.note}" if d.note else ""))
