"""``dangbo check-consistency``: members whose stored state no longer follows from their events.

dangbo check-consistency --org CODE [--json] [--repair]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dangbo.core.formatting import fmt_int
from dangbo.members import consistency, services
from dangbo.members.consistency import Drift
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Tính lại tình trạng, chi bộ đang sinh hoạt, ngày vào Đảng, ngày chính thức, ngày hết "
        "dự bị và các giai đoạn sinh hoạt của mọi đảng viên trong một tổ chức và cây trực thuộc "
        "từ các sự kiện, và báo những chỗ dữ liệu đang lưu sai lệch. Thoát với mã khác 0 khi "
        "còn sai lệch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Mã tổ chức.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Ghi lại từ các sự kiện những đảng viên bị sai lệch (có ghi nhật ký).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=consistency.CHUNK,
            help=f"Số đảng viên đọc mỗi lượt (mặc định {consistency.CHUNK}).",
        )

    def handle(self, *args, **options):
        code = options["org"].strip()
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức mã «{code}».")
        if options["chunk_size"] < 1:
            raise CommandError("Số đảng viên mỗi lượt phải từ 1 trở lên.")
        checked, drift = 0, []
        for done, found in consistency.drift_in(org, chunk_size=options["chunk_size"]):
            checked = done
            drift += found
        members = sorted({d.member_id for d in drift})
        repaired, unrepaired = self._repair(org, drift) if options["repair"] else ([], members)
        if options["json"]:
            self.stdout.write(json.dumps({
                "organization": org.code, "checked": checked, "drifted": len(members),
                "repaired": repaired, "drift": [d.as_dict() for d in drift],
            }, ensure_ascii=False, indent=2))  # fmt: skip
        else:
            self._text(org, checked, drift, repaired)
        if unrepaired:
            raise CommandError(
                f"{fmt_int(len(unrepaired))} đảng viên có dữ liệu sai lệch so với các sự kiện.",
                returncode=1,
            )

    def _repair(self, org: Organization, drift: list[Drift]) -> tuple[list[int], list[int]]:
        """Rebuild each drifted member from the events; those whose history is impossible stay."""
        by_member: dict[int, list[Drift]] = {}
        for d in drift:
            by_member.setdefault(d.member_id, []).append(d)
        repaired, unrepaired = [], []
        for pk, items in by_member.items():
            if any(d.field == "events" for d in items):
                unrepaired.append(pk)  # the events themselves need a person's correction
                continue
            services.repair_derived_state(
                actor=None, member=Member.objects.get(pk=pk),
                note="Ghi lại từ các sự kiện (kiểm tra tính nhất quán): "
                + ", ".join(d.label for d in items) + ".",
            )  # fmt: skip
            repaired.append(pk)
        return repaired, unrepaired

    def _text(self, org: Organization, checked: int, drift: list[Drift], repaired) -> None:
        out = self.stdout.write
        out(f"Kiểm tra tính nhất quán: {org.name} ({org.code}) — {fmt_int(checked)} đảng viên")
        if not drift:
            out("Không có sai lệch: dữ liệu đang lưu khớp với các sự kiện.")
            return
        for d in drift:
            who = f"  {d.full_name} (mã {d.member_id}) — {d.label}"
            if d.field == "events":
                out(f"{who} không hợp lệ, cần sửa các sự kiện: {d.derived}")
            else:
                out(f"{who}: đang lưu «{d.stored}», theo các sự kiện «{d.derived}»")
        out(f"{fmt_int(len({d.member_id for d in drift}))} đảng viên có sai lệch.")
        if repaired:
            out(f"Đã ghi lại từ các sự kiện {fmt_int(len(repaired))} đảng viên.")
