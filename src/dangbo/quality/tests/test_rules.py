"""The data-quality checks, each at its boundaries (the day before, of and after)."""

import datetime as dt

import pytest

from dangbo.core.text import fold
from dangbo.members import rules as member_rules
from dangbo.members.rules import Event
from dangbo.quality import rules
from dangbo.quality.rules import MemberFacts, OrgFacts

D = dt.date
TODAY = D(2026, 6, 15)


def facts(**kw) -> MemberFacts:
    """A clean record of an official member; keywords change it."""
    base = {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": D(1980, 5, 17),
        "sex": "M",
        "ethnicity": "01",
        "personal_id_number": "001080012345",
        "card_number": "12345678",
        "admitted_on": D(2005, 3, 1),
        "official_on": D(2006, 3, 1),
        "admission_age_exception": "",
        "organization_code": "CB01",
        "status": "OFFICIAL",
    }
    base.update(kw)
    return MemberFacts(**base)


def found(f: MemberFacts, today: dt.date = TODAY) -> list[tuple[str, str, str]]:
    return [(p.check, p.field, p.severity) for p in rules.member_fact_problems(f, today=today)]


def test_a_clean_record_has_no_problem():
    assert rules.member_fact_problems(facts(), today=TODAY) == []


def test_every_field_is_optional_and_an_empty_record_lacks_the_required_ones():
    assert found(MemberFacts()) == [
        ("missing_required", "full_name", "error"),
        ("missing_required", "date_of_birth", "error"),
        ("missing_required", "sex", "error"),
        ("missing_required", "admitted_on", "error"),
        ("missing_required", "organization_code", "error"),
    ]


def test_blank_text_counts_as_missing():
    assert found(facts(full_name="   ", organization_code="")) == [
        ("missing_required", "full_name", "error"),
        ("missing_required", "organization_code", "error"),
    ]


@pytest.mark.parametrize(
    ("status", "official_on", "warned"),
    [
        ("OFFICIAL", D(2006, 3, 1), True),
        ("EXEMPTED", D(2006, 3, 1), True),  # an exempted official member keeps the card
        (None, D(2006, 3, 1), True),  # an import row: the official date tells
        ("", D(2006, 3, 1), True),
        ("PROBATIONARY", None, False),  # cards go to official members only
        (None, None, False),
        ("TRANSFERRED_OUT", D(2006, 3, 1), False),  # gone: the card left with the member
        ("DECEASED", D(2006, 3, 1), False),
    ],
)
def test_chi_thi_51_official_member_without_card_number_is_a_warning(status, official_on, warned):
    f = facts(card_number=None, status=status, official_on=official_on, admitted_on=D(2025, 1, 5))
    result = [
        p for p in rules.member_fact_problems(f, today=D(2025, 6, 1)) if p.field == "card_number"
    ]
    assert bool(result) is warned
    if warned:
        assert result[0].severity == "warning"
        assert "Chỉ thị 51-CT/TW" in result[0].message


# --------------------------------------------------------------------------
# Impossible dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (TODAY - dt.timedelta(days=1), None),
        (TODAY, None),
        (TODAY + dt.timedelta(days=1), ("impossible_date", "date_of_birth", "error")),
        (D(1900, 1, 2), None),
        (D(1900, 1, 1), None),
        (D(1899, 12, 31), ("impossible_date", "date_of_birth", "error")),
    ],
)
def test_birth_date_in_the_future_or_before_1900_is_impossible(birth, problem):
    # Admission left out: the age rule is tested on its own.
    result = found(facts(date_of_birth=birth, admitted_on=None, official_on=None, status=None))
    result = [r for r in result if r[1] == "date_of_birth"]
    assert result == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("admitted", "problem"),
    [
        (TODAY - dt.timedelta(days=1), None),
        (TODAY, None),
        (TODAY + dt.timedelta(days=1), ("impossible_date", "admitted_on", "error")),
        (D(1930, 2, 4), None),
        (D(1930, 2, 3), None),  # the Party's founding day
        (D(1930, 2, 2), ("impossible_date", "admitted_on", "warning")),  # a 1929 cell, perhaps
    ],
)
def test_admission_in_the_future_is_impossible_and_before_the_party_suspect(admitted, problem):
    f = facts(
        date_of_birth=D(1900, 1, 1), admitted_on=admitted, official_on=None, status="EXEMPTED"
    )
    assert [r for r in found(f) if r[0] == "impossible_date"] == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("official", "problem"),
    [
        (TODAY, None),
        (TODAY + dt.timedelta(days=1), ("impossible_date", "official_on", "error")),
    ],
)
def test_recognition_in_the_future_is_impossible(official, problem):
    f = facts(admitted_on=official - dt.timedelta(days=366), official_on=official)
    assert [r for r in found(f) if r[0] == "impossible_date"] == ([problem] if problem else [])


