"""The admissions API: the same services, the same refusals, checked against the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.accounts.models import Role
from dangbo.admissions.models import Candidate
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import as_user, field_error

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return f.build_world()


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.body)
    return response.body


def test_a_file_walks_through_the_api(world):
    cell = as_user("bithu", Role.CELL_SECRETARY, world.a1)
    superior = as_user("vanphong", Role.COMMITTEE_ADMIN, world.top)
    body = ok(cell.post("/o/A1/candidates", {
        "full_name": "Hoàng Thị Mai", "date_of_birth": "1996-05-10", "sex": "F",
        "general_education": "12/12", "youth_union_member": True, "proposed_on": "2024-09-02",
    }), 201)  # fmt: skip
    url = f"/candidates/{body['id']}"
    assert (body["stage"], body["organization_code"]) == ("PROPOSED", "A1")
    ok(cell.post(url + "/certificate", {"issued_on": "2024-10-15", "issuer": "TTCT quận"}))
    ok(cell.post(url + "/application", {"application_on": "2024-11-04"}))
    ok(cell.post(url + "/background-check", {"checked_on": "2024-12-02", "result": "PASSED"}))
    for member in world.members[:2]:
        body = ok(cell.post(url + "/introducers", {
            "member_id": member.pk, "relation": "SAME_UNIT", "known_since": "2023-01-03",
            "assigned_on": "2024-12-09",
        }))  # fmt: skip
    assert body["stage"] == "INTRODUCED"
    body = ok(cell.post(url + "/cell-vote", {"held_on": "2025-03-04", "in_favour": 3}))
    assert (body["stage"], body["votes"][0]["eligible"], body["votes"][0]["passed"]) == (
        "CELL_RESOLUTION", 3, True,
    )  # fmt: skip
    ok(
        cell.post(
            url + "/committee-proposal", {"held_on": "2025-03-18", "eligible": 9, "in_favour": 7}
        )
    )
    decision = {"decision_number": "101-QĐ/ĐUK", "decision_signed_on": "2025-04-15",
                "decided_by": "TOP", "decided_by_body": "STANDING_COMMITTEE",
                "decision_received_on": "2025-04-18"}  # fmt: skip
    before = AuditEntry.objects.count()
    refused = cell.post(url + "/decision", decision)
    assert refused.status_code == 403
    assert AuditEntry.objects.count() == before
    body = ok(superior.post(url + "/decision", decision))
    assert (body["stage"], body["decided_by_code"]) == ("DECIDED", "TOP")
    body = ok(cell.post(url + "/ceremony", {"ceremony_on": "2025-05-19"}))
    assert body["stage"] == "ADMITTED"
    assert body["member_id"]
    member_id = body["member_id"]

    probationers = ok(cell.get("/o/A1/probationers"))["items"]
    assert [(p["member_id"], p["probation_ends_on"]) for p in probationers] == [
        (member_id, "2026-05-19")
    ]
    ok(cell.post(f"/members/{member_id}/recognition", {"mentor_id": world.members[0].pk}), 201)
    ok(
        cell.post(
            f"/members/{member_id}/recognition/vote", {"held_on": "2026-05-25", "in_favour": 3}
        )
    )
    body = ok(cell.post(f"/members/{member_id}/recognition/vote", {
        "held_on": "2026-06-01", "in_favour": 7, "eligible": 9, "body": "GRASSROOTS_COMMITTEE",
    }))  # fmt: skip
    assert body["cell_resolution_on"] == "2026-05-25"
    body = ok(superior.post(f"/members/{member_id}/recognition/decision", {
        "outcome": "RECOGNIZED", "decision_number": "201-QĐ/ĐUK", "decision_signed_on": "2026-06-10",
        "decided_by": "TOP", "decided_by_body": "STANDING_COMMITTEE",
    }))  # fmt: skip
    assert body["outcome"] == "RECOGNIZED"
    assert ok(cell.get(f"/members/{member_id}/"))["status"] == "OFFICIAL"


def test_refusals_are_422_with_the_rule_on_the_field(world):
    c = f.ready_for_vote(world.a1, world.members, date_of_birth=D(2007, 3, 5))
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, world.top)
    response = client.post(
        f"/candidates/{c.pk}/cell-vote", {"held_on": "2025-03-04", "in_favour": 3}
    )
    assert field_error(response) == {"date_of_birth": (
        "Người vào Đảng phải từ đủ 18 tuổi (tính theo tháng): ngày 04/03/2025 mới 17 tuổi 11 tháng "
        "(Điều lệ Đảng, Điều 1 khoản 2; Quy định 232-QĐ/TW, mục 1.1)."
    )}  # fmt: skip
    response = client.post(f"/candidates/{c.pk}/decision", {
        "decision_signed_on": "2025-04-15", "decided_by": "G", "decided_by_body": "STANDING_COMMITTEE",
    })  # fmt: skip
    assert field_error(response) == {"decided_by": "«G» không phải là tổ chức cấp trên của chi bộ."}


def test_a_null_where_a_value_is_required_is_refused_in_vietnamese(world):
    c = f.propose(world.a1)
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, world.top)
    before = AuditEntry.objects.count()

    for field in ("full_name", "youth_union_member", "trade_union_member"):
        response = client.patch(f"/candidates/{c.pk}", {field: None})
        assert field_error(response) == {field: "Giá trị không được để trống (null)."}

    assert AuditEntry.objects.count() == before


def test_files_are_scoped_to_the_users_subtree(world):
    c = f.propose(world.a1)
    other = as_user("khac", Role.COMMITTEE_ADMIN, world.g)
    assert other.get(f"/candidates/{c.pk}").status_code == 404
    assert (
        other.post(f"/candidates/{c.pk}/application", {"application_on": "2024-11-04"}).status_code
        == 404
    )
    assert other.get("/o/A1/candidates").status_code == 404
    viewer = as_user("xem", Role.VIEWER, world.a)
    assert viewer.get(f"/candidates/{c.pk}").status_code == 200
    assert (
        viewer.post(f"/candidates/{c.pk}/application", {"application_on": "2024-11-04"}).status_code
        == 403
    )
    assert [i["id"] for i in ok(viewer.get("/o/A/candidates"))["items"]] == [c.pk]
    assert Candidate.objects.get().application_on is None


def test_admission_plan_get_and_put(world):
    f.admitted(world)
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, world.top)
    body = ok(client.request("put", "/o/TOP/admission-plans/2025", {
        "planned": 4, "term_first_year": 2025, "term_last_year": 2030, "term_target": 20,
    }))  # fmt: skip
    assert body == {
        "organization_code": "TOP", "year": 2025, "planned": 4, "admitted": 1, "share_percent": 25.0,
        "term_first_year": 2025, "term_last_year": 2030, "term_target": 20, "term_admitted": 1,
        "term_share_percent": 5.0,
    }  # fmt: skip
    assert ok(client.get("/o/TOP/admission-plans/2024"))["planned"] is None
    incomplete = client.request(
        "put", "/o/TOP/admission-plans/2026", {"planned": 3, "term_target": 9}
    )
    assert field_error(incomplete) == {
        "term_target": "Chỉ tiêu nhiệm kỳ cần đủ năm đầu, năm cuối và số lượng."
    }
