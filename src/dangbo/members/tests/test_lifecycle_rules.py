"""The rules on a member's party life after admission, as pure functions, at their boundaries."""

import datetime as dt

import pytest

from dangbo.core.errors import DomainError
from dangbo.members import lifecycle_rules as lr
from dangbo.members import rules
from dangbo.members.rules import Event
from dangbo.regulations.workdays import WorkCalendar

D = dt.date
WEEKDAYS = WorkCalendar()  # Monday to Friday, no holiday: the counts are easy to check by hand


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(DomainError) as exc:
        call(**kwargs)
    return exc.value.message_dict


# --------------------------------------------------------------------------
# Which implementing regulation judges a fact
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
def test_the_implementing_regulation_is_the_one_in_force_on_the_date_of_the_fact(on, expected):
    assert lr.implementing_regulation(on) == expected


def test_qd_294_numbers_the_transfer_rule_6_3_1_the_earlier_ones_6_3():
    assert lr.official_transfer_rule(D(2025, 6, 30)) == "Quy định 232-QĐ/TW, mục 6.3"
    assert lr.official_transfer_rule(D(2025, 7, 1)) == "Quy định 294-QĐ/TW, mục 6.3.1"


# --------------------------------------------------------------------------
# QĐ 294 mục 6.3.1: start within 60 working days of the decision or the move
# --------------------------------------------------------------------------


def test_qd_294_6_3_1_transfer_start_limit_is_60_working_days_after_the_trigger():
    # Friday 01/08/2025 + 60 working days (12 whole weeks) = Friday 24/10/2025.
    assert lr.official_transfer_start_due_on(D(2025, 8, 1), WEEKDAYS) == D(2025, 10, 24)


def test_qd_294_6_3_1_transfer_start_skips_the_holidays_of_the_calendar():
    calendar = WorkCalendar(days_off=frozenset({D(2025, 9, 1), D(2025, 9, 2)}))
    assert lr.official_transfer_start_due_on(D(2025, 8, 1), calendar) == D(2025, 10, 28)


@pytest.mark.parametrize(
    ("letter_on", "refused"),
    [(D(2025, 10, 23), False), (D(2025, 10, 24), False), (D(2025, 10, 25), True)],
)
def test_qd_294_6_3_1_letter_after_60_working_days_needs_an_explanation(letter_on, refused):
    kwargs = {"triggered_on": D(2025, 8, 1), "letter_on": letter_on, "calendar": WEEKDAYS}
    if refused:
        assert refusal(lr.check_official_transfer_start, explanation="", **kwargs) == {
            "start_late_explanation": [
                "Giấy giới thiệu ngày 25/10/2025 quá hạn: đảng viên phải làm thủ tục chuyển sinh "
                "hoạt đảng trong 60 ngày làm việc kể từ ngày 01/08/2025, tức đến hết ngày "
                "24/10/2025. Ghi giải trình lý do chậm (Quy định 294-QĐ/TW, mục 6.3.1)."
            ]
        }
        lr.check_official_transfer_start(explanation="Đảng viên đi công tác dài ngày.", **kwargs)
    else:
        lr.check_official_transfer_start(explanation="", **kwargs)


def test_transfer_start_late_under_qd_232_cites_qd_232():
    message = refusal(
        lr.check_official_transfer_start, triggered_on=D(2025, 6, 30), letter_on=D(2025, 9, 23),
        calendar=WEEKDAYS, explanation="",
    )["start_late_explanation"][0]  # fmt: skip
    assert message.endswith(
        "hết ngày 22/09/2025. Ghi giải trình lý do chậm (Quy định 232-QĐ/TW, mục 6.3)."
    )


@pytest.mark.parametrize(
    ("triggered_on", "checked"),
    [(D(2016, 7, 24), False), (D(2016, 7, 25), True), (D(2016, 7, 26), True)],
)
def test_transfers_are_checked_from_qd_29(triggered_on, checked):
    kwargs = {"triggered_on": triggered_on, "letter_on": D(2017, 6, 1), "calendar": WEEKDAYS}
    if checked:
        with pytest.raises(DomainError, match=r"Quy định 29-QĐ/TW, mục 6\.3"):
            lr.check_official_transfer_start(explanation="", **kwargs)
    else:
        lr.check_official_transfer_start(explanation="", **kwargs)