# --------------------------------------------------------------------------
# Điều lệ Đảng Đ1: admitted from a full 18 years
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admitted", "refused"),
    [
        (D(2018, 5, 16), True),  # the day before the 18th birthday
        (D(2018, 5, 17), False),  # the 18th birthday
        (D(2018, 5, 18), False),
    ],
)
def test_dieu_le_d1_admission_needs_a_full_18_years(admitted, refused):
    f = facts(date_of_birth=D(2000, 5, 17), admitted_on=admitted, official_on=None,
              status="PROBATIONARY", personal_id_number=None)  # fmt: skip
    problems = rules.admission_age_problems(f)
    assert bool(problems) is refused
    if refused:
        assert (problems[0].check, problems[0].field, problems[0].severity) == (
            "inconsistent_dates", "admitted_on", "error",
        )  # fmt: skip
        assert "Điều lệ Đảng, Điều 1" in problems[0].message


@pytest.mark.parametrize(
    ("admitted", "refused"),
    [(D(2022, 2, 28), True), (D(2022, 3, 1), False)],
)
def test_dieu_le_d1_born_on_29_february_is_18_on_1_march(admitted, refused):
    f = facts(date_of_birth=D(2004, 2, 29), admitted_on=admitted)
    assert bool(rules.admission_age_problems(f)) is refused


def test_dieu_le_d1_gives_way_to_a_noted_exception():
    f = facts(date_of_birth=D(1930, 5, 17), admitted_on=D(1946, 6, 1), official_on=D(1947, 6, 1),
              admission_age_exception="Kết nạp trong kháng chiến, tuổi 16")  # fmt: skip
    assert rules.admission_age_problems(f) == []
    assert rules.admission_age_problems(
        facts(admission_age_exception="  ", date_of_birth=D(1990, 1, 1))
    )


@pytest.mark.parametrize(
    ("admitted", "impossible"),
    [
        (D(1979, 1, 1), True),  # before birth
        (D(1980, 5, 17), True),  # the birth date itself
        (D(1996, 5, 16), True),  # the day before the 16th birthday
        (D(1996, 5, 17), False),  # the 16th birthday
        (D(1996, 5, 18), False),
    ],
)
def test_an_age_exception_never_covers_an_admission_before_birth_or_16(admitted, impossible):
    f = facts(date_of_birth=D(1980, 5, 17), admitted_on=admitted, official_on=None,
              status="PROBATIONARY", admission_age_exception="Kết nạp trong kháng chiến")  # fmt: skip
    problems = rules.admission_age_problems(f)
    if impossible:
        assert [(p.check, p.field, p.severity) for p in problems] == [
            ("impossible_date", "admitted_on", "error")
        ]
    else:
        assert problems == []


def test_admission_before_birth_says_so():
    f = facts(date_of_birth=D(1980, 5, 17), admitted_on=D(1979, 1, 1), official_on=None)
    [problem] = rules.admission_age_problems(f)
    assert "trước ngày sinh" in problem.message


@pytest.mark.parametrize(
    ("admitted", "warned"),
    [
        (D(2020, 1, 15), False),  # the 60th birthday
        (D(2020, 2, 14), False),  # 60 years and 0 full months beyond
        (D(2020, 2, 15), True),  # 60 years and 1 month: past "a full 60 years"
    ],
)
def test_qd_29_on_d1_k2_admission_above_a_full_60_years_is_a_warning(admitted, warned):
    f = facts(date_of_birth=D(1960, 1, 15), admitted_on=admitted, official_on=None)
    problems = rules.admission_age_problems(f)
    assert [(p.check, p.severity) for p in problems] == (
        [("inconsistent_dates", "warning")] if warned else []
    )
    f = facts(date_of_birth=D(1960, 1, 15), admitted_on=admitted, admission_age_exception="CV 12")
    assert rules.admission_age_problems(f) == []


