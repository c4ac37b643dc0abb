"""Trees, members with long party lives, and badge awards for the badge tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory

from dangbo.awards.models import BadgeAward
from dangbo.core.dates import add_months
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

FOUNDED = dt.date(1950, 1, 1)


@dataclass
class Tree:
    """KHOI ├ DB1 (đảng bộ cơ sở) ├ C1, C2 (chi bộ trực thuộc)
    │          └ DB2 (đảng bộ cơ sở) └ O1 (chi bộ trực thuộc)
    """

    top: Organization
    db1: Organization
    c1: Organization
    c2: Organization
    db2: Organization
    o1: Organization


def badge_tree() -> Tree:
    """A tree founded in 1950, so members can have been admitted decades ago."""
    top = bloc(code="KHOI", established_on=FOUNDED)
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Xã Một", established_on=FOUNDED)
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Thôn Một", established_on=FOUNDED)
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Thôn Hai", established_on=FOUNDED)
    db2 = dang_bo(top, code="DB2", name="Đảng bộ Xã Hai", established_on=FOUNDED)
    o1 = dependent_cell(db2, code="O1", name="Chi bộ Thôn Ba", established_on=FOUNDED)
    return Tree(top, db1, c1, c2, db2, o1)


def member_admitted(cell: Organization, admitted_on: dt.date, **identity) -> Member:
    """A member admitted on ``admitted_on`` (official a year later), born 25 years before."""
    identity.setdefault("date_of_birth", admitted_on.replace(year=admitted_on.year - 25, day=1))
    return MemberFactory(
        organization=cell,
        admitted_on=admitted_on,
        official_on=add_months(admitted_on, 12),
        **identity,
    )


def add_event(
    member: Member, kind: str, on: dt.date, organization: Organization | None = None
) -> Member:
    """Add an event to the member's history and derive the states again.

    Written directly (not through ``record_event``) so the tests build any
    history they need without the paperwork each event asks for.
    """
    MemberEvent.objects.create(member=member, kind=kind, happened_on=on, organization=organization)
    member_services.rebuild_states(member)
    member.refresh_from_db()
    return member


def struck_off_and_readmitted(member: Member, struck_on: dt.date, readmitted_on: dt.date) -> Member:
    """Give ``member`` a gap in party age from ``struck_on`` to ``readmitted_on``."""
    add_event(member, MemberEvent.Kind.STRUCK_OFF, struck_on)
    add_event(member, MemberEvent.Kind.READMITTED, readmitted_on, member.organization)
    return add_event(member, MemberEvent.Kind.MADE_OFFICIAL, add_months(readmitted_on, 12))


class BadgeAwardFactory(factory.django.DjangoModelFactory):
    """An award row as it would stand after ``record_award`` (written directly, no rule checked)."""

    class Meta:
        model = BadgeAward

    member = None
    organization = factory.LazyAttribute(lambda o: o.member.organization)
    milestone = 30
    occasion_on = dt.date(2025, 2, 3)
    decision_number = "125-QĐ/TU"
    decision_signed_on = dt.date(2025, 1, 20)
    decided_by = "Ban Thường vụ Tỉnh ủy"
    badge_number = factory.Sequence(lambda n: f"HH{n:06d}")
