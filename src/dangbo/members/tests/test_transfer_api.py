"""The transfer endpoints: each side acts on its own end; bodies checked against the OpenAPI document."""

import pytest

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import add_member, as_user, build_tree, field_error
from dangbo.members.models import Member, Transfer
from dangbo.members.striking import (
    StrikingCandidate,
    register_striking_source,
    unregister_striking_source,
)

pytestmark = pytest.mark.django_db

START = {"to_organization": "B1", "reason": "WORK_CHANGE", "triggered_on": "2025-08-01"}
LETTER = {"letter_number": "15-GGT/ĐUK", "letter_on": "2025-08-15", "letter_issuer": "Đảng ủy Khối"}


@pytest.fixture
def tree():
    return build_tree()


@pytest.fixture
def member(tree):
    return add_member(tree.a1, "Nguyễn Văn Chuyển", card_number="11000001")


def test_a_transfer_from_start_to_arrival(tree, member):
    sender = as_user("gui", Role.COMMITTEE_ADMIN, tree.a)
    receiver = as_user("nhan", Role.COMMITTEE_ADMIN, tree.b)

    response = sender.post(f"/members/{member.pk}/transfers", START)
    assert response.status_code == 201, response.body
    body = response.body
    assert (body["status"], body["direction"], body["to_organization_code"]) == (
        "AWAITING_LETTER", "INTERNAL", "B1",
    )  # fmt: skip
    assert body["deadline"] == {
        "kind": "members.transfer_start", "title": "Cấp giấy giới thiệu sinh hoạt đảng",
        "due_on": "2025-10-28", "rule": "Quy định 294-QĐ/TW, mục 6.3.1", "overdue": True,
    }  # fmt: skip
    transfer_id = body["id"]

    assert receiver.post(f"/transfers/{transfer_id}/letter", LETTER).status_code == 403
    response = sender.post(f"/transfers/{transfer_id}/letter", LETTER)
    assert response.body["status"] == "AWAITING_ARRIVAL"
    assert response.body["deadline"]["due_on"] == "2025-09-30"

    before = AuditEntry.objects.count()
    forbidden = sender.post(f"/transfers/{transfer_id}/arrival", {"received_on": "2025-09-01"})
    assert forbidden.status_code == 403
    assert forbidden.body == {
        "detail": "Chỉ cấp ủy nơi đến (quản lý chi bộ tiếp nhận) xác nhận tiếp nhận đảng viên."
    }
    assert AuditEntry.objects.count() == before

    listed = receiver.get("/o/B/transfers")
    assert [t["id"] for t in listed.body["items"]] == [transfer_id]
    response = receiver.post(f"/transfers/{transfer_id}/arrival", {"received_on": "2025-09-01"})
    assert response.status_code == 200
    assert (response.body["status"], response.body["received_on"]) == ("COMPLETED", "2025-09-01")
    member.refresh_from_db()
    assert member.organization == tree.b1
    assert receiver.get("/o/B/transfers").body["items"] == []
    assert receiver.get("/o/B/transfers", {"status": "done"}).body["count"] == 1


def test_refusals_name_the_field_and_write_nothing(tree, member):
    sender = as_user("gui", Role.COMMITTEE_ADMIN, tree.a)
    response = sender.post(f"/members/{member.pk}/transfers", {**START, "to_organization": "XYZ"})
    assert field_error(response) == {"to_organization": "Không tìm thấy tổ chức có mã «XYZ»."}
    response = sender.post(f"/members/{member.pk}/transfers", {**START, "to_organization": "B"})
    assert field_error(response) == {
        "to_organization": (
            "«Đảng bộ B» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ cơ sở hoặc chi bộ "
            "trực thuộc."
        )
    }
    assert Transfer.objects.count() == 0
    transfer_id = sender.post(f"/members/{member.pk}/transfers", START).body["id"]
    sender.post(f"/transfers/{transfer_id}/letter", LETTER)
    receiver = as_user("nhan", Role.COMMITTEE_ADMIN, tree.b)
    late = receiver.post(f"/transfers/{transfer_id}/arrival", {"received_on": "2025-10-01"})
    assert list(field_error(late)) == ["late_explanation"]
    assert Transfer.objects.get().status == "AWAITING_ARRIVAL"


