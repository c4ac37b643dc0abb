"""The meetings module's sheets: rubrics, visits, assignments, meetings, attendance and scores.

Recorded through the module's services, exported with the subtree, imported back into an
empty installation: every row again, the levels derived again; a file breaking the services'
rules is refused with the rule's message and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.exchange.records import meetings as sheets
from dangbo.exchange.services import import_exchange
from dangbo.meetings import services
from dangbo.meetings.models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Level,
    Meeting,
    MeetingKind,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Score,
    Visit,
)
from dangbo.meetings.seed import BINH_THUAN_BLOC
from dangbo.members import services as member_services
from dangbo.members.models import Position
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .helpers import edit_workbook, export_bytes, wipe, write_file

pytestmark = pytest.mark.django_db

D = dt.date
P = Decimal
TITLES = {s.key_name: s.spec.title for s in sheets.SHEETS}
FULL = [P(10), P(10), P(20), P(20), P(10), P(15), P(15)]  # 100: Tốt


def build_meetings_world() -> dict[str, Any]:
    """A đảng bộ with two cells, its own rubric (a copy of a template) and a year of meetings."""
    since = {"established_on": D(1980, 1, 1)}
    top = bloc(code="K", name="Đảng ủy Khối K", **since)
    d = dang_bo(top, code="D", name="Đảng bộ Công ty D", **since)
    d1 = dependent_cell(d, code="D1", name="Chi bộ Một", **since)
    d2 = dependent_cell(d, code="D2", name="Chi bộ Hai", **since)
    secretary = MemberFactory(organization=d1, full_name="Nguyễn Văn Thư")
    others = [MemberFactory(organization=d1, full_name=f"Trần Văn {n}") for n in ("An", "Bình")]
    follower = MemberFactory(organization=d2, full_name="Lê Thị Phụ Trách", sex="F")
    template = Rubric.objects.get(owner=None, source=BINH_THUAN_BLOC["source"])
    rubric = services.adopt_rubric(
        actor=None, template=template, owner=d, valid_from=D(2024, 1, 1),
        source="Hướng dẫn 05-HD/ĐU của Đảng ủy Công ty D",
    )  # fmt: skip
    own = services.create_rubric(
        actor=None, owner=d, name="Biểu riêng 2020", source="Quyết định 01-QĐ/ĐU",
        valid_from=D(2020, 1, 1), valid_until=D(2024, 1, 1),
        criteria=[("Chuẩn bị", P("40.5"), False), ("Điều hành", P("59.5"), True)],
        levels=[("GOOD", 90, None, True), ("FAIR", 70, 90, False), ("AVERAGE", 50, 70, False),
                ("POOR", 0, 50, False)],
    )  # fmt: skip
    visit = services.record_visit(
        actor=None, organization=d, visited=d1, visited_on=D(2025, 3, 12),
        group_name="Tổ công tác số 2", participants="Đ/c Hùng, đ/c Lan",
    )  # fmt: skip
    member_services.assign_position(
        actor=None, member=follower, title=Position.Title.COMMITTEE_MEMBER, organization=d,
        started_on=D(2023, 12, 1),
    )  # fmt: skip
    services.assign_member(
        actor=None, member=follower, committee=d, cell=d1, started_on=D(2024, 1, 5),
        decision_number="12-QĐ/ĐU",
    )  # fmt: skip
    marks = [
        services.Mark(secretary, AttendanceStatus.PRESENT),
        services.Mark(others[0], AttendanceStatus.EXCUSED, "Ốm"),
        services.Mark(others[1], AttendanceStatus.UNEXCUSED),
    ]
    march = services.record_meeting(
        actor=None, cell=d1, kind=MeetingKind.COMBINED, held_on=D(2025, 3, 12),
        start_time=dt.time(7, 30), end_time=dt.time(9, 45), place="Hội trường",
        chair=secretary, minute_taker=others[0], topic="Học tập chuyên đề năm 2025",
        content="Đánh giá tháng\nChuyên đề", conclusions="Thống nhất", resolution_number="3-NQ/CB",
        documents="Dự thảo nghị quyết", guests="Đại diện công đoàn", visit=visit,
        attendance=marks, self_points=FULL,
    ).meeting  # fmt: skip
    # The upper level lowers one criterion: Khá (a must-pass criterion short), with its reason.
    services.confirm_score(
        actor=None, meeting=march, confirmed_by=d, confirmed_on=D(2025, 3, 30),
        points=[P(10), P(10), P(20), P("14.5"), P(10), P(15), P(15)],
        reason="Thảo luận chưa sâu",
    )  # fmt: skip
    april = services.record_meeting(
        actor=None, cell=d1, kind=MeetingKind.REGULAR, held_on=D(2025, 4, 10),
        upper_attendee=follower, attendance=marks[:1],
        self_points=[P(10), P(10), P(15), P(20), P(10), P(10), P(5)],
    ).meeting  # fmt: skip
    services.confirm_score(actor=None, meeting=april, confirmed_by=d, level=Level.FAIR,
                           confirmed_on=D(2025, 4, 20))  # fmt: skip
    # Under the 2020 rubric (half points).
    services.record_meeting(
        actor=None, cell=d1, kind=MeetingKind.REGULAR, held_on=D(2022, 6, 9),
        self_points=[P("35.5"), P("59.5")],
    )  # fmt: skip
    # A cell reporting only its figures and its level.
    services.record_meeting(
        actor=None, cell=d2, kind=MeetingKind.REGULAR, held_on=D(2025, 3, 5), level_only=True,
        counted_count=12, present_count=11, self_level=Level.FAIR,
    )  # fmt: skip
    wrong = services.record_meeting(
        actor=None, cell=d2, kind=MeetingKind.REGULAR, held_on=D(2025, 4, 5), level_only=True,
        counted_count=12, present_count=12, self_level=Level.GOOD,
    ).meeting  # fmt: skip
    services.void_meeting(actor=None, meeting=wrong, reason="Ghi nhầm chi bộ")
    return {"d": d, "rubric": rubric, "own": own, "march": march, "others": others,
            "follower": follower, "secretary": secretary}  # fmt: skip


def _meetings_rows() -> dict[str, list[tuple]]:
    """Every meetings row by its meaningful fields, with codes and UIDs for the links."""

    def code(org):
        return org.code if org else None

    def uid(member):
        return str(member.uid) if member else None

    def rubric_name(r):
        return (code(r.owner), r.valid_from) if r else None

    return {
        "rubrics": sorted(
            (
                code(r.owner),
                r.name,
                r.source,
                r.valid_from,
                r.valid_until,
                r.template_of.source if r.template_of else None,
                r.voided_reason,
            )
            for r in Rubric.objects.filter(owner__isnull=False)
        ),
        "criteria": sorted(
            (rubric_name(c.rubric), c.position, c.title, c.max_points, c.must_pass)
            for c in RubricCriterion.objects.filter(rubric__owner__isnull=False)
        ),
        "levels": sorted(
            (rubric_name(b.rubric), b.level, b.min_points, b.below_points, b.requires_must_pass)
            for b in RubricLevel.objects.filter(rubric__owner__isnull=False)
        ),
        "visits": sorted(
            (
                code(v.organization),
                code(v.visited),
                v.visited_on,
                v.group_name,
                v.participants,
                v.note,
                v.voided_reason,
            )
            for v in Visit.objects.all()
        ),
        "assignments": sorted(
            (
                uid(a.member),
                code(a.committee),
                code(a.cell),
                a.started_on,
                a.ended_on,
                a.decision_number,
            )
            for a in Assignment.objects.all()
        ),
        "meetings": sorted(
            (
                code(m.organization),
                m.held_on,
                m.kind,
                m.start_time,
                m.end_time,
                m.place,
                uid(m.chair),
                uid(m.minute_taker),
                m.topic,
                m.content,
                m.conclusions,
                m.resolution_number,
                m.documents,
                m.guests,
                uid(m.upper_attendee),
                (code(m.visit.visited), m.visit.visited_on) if m.visit else None,
                m.level_only,
                m.counted_count,
                m.present_count,
                rubric_name(m.rubric),
                m.self_score,
                m.self_level,
                m.self_scored_on,
                m.confirmed_score,
                m.confirmed_level,
                m.confirmed_on,
                code(m.confirmed_by),
                m.adjustment_reason,
                m.level,
                m.voided_at is not None,
                m.voided_reason,
            )
            for m in Meeting.objects.all()
        ),
        "attendance": sorted(
            (
                code(a.meeting.organization),
                a.meeting.held_on,
                uid(a.member),
                a.status,
                a.reason,
                a.transferred_in,
            )
            for a in Attendance.objects.all()
        ),
        "scores": sorted(
            (
                code(s.meeting.organization),
                s.meeting.held_on,
                rubric_name(s.criterion.rubric),
                s.criterion.position,
                s.self_points,
                s.confirmed_points,
            )
            for s in Score.objects.all()
        ),
    }


def test_every_meetings_row_round_trips(tmp_path):
    build_meetings_world()
    before = _meetings_rows()
    assert len(before["meetings"]) == 5
    assert len(before["scores"]) == 7 + 7 + 2
    content = export_bytes("D")
    wipe()
    assert Meeting.objects.count() == 0
    assert Rubric.objects.filter(owner=None).count() == 2
    path = write_file(tmp_path, content)
    dry = import_exchange(path, actor=None, dry_run=True)
    assert dry.errors == [], dry.errors
    assert Meeting.objects.count() == 0
    result = import_exchange(path, actor=None, dry_run=False)
    assert result.errors == [], result.errors
    counts = {"meeting_rubrics": 2, "rubric_criteria": 9, "rubric_levels": 8, "meeting_visits": 1,
              "meeting_assignments": 1, "meetings": 5, "meeting_attendance": 4,
              "meeting_scores": 16}  # fmt: skip
    for key, count in counts.items():
        assert result.counts[TITLES[key]]["created"] == count, key
    assert _meetings_rows() == before
    # The scored meeting: the upper level's Khá over the cell's Tốt, both kept.
    march = Meeting.objects.get(held_on=D(2025, 3, 12))
    assert (march.self_level, march.confirmed_level, march.level) == ("GOOD", "FAIR", "FAIR")
    assert march.confirmed_score == P("94.5")
    assert march.rubric.template_of.source == BINH_THUAN_BLOC["source"]
    assert export_bytes("D") == content
    for sheet in sheets.SHEETS:
        assert AuditEntry.objects.filter(action=sheet.action).count() == counts[sheet.key_name]
    # Again: everything unchanged.
    again = import_exchange(path, actor=None, dry_run=True)
    assert again.errors == [], again.errors
    assert all(again.counts[TITLES[k]]["created"] == 0 for k in counts)


def _refused(tmp_path, content: bytes) -> list:
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert Meeting.objects.count() == 0
    assert Score.objects.count() == 0
    assert Rubric.objects.filter(owner__isnull=False).count() == 0
    assert not result.written
    return result.errors


def _edit(content: bytes, title: str, where: dict[str, Any], header: str, value: Any) -> bytes:
    def edits(workbook):
        ws = workbook[title]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            cells = dict(zip(headers, row, strict=False))
            if all(_same(cells[h].value, v) for h, v in where.items()):
                cells[header].value = value
                return
        raise AssertionError(f"no row {where} in {title}")

    return edit_workbook(content, edits)


def _same(cell: Any, value: Any) -> bool:
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    return cell == value


def test_points_above_a_criterion_maximum_are_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meeting_scores"],
        {"Ngày sinh hoạt (buổi sinh hoạt)": D(2025, 4, 10), "Thứ tự tiêu chí": 1},
        "Điểm tự chấm", 12.5,
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any(
        "Số lượng đảng viên dự sinh hoạt" in e.message and "vượt điểm tối đa 10" in e.message
        and e.sheet == TITLES["meeting_scores"]
        for e in errors
    ), errors  # fmt: skip


def test_attendance_of_someone_not_in_the_cell_that_day_is_refused(tmp_path):
    world = build_meetings_world()
    follower = str(world["follower"].uid)  # a member of D2, not of D1
    content = _edit(
        export_bytes("D"), TITLES["meeting_attendance"],
        {"Ngày sinh hoạt (buổi sinh hoạt)": D(2025, 4, 10)}, "Mã hồ sơ đảng viên (UID)", follower,
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any("không phải đảng viên của chi bộ ngày 10/04/2025" in e.message for e in errors), (
        errors
    )


def test_a_meeting_before_the_cell_existed_is_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meetings"],
        {"Mã chi bộ": "D2", "Ngày sinh hoạt": D(2025, 3, 5)}, "Ngày sinh hoạt", "05/03/1979",
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any(
        "chưa thành lập hoặc đã giải thể" in e.message and e.column == "Ngày sinh hoạt"
        for e in errors
    ), errors


def test_a_level_the_points_contradict_is_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meetings"],
        {"Mã chi bộ": "D1", "Ngày sinh hoạt": D(2022, 6, 9)}, "Mã chi bộ tự xếp loại", "POOR",
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any("xếp loại là «Tốt», không phải «Kém»" in e.message for e in errors), errors


def test_overlapping_thresholds_are_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["rubric_levels"],
        {"Áp dụng từ ngày (biểu chấm điểm)": D(2020, 1, 1), "Mã xếp loại": "FAIR"},
        "Đến dưới điểm", 95,
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any("Ngưỡng xếp loại" in e.message for e in errors), errors


def test_a_template_unknown_here_is_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meeting_rubrics"], {"Áp dụng từ ngày": D(2024, 1, 1)},
        "Văn bản của biểu mẫu gốc", "Quy định không có",
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any("Không có biểu mẫu công bố" in e.message for e in errors), errors


def test_a_cell_file_carries_the_rubric_of_the_committee_above(tmp_path):
    build_meetings_world()
    before = _meetings_rows()
    content = export_bytes("D1")
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    # D's two rubrics come for reference: the scores of D1's meetings are placed on them.
    after = _meetings_rows()
    assert after["rubrics"] == before["rubrics"]
    assert after["scores"] == before["scores"]
    assert after["meetings"] == [m for m in before["meetings"] if m[0] == "D1"]


def _two_on_one_day(world: dict[str, Any]) -> tuple[Meeting, Meeting]:
    """Two extraordinary meetings of D1 on one day, with different lists and points."""
    secretary, (an, binh) = world["secretary"], world["others"]
    morning = services.record_meeting(
        actor=None, cell=world["march"].organization, kind=MeetingKind.EXTRAORDINARY,
        held_on=D(2025, 5, 6), start_time=dt.time(8, 0), end_time=dt.time(9, 30),
        attendance=[services.Mark(secretary, AttendanceStatus.PRESENT),
                    services.Mark(an, AttendanceStatus.PRESENT)],
        self_points=FULL,
    ).meeting  # fmt: skip
    afternoon = services.record_meeting(
        actor=None, cell=world["march"].organization, kind=MeetingKind.EXTRAORDINARY,
        held_on=D(2025, 5, 6), start_time=dt.time(14, 0), end_time=dt.time(15, 45),
        attendance=[services.Mark(an, AttendanceStatus.EXCUSED, "Đi công tác"),
                    services.Mark(binh, AttendanceStatus.UNEXCUSED)],
        self_points=[P(10), P(10), P(15), P(20), P(10), P(10), P(5)],
    ).meeting  # fmt: skip
    return morning, afternoon


def _lists(meeting: Meeting) -> tuple:
    return (
        meeting.start_time,
        sorted((a.member.full_name, a.status) for a in meeting.attendances.all()),
        [s.self_points for s in meeting.scores.order_by("criterion__position")],
        meeting.self_level,
    )


def test_two_meetings_of_one_kind_on_one_day_keep_their_lists_and_points(tmp_path):
    world = build_meetings_world()
    morning, afternoon = _two_on_one_day(world)
    before = {m.start_time: _lists(m) for m in (morning, afternoon)}
    assert before[dt.time(8, 0)][3] != before[dt.time(14, 0)][3]
    content = export_bytes("D")
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    again = Meeting.objects.filter(held_on=D(2025, 5, 6))
    assert {m.start_time: _lists(m) for m in again} == before
    assert export_bytes("D") == content


def _without_start_time(content: bytes) -> bytes:
    """The file as written before the attendance and score rows named a meeting's start time."""

    def edits(workbook):
        for key in ("meeting_attendance", "meeting_scores"):
            ws = workbook[TITLES[key]]
            headers = [c.value for c in ws[1]]
            ws.delete_cols(headers.index("Bắt đầu (buổi sinh hoạt)") + 1)

    return edit_workbook(content, edits)


