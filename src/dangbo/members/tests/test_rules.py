import datetime as dt

import pytest

from dangbo.core.errors import DomainError
from dangbo.members import rules
from dangbo.members.rules import Event

D = dt.date


def test_age_counts_whole_years():
    assert rules.age_on(D(2000, 5, 10), D(2018, 5, 9)) == 17
    assert rules.age_on(D(2000, 5, 10), D(2018, 5, 10)) == 18
    assert rules.age_on(D(2000, 5, 10), D(2018, 5, 11)) == 18


@pytest.mark.parametrize(
    ("admitted", "refused"),
    [(D(2018, 5, 9), True), (D(2018, 5, 10), False), (D(2018, 5, 11), False)],
)
def test_dieu_le_d1_admission_needs_age_18(admitted, refused):
    events = [Event(rules.ADMITTED, admitted, 1)]
    if refused:
        with pytest.raises(DomainError, match="đủ 18 tuổi"):
            rules.derive_states(events, date_of_birth=D(2000, 5, 10))
    else:
        assert (
            rules.derive_states(events, date_of_birth=D(2000, 5, 10))[0].status
            == rules.PROBATIONARY
        )


BORN = D(2000, 5, 10)


@pytest.mark.parametrize(
    ("admitted", "exception", "refusal"),
    [
        (D(2000, 5, 9), True, "trước ngày sinh"),  # the day before birth
        (BORN, True, "chưa đủ 16 tuổi"),  # the birth date itself
        (D(2016, 5, 9), True, "chưa đủ 16 tuổi"),  # the day before the 16th birthday
        (D(2016, 5, 10), True, None),  # the 16th birthday
        (D(2016, 5, 11), True, None),
        (D(2016, 5, 10), False, "đủ 18 tuổi"),  # without an exception 16 is not enough
        (D(2018, 5, 9), False, "đủ 18 tuổi"),
        (D(2018, 5, 10), False, None),
        (D(2000, 5, 9), False, "trước ngày sinh"),
    ],
)
def test_dieu_le_d1_an_age_exception_never_goes_below_16_nor_before_birth(
    admitted, exception, refusal
):
    found = rules.dieu_le_dieu_1_admission_age(BORN, admitted, age_exception=exception)
    if refusal is None:
        assert found is None
    else:
        assert refusal in found
    events = [Event(rules.ADMITTED, admitted, 1)]
    if refusal is None:
        rules.derive_states(events, date_of_birth=BORN, age_exception=exception)
    else:
        with pytest.raises(DomainError, match=refusal):
            rules.derive_states(events, date_of_birth=BORN, age_exception=exception)


