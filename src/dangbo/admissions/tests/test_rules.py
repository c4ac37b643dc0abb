"""The admission rules at their boundaries: the day before, the day of and the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.admissions import rules
from dangbo.core.errors import DomainError
from dangbo.regulations.workdays import WorkCalendar, vietnam_calendar

D = dt.date
PLAIN = WorkCalendar()  # Monday to Friday, no holidays


def refusal(fn, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    return exc.value.message_dict


# --------------------------------------------------------------------------
# Which document is in force
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2016, 7, 24), "Quy định 45-QĐ/TW"),
        (D(2016, 7, 25), "Quy định 29-QĐ/TW"),
        (D(2021, 7, 29), "Quy định 29-QĐ/TW"),
        (D(2021, 7, 30), "Quy định 24-QĐ/TW"),
        (D(2025, 1, 19), "Quy định 24-QĐ/TW"),
        (D(2025, 1, 20), "Quy định 232-QĐ/TW"),
        (D(2025, 6, 30), "Quy định 232-QĐ/TW"),
        (D(2025, 7, 1), "Quy định 294-QĐ/TW"),
        (D(2025, 7, 2), "Quy định 294-QĐ/TW"),
    ],
)
def test_implementing_regulation_in_force_by_date(on, expected):
    assert rules.implementing_regulation(on) == expected


def test_statute_guidance_hd_01_by_date():
    assert rules.statute_guidance(D(2021, 9, 27)) == "Hướng dẫn 01-HD/TW ngày 20/09/2016"
    assert rules.statute_guidance(D(2021, 9, 28)) == "Hướng dẫn 01-HD/TW ngày 28/09/2021"


# --------------------------------------------------------------------------
# Age: Điều lệ Đảng Đ1 k2; implementing regulation mục 1.1; HD 01-HD/TW 2021 mục 1.1
# --------------------------------------------------------------------------

BORN = D(2000, 3, 15)


def test_qd_294_muc_1_1_applicant_under_full_18_the_day_before_the_birthday_is_refused():
    assert refusal(rules.check_applicant_age, BORN, D(2018, 3, 14)) == {
        "date_of_birth": [
            "Người vào Đảng phải từ đủ 18 tuổi (tính theo tháng): ngày 14/03/2018 mới 17 tuổi 11 "
            "tháng (Điều lệ Đảng, Điều 1 khoản 2; Quy định 29-QĐ/TW, mục 1.1)."
        ]
    }


@pytest.mark.parametrize("on", [D(2018, 3, 15), D(2018, 3, 16)])
def test_qd_294_muc_1_1_applicant_of_full_18_is_accepted(on):
    rules.check_applicant_age(BORN, on)


OLD = D(1965, 3, 15)


@pytest.mark.parametrize("on", [D(2025, 3, 15), D(2025, 4, 14)])
def test_qd_294_muc_1_1_full_60_counted_in_months_is_accepted_until_60_years_1_month(on):
    rules.check_applicant_age(OLD, on)


@pytest.mark.parametrize("on", [D(2025, 4, 15), D(2025, 4, 16)])
def test_hd_01_muc_1_1_over_60_without_provincial_consent_is_refused(on):
    assert refusal(rules.check_applicant_age, OLD, on) == {
        "date_of_birth": [
            f"Người vào Đảng đã trên 60 tuổi (60 tuổi 1 tháng vào ngày {on:%d/%m/%Y}): cần văn bản "
            "đồng ý của ban thường vụ tỉnh ủy, thành ủy trước khi xét (Hướng dẫn 01-HD/TW ngày "
            "28/09/2021, mục 1.1)."
        ]
    }


def test_hd_01_muc_1_1_over_60_with_recorded_consent_is_accepted():
    rules.check_applicant_age(OLD, D(2030, 1, 1), over_60_consent=True)


# --------------------------------------------------------------------------
# Education: implementing regulation mục 1.2; HD 01-HD/TW 2021 mục 1.2
# --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9/12", "12/12", "7/10", "10/10"])
def test_qd_24_muc_1_2_lower_secondary_or_higher_is_accepted(code):
    rules.check_education(code, on=D(2025, 3, 4))


def test_qd_24_muc_1_2_below_lower_secondary_without_exception_is_refused():
    assert refusal(rules.check_education, "8/12", label="Lớp 8 hệ 12 năm", on=D(2025, 3, 4)) == {
        "general_education": [
            "Người vào Đảng phải có bằng tốt nghiệp trung học cơ sở trở lên; trình độ «Lớp 8 hệ 12 "
            "năm» chưa đủ, trừ khi ghi căn cứ được áp dụng trình độ tiểu học (vùng cao, vùng sâu, "
            "biên giới, hải đảo, đặc biệt khó khăn, ngư dân bám biển) (Quy định 232-QĐ/TW, mục 1.2; "
            "Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 1.2)."
        ]
    }


@pytest.mark.parametrize(
    ("code", "ok"), [("4/12", False), ("5/12", True), ("3/10", False), ("4/10", True)]
)
def test_hd_01_muc_1_2_hardship_exception_needs_completed_primary_school(code, ok):
    check = lambda: rules.check_education(code, exception_ground="Xã vùng cao", on=D(2025, 3, 4))  # noqa: E731
    if ok:
        check()
    else:
        assert "chưa học xong tiểu học" in refusal(check)["general_education"][0]


def test_education_not_recorded_is_refused_citing_the_regulation_of_the_day():
    assert refusal(rules.check_education, "", on=D(2021, 7, 29)) == {
        "general_education": [
            "Chưa ghi trình độ giáo dục phổ thông của người vào Đảng (Quy định 29-QĐ/TW, mục 1.2)."
        ]
    }
    message = refusal(rules.check_education, "", on=D(2021, 7, 30))["general_education"][0]
    assert "Quy định 24-QĐ/TW" in message


# --------------------------------------------------------------------------
# Awareness-class certificate: 60 months from issue (configurable)
# --------------------------------------------------------------------------

ISSUED = D(2020, 3, 1)


@pytest.mark.parametrize("on", [D(2025, 2, 28), D(2025, 3, 1)])
def test_awareness_certificate_valid_through_60_months(on):
    rules.check_certificate(ISSUED, on, validity_months=60)


def test_awareness_certificate_expired_the_day_after_60_months_is_refused():
    assert refusal(rules.check_certificate, ISSUED, D(2025, 3, 2), validity_months=60) == {
        "certificate_issued_on": [
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày 01/03/2020 đã hết giá trị "
            "từ sau ngày 01/03/2025 (60 tháng kể từ ngày cấp): người vào Đảng phải học lại "
            "(Hướng dẫn 12-HD/BTCTW năm 2022)."
        ]
    }


def test_awareness_certificate_validity_follows_the_setting():
    assert rules.certificate_valid_until(ISSUED, 24) == D(2022, 3, 1)
    rules.check_certificate(ISSUED, D(2022, 3, 1), validity_months=24)
    with pytest.raises(DomainError):
        rules.check_certificate(ISSUED, D(2022, 3, 2), validity_months=24)


def test_awareness_certificate_missing_or_issued_after_the_meeting_is_refused():
    assert refusal(rules.check_certificate, None, D(2025, 3, 4), validity_months=60) == {
        "certificate_issued_on": [
            "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (Hướng dẫn 12-HD/BTCTW năm "
            "2022)."
        ]
    }
    with pytest.raises(DomainError):
        rules.check_certificate(D(2025, 3, 5), D(2025, 3, 4), validity_months=60)


# --------------------------------------------------------------------------
# Stale dossier: HD 01-HD/TW, 12 months
# --------------------------------------------------------------------------

OPENED = D(2024, 1, 10)


@pytest.mark.parametrize("on", [D(2025, 1, 9), D(2025, 1, 10)])
def test_hd_01_dossier_within_12_months_may_be_voted(on):
    rules.check_dossier_fresh(OPENED, [D(2024, 2, 1)], on)


def test_hd_01_dossier_older_than_12_months_is_refused_until_the_introductions_are_redone():
    assert refusal(rules.check_dossier_fresh, OPENED, [D(2024, 1, 5)], D(2025, 1, 11)) == {
        "held_on": [
            "Hồ sơ mở từ ngày 10/01/2024 đã quá 12 tháng mà chi bộ chưa xét: phải làm lại giấy giới "
            "thiệu của người giới thiệu, nghị quyết giới thiệu của đoàn thể và tổng hợp ý kiến nhận "
            "xét trước khi chi bộ biểu quyết (Hướng dẫn 01-HD/TW ngày 28/09/2021)."
        ]
    }
    redone = [D(2024, 11, 1), D(2024, 12, 1)]
    assert rules.dossier_fresh_until(OPENED, redone) == D(2025, 11, 1)
    rules.check_dossier_fresh(OPENED, redone, D(2025, 11, 1))
    with pytest.raises(DomainError):
        rules.check_dossier_fresh(OPENED, redone, D(2025, 11, 2))


# --------------------------------------------------------------------------
# Introducers: Điều lệ Đảng Đ4; QĐ 24 mục 3.2
# --------------------------------------------------------------------------


def introducer(**kwargs):
    values = {"official_on_introduction": True, "relation": "SAME_UNIT",
              "known_since": D(2023, 12, 9), "assigned_on": D(2024, 12, 9)}  # fmt: skip
    values.update(kwargs)
    return rules.check_introducer(**values)


def test_dieu_le_d4_introducer_with_11_months_together_the_day_before_is_refused():
    assert refusal(introducer, assigned_on=D(2024, 12, 8)) == {
        "known_since": [
            "Người giới thiệu phải cùng công tác (cư trú) với người vào Đảng ít nhất 12 tháng: từ "
            "ngày 09/12/2023 đến ngày giới thiệu 08/12/2024 mới được 11 tháng (Điều lệ Đảng, Điều 4 "
            "khoản 2; Quy định 24-QĐ/TW, mục 3.2)."
        ]
    }


@pytest.mark.parametrize("assigned_on", [D(2024, 12, 9), D(2024, 12, 10)])
def test_dieu_le_d4_introducer_with_12_months_together_is_accepted(assigned_on):
    introducer(assigned_on=assigned_on)


def test_qd_24_muc_3_2_2_replacement_introducer_needs_no_overlap():
    introducer(known_since=None, is_replacement=True)
    introducer(known_since=D(2024, 12, 1), is_replacement=True)


def test_dieu_le_d4_introducer_must_be_official_on_the_day_of_introduction():
    assert refusal(introducer, official_on_introduction=False) == {
        "member": [
            "Người giới thiệu phải là đảng viên chính thức vào ngày giới thiệu (09/12/2024) (Điều lệ "
            "Đảng, Điều 4 khoản 2)."
        ]
    }


def test_qd_24_residence_introducer_refused_the_day_before_30_07_2021_accepted_from_that_day():
    kwargs = {"relation": "SAME_RESIDENCE", "known_since": D(2020, 1, 1)}
    assert refusal(introducer, assigned_on=D(2021, 7, 29), **kwargs) == {
        "relation": [
            "Trước ngày 30/07/2021, người giới thiệu phải cùng công tác, lao động, học tập với người "
            "vào Đảng; giới thiệu theo nơi cư trú áp dụng từ Quy định 24-QĐ/TW (Quy định 29-QĐ/TW, "
            "mục 3.2)."
        ]
    }
    introducer(assigned_on=D(2021, 7, 30), **kwargs)
    introducer(assigned_on=D(2021, 7, 31), **kwargs)


def test_dieu_le_d4_two_members_or_one_member_and_a_union_resolution():
    on = D(2025, 3, 4)
    rules.check_introductions(member_introducers=2, union_resolutions=0, on=on)
    rules.check_introductions(member_introducers=1, union_resolutions=1, on=on)
    assert refusal(rules.check_introductions, member_introducers=1, union_resolutions=0, on=on) == {
        "introducers": [
            "Người vào Đảng phải được hai đảng viên chính thức giới thiệu, hoặc một đảng viên chính "
            "thức và nghị quyết giới thiệu của ban chấp hành Đoàn cơ sở hoặc công đoàn cơ sở; hiện có "
            "1 đảng viên và 0 nghị quyết giới thiệu (Điều lệ Đảng, Điều 4 khoản 1; Quy định "
            "232-QĐ/TW, mục 3.1)."
        ]
    }
    with pytest.raises(DomainError):
        rules.check_introductions(member_introducers=0, union_resolutions=2, on=on)


def test_dieu_le_d4_youth_age_applicant_where_the_youth_union_exists_must_be_a_member():
    kwargs = {
        "member_introducers": 2,
        "union_resolutions": 0,
        "on": D(2025, 3, 4),
        "youth_age": True,
    }
    assert refusal(rules.check_introductions, youth_union_exists=True, **kwargs) == {
        "youth_union_member": [
            "Người vào Đảng trong độ tuổi thanh niên ở nơi có tổ chức Đoàn phải là đoàn viên Đoàn "
            "TNCS Hồ Chí Minh (Điều lệ Đảng, Điều 4 khoản 1)."
        ]
    }
    rules.check_introductions(youth_union_exists=True, youth_union_member=True, **kwargs)
    rules.check_introductions(youth_union_exists=False, **kwargs)


# --------------------------------------------------------------------------
# Votes: Điều lệ Đảng Đ4, Đ5; QĐ 24 mục 4.2.3
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eligible", "in_favour", "passes"),
    [(9, 5, False), (9, 6, True), (9, 7, True), (10, 6, False), (10, 7, True), (3, 1, False),
     (3, 2, True), (1, 1, True), (1, 0, False)],
)  # fmt: skip
def test_dieu_le_d4_two_thirds_of_the_official_members(eligible, in_favour, passes):
    assert rules.vote_passes(eligible, in_favour) is passes


def test_vote_counts_must_be_possible():
    assert refusal(rules.check_vote_counts, 3, 4) == {
        "in_favour": ["Số tán thành (4) không được lớn hơn tổng số người có quyền biểu quyết (3)."]
    }
    assert "eligible" in refusal(rules.check_vote_counts, 0, 0)


@pytest.mark.parametrize(("failed", "escalated"), [(2, False), (3, True), (4, True)])
def test_qd_24_muc_4_2_3_escalation_after_the_third_failed_vote(failed, escalated):
    assert rules.recognition_escalated(failed) is escalated


# --------------------------------------------------------------------------
# Who decides: mục 4.3.2
# --------------------------------------------------------------------------

GRASSROOTS = rules.OrgRef(2, "GRASSROOTS_DANG_BO", "Đảng bộ Công ty A")
CELL = rules.OrgRef(5, "GRASSROOTS_CELL", "Chi bộ Trường Tiểu học")
BLOC = rules.OrgRef(1, "BLOC", "Đảng ủy Khối Thử nghiệm")
PROVINCE = rules.OrgRef(9, "PROVINCIAL", "Tỉnh ủy Thử nghiệm")


def test_qd_294_muc_4_3_2_delegated_grassroots_committee_decides_itself():
    assert rules.admission_decider(GRASSROOTS, BLOC, delegated=True) == rules.Decider(
        GRASSROOTS, "GRASSROOTS_COMMITTEE"
    )


def test_qd_294_muc_4_3_2_otherwise_the_superior_standing_committee_decides():
    assert rules.admission_decider(GRASSROOTS, BLOC, delegated=False) == rules.Decider(
        BLOC, "STANDING_COMMITTEE"
    )
    # Only a đảng ủy cơ sở can be delegated: a chi bộ cơ sở's superior decides.
    assert rules.admission_decider(CELL, BLOC, delegated=True).org == BLOC


def test_qd_294_muc_4_3_2_under_a_province_its_standing_office_decides():
    assert rules.admission_decider(GRASSROOTS, PROVINCE, delegated=False).body == (
        "PROVINCIAL_STANDING_OFFICE"
    )


def test_qd_294_muc_4_3_2_another_decider_is_refused_naming_the_competent_one():
    expected = rules.admission_decider(GRASSROOTS, BLOC, delegated=False)
    rules.check_decider(expected, BLOC.id, "STANDING_COMMITTEE", D(2025, 7, 1), what="Quyết định")
    assert refusal(rules.check_decider, expected, GRASSROOTS.id, "GRASSROOTS_COMMITTEE",
                   D(2025, 7, 1), what="Quyết định kết nạp đảng viên") == {
        "decided_by": [
            "Quyết định kết nạp đảng viên thuộc thẩm quyền của ban thường vụ cấp ủy cấp trên «Đảng "
            "ủy Khối Thử nghiệm» (Quy định 294-QĐ/TW, mục 4.3.2)."
        ]
    }  # fmt: skip
    with pytest.raises(DomainError):
        rules.admission_decider(GRASSROOTS, None, delegated=False)


# --------------------------------------------------------------------------
# Deadlines in working days: mục 4.1, 4.2.1, 4.3.1
# --------------------------------------------------------------------------

MONDAY = D(2025, 3, 3)


def test_qd_294_muc_4_3_1_admission_decision_within_60_working_days_plus_30():
    assert rules.admission_decision_due_on(MONDAY, 0, PLAIN) == D(2025, 5, 26)
    assert rules.admission_decision_due_on(MONDAY, 30, PLAIN) == D(2025, 7, 7)
    holiday = WorkCalendar(days_off=frozenset({D(2025, 4, 30)}))
    assert rules.admission_decision_due_on(MONDAY, 0, holiday) == D(2025, 5, 27)


@pytest.mark.parametrize(("days", "ok"), [(29, True), (30, True), (31, False)])
def test_qd_294_muc_4_3_1_extension_at_most_30_working_days(days, ok):
    if ok:
        rules.check_extension(days, "Chờ kết quả thẩm tra bổ sung", D(2025, 3, 3))
    else:
        assert refusal(rules.check_extension, days, "x", D(2025, 3, 3)) == {
            "extension_working_days": [
                "Chỉ được gia hạn tối đa 30 ngày làm việc (Quy định 232-QĐ/TW, mục 4.3.1)."
            ]
        }


def test_qd_294_muc_4_3_1_extension_needs_its_reason():
    assert "extension_reason" in refusal(rules.check_extension, 10, " ", D(2025, 3, 3))
    rules.check_extension(0, "", D(2025, 3, 3))


RECEIVED = D(2025, 4, 18)  # a Friday


def test_qd_24_muc_4_1_ceremony_within_30_working_days_of_receipt():
    due = rules.ceremony_due_on(RECEIVED, PLAIN)
    assert due == D(2025, 5, 30)
    for day in (D(2025, 5, 29), due):
        rules.check_ceremony_on_time(day, due, late_consent="", received_on=RECEIVED)
    assert refusal(rules.check_ceremony_on_time, D(2025, 5, 31), due, late_consent="",
                   received_on=RECEIVED) == {
        "ceremony_on": [
            "Lễ kết nạp phải tổ chức trong 30 ngày làm việc kể từ ngày chi bộ nhận quyết định "
            "(18/04/2025), tức đến hết ngày 30/05/2025; tổ chức muộn hơn cần ghi văn bản đồng ý của "
            "cấp ủy cấp trên trực tiếp (Quy định 232-QĐ/TW, mục 4.1)."
        ]
    }  # fmt: skip
    rules.check_ceremony_on_time(
        D(2025, 5, 31), due, late_consent="CV 12-CV/ĐUK", received_on=RECEIVED
    )


def test_qd_24_muc_4_2_1_cell_proposes_recognition_within_30_working_days_after_probation():
    assert rules.recognition_proposal_due_on(D(2026, 5, 19), PLAIN) == D(2026, 6, 30)


@pytest.mark.parametrize(
    ("today", "standing"),
    [
        (D(2026, 4, 19), rules.PROBATION_RUNNING),  # the day before the probation ends
        (D(2026, 4, 20), rules.PROPOSAL_DUE),  # the day it ends: due, not missed
        (D(2026, 4, 21), rules.PROPOSAL_DUE),  # the day after: still within the 30 working days
        (D(2026, 6, 3), rules.PROPOSAL_DUE),  # the day before the proposal's limit
        (D(2026, 6, 4), rules.PROPOSAL_DUE),  # the limit itself
        (D(2026, 6, 5), rules.PROPOSAL_OVERDUE),  # the day after the limit
    ],
)
def test_dieu_le_5_end_of_probation_is_due_and_only_the_late_proposal_is_overdue(today, standing):
    # 30 working days after 20/04/2026 with the holidays of 2026 (26–27/04 Giỗ Tổ Hùng Vương,
    # 30/04, 01/05) end on 04/06/2026, three days later than on a plain Monday–Friday week.
    end = rules.statute_article_5_probation_end(D(2026, 4, 20), vietnam_calendar([2026]))
    assert (end.ends_on, end.ends_rule) == (D(2026, 4, 20), "Điều lệ Đảng, Điều 5 khoản 1")
    assert end.proposal_due_on == D(2026, 6, 4)
    assert end.proposal_rule == "Điều lệ Đảng, Điều 5 khoản 2; Quy định 294-QĐ/TW, mục 4.2.1"
    assert end.standing(today) == standing


def test_dieu_le_5_proposal_cites_the_regulation_in_force_when_the_probation_ends():
    before = rules.statute_article_5_probation_end(D(2025, 6, 30), PLAIN)
    assert before.proposal_rule == "Điều lệ Đảng, Điều 5 khoản 2; Quy định 232-QĐ/TW, mục 4.2.1"
    assert before.proposal_due_on == D(2025, 8, 11)


def test_qd_24_muc_4_3_1_recognition_decision_within_30_working_days_plus_30():
    assert rules.recognition_decision_due_on(D(2026, 6, 1), 0, PLAIN) == D(2026, 7, 13)
    assert rules.recognition_decision_due_on(D(2026, 6, 1), 30, PLAIN) == D(2026, 8, 24)


# --------------------------------------------------------------------------
# Readmission: mục 3.5
# --------------------------------------------------------------------------

LEFT = D(2020, 3, 10)


def test_qd_294_muc_3_5_readmission_only_once():
    assert refusal(rules.check_readmission_allowed, readmitted_before=True,
                   left_reason="OTHER", barred_reasons=rules.BARRED_REASONS, on=D(2025, 8, 1)) == {
        "readmission_of": [
            "Đảng viên này đã được kết nạp lại một lần: chỉ được kết nạp lại một lần (Quy định "
            "294-QĐ/TW, mục 3.5)."
        ]
    }  # fmt: skip


@pytest.mark.parametrize("reason", rules.BARRED_REASONS)
def test_qd_294_muc_3_5_2_barred_reasons_are_refused(reason):
    message = refusal(rules.check_readmission_allowed, readmitted_before=False, left_reason=reason,
                      barred_reasons=rules.BARRED_REASONS, on=D(2025, 8, 1))["left_reason"][0]  # fmt: skip
    assert message.startswith("Không xem xét kết nạp lại người ra khỏi Đảng vì lý do")
    assert message.endswith("(Quy định 294-QĐ/TW, mục 3.5.2).")


def test_qd_294_muc_3_5_2_leaving_for_family_hardship_is_not_barred():
    rules.check_readmission_allowed(
        readmitted_before=False, left_reason="APPLIED_TO_LEAVE_HARDSHIP",
        barred_reasons=rules.BARRED_REASONS, on=D(2025, 8, 1),
    )  # fmt: skip


def test_qd_24_muc_3_5_1_readmission_36_months_after_leaving():
    kwargs = {"left_on": LEFT, "left_reason": "OTHER", "expunged_on": None}
    assert refusal(rules.check_readmission_wait, on=D(2023, 3, 9), **kwargs) == {
        "held_on": [
            "Chỉ xét kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng (10/03/2020), tức từ "
            "ngày 10/03/2023 (Quy định 24-QĐ/TW, mục 3.5.1)."
        ]
    }
    rules.check_readmission_wait(on=D(2023, 3, 10), **kwargs)
    rules.check_readmission_wait(on=D(2023, 3, 11), **kwargs)


def test_qd_232_muc_3_5_1_less_serious_crime_60_months_after_expungement():
    kwargs = {"left_on": LEFT, "left_reason": "LESS_SERIOUS_CRIME"}
    assert "expunged_on" in refusal(
        rules.check_readmission_wait, on=D(2025, 8, 1), expunged_on=None, **kwargs
    )
    expunged = D(2020, 6, 1)
    with pytest.raises(DomainError):
        rules.check_readmission_wait(on=D(2025, 5, 31), expunged_on=expunged, **kwargs)
    rules.check_readmission_wait(on=D(2025, 6, 1), expunged_on=expunged, **kwargs)
    rules.check_readmission_wait(on=D(2025, 6, 2), expunged_on=expunged, **kwargs)


def test_qd_294_muc_3_5_1_readmission_needs_the_provincial_consent_before_the_decision():
    on = D(2025, 8, 1)
    message = (
        "Kết nạp lại cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy (hoặc tương đương) trước "
        "khi cấp ủy có thẩm quyền quyết định (Quy định 294-QĐ/TW, mục 3.5.1)."
    )
    assert refusal(rules.check_readmission_consent, None, on) == {
        "readmission_consent_on": [message]
    }
    assert refusal(rules.check_readmission_consent, D(2025, 8, 2), on) == {
        "readmission_consent_on": [message]
    }
    rules.check_readmission_consent(D(2025, 8, 1), on)
    rules.check_readmission_consent(D(2025, 7, 31), on)


# --------------------------------------------------------------------------
# The stage of a file
# --------------------------------------------------------------------------


def test_candidate_stage_is_the_latest_step_done_by_the_date():
    steps = rules.Steps(
        certificate_issued_on=D(2024, 10, 15), application_on=D(2024, 11, 4),
        introduced_on=D(2024, 12, 9), cell_resolution_on=D(2025, 3, 4),
        decision_signed_on=D(2025, 4, 15), ceremony_on=D(2025, 5, 19),
    )  # fmt: skip
    assert rules.candidate_stage(steps) == "ADMITTED"
    assert rules.candidate_stage(steps, D(2024, 10, 14)) == "PROPOSED"
    assert rules.candidate_stage(steps, D(2024, 10, 15)) == "AWARENESS_CLASS"
    assert rules.candidate_stage(steps, D(2024, 12, 8)) == "DOSSIER"
    assert rules.candidate_stage(steps, D(2025, 3, 3)) == "INTRODUCED"
    assert rules.candidate_stage(steps, D(2025, 3, 4)) == "CELL_RESOLUTION"
    assert rules.candidate_stage(steps, D(2025, 5, 18)) == "DECIDED"
    refused = rules.Steps(
        cell_resolution_on=D(2025, 3, 4), decision_signed_on=D(2025, 4, 15), refused=True
    )
    assert rules.candidate_stage(refused) == "REFUSED"
    assert rules.candidate_stage(rules.Steps(withdrawn_on=D(2025, 1, 1))) == "WITHDRAWN"
