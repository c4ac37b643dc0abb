"""A small tree with a history, and members, built through the services.

    DUK (đảng ủy khối)                     DUK2 (đảng ủy khối)
    ├ G1 đảng bộ cơ sở, hành chính, 100 CB  └ G4 chi bộ cơ sở, hành chính
    │ ├ S1 đảng bộ bộ phận
    │ │ └ C11 chi bộ trực thuộc
    │ └ C12 chi bộ trực thuộc
    ├ G2 chi bộ cơ sở, sự nghiệp, 20 CB   → moved under DUK2 on 01/01/2019
    └ G3 chi bộ cơ sở, no sector, no staff → merged into C12 on 01/01/2021

On 20/06/2018 DUK has six members: m1 (C11), m2, m3 (C12), m4, m5 (G2), m10 (G3);
m6 is in DUK2, m7 transferred out in 2017, m8 is admitted in 2019, m9 is voided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from dangbo.members import restructuring
from dangbo.members import services as members
from dangbo.members.models import Member, MemberEvent
from dangbo.organizations import services as orgs
from dangbo.organizations.models import Organization, OrgKind, Sector

FOUNDED = dt.date(1970, 1, 1)
ON_2018 = dt.date(2018, 6, 20)
MOVED_ON = dt.date(2019, 1, 1)
MERGED_ON = dt.date(2021, 1, 1)


@dataclass
class World:
    actor: object
    root: Organization
    other: Organization
    g1: Organization
    s1: Organization
    c11: Organization
    c12: Organization
    g2: Organization
    g3: Organization
    g4: Organization
    m: dict[str, Member]


def _org(actor, code, kind, parent, **fields) -> Organization:
    return orgs.found_organization(
        actor=actor, code=code, name=f"Tổ chức {code}", kind=kind, parent=parent,
        established_on=FOUNDED, **fields,
    )  # fmt: skip


def _member(actor, org, name, dob, sex, admitted, official=None, **identity) -> Member:
    return members.create_member(
        actor=actor, organization=org, admitted_on=admitted, official_on=official,
        full_name=name, date_of_birth=dob, sex=sex, **identity,
    )  # fmt: skip


def build() -> World:
    actor = get_user_model().objects.create_user(username="nguoi-tao-du-lieu", password="x")
    d = dt.date
    admin_sector = Sector.objects.get(code="HANH_CHINH")
    service_sector = Sector.objects.get(code="SU_NGHIEP")
    root = _org(actor, "DUK", OrgKind.BLOC, None)
    other = _org(actor, "DUK2", OrgKind.BLOC, None)
    g1 = _org(
        actor, "G1", OrgKind.GRASSROOTS_DANG_BO, root, sector=admin_sector, staff_headcount=100
    )
    s1 = _org(actor, "S1", OrgKind.SUB_DANG_BO, g1)
    c11 = _org(actor, "C11", OrgKind.DEPENDENT_CELL, s1)
    c12 = _org(actor, "C12", OrgKind.DEPENDENT_CELL, g1)
    g2 = _org(actor, "G2", OrgKind.GRASSROOTS_CELL, root, sector=service_sector, staff_headcount=20)
    g3 = _org(actor, "G3", OrgKind.GRASSROOTS_CELL, root)
    g4 = _org(actor, "G4", OrgKind.GRASSROOTS_CELL, other, sector=admin_sector, staff_headcount=10)

    m = {}
    m["m1"] = _member(
        actor,
        c11,
        "Lê Thị Một",
        d(1990, 1, 1),
        "F",
        d(2015, 3, 1),
        d(2016, 3, 1),
        political_theory_level="02",
        professional_level="04",
        general_education="12/12",
    )
    m["m2"] = _member(
        actor,
        c12,
        "Hoàng Văn Hai",
        d(1970, 6, 20),
        "M",
        d(1995, 6, 20),
        d(1996, 6, 20),
        ethnicity="02",
        political_theory_level="03",
        professional_level="05",
        general_education="10/10",
    )
    m["m3"] = _member(actor, c12, "Trần Văn Ba", d(1950, 1, 1), "M", d(1975, 1, 1), d(1976, 1, 1))
    members.record_event(
        actor=actor, member=m["m3"], kind=MemberEvent.Kind.EXEMPTED, happened_on=d(2015, 1, 1)
    )
    # Turns 31 the day after 20/06/2018: still in the "30 and under" band that day.
    m["m4"] = _member(actor, g2, "Phạm Thị Bốn", d(1987, 6, 21), "F", d(2018, 1, 10))
    # Struck off for ten years: party age 23 on 20/06/2018, not the 33 years since admission.
    m["m5"] = _member(actor, g2, "Vũ Văn Năm", d(1960, 1, 1), "M", d(1985, 1, 1), d(1986, 1, 1))
    members.record_event(
        actor=actor, member=m["m5"], kind=MemberEvent.Kind.STRUCK_OFF, happened_on=d(1990, 1, 1)
    )
    members.record_event(
        actor=actor,
        member=m["m5"],
        kind=MemberEvent.Kind.READMITTED,
        happened_on=d(2000, 1, 1),
        organization=g2,
    )
    members.record_event(
        actor=actor, member=m["m5"], kind=MemberEvent.Kind.MADE_OFFICIAL, happened_on=d(2001, 1, 1)
    )
    m["m6"] = _member(actor, g4, "Đỗ Văn Sáu", d(1980, 1, 1), "M", d(2005, 1, 1), d(2006, 1, 1))
    m["m7"] = _member(actor, c11, "Ngô Văn Bảy", d(1980, 1, 1), "M", d(2010, 1, 1), d(2011, 1, 1))
    members.record_event(
        actor=actor,
        member=m["m7"],
        kind=MemberEvent.Kind.TRANSFERRED_OUT,
        happened_on=d(2017, 1, 1),
        other_party="Đảng bộ tỉnh khác",
    )
    m["m9"] = _member(actor, c11, "Bùi Văn Chín", d(1982, 1, 1), "M", d(2012, 1, 1), d(2013, 1, 1))
    members.void_member(actor=actor, member=m["m9"], reason="Nhập trùng")
    m["m10"] = _member(actor, g3, "Đinh Văn Mười", d(1975, 1, 1), "M", d(2016, 1, 1), d(2017, 1, 1))

    orgs.move_organization(actor=actor, org=g2, new_parent=other, on=MOVED_ON)
    m["m8"] = _member(actor, c12, "Mai Thị Tám", d(1995, 1, 1), "F", d(2019, 1, 1))
    restructuring.merge_organizations(actor=actor, sources=[g3], target=c12, on=MERGED_ON)

    for obj in (root, other, g1, s1, c11, c12, g2, g3, g4):
        obj.refresh_from_db()
    return World(actor, root, other, g1, s1, c11, c12, g2, g3, g4, m)
