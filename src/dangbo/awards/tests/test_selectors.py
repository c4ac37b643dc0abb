"""Who is due at the coming occasions, the awards of a subtree, the deadlines for the radar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from dangbo.awards import rules, selectors, services
from dangbo.awards.discipline import register_discipline_source, unregister_discipline_source
from dangbo.members.models import MemberEvent

from .factories import (
    BadgeAwardFactory,
    add_event,
    badge_tree,
    member_admitted,
    struck_off_and_readmitted,
)

pytestmark = pytest.mark.django_db

d = dt.date
NEXT_YEAR = [d(2027, 2, 3), d(2027, 5, 19), d(2027, 9, 2), d(2027, 11, 7)]


@pytest.fixture
def world():
    tree = badge_tree()
    m = {}
    m["thirty"] = member_admitted(tree.c1, d(1997, 1, 10), full_name="Nguyễn Văn An")
    # A year struck off (01/03/2000 – 01/03/2001): not yet 30 years on the 30th anniversary.
    m["gap"] = member_admitted(tree.c1, d(1997, 1, 10), full_name="Trần Văn Bình")
    struck_off_and_readmitted(m["gap"], d(2000, 3, 1), d(2001, 3, 1))
    m["forty"] = member_admitted(tree.c2, d(1987, 5, 1), full_name="Lê Thị Cúc")
    m["awarded"] = member_admitted(tree.c2, d(1985, 1, 1), full_name="Phạm Văn Dũng")
    BadgeAwardFactory(member=m["awarded"], milestone=40)
    m["died"] = member_admitted(tree.c2, d(1997, 3, 1), full_name="Hoàng Văn Em")
    add_event(m["died"], MemberEvent.Kind.DIED, d(2026, 6, 1))
    m["struck"] = member_admitted(tree.c1, d(1990, 1, 1), full_name="Vũ Văn Giang")
    add_event(m["struck"], MemberEvent.Kind.STRUCK_OFF, d(2020, 1, 1))
    m["other"] = member_admitted(tree.o1, d(1997, 1, 10), full_name="Đỗ Văn Hải")
    m["voided_award"] = member_admitted(tree.c1, d(1996, 6, 1), full_name="Bùi Thị Lan")
    award = BadgeAwardFactory(member=m["voided_award"], milestone=30)
    services.void_award(actor=None, award=award, reason="Ghi nhầm")
    m["young"] = member_admitted(tree.c1, d(2010, 1, 1), full_name="Ngô Văn Minh")
    return tree, m


def rows(items):
    return [(i.member_name, i.milestone, i.occasion_on, i.basis, i.overdue) for i in items]


def test_due_list_of_a_subtree_at_the_next_four_occasions(world):
    tree, _m = world

    items = selectors.badges_due(tree.db1, NEXT_YEAR)

    assert rows(items) == [
        # By occasion, then C1 before C2 (tree order), then given names (An, Bình, Lan).
        ("Nguyễn Văn An", 30, d(2027, 2, 3), rules.REGULAR, False),
        ("Trần Văn Bình", 30, d(2027, 2, 3), rules.EARLY, False),
        ("Bùi Thị Lan", 30, d(2027, 2, 3), rules.REGULAR, True),
        ("Hoàng Văn Em", 30, d(2027, 2, 3), rules.POSTHUMOUS, True),
        ("Lê Thị Cúc", 40, d(2027, 5, 19), rules.REGULAR, False),
    ]


def test_a_one_year_gap_keeps_the_member_off_the_30th_anniversary_and_on_the_next_year(world):
    tree, m = world

    due_2027 = selectors.badges_due(tree.db1, NEXT_YEAR, include_early=False)
    assert m["gap"].pk not in [i.member_id for i in due_2027]

    due_2028 = selectors.badges_due(tree.db1, rules.award_occasions(d(2028, 1, 1), 1))
    [gap] = [i for i in due_2028 if i.member_id == m["gap"].pk]
    assert (gap.milestone, gap.reached_on, gap.occasion_on) == (30, d(2028, 1, 10), d(2028, 2, 3))


def test_due_rows_carry_the_details_the_office_needs(world):
    tree, m = world
    items = {i.member_id: i for i in selectors.badges_due(tree.top, NEXT_YEAR)}

    thirty = items[m["thirty"].pk]
    assert (thirty.organization_code, thirty.admitted_on, thirty.reached_on) == (
        "C1", d(1997, 1, 10), d(2027, 1, 10),
    )  # fmt: skip
    assert thirty.gift_estimate == Decimal(3_510_000)
    assert thirty.title == "Huy hiệu 30 năm tuổi Đảng"
    assert thirty.note == ""
    died = items[m["died"].pk]
    assert died.died_on == d(2026, 6, 1)
    assert died.title == "Huy hiệu 30 năm tuổi Đảng (truy tặng)"
    assert died.note == (
        "Từ trần ngày 01/06/2026; đủ 30 năm tuổi Đảng ngày 01/03/2027. Có thể truy tặng từ đợt "
        "trước, chưa ghi nhận Huy hiệu."
    )
    assert items[m["gap"].pk].note == ("Đủ 30 năm ngày 10/01/2028: chỉ xét tặng sớm nếu ốm nặng.")
    assert m["other"].pk in items  # DB2 is under the top
    assert m["struck"].pk not in items
    assert m["young"].pk not in items
    assert m["awarded"].pk not in items


def test_a_deferred_member_moves_to_a_later_occasion(world):
    tree, m = world

    def penalties(member_ids):
        return {m["thirty"].pk: [("WARNING", d(2026, 10, 1), True)]}

    register_discipline_source(penalties)
    try:
        items = {i.member_id: i for i in selectors.badges_due(tree.db1, NEXT_YEAR)}
    finally:
        unregister_discipline_source(penalties)
    assert items[m["thirty"].pk].occasion_on == d(2027, 9, 2)
    assert items[m["thirty"].pk].deferred is False


def test_the_due_list_costs_the_same_few_queries_however_many_members(world):
    tree, _m = world
    with CaptureQueriesContext(connection) as before:
        selectors.badges_due(tree.top, NEXT_YEAR)
    for i in range(10):
        member = member_admitted(tree.c2, d(1997, 1, 1 + i), full_name=f"Đảng Viên {i}")
        struck_off_and_readmitted(member, d(2000, 1, 1), d(2000, 1, 2))
    with CaptureQueriesContext(connection) as after:
        assert len(selectors.badges_due(tree.top, NEXT_YEAR)) == 16
    assert len(after.captured_queries) == len(before.captured_queries) <= 8


def test_badge_deadlines_for_the_radar(world):
    tree, m = world

    deadlines = selectors.badge_deadlines_under(tree.db1, d(2027, 1, 1), d(2027, 6, 30))

    assert [(x.subject, x.title, x.due_on) for x in deadlines] == [
        ("Nguyễn Văn An", "Huy hiệu 30 năm tuổi Đảng", d(2027, 2, 3)),
        # Overdue: due at the occasion at which they became eligible.
        ("Bùi Thị Lan", "Huy hiệu 30 năm tuổi Đảng", d(2026, 9, 2)),
        ("Hoàng Văn Em", "Huy hiệu 30 năm tuổi Đảng (truy tặng)", d(2026, 9, 2)),
        ("Lê Thị Cúc", "Huy hiệu 40 năm tuổi Đảng", d(2027, 5, 19)),
    ]
    first = deadlines[0]
    assert first.kind == "awards.badge"
    assert (first.organization_id, first.organization_name) == (tree.c1.pk, "Chi bộ Thôn Một")
    assert first.organization_path == tree.c1.path
    assert first.rule == "Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18"
    assert first.url == f"/members/{m['thirty'].pk}/"
    assert first.detail == "Đủ 30 năm tuổi Đảng ngày 10/01/2027."
    assert deadlines[1].detail == "Đã đủ tuổi Đảng từ 01/06/2026, chưa ghi nhận Huy hiệu."


def test_badge_deadlines_between_occasions_keep_the_overdue_only(world):
    tree, _m = world

    deadlines = selectors.badge_deadlines_under(tree.db1, d(2027, 2, 4), d(2027, 5, 18))

    assert [(x.subject, x.due_on) for x in deadlines] == [
        ("Nguyễn Văn An", d(2027, 2, 3)),
        ("Bùi Thị Lan", d(2026, 9, 2)),
        ("Hoàng Văn Em", d(2026, 9, 2)),
    ]


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (d(2027, 9, 1), True),  # the overdue occasion (02/09/2026) is 364 days back
        (d(2027, 9, 3), True),  # 366 days back: still on the radar
        (d(2027, 9, 4), False),  # 367 days back: left to the badges page
    ],
)
def test_the_radar_looks_back_one_year_for_badges_never_recorded(world, today, listed):
    tree, _m = world
    deadlines = selectors.badge_deadlines_under(tree.db1, today, today + dt.timedelta(days=30))
    assert ("Bùi Thị Lan" in {x.subject for x in deadlines}) is listed
    assert selectors.badges_due(tree.db1, rules.award_occasions(today, 1))  # still on the page


def test_awards_in_a_subtree_with_filters(world):
    tree, m = world
    later = BadgeAwardFactory(member=m["forty"], milestone=40, occasion_on=d(2027, 5, 19))
    BadgeAwardFactory(member=m["other"], milestone=30)

    assert list(selectors.awards_in(tree.db1)) == [later, m["awarded"].badge_awards.get()]
    assert list(selectors.awards_in(tree.db1, selectors.AwardFilter(year=2027))) == [later]
    assert selectors.awards_in(tree.db1, selectors.AwardFilter(milestone=30)).count() == 0
    assert selectors.awards_in(tree.db1, selectors.AwardFilter(include_voided=True)).count() == 3
    assert selectors.award_years(tree.db1) == [2027, 2025]


def test_get_award_outside_the_scope_is_404(world):
    tree, m = world
    award = m["awarded"].badge_awards.get()
    assert selectors.get_award([tree.db1.path], award.pk) == award
    with pytest.raises(Http404):
        selectors.get_award([tree.db2.path], award.pk)
    assert selectors.get_award([tree.db2.path], award.pk, own_member_id=m["awarded"].pk) == award


def test_outlook_of_a_member(world):
    _tree, m = world
    outlook = selectors.badge_outlook(m["thirty"], d(2026, 12, 1))
    assert (outlook.unawarded, outlook.upcoming, outlook.upcoming_reached_on) == (
        None, 30, d(2027, 1, 10),
    )  # fmt: skip
    assert outlook.party_age_years == 29
    later = selectors.badge_outlook(m["thirty"], d(2027, 3, 1))
    assert (later.unawarded, later.unawarded_reached_on, later.upcoming) == (
        30, d(2027, 1, 10), 40,
    )  # fmt: skip
    awarded = selectors.badge_outlook(m["awarded"], d(2026, 12, 1))
    assert (awarded.unawarded, awarded.upcoming) == (None, 45)


def test_the_radar_leaves_the_old_backlog_out_in_sql_and_lists_the_same(world):
    """A registry brought in without its past awards: milestones passed long ago are not read
    for the radar (they cannot fall due within its year back), and the radar lists the same."""
    tree, m = world
    # Their 30th anniversary passed in 2020–2024, more than two years back.
    backlog = [
        member_admitted(tree.c1, d(year, 6, 1), full_name=f"Tồn Đọng {year}")
        for year in (1990, 1991, 1992, 1993, 1994)
    ]
    today, until = d(2027, 1, 1), d(2027, 6, 30)
    reached_after = today - dt.timedelta(days=selectors.RADAR_LOOKBACK_DAYS + 366)
    members = selectors.Member.objects.filter(organization__path__startswith=tree.db1.path)
    occasions = rules.award_occasions_between(today, until)
    narrowed = lambda after: set(  # noqa: E731
        selectors._narrowed(
            members, occasions, cutoff=rules.CUTOFF_ON_OCCASION, include_early=False,
            include_posthumous=True, awards_until=None, reached_after=after,
        ).values_list("pk", flat=True)
    )  # fmt: skip
    everyone, recent = narrowed(None), narrowed(reached_after)
    assert {b.pk for b in backlog} <= everyone
    assert not {b.pk for b in backlog} & recent
    # The member with a gap and the one who died are still read.
    assert {m["gap"].pk, m["died"].pk, m["thirty"].pk, m["forty"].pk} <= recent
    deadlines = selectors.badge_deadlines_under(tree.db1, today, until)
    assert [x.subject for x in deadlines] == [
        "Nguyễn Văn An", "Bùi Thị Lan", "Hoàng Văn Em", "Lê Thị Cúc",
    ]  # fmt: skip
    # On the badges page the backlog is still due.
    assert {b.pk for b in backlog} <= {
        x.member_id for x in selectors.badges_due(tree.db1, occasions)
    }


def test_the_due_list_builds_a_row_only_when_it_is_read_and_counts_without_rows(world):
    tree, m = world
    for i in range(60):
        member_admitted(tree.c2, d(1997, 1, 1) + dt.timedelta(days=i), full_name=f"Đến Hạn {i:02d}")
    items = selectors.badges_due(tree.top, NEXT_YEAR)
    assert isinstance(items, selectors.DueList)
    assert len(items) == 66
    counts = selectors.due_counts(items)
    assert sum(sum(per.values()) for per in counts.values()) == len(items)
    assert items._built == {}  # counting built nothing
    page = items[10:20]
    assert len(items._built) == 10
    assert page == list(items)[10:20]
    assert items == list(items)  # equal to the same rows as a list
    # Filtering reads the rules' items; the rows kept are built when read.
    forty = items.keep(lambda item: item.milestone == 40)
    assert [i.member_name for i in forty] == ["Lê Thị Cúc"]
    assert forty.member_ids() == {m["forty"].pk}
    assert items.member_ids(40) == {m["forty"].pk}
    assert sum(items.milestone_counts().values()) == len(items)