@pytest.mark.parametrize(
    ("admitted", "warned"),
    [(D(2016, 7, 24), False), (D(2016, 7, 25), True), (D(2016, 7, 26), True)],
)
def test_the_60_year_limit_applies_from_qd_29_of_25_07_2016(admitted, warned):
    f = facts(date_of_birth=D(1950, 1, 1), admitted_on=admitted, official_on=None)
    assert bool(rules.admission_age_problems(f)) is warned


# --------------------------------------------------------------------------
# Điều lệ Đảng Đ5: 12 months of probation
# --------------------------------------------------------------------------


def probation(admitted, official, status="OFFICIAL", today=TODAY):
    f = facts(
        admitted_on=admitted, official_on=official, status=status, date_of_birth=D(1980, 1, 1)
    )
    return [(p.check, p.severity) for p in rules.probation_problems(f, today=today)]


@pytest.mark.parametrize(
    ("official", "expected"),
    [
        (D(2015, 7, 25), [("inconsistent_dates", "error")]),  # the day before admission
        (D(2015, 7, 26), [("inconsistent_dates", "error")]),  # the day of admission
        (D(2015, 7, 27), [("inconsistent_dates", "warning")]),  # the next day: too short
        (D(2016, 7, 24), [("inconsistent_dates", "warning")]),
        (D(2016, 7, 25), []),  # the day before the anniversary (the first day counted in)
        (D(2016, 7, 26), []),  # the anniversary (the guidance's example)
        (D(2016, 7, 27), []),
    ],
)
def test_dieu_le_d5_recognition_after_12_months_of_probation(official, expected):
    assert probation(D(2015, 7, 26), official) == expected


@pytest.mark.parametrize(
    ("admitted", "official", "expected"),
    [
        (D(2011, 1, 18), D(2011, 6, 18), []),  # before the 2011 Statute: not judged
        (D(2011, 1, 19), D(2011, 6, 18), [("inconsistent_dates", "warning")]),
        (D(2005, 1, 1), D(2005, 1, 1), [("inconsistent_dates", "error")]),  # any era
    ],
)
def test_short_probation_is_judged_from_the_2011_statute(admitted, official, expected):
    assert probation(admitted, official) == expected


@pytest.mark.parametrize(
    ("official", "warned"),
    [(D(2017, 7, 25), False), (D(2017, 7, 26), False), (D(2017, 7, 27), True)],
)
def test_recognition_more_than_24_months_after_admission_is_a_warning(official, warned):
    assert probation(D(2015, 7, 26), official) == (
        [("inconsistent_dates", "warning")] if warned else []
    )


@pytest.mark.parametrize(
    ("today", "status", "warned"),
    [
        (D(2025, 7, 9), "PROBATIONARY", False),
        (D(2025, 7, 10), "PROBATIONARY", False),  # 18 months after admission
        (D(2025, 7, 11), "PROBATIONARY", True),  # the day after
        (D(2025, 7, 11), None, True),  # an import row without an official date
        (D(2025, 7, 11), "STRUCK_OFF", False),
        (D(2025, 7, 11), "TRANSFERRED_OUT", False),
    ],
)
def test_dieu_le_d5_probationer_still_waiting_after_18_months(today, status, warned):
    result = probation(D(2024, 1, 10), None, status=status, today=today)
    assert result == ([("inconsistent_dates", "warning")] if warned else [])


