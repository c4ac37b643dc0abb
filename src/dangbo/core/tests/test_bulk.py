"""core.bulk: instances written as bulk_create would, through COPY on PostgreSQL; filters on
long lists of values with one array parameter."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dangbo.core import bulk
from dangbo.members.models import MemberEvent
from dangbo.members.tests.test_services import add, cells  # noqa: F401 - the fixture
from dangbo.organizations.models import Sector

pytestmark = pytest.mark.django_db


def test_instances_without_a_key_get_one_from_the_database():
    assert (
        bulk.insert_objects(Sector, [Sector(code="A", name="Khối A"), Sector(code="B", name="B")])
        == 2
    )
    a, b = Sector.objects.filter(code__in=["A", "B"]).order_by("code")
    assert (a.name, a.position, a.is_active) == ("Khối A", 0, True)
    assert b.pk > a.pk
    # The sequence moved on: the next row gets a key of its own.
    assert Sector.objects.create(code="C", name="C").pk > b.pk


def test_instances_with_a_key_keep_it():
    top = (Sector.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    bulk.insert_objects(Sector, [Sector(pk=top, code="K", name="K")])
    assert Sector.objects.get(code="K").pk == top


def test_fields_filled_on_save_are_filled(cells):  # noqa: F811
    _, cell, _ = cells
    member = add(cell)
    before = timezone.now()
    event = MemberEvent(
        member=member, kind=MemberEvent.Kind.MOVED, happened_on=dt.date(2020, 1, 1),
        organization=cell, note="x",
    )  # fmt: skip
    bulk.insert_objects(MemberEvent, [event])
    written = MemberEvent.objects.filter(member=member, note="x").get()
    assert written.recorded_at >= before  # auto_now_add, as bulk_create sets it


def test_nothing_to_insert():
    assert bulk.insert_objects(Sector, []) == 0


def test_rows_hold_the_defaults_and_what_is_given(cells):  # noqa: F811
    _, cell, _ = cells
    member = add(cell)
    rows = bulk.Rows(MemberEvent)
    before = timezone.now()
    written = rows.insert([
        rows.row({"member_id": member.pk, "kind": MemberEvent.Kind.MOVED,
                  "happened_on": dt.date(2020, 1, 1), "organization_id": cell.pk, "note": "y"}),
    ])  # fmt: skip
    assert written == 1
    event = MemberEvent.objects.get(member=member, note="y")
    assert (event.kind, event.happened_on, event.organization_id) == (
        "MOVED",
        dt.date(2020, 1, 1),
        cell.pk,
    )
    assert (event.other_party, event.decision_signed_on, event.voided_at) == ("", None, None)
    assert event.recorded_at >= before - dt.timedelta(seconds=60)


def test_rows_refuse_a_row_without_its_own_unique_value():
    from dangbo.members.models import Member

    rows = bulk.Rows(Member, with_pk=True)
    with pytest.raises(ValueError, match="uid"):
        rows.check({"id": 1, "full_name": "A"})
    with pytest.raises(ValueError, match="nickname"):
        rows.check({"id": 1, "uid": None, "nickname": "A"})


def test_any_of_finds_the_records_holding_one_of_the_values(cells):  # noqa: F811
    from django.db.models import F

    from dangbo.members.models import Member

    _, cell, _ = cells
    one, two = add(cell, card="10000001"), add(cell, "Lê Thị Lan", card="10000002")
    add(cell, "Trần Văn Ba", card="10000003")

    def found(values):
        return set(Member.objects.filter(bulk.AnyOf(F("card_number"), values)))

    assert found(["10000001", "10000002", "99999999"]) == {one, two}
    # A value longer than the column is compared whole, never cut down to one that matches.
    assert found(["10000001" + "9" * 40]) == set()
    assert found([]) == set()
    assert set(Member.objects.exclude(bulk.AnyOf(F("card_number"), []))) == set(
        Member.objects.all()
    )


def test_pairs_in_finds_each_pair_and_no_other_mix(cells):  # noqa: F811
    from dangbo.members.models import Member

    _, cell, _ = cells
    hung = add(cell, card="10000001", date_of_birth=dt.date(1985, 5, 5))
    lan = add(cell, "Lê Thị Lan", card="10000002", date_of_birth=dt.date(1990, 1, 2))
    pairs = [(hung.search_name, hung.date_of_birth), (lan.search_name, lan.date_of_birth)]
    mixed = [(hung.search_name, lan.date_of_birth), (lan.search_name, hung.date_of_birth)]

    def found(pairs):
        return set(
            Member.objects.filter(bulk.pairs_in(Member, "search_name", "date_of_birth", pairs))
        )

    assert found(pairs) == {hung, lan}
    assert found(pairs[:1]) == {hung}
    assert found([]) == set()
    # Elsewhere than PostgreSQL, a mix of two pairs is found too (the caller leaves it aside).
    assert found(mixed) == (set() if connection.vendor == "postgresql" else {hung, lan})
