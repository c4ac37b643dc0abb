"""Changes in the membership over a period: transfers in and out, exemptions, endings.

    DUK (bloc)                            KHAC (bloc)
    ├ G1 đảng bộ cơ sở                    └ G4 chi bộ cơ sở
    │ ├ C11 chi bộ trực thuộc
    │ └ C12 chi bộ trực thuộc
    └ G2 chi bộ cơ sở  → moved under KHAC on 01/10/2025

In 2025: m1 moves C11 → C12 (01/03); m2 moves G4 → G2 (01/04); m3 leaves G2 for a
province outside (01/05); m4 arrives in C11 from outside (01/06); m5 is exempted in C12
(01/02, old age); m6 struck off in C11 (01/07, card returned); m7 struck off in G2
(15/07, withdrawal); m8 expelled in G2 (01/08); m9 dies in C12 (01/09); m10, voided,
moves C11 → G4 (01/03).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL, Query
from dangbo.members import services as members
from dangbo.members import transfers
from dangbo.members.models import Member, MemberEvent
from dangbo.organizations import services as orgs
from dangbo.organizations.models import Organization, OrgKind

D = dt.date
Kind = MemberEvent.Kind
pytestmark = pytest.mark.django_db
END = D(2025, 12, 31)
CODES = [
    "members.transfers_in", "members.transfers_out", "members.exemptions", "members.struck_off",
    "members.expelled", "members.deaths",
]  # fmt: skip
DECISION = {
    "decision_number": "9-QĐ/ĐU",
    "decision_signed_on": D(2025, 1, 1),
    "decision_issuer": "ĐU",
}


@dataclass
class World:
    duk: Organization
    khac: Organization
    g1: Organization
    c11: Organization
    c12: Organization
    g2: Organization
    g4: Organization
    m: dict[str, Member]


def _org(code, kind, parent) -> Organization:
    return orgs.found_organization(
        actor=None, code=code, name=f"Tổ chức {code}", kind=kind, parent=parent,
        established_on=D(1990, 1, 1),
    )  # fmt: skip


def _member(org, name, born=None) -> Member:
    return members.create_member(
        actor=None, organization=org, admitted_on=D(2000, 1, 1), official_on=D(2001, 1, 1),
        full_name=name, date_of_birth=born or D(1960, 1, 1), sex="M",
    )  # fmt: skip


def _event(member, kind, on, **kwargs):
    members.record_event(actor=None, member=member, kind=kind, happened_on=on, **kwargs)


@pytest.fixture
def w() -> World:
    duk = _org("DUK", OrgKind.BLOC, None)
    khac = _org("KHAC", OrgKind.BLOC, None)
    g1 = _org("G1", OrgKind.GRASSROOTS_DANG_BO, duk)
    c11 = _org("C11", OrgKind.DEPENDENT_CELL, g1)
    c12 = _org("C12", OrgKind.DEPENDENT_CELL, g1)
    g2 = _org("G2", OrgKind.GRASSROOTS_CELL, duk)
    g4 = _org("G4", OrgKind.GRASSROOTS_CELL, khac)
    m = {
        "m1": _member(c11, "Một"), "m2": _member(g4, "Hai"), "m3": _member(g2, "Ba"),
        "m5": _member(c12, "Năm", born=D(1960, 1, 1)), "m6": _member(c11, "Sáu"),
        "m7": _member(g2, "Bảy"), "m8": _member(g2, "Tám"), "m9": _member(c12, "Chín"),
        "m10": _member(c11, "Mười"),
    }  # fmt: skip
    _event(m["m1"], Kind.MOVED, D(2025, 3, 1), organization=c12)
    _event(m["m2"], Kind.MOVED, D(2025, 4, 1), organization=g2)
    _event(m["m3"], Kind.TRANSFERRED_OUT, D(2025, 5, 1), other_party="Tỉnh khác")
    m["m4"] = transfers.receive_from_outside(
        actor=None, organization=c11, received_on=D(2025, 6, 1), other_party="Tỉnh khác",
        reason="WORK_CHANGE", letter_number="1-GGT/TU", letter_on=D(2025, 5, 26),
        letter_issuer="Tỉnh ủy khác", admitted_on=D(2010, 1, 1), official_on=D(2011, 1, 1),
        full_name="Bốn", date_of_birth=D(1985, 1, 1), sex="M",
    ).member  # fmt: skip
    _event(m["m5"], Kind.EXEMPTED, D(2025, 2, 1), reason_code="OLD_AGE")
    _event(m["m6"], Kind.STRUCK_OFF, D(2025, 7, 1), reason_code="CARD_RETURNED", **DECISION)
    _event(m["m7"], Kind.STRUCK_OFF, D(2025, 7, 15), reason_code="WITHDRAWAL", **DECISION)
    _event(m["m8"], Kind.EXPELLED, D(2025, 8, 1), **DECISION)
    _event(m["m9"], Kind.DIED, D(2025, 9, 1))
    _event(m["m10"], Kind.MOVED, D(2025, 3, 1), organization=g4)
    members.void_member(actor=None, member=m["m10"], reason="Nhập trùng")
    orgs.move_organization(actor=None, org=g2, new_parent=khac, on=D(2025, 10, 1))
    for org in (duk, khac, g1, c11, c12, g2, g4):
        org.refresh_from_db()
    return World(duk, khac, g1, c11, c12, g2, g4, m)


def values(org, code, on=END, start=None) -> dict:
    return registry.get(code).compute(Query(org, on, start)).values()


def names(org, code, key, on=END, start=None) -> list[str]:
    return [m.full_name for m in selectors.records(org, code, key, on=on, start=start)[1]]


def test_transfers_in_count_arrivals_from_outside_the_subtree(w):
    assert values(w.duk, "members.transfers_in") == {"TRANSFERRED_IN": 1, "MOVED": 1, TOTAL: 2}
    assert names(w.duk, "members.transfers_in", TOTAL) == ["Bốn", "Hai"]
    assert names(w.duk, "members.transfers_in", "MOVED") == ["Hai"]
    # C12 receives m1 from its sister cell; G1 as a whole receives nobody from outside.
    assert values(w.c12, "members.transfers_in") == {"TRANSFERRED_IN": 0, "MOVED": 1, TOTAL: 1}
    assert values(w.g1, "members.transfers_in") == {"TRANSFERRED_IN": 1, "MOVED": 0, TOTAL: 1}


def test_transfers_out_count_departures_from_the_subtree(w):
    assert values(w.duk, "members.transfers_out") == {"TRANSFERRED_OUT": 1, "MOVED": 0, TOTAL: 1}
    assert names(w.duk, "members.transfers_out", "TRANSFERRED_OUT") == ["Ba"]
    assert values(w.c11, "members.transfers_out") == {"TRANSFERRED_OUT": 0, "MOVED": 1, TOTAL: 1}
    assert values(w.g1, "members.transfers_out")[TOTAL] == 0  # C11 → C12 stays inside G1


def test_the_subtree_is_judged_as_it_stood_on_the_day_of_each_event(w):
    # G2 joined KHAC on 01/10/2025: what happened in G2 before counts for DUK, not for KHAC.
    assert values(w.khac, "members.transfers_out") == {"TRANSFERRED_OUT": 0, "MOVED": 1, TOTAL: 1}
    assert names(w.khac, "members.transfers_out", "MOVED") == ["Hai"]
    assert values(w.khac, "members.expelled") == {TOTAL: 0}
    assert values(w.duk, "members.expelled") == {TOTAL: 1}
    assert values(w.khac, "members.transfers_in")[TOTAL] == 0


def test_exemptions_struck_off_expelled_and_deaths(w):
    assert values(w.duk, "members.exemptions") == {"OLD_AGE": 1, "FRAIL_HEALTH": 0, TOTAL: 1}
    struck = values(w.duk, "members.struck_off")
    assert {k: v for k, v in struck.items() if v} == {"CARD_RETURNED": 1, "WITHDRAWAL": 1, TOTAL: 2}
    assert list(struck) == [
        "MISSED_ACTIVITY_OR_DUES", "CARD_RETURNED", "NO_PROGRESS", "STANDARDS_BREACHED",
        "POLITICAL_STANDARDS", "PROBATION_NOT_RECOGNISED", "WITHDRAWAL", TOTAL,
    ]  # fmt: skip
    assert names(w.duk, "members.struck_off", "WITHDRAWAL") == ["Bảy"]
    assert values(w.duk, "members.deaths") == {TOTAL: 1}
    assert values(w.c11, "members.deaths") == {TOTAL: 0}
    assert names(w.c12, "members.deaths", TOTAL) == ["Chín"]


def test_a_striking_off_recorded_without_its_ground_has_its_own_row(w):
    old = _member(w.c11, "Cũ")
    _event(old, Kind.STRUCK_OFF, D(2015, 6, 1))
    result = registry.get("members.struck_off").compute(Query(w.duk, D(2015, 12, 31)))
    assert result.row("none").label == "Chưa ghi lý do, căn cứ"
    assert result.values()["none"] == 1
    assert names(w.duk, "members.struck_off", "none", on=D(2015, 12, 31)) == ["Cũ"]


@pytest.mark.parametrize(
    ("start", "on", "counted"),
    [
        (D(2025, 3, 2), END, False),  # the period starts the day after the move
        (D(2025, 3, 1), END, True),  # ... on the day of the move
        (D(2025, 1, 1), D(2025, 2, 28), False),  # the period ends the day before
        (D(2025, 1, 1), D(2025, 3, 1), True),  # ... on the day of the move
    ],
)
def test_an_event_counts_in_a_period_that_includes_its_day(w, start, on, counted):
    assert values(w.c11, "members.transfers_out", on=on, start=start)["MOVED"] == int(counted)


@pytest.mark.parametrize("org_code", ["DUK", "KHAC", "G1", "C11", "C12", "G2"])
@pytest.mark.parametrize("on", [D(2025, 6, 30), END])
def test_every_lifecycle_drilldown_lists_as_many_members_as_its_figure(w, org_code, on):
    org = Organization.objects.get(code=org_code)
    for figure in selectors.figures(org, on=on, codes=CODES):
        for row in figure.result.all_rows:
            params = parse_qs(urlsplit(row.url).query)
            assert params["to"] == [on.strftime("%d/%m/%Y")], (figure.indicator.code, row.key)
            listed = selectors.records(org, figure.indicator.code, row.key, on=on)[1].count()
            assert listed == row.value, (org_code, figure.indicator.code, row.key)


@pytest.mark.parametrize("code", CODES)
def test_a_lifecycle_indicator_is_a_few_queries(w, code, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        registry.get(code).compute(Query(w.duk, END))


def test_a_date_in_the_first_centuries_gives_zeros(w):
    for code in CODES:
        assert not any(values(w.duk, code, on=D(1, 1, 1)).values()), code
