"""The radar gathers every source for one subtree, sorts soonest first and counts per kind and
per organization directly under the one asked about."""

import datetime as dt
import logging

import pytest

from dangbo.core.tests.api_helpers import build_tree
from dangbo.deadlines import sources
from dangbo.deadlines.selectors import child_path, days_text, radar

from .fakes import FakeSource, deadline

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
def tree():
    return build_tree()


def test_items_come_soonest_first_the_most_overdue_on_top(tree, fake_source):
    fake_source.deadlines = [
        deadline(tree.a1, day(20), subject="Sau"),
        deadline(tree.a2, day(-1), subject="Quá hạn 1 ngày"),
        deadline(tree.b1, day(0), subject="Hôm nay"),
        deadline(tree.a1, day(-15), subject="Quá hạn 15 ngày"),
        deadline(tree.a, day(3), subject="Ba ngày"),
    ]
    result = radar(tree.root, TODAY)
    assert [d.subject for d in result.items] == [
        "Quá hạn 15 ngày", "Quá hạn 1 ngày", "Hôm nay", "Ba ngày", "Sau",
    ]  # fmt: skip


def test_due_today_is_not_overdue_and_due_yesterday_is(tree, fake_source):
    yesterday, today, tomorrow = (deadline(tree.a1, day(n)) for n in (-1, 0, 1))
    fake_source.deadlines = [yesterday, today, tomorrow]
    result = radar(tree.a1, TODAY)
    assert [d.is_overdue(TODAY) for d in result.items] == [True, False, False]
    assert (result.overdue, result.upcoming, result.total) == (1, 2, 3)
    assert [days_text(d, TODAY) for d in result.items] == [
        "quá hạn 1 ngày", "hết hạn hôm nay", "còn 1 ngày",
    ]  # fmt: skip
    overdue = radar(tree.a1, TODAY, overdue_only=True)
    assert overdue.items == [yesterday]


def test_a_milestone_is_due_from_its_day_on_and_never_overdue(tree, fake_source):
    def ending(n):
        return deadline(tree.a1, day(n), kind="admissions.probation_end", title="Hết thời kỳ dự bị",
                        subject=f"Mốc {n}", milestone=True)  # fmt: skip

    late = deadline(tree.a1, day(-1), subject="Quá hạn 1 ngày")
    fake_source.deadlines = [ending(-20), ending(-1), ending(0), ending(1), late]
    result = radar(tree.a1, TODAY)
    assert [(d.subject, d.is_overdue(TODAY), days_text(d, TODAY)) for d in result.items] == [
        ("Quá hạn 1 ngày", True, "quá hạn 1 ngày"),  # what is overdue comes first
        ("Mốc -20", False, "đến hạn từ 20 ngày trước"),
        ("Mốc -1", False, "đến hạn từ 1 ngày trước"),
        ("Mốc 0", False, "đến hạn hôm nay"),
        ("Mốc 1", False, "còn 1 ngày"),
    ]  # fmt: skip
    # Reached milestones are due now: counted as due soon, not as overdue.
    assert (result.overdue, result.soon, result.upcoming) == (1, 4, 4)
    assert [(k.kind, k.overdue) for k in result.by_kind] == [
        ("admissions.probation_end", 0), ("admissions.decision", 1),
    ]  # fmt: skip
    assert radar(tree.a1, TODAY, overdue_only=True).items == [late]


def test_the_horizon_includes_its_last_day(tree, fake_source):
    fake_source.honest = False  # the radar itself drops what lies past the horizon
    last, after = deadline(tree.a1, day(30)), deadline(tree.a1, day(31))
    fake_source.deadlines = [last, after]
    assert radar(tree.a1, TODAY, horizon_days=30).items == [last]
    assert radar(tree.a1, TODAY, horizon_days=60).items == [last, after]


def test_due_soon_counts_up_to_thirty_days_ahead(tree, fake_source):
    fake_source.deadlines = [deadline(tree.a1, day(n)) for n in (-2, 0, 30, 31, 89)]
    result = radar(tree.a1, TODAY)
    assert (result.overdue, result.soon, result.upcoming) == (1, 2, 4)


def test_every_source_is_asked_for_the_organization_of_the_radar(tree, fake_source):
    other = FakeSource([deadline(tree.a2, day(5), kind="awards.badge", title="Huy hiệu Đảng")])
    sources.register(other)
    try:
        result = radar(tree.a, TODAY, horizon_days=60)
    finally:
        sources.unregister(other)
    assert fake_source.calls == [("A", TODAY, day(60))]
    assert other.calls == [("A", TODAY, day(60))]
    assert [d.kind for d in result.items] == ["awards.badge"]


def test_what_a_source_returns_outside_the_subtree_is_dropped(tree, fake_source):
    fake_source.honest = False
    mine, sibling, above = (deadline(o, day(2)) for o in (tree.a1, tree.a2, tree.a))
    fake_source.deadlines = [mine, sibling, above]
    assert radar(tree.a1, TODAY).items == [mine]