# --------------------------------------------------------------------------
# QĐ 294 mục 6.3.1: present the letter within 30 working days of its date
# --------------------------------------------------------------------------


def test_qd_294_6_3_1_letter_is_valid_30_working_days():
    assert lr.transfer_letter_valid_until(D(2025, 8, 1), WEEKDAYS) == D(2025, 9, 12)


@pytest.mark.parametrize(
    ("received_on", "refused"),
    [(D(2025, 9, 11), False), (D(2025, 9, 12), False), (D(2025, 9, 13), True)],
)
def test_qd_294_6_3_1_arrival_after_30_working_days_needs_an_explanation(received_on, refused):
    kwargs = {"letter_on": D(2025, 8, 1), "received_on": received_on, "calendar": WEEKDAYS}
    if refused:
        assert refusal(lr.check_transfer_letter_presented, explanation="", **kwargs) == {
            "late_explanation": [
                "Đảng viên xuất trình giấy giới thiệu ngày 13/09/2025, quá 30 ngày làm việc kể "
                "từ ngày giới thiệu 01/08/2025 (hạn đến hết ngày 12/09/2025). Ghi giải trình của "
                "đảng viên hoặc tổ chức có trách nhiệm (Quy định 294-QĐ/TW, mục 6.3.1)."
            ]
        }
        lr.check_transfer_letter_presented(explanation="Ốm phải nằm viện.", **kwargs)
    else:
        lr.check_transfer_letter_presented(explanation="", **kwargs)


def test_an_arrival_before_the_letter_is_refused():
    assert refusal(
        lr.check_transfer_letter_presented, letter_on=D(2025, 8, 1), received_on=D(2025, 7, 31),
        calendar=WEEKDAYS, explanation="có",
    ) == {"received_on": ["Ngày tiếp nhận (31/07/2025) không thể trước ngày giới thiệu (01/08/2025)."]}  # fmt: skip


# --------------------------------------------------------------------------
# QĐ 29 mục 6.3: temporary transfer from 3 months to under 1 year (study: to 2 years)
# --------------------------------------------------------------------------

FROM = D(2025, 1, 15)


def temporary(reason, until, ground=""):
    lr.check_temporary_transfer_length(
        reason=reason, planned_from=FROM, planned_until=until, special_case_ground=ground
    )


@pytest.mark.parametrize(
    ("until", "refused"), [(D(2025, 4, 14), True), (D(2025, 4, 15), False), (D(2025, 4, 16), False)]
)
def test_qd_29_6_3_temporary_transfer_lasts_at_least_3_months(until, refused):
    if refused:
        assert refusal(temporary, reason="WORK_CHANGE", until=until) == {
            "special_case_ground": [
                "Sinh hoạt đảng tạm thời từ 3 tháng trở lên; từ 15/01/2025 đến 14/04/2025 chưa đủ "
                "3 tháng. Ngoài thời hạn này chỉ là trường hợp đặc biệt do Ban Bí thư quy định: "
                "ghi căn cứ (Quy định 24-QĐ/TW, mục 6.3)."
            ]
        }
    else:
        temporary("WORK_CHANGE", until)


@pytest.mark.parametrize(
    ("until", "refused"), [(D(2026, 1, 13), False), (D(2026, 1, 14), False), (D(2026, 1, 15), True)]
)
def test_qd_29_6_3_temporary_transfer_for_work_or_residence_is_under_one_year(until, refused):
    if refused:
        assert refusal(temporary, reason="RESIDENCE", until=until)["special_case_ground"] == [
            "Sinh hoạt đảng tạm thời khi thay đổi nơi công tác, nơi ở từ 3 tháng đến dưới 1 năm; "
            "từ 15/01/2025 đến 15/01/2026 từ 1 năm trở lên. Ngoài thời hạn này chỉ là trường hợp "
            "đặc biệt do Ban Bí thư quy định: ghi căn cứ (Quy định 24-QĐ/TW, mục 6.3)."
        ]
    else:
        temporary("RESIDENCE", until)


@pytest.mark.parametrize(
    ("until", "refused"), [(D(2027, 1, 14), False), (D(2027, 1, 15), False), (D(2027, 1, 16), True)]
)
def test_qd_29_6_3_temporary_transfer_for_full_time_study_is_up_to_two_years(until, refused):
    if refused:
        assert refusal(temporary, reason="STUDY", until=until)["special_case_ground"] == [
            "Đi học tập trung được sinh hoạt đảng tạm thời từ 3 tháng đến 2 năm; từ 15/01/2025 "
            "đến 16/01/2027 quá 2 năm. Ngoài thời hạn này chỉ là trường hợp đặc biệt do Ban Bí "
            "thư quy định: ghi căn cứ (Quy định 24-QĐ/TW, mục 6.3)."
        ]
    else:
        temporary("STUDY", until)


