"""A letter of a committee under the province, read back from the DOCX: the issuer block names
the province's party organization above the committee, the signature agrees, the place is the
province's, and the number comes from the committee's register."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from dangbo.core.documents import render_docx
from dangbo.members import transfers
from dangbo.members.letters import transfer_letter_document
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.models import OrgKind
from dangbo.organizations.tests.factories import OrganizationFactory, dang_bo, dependent_cell

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_letter_between_two_cells_of_a_grassroots_committee_under_the_province():
    province = OrganizationFactory(
        kind=OrgKind.PROVINCIAL, code="LH", name="Đảng bộ tỉnh Lạc Hồng",
        committee_name="Tỉnh ủy Lạc Hồng", place_name="Lạc Hồng",
    )  # fmt: skip
    farmers = dang_bo(province, code="HND", name="Đảng bộ Hội Nông dân tỉnh")
    office = dependent_cell(farmers, code="VP", name="Chi bộ Văn phòng")
    training = dependent_cell(farmers, code="DT", name="Chi bộ Ban Đào tạo")
    member = MemberFactory(organization=office, full_name="Đỗ Thị Lan", home_town="Lạc Hồng")
    transfer = transfers.start_transfer(actor=None, member=member, reason="WORK_CHANGE",
                                        to_organization=training, triggered_on=D(2026, 12, 1))  # fmt: skip
    draft = docx.Document(io.BytesIO(render_docx(transfer_letter_document(transfer))))
    heading = [p.text for p in draft.tables[0].rows[0].cells[1].paragraphs]
    assert heading[1].startswith("Lạc Hồng, ngày     tháng")
    assert heading[2] == "DỰ THẢO"
    transfer = transfers.issue_transfer_letter(
        actor=None, transfer=transfer, letter_number="", letter_on=D(2026, 12, 7),
        letter_issuer="Đảng ủy Hội Nông dân tỉnh",
    )  # fmt: skip
    document = docx.Document(io.BytesIO(render_docx(transfer_letter_document(transfer))))
    issuer, heading = document.tables[0].rows[0].cells
    assert [p.text for p in issuer.paragraphs] == [
        "ĐẢNG BỘ TỈNH LẠC HỒNG", "ĐẢNG ỦY HỘI NÔNG DÂN TỈNH", "*", "Số 01-GGT/ĐU",
    ]  # fmt: skip
    assert [r.bold for r in issuer.paragraphs[1].runs] == [True]
    assert [p.text for p in heading.paragraphs] == [
        "ĐẢNG CỘNG SẢN VIỆT NAM", "Lạc Hồng, ngày 07 tháng 12 năm 2026",
    ]  # fmt: skip
    signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs if p.text]
    assert signature[0] == "T/M ĐẢNG ỦY"
    body = [p.text for p in document.paragraphs if p.text.strip()]
    assert "Kính gửi: Đảng ủy Hội Nông dân tỉnh" in body