def test_counts_per_organization_directly_under_the_radar(tree, fake_source):
    fake_source.deadlines = [
        deadline(tree.root, day(4)),
        deadline(tree.a, day(-3)),
        deadline(tree.a1, day(2)),
        deadline(tree.a1, day(40)),
        deadline(tree.a2, day(-1)),
        deadline(tree.b1, day(10)),
    ]
    result = radar(tree.root, TODAY)
    rows = [(r.code, r.is_self, r.total, r.overdue, r.soon) for r in result.by_org]
    assert rows == [
        ("000", True, 1, 0, 1),
        ("A", False, 4, 2, 1),
        ("B", False, 1, 0, 1),
    ]
    # One level down, A's cells each get a row and A's own record counts under A.
    rows = [(r.code, r.is_self, r.total) for r in radar(tree.a, TODAY).by_org]
    assert rows == [("A", True, 1), ("A1", False, 2), ("A2", False, 1)]
    # A cell has only its own row.
    assert [(r.code, r.total) for r in radar(tree.a1, TODAY).by_org] == [("A1", 2)]


def test_child_path_is_the_prefix_one_level_below(tree):
    assert child_path(tree.root, tree.a1.path) == tree.a.path
    assert child_path(tree.root, tree.b.path) == tree.b.path
    assert child_path(tree.root, tree.root.path) == tree.root.path
    assert child_path(tree.a, tree.b1.path) == tree.a.path  # outside: counted under the radar


def test_a_known_kind_is_named_by_its_label_not_by_its_first_item(tree, fake_source):
    fake_source.deadlines = [
        deadline(tree.a1, day(3), kind="awards.badge", title="Huy hiệu 30 năm tuổi Đảng"),
        deadline(tree.a1, day(4), kind="awards.badge", title="Huy hiệu 40 năm tuổi Đảng"),
    ]
    result = radar(tree.a, TODAY)
    assert [(k.kind, k.label, k.total) for k in result.by_kind] == [
        ("awards.badge", "Huy hiệu Đảng đến mốc", 2)
    ]
    assert [d.title for d in result.items] == [
        "Huy hiệu 30 năm tuổi Đảng", "Huy hiệu 40 năm tuổi Đảng",
    ]  # fmt: skip


def test_filter_by_kind_and_counts_per_kind(tree, fake_source):
    fake_source.deadlines = [
        deadline(tree.a1, day(-2), kind="admissions.decision", title="Quyết định kết nạp"),
        deadline(tree.a1, day(5), kind="admissions.decision", title="Quyết định kết nạp"),
        deadline(
            tree.a2, day(7), kind="members.transfer_presentation", title="Nộp giấy giới thiệu"
        ),
        deadline(tree.a2, day(9), kind="test.badge_proposal", title="Đề nghị Huy hiệu Đảng"),
    ]
    result = radar(tree.a, TODAY)
    # In Vietnamese order of the labels (Đ before N before Q).
    assert [(k.kind, k.label, k.total, k.overdue) for k in result.by_kind] == [
        ("test.badge_proposal", "Đề nghị Huy hiệu Đảng", 1, 0),
        ("members.transfer_presentation", "Nộp giấy giới thiệu", 1, 0),
        ("admissions.decision", "Quyết định kết nạp", 2, 1),
    ]
    only = radar(tree.a, TODAY, kinds=["members.transfer_presentation"])
    assert [d.kind for d in only.items] == ["members.transfer_presentation"]
    # The choices stay every kind found, whatever the filter.
    assert [k for k, _ in only.available_kinds] == [
        "test.badge_proposal", "members.transfer_presentation", "admissions.decision",
    ]  # fmt: skip
    assert radar(tree.a, TODAY, kinds=["nope"]).items == []


def test_codes_of_the_organizations_listed(tree, fake_source):
    fake_source.deadlines = [deadline(tree.a1, day(1)), deadline(tree.b1, day(2))]
    assert radar(tree.root, TODAY).org_codes == {tree.a1.pk: "A1", tree.b1.pk: "B1"}


def test_no_source_gives_an_empty_radar(tree, fake_source):
    result = radar(tree.root, TODAY)
    assert (result.items, result.by_org, result.by_kind, result.overdue) == ([], [], [], 0)


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def test_a_source_that_does_not_exist_yet_is_skipped_with_a_warning(
    tree, fake_source, monkeypatch, caplog
):
    monkeypatch.setattr(
        sources,
        "SOURCES",
        ["dangbo.nowhere.selectors.deadlines_under", "dangbo.core.deadlines.no_such_function"],
    )
    sources.forget_resolved()
    fake_source.deadlines = [deadline(tree.a1, day(1))]
    with caplog.at_level(logging.WARNING, logger="dangbo.deadlines.sources"):
        result = radar(tree.a1, TODAY)
    assert len(result.items) == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert warnings[0].startswith("Bỏ qua nguồn thời hạn dangbo.nowhere.selectors.deadlines_under")
    assert warnings[1].startswith("Bỏ qua nguồn thời hạn dangbo.core.deadlines.no_such_function")
    # Resolved once: no second warning.
    caplog.clear()
    radar(tree.a1, TODAY)
    assert caplog.records == []
    sources.forget_resolved()


def test_a_source_named_by_its_path_is_asked(tree, fake_source, monkeypatch):
    from . import fakes

    named = FakeSource([deadline(tree.a1, day(1), kind="named")])
    monkeypatch.setattr(fakes, "named_source", named, raising=False)
    monkeypatch.setattr(sources, "SOURCES", ["dangbo.deadlines.tests.fakes.named_source"])
    sources.forget_resolved()
    try:
        assert [d.kind for d in radar(tree.a1, TODAY).items] == ["named"]
    finally:
        sources.forget_resolved()


def test_register_twice_asks_once_and_unregister_removes(tree, fake_source):
    sources.register(fake_source)
    radar(tree.a1, TODAY)
    assert len(fake_source.calls) == 1
    sources.unregister(fake_source)
    radar(tree.a1, TODAY)
    assert len(fake_source.calls) == 1