# --------------------------------------------------------------------------
# Personal identity number (Nghị định 137/2015/NĐ-CP, Điều 13)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "sex", "birth", "expected"),
    [
        ("001080012345", "M", D(1980, 5, 17), []),
        (" 001080012345 ", "M", D(1980, 5, 17), []),
        ("00108001234", "M", D(1980, 5, 17), [("error", "12 chữ số")]),  # 11 digits
        ("0010800123456", "M", D(1980, 5, 17), [("error", "12 chữ số")]),  # 13 digits
        ("00108001234A", "M", D(1980, 5, 17), [("error", "12 chữ số")]),
        ("００１080012345", "M", D(1980, 5, 17), [("error", "12 chữ số")]),  # full-width digits
        ("001180012345", "F", D(1980, 5, 17), []),  # 1: a woman born 1900–1999
        ("001301012345", "F", D(2001, 1, 1), []),  # 3: a woman born 2000–2099
        ("001201012345", "M", D(2001, 1, 1), []),
        ("001081012345", "M", D(1980, 5, 17), [("warning", "năm sinh 1981")]),
        ("001280012345", "M", D(1980, 5, 17), [("warning", "năm sinh 2080")]),
        ("001180012345", "M", D(1980, 5, 17), [("warning", "giới tính nữ")]),
        ("000080012345", "M", D(1980, 5, 17), [("warning", "mã tỉnh")]),
        ("096080012345", "M", D(1980, 5, 17), []),
        ("097080012345", "M", D(1980, 5, 17), [("warning", "mã tỉnh")]),
        ("001080012345", None, None, []),
    ],
)
def test_personal_id_has_12_digits_matching_sex_and_birth_year(number, sex, birth, expected):
    problems = rules.personal_id_problems(
        facts(personal_id_number=number, sex=sex, date_of_birth=birth)
    )
    assert [p.severity for p in problems] == [e[0] for e in expected]
    for problem, (_, words) in zip(problems, expected, strict=True):
        assert problem.check == "invalid_identifier"
        assert words in problem.message


def test_no_personal_id_is_no_problem():
    assert rules.personal_id_problems(facts(personal_id_number=None)) == []
    assert rules.personal_id_problems(facts(personal_id_number="")) == []


# --------------------------------------------------------------------------
# Probable duplicates
# --------------------------------------------------------------------------


def test_duplicates_fold_accents_case_and_spaces():
    groups = rules.duplicate_groups([
        (1, "Nguyễn Văn Đức", D(1980, 1, 2), None),
        (2, "NGUYEN  VAN DUC ", D(1980, 1, 2), None),
        (3, "Nguyễn Văn Đức", D(1980, 1, 3), None),  # another birth date
        (4, "Nguyễn Văn Đúc", D(1980, 1, 2), None),
        (5, "Lê Thị Hoa", D(1980, 1, 2), None),
    ])  # fmt: skip
    [group] = groups
    assert group.check == "duplicate_name_birth"
    assert group.keys == (1, 2, 4)
    assert group.severity == "warning"
    assert group.full_name == "Nguyễn Văn Đức"
    assert "«Nguyễn Văn Đức», «NGUYEN  VAN DUC »" in group.message


def test_duplicates_with_one_spelling_say_same_name():
    [group] = rules.duplicate_groups([
        ("a", "Trần Thị Bích", D(1979, 5, 1), None),
        ("b", "trần  thị bích", D(1979, 5, 1), None),  # case and spaces only
    ])  # fmt: skip
    assert group.message.startswith("2 hồ sơ cùng họ tên «Trần Thị Bích» và ngày sinh 01/05/1979")


def test_duplicates_by_personal_id_are_errors_and_keys_come_once():
    groups = rules.duplicate_groups([
        (("file", 2), "Lê Văn A", D(1980, 1, 1), "001080012345"),
        (("db", 7), "Lê Văn B", D(1981, 1, 1), " 001080012345"),
        (("db", 7), "Lê Văn B", D(1981, 1, 1), "001080012345"),
        (("file", 3), None, None, "001080099999"),
        (("file", 4), "", D(1980, 1, 1), ""),
        (("file", 5), None, D(1980, 1, 1), None),
    ])  # fmt: skip
    [group] = groups
    assert group.check == "duplicate_personal_id"
    assert group.keys == (("file", 2), ("db", 7))
    assert group.severity == "error"
    assert group.personal_id_number == "001080012345"


def test_duplicate_groups_come_in_first_seen_order():
    groups = rules.duplicate_groups([
        (1, "B", D(1990, 1, 1), "001090000001"),
        (2, "A", D(1990, 1, 1), None),
        (3, "A", D(1990, 1, 1), "001090000001"),
        (4, "B", D(1990, 1, 1), None),
    ])  # fmt: skip
    assert [(g.check, g.keys) for g in groups] == [
        ("duplicate_name_birth", (1, 4)),
        ("duplicate_name_birth", (2, 3)),
        ("duplicate_personal_id", (1, 3)),
    ]


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Văn  Đức", "ĐẶNG THỊ ỬNG", "Lê\u00a0Thị", "Ngô\tBảo Châu ", "Nguye\u0302\u0303n Văn",
     "Müller", "Ōta Ǖ", "Иван", "李小龍", "", "   "],
)  # fmt: skip
def test_fold_name_is_core_text_fold(name):
    assert rules.fold_name(name) == fold(name)


