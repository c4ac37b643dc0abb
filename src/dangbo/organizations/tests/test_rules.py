import datetime as dt

import pytest

from dangbo.organizations import rules
from dangbo.organizations.rules import KindPair

PAIRS = [
    KindPair("PROVINCIAL", "BLOC", None, dt.date(2025, 7, 1)),
    KindPair("PROVINCIAL", "SUPERIOR", dt.date(2025, 7, 1), None),
    KindPair("GRASSROOTS_DANG_BO", "DEPENDENT_CELL"),
]


@pytest.mark.parametrize(
    ("on", "bloc", "superior"),
    [
        (dt.date(2025, 6, 30), True, False),  # the day before QĐ 294-QĐ/TW takes effect
        (dt.date(2025, 7, 1), False, True),  # the day it takes effect
        (dt.date(2025, 7, 2), False, True),
    ],
)
def test_qd294_ends_provincial_blocs_and_opens_superior_level(on, bloc, superior):
    assert rules.nesting_allowed("PROVINCIAL", "BLOC", on, PAIRS) is bloc
    assert rules.nesting_allowed("PROVINCIAL", "SUPERIOR", on, PAIRS) is superior


def test_pairs_without_dates_always_apply():
    assert rules.nesting_allowed("GRASSROOTS_DANG_BO", "DEPENDENT_CELL", dt.date(1990, 1, 1), PAIRS)
    assert not rules.nesting_allowed(
        "DEPENDENT_CELL", "GRASSROOTS_DANG_BO", dt.date(1990, 1, 1), PAIRS
    )


def test_subtree_bound_selects_exactly_the_subtree():
    root = "00000001.00000002."
    bound = rules.subtree_upper_bound(root)
    inside = ["00000001.00000002.", "00000001.00000002.00000009."]
    outside = ["00000001.00000003.", "00000001.", "00000001.00000020."]
    assert all(root <= p < bound for p in inside)
    assert not any(root <= p < bound for p in outside)


def _warnings(**kw):
    base = {
        "member_count": 10,
        "official_count": 10,
        "is_cell": False,
        "is_grassroots_cell": False,
        "is_grassroots_dang_bo": False,
    }
    base.update(kw)
    return [w.code for w in rules.structure_warnings(kind="X", **base)]


@pytest.mark.parametrize(("official", "warned"), [(2, True), (3, False), (4, False)])
def test_dieu_le_d24_cell_needs_three_official_members(official, warned):
    assert ("below_minimum" in _warnings(is_cell=True, official_count=official)) is warned


@pytest.mark.parametrize(("members", "warned"), [(29, False), (30, True), (31, True)])
def test_dieu_le_d21_grassroots_cell_of_30_members_should_be_a_dang_bo(members, warned):
    codes = _warnings(is_cell=True, is_grassroots_cell=True, member_count=members)
    assert ("cell_too_large" in codes) is warned


@pytest.mark.parametrize(("members", "warned"), [(29, True), (30, False), (31, False)])
def test_dieu_le_d21_grassroots_dang_bo_below_30_members_needs_approval(members, warned):
    codes = _warnings(is_grassroots_dang_bo=True, member_count=members)
    assert ("dang_bo_too_small" in codes) is warned


@pytest.mark.parametrize(
    ("on", "allowed"),
    [
        (dt.date(2025, 6, 30), True),  # the day before QĐ 294-QĐ/TW ends the district level
        (dt.date(2025, 7, 1), False),  # the day it takes effect
        (dt.date(2025, 7, 2), False),
    ],
)
def test_a_district_committee_founded_from_qd294_cannot_be_the_top(on, allowed):
    assert (rules.top_kind_refusal("DISTRICT", on) == "") is allowed


@pytest.mark.parametrize("kind", ["SUB_DANG_BO", "DEPENDENT_CELL"])
def test_a_kind_that_exists_only_inside_a_grassroots_dang_bo_is_never_the_top(kind):
    refusal = rules.top_kind_refusal(kind, dt.date(2000, 1, 1))
    assert "đảng bộ cơ sở" in refusal
    assert "Điều lệ Đảng" in refusal


@pytest.mark.parametrize(
    "kind",
    ["CENTRAL", "PROVINCIAL", "BLOC", "SUPERIOR", "DELEGATED_SUPERIOR", "GRASSROOTS_DANG_BO",
     "GRASSROOTS_CELL"],
)  # fmt: skip
def test_an_organization_with_its_own_committee_may_be_the_top(kind):
    assert rules.top_kind_refusal(kind, dt.date(2026, 1, 1)) == ""