def test_an_older_file_without_the_start_time_still_names_the_only_meeting(tmp_path):
    build_meetings_world()
    before = _meetings_rows()
    content = _without_start_time(export_bytes("D"))
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert _meetings_rows() == before
    # Read again over what it wrote: nothing new, nothing different.
    again = import_exchange(write_file(tmp_path, content), actor=None, dry_run=True)
    assert again.errors == [], again.errors
    assert again.counts[TITLES["meeting_attendance"]]["created"] == 0
    assert again.counts[TITLES["meeting_scores"]]["created"] == 0


def test_an_older_file_naming_one_of_two_meetings_of_a_day_is_refused(tmp_path):
    world = build_meetings_world()
    _two_on_one_day(world)
    content = _without_start_time(export_bytes("D"))
    errors = _refused(tmp_path, content)
    ambiguous = [e for e in errors if "không xác định được bản ghi" in e.message]
    assert {e.sheet for e in ambiguous} == {TITLES["meeting_attendance"], TITLES["meeting_scores"]}
    assert all(
        e.row and "Có nhiều buổi sinh hoạt cùng thông tin này" in e.message
        and "Ghi «Bắt đầu (buổi sinh hoạt)» để phân biệt." in e.message
        for e in ambiguous
    ), ambiguous  # fmt: skip