def test_a_special_case_recorded_allows_another_length():
    temporary("WORK_CHANGE", D(2025, 2, 15), ground="Công văn 123-CV/BBT")
    temporary("STUDY", D(2028, 1, 15), ground="Trường hợp đặc biệt theo Ban Bí thư")


def test_a_temporary_transfer_must_end_after_it_starts():
    assert refusal(temporary, reason="STUDY", until=FROM, ground="x") == {
        "planned_until": ["Ngày dự kiến trở về (15/01/2025) phải sau ngày bắt đầu (15/01/2025)."]
    }


# --------------------------------------------------------------------------
# Striking off (QĐ 24/294 mục 8.1; Điều lệ Đ5 k2, Đ8 k3)
# --------------------------------------------------------------------------

DECISION = {
    "decision_number": "12-QĐ/ĐU",
    "decision_signed_on": D(2025, 8, 1),
    "decision_issuer": "Đảng ủy Công ty A",
}
NO_DECISION = {"decision_number": "", "decision_signed_on": None, "decision_issuer": ""}


def striking(on, reason_code="", status=rules.OFFICIAL, **decision):
    return lr.striking_off_errors(
        on=on, reason_code=reason_code, reason_label="Đảng viên dự bị không đủ điều kiện công nhận chính thức",
        status_before=status, **(decision or DECISION),
    )  # fmt: skip


def test_qd_294_8_1_striking_off_needs_a_ground_and_the_decision():
    assert striking(D(2025, 8, 1), **NO_DECISION) == {
        "reason_code": (
            "Cần chọn lý do xóa tên (Quy định 294-QĐ/TW, mục 8.1; Điều lệ Đảng, Điều 5 khoản 2 "
            "và Điều 8 khoản 3)."
        ),
        "decision_number": (
            "Cần ghi số quyết định xóa tên của cấp ủy có thẩm quyền (Quy định 294-QĐ/TW, mục 8.1)."
        ),
        "decision_signed_on": "Cần ghi ngày ký quyết định xóa tên.",
        "decision_issuer": "Cần ghi cấp ủy ra quyết định xóa tên.",
    }


@pytest.mark.parametrize(
    "ground",
    ["MISSED_ACTIVITY_OR_DUES", "CARD_RETURNED", "NO_PROGRESS", "STANDARDS_BREACHED",
     "POLITICAL_STANDARDS", "WITHDRAWAL"],
)  # fmt: skip
def test_each_ground_with_its_decision_is_accepted(ground):
    assert striking(D(2025, 8, 1), ground) == {}


def test_the_decision_number_cites_the_source_of_the_ground():
    errors = striking(D(2025, 8, 1), "WITHDRAWAL", **NO_DECISION)
    assert errors["decision_number"] == (
        "Cần ghi số quyết định xóa tên của cấp ủy có thẩm quyền (Điều lệ Đảng, Điều 8 khoản 3)."
    )
    errors = striking(D(2021, 7, 29), "CARD_RETURNED", **NO_DECISION)
    assert errors["decision_number"].endswith("(Quy định 29-QĐ/TW, mục 8.1).")


@pytest.mark.parametrize(
    ("status", "refused"),
    [(rules.PROBATIONARY, False), (rules.OFFICIAL, True), (rules.EXEMPT, True)],
)
def test_dieu_le_d5_k2_probation_not_recognised_only_strikes_a_probationer(status, refused):
    errors = striking(D(2025, 8, 1), "PROBATION_NOT_RECOGNISED", status)
    if refused:
        assert errors == {
            "reason_code": (
                "Lý do «Đảng viên dự bị không đủ điều kiện công nhận chính thức» chỉ áp dụng cho "
                "đảng viên dự bị; ngày 01/08/2025 đồng chí không phải đảng viên dự bị (Điều lệ "
                "Đảng, Điều 5 khoản 2)."
            )
        }
    else:
        assert errors == {}


