"""The meeting API: recording with attendance and self-score, refusals as field-level 422s
that write nothing, the resend without duplicate, the grid, the upper level's confirmation."""

from __future__ import annotations

import pytest

from dangbo.accounts.models import Role
from dangbo.core.tests.api_helpers import as_user, field_error
from dangbo.meetings.models import Meeting

from .factories import FAILS_MUST_PASS, FULL, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def _body(w, **extra):
    return {
        "kind": "REGULAR", "held_on": "2024-05-20", "start_time": "08:00", "end_time": "09:45",
        "attendance": [{"member_id": m.pk, "status": "PRESENT"} for m in w.members],
        "self_points": FULL, **extra,
    }  # fmt: skip


def test_secretary_records_a_meeting_and_the_upper_level_confirms(w):
    secretary = as_user("bithu", Role.CELL_SECRETARY, w.a1)
    created = secretary.post("/o/A1/meetings", _body(w, client_key="phone-1"))
    assert created.status_code == 201
    meeting = created.body["meeting"]
    assert (meeting["level"], meeting["self_score"], created.body["findings"]) == (
        "GOOD",
        "100.0",
        [],
    )
    again = secretary.post("/o/A1/meetings", _body(w, client_key="phone-1"))
    assert again.body["meeting"]["id"] == meeting["id"]
    assert Meeting.objects.count() == 1
    detail = secretary.get(f"/o/A1/meetings/{meeting['id']}").body
    assert [a["member_name"] for a in detail["attendance"]][:2] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    refused = secretary.post(f"/o/A1/meetings/{meeting['id']}/confirm", {"level": "FAIR"})
    assert refused.status_code == 403
    upper = as_user("dangbo_a", Role.COMMITTEE_ADMIN, w.a)
    assert field_error(upper.post(f"/o/A1/meetings/{meeting['id']}/confirm",
                                  {"points": FAILS_MUST_PASS})) == {
        "reason": "Điểm xác nhận khác điểm chi bộ tự chấm: cần ghi lý do."
    }  # fmt: skip
    confirmed = upper.post(f"/o/A1/meetings/{meeting['id']}/confirm",
                           {"points": FAILS_MUST_PASS, "reason": "Thiếu biên bản"})  # fmt: skip
    assert (confirmed.body["self_level"], confirmed.body["level"]) == ("GOOD", "FAIR")


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(w):
    secretary = as_user("bithu", Role.CELL_SECRETARY, w.a1)
    outsider = {"member_id": w.g_members[0].pk, "status": "PRESENT"}
    assert field_error(secretary.post("/o/A1/meetings", _body(w, attendance=[outsider]))) == {
        "attendance": f"Đảng viên số {w.g_members[0].pk} không có trong danh sách của chi bộ "
        "ngày 20/05/2024: không điểm danh được."
    }
    assert field_error(secretary.post("/o/A1/meetings", _body(w, self_points=[11, *FULL[1:]]))) == {
        "self_points": "Điểm tiêu chí «Số lượng đảng viên dự sinh hoạt» (11,0) vượt điểm tối đa 10,0."
    }
    assert "payload.kind" in field_error(secretary.post("/o/A1/meetings", _body(w, kind="WEEKLY")))
    assert Meeting.objects.count() == 0


def test_second_regular_meeting_is_recorded_and_flagged(w):
    secretary = as_user("bithu", Role.CELL_SECRETARY, w.a1)
    secretary.post("/o/A1/meetings", _body(w))
    second = secretary.post("/o/A1/meetings", _body(w, held_on="2024-05-28"))
    assert second.status_code == 201
    codes = [f["code"] for f in second.body["findings"]]
    assert codes == ["REGULAR_TWICE"]
    assert second.body["findings"][0]["citation"] == "Điều lệ Đảng, Điều 24 khoản 2"


def test_grid_and_list_are_scoped(w):
    as_user("bithu", Role.CELL_SECRETARY, w.a1).post("/o/A1/meetings", _body(w))
    viewer = as_user("xem", Role.VIEWER, w.a)
    grid = viewer.get("/o/A/meetings/grid", {"year": 2024}).body
    assert [(r["code"], r["months"][4]) for r in grid] == [("A1", "GOOD"), ("A2", None)]
    assert [(r["quarters"], r["year"]) for r in grid] == [(["POOR"] * 4, "POOR")] * 2
    assert viewer.get("/o/A/meetings").body["count"] == 1
    assert viewer.get("/o/G/meetings").status_code == 404
    meeting_id = Meeting.objects.get().pk
    assert as_user("g", Role.VIEWER, w.g).get(f"/o/G/meetings/{meeting_id}").status_code == 404


def test_a_committee_issues_its_own_rubric_and_overlapping_thresholds_are_refused(w):
    admin = as_user("dangbo_a", Role.COMMITTEE_ADMIN, w.a)
    body = {
        "name": "Biểu chấm điểm của Đảng bộ A", "source": "Quyết định 15-QĐ/ĐU",
        "valid_from": "2025-01-01",
        "criteria": [{"title": "Chuẩn bị", "max_points": 40}, {"title": "Điều hành", "max_points": 60}],
        "levels": [
            {"level": "GOOD", "min_points": 75}, {"level": "FAIR", "min_points": 70, "below_points": 80},
            {"level": "AVERAGE", "min_points": 50, "below_points": 70},
            {"level": "POOR", "min_points": 0, "below_points": 50},
        ],
    }  # fmt: skip
    assert field_error(admin.post("/o/A/meetings/rubrics", body)) == {
        "levels": "Ngưỡng «Khá» và «Tốt» chồng lên nhau: một số điểm thuộc cả hai mức."
    }
    body["levels"][0]["min_points"] = 80
    created = admin.post("/o/A/meetings/rubrics", body)
    assert created.status_code == 201
    listed = admin.get("/o/A1/meetings/rubrics").body
    assert [r["owner_code"] for r in listed] == [None, None, "TOP", "A"]
    secretary = as_user("bithu", Role.CELL_SECRETARY, w.a1)
    assert secretary.post("/o/A/meetings/rubrics", body).status_code == 404  # above the cell
    officer = as_user("khac", Role.VIEWER, w.a)
    assert officer.post("/o/A/meetings/rubrics", body).status_code == 403
    visit = admin.post("/o/A/meetings/visits", {"visited_code": "A1", "visited_on": "2025-03-04"})
    assert (visit.status_code, visit.body["visited_name"]) == (201, "Chi bộ Phòng Kỹ thuật")