def _local(moment: dt.datetime) -> tuple:
    return timezone.localtime(moment).timetuple()[:5]


def test_the_documents_sending_time_travels_to_the_minute(tmp_path):
    from dangbo.meetings.selectors import meeting_findings

    world = build_meetings_world()
    cell = world["march"].organization

    def late(meeting: Meeting) -> bool:
        found = meeting_findings(meeting, today=D(2026, 2, 1))
        return any(f.code == "DOCUMENTS_LATE" for f in found)

    sent = {  # the day's meeting starts at 07:30; the documents went out the day before at…
        D(2025, 11, 12): (2025, 11, 11, 7, 30, 0),  # 1 day ahead exactly: in time
        D(2025, 12, 10): (2025, 12, 9, 9, 0, 0),  # under a day: late
        D(2026, 1, 14): (2026, 1, 13, 7, 30, 30),  # half a minute short: late
    }
    for held_on, at in sent.items():
        services.record_meeting(
            actor=None, cell=cell, kind=MeetingKind.REGULAR, held_on=held_on,
            start_time=dt.time(7, 30), end_time=dt.time(9, 30), documents="Dự thảo",
            documents_sent_at=dt.datetime(*at, tzinfo=timezone.get_current_timezone()),
        )  # fmt: skip
    before = {m.held_on: late(m) for m in Meeting.objects.filter(held_on__in=sent)}
    assert before == {D(2025, 11, 12): False, D(2025, 12, 10): True, D(2026, 1, 14): True}
    content = export_bytes("D")
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    after = {m.held_on: m for m in Meeting.objects.filter(held_on__in=sent)}
    assert {day: late(m) for day, m in after.items()} == before
    assert _local(after[D(2025, 12, 10)].documents_sent_at) == (2025, 12, 9, 9, 0)
    assert export_bytes("D") == content


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("09/12/2025 9:05", (2025, 12, 9, 9, 5)),
        ("09/12/2025", (2025, 12, 9, 0, 0)),  # a file from when only the day travelled
        (dt.datetime(2025, 12, 9, 9, 5), (2025, 12, 9, 9, 5)),  # noqa: DTZ001 (a cell: no zone)
    ],
)
def test_a_documents_sending_time_is_read_as_vietnam_time(tmp_path, cell, stored):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meetings"],
        {"Mã chi bộ": "D1", "Ngày sinh hoạt": D(2025, 4, 10)}, "Thời điểm gửi tài liệu", cell,
    )  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert _local(Meeting.objects.get(held_on=D(2025, 4, 10)).documents_sent_at) == stored


