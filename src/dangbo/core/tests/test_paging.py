"""Paged lists: keyset pages walk the whole list both ways; counts are exact when small,
counted once per data version when large."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db.models import QuerySet

from dangbo.core import paging
from dangbo.core.paging import BadCursor, count_of, decode_cursor, encode_cursor, keyset_page
from dangbo.members.models import Member
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, grassroots_cell

pytestmark = pytest.mark.django_db

KEYS = ("name_sort_key", "date_of_birth", "id")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _members(n: int = 11) -> QuerySet:
    cell = grassroots_cell(bloc(code="KHOI"), code="G1")
    # Same names and birthdays on purpose: only the id tells some rows apart.
    for i in range(n):
        MemberFactory(
            organization=cell,
            full_name=f"Nguyễn Văn {'AB'[i % 2]}",
            date_of_birth=dt.date(1980, 1, 1 + i % 3),
        )
    return Member.objects.order_by(*KEYS)


def test_forward_pages_walk_the_whole_list_in_order_and_number_the_rows():
    qs = _members()
    expected = list(qs.values_list("id", flat=True))
    seen, starts, cursor = [], [], None
    while True:
        page = keyset_page(qs, KEYS, after=cursor, per_page=3)
        seen += [m.id for m in page]
        starts.append(page.start_index)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert starts == [1, 4, 7, 10]
    assert page.end_index == 11
    assert page.has_previous


def test_backward_pages_give_back_the_same_pages():
    qs = _members()
    first = keyset_page(qs, KEYS, per_page=4)
    second = keyset_page(qs, KEYS, after=first.next_cursor, per_page=4)
    third = keyset_page(qs, KEYS, after=second.next_cursor, per_page=4)
    assert [len(first), len(second), len(third)] == [4, 4, 3]
    assert not first.has_previous
    assert not third.has_next
    back = keyset_page(qs, KEYS, before=third.previous_cursor, per_page=4)
    assert [m.id for m in back] == [m.id for m in second]
    assert back.start_index == 5
    assert back.has_next
    assert back.has_previous
    again = keyset_page(qs, KEYS, before=back.previous_cursor, per_page=4)
    assert [m.id for m in again] == [m.id for m in first]
    assert again.start_index == 1
    assert not again.has_previous


def test_descending_keys_and_an_offset_from_an_old_page_link():
    qs = _members(7)
    keys = ("-name_sort_key", "-id")
    expected = list(qs.order_by(*keys).values_list("id", flat=True))
    old_link = keyset_page(qs, keys, offset=3, per_page=3)
    assert [m.id for m in old_link] == expected[3:6]
    assert old_link.start_index == 4
    assert old_link.has_previous
    following = keyset_page(qs, keys, after=old_link.next_cursor, per_page=3)
    assert [m.id for m in following] == expected[6:]
    assert following.start_index == 7


def test_a_cursor_not_written_by_the_list_is_refused():
    assert decode_cursor(encode_cursor(["a", dt.date(2020, 1, 2), 5], 9), 3) == (
        ["a", "2020-01-02", 5],
        9,
    )
    for bad in ("%%%", "bm90IGpzb24", encode_cursor(["a"], 1), encode_cursor([None, 1, 2], 1)):
        with pytest.raises(BadCursor):
            decode_cursor(bad, 3)


def test_a_short_list_is_counted_exactly_every_time():
    qs = _members(5)
    assert count_of(qs, exact_up_to=5) == paging.ListCount(5)
    MemberFactory(organization=qs[0].organization)
    assert count_of(qs, exact_up_to=5) == paging.ListCount(6, approximate=True)


def test_a_long_list_is_counted_once_per_data_version():
    from dangbo.audit.models import AuditEntry

    qs = _members(5)
    assert count_of(qs, exact_up_to=3) == paging.ListCount(5, approximate=True)
    # A row slipped in without a write of the application: the cached count stands...
    Member.objects.bulk_create([Member(full_name="X", name_sort_key="x", search_name="x",
                                       date_of_birth=dt.date(1990, 1, 1), sex="M")])  # fmt: skip
    assert count_of(qs, exact_up_to=3).value == 5
    # ...any audited write gives a new data version, hence a fresh count.
    AuditEntry.objects.create(action="test", target_type="t", target_id="1")
    assert count_of(qs, exact_up_to=3).value == 6
    # Another filter has its own count.
    assert count_of(qs.filter(date_of_birth=dt.date(1980, 1, 1)), exact_up_to=1).value == 2


def test_the_page_number_paginator_counts_through_count_of(monkeypatch):
    qs = _members(5)
    monkeypatch.setattr(paging, "EXACT_UP_TO", 4)
    page = paging.CheapCountPaginator(qs, 2).get_page(3)
    assert [m.id for m in page] == [qs[4].id]
    assert page.paginator.count == 5
    assert page.paginator.approximate
    monkeypatch.setattr(paging, "EXACT_UP_TO", 5)
    assert not paging.CheapCountPaginator(qs, 2).approximate


def test_a_filter_no_row_can_match_counts_zero():
    qs = _members(1)
    assert count_of(qs.filter(pk__in=[])) == paging.ListCount(0)
    assert count_of(qs.none()) == paging.ListCount(0)