def test_states_follow_the_events():
    events = [
        Event(rules.ADMITTED, D(2015, 3, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(2016, 3, 1), None, seq=2),
        Event(rules.MOVED, D(2019, 1, 1), 2, seq=3),
        Event(rules.EXEMPTED, D(2022, 1, 1), None, seq=4),
        Event(rules.EXEMPTION_ENDED, D(2023, 1, 1), None, seq=5),
    ]
    states = rules.derive_states(events)
    assert [(s.status, s.organization_id, s.valid_from, s.valid_until) for s in states] == [
        ("PROBATIONARY", 1, D(2015, 3, 1), D(2016, 3, 1)),
        ("OFFICIAL", 1, D(2016, 3, 1), D(2019, 1, 1)),
        ("OFFICIAL", 2, D(2019, 1, 1), D(2022, 1, 1)),
        ("EXEMPTED", 2, D(2022, 1, 1), D(2023, 1, 1)),
        ("OFFICIAL", 2, D(2023, 1, 1), None),
    ]


@pytest.mark.parametrize("official_on", [D(2015, 2, 28), D(2015, 3, 1)])
def test_official_date_on_or_before_admission_is_refused(official_on):
    events = [
        Event(rules.ADMITTED, D(2015, 3, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, official_on, None, seq=2),
    ]
    with pytest.raises(DomainError) as exc:
        rules.derive_states(events)
    assert "official_on" in exc.value.message_dict


def test_official_date_after_admission_is_accepted():
    events = [
        Event(rules.ADMITTED, D(2015, 3, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(2015, 3, 2), None, seq=2),
    ]
    assert rules.derive_states(events)[-1].status == rules.OFFICIAL


def test_nothing_follows_death():
    events = [
        Event(rules.ADMITTED, D(2015, 3, 1), 1, seq=1),
        Event(rules.DIED, D(2020, 1, 1), None, seq=2),
        Event(rules.MOVED, D(2021, 1, 1), 2, seq=3),
    ]
    with pytest.raises(DomainError, match="từ trần"):
        rules.derive_states(events)


def test_first_event_must_be_an_admission():
    with pytest.raises(DomainError, match="kết nạp"):
        rules.derive_states([Event(rules.MOVED, D(2015, 3, 1), 1)])


def test_readmission_only_after_leaving():
    events = [
        Event(rules.ADMITTED, D(2000, 1, 1), 1, seq=1),
        Event(rules.READMITTED, D(2010, 1, 1), 1, seq=2),
    ]
    with pytest.raises(DomainError, match="kết nạp lại"):
        rules.derive_states(events)


def test_transfer_out_and_back_in_keeps_status():
    events = [
        Event(rules.ADMITTED, D(2010, 1, 1), 1, seq=1),
        Event(rules.MADE_OFFICIAL, D(2011, 1, 1), None, seq=2),
        Event(rules.TRANSFERRED_OUT, D(2015, 1, 1), None, seq=3),
        Event(rules.TRANSFERRED_IN, D(2017, 1, 1), 3, seq=4),
    ]
    states = rules.derive_states(events)
    assert states[-2].status == rules.OUT
    assert (states[-1].status, states[-1].organization_id) == (rules.OFFICIAL, 3)


def _gap_states():
    return rules.derive_states(
        [
            Event(rules.ADMITTED, D(2000, 1, 1), 1, seq=1),
            Event(rules.MADE_OFFICIAL, D(2001, 1, 1), None, seq=2),
            Event(rules.STRUCK_OFF, D(2005, 1, 1), None, seq=3),
            Event(rules.READMITTED, D(2006, 1, 1), 1, seq=4),
        ]
    )


def test_party_age_runs_from_first_admission_without_gaps():
    states = rules.derive_states([Event(rules.ADMITTED, D(2015, 7, 26), 1)])
    # Worked example of the implementing regulation: admitted 26/07/2015 counts from that day.
    assert rules.party_age_years(D(2015, 7, 26), states, D(2025, 7, 25)) == 9
    assert rules.party_age_years(D(2015, 7, 26), states, D(2025, 7, 26)) == 10
    assert rules.party_age_years(D(2015, 7, 26), states, D(2025, 7, 27)) == 10


def test_party_age_excludes_the_time_struck_off():
    states = _gap_states()
    gap = (D(2006, 1, 1) - D(2005, 1, 1)).days
    assert (
        rules.party_age_days(D(2000, 1, 1), states, D(2020, 1, 1))
        == (D(2020, 1, 1) - D(2000, 1, 1)).days - gap
    )
    # 11 calendar years minus a one-year gap: 10 years reached on 01/01/2011, not before.
    assert rules.party_age_years(D(2000, 1, 1), states, D(2010, 12, 31)) == 9
    assert rules.party_age_years(D(2000, 1, 1), states, D(2011, 1, 1)) == 10
    assert rules.party_age_years(D(2000, 1, 1), states, D(2011, 1, 2)) == 10


def test_status_on_a_date():
    states = _gap_states()
    assert rules.status_on(states, D(2004, 12, 31)).status == rules.OFFICIAL
    assert rules.status_on(states, D(2005, 1, 1)).status == rules.STRUCK
    assert rules.status_on(states, D(2006, 1, 1)).status == rules.PROBATIONARY
    assert rules.status_on(states, D(1999, 1, 1)) is None