# --------------------------------------------------------------------------
# Stored status against the events
# --------------------------------------------------------------------------

ADMIT = Event(member_rules.ADMITTED, D(2010, 3, 1), 7, 1, "Kết nạp")
OFFICIAL = Event(member_rules.MADE_OFFICIAL, D(2011, 3, 1), None, 2, "Công nhận")
MOVE = Event(member_rules.MOVED, D(2015, 1, 1), 8, 3, "Chuyển")


ADMITTED_ON, OFFICIAL_ON = D(2010, 3, 1), D(2011, 3, 1)


def stored(status="OFFICIAL", org=7, admitted=ADMITTED_ON, official=OFFICIAL_ON):
    return {
        "status": status,
        "organization_id": org,
        "admitted_on": admitted,
        "official_on": official,
    }


@pytest.mark.parametrize(
    ("events", "record"),
    [
        ([ADMIT], stored("PROBATIONARY", official=None)),
        ([ADMIT, OFFICIAL], stored()),
        ([OFFICIAL, ADMIT], stored()),
        ([ADMIT, OFFICIAL, MOVE], stored(org=8)),
        ([], stored("", org=None, admitted=None, official=None)),
    ],
)
def test_a_record_that_agrees_with_its_events_has_no_problem(events, record):
    assert rules.status_problems(events=events, **record) == []


def test_status_drift_names_both_values():
    problems = rules.status_problems(
        events=[ADMIT, OFFICIAL], org_names={7: "Chi bộ A", 8: "Chi bộ B"},
        **stored("PROBATIONARY", org=8, official=None),
    )  # fmt: skip
    assert [(p.check, p.field) for p in problems] == [
        ("status_mismatch", "status"),
        ("status_mismatch", "organization"),
        ("status_mismatch", "official_on"),
    ]
    assert problems[0].message == "Tình trạng lưu là «Dự bị», theo các sự kiện là «Chính thức»."
    assert problems[1].message == (
        "Tổ chức sinh hoạt lưu là «Chi bộ B», theo các sự kiện là «Chi bộ A»."
    )
    assert problems[2].message == "Ngày chính thức lưu là (trống), theo các sự kiện là 01/03/2011."


def test_contradictory_events_are_an_error():
    early = Event(member_rules.MADE_OFFICIAL, D(2010, 3, 1), None, 2, "Công nhận")
    [problem] = rules.status_problems(events=[ADMIT, early], **stored())
    assert (problem.check, problem.field, problem.severity) == (
        "status_mismatch",
        "events",
        "error",
    )
    assert "phải sau ngày vào Đảng" in problem.message


@pytest.mark.parametrize(
    "events",
    [
        [ADMIT],
        [ADMIT, OFFICIAL],
        [OFFICIAL, ADMIT],
        [ADMIT, Event(member_rules.MADE_OFFICIAL, D(2010, 3, 2), None, 2)],
        [Event(member_rules.ADMITTED, D(2010, 3, 1), None, 1)],
    ],
)
def test_the_quick_path_gives_what_derive_states_gives(events):
    states = member_rules.derive_states(events)
    admitted, official = member_rules.admission_dates(events)
    expected = (states[-1].status, states[-1].organization_id, admitted, official)
    assert rules._simple_history(events) == expected


def test_other_histories_take_the_general_path():
    assert rules._simple_history([ADMIT, OFFICIAL, MOVE]) is None
    assert rules._simple_history([OFFICIAL]) is None
    assert (
        rules._simple_history([ADMIT, Event(member_rules.MADE_OFFICIAL, D(2010, 3, 1), None, 2)])
        is None
    )


# --------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("official", "warned"), [(2, True), (3, False), (4, False)])
def test_dieu_le_d21_d24_cell_needs_three_official_members(official, warned):
    problems = rules.below_minimum_problems(
        kind="DEPENDENT_CELL", member_count=40, official_count=official, is_cell=True,
        is_grassroots_dang_bo=False,
    )  # fmt: skip
    assert [(p.check, p.severity) for p in problems] == (
        [("below_minimum", "warning")] if warned else []
    )
    if warned:
        assert "Điều lệ Đảng, Điều 21" in problems[0].message


