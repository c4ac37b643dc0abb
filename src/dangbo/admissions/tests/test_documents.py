"""The admission and recognition decisions, read back from the DOCX."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from dangbo.admissions import documents, services
from dangbo.core.errors import DomainError
from dangbo.documents.services import register_entry_of
from dangbo.members import services as member_services
from dangbo.members.models import Position
from dangbo.regulations.models import Setting

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return f.build_world()


def lines(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return [t for t in texts if t.strip()]


def test_admission_decision_is_filled_in_from_the_file(world):
    Setting.objects.create(key="documents.place", value="Hà Nội", effective_on=D(2000, 1, 1))
    secretary = world.g_members[0]
    member_services.assign_position(actor=None, member=secretary, title=Position.Title.SECRETARY,
                                    organization=world.top, started_on=D(2020, 10, 1))  # fmt: skip
    c = f.admitted(world, home_town="Nam Định")
    data, filename = documents.admission_decision_docx(c)
    text = lines(data)
    assert filename == "Quyết định kết nạp đảng viên - Hoàng Thị Mai.docx"
    for expected in [
        "ĐẢNG ỦY KHỐI THỬ NGHIỆM", "Số 101-QĐ/ĐUK", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Nội, ngày 15 tháng 4 năm 2025", "QUYẾT ĐỊNH", "về việc kết nạp đảng viên",
        "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        "- Căn cứ Quy định số 232-QĐ/TW, ngày 20/01/2025 của Ban Chấp hành Trung ương về thi hành "
        "Điều lệ Đảng;",
        "- Xét Nghị quyết số 05-NQ/CB, ngày 04/03/2025 của Chi bộ Phòng Kỹ thuật đề nghị kết nạp "
        "đảng viên và của Đảng ủy Công ty A (Nghị quyết số 12-NQ/ĐU, ngày 18/03/2025),",
        "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI THỬ NGHIỆM",
        "Điều 1. Kết nạp đồng chí Hoàng Thị Mai, sinh ngày 10/05/1996, quê quán Nam Định, vào Đảng "
        "Cộng sản Việt Nam.",
        "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Phạm Văn Dũng", "- Như Điều 3,",
    ]:  # fmt: skip
        assert expected in text, expected
    assert any(t.startswith("Điều 2. Chi bộ Phòng Kỹ thuật tổ chức lễ kết nạp") for t in text)
    assert any(t.startswith("Điều 3. ") for t in text)
    # "QUYẾT ĐỊNH" stands on a line of its own, right after the deciding body, never split.
    deciding = text.index("BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI THỬ NGHIỆM")
    assert text[deciding + 1] == "QUYẾT ĐỊNH"
    assert text[deciding + 2].startswith("Điều 1.")
    assert "DỰ THẢO" not in text


def test_before_the_decision_the_document_is_a_draft_of_the_competent_committee(world):
    Setting.objects.create(key="admissions.admission_delegated", value=True,
                           effective_on=D(2020, 1, 1), organization=world.a)  # fmt: skip
    c = f.ready_for_vote(world.a1, world.members)
    text = lines(documents.admission_decision_docx(c)[0])
    for expected in ["ĐẢNG ỦY KHỐI THỬ NGHIỆM", "ĐẢNG ỦY CÔNG TY A", "Số      -QĐ/ĐU", "T/M ĐẢNG ỦY",
                     "DỰ THẢO", "- Xét nghị quyết đề nghị kết nạp đảng viên của Chi bộ Phòng Kỹ thuật "
                     "và của Đảng ủy Công ty A,"]:  # fmt: skip
        assert expected in text, expected
    deciding = text.index("ĐẢNG ỦY CÔNG TY A", text.index("-----"))
    assert text[deciding + 1] == "QUYẾT ĐỊNH"
    assert any(t.startswith("……, ngày     tháng     năm") for t in text)


def test_recognition_decision_is_filled_in_from_the_recognition(world):
    member = f.admitted(world).member
    r = services.open_recognition(actor=None, member=member)
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 5, 25), in_favour=3)
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 6, 1), in_favour=7,
                                     eligible=9, body="GRASSROOTS_COMMITTEE")  # fmt: skip
    services.record_recognition_decision(
        actor=None, recognition=r, outcome="RECOGNIZED", decision_number="201-QĐ/ĐUK",
        decision_signed_on=D(2026, 6, 10), decided_by=world.top, decided_by_body="STANDING_COMMITTEE",
    )  # fmt: skip
    member.refresh_from_db()
    data, filename = documents.recognition_decision_docx(member, r)
    text = lines(data)
    assert filename == "Quyết định công nhận đảng viên chính thức - Hoàng Thị Mai.docx"
    for expected in [
        "Số 201-QĐ/ĐUK", "về việc công nhận đảng viên chính thức",
        "- Căn cứ Quy định số 294-QĐ/TW, ngày 26/05/2025 của Ban Chấp hành Trung ương về thi hành "
        "Điều lệ Đảng;",
        "Điều 1. Công nhận đồng chí Hoàng Thị Mai, sinh ngày 10/05/1996, vào Đảng ngày 15/04/2025, là "
        "đảng viên chính thức của Đảng Cộng sản Việt Nam kể từ ngày 19/05/2026.",
        "T/M BAN THƯỜNG VỤ",
    ]:  # fmt: skip
        assert expected in text, expected


def test_the_place_is_the_issuers_own_or_inherited_from_above(world):
    world.top.place_name = "Lạc Hồng"
    world.top.save()
    Setting.objects.create(key="documents.place", value="Hà Nội", effective_on=D(2000, 1, 1))
    text = lines(documents.admission_decision_docx(f.admitted(world))[0])
    assert "Lạc Hồng, ngày 15 tháng 4 năm 2025" in text  # the organization's, not the setting's
    Setting.objects.create(key="admissions.admission_delegated", value=True,
                           effective_on=D(2020, 1, 1), organization=world.a)  # fmt: skip
    draft = f.ready_for_vote(world.a2, world.members, full_name="Lê Văn Tám")
    text = lines(documents.admission_decision_docx(draft)[0])
    assert any(t.startswith("Lạc Hồng, ngày     tháng") for t in text)  # A inherits the top's place
    world.a.place_name = "Bến Thành"
    world.a.save()
    text = lines(documents.admission_decision_docx(draft)[0])
    assert any(t.startswith("Bến Thành, ngày     tháng") for t in text)


def test_the_committee_name_heads_the_decision_and_the_organization_name_stands_above(world):
    world.top.name, world.top.committee_name = "Đảng bộ Khối Thử nghiệm", "Đảng ủy Khối Thử nghiệm"
    world.top.save()
    Setting.objects.create(key="admissions.admission_delegated", value=True,
                           effective_on=D(2020, 1, 1), organization=world.a)  # fmt: skip
    world.a.committee_name = "Đảng ủy Công ty Cổ phần A"
    world.a.save()
    text = lines(documents.admission_decision_docx(f.ready_for_vote(world.a1, world.members))[0])
    assert text[:2] == ["QUYẾT ĐỊNH", "về việc kết nạp đảng viên"]
    header = text[text.index("ĐẢNG BỘ KHỐI THỬ NGHIỆM") :][:3]
    assert header == ["ĐẢNG BỘ KHỐI THỬ NGHIỆM", "ĐẢNG ỦY CÔNG TY CỔ PHẦN A", "*"]
    assert "T/M ĐẢNG ỦY" in text


def test_a_decision_takes_the_next_number_of_the_register_and_a_typed_number_is_recorded(world):
    c = f.decided(world)  # typed "101-QĐ/ĐUK": recorded in the register, the counter moves past it
    entry = register_entry_of(c)
    assert (entry.number, entry.symbol, entry.external) == (101, "QĐ/ĐUK", True)
    second = f.ready_for_vote(world.a1, world.members, full_name="Lê Văn Tám")
    services.record_cell_vote(actor=None, candidate=second, held_on=f.CELL_VOTE_ON, in_favour=3)
    services.record_committee_proposal(actor=None, candidate=second, held_on=f.COMMITTEE_ON,
                                       eligible=9, in_favour=8)  # fmt: skip
    second = services.record_decision(
        actor=None, candidate=second, admit=True, decision_signed_on=f.DECISION_ON,
        decided_by=world.top, decided_by_body="STANDING_COMMITTEE",
    )  # fmt: skip
    assert second.decision_number == "102-QĐ/ĐUK"  # the next number after the one typed
    services.record_ceremony(actor=None, candidate=second, ceremony_on=f.CEREMONY_ON)
    second.refresh_from_db()
    member = second.member
    r = services.open_recognition(actor=None, member=member)
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 5, 25), in_favour=3,
                                     resolution_number="07-NQ/CB")  # fmt: skip
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 6, 1), in_favour=7,
                                     eligible=9, body="GRASSROOTS_COMMITTEE")  # fmt: skip
    with pytest.raises(DomainError) as refused:
        services.record_recognition_decision(
            actor=None, recognition=r, outcome="RECOGNIZED", decision_number="101-QĐ/ĐUK",
            decision_signed_on=D(2026, 6, 10), decided_by=world.top,
            decided_by_body="STANDING_COMMITTEE",
        )  # fmt: skip
    assert "đã cấp" in refused.value.message_dict["decision_number"][0]
    services.record_recognition_decision(
        actor=None, recognition=r, outcome="RECOGNIZED", decision_signed_on=D(2026, 6, 10),
        decided_by=world.top, decided_by_body="STANDING_COMMITTEE",
    )  # fmt: skip
    r.refresh_from_db()
    assert r.decision_number == "103-QĐ/ĐUK"  # 101 typed, 102 for Lê Văn Tám's admission
    text = lines(documents.recognition_decision_docx(member, r)[0])
    assert "Số 103-QĐ/ĐUK" in text
    assert (
        "- Xét Nghị quyết số 07-NQ/CB, ngày 25/05/2026 của Chi bộ Phòng Kỹ thuật đề nghị công "
        "nhận đảng viên chính thức," in text
    )
