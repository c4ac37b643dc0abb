"""A small tree, members and admission files for the tests, made through the services.

TOP  Đảng ủy Khối Thử nghiệm (bloc)
├ A  Đảng bộ Công ty A (đảng bộ cơ sở)
│ ├ A1 Chi bộ Phòng Kỹ thuật (chi bộ trực thuộc): three official members
│ └ A2 Chi bộ Phòng Kinh doanh (chi bộ trực thuộc)
└ G  Chi bộ Trường Tiểu học (chi bộ cơ sở): two official members
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangbo.admissions import services
from dangbo.admissions.models import Candidate
from dangbo.members.models import Member
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

D = dt.date
PROPOSED_ON = D(2024, 9, 2)
CERTIFICATE_ON = D(2024, 10, 15)
APPLICATION_ON = D(2024, 11, 4)
CHECKED_ON = D(2024, 12, 2)
INTRODUCED_ON = D(2024, 12, 9)
KNOWN_SINCE = D(2023, 1, 3)
CELL_VOTE_ON = D(2025, 3, 4)
COMMITTEE_ON = D(2025, 3, 18)
DECISION_ON = D(2025, 4, 15)
RECEIVED_ON = D(2025, 4, 18)
CEREMONY_ON = D(2025, 5, 19)


@dataclass
class World:
    top: Organization
    a: Organization
    a1: Organization
    a2: Organization
    g: Organization
    members: list[Member] = field(default_factory=list)  # official members of A1
    g_members: list[Member] = field(default_factory=list)  # official members of G


def build_world() -> World:
    top = bloc(code="TOP", name="Đảng ủy Khối Thử nghiệm")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    a1 = dependent_cell(a, code="A1", name="Chi bộ Phòng Kỹ thuật")
    a2 = dependent_cell(a, code="A2", name="Chi bộ Phòng Kinh doanh")
    g = grassroots_cell(top, code="G", name="Chi bộ Trường Tiểu học")
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    members = [MemberFactory(organization=a1, full_name=n) for n in names]
    g_members = [MemberFactory(organization=g, full_name=n) for n in ("Phạm Văn Dũng", "Vũ Thị Hà")]
    return World(top, a, a1, a2, g, members, g_members)


def propose(cell: Organization, **fields) -> Candidate:
    values = {
        "full_name": "Hoàng Thị Mai", "date_of_birth": D(1996, 5, 10), "sex": "F",
        "general_education": "12/12", "occupation": "Kỹ sư", "youth_union_member": True,
        "proposed_by": "Đoàn Thanh niên Công ty A", "proposed_on": PROPOSED_ON,
    }  # fmt: skip
    values.update(fields)
    return services.propose_candidate(actor=None, organization=cell, **values)


def ready_for_vote(cell: Organization, introducers: list[Member], **fields) -> Candidate:
    """A file with everything the cell's vote needs."""
    c = propose(cell, **fields)
    services.record_awareness_certificate(
        actor=None, candidate=c, issued_on=CERTIFICATE_ON, issuer="Trung tâm Chính trị quận",
        number="CN-123",
    )  # fmt: skip
    services.record_application(actor=None, candidate=c, application_on=APPLICATION_ON)
    services.record_background_check(
        actor=None, candidate=c, checked_on=CHECKED_ON, result="PASSED"
    )
    for member in introducers[:2]:
        services.add_introducer(
            actor=None, candidate=c, member=member, relation="SAME_UNIT", known_since=KNOWN_SINCE,
            assigned_on=INTRODUCED_ON,
        )  # fmt: skip
    c.refresh_from_db()
    return c


def decided(world: World, **fields) -> Candidate:
    """A file of A1 with the admission decision of the bloc's standing committee."""
    c = ready_for_vote(world.a1, world.members, **fields)
    services.record_cell_vote(actor=None, candidate=c, held_on=CELL_VOTE_ON, in_favour=3,
                              resolution_number="05-NQ/CB")  # fmt: skip
    services.record_committee_proposal(
        actor=None, candidate=c, held_on=COMMITTEE_ON, eligible=9, in_favour=8,
        resolution_number="12-NQ/ĐU",
    )  # fmt: skip
    services.record_decision(
        actor=None, candidate=c, admit=True, decision_number="101-QĐ/ĐUK",
        decision_signed_on=DECISION_ON, decided_by=world.top, decided_by_body="STANDING_COMMITTEE",
        decision_received_on=RECEIVED_ON,
    )  # fmt: skip
    c.refresh_from_db()
    return c


def admitted(world: World, **fields) -> Candidate:
    c = decided(world, **fields)
    services.record_ceremony(actor=None, candidate=c, ceremony_on=CEREMONY_ON)
    c.refresh_from_db()
    return c
