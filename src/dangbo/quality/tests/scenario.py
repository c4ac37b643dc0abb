"""A small tree with known flaws, for the selector, page, API and command tests.

TOP (bloc)
├── A (đảng bộ cơ sở, no sector)
│   ├── A1: Nguyễn Văn Đức, Lê Văn Hai (status drifted to Dự bị), Phạm Văn Ba (bad personal id),
│   │       Võ Văn Bốn, a voided record
│   └── A2: NGUYEN VAN DUC (same birth date as A1's), Trần Thị Năm (probationary): 1 official
└── B (đảng bộ cơ sở, no sector)
    └── B1: Nguyễn Văn Đức (same birth date again), two more official members
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from dangbo.members import services as member_services
from dangbo.members.models import Member, Status
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

BIRTH = dt.date(1980, 1, 2)


@dataclass
class Tree:
    top: Organization
    a: Organization
    a1: Organization
    a2: Organization
    b: Organization
    b1: Organization
    duc: Member
    hai: Member
    ba: Member
    bon: Member
    duc_a2: Member
    nam: Member
    duc_b1: Member
    voided: Member


def build() -> Tree:
    top = bloc(code="TOP")
    a = dang_bo(top, code="A", name="Đảng bộ A")
    a1 = dependent_cell(a, code="A1", name="Chi bộ A1")
    a2 = dependent_cell(a, code="A2", name="Chi bộ A2")
    b = dang_bo(top, code="B", name="Đảng bộ B")
    b1 = dependent_cell(b, code="B1", name="Chi bộ B1")
    duc = MemberFactory(organization=a1, full_name="Nguyễn Văn Đức", date_of_birth=BIRTH,
                        card_number="10000001")  # fmt: skip
    hai = MemberFactory(organization=a1, full_name="Lê Văn Hai", card_number="10000002")
    ba = MemberFactory(organization=a1, full_name="Phạm Văn Ba", card_number="10000003")
    bon = MemberFactory(organization=a1, full_name="Võ Văn Bốn", card_number="10000008")
    duc_a2 = MemberFactory(organization=a2, full_name="NGUYEN VAN DUC", date_of_birth=BIRTH,
                           card_number="10000004")  # fmt: skip
    nam = MemberFactory(organization=a2, full_name="Trần Thị Năm",
                        admitted_on=timezone.localdate() - dt.timedelta(days=60),
                        official_on=None)  # fmt: skip
    duc_b1 = MemberFactory(organization=b1, full_name="Nguyễn Văn Đức", date_of_birth=BIRTH,
                           card_number="10000005")  # fmt: skip
    MemberFactory(organization=b1, card_number="10000006")
    MemberFactory(organization=b1, card_number="10000007")
    # An official member without a card would be a finding, but the record is voided.
    voided = MemberFactory(organization=a1, full_name="Hồ Sơ Hủy")
    member_services.void_member(actor=None, member=voided, reason="Nhập trùng")
    # Drift and a bad number, written around the services as a careless import would.
    Member.objects.filter(pk=hai.pk).update(status=Status.PROBATIONARY)
    Member.objects.filter(pk=ba.pk).update(personal_id_number="12345")
    return Tree(top, a, a1, a2, b, b1, duc, hai, ba, bon, duc_a2, nam, duc_b1, voided)
