"""The meeting API's rubric, assignment, visit and voiding endpoints, and the bulk recording of
many cells' meetings: per-item answers, partial refusals, idempotent resends, audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import as_user, field_error
from dangbo.meetings import services
from dangbo.meetings.models import Assignment, Meeting, Rubric, Visit
from dangbo.members.models import Member

from .factories import FAILS_MUST_PASS, FULL, build_world, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def _level_only(code, held_on, **extra):
    return {"organization_code": code, "kind": "REGULAR", "held_on": held_on,
            "level_only": True, "self_level": "GOOD", "counted_count": 4, "present_count": 4,
            **extra}  # fmt: skip


def test_bulk_records_each_item_answers_each_and_a_resend_duplicates_nothing(w):
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    items = [
        _level_only("A1", "2024-05-20", client_key="k-a1"),
        _level_only("A2", "2024-05-21", client_key="k-a2", present_count=9),
        _level_only("G", "2024-05-22", client_key="k-g"),
        {"organization_code": "A1", "kind": "THEMATIC", "held_on": "2024-05-25",
         "attendance": [{"member_id": m.pk, "status": "PRESENT"} for m in w.members],
         "self_points": FULL, "client_key": "k-a1-full"},
        _level_only("A1", "2024-05-27", client_key="k-a1-2"),
        _level_only("NOWHERE", "2024-05-22"),
    ]  # fmt: skip
    before = AuditEntry.objects.filter(action="meetings.recorded").count()
    first = upper.post("/o/TOP/meetings/bulk", {"meetings": items})
    assert first.status_code == 200, first.body
    body = first.body
    assert (body["created"], body["existing"], body["refused"]) == (4, 0, 2)
    by_index = {i["index"]: i for i in body["items"]}
    assert by_index[1]["errors"] == {
        "present_count": ["Số có mặt không được lớn hơn số đảng viên phải dự."]
    }
    assert by_index[5]["errors"] == {
        "organization_code": ["Không có chi bộ mã «NOWHERE» trong phạm vi Đảng ủy Khối Thử nghiệm."]
    }
    assert [f["code"] for f in by_index[4]["findings"]] == ["REGULAR_TWICE"]
    assert Meeting.objects.count() == 4
    assert Meeting.objects.get(pk=by_index[3]["id"]).self_score == 100
    assert AuditEntry.objects.filter(action="meetings.recorded").count() == before + 4
    # The answer was lost: the client sends the same list again.
    again = upper.post("/o/TOP/meetings/bulk", {"meetings": items}).body
    assert (again["created"], again["existing"], again["refused"]) == (0, 4, 2)
    assert [i["id"] for i in again["items"]] == [i["id"] for i in body["items"]]
    assert Meeting.objects.count() == 4
    assert AuditEntry.objects.filter(action="meetings.recorded").count() == before + 4


def test_bulk_refuses_what_one_meeting_refuses_and_stays_in_the_subtree(w):
    a_admin = as_user("dangbo_a", Role.COMMITTEE_ADMIN, w.a)
    future = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    body = a_admin.post("/o/A/meetings/bulk", {"meetings": [
        _level_only("A2", "2024-01-10"),  # before A2 was founded
        _level_only("A1", future),
        _level_only("G", "2024-05-22"),  # another subtree: not named
        _level_only("A1", "2024-05-20", self_level=""),
    ]}).body  # fmt: skip
    errors = [i["errors"] for i in body["items"]]
    assert "chưa thành lập" in errors[0]["held_on"][0]
    assert errors[1] == {"held_on": ["Ngày sinh hoạt không được ở tương lai."]}
    assert errors[2] == {
        "organization_code": ["Không có chi bộ mã «G» trong phạm vi Đảng bộ Công ty A."]
    }
    assert errors[3] == {"self_level": ["Cần chọn xếp loại chi bộ báo cáo."]}
    assert Meeting.objects.count() == 0
    outsider = as_user("chibo_g", Role.COMMITTEE_ADMIN, w.g)
    assert outsider.post("/o/A/meetings/bulk", {"meetings": [_level_only("A1", "2024-05-20")]}
                         ).status_code == 404  # fmt: skip
    viewer = as_user("xem", Role.VIEWER, w.top)
    assert viewer.post("/o/TOP/meetings/bulk", {"meetings": [_level_only("A1", "2024-05-20")]}
                       ).status_code == 403  # fmt: skip
    assert Meeting.objects.count() == 0


def test_void_meeting_and_rubric_through_the_api(w):
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    meeting = services.record_meeting(actor=None, cell=w.a1, kind="REGULAR",
                                      held_on=dt.date(2024, 5, 20), level_only=True,
                                      self_level="GOOD").meeting  # fmt: skip
    assert field_error(upper.post(f"/o/A1/meetings/{meeting.pk}/void", {"reason": ""}))
    voided = upper.post(f"/o/A1/meetings/{meeting.pk}/void", {"reason": "Ghi nhầm chi bộ"})
    assert voided.status_code == 200
    assert voided.body["is_voided"]
    assert AuditEntry.objects.filter(action="meetings.voided", target_id=str(meeting.pk)).exists()
    other = as_user("chibo_g", Role.COMMITTEE_ADMIN, w.g)
    assert other.post(f"/o/G/meetings/{meeting.pk}/void", {"reason": "x"}).status_code == 404

    rubric = upper.post("/o/A/meetings/rubrics", {
        "name": "Biểu riêng", "source": "QĐ 1", "valid_from": "2025-01-01",
        "criteria": [{"title": "Một", "max_points": 100}],
        "levels": [{"level": "GOOD", "min_points": 90}, {"level": "FAIR", "min_points": 70,
                    "below_points": 90}, {"level": "AVERAGE", "min_points": 50,
                    "below_points": 70}, {"level": "POOR", "min_points": 0, "below_points": 50}],
    })  # fmt: skip
    assert rubric.status_code == 201, rubric.body
    rid = rubric.body["id"]
    assert other.post(f"/o/G/meetings/rubrics/{rid}/void", {"reason": "x"}).status_code == 404
    # The template (no owner) and the committee above are not the organization's to void.
    a_admin = as_user("dangbo_a", Role.COMMITTEE_ADMIN, w.a)
    assert a_admin.post(f"/o/A/meetings/rubrics/{w.rubric.pk}/void",
                        {"reason": "x"}).status_code == 404  # fmt: skip
    done = a_admin.post(f"/o/A/meetings/rubrics/{rid}/void", {"reason": "Ban hành nhầm"})
    assert done.status_code == 200
    assert Rubric.objects.get(pk=rid).voided_reason == "Ban hành nhầm"
    assert AuditEntry.objects.filter(action="meetings.rubric_voided", target_id=str(rid)).exists()


def test_assignments_through_the_api(w):
    a_admin = as_user("dangbo_a", Role.COMMITTEE_ADMIN, w.a)
    member = w.members[0]
    # Not yet on the committee of A the day the assignment starts.
    assert field_error(a_admin.post("/o/A/meetings/assignments", {
        "member_id": member.pk, "cell_code": "A1", "started_on": "2024-01-02"})) == {
        "member": f"Ngày 02/01/2024 {member.full_name} không giữ chức vụ trong cấp ủy Đảng bộ "
                  "Công ty A (bí thư, phó bí thư, ủy viên ban thường vụ hoặc cấp ủy viên): chỉ "
                  "phân công cấp ủy viên phụ trách chi bộ."
    }  # fmt: skip
    seat(member, w.a, dt.date(2024, 1, 2))
    made = a_admin.post("/o/A/meetings/assignments", {
        "member_id": member.pk, "cell_code": "A1", "started_on": "2024-01-02",
        "decision_number": "12-QĐ/ĐU",
    })  # fmt: skip
    assert made.status_code == 201, made.body
    assert made.body["member_name"] == member.full_name
    assert field_error(a_admin.post("/o/A/meetings/assignments", {
        "member_id": member.pk, "cell_code": "A1", "started_on": "2024-02-02"})) == {
        "member": f"{member.full_name} đang được phân công phụ trách chi bộ này."
    }  # fmt: skip
    assert field_error(a_admin.post("/o/A/meetings/assignments", {
        "member_id": w.g_members[0].pk, "cell_code": "G", "started_on": "2024-02-02"})) == {
        "member_id": f"Không có đảng viên số {w.g_members[0].pk} trong Đảng bộ Công ty A.",
        "cell_code": "Không có chi bộ mã «G» thuộc Đảng bộ Công ty A.",
    }  # fmt: skip
    listed = a_admin.get("/o/A/meetings/assignments?current=true").body
    assert [i["id"] for i in listed["items"]] == [made.body["id"]]
    assert (
        as_user("g", Role.COMMITTEE_ADMIN, w.g).get("/o/A/meetings/assignments").status_code == 404
    )
    aid = made.body["id"]
    assert field_error(a_admin.post(f"/o/A/meetings/assignments/{aid}/end",
                                    {"ended_on": "2023-01-01"})) == {
        "ended_on": "Ngày kết thúc không thể trước ngày phân công."
    }  # fmt: skip
    ended = a_admin.post(f"/o/A/meetings/assignments/{aid}/end", {"ended_on": "2024-06-30"})
    assert ended.body["ended_on"] == "2024-06-30"
    assert Assignment.objects.get(pk=aid).ended_on == dt.date(2024, 6, 30)
    assert AuditEntry.objects.filter(action="meetings.assignment_ended").count() == 1


def test_visits_list_and_void_through_the_api(w):
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    made = upper.post("/o/TOP/meetings/visits", {"visited_code": "A1", "visited_on": "2024-05-20",
                                                "group_name": "Tổ công tác số 1"})  # fmt: skip
    assert made.status_code == 201
    vid = made.body["id"]
    assert [v["id"] for v in upper.get("/o/TOP/meetings/visits?year=2024").body["items"]] == [vid]
    assert upper.get("/o/TOP/meetings/visits?year=2023").body["items"] == []
    other = as_user("chibo_g", Role.COMMITTEE_ADMIN, w.g)
    assert other.post(f"/o/G/meetings/visits/{vid}/void", {"reason": "x"}).status_code == 404
    assert (
        upper.post(f"/o/TOP/meetings/visits/{vid}/void", {"reason": "Nhầm ngày"}).status_code == 200
    )
    assert Visit.objects.get(pk=vid).voided_at is not None
    assert upper.get("/o/TOP/meetings/visits").body["items"] == []
    assert upper.post(f"/o/TOP/meetings/visits/{vid}/void", {"reason": "x"}).status_code == 422


def test_bulk_flags_a_second_regular_meeting_recorded_later_in_the_month(w):
    services.record_meeting(actor=None, cell=w.a1, kind="REGULAR", held_on=dt.date(2024, 5, 28),
                            level_only=True, self_level="GOOD")  # fmt: skip
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    body = upper.post("/o/TOP/meetings/bulk", {"meetings": [_level_only("A1", "2024-05-10")]}).body
    assert body["created"] == 1
    assert [f["code"] for f in body["items"][0]["findings"]] == ["REGULAR_TWICE"]
    assert upper.post("/o/TOP/meetings/bulk", {"meetings": []}).body["items"] == []


def test_bulk_audits_each_meeting_written_and_nothing_for_a_refused_one_in_the_same_chunk(w):
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    items = [
        _level_only("A1", "2024-05-20", client_key="k-1", place="Hội trường"),
        _level_only("A2", "2024-05-21", client_key="k-2", counted_count=3, present_count=5),
        _level_only("G", "2024-05-22", client_key="k-3"),
    ]  # fmt: skip
    body = upper.post("/o/TOP/meetings/bulk", {"meetings": items}).body
    assert [(i["created"], bool(i["errors"])) for i in body["items"]] == [
        (True, False), (False, True), (True, False)
    ]  # fmt: skip
    assert not Meeting.objects.filter(organization=w.a2).exists()
    entries = AuditEntry.objects.filter(action="meetings.recorded").order_by("pk")
    assert [(e.target_id, e.org_path) for e in entries] == [
        (str(body["items"][0]["id"]), w.a1.path), (str(body["items"][2]["id"]), w.g.path)
    ]  # fmt: skip
    entry = entries[0]
    assert entry.actor.username == "khoi"
    assert entry.target_repr == "Sinh hoạt thường kỳ ngày 20/05/2024"
    # One compact entry: what the meeting holds, no empty field, the same values as a snapshot.
    assert entry.after == {
        "organization_id": w.a1.pk, "kind": "REGULAR", "held_on": "2024-05-20",
        "place": "Hội trường", "level_only": True, "counted_count": 4, "present_count": 4,
        "self_level": "GOOD", "self_scored_on": "2024-05-20", "level": "GOOD",
        "client_key": "k-1", "attendance": {},
    }  # fmt: skip
    meeting = Meeting.objects.get(pk=entry.target_id)
    assert (meeting.place, meeting.level, meeting.client_key) == ("Hội trường", "GOOD", "k-1")
    assert meeting.created_at is not None
    # The answer was lost: the same list again writes nothing, audits nothing, answers the same.
    again = upper.post("/o/TOP/meetings/bulk", {"meetings": items}).body
    assert [i["id"] for i in again["items"]] == [i["id"] for i in body["items"]]
    assert (again["created"], again["existing"], again["refused"]) == (0, 2, 1)
    assert AuditEntry.objects.filter(action="meetings.recorded").count() == 2
    assert Meeting.objects.count() == 2


def test_bulk_across_chunks_keeps_keys_and_findings_and_refreshes_the_radar(w, settings,
                                                                          monkeypatch):  # fmt: skip
    from dangbo.deadlines import store
    from dangbo.deadlines.models import OpenDeadline
    from dangbo.meetings import bulk
    from dangbo.meetings.deadlines import REGULAR_MISSING

    settings.DANGBO_DEADLINE_STORE = True
    monkeypatch.setattr(bulk, "CHUNK", 2)
    store.rebuild(timezone.localdate())
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    held = month.replace(day=10).isoformat()

    def missing(cell):
        return OpenDeadline.objects.filter(organization=cell, kind=REGULAR_MISSING,
                                           due_on=month).exists()  # fmt: skip

    assert missing(w.a1)
    assert missing(w.g)
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    items = [
        _level_only("A1", held, client_key="k-a"),
        _level_only("G", held, client_key="k-g", present_count=9),  # refused
        _level_only("A1", month.replace(day=12).isoformat(), client_key="k-b"),
        _level_only("A1", held, client_key="k-a"),  # the first item again, in another chunk
        _level_only("G", month.replace(day=14).isoformat(), client_key="k-g2"),
    ]  # fmt: skip
    body = upper.post("/o/TOP/meetings/bulk", {"meetings": items}).body
    assert (body["created"], body["existing"], body["refused"]) == (3, 1, 1)
    assert body["items"][3]["id"] == body["items"][0]["id"]
    assert "REGULAR_TWICE" in [f["code"] for f in body["items"][2]["findings"]]
    assert "REGULAR_TWICE" not in [f["code"] for f in body["items"][4]["findings"]]
    assert body["items"][1]["errors"] == {
        "present_count": ["Số có mặt không được lớn hơn số đảng viên phải dự."]
    }
    # The radar's stored rows follow: both cells held their month's regular meeting.
    assert not missing(w.a1)
    assert not missing(w.g)
    assert AuditEntry.objects.filter(action="meetings.recorded").count() == 3


def test_bulk_checks_attendance_and_points_as_one_record_does_and_writes_them_in_bulk(w):
    from django.core.exceptions import ValidationError

    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    m = w.members
    present = [{"member_id": x.pk, "status": "PRESENT"} for x in m]

    def full(held_on, **extra):
        return {"organization_code": "A1", "kind": "THEMATIC", "held_on": held_on,
                "attendance": present, "self_points": FULL, **extra}  # fmt: skip

    too_high = [11, 10, 20, 20, 10, 15, 15]
    twice = [*present, {"member_id": m[0].pk, "status": "PRESENT"}]
    excused = [{"member_id": m[0].pk, "status": "EXCUSED"}]
    items = [
        full("2024-05-20", client_key="f-1", chair_id=m[1].pk, place=" Phòng họp "),
        full("2024-05-21", self_points=too_high),
        full("2024-05-22", attendance=twice),
        full("2024-05-23", attendance=excused, self_points=None),
        full("2024-05-24", attendance=[{"member_id": w.g_members[0].pk, "status": "PRESENT"}]),
        _level_only("G", "2024-05-22", client_key="g-1"),
        full("2024-05-20", client_key="f-1", chair_id=m[1].pk),  # the first again
        full("2024-05-25", self_points=FAILS_MUST_PASS, client_key="f-2"),
    ]  # fmt: skip
    body = upper.post("/o/TOP/meetings/bulk", {"meetings": items}).body
    by_index = {i["index"]: i for i in body["items"]}
    assert (body["created"], body["existing"], body["refused"]) == (3, 1, 4)
    # Each refusal is the one the single record gives for the same entry.
    for index, marks, points in ((1, present, too_high), (2, twice, FULL), (3, excused, None)):
        with pytest.raises(ValidationError) as refused:
            services.record_meeting(
                actor=None, cell=w.a1, kind="THEMATIC", held_on=dt.date(2024, 5, 21 + index - 1),
                attendance=[services.Mark(Member.objects.get(pk=x["member_id"]), x["status"])
                            for x in marks],
                self_points=points,
            )  # fmt: skip
        assert by_index[index]["errors"] == refused.value.message_dict
    assert by_index[4]["errors"] == {"attendance": [
        f"Đảng viên số {w.g_members[0].pk} không có trong danh sách của chi bộ ngày 24/05/2024: "
        "không điểm danh được."
    ]}  # fmt: skip
    assert by_index[6]["id"] == by_index[0]["id"]
    assert not by_index[6]["created"]
    written = Meeting.objects.get(pk=by_index[0]["id"])
    assert (written.self_score, written.level, written.rubric, written.chair) == (
        100, "GOOD", w.rubric, m[1]
    )  # fmt: skip
    assert written.place == "Phòng họp"
    assert sorted(written.attendances.values_list("member_id", "status")) == sorted(
        (x.pk, "PRESENT") for x in m
    )  # fmt: skip
    assert [s.self_points for s in written.scores.order_by("criterion__position")] == FULL
    failing = Meeting.objects.get(pk=by_index[7]["id"])
    assert failing.level == services.level_of(w.rubric, FAILS_MUST_PASS)
    # Nothing of a refused item: only the three meetings written, each audited once.
    assert Meeting.objects.count() == 3
    entries = {e.target_id: e for e in AuditEntry.objects.filter(action="meetings.recorded")}
    assert set(entries) == {str(by_index[k]["id"]) for k in (0, 5, 7)}
    after = entries[str(written.pk)].after
    assert after["attendance"] == {str(x.pk): "PRESENT" for x in m}
    assert after["self_points"] == [f"{p}.0" for p in FULL]
    assert (after["self_score"], after["chair_id"], after["rubric_id"]) == (
        "100.0", m[1].pk, w.rubric.pk
    )  # fmt: skip


def test_bulk_reads_once_per_chunk_whatever_the_number_of_items(w):
    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    present = [{"member_id": x.pk, "status": "PRESENT"} for x in w.members]

    def items(count):
        return [{"organization_code": "A1", "kind": "THEMATIC",
                 "held_on": f"2024-0{1 + i // 28}-{1 + i % 28:02d}", "attendance": present,
                 "self_points": FULL} for i in range(count)]  # fmt: skip

    upper.post("/o/TOP/meetings/bulk", {"meetings": items(1)})  # the request's own first reads
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert upper.post("/o/TOP/meetings/bulk", {"meetings": items(2)}).body["created"] == 2
    with CaptureQueriesContext(connection) as many:
        assert upper.post("/o/TOP/meetings/bulk", {"meetings": items(40)}).body["created"] == 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_more_present_than_counted_is_a_field_error_with_or_without_a_list(w):
    from django.core.exceptions import ValidationError

    upper = as_user("khoi", Role.COMMITTEE_ADMIN, w.top)
    error = {"present_count": ["Số có mặt không được lớn hơn số đảng viên phải dự."]}
    figures = {"organization_code": "A1", "kind": "REGULAR", "held_on": "2024-05-20",
               "counted_count": 3, "present_count": 5}  # fmt: skip
    listed = {**figures, "attendance": [{"member_id": w.members[0].pk, "status": "PRESENT"}]}
    body = upper.post("/o/TOP/meetings/bulk", {"meetings": [figures, listed]}).body
    assert [i["errors"] for i in body["items"]] == [error, error]
    with pytest.raises(ValidationError) as refused:
        services.record_meeting(actor=None, cell=w.a1, kind="REGULAR",
                                held_on=dt.date(2024, 5, 20), counted_count=3, present_count=5)  # fmt: skip
    assert refused.value.message_dict == error
    assert Meeting.objects.count() == 0
