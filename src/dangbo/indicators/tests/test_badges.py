"""The badge indicators: awarded in a period and due at the next occasion, by milestone."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.awards import services as award_services
from dangbo.awards.tests.factories import (
    BadgeAwardFactory,
    add_event,
    badge_tree,
    member_admitted,
    struck_off_and_readmitted,
)
from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL
from dangbo.members.models import MemberEvent

pytestmark = pytest.mark.django_db

d = dt.date


def values(org, code, on, start=None):
    return selectors.figure(org, code, on=on, start=start).result.values()


def nonzero(vals):
    return {k: v for k, v in vals.items() if v}


def assert_drilldowns_match(org, code, on, start=None):
    figure = selectors.figure(org, code, on=on, start=start)
    for row in figure.result.all_rows:
        records = selectors.records(org, code, row.key, on=on, start=start)[1]
        assert records.count() == row.value, (code, row.key)


@pytest.fixture
def world():
    tree = badge_tree()
    m = {
        "a": member_admitted(tree.c1, d(1995, 1, 10)),
        "b": member_admitted(tree.c1, d(1985, 1, 10)),
        "c": member_admitted(tree.c2, d(1978, 3, 1)),
        "other": member_admitted(tree.o1, d(1995, 1, 10)),
    }
    return tree, m


def test_badges_awarded_counts_the_decisions_signed_in_the_period(world):
    tree, m = world
    BadgeAwardFactory(member=m["a"], milestone=30, decision_signed_on=d(2025, 1, 20))
    BadgeAwardFactory(member=m["b"], milestone=40, decision_signed_on=d(2025, 8, 7))
    BadgeAwardFactory(member=m["c"], milestone=50, decision_signed_on=d(2024, 12, 31))
    voided = BadgeAwardFactory(member=m["c"], milestone=45, decision_signed_on=d(2025, 3, 1))
    award_services.void_award(actor=None, award=voided, reason="Nhầm")
    original = m["a"].badge_awards.get()
    award_services.reissue_award(actor=None, award=original, reason="Mất")  # not a new award
    BadgeAwardFactory(member=m["other"], milestone=30, decision_signed_on=d(2025, 1, 20))

    assert nonzero(values(tree.db1, "awards.badges_awarded", d(2025, 12, 31))) == {
        "30": 1, "40": 1, TOTAL: 2,
    }  # fmt: skip
    assert nonzero(values(tree.db1, "awards.badges_awarded", d(2025, 8, 6))) == {
        "30": 1, TOTAL: 1,
    }  # fmt: skip
    assert nonzero(
        values(tree.db1, "awards.badges_awarded", d(2025, 12, 31), start=d(2024, 1, 1))
    ) == {"30": 1, "40": 1, "50": 1, TOTAL: 3}
    assert nonzero(values(tree.top, "awards.badges_awarded", d(2025, 12, 31))) == {
        "30": 2, "40": 1, TOTAL: 3,
    }  # fmt: skip
    for on in (d(2025, 8, 6), d(2025, 12, 31)):
        assert_drilldowns_match(tree.db1, "awards.badges_awarded", on)


def test_badges_awarded_rows_and_drilldown_links(world):
    tree, m = world
    BadgeAwardFactory(member=m["a"], milestone=30, decision_signed_on=d(2025, 1, 20))
    result = selectors.figure(tree.db1, "awards.badges_awarded", on=d(2025, 12, 31)).result

    assert [r.key for r in result.rows] == [
        "30", "40", "45", "50", "55", "60", "65", "70", "75", "80", "85", "90",
    ]  # fmt: skip
    assert result.row("30").label == "30 năm tuổi Đảng"
    assert result.row("30").url == (
        "/o/DB1/indicators/awards.badges_awarded/30/?from=01%2F01%2F2025&to=31%2F12%2F2025"
    )
    records = selectors.records(tree.db1, "awards.badges_awarded", "30", on=d(2025, 12, 31))[1]
    assert list(records) == [m["a"]]


def test_badges_due_counts_the_membership_due_at_the_next_occasion(world):
    tree, m = world
    # On 20/12/2024 the next occasion is 03/02/2025: a reaches 30 and b 40 on 10/01/2025;
    # c passed 45 on 01/03/2023 without a badge (50 only in 2028).
    on = d(2024, 12, 20)
    assert nonzero(values(tree.db1, "awards.badges_due", on)) == {
        "30": 1, "40": 1, "45": 1, TOTAL: 3,
    }  # fmt: skip
    assert_drilldowns_match(tree.db1, "awards.badges_due", on)
    records = selectors.records(tree.db1, "awards.badges_due", "30", on=on)[1]
    assert list(records) == [m["a"]]


def test_badges_due_as_of_a_date_ignores_later_awards_and_events(world):
    tree, m = world
    on = d(2024, 12, 20)
    BadgeAwardFactory(member=m["a"], milestone=30, decision_signed_on=d(2025, 1, 20))
    BadgeAwardFactory(member=m["b"], milestone=40, decision_signed_on=d(2024, 12, 1))
    add_event(m["c"], MemberEvent.Kind.DIED, d(2025, 6, 1))

    assert nonzero(values(tree.db1, "awards.badges_due", on)) == {"30": 1, "45": 1, TOTAL: 2}
    # After the award for a, and with c dead, only the posthumous case remains: not counted.
    assert nonzero(values(tree.db1, "awards.badges_due", d(2025, 7, 1))) == {}
    assert_drilldowns_match(tree.db1, "awards.badges_due", on)


def test_badges_due_deducts_the_gap_from_party_age(world):
    tree, m = world
    struck_off_and_readmitted(m["a"], d(2000, 3, 1), d(2001, 3, 1))  # 30 years on 10/01/2026
    assert values(tree.db1, "awards.badges_due", d(2024, 12, 20))["30"] == 0
    assert values(tree.db1, "awards.badges_due", d(2025, 12, 20))["30"] == 1


def test_the_badge_indicators_are_registered_and_documented():
    awarded = registry.get("awards.badges_awarded")
    due = registry.get("awards.badges_due")
    assert (awarded.time, due.time) == (registry.PERIOD, registry.AS_OF)
    assert awarded.records == due.records == registry.RecordKind.MEMBERS
    assert "Hướng dẫn 01-HD/TW" in awarded.description
    assert due.list_records is not None


def test_a_date_in_the_first_centuries_gives_zeros(world):
    tree, _m = world
    for code in ("awards.badges_awarded", "awards.badges_due"):
        assert not any(values(tree.top, code, d(1, 1, 1)).values())
