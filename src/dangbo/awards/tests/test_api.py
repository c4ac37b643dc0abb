"""The badge endpoints: due list, awarded list, recording, one award and its actions."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.awards.models import BadgeAward
from dangbo.core.tests.api_helpers import as_user, field_error
from dangbo.members.models import MemberEvent

from .factories import BadgeAwardFactory, add_event, badge_tree, member_admitted

pytestmark = pytest.mark.django_db

d = dt.date
AWARD = {
    "milestone": 30,
    "occasion_on": "2025-09-02",
    "decision_number": "219-QĐ/TU",
    "decision_signed_on": "2025-08-07",
    "decided_by": "Ban Thường vụ Tỉnh ủy",
    "badge_number": "HH0001",
}


@pytest.fixture
def world():
    tree = badge_tree()
    m = {
        "an": member_admitted(tree.c1, d(1997, 1, 10), full_name="Nguyễn Văn An"),
        "dung": member_admitted(tree.c1, d(1995, 8, 20), full_name="Phạm Văn Dũng"),
        "em": member_admitted(tree.c2, d(1997, 3, 1), full_name="Hoàng Văn Em"),
    }
    add_event(m["em"], MemberEvent.Kind.DIED, d(2026, 6, 1))
    return tree, m


def test_due_list_with_the_number_of_occasions_and_filters(world):
    tree, m = world
    client = as_user("vanphong", Role.VIEWER, tree.db1)

    response = client.get("/o/DB1/badges/due", {"occasions": 2, "at": "2027-01-01"})

    assert response.status_code == 200
    assert response.body["count"] == 3
    first = response.body["items"][0]
    assert first == {
        "member_id": m["an"].pk, "member_name": "Nguyễn Văn An", "date_of_birth": "1972-01-01",
        "organization_code": "C1", "organization_name": "Chi bộ Thôn Một",
        "admitted_on": "1997-01-10", "milestone": 30, "occasion_on": "2027-02-03",
        "reached_on": "2027-01-10", "basis": "regular", "basis_label": "Đủ tuổi Đảng",
        "overdue": False, "died_on": None, "deferred": False, "deferred_until": None, "note": "",
        "gift_estimate": 3510000,
        "record_url": f"/members/{m['an'].pk}/badges/new/?milestone=30&occasion_on=03/02/2027",
    }  # fmt: skip
    posthumous = client.get("/o/DB1/badges/due", {"at": "2027-01-01", "basis": "posthumous"})
    assert [i["member_name"] for i in posthumous.body["items"]] == ["Hoàng Văn Em"]
    assert posthumous.body["items"][0]["record_url"].endswith("&posthumous=1")
    assert field_error(client.get("/o/DB1/badges/due", {"occasions": 13})) == {
        "occasions": "Phải nhỏ hơn hoặc bằng 12."
    }


def test_due_list_and_awards_filter_by_milestone_from_the_query_string(world):
    tree, m = world
    client = as_user("vanphong", Role.VIEWER, tree.db1)
    BadgeAwardFactory(member=m["an"], milestone=30)

    due_30 = client.get("/o/DB1/badges/due", {"at": "2027-01-01", "milestone": "30"})
    due_40 = client.get("/o/DB1/badges/due", {"at": "2027-01-01", "milestone": "40"})
    awarded_30 = client.get("/o/DB1/badges", {"milestone": "30"})
    awarded_40 = client.get("/o/DB1/badges", {"milestone": "40"})
    unknown = client.get("/o/DB1/badges", {"milestone": "31"})

    assert due_30.status_code == 200
    assert {i["milestone"] for i in due_30.body["items"]} == {30}
    assert due_30.body["count"] == 2
    assert due_40.body["count"] == 0
    assert [i["member_name"] for i in awarded_30.body["items"]] == ["Nguyễn Văn An"]
    assert awarded_40.body["count"] == 0
    assert field_error(unknown) == {
        "milestone": ("Giá trị phải là một trong: 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90.")
    }


def test_record_a_badge_then_read_void_it(world):
    tree, m = world
    client = as_user("bithu", Role.CELL_SECRETARY, tree.c1)

    response = client.post(f"/members/{m['dung'].pk}/badges", AWARD)

    assert response.status_code == 201
    body = response.body
    assert (body["milestone"], body["title"], body["gift_amount"]) == (
        30, "Huy hiệu 30 năm tuổi Đảng", 3510000,
    )  # fmt: skip
    assert (body["organization_code"], body["member_name"]) == ("C1", "Phạm Văn Dũng")
    assert body["url"] == f"/badges/{body['id']}/"
    assert client.get(f"/badges/{body['id']}").body == body
    listed = client.get("/o/C1/badges", {"year": 2025})
    assert [i["id"] for i in listed.body["items"]] == [body["id"]]

    voided = client.post(f"/badges/{body['id']}/void", {"reason": "Ghi nhầm"})
    assert voided.status_code == 200
    assert (voided.body["is_voided"], voided.body["voided_reason"]) == (True, "Ghi nhầm")
    assert client.get("/o/C1/badges").body["count"] == 0
    assert client.get("/o/C1/badges", {"include_voided": True}).body["count"] == 1


def test_a_refused_award_is_422_with_the_rule_and_writes_nothing(world):
    tree, m = world
    client = as_user("bithu", Role.CELL_SECRETARY, tree.c1)

    response = client.post(f"/members/{m['an'].pk}/badges", AWARD)

    assert field_error(response) == {
        "milestone": (
            "Đến đợt 02/09/2025 đảng viên chưa đủ 30 năm tuổi Đảng: ngày đủ 30 năm tuổi Đảng (đã "
            "trừ thời gian gián đoạn) là 10/01/2027 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
        )
    }
    assert BadgeAward.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="awards.").exists()
    invalid = field_error(client.post(f"/members/{m['an'].pk}/badges", {**AWARD, "milestone": 35}))
    assert invalid == {
        "payload.milestone": "Giá trị phải là một trong: 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90."
    }


def test_returned_and_reissue(world):
    tree, m = world
    award = BadgeAwardFactory(member=m["dung"], milestone=30, occasion_on=d(2025, 9, 2))
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.db1)

    refused = client.post(f"/badges/{award.pk}/returned", {"returned_on": "2025-12-01"})
    assert field_error(refused) == {
        "__all__": (
            "Chỉ ghi nhận nộp lại Huy hiệu khi đảng viên đã bị khai trừ hoặc xóa tên khỏi danh "
            "sách đảng viên (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18)."
        )
    }
    reissued = client.post(f"/badges/{award.pk}/reissue", {"reason": "Mất", "badge_number": "HH2"})
    assert reissued.status_code == 201
    assert (reissued.body["reissue_of_id"], reissued.body["gift_amount"]) == (award.pk, None)

    add_event(m["dung"], MemberEvent.Kind.EXPELLED, d(2025, 11, 1))
    returned = client.post(f"/badges/{reissued.body['id']}/returned", {"returned_on": "2025-12-01"})
    assert returned.status_code == 200
    assert returned.body["returned_on"] == "2025-12-01"


def test_badge_endpoints_are_scoped(world):
    tree, m = world
    award = BadgeAwardFactory(member=m["dung"])
    sibling = as_user("khac", Role.COMMITTEE_ADMIN, tree.db2)
    assert sibling.get(f"/badges/{award.pk}").status_code == 404
    assert sibling.post(f"/badges/{award.pk}/void", {"reason": "x"}).status_code == 404
    assert sibling.get("/o/DB1/badges/due").status_code == 404
    assert sibling.post(f"/members/{m['dung'].pk}/badges", AWARD).status_code == 404

    viewer = as_user("xem", Role.VIEWER, tree.db1)
    assert viewer.get(f"/badges/{award.pk}").status_code == 200
    assert viewer.post(f"/badges/{award.pk}/void", {"reason": "x"}).status_code == 403
    assert viewer.post(f"/members/{m['dung'].pk}/badges", AWARD).status_code == 403
    award.refresh_from_db()
    assert not award.is_voided
