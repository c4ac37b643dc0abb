"""The badge rules at their boundaries: the day before, the day of, the day after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangbo.awards import rules
from dangbo.awards.rules import Discipline, PartyRecord
from dangbo.members.rules import State, party_age_years

d = dt.date
ONE_DAY = dt.timedelta(days=1)
ADMITTED = d(1997, 1, 10)  # 30 years of party age on 10/01/2027


def official_since(admitted_on: dt.date, *later: State) -> tuple[State, ...]:
    first = State("PROBATIONARY", 1, admitted_on, d(admitted_on.year + 1, admitted_on.month, 1))
    official = State("OFFICIAL", 1, first.valid_until, later[0].valid_from if later else None)
    return (first, official, *later)


def gap_year(admitted_on: dt.date, struck_on: dt.date, readmitted_on: dt.date) -> tuple[State, ...]:
    """Struck off from ``struck_on``, readmitted on ``readmitted_on`` (official a year later)."""
    back = d(readmitted_on.year + 1, readmitted_on.month, readmitted_on.day)
    return official_since(
        admitted_on,
        State("STRUCK_OFF", 1, struck_on, readmitted_on),
        State("PROBATIONARY", 1, readmitted_on, back),
        State("OFFICIAL", 1, back, None),
    )


def died(admitted_on: dt.date, died_on: dt.date) -> tuple[State, ...]:
    return official_since(admitted_on, State("DECEASED", 1, died_on, None))


# --------------------------------------------------------------------------
# HD 01-HD/TW 2021, mục 18: milestones, early windows, occasions
# --------------------------------------------------------------------------


def test_hd01_2021_muc18_milestones_are_30_to_90_years():
    assert rules.MILESTONES == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
    assert rules.is_milestone(45)
    assert not rules.is_milestone(35)


@pytest.mark.parametrize(("milestone", "months"), [(30, 12), (65, 12), (70, 24), (90, 24)])
def test_hd01_2021_muc18_early_award_is_12_months_to_65_years_and_24_from_70(milestone, months):
    assert rules.early_award_months(milestone) == months


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (d(2027, 2, 2), [d(2027, 2, 3), d(2027, 5, 19), d(2027, 9, 2)]),
        (d(2027, 2, 3), [d(2027, 2, 3), d(2027, 5, 19), d(2027, 9, 2)]),
        (d(2027, 2, 4), [d(2027, 5, 19), d(2027, 9, 2), d(2027, 11, 7)]),
        (d(2027, 11, 8), [d(2028, 2, 3), d(2028, 5, 19), d(2028, 9, 2)]),
    ],
)
def test_award_occasions_are_3_2_19_5_2_9_and_7_11_from_the_day_itself(after, expected):
    assert rules.award_occasions(after, 3) == expected


def test_occasions_between_two_days_and_the_one_before():
    assert rules.award_occasions_between(d(2027, 2, 3), d(2027, 9, 1)) == [
        d(2027, 2, 3),
        d(2027, 5, 19),
    ]
    assert rules.award_occasions_between(d(2027, 2, 4), d(2027, 2, 5)) == []
    assert rules.previous_occasion(d(2027, 2, 3)) == d(2026, 11, 7)
    assert rules.previous_occasion(d(2027, 2, 4)) == d(2027, 2, 3)
    assert rules.previous_occasion(d(1, 1, 5)) is None


def test_occasion_label_names_the_anniversary():
    assert rules.occasion_label(d(2026, 9, 2)) == "Đợt 02/09/2026 (Kỷ niệm Quốc khánh)"
    assert rules.occasion_label(d(2026, 8, 19)) == "Đợt 19/08/2026"


@pytest.mark.parametrize(
    ("since", "cutoff", "expected"),
    [
        (d(2027, 2, 2), rules.CUTOFF_ON_OCCASION, d(2027, 2, 3)),
        (d(2027, 2, 3), rules.CUTOFF_ON_OCCASION, d(2027, 2, 3)),
        (d(2027, 2, 4), rules.CUTOFF_ON_OCCASION, d(2027, 5, 19)),
        (d(2027, 11, 8), rules.CUTOFF_END_OF_YEAR, d(2027, 2, 3)),
    ],
)
def test_first_eligible_occasion_after_reaching_the_milestone(since, cutoff, expected):
    assert rules.first_eligible_occasion(since, cutoff) == expected


def test_first_posthumous_occasion_follows_the_death_whatever_the_cutoff():
    assert rules.first_eligible_occasion(
        d(2027, 2, 4), rules.CUTOFF_END_OF_YEAR, posthumous=True
    ) == d(2027, 5, 19)


@pytest.mark.parametrize(
    ("cutoff", "expected"),
    [(rules.CUTOFF_ON_OCCASION, d(2027, 5, 19)), (rules.CUTOFF_END_OF_YEAR, d(2027, 12, 31))],
)
def test_cutoff_for_an_occasion_is_the_occasion_or_the_end_of_its_year(cutoff, expected):
    assert rules.milestone_deadline(d(2027, 5, 19), cutoff) == expected


# --------------------------------------------------------------------------
# Điều lệ Đ5 k4, mục 4.5.1: party age reaches the milestone, gaps deducted
# --------------------------------------------------------------------------


def test_milestone_without_gap_is_the_anniversary_of_the_admission_decision():
    states = official_since(ADMITTED)
    reached = rules.milestone_reached_on(ADMITTED, states, 30)
    assert reached == d(2027, 1, 10)
    assert party_age_years(ADMITTED, states, reached - ONE_DAY) == 29
    assert party_age_years(ADMITTED, states, reached) == 30


def test_a_one_year_gap_pushes_the_milestone_back_by_the_days_struck_off():
    # Struck off 01/03/2000 – 01/03/2001: 365 days not counted (rules digest §8: a one-year gap
    # made a member not yet eligible on the 30th anniversary of admission).
    states = gap_year(ADMITTED, d(2000, 3, 1), d(2001, 3, 1))
    reached = rules.milestone_reached_on(ADMITTED, states, 30)
    assert reached == d(2028, 1, 10)
    assert party_age_years(ADMITTED, states, d(2027, 1, 10)) == 29
    assert party_age_years(ADMITTED, states, reached - ONE_DAY) == 29
    assert party_age_years(ADMITTED, states, reached) == 30


def test_two_gaps_each_push_the_milestone_back():
    states = official_since(
        ADMITTED,
        State("STRUCK_OFF", 1, d(1999, 1, 1), d(1999, 1, 11)),
        State("OFFICIAL", 1, d(1999, 1, 11), d(2026, 12, 31)),
        State("EXPELLED", 1, d(2026, 12, 31), d(2027, 1, 10)),
        State("OFFICIAL", 1, d(2027, 1, 10), None),
    )
    reached = rules.milestone_reached_on(ADMITTED, states, 30)
    assert reached == d(2027, 1, 10) + dt.timedelta(days=10 + 10)
    assert party_age_years(ADMITTED, states, reached - ONE_DAY) == 29
    assert party_age_years(ADMITTED, states, reached) == 30


def test_a_member_struck_off_for_good_never_reaches_the_milestone():
    states = official_since(ADMITTED, State("STRUCK_OFF", 1, d(2020, 1, 1), None))
    assert rules.milestone_reached_on(ADMITTED, states, 30) is None
    assert rules.milestone_reached_on(ADMITTED, states, 20) == d(2017, 1, 10)


def test_admission_on_29_february_completes_its_years_on_1_march():
    assert rules.milestone_reached_on(d(2000, 2, 29), (), 30) == d(2030, 3, 1)
    assert rules.milestone_reached_on(d(2000, 2, 29), (), 32) == d(2032, 2, 29)


# --------------------------------------------------------------------------
# Judging one award
# --------------------------------------------------------------------------


def refusal(states=None, admitted=ADMITTED, disciplines=(), **kwargs):
    record = PartyRecord(
        admitted, states if states is not None else official_since(admitted), disciplines
    )
    kwargs.setdefault("milestone", 30)
    return rules.badge_award_refusal(record, **kwargs)


def test_hd01_regular_award_from_the_occasion_on_which_the_milestone_is_reached():
    assert refusal(occasion_on=d(2027, 1, 10)) is None
    assert refusal(occasion_on=d(2027, 1, 11)) is None
    assert refusal(occasion_on=d(2027, 1, 9)) == (
        "milestone",
        "Đến đợt 09/01/2027 đảng viên chưa đủ 30 năm tuổi Đảng: ngày đủ 30 năm tuổi Đảng (đã trừ "
        "thời gian gián đoạn) là 10/01/2027 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )


def test_with_the_end_of_year_cutoff_a_milestone_reached_later_that_year_counts():
    late = d(1997, 11, 10)
    assert (
        refusal(admitted=late, occasion_on=d(2027, 2, 3), cutoff=rules.CUTOFF_END_OF_YEAR) is None
    )
    assert refusal(
        admitted=d(1998, 1, 1), occasion_on=d(2027, 2, 3), cutoff=rules.CUTOFF_END_OF_YEAR
    )
    assert refusal(admitted=late, occasion_on=d(2027, 2, 3))[0] == "milestone"


def test_the_one_year_gap_refuses_the_30th_anniversary_of_admission():
    states = gap_year(ADMITTED, d(2000, 3, 1), d(2001, 3, 1))
    assert refusal(states, occasion_on=d(2027, 2, 3)) == (
        "milestone",
        "Đến đợt 03/02/2027 đảng viên chưa đủ 30 năm tuổi Đảng: ngày đủ 30 năm tuổi Đảng (đã trừ "
        "thời gian gián đoạn) là 10/01/2028 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )
    assert refusal(states, occasion_on=d(2028, 2, 3)) is None


def test_hd01_early_award_up_to_12_months_before_a_30_year_milestone():
    # 30 years on 10/01/2027: an occasion 12 months before may award early, a day earlier not.
    assert refusal(occasion_on=d(2026, 1, 10), early=True) is None
    assert refusal(occasion_on=d(2026, 1, 11), early=True) is None
    assert refusal(occasion_on=d(2026, 1, 9), early=True) == (
        "early",
        "Xét tặng sớm chỉ được sớm tối đa 12 tháng đối với mốc 30 năm: đến đợt 09/01/2026, ngày "
        "đủ 30 năm tuổi Đảng (đã trừ thời gian gián đoạn) là 10/01/2027 (Hướng dẫn 01-HD/TW ngày "
        "28/09/2021, mục 18).",
    )


def test_hd01_early_award_up_to_24_months_before_a_70_year_milestone():
    admitted = d(1957, 1, 10)  # 70 years on 10/01/2027
    assert refusal(admitted=admitted, milestone=70, occasion_on=d(2025, 1, 10), early=True) is None
    assert (
        refusal(admitted=admitted, milestone=70, occasion_on=d(2025, 1, 9), early=True)[0]
        == "early"
    )


def test_an_early_award_for_a_milestone_already_reached_is_refused():
    assert refusal(occasion_on=d(2027, 2, 3), early=True) == (
        "early",
        "Đảng viên đã đủ 30 năm tuổi Đảng từ ngày 10/01/2027: không phải xét tặng sớm.",
    )


def test_hd01_posthumous_award_when_death_came_up_to_12_months_short():
    # 30 years on 10/01/2027; died 10/01/2026: exactly 12 months short.
    assert (
        refusal(died(ADMITTED, d(2026, 1, 10)), occasion_on=d(2026, 2, 3), posthumous=True) is None
    )
    assert refusal(died(ADMITTED, d(2026, 1, 9)), occasion_on=d(2026, 2, 3), posthumous=True) == (
        "posthumous",
        "Chỉ truy tặng khi đảng viên từ trần lúc còn thiếu không quá 12 tháng để đủ 30 năm tuổi "
        "Đảng: đảng viên từ trần ngày 09/01/2026, ngày đủ 30 năm tuổi Đảng (đã trừ thời gian gián "
        "đoạn) là 10/01/2027 (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )


def test_posthumous_only_for_the_dead_and_the_dead_only_posthumously():
    assert refusal(occasion_on=d(2027, 2, 3), posthumous=True) == (
        "posthumous",
        "Chỉ truy tặng Huy hiệu Đảng cho đảng viên đã từ trần (Hướng dẫn 01-HD/TW ngày "
        "28/09/2021, mục 18).",
    )
    states = died(ADMITTED, d(2027, 3, 1))
    assert refusal(states, occasion_on=d(2027, 5, 19)) == (
        "posthumous",
        "Đảng viên đã từ trần ngày 01/03/2027: Huy hiệu trao sau ngày từ trần là truy tặng "
        "(Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )
    # Awarded alive at the occasion before the death: a regular award.
    assert refusal(states, occasion_on=d(2027, 2, 3)) is None
    assert refusal(states, occasion_on=d(2027, 2, 3), posthumous=True)[0] == "posthumous"


def test_a_member_expelled_or_struck_off_at_the_occasion_is_not_eligible():
    states = official_since(ADMITTED, State("EXPELLED", 1, d(2027, 1, 20), None))
    assert refusal(states, occasion_on=d(2027, 2, 3)) == (
        "__all__",
        "Vào ngày 03/02/2027 đảng viên đã bị khai trừ, không còn là đảng viên: không xét tặng Huy "
        "hiệu Đảng (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )
    # Awarded before the expulsion: still a valid award (history).
    assert refusal(states, occasion_on=d(2027, 1, 19)) is None


def test_qd29_muc72_an_exempted_member_remains_eligible():
    states = official_since(ADMITTED, State("EXEMPTED", 1, d(2020, 1, 1), None))
    assert refusal(states, occasion_on=d(2027, 2, 3)) is None


def test_a_milestone_that_is_not_one_is_refused_naming_the_list():
    assert refusal(milestone=35, occasion_on=d(2027, 2, 3)) == (
        "milestone",
        "35 năm không phải là mốc xét tặng Huy hiệu Đảng; các mốc là 30, 40, 45, 50, 55, 60, 65, "
        "70, 75, 80, 85, 90 năm tuổi Đảng (Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18).",
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (d(2021, 9, 27), "Hướng dẫn 01-HD/TW ngày 20/09/2016"),
        (d(2021, 9, 28), "Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18"),
        (d(2016, 9, 19), "Hướng dẫn 01-HD/TW ngày 05/01/2012"),
    ],
)
def test_the_guidance_cited_is_the_one_in_force_on_the_occasion(on, expected):
    assert rules.badge_guidance(on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (d(2016, 7, 24), "Quy định 45-QĐ/TW"),
        (d(2016, 7, 25), "Quy định 29-QĐ/TW"),
        (d(2021, 7, 29), "Quy định 29-QĐ/TW"),
        (d(2021, 7, 30), "Quy định 24-QĐ/TW"),
        (d(2025, 1, 19), "Quy định 24-QĐ/TW"),
        (d(2025, 1, 20), "Quy định 232-QĐ/TW"),
        (d(2025, 6, 30), "Quy định 232-QĐ/TW"),
        (d(2025, 7, 1), "Quy định 294-QĐ/TW"),
    ],
)
def test_implementing_regulation_in_force(on, expected):
    assert rules.implementing_regulation(on) == expected


# --------------------------------------------------------------------------
# Discipline: QĐ 29 mục 27.3 until 29/07/2021, QĐ 24 from 30/07/2021
# --------------------------------------------------------------------------

PENALTY_ON = d(2021, 1, 15)


@pytest.mark.parametrize(
    ("penalty", "occasion", "expected"),
    [
        # QĐ 29-QĐ/TW mục 27.3: a reprimand does not defer, warning 6 months, removal 1 year.
        (rules.REPRIMAND, d(2021, 7, 29), PENALTY_ON),
        (rules.WARNING, d(2021, 7, 29), d(2021, 7, 15)),
        (rules.REMOVAL, d(2021, 7, 29), d(2022, 1, 15)),
        # QĐ 24-QĐ/TW from 30/07/2021: reprimand 6, warning 9, removal 12 months.
        (rules.REPRIMAND, d(2021, 7, 30), d(2021, 7, 15)),
        (rules.WARNING, d(2021, 7, 30), d(2021, 10, 15)),
        (rules.REMOVAL, d(2021, 7, 30), d(2022, 1, 15)),
        (rules.WARNING, d(2021, 7, 31), d(2021, 10, 15)),
        (rules.EXPULSION, d(2021, 7, 30), None),
    ],
)
def test_discipline_deferral_by_the_rule_in_force_at_the_occasion(penalty, occasion, expected):
    assert rules.badge_eligible_from_after_discipline(penalty, PENALTY_ON, occasion) == expected


def test_deferral_holds_until_the_day_before_the_period_ends():
    warning = Discipline(rules.WARNING, d(2026, 1, 10))  # QĐ 24 periods: 9 months, to 10/10/2026
    held = rules.discipline_deferral([warning], d(2026, 10, 9))
    assert held is not None
    assert held.until == d(2026, 10, 10)
    assert held.message() == (
        "Đảng viên bị kỷ luật cảnh cáo ngày 10/01/2026: chưa xét tặng Huy hiệu Đảng trước ngày "
        "10/10/2026 (Quy định 294-QĐ/TW)."
    )
    assert rules.discipline_deferral([warning], d(2026, 10, 10)) is None
    assert rules.discipline_deferral([warning], d(2026, 10, 11)) is None


def test_a_penalty_after_the_occasion_or_corrected_and_past_does_not_defer():
    later = Discipline(rules.REMOVAL, d(2026, 3, 1))
    assert rules.discipline_deferral([later], d(2026, 2, 3)) is None
    old = Discipline(rules.REMOVAL, d(2020, 3, 1))
    assert rules.discipline_deferral([old], d(2026, 2, 3)) is None


def test_shortcomings_not_corrected_hold_the_badge_until_the_cell_recognises_them():
    held = rules.discipline_deferral(
        [Discipline(rules.WARNING, d(2020, 3, 1), False)], d(2026, 2, 3)
    )
    assert held.until is None
    assert held.message() == (
        "Đảng viên bị kỷ luật cảnh cáo ngày 01/03/2020: chỉ xét tặng Huy hiệu Đảng khi đã sửa "
        "chữa khuyết điểm và được chi bộ công nhận (Quy định 294-QĐ/TW)."
    )


def test_under_qd29_a_reprimand_defers_nothing():
    reprimand = Discipline(rules.REPRIMAND, d(2021, 3, 1))
    assert rules.discipline_deferral([reprimand], d(2021, 5, 19)) is None
    assert rules.discipline_deferral([reprimand], d(2021, 7, 30)) is not None


def test_a_deferred_member_is_refused_naming_the_regulation():
    warning = Discipline(rules.WARNING, d(2026, 12, 1))
    assert refusal(occasion_on=d(2027, 2, 3), disciplines=(warning,)) == (
        "__all__",
        "Đảng viên bị kỷ luật cảnh cáo ngày 01/12/2026: chưa xét tặng Huy hiệu Đảng trước ngày "
        "01/09/2027 (Quy định 294-QĐ/TW).",
    )


# --------------------------------------------------------------------------
# Who is due at the coming occasions
# --------------------------------------------------------------------------

NEXT_YEAR = [d(2027, 2, 3), d(2027, 5, 19), d(2027, 9, 2), d(2027, 11, 7)]


def due(states=None, admitted=ADMITTED, **kwargs):
    record = PartyRecord(
        admitted,
        states if states is not None else official_since(admitted),
        kwargs.pop("disciplines", ()),
    )
    return rules.due_milestones(record, NEXT_YEAR, **kwargs)


def test_a_milestone_reached_before_an_occasion_is_due_at_it():
    assert due() == [rules.DueMilestone(30, d(2027, 2, 3), d(2027, 1, 10), rules.REGULAR)]
    # Reached on the day of the second occasion: due at it, not the first.
    assert due(admitted=d(1997, 5, 19)) == [
        rules.DueMilestone(30, d(2027, 5, 19), d(2027, 5, 19), rules.REGULAR)
    ]
    assert due(admitted=d(1997, 5, 20))[0].occasion_on == d(2027, 9, 2)


def test_a_milestone_passed_without_a_badge_is_due_at_the_first_occasion_flagged_overdue():
    items = due(admitted=d(1985, 6, 1))  # 40 years on 01/06/2025, 45 on 01/06/2030
    assert items == [rules.DueMilestone(40, d(2027, 2, 3), d(2025, 6, 1), rules.REGULAR, True)]
    assert due(admitted=d(1985, 6, 1), awarded=[40]) == []
    assert due(admitted=d(1985, 6, 1), awarded=[30]) == items


def test_a_passed_milestone_gives_way_to_the_next_one_reached_at_the_coming_occasions():
    # 30 years passed in 2017 without a badge; 40 years on 01/05/2027: only the 40.
    assert due(admitted=d(1987, 5, 1)) == [
        rules.DueMilestone(40, d(2027, 5, 19), d(2027, 5, 1), rules.REGULAR)
    ]


def test_a_passed_milestone_gives_way_to_the_next_one_within_its_early_window():
    record = PartyRecord(d(1987, 5, 1), official_since(d(1987, 5, 1)))
    # 40 years on 01/05/2027, within 12 months of 03/02/2027: early 40, not overdue 30.
    assert rules.due_milestones(record, [d(2027, 2, 3)]) == [
        rules.DueMilestone(40, d(2027, 2, 3), d(2027, 5, 1), rules.EARLY)
    ]
    assert rules.due_milestones(record, [d(2027, 2, 3)], include_early=False) == []
    # A year earlier the 40 is still more than 12 months away: the overdue 30 is listed.
    assert rules.due_milestones(record, [d(2026, 2, 3)]) == [
        rules.DueMilestone(30, d(2026, 2, 3), d(2017, 5, 1), rules.REGULAR, True)
    ]


def test_reached_on_the_previous_occasion_is_overdue_the_day_after_is_not():
    assert due(admitted=d(1996, 11, 7))[0].overdue is True
    assert due(admitted=d(1996, 11, 8))[0].overdue is False


def test_early_candidates_within_the_window_after_the_last_occasion():
    # 30 years on 01/12/2027, after the last occasion (07/11/2027): early at the first one
    # within 12 months of it.
    items = due(admitted=d(1997, 12, 1))
    assert items == [rules.DueMilestone(30, d(2027, 2, 3), d(2027, 12, 1), rules.EARLY)]
    assert due(admitted=d(1997, 12, 1), include_early=False) == []
    assert due(admitted=d(1998, 11, 8)) == []  # 07/11/2028: beyond 12 months of any occasion


def test_a_member_who_died_short_of_a_milestone_is_due_posthumously():
    states = died(ADMITTED, d(2026, 6, 1))  # died 7 months short of 30 years
    assert due(states) == [
        rules.DueMilestone(30, d(2027, 2, 3), d(2027, 1, 10), rules.POSTHUMOUS, True)
    ]
    assert due(states, include_posthumous=False) == []
    assert due(died(ADMITTED, d(2025, 12, 1))) == []  # 13 months short


def test_a_gap_moves_the_member_to_a_later_occasion():
    states = gap_year(d(1996, 1, 10), d(2000, 3, 1), d(2001, 3, 1))  # 30 years on 10/01/2027
    assert [(i.milestone, i.occasion_on) for i in due(states, admitted=d(1996, 1, 10))] == [
        (30, d(2027, 2, 3))
    ]


def test_discipline_moves_the_award_to_the_first_occasion_after_the_wait():
    warning = Discipline(rules.WARNING, d(2026, 10, 1))  # 9 months: from 01/07/2027
    items = due(disciplines=(warning,))
    assert [(i.occasion_on, i.deferral) for i in items] == [(d(2027, 9, 2), None)]
    uncorrected = Discipline(rules.WARNING, d(2026, 10, 1), False)
    items = due(disciplines=(uncorrected,))
    assert items[0].occasion_on == d(2027, 2, 3)
    assert items[0].deferral.until is None


# --------------------------------------------------------------------------
# HD 56-HD/VPTW 2015 mục IV.2: gift = multiple × base salary on the decision date
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "salary"),
    [
        (d(2019, 6, 30), None),
        (d(2019, 7, 1), Decimal(1_490_000)),
        (d(2019, 7, 2), Decimal(1_490_000)),
        (d(2023, 6, 30), Decimal(1_490_000)),
        (d(2023, 7, 1), Decimal(1_800_000)),
        (d(2023, 7, 2), Decimal(1_800_000)),
        (d(2024, 6, 30), Decimal(1_800_000)),
        (d(2024, 7, 1), Decimal(2_340_000)),
        (d(2024, 7, 2), Decimal(2_340_000)),
    ],
)
def test_base_salary_by_nd38_2019_nd24_2023_nd73_2024(on, salary):
    assert rules.base_salary_on(on) == salary


@pytest.mark.parametrize(
    ("milestone", "gift"),
    [
        (30, 3_510_000), (40, 4_680_000), (50, 7_020_000), (55, 8_190_000), (60, 11_700_000),
        (65, 14_040_000), (70, 18_720_000), (75, 23_400_000), (80, 35_100_000),
    ],
)  # fmt: skip
def test_hd56_gift_multiples_on_the_2024_base_salary(milestone, gift):
    assert rules.badge_gift(milestone, d(2025, 8, 7)) == Decimal(gift)


def test_gift_follows_the_base_salary_on_the_decision_date():
    assert rules.badge_gift(30, d(2024, 6, 30)) == Decimal(2_700_000)
    assert rules.badge_gift(30, d(2024, 7, 1)) == Decimal(3_510_000)


def test_gift_unknown_for_45_85_90_unless_a_multiple_is_set():
    assert rules.badge_gift(45, d(2025, 8, 7)) is None
    assert rules.badge_gift(85, d(2025, 8, 7)) is None
    assert rules.badge_gift(45, d(2025, 8, 7), multiple=Decimal("2.5")) == Decimal(5_850_000)


def test_no_gift_before_hd56_or_before_the_tabled_base_salary():
    assert rules.badge_gift(30, d(2015, 10, 26)) is None
    assert rules.badge_gift(30, d(2019, 6, 30)) is None
