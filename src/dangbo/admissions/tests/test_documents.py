"""The admission and recognition decisions, read back from the DOCX."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from dangbo.admissions import documents, services
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
        "- Xét nghị quyết đề nghị kết nạp đảng viên của Chi bộ Phòng Kỹ thuật ngày 04/03/2025 và "
        "của Đảng ủy Công ty A (Nghị quyết số 12-NQ/ĐU, ngày 18/03/2025),",
        "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI THỬ NGHIỆM QUYẾT ĐỊNH",
        "Điều 1. Kết nạp đồng chí Hoàng Thị Mai, sinh ngày 10/05/1996, quê quán Nam Định, vào Đảng "
        "Cộng sản Việt Nam.",
        "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Phạm Văn Dũng", "- Như Điều 3,",
    ]:  # fmt: skip
        assert expected in text, expected
    assert any(t.startswith("Điều 2. Chi bộ Phòng Kỹ thuật tổ chức lễ kết nạp") for t in text)
    assert any(t.startswith("Điều 3. ") for t in text)


def test_before_the_decision_the_document_is_a_draft_of_the_competent_committee(world):
    Setting.objects.create(key="admissions.admission_delegated", value=True,
                           effective_on=D(2020, 1, 1), organization=world.a)  # fmt: skip
    c = f.ready_for_vote(world.a1, world.members)
    text = lines(documents.admission_decision_docx(c)[0])
    for expected in ["ĐẢNG ỦY KHỐI THỬ NGHIỆM", "ĐẢNG ỦY CÔNG TY A", "Số      -QĐ/ĐU", "T/M ĐẢNG ỦY",
                     "BAN CHẤP HÀNH ĐẢNG ỦY CÔNG TY A QUYẾT ĐỊNH"]:  # fmt: skip
        assert expected in text, expected
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
