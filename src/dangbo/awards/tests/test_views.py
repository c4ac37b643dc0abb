"""The badge pages through the test client."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.awards import selectors
from dangbo.awards.models import BadgeAward
from dangbo.members.models import MemberEvent

from .factories import BadgeAwardFactory, add_event, badge_tree, member_admitted

pytestmark = pytest.mark.django_db

d = dt.date


@pytest.fixture
def world():
    tree = badge_tree()
    m = {
        "an": member_admitted(tree.c1, d(1997, 1, 10), full_name="Nguyễn Văn An"),
        "cuc": member_admitted(tree.c2, d(1987, 5, 1), full_name="Lê Thị Cúc"),
        "em": member_admitted(tree.c2, d(1997, 3, 1), full_name="Hoàng Văn Em"),
        "old": member_admitted(tree.c1, d(1995, 8, 20), full_name="Phạm Văn Dũng"),
        "hai": member_admitted(tree.o1, d(1997, 1, 10), full_name="Đỗ Văn Hải"),
    }
    add_event(m["em"], MemberEvent.Kind.DIED, d(2026, 6, 1))
    return tree, m


def login(client, org, role=Role.COMMITTEE_ADMIN):
    user = user_with_role(org, role)
    client.force_login(user)
    return user


DUE_2027 = {"at": "01/01/2027", "occasions": "4"}


def test_due_page_lists_the_members_with_counts_per_occasion_and_milestone(client, world):
    tree, m = world
    login(client, tree.db1)

    response = client.get("/o/DB1/badges/", DUE_2027)

    assert response.status_code == 200
    names = [i.member_name for i in response.context["page_obj"]]
    assert names == ["Nguyễn Văn An", "Phạm Văn Dũng", "Hoàng Văn Em", "Lê Thị Cúc"]
    assert response.context["milestones"] == [30, 40]
    table = [(o, cells, total) for o, _name, cells, total in response.context["count_table"]]
    assert table == [
        (d(2027, 2, 3), [3, 0], 3),
        (d(2027, 5, 19), [0, 1], 1),
        (d(2027, 9, 2), [0, 0], 0),
        (d(2027, 11, 7), [0, 0], 0),
    ]
    html = response.content.decode()
    assert "Kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam" in html
    assert "Truy tặng" in html
    assert f"/members/{m['an'].pk}/badges/new/?milestone=30&amp;occasion_on=03/02/2027" in html
    assert (
        f"/members/{m['em'].pk}/badges/new/?milestone=30&amp;occasion_on=03/02/2027&amp;posthumous=1"
        in html
    )
    assert "Đỗ Văn Hải" not in html  # another subtree


def test_due_filters_narrow_the_list_not_the_counts(client, world):
    tree, _m = world
    login(client, tree.db1)

    response = client.get("/o/DB1/badges/", {**DUE_2027, "milestone": "40"})
    assert [i.member_name for i in response.context["page_obj"]] == ["Lê Thị Cúc"]
    assert response.context["total_due"] == 4
    response = client.get("/o/DB1/badges/", {**DUE_2027, "basis": "posthumous"})
    assert [i.member_name for i in response.context["page_obj"]] == ["Hoàng Văn Em"]
    response = client.get("/o/DB1/badges/", {**DUE_2027, "hide_overdue": "on"})
    assert [i.member_name for i in response.context["page_obj"]] == [
        "Nguyễn Văn An", "Lê Thị Cúc",
    ]  # fmt: skip


def test_a_viewer_sees_the_due_list_without_the_record_buttons(client, world):
    tree, _m = world
    login(client, tree.db1, Role.VIEWER)
    response = client.get("/o/DB1/badges/", DUE_2027)
    assert response.status_code == 200
    assert "/badges/new/" not in response.content.decode()


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_due_list_exports_to_excel_with_its_filters(client, world):
    tree, _m = world
    login(client, tree.db1)

    response = client.get("/o/DB1/badges/", {**DUE_2027, "export": "xlsx", "milestone": "30"})

    rows = _sheet(response)
    assert (
        rows[0][0]
        == "Danh sách đảng viên đến hạn xét tặng Huy hiệu Đảng — Đảng bộ Xã Một (mã DB1) — tại ngày 01/01/2027"
    )
    assert rows[1][0] == "Điều kiện lọc: Mốc: 30 năm tuổi Đảng"
    assert rows[2][0] == "Các đợt: 03/02/2027, 19/05/2027, 02/09/2027, 07/11/2027"
    header = rows.index(["Đợt trao tặng", "Họ và tên", "Ngày sinh", "Chi bộ", "Ngày vào Đảng",
                         "Mốc (năm tuổi Đảng)", "Ngày đủ tuổi Đảng", "Diện xét", "Ghi chú",
                         "Tặng phẩm dự kiến (đồng)"])  # fmt: skip
    body = rows[header + 1 :]
    assert [(r[1], r[5], r[7], r[9]) for r in body] == [
        ("Nguyễn Văn An", 30, "Đủ tuổi Đảng", 3510000),
        ("Phạm Văn Dũng", 30, "Đủ tuổi Đảng", 3510000),
        ("Hoàng Văn Em", 30, "Truy tặng", 3510000),
    ]
    assert body[0][0].date() == d(2027, 2, 3)


def test_awarded_tab_filters_by_year_and_milestone_and_exports(client, world):
    tree, m = world
    BadgeAwardFactory(member=m["cuc"], milestone=30, occasion_on=d(2017, 5, 19))
    BadgeAwardFactory(member=m["old"], milestone=30, occasion_on=d(2025, 9, 2), gift_amount=3510000)
    login(client, tree.db1)

    response = client.get("/o/DB1/badges/", {"tab": "awarded"})
    assert [a.member.full_name for a in response.context["page_obj"]] == [
        "Phạm Văn Dũng", "Lê Thị Cúc",
    ]  # fmt: skip
    assert response.context["years"] == [2025, 2017]
    response = client.get("/o/DB1/badges/", {"tab": "awarded", "year": "2017"})
    assert [a.member.full_name for a in response.context["page_obj"]] == ["Lê Thị Cúc"]
    assert "3.510.000 đồng" in client.get("/o/DB1/badges/", {"tab": "awarded"}).content.decode()

    rows = _sheet(
        client.get("/o/DB1/badges/", {"tab": "awarded", "year": "2025", "export": "xlsx"})
    )
    assert rows[0][0] == "Danh sách đảng viên đã được tặng Huy hiệu Đảng — Đảng bộ Xã Một (mã DB1)"
    assert rows[-1][:6] == [
        "Phạm Văn Dũng",
        rows[-1][1],
        "Chi bộ Thôn Một",
        30,
        rows[-1][4],
        "125-QĐ/TU",
    ]
    assert rows[-1][11] == 3510000


def test_record_an_award_from_a_due_row(client, world):
    tree, m = world
    login(client, tree.db1)
    url = f"/members/{m['old'].pk}/badges/new/"

    form = client.get(url, {"milestone": "30", "occasion_on": "02/09/2025"})
    assert form.status_code == 200
    assert form.context["form"].initial["milestone"] == 30
    assert form.context["form"].initial["occasion_on"] == "02/09/2025"
    response = client.post(url, {
        "milestone": "30", "occasion_on": "02/09/2025", "decision_number": "219-QĐ/TU",
        "decision_signed_on": "07/08/2025", "decided_by": "Ban Thường vụ Tỉnh ủy",
        "badge_number": "HH0001", "ceremony_on": "02/09/2025",
    })  # fmt: skip

    award = BadgeAward.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/badges/{award.pk}/"
    assert (award.member, award.milestone, award.badge_number) == (m["old"], 30, "HH0001")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Đã ghi nhận Huy hiệu 30 năm tuổi Đảng cho Phạm Văn Dũng." in html
    assert "Đợt 02/09/2025 (Kỷ niệm Quốc khánh)" in html
    assert "3.510.000 đồng" in html


def test_a_refused_award_comes_back_with_the_rule_and_saves_nothing(client, world):
    tree, m = world
    login(client, tree.db1)

    response = client.post(f"/members/{m['an'].pk}/badges/new/", {
        "milestone": "30", "occasion_on": "02/09/2025", "decision_number": "219-QĐ/TU",
        "decision_signed_on": "07/08/2025",
    })  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors["milestone"] == [
        "Đến đợt 02/09/2025 đảng viên chưa đủ 30 năm tuổi Đảng: ngày đủ 30 năm tuổi Đảng (đã trừ "
        "thời gian gián đoạn) là 10/01/2027 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
    ]
    assert BadgeAward.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="awards.").exists()


def test_void_returned_and_reissue_from_the_detail_page(client, world):
    tree, m = world
    award = BadgeAwardFactory(member=m["old"], milestone=30, occasion_on=d(2025, 9, 2))
    login(client, tree.db1)

    detail = client.get(f"/badges/{award.pk}/")
    assert detail.status_code == 200
    for name in ("reissue", "returned", "void"):
        assert f"/badges/{award.pk}/{name}/" in detail.content.decode()

    response = client.post(
        f"/badges/{award.pk}/reissue/", {"reason": "Mất do bão", "badge_number": "HH9"}
    )
    reissue = BadgeAward.objects.get(reissue_of=award)
    assert response["Location"] == f"/badges/{reissue.pk}/"
    page = client.get(f"/badges/{reissue.pk}/").content.decode()
    assert "Cấp lại lần 1" in page
    assert "Đã ghi nhận cấp lại Huy hiệu 30 năm tuổi Đảng cho Phạm Văn Dũng." in page

    response = client.post(f"/badges/{award.pk}/returned/", {"returned_on": "01/10/2025"})
    assert response.status_code == 400
    assert "Chỉ ghi nhận nộp lại Huy hiệu khi đảng viên đã bị khai trừ" in response.content.decode()

    client.post(f"/badges/{reissue.pk}/void/", {"reason": "Ghi nhầm số"})
    response = client.post(f"/badges/{award.pk}/void/", {"reason": "Ghi nhầm người"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.voided_reason == "Ghi nhầm người"
    assert "Đã hủy" in client.get(f"/badges/{award.pk}/").content.decode()


def test_award_pages_are_scoped(client, world):
    tree, m = world
    award = BadgeAwardFactory(member=m["old"])
    login(client, tree.db2)
    assert client.get(f"/badges/{award.pk}/").status_code == 404
    assert client.post(f"/badges/{award.pk}/void/", {"reason": "x"}).status_code == 404
    assert client.get(f"/members/{m['old'].pk}/badges/new/").status_code == 404
    assert client.get("/o/DB1/badges/").status_code == 404

    login(client, tree.db1, Role.VIEWER)
    assert client.get(f"/badges/{award.pk}/").status_code == 200
    assert client.post(f"/badges/{award.pk}/void/", {"reason": "x"}).status_code == 403
    assert client.get(f"/members/{m['old'].pk}/badges/new/").status_code == 403
    award.refresh_from_db()
    assert not award.is_voided

    client.logout()
    assert client.get(f"/badges/{award.pk}/")["Location"].startswith(reverse("login"))


def test_member_badges_include_lists_the_badges_and_the_next_milestone(world):
    _tree, m = world
    BadgeAwardFactory(
        member=m["cuc"], milestone=30, occasion_on=d(2017, 5, 19), decision_number="77-QĐ/TU"
    )
    member = m["cuc"]

    html = render_to_string(
        "awards/_member_badges.html",
        {
            "member": member, "badges": selectors.awards_of(member), "can_manage": True,
            "badge_outlook": selectors.badge_outlook(member, d(2026, 12, 1)),
        },
    )  # fmt: skip

    assert "30 năm" in html
    assert "77-QĐ/TU (20/01/2025)" in html
    assert "Mốc tiếp theo: 40 năm tuổi Đảng, đủ ngày 01/05/2027." in html
    assert f"/members/{member.pk}/badges/new/" in html


def test_member_badges_tag_renders_the_include_for_the_member_page(world):
    _tree, m = world
    BadgeAwardFactory(member=m["cuc"], milestone=30, occasion_on=d(2017, 5, 19))
    template = Template("{% load awards_tags %}{% member_badges member %}")

    html = template.render(Context({"member": m["cuc"], "can_manage": False}))

    assert "Huy hiệu Đảng" in html
    assert f"/badges/{m['cuc'].badge_awards.get().pk}/" in html
    assert "Mốc tiếp theo:" in html  # which one depends on today
    assert "/badges/new/" not in html