def test_below_minimum_keeps_to_its_rule():
    # A grassroots cell of 40 members is also "too large"; that is another warning, not this one.
    problems = rules.below_minimum_problems(
        kind="GRASSROOTS_CELL", member_count=40, official_count=40, is_cell=True,
        is_grassroots_dang_bo=False,
    )  # fmt: skip
    assert problems == []


def org(**kw) -> OrgFacts:
    base = {"code": "CS1", "name": "Đảng bộ X", "kind": "GRASSROOTS_DANG_BO", "is_grassroots": True,
            "sector_code": "HCNN", "established_on": D(2000, 1, 1)}  # fmt: skip
    base.update(kw)
    return OrgFacts(**base)


def org_found(**kw):
    return [(p.check, p.field, p.severity) for p in rules.org_fact_problems(org(**kw), today=TODAY)]


def test_a_clean_organization_has_no_problem():
    assert org_found() == []


def test_organization_required_fields():
    assert org_found(name=" ", kind=None, established_on=None) == [
        ("missing_required", "name", "error"),
        ("missing_required", "kind", "error"),
        ("missing_required", "established_on", "error"),
    ]


def test_grassroots_organization_without_sector_is_a_warning():
    assert org_found(sector_code=None) == [("missing_required", "sector", "warning")]
    assert org_found(sector_code=None, is_grassroots=False, kind="DEPENDENT_CELL") == []


@pytest.mark.parametrize(
    ("founded", "expected"),
    [
        (TODAY, []),
        (TODAY + dt.timedelta(days=1), [("impossible_date", "established_on", "error")]),
        (D(1930, 2, 3), []),
        (D(1930, 2, 2), [("impossible_date", "established_on", "warning")]),
    ],
)
def test_organization_founding_date(founded, expected):
    assert org_found(established_on=founded) == expected


@pytest.mark.parametrize(
    ("dissolved", "expected"),
    [
        (D(1999, 12, 31), [("inconsistent_dates", "dissolved_on", "error")]),
        (D(2000, 1, 1), []),
        (TODAY, []),
        (TODAY + dt.timedelta(days=1), [("impossible_date", "dissolved_on", "error")]),
    ],
)
def test_organization_dissolution_date(dissolved, expected):
    assert org_found(dissolved_on=dissolved) == expected


# --------------------------------------------------------------------------
# Month arithmetic
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2015, 7, 26), 12, D(2016, 7, 26)),
        (D(2020, 2, 29), 12, D(2021, 2, 28)),
        (D(2020, 1, 31), 1, D(2020, 2, 29)),
        (D(2021, 1, 31), 1, D(2021, 2, 28)),
        (D(2020, 12, 15), 1, D(2021, 1, 15)),
        (D(9999, 6, 1), 12, dt.date.max),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_every_problem_code_has_a_title():
    assert set(rules.CHECKS) == {
        "missing_required", "impossible_date", "inconsistent_dates", "invalid_identifier",
        "duplicate_name_birth", "duplicate_personal_id", "status_mismatch", "below_minimum",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("founded", "warned"),
    [(D(2009, 12, 31), True), (D(2010, 1, 1), False), (D(2010, 1, 2), False)],
)
def test_an_organization_founded_before_its_parent_is_a_warning(founded, warned):
    problem = rules.founded_before_parent(
        founded=founded, parent_founded=D(2010, 1, 1), parent_name="Đảng bộ A"
    )
    assert (problem is not None) is warned
    if warned:
        assert (problem.check, problem.field, problem.severity) == (
            "inconsistent_dates", "established_on", "warning",
        )  # fmt: skip
        assert "«Đảng bộ A»" in problem.message


@pytest.mark.parametrize(
    ("on", "kind", "warned"),
    [
        (D(2009, 12, 31), "ADMITTED", True),
        (D(2010, 1, 1), "ADMITTED", False),
        (D(2010, 1, 2), "ADMITTED", False),
        (D(2009, 12, 31), "MOVED", True),
        (D(2009, 12, 31), "EXEMPTED", False),  # places no one anywhere
    ],
)
def test_a_member_placed_in_an_organization_before_its_founding_is_a_warning(on, kind, warned):
    problem = rules.placed_before_founding(
        kind=kind, label="Kết nạp", on=on, org_name="Chi bộ A1", founded=D(2010, 1, 1)
    )
    assert (problem is not None) is warned
    if warned:
        assert problem.severity == "warning"
        assert problem.field == ("admitted_on" if kind == "ADMITTED" else "events")