@pytest.mark.parametrize(
    ("on", "checked"), [(D(2016, 7, 24), False), (D(2016, 7, 25), True), (D(2016, 7, 26), True)]
)
def test_striking_off_is_checked_for_facts_from_qd_29(on, checked):
    assert bool(striking(on, **NO_DECISION)) is checked


# --------------------------------------------------------------------------
# Expulsion (Điều lệ Đ35; QĐ 69 Đ7)
# --------------------------------------------------------------------------


def test_expulsion_needs_the_discipline_decision():
    assert lr.expulsion_errors(on=D(2025, 8, 1), status_before=rules.OFFICIAL, **NO_DECISION) == {
        "decision_number": (
            "Khai trừ là hình thức kỷ luật: cần ghi số quyết định kỷ luật khai trừ (Điều lệ Đảng, "
            "Điều 35)."
        ),
        "decision_signed_on": "Cần ghi ngày ký quyết định khai trừ.",
        "decision_issuer": "Cần ghi tổ chức đảng hoặc ủy ban kiểm tra ra quyết định khai trừ.",
    }
    assert lr.expulsion_errors(on=D(2025, 8, 1), status_before=rules.OFFICIAL, **DECISION) == {}


def test_dieu_le_d35_a_probationer_is_not_expelled():
    assert lr.expulsion_errors(on=D(2025, 8, 1), status_before=rules.PROBATIONARY, **DECISION) == {
        "kind": (
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo, không bị khai trừ (Điều lệ "
            "Đảng, Điều 35; Quy định 69-QĐ/TW, Điều 7)."
        )
    }


# --------------------------------------------------------------------------
# Exemption (Điều lệ Đ7; QĐ 24 mục 7.1; HD 27-HD/BTCTW 2009)
# --------------------------------------------------------------------------


BORN = D(1965, 3, 10)


def exemption(on, reason_code, sex="M", grounds="", born=BORN, old_age=None):
    return lr.exemption_errors(
        on=on, reason_code=reason_code, grounds=grounds, sex=sex, date_of_birth=born,
        old_age=old_age or lr.OLD_AGE_DEFAULT,
    )  # fmt: skip


def test_dieu_le_d7_exemption_needs_its_ground_it_is_not_automatic_on_age():
    assert exemption(D(2025, 8, 1), "") == {
        "reason_code": (
            "Cần ghi căn cứ miễn công tác và sinh hoạt đảng (tuổi cao hoặc sức khỏe yếu): chi bộ "
            "xem xét, quyết định theo đề nghị của đảng viên (Điều lệ Đảng, Điều 7; Quy định "
            "294-QĐ/TW, mục 7.1)."
        )
    }


@pytest.mark.parametrize(
    ("on", "refused"), [(D(2025, 3, 9), True), (D(2025, 3, 10), False), (D(2025, 3, 11), False)]
)
def test_hd_27_old_age_is_60_for_men(on, refused):
    errors = exemption(on, "OLD_AGE")
    if refused:
        assert errors == {
            "reason_code": (
                "Căn cứ tuổi cao: đảng viên nam từ đủ 60 tuổi (Hướng dẫn 27-HD/BTCTW ngày "
                "26/03/2009); ngày 09/03/2025 đồng chí mới 59 tuổi."
            )
        }
    else:
        assert errors == {}


@pytest.mark.parametrize(
    ("on", "refused"), [(D(2020, 3, 9), True), (D(2020, 3, 10), False), (D(2020, 3, 11), False)]
)
def test_hd_27_old_age_is_55_for_women(on, refused):
    assert bool(exemption(on, "OLD_AGE", sex="F")) is refused


def test_the_old_age_threshold_is_a_committee_setting():
    assert exemption(D(2025, 3, 10), "OLD_AGE", old_age={"M": 62, "F": 60})["reason_code"] == (
        "Căn cứ tuổi cao: đảng viên nam từ đủ 62 tuổi (Hướng dẫn 27-HD/BTCTW ngày 26/03/2009); "
        "ngày 10/03/2025 đồng chí mới 60 tuổi."
    )


def test_hd_27_frail_health_is_written_down():
    assert exemption(D(2025, 8, 1), "FRAIL_HEALTH") == {
        "grounds": (
            "Căn cứ sức khỏe yếu: ghi bệnh phải điều trị dài ngày (từ 3 tháng trở lên) hoặc hồ sơ "
            "bệnh án (Hướng dẫn 27-HD/BTCTW ngày 26/03/2009)."
        )
    }
    assert exemption(D(2025, 8, 1), "FRAIL_HEALTH", grounds="Điều trị ung thư từ 01/2025") == {}


def test_a_ground_of_another_kind_of_event_is_refused():
    assert lr.reason_errors(
        rules.EXEMPTED, "CARD_RETURNED", reason_label="Tự ý trả thẻ",
        kind_label="Miễn công tác và sinh hoạt đảng",
    ) == {"reason_code": "Lý do «Tự ý trả thẻ» không dùng cho sự kiện «Miễn công tác và sinh hoạt đảng»."}  # fmt: skip
    assert lr.reason_errors(rules.DIED, "", reason_label="", kind_label="Từ trần") == {}


# --------------------------------------------------------------------------
# Party age with gaps (Điều lệ Đ5 k4; mục 4.5.1, 4.5.2)
# --------------------------------------------------------------------------


def _expelled_and_readmitted():
    return rules.derive_states([
        Event(rules.ADMITTED, D(2000, 1, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(2001, 1, 1), None, seq=2),
        Event(rules.EXPELLED, D(2005, 1, 1), None, seq=3),
        Event(rules.READMITTED, D(2008, 1, 1), 1, seq=4),
        Event(rules.MADE_OFFICIAL, D(2009, 1, 1), None, seq=5),
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("on", "years"), [(D(2012, 12, 30), 9), (D(2012, 12, 31), 10), (D(2013, 1, 1), 10)]
)
def test_dieu_le_d5_k4_readmitted_party_age_runs_from_the_first_admission_minus_the_gap(on, years):
    # Counted in days: 10 years from 01/01/2000 are 3 653 days of membership; 1 095 days were
    # spent expelled, so they are reached on 31/12/2012 (the leap day of 2012 comes after).
    assert rules.party_age_years(D(2000, 1, 1), _expelled_and_readmitted(), on) == years


def test_party_age_days_deduct_exactly_the_days_outside_the_party():
    states = _expelled_and_readmitted()
    gap = (D(2008, 1, 1) - D(2005, 1, 1)).days
    assert rules.party_age_days(D(2000, 1, 1), states, D(2008, 1, 1)) == (
        (D(2008, 1, 1) - D(2000, 1, 1)).days - gap
    )
    # The day of expulsion is the first day outside; the day of readmission counts again.
    assert (
        rules.party_age_days(D(2000, 1, 1), states, D(2005, 1, 1))
        == (D(2005, 1, 1) - D(2000, 1, 1)).days
    )
    assert (
        rules.party_age_days(D(2000, 1, 1), states, D(2006, 6, 1))
        == (D(2005, 1, 1) - D(2000, 1, 1)).days
    )


@pytest.mark.parametrize("on", [D(2004, 12, 31), D(2005, 1, 1), D(2030, 1, 1)])
def test_party_age_stops_while_struck_off_and_not_readmitted(on):
    states = rules.derive_states([
        Event(rules.ADMITTED, D(2000, 1, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(2001, 1, 1), None, seq=2),
        Event(rules.STRUCK_OFF, D(2005, 1, 1), None, seq=3),
    ])  # fmt: skip
    assert rules.party_age_years(D(2000, 1, 1), states, on) == (4 if on < D(2005, 1, 1) else 5)


def test_two_gaps_are_both_deducted():
    states = rules.derive_states([
        Event(rules.ADMITTED, D(1990, 1, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(1991, 1, 1), None, seq=2),
        Event(rules.STRUCK_OFF, D(1993, 1, 1), None, seq=3),
        Event(rules.READMITTED, D(1995, 1, 1), 1, seq=4),
        Event(rules.MADE_OFFICIAL, D(1996, 1, 1), None, seq=5),
        Event(rules.EXPELLED, D(2005, 1, 1), None, seq=6),
        Event(rules.READMITTED, D(2006, 1, 1), 1, seq=7),
    ])  # fmt: skip
    # 30 calendar years to 01/01/2020 minus 2 + 1 years outside: 27 years reached on 01/01/2020.
    assert rules.party_age_years(D(1990, 1, 1), states, D(2019, 12, 31)) == 26
    assert rules.party_age_years(D(1990, 1, 1), states, D(2020, 1, 1)) == 27
    assert rules.party_age_years(D(1990, 1, 1), states, D(2020, 1, 2)) == 27
