"""A small tree with cells, members and a committee rubric for the meetings tests.

TOP  Đảng ủy Khối Thử nghiệm (bloc), owns the Bình Thuận-style rubric from 06/07/2018
├ A  Đảng bộ Công ty A (đảng bộ cơ sở)
│ ├ A1 Chi bộ Phòng Kỹ thuật (chi bộ trực thuộc): four official members
│ └ A2 Chi bộ Phòng Kinh doanh (chi bộ trực thuộc), founded 01/03/2024: one member
└ G  Chi bộ Trường Tiểu học (chi bộ cơ sở): two official members
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangbo.meetings import services
from dangbo.meetings.models import Rubric
from dangbo.meetings.seed import BINH_THUAN_BLOC
from dangbo.members import services as member_services
from dangbo.members.models import Member, Position
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell


@dataclass
class World:
    top: Organization
    a: Organization
    a1: Organization
    a2: Organization
    g: Organization
    rubric: Rubric
    members: list[Member] = field(default_factory=list)
    g_members: list[Member] = field(default_factory=list)


def build_world() -> World:
    top = bloc(code="TOP", name="Đảng ủy Khối Thử nghiệm")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    a1 = dependent_cell(a, code="A1", name="Chi bộ Phòng Kỹ thuật")
    a2 = dependent_cell(
        a, code="A2", name="Chi bộ Phòng Kinh doanh", established_on=dt.date(2024, 3, 1)
    )
    g = grassroots_cell(top, code="G", name="Chi bộ Trường Tiểu học")
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Đỗ Thị Dung"]
    members = [MemberFactory(organization=a1, full_name=n) for n in names]
    g_members = [MemberFactory(organization=g, full_name=n) for n in ("Phạm Văn Dũng", "Vũ Thị Hà")]
    template = Rubric.objects.get(owner=None, source=BINH_THUAN_BLOC["source"])
    rubric = services.adopt_rubric(
        actor=None, template=template, owner=top, valid_from=dt.date(2018, 7, 6)
    )
    return World(top, a, a1, a2, g, rubric, members, g_members)


# Full marks on the Bình Thuận-style sheet, and 91 points failing a must-pass criterion.
FULL = [10, 10, 20, 20, 10, 15, 15]
FAILS_MUST_PASS = [9, 10, 20, 20, 10, 15, 7]


def seat(
    member: Member, committee: Organization, started_on: dt.date,
    ended_on: dt.date | None = None, title: str = Position.Title.COMMITTEE_MEMBER,
) -> Position:  # fmt: skip
    """Give ``member`` a post in ``committee`` (what an assignment to follow a cell needs)."""
    return member_services.assign_position(
        actor=None, member=member, title=title, organization=committee, started_on=started_on,
        ended_on=ended_on,
    )  # fmt: skip