def test_a_transfer_is_reached_only_from_its_ends(tree, member):
    sender = as_user("gui", Role.COMMITTEE_ADMIN, tree.a)
    transfer_id = sender.post(
        f"/members/{member.pk}/transfers",
        {"other_party": "Đảng bộ tỉnh khác", "reason": "RESIDENCE", "triggered_on": "2025-08-01"},
    ).body["id"]
    assert (
        as_user("b", Role.COMMITTEE_ADMIN, tree.b).get(f"/transfers/{transfer_id}").status_code
        == 404
    )
    viewer = as_user("xem", Role.VIEWER, tree.a)
    assert viewer.get(f"/transfers/{transfer_id}").status_code == 200
    assert viewer.post(f"/transfers/{transfer_id}/cancel", {"reason": "x"}).status_code == 403
    response = sender.post(f"/transfers/{transfer_id}/letter", LETTER)
    assert response.body["status"] == "COMPLETED"
    member.refresh_from_db()
    assert member.status == "TRANSFERRED_OUT"


def test_receive_from_outside_and_a_temporary_stay(tree):
    secretary = as_user("bithu", Role.CELL_SECRETARY, tree.a1)
    response = secretary.post("/o/A1/transfers/incoming", {
        "full_name": "Lê Thị Đến", "date_of_birth": "1988-02-03", "sex": "F",
        "received_on": "2025-09-03", "other_party": "Đảng bộ phường Láng", "reason": "WORK_CHANGE",
        "letter_number": "88-GGT/ĐU", "letter_on": "2025-08-20", "letter_issuer": "Đảng ủy phường Láng",
        "admitted_on": "2012-05-19", "official_on": "2013-05-19",
    })  # fmt: skip
    assert response.status_code == 201, response.body
    assert (response.body["direction"], response.body["member_created"]) == ("INCOMING", True)
    member = Member.objects.get(full_name="Lê Thị Đến")
    assert (member.organization, member.status) == (tree.a1, "OFFICIAL")

    response = secretary.post(f"/members/{member.pk}/transfers/temporary", {
        "to_organization": "B1", "reason": "STUDY", "planned_from": "2025-10-01",
        "planned_until": "2026-06-30",
    })  # fmt: skip
    assert response.status_code == 201, response.body
    assert response.body["deadline"]["kind"] == "members.temporary_return"
    ended = secretary.post(
        f"/transfers/{response.body['id']}/return", {"returned_on": "2026-06-20"}
    )
    assert (ended.body["status"], ended.body["returned_on"]) == ("ENDED", "2026-06-20")


def test_cancel_and_void(tree, member):
    sender = as_user("gui", Role.COMMITTEE_ADMIN, tree.a)
    transfer_id = sender.post(f"/members/{member.pk}/transfers", START).body["id"]
    assert field_error(sender.post(f"/transfers/{transfer_id}/cancel", {"reason": ""})) == {
        "reason": "Cần ghi lý do hủy bỏ."
    }
    response = sender.post(f"/transfers/{transfer_id}/cancel", {"reason": "Không chuyển nữa"})
    assert (response.body["status"], response.body["cancel_reason"]) == (
        "CANCELLED",
        "Không chuyển nữa",
    )
    response = sender.post(f"/transfers/{transfer_id}/void", {"reason": "Ghi nhầm"})
    assert response.body["is_voided"] is True


def test_the_event_endpoint_takes_the_ground_of_a_striking_off(tree, member):
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)
    response = client.post(
        f"/members/{member.pk}/events/", {"kind": "STRUCK_OFF", "happened_on": "2025-09-01"}
    )
    assert set(field_error(response)) == {
        "reason_code", "decision_number", "decision_signed_on", "decision_issuer"
    }  # fmt: skip
    response = client.post(f"/members/{member.pk}/events/", {
        "kind": "STRUCK_OFF", "happened_on": "2025-09-01", "reason_code": "WITHDRAWAL",
        "decision_number": "9-QĐ/ĐU", "decision_signed_on": "2025-08-28", "decision_issuer": "Đảng ủy A",
    })  # fmt: skip
    assert response.status_code == 201
    assert (response.body["reason_code"], response.body["reason_label"]) == (
        "WITHDRAWAL", "Xin ra khỏi Đảng, được cấp có thẩm quyền chấp thuận",
    )  # fmt: skip


def test_striking_candidates(tree, member):
    client = as_user("xem", Role.VIEWER, tree.a)
    assert client.get("/o/A/striking-candidates").body == []

    def unpaid(org, on):
        return [StrikingCandidate(member, "MISSED_ACTIVITY_OR_DUES", "4 tháng không đóng đảng phí")]

    register_striking_source(unpaid)
    try:
        body = client.get("/o/A/striking-candidates").body
    finally:
        unregister_striking_source(unpaid)
    assert body == [{
        "member_id": member.pk, "full_name": "Nguyễn Văn Chuyển", "organization_code": "A1",
        "organization_name": "Chi bộ A1", "ground_code": "MISSED_ACTIVITY_OR_DUES",
        "ground_label": (
            "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"
        ),
        "detail": "4 tháng không đóng đảng phí",
    }]  # fmt: skip
