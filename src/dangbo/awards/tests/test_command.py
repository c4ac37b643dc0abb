"""``dangbo badges``: the due list on the command line."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.members.models import MemberEvent

from .factories import add_event, badge_tree, member_admitted

pytestmark = pytest.mark.django_db

d = dt.date


@pytest.fixture
def tree():
    tree = badge_tree()
    member_admitted(tree.c1, d(1997, 1, 10), full_name="Nguyễn Văn An")
    member_admitted(tree.c2, d(1987, 5, 1), full_name="Lê Thị Cúc")
    died = member_admitted(tree.c2, d(1997, 3, 1), full_name="Hoàng Văn Em")
    add_event(died, MemberEvent.Kind.DIED, d(2026, 6, 1))
    return tree


def run(*args) -> str:
    out = StringIO()
    call_command("badges", *args, stdout=out)
    return out.getvalue()


def test_prints_the_due_list_by_occasion(tree):
    assert run("--org", "DB1", "--occasions", "2", "--at", "01/01/2027").splitlines() == [
        "Huy hiệu Đảng đến hạn: Đảng bộ Xã Một (DB1) — 2 đợt tính từ ngày 01/01/2027",
        "",
        "Đợt 03/02/2027 (Kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam): 2 đảng viên",
        "  30 năm: 2",
        "  30 năm  Nguyễn Văn An (C1) — vào Đảng 10/01/1997, đủ 30 năm ngày 10/01/2027",
        "  30 năm  Hoàng Văn Em (C2) — vào Đảng 01/03/1997, đủ 30 năm ngày 01/03/2027 [Truy tặng]. "
        "Từ trần ngày 01/06/2026; đủ 30 năm tuổi Đảng ngày 01/03/2027. Có thể truy tặng từ đợt "
        "trước, chưa ghi nhận Huy hiệu.",
        "",
        "Đợt 19/05/2027 (Kỷ niệm Ngày sinh Chủ tịch Hồ Chí Minh): 1 đảng viên",
        "  40 năm: 1",
        "  40 năm  Lê Thị Cúc (C2) — vào Đảng 01/05/1987, đủ 40 năm ngày 01/05/2027",
    ]


def test_json_output(tree):
    data = json.loads(run("--org", "DB1", "--occasions", "1", "--at", "01/01/2027", "--json"))
    assert data["organization"] == {"code": "DB1", "name": "Đảng bộ Xã Một"}
    assert data["occasions"] == ["2027-02-03"]
    assert [(i["member_name"], i["milestone"], i["basis"]) for i in data["items"]] == [
        ("Nguyễn Văn An", 30, "regular"),
        ("Lê Thị Cúc", 40, "early"),  # the 30 passed long ago gives way to the coming 40
        ("Hoàng Văn Em", 30, "posthumous"),
    ]
    assert data["items"][0]["gift_estimate"] == 3510000


def test_refuses_an_unknown_organization_and_bad_arguments(tree):
    with pytest.raises(CommandError, match=r"Không tìm thấy tổ chức mã «XX»\."):
        run("--org", "XX")
    with pytest.raises(CommandError, match=r"Số đợt phải từ 1 đến 12\."):
        run("--org", "DB1", "--occasions", "0")
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        run("--org", "DB1", "--at", "32/01/2027")
