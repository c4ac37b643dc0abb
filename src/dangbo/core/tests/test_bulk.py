"""core.bulk.insert_objects: instances written as bulk_create would, through COPY on PostgreSQL."""

import datetime as dt

import pytest
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
