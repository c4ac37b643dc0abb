"""The meeting rules at their boundaries: the day before, of and after each guidance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from dangbo.meetings import rules
from dangbo.meetings.models import AttendanceStatus as S
from dangbo.meetings.models import MeetingKind as K

d = dt.date
HD12 = d(2018, 7, 6)
HD42 = d(2025, 10, 28)
DAY = dt.timedelta(days=1)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_guidance_is_chosen_by_date():
    assert rules.meeting_guidance(HD12 - DAY) == "Hướng dẫn 09-HD/BTCTW ngày 02/03/2012"
    assert rules.meeting_guidance(HD12) == "Hướng dẫn 12-HD/BTCTW ngày 06/07/2018"
    assert rules.meeting_guidance(HD42 - DAY) == "Hướng dẫn 12-HD/BTCTW ngày 06/07/2018"
    assert rules.meeting_guidance(HD42) == "Hướng dẫn 42-HD/BTCTW ngày 28/10/2025"


def test_thematic_meeting_is_expected_each_quarter_from_hd12():
    assert rules.thematic_quarterly_required(HD12 - DAY) is False
    assert rules.thematic_quarterly_required(HD12) is True
    assert rules.expected_meetings(2018, 6) == {"REGULAR": 1, "THEMATIC": 0}
    assert rules.expected_meetings(2018, 9) == {"REGULAR": 1, "THEMATIC": 1}
    assert rules.expected_meetings(2018, 8) == {"REGULAR": 1, "THEMATIC": 0}
    assert rules.thematic_meeting_findings(2018, 2, []) == []
    [f] = rules.thematic_meeting_findings(2018, 3, [K.REGULAR])
    assert f.text == (
        "Không có buổi sinh hoạt chuyên đề trong quý 3/2018 "
        "(Hướng dẫn 12-HD/BTCTW ngày 06/07/2018)."
    )
    assert rules.thematic_meeting_findings(2018, 3, [K.COMBINED]) == []


def test_regular_meeting_missing_and_twice():
    [missing] = rules.regular_meeting_findings(2024, 5, [K.THEMATIC])
    assert missing.code == "REGULAR_MISSING"
    assert missing.text == (
        "Không có buổi sinh hoạt thường kỳ trong tháng 05/2024 (Điều lệ Đảng, Điều 24 khoản 2)."
    )
    assert rules.regular_meeting_findings(2024, 5, [K.COMBINED]) == []
    [twice] = rules.regular_meeting_findings(2024, 5, [K.REGULAR, K.REGULAR])
    assert twice.code == "REGULAR_TWICE"


def test_minimum_duration_by_date_and_kind():
    assert rules.minimum_minutes(K.REGULAR, HD12 - DAY) is None
    assert rules.minimum_minutes(K.REGULAR, HD12) == 90
    assert rules.minimum_minutes(K.COMBINED, HD42 - DAY) == 90
    assert rules.minimum_minutes(K.COMBINED, HD42) == 120
    assert rules.minimum_minutes(K.COMBINED, HD42 + DAY) == 120
    assert rules.minimum_minutes(K.EXTRAORDINARY, HD42) is None
    t = dt.time
    assert rules.duration_findings(K.REGULAR, HD12, t(8, 0), t(9, 30)) == []
    [short] = rules.duration_findings(K.REGULAR, HD12, t(8, 0), t(9, 29))
    assert short.message == "Buổi sinh hoạt kéo dài 89 phút, dưới 90 phút"


def test_documents_one_day_ahead_from_hd42():
    start = dt.time(14, 0)
    late = dt.datetime(2025, 10, 27, 14, 1, tzinfo=HCM)
    assert rules.documents_lead_findings(HD42 - DAY, start, None) == []
    assert (
        rules.documents_lead_findings(HD42, start, dt.datetime(2025, 10, 27, 14, 0, tzinfo=HCM))
        == []
    )
    [f] = rules.documents_lead_findings(HD42, start, late)
    assert f.message == (
        "Tài liệu sinh hoạt phải gửi đảng viên ít nhất 1 ngày trước (gửi lúc 14:01 27/10/2025)"
    )


def test_attendance_rate_is_over_the_counted_members():
    count = rules.attendance_count([S.PRESENT] * 6 + [S.EXCUSED, S.NOT_COUNTED])
    assert (count.counted, count.present, count.not_counted) == (7, 6, 1)
    assert count.rate == D("85.7")
    assert rules.attendance_findings(HD12, count) == []
    low = rules.attendance_count([S.PRESENT] * 17 + [S.EXCUSED] * 3)  # exactly 85%
    [f] = rules.attendance_findings(HD12, low)
    assert f.message == "Tỷ lệ đảng viên dự sinh hoạt 85,0%, chưa trên 85%"
    assert rules.attendance_findings(HD12 - DAY, low) == []
    [u] = rules.attendance_findings(HD12, rules.attendance_count([S.PRESENT] * 9 + [S.UNEXCUSED]))
    assert u.message == "Có 1 đảng viên vắng không lý do"


def test_consecutive_excused_absences():
    assert rules.longest_excused_run([S.EXCUSED, S.NOT_COUNTED, S.EXCUSED, S.PRESENT]) == 2
    three = [S.EXCUSED] * 3
    assert rules.excused_run_findings(2024, three) == []
    [f] = rules.excused_run_findings(2024, [*three, S.EXCUSED])
    assert f.message == "Vắng có lý do 4 lần liên tiếp trong năm 2024, quá 3 lần"


def test_three_months_unexcused_is_a_striking_off_ground_cited_by_date():
    assert rules.striking_off_finding(2025, [1, 1, 4], d(2025, 6, 30)) is None
    before = rules.striking_off_finding(2025, [1, 4, 6], d(2025, 6, 30))
    assert before.text == (
        "Bỏ sinh hoạt đảng không có lý do 3 tháng trong năm 2025 (tháng 01, 04, 06) "
        "(Quy định 232-QĐ/TW, mục 8.1)."
    )
    assert rules.striking_off_finding(2025, [1, 4, 6], d(2025, 7, 1)).citation == (
        "Quy định 294-QĐ/TW, mục 8.1"
    )


NGHE_AN = [
    rules.Band("GOOD", D(80)),
    rules.Band("FAIR", D(70), D(80)),
    rules.Band("AVERAGE", D(50), D(70)),
    rules.Band("POOR", D(0), D(50)),
]
BT_CRITERIA = [rules.Criterion(D(10), True, "Dự họp"), rules.Criterion(D(90), False, "Khác")]
BT = [
    rules.Band("GOOD", D(90), None, True),
    rules.Band("FAIR", D(70), D(90)),
    rules.Band("AVERAGE", D(50), D(70)),
    rules.Band("POOR", D(0), D(50)),
]


@pytest.mark.parametrize(
    ("total", "level"),
    [(D("79.9"), "FAIR"), (D(80), "GOOD"), (D("80.1"), "GOOD"), (D("49.9"), "POOR"),
     (D(50), "AVERAGE"), (D(70), "FAIR")],
)  # fmt: skip
def test_level_from_score_at_the_thresholds(total, level):
    criteria = [rules.Criterion(D(100))]
    assert rules.level_from_score(NGHE_AN, criteria, [total]) == level


def test_must_pass_criterion_short_drops_a_level():
    assert rules.level_from_score(BT, BT_CRITERIA, [D(10), D(80)]) == "GOOD"
    assert rules.level_from_score(BT, BT_CRITERIA, [D(9), D(90)]) == "FAIR"
    assert rules.level_from_score(BT, BT_CRITERIA, [D(9), D(80)]) == "FAIR"


def test_overlapping_or_gapped_thresholds_are_named():
    assert rules.band_problems(NGHE_AN, D(100)) == []
    overlap = [rules.Band("GOOD", D(75)), *NGHE_AN[1:]]
    assert rules.band_problems(overlap, D(100)) == [
        "Ngưỡng «Khá» và «Tốt» chồng lên nhau: một số điểm thuộc cả hai mức."
    ]
    gap = [rules.Band("GOOD", D(85)), *NGHE_AN[1:]]
    assert rules.band_problems(gap, D(100)) == [
        "Số điểm từ 80,0 đến dưới 85,0 không thuộc mức xếp loại nào."
    ]


def test_points_above_the_maximum_are_named():
    assert rules.points_problems(BT_CRITERIA, [D(11), D(90)]) == {
        0: "Điểm tiêu chí «Dự họp» (11,0) vượt điểm tối đa 10,0."
    }


def test_scoring_is_late_after_the_month_and_the_confirmation_window():
    held = d(2024, 5, 20)
    assert rules.scoring_findings(held, d(2024, 5, 31), d(2024, 6, 10), d(2024, 7, 1)) == []
    found = rules.scoring_findings(held, d(2024, 6, 1), d(2024, 6, 11), d(2024, 7, 1))
    assert [f.code for f in found] == ["SELF_SCORE_LATE", "CONFIRMATION_LATE"]
    assert found[0].message == "Chi bộ tự chấm điểm ngày 01/06/2024, hạn 31/05/2024"


# --------------------------------------------------------------------------
# Month → quarter → year
# --------------------------------------------------------------------------

G, F, A, P = "GOOD", "FAIR", "AVERAGE", "POOR"
DUE = [True] * 12


def test_period_level_reaches_a_level_with_half_the_months_due_by_default():
    rule = rules.period_rule(None, dt.date(2024, 12, 31))
    assert (rule.share, rule.cap_after_poor) == (D(50), "FAIR")
    assert "meetings.period_rule" in rule.source
    assert "12-HD/BTCTW" in rule.source
    assert rules.period_level([G] * 6 + [F] * 6, DUE, rule) == G  # 6 of 12: exactly half
    assert rules.period_level([G] * 5 + [F] * 7, DUE, rule) == F  # 5 of 12 Tốt, all Khá or better
    assert rules.period_level([G] * 5 + [A] * 7, DUE, rule) == A
    assert rules.period_level([F] * 5 + [A] * 6 + [""], DUE, rule) == A  # 11 of 12 TB or better
    assert rules.period_level([A] * 5 + [""] * 7, DUE, rule) == P  # unscored months reach nothing
    assert rules.period_level([G] * 11 + [P], DUE, rule) == F  # a Kém month: Khá at best
    assert rules.period_level([G] * 11 + [None], DUE, rule) == F  # a missing month too
    assert rules.period_level([G] * 11 + [""], DUE, rule) == G  # held, not scored: no cap
    assert rules.period_level([None] * 12, [False] * 12, rule) is None  # nothing due


def test_period_level_counts_only_the_months_due():
    rule = rules.period_rule(None, dt.date(2024, 12, 31))
    months = [None, None, G, F, F] + [None] * 7  # founded in March, looked at on 31/05
    due = [False, False, True, True, True] + [False] * 7
    assert rules.period_level(months, due, rule) == F  # 1 of 3 Tốt; 3 of 3 Khá or better
    assert rules.quarter_levels(months, due, rule) == [G, F, None, None]


def test_a_committee_setting_changes_the_share_and_the_cap():
    rule = rules.period_rule({"share": "75", "cap_after_poor": "AVERAGE"}, dt.date(2026, 1, 1))
    assert (rule.share, rule.cap_after_poor) == (D(75), "AVERAGE")
    assert "42-HD/BTCTW" in rule.source
    assert rules.period_level([G] * 9 + [F] * 3, DUE, rule) == G  # 9 of 12 = 75%
    assert rules.period_level([G] * 8 + [F] * 4, DUE, rule) == F
    assert rules.period_level([G] * 11 + [P], DUE, rule) == A
    assert rules.quarter_levels([G, G, F] * 4, DUE, rule) == [F] * 4  # 2 of 3 < 75%
    # Nonsense falls back to the default, field by field.
    assert rules.period_rule({"share": 0, "cap_after_poor": "X"}, dt.date(2024, 1, 1)) == (
        rules.period_rule(None, dt.date(2024, 1, 1))
    )
    assert rules.period_rule({"share": "abc"}, dt.date(2024, 1, 1)).share == D(50)


def test_a_committee_post_seats_a_member_from_its_first_to_its_last_day():
    post = rules.Post("COMMITTEE_MEMBER", dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    on = [dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2024, 6, 30), dt.date(2024, 7, 1)]
    assert [rules.sits_on_committee([post], day) for day in on] == [False, True, True, False]
    assert rules.sits_on_committee(
        [rules.Post("SECRETARY", dt.date(2024, 1, 1))], dt.date(2030, 1, 1)
    )
    assert not rules.sits_on_committee(
        [rules.Post("KEY_CADRE", dt.date(2024, 1, 1))], dt.date(2025, 1, 1)
    )
    assert rules.assignment_member_problem("A", "Đảng ủy B", [post], dt.date(2024, 3, 1)) is None
    assert rules.assignment_member_problem("A", "Đảng ủy B", [], dt.date(2024, 3, 1)) == (
        "Ngày 01/03/2024 A không giữ chức vụ trong cấp ủy Đảng ủy B (bí thư, phó bí thư, ủy viên "
        "ban thường vụ hoặc cấp ủy viên): chỉ phân công cấp ủy viên phụ trách chi bộ."
    )