def test_a_documents_sending_time_that_is_no_time_is_refused(tmp_path):
    build_meetings_world()
    content = _edit(
        export_bytes("D"), TITLES["meetings"],
        {"Mã chi bộ": "D1", "Ngày sinh hoạt": D(2025, 4, 10)}, "Thời điểm gửi tài liệu",
        "09/12/2025 25:00",
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert any(
        e.column == "Thời điểm gửi tài liệu" and "dd/mm/yyyy hh:mm" in e.message for e in errors
    ), errors


def test_a_criterion_without_points_is_refused_by_the_rubric_rule_itself(tmp_path):
    from dangbo.core.errors import DomainError
    from dangbo.meetings import rules

    [why] = rules.criterion_problems("Chuẩn bị", P(0)).values()
    world = build_meetings_world()
    with pytest.raises(DomainError) as refused:
        services.create_rubric(
            actor=None, owner=world["d"], name="Biểu lỗi", source="QĐ 9", valid_from=D(2030, 1, 1),
            criteria=[("Chuẩn bị", 100, False), ("Điều hành", 0, False)],
            levels=[("GOOD", 90, None, False), ("FAIR", 70, 90, False),
                    ("AVERAGE", 50, 70, False), ("POOR", 0, 50, False)],
        )  # fmt: skip
    assert refused.value.message_dict == {"criteria": [f"Tiêu chí thứ 2: {why}"]}
    content = _edit(
        export_bytes("D"), TITLES["rubric_criteria"],
        {"Áp dụng từ ngày (biểu chấm điểm)": D(2020, 1, 1), "Thứ tự": 1}, "Điểm tối đa", 0,
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert [(e.sheet, e.column, e.message) for e in errors if e.message == why] == [
        (TITLES["rubric_criteria"], "Điểm tối đa", why)
    ], errors


def test_an_assignment_of_someone_not_on_the_committee_that_day_is_refused(tmp_path):
    build_meetings_world()  # the follower sits on D's committee from 01/12/2023
    content = _edit(
        export_bytes("D"), TITLES["meeting_assignments"], {"Mã chi bộ phụ trách": "D1"},
        "Từ ngày", "30/11/2023",
    )  # fmt: skip
    errors = _refused(tmp_path, content)
    assert [
        (e.sheet, e.column) for e in errors if "không giữ chức vụ trong cấp ủy" in e.message
    ] == [(TITLES["meeting_assignments"], "Mã hồ sơ cấp ủy viên (UID)")], errors
    assert Assignment.objects.count() == 0


def test_record_sheets_sorted_in_runs_give_the_same_file(monkeypatch):
    """A long record sheet is sorted in runs kept in temporary files and merged: the file is
    the same as sorted in one go, and a sheet's rows can be read before the sheet it names."""
    from dangbo.exchange import exporting

    build_meetings_world()
    content = export_bytes("D")
    monkeypatch.setattr(exporting, "RUN_ROWS", 2)
    monkeypatch.setattr(exporting, "RUN_BLOCK", 1)
    monkeypatch.setattr(exporting, "IDS_PER_QUERY", 1)
    assert export_bytes("D") == content
    cell = Organization.objects.get(code="D")
    # The attendance read first names its meetings before their sheet is made.
    alone = list(exporting.collect(cell).rows_of("meeting_attendance"))
    assert len(alone) == 4
    in_order = exporting.collect(cell)
    assert len(list(in_order.rows_of("meetings"))) == 5
    assert list(in_order.rows_of("meeting_attendance")) == alone


def test_the_names_of_thousands_of_imported_rows_are_read_in_chunks(django_assert_max_num_queries):
    """The audit of an imported sheet reads what its records name; for a province's
    attendance that is thousands of members, whose one list of keys SQLite refuses as too
    deep an expression."""
    from dangbo.exchange.records.importing import prefetch_in_chunks

    top = bloc(code="K", name="Đảng ủy Khối K", established_on=D(1980, 1, 1))
    cell = dependent_cell(dang_bo(top, code="D"), code="D1")
    member = MemberFactory(organization=cell)
    rows = [Attendance(meeting_id=1, member_id=member.pk + i) for i in range(2_600)]
    with django_assert_max_num_queries(6):
        prefetch_in_chunks(rows, "member")
    assert all(Attendance.member.is_cached(r) for r in rows)  # read, none of them again
    assert [r.member for r in rows if r._state.fields_cache["member"]] == [member]
