"""Recording and confirming meetings, rubrics, assignments and visits: refusals word for word,
nothing written on a refusal, one audit entry per write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.meetings import months, selectors, services
from dangbo.meetings.models import Assignment, Attendance, Meeting, Rubric, Score
from dangbo.meetings.models import AttendanceStatus as S
from dangbo.meetings.models import MeetingKind as K
from dangbo.meetings.services import Mark
from dangbo.members.striking import striking_candidates
from dangbo.members.tests.factories import MemberFactory
from dangbo.regulations.models import Setting

from .factories import FAILS_MUST_PASS, FULL, build_world, seat

pytestmark = pytest.mark.django_db
d = dt.date
T = dt.time


@pytest.fixture
def w():
    return build_world()


def _record(w, held_on=None, **kw):
    held_on = held_on or d(2024, 5, 20)
    marks = kw.pop("attendance", [Mark(m, S.PRESENT) for m in w.members])
    kw.setdefault("kind", K.REGULAR)
    return services.record_meeting(
        actor=None, cell=kw.pop("cell", w.a1), held_on=held_on, start_time=T(8, 0),
        end_time=T(10, 0), attendance=marks, **kw,
    )  # fmt: skip


def _counts():
    return (Meeting.objects.count(), Attendance.objects.count(), Score.objects.count(),
            AuditEntry.objects.filter(action__startswith="meetings.").count())  # fmt: skip


def test_meeting_with_attendance_and_self_score_is_recorded_in_one_call(w):
    done = _record(w, self_points=FULL, chair=w.members[0], minute_taker=w.members[1])
    m = done.meeting
    assert (m.self_score, m.self_level, m.level, m.self_scored_on) == (
        Decimal(100),
        "GOOD",
        "GOOD",
        d(2024, 5, 20),
    )
    assert m.rubric == w.rubric
    assert m.attendances.count() == 4
    assert m.scores.count() == 7
    assert done.findings == []
    entry = AuditEntry.objects.get(action="meetings.recorded")
    assert entry.org_path == w.a1.path
    assert entry.after["self_points"][0] == "10.0"


def test_must_pass_short_gives_fair(w):
    m = _record(w, self_points=FAILS_MUST_PASS).meeting
    assert (m.self_score, m.level) == (Decimal(91), "FAIR")


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"cell_": "a2", "held_on": d(2024, 2, 29)}, "held_on",
         "Ngày 29/02/2024 chi bộ chưa thành lập hoặc đã giải thể (thành lập 01/03/2024): không "
         "ghi được buổi sinh hoạt."),
        ({"outsider": True}, "attendance",
         "Phạm Văn Dũng không phải đảng viên của chi bộ ngày 20/05/2024: không điểm danh được."),
        ({"self_points": [11, 10, 20, 20, 10, 15, 15]}, "self_points",
         "Điểm tiêu chí «Số lượng đảng viên dự sinh hoạt» (11,0) vượt điểm tối đa 10,0."),
        ({"excused_without_reason": True}, "attendance",
         "Cần ghi lý do vắng hoặc không tính của Nguyễn Văn An."),
        ({"self_points": FULL, "self_level": "FAIR"}, "self_level",
         "Tổng 100,0 điểm theo «Biểu chấm điểm sinh hoạt chi bộ hằng tháng (khối, Bình Thuận)» là "
         "mức «Tốt», không phải «Khá»."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_rule_and_nothing_is_written(w, kw, field, message):
    before = _counts()
    if kw.pop("outsider", False):
        kw["attendance"] = [Mark(w.g_members[0], S.PRESENT)]
    if kw.pop("excused_without_reason", False):
        kw["attendance"] = [Mark(w.members[0], S.EXCUSED)]
    if "cell_" in kw:
        kw["cell"] = getattr(w, kw.pop("cell_"))
        kw["attendance"] = []
    with pytest.raises(DomainError) as exc:
        _record(w, **kw)
    assert exc.value.message_dict == {field: [message]}
    assert _counts() == before


def test_second_regular_meeting_in_a_month_is_kept_and_flagged(w):
    _record(w)
    second = _record(w, held_on=d(2024, 5, 27))
    # Recorded long after, without a self-score: that is late too.
    assert [f.code for f in second.findings] == ["REGULAR_TWICE", "SELF_SCORE_LATE"]
    assert "Có 2 buổi sinh hoạt thường kỳ trong tháng 05/2024" in (
        AuditEntry.objects.filter(action="meetings.recorded").latest("id").note
    )


def test_resend_with_the_same_client_key_is_not_a_duplicate(w):
    first = _record(w, client_key="abc-1").meeting
    again = _record(w, client_key="abc-1").meeting
    assert again.pk == first.pk
    assert Meeting.objects.count() == 1


def test_level_only_record_carries_counts(w):
    m = services.record_meeting(
        actor=None, cell=w.g, kind=K.REGULAR, held_on=d(2024, 5, 10), level_only=True,
        self_level="FAIR", counted_count=10, present_count=9,
    ).meeting  # fmt: skip
    assert (m.level, m.self_score, m.attendances.count()) == ("FAIR", None, 0)


def test_upper_level_confirms_with_a_reason_and_both_scores_are_kept(w):
    m = _record(w, self_points=FULL).meeting
    with pytest.raises(DomainError) as exc:
        services.confirm_score(actor=None, meeting=m, confirmed_by=w.a, points=FAILS_MUST_PASS,
                               confirmed_on=d(2024, 6, 5))  # fmt: skip
    assert exc.value.message_dict == {
        "reason": ["Điểm xác nhận khác điểm chi bộ tự chấm: cần ghi lý do."]
    }
    with pytest.raises(DomainError):
        services.confirm_score(actor=None, meeting=m, confirmed_by=w.a1, level="GOOD")
    services.confirm_score(actor=None, meeting=m, confirmed_by=w.a, points=FAILS_MUST_PASS,
                           reason="Biên bản thiếu chữ ký", confirmed_on=d(2024, 6, 5))  # fmt: skip
    m.refresh_from_db()
    assert (m.self_level, m.confirmed_level, m.level, m.confirmed_score) == (
        "GOOD",
        "FAIR",
        "FAIR",
        Decimal(91),
    )
    assert [s.confirmed_points for s in m.scores.order_by("criterion__position")][-1] == 7
    assert AuditEntry.objects.get(action="meetings.score_confirmed").before["level"] == "GOOD"


def test_rubric_with_overlapping_thresholds_is_refused(w):
    before = Rubric.objects.count()
    with pytest.raises(DomainError) as exc:
        services.create_rubric(
            actor=None, owner=w.a, name="Biểu riêng", source="QĐ 1-QĐ/ĐU", valid_from=d(2024, 1, 1),
            criteria=[("Chuẩn bị", 50, False), ("Điều hành", 50, False)],
            levels=[("GOOD", 75, None, False), ("FAIR", 70, 80, False),
                    ("AVERAGE", 50, 70, False), ("POOR", 0, 50, False)],
        )  # fmt: skip
    assert exc.value.message_dict == {
        "levels": ["Ngưỡng «Khá» và «Tốt» chồng lên nhau: một số điểm thuộc cả hai mức."]
    }
    assert Rubric.objects.count() == before


def test_the_nearest_committee_rubric_applies_from_its_date(w):
    own = services.create_rubric(
        actor=None, owner=w.a, name="Biểu của Đảng bộ A", source="QĐ 5-QĐ/ĐU",
        valid_from=d(2024, 6, 1), criteria=[("Chung", 100, False)],
        levels=[("GOOD", 80, None, False), ("FAIR", 70, 80, False),
                ("AVERAGE", 50, 70, False), ("POOR", 0, 50, False)],
    )  # fmt: skip
    assert selectors.rubric_for(w.a1, d(2024, 5, 31)) == w.rubric
    assert selectors.rubric_for(w.a1, d(2024, 6, 1)) == own
    assert selectors.rubric_for(w.g, d(2024, 6, 1)) == w.rubric
    assert selectors.rubric_for(w.a1, d(2018, 7, 5)) is None


def test_unexcused_absence_in_three_months_feeds_the_striking_off_list(w):
    lazy = w.members[3]
    for month in (2, 4, 6):
        marks = [Mark(m, S.UNEXCUSED if m == lazy else S.PRESENT) for m in w.members]
        _record(w, held_on=d(2024, month, 10), attendance=marks)
    [candidate] = striking_candidates(w.top, d(2024, 12, 31))
    assert candidate.member == lazy
    assert candidate.detail.startswith("Bỏ sinh hoạt đảng không có lý do 3 tháng trong năm 2024")
    assert striking_candidates(w.top, d(2024, 5, 31)) == []


def test_month_grid_shows_levels_and_gaps(w):
    _record(w, held_on=d(2024, 1, 15), self_points=FULL)
    _record(w, held_on=d(2024, 3, 15))
    rows = {r.cell.code: r for r in months.month_grid(w.top, 2024, until=d(2024, 4, 30))}
    assert rows["A1"].months[:4] == ["GOOD", None, "", None]
    assert rows["A1"].missing == 2
    assert rows["A2"].expected[:4] == [False, False, True, True]


def test_month_grid_rolls_months_up_to_quarters_and_the_year_under_the_rubric_owners_rule(w):
    _record(w, held_on=d(2024, 1, 15), self_points=FULL)  # Tốt
    _record(w, held_on=d(2024, 2, 15), self_points=FAILS_MUST_PASS)  # Khá
    _record(w, held_on=d(2024, 3, 15), self_points=FULL)  # Tốt
    _record(w, held_on=d(2024, 4, 15), self_level="AVERAGE")
    rows = {r.cell.code: r for r in months.month_grid(w.top, 2024, until=d(2024, 4, 30))}
    a1 = rows["A1"]
    assert a1.months[:4] == ["GOOD", "FAIR", "GOOD", "AVERAGE"]
    assert (a1.quarters, a1.year, a1.year_label) == (["GOOD", "AVERAGE", None, None], "GOOD", "Tốt")
    # A2 was founded on 01/03/2024 and has not met: its two months due are missing.
    assert (rows["A2"].quarters, rows["A2"].year) == (["POOR", "POOR", None, None], "POOR")
    assert rows["G"].year == "POOR"

    # A setting of a committee below the rubric's owner does not change the owner's rule...
    Setting.objects.create(key="meetings.period_rule", organization=w.a, value={"share": 100},
                           effective_on=d(2024, 1, 1))  # fmt: skip
    assert months.month_grid(w.top, 2024, until=d(2024, 4, 30))[0].year == "GOOD"
    # ...the owner's does, from its effective date.
    Setting.objects.create(key="meetings.period_rule", organization=w.top, value={"share": 75},
                           effective_on=d(2025, 1, 1))  # fmt: skip
    assert months.month_grid(w.top, 2024, until=d(2024, 4, 30))[0].year == "GOOD"
    Setting.objects.create(key="meetings.period_rule", organization=w.top, value={"share": 75},
                           effective_on=d(2024, 1, 1))  # fmt: skip
    a1 = {r.cell.code: r for r in months.month_grid(w.top, 2024, until=d(2024, 4, 30))}["A1"]
    assert (a1.quarters, a1.year) == (["FAIR", "AVERAGE", None, None], "FAIR")


def test_transferred_in_member_is_listed_and_a_newcomer_after_the_date_is_not(w):
    newcomer = MemberFactory(organization=w.a1, admitted_on=d(2024, 6, 1), official_on=None)
    assert newcomer.pk not in selectors.roll_of(w.a1, d(2024, 5, 20)).ids
    assert newcomer.pk in selectors.roll_of(w.a1, d(2024, 6, 20)).ids


def test_assignment_and_visit_are_recorded_and_checked(w):
    seat(w.g_members[0], w.top, d(2020, 1, 1))
    a = services.assign_member(actor=None, member=w.g_members[0], committee=w.top, cell=w.a1,
                               started_on=d(2024, 1, 1))  # fmt: skip
    with pytest.raises(DomainError):
        services.assign_member(actor=None, member=w.g_members[0], committee=w.top, cell=w.a1,
                               started_on=d(2024, 2, 1))  # fmt: skip
    services.end_assignment(actor=None, assignment=a, ended_on=d(2024, 12, 31))
    v = services.record_visit(actor=None, organization=w.top, visited=w.a, visited_on=d(2024, 5, 3),
                              group_name="Tổ công tác số 1")  # fmt: skip
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=None, organization=w.a, visited=w.g, visited_on=d(2024, 5, 3))
    assert exc.value.message_dict == {
        "visited": ["Chi bộ Trường Tiểu học không thuộc Đảng bộ Công ty A."]
    }
    assert list(selectors.visits_in(w.top, d(2024, 1, 1), d(2024, 12, 31))) == [v]


@pytest.mark.parametrize(
    ("started_on", "held"),
    [
        (d(2023, 12, 31), False),  # the day before the post starts
        (d(2024, 1, 1), True),  # the day it starts
        (d(2024, 6, 30), True),  # the day it ends (held to that day)
        (d(2024, 7, 1), False),  # the day after
    ],
)
def test_only_a_member_of_the_committee_that_day_is_assigned_to_follow_a_cell(w, started_on, held):
    member = w.g_members[0]
    seat(member, w.top, d(2024, 1, 1), d(2024, 6, 30))
    seat(member, w.a, d(2020, 1, 1))  # a post elsewhere does not count
    if held:
        made = services.assign_member(actor=None, member=member, committee=w.top, cell=w.a1,
                                      started_on=started_on)  # fmt: skip
        assert made.started_on == started_on
        return
    with pytest.raises(DomainError) as refused:
        services.assign_member(actor=None, member=member, committee=w.top, cell=w.a1,
                               started_on=started_on)  # fmt: skip
    assert refused.value.message_dict == {"member": [
        f"Ngày {started_on:%d/%m/%Y} Phạm Văn Dũng không giữ chức vụ trong cấp ủy Đảng ủy Khối "
        "Thử nghiệm (bí thư, phó bí thư, ủy viên ban thường vụ hoặc cấp ủy viên): chỉ phân công "
        "cấp ủy viên phụ trách chi bộ."
    ]}  # fmt: skip
    assert not Assignment.objects.exists()
    assert not AuditEntry.objects.filter(action="meetings.assignment_made").exists()


def test_a_post_outside_the_committee_posts_does_not_seat_a_member(w):
    from dangbo.members.models import Position

    seat(w.g_members[0], w.top, d(2020, 1, 1), title=Position.Title.KEY_CADRE)
    with pytest.raises(DomainError) as refused:
        services.assign_member(actor=None, member=w.g_members[0], committee=w.top, cell=w.a1,
                               started_on=d(2024, 1, 1))  # fmt: skip
    assert list(refused.value.message_dict) == ["member"]
