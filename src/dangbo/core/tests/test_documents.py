"""Party documents (HD 36-HD/VPTW): the DOCX read back shows each element with its font,
size and style, on A4 with the Party's margins."""

import datetime as dt
import io
import time
import unicodedata
import zipfile
from urllib.parse import unquote

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dangbo.core.documents import (
    DOCX_CONTENT_TYPE,
    FIRST_LINE_INDENT,
    Para,
    PartyDocument,
    decides,
    docx_response,
    fmt_place_date,
    render_docx,
)


def _decision(**overrides) -> PartyDocument:
    values = {
        "superior_body": "Đảng bộ tỉnh Thái Nguyên\nĐảng bộ huyện Đại Từ",
        "issuing_body": "Đảng ủy xã La Bằng",
        "number": "Số 09-QĐ/ĐU",
        "place": "La Bằng",
        "signed_on": dt.date(2020, 11, 24),
        "doc_type": "Quyết định",
        "summary": "về việc kết nạp đảng viên",
        "body": [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            Para("Kết nạp đồng chí Nguyễn Thị Ánh Tuyết vào Đảng.", lead="Điều 1."),
            Para("ĐẢNG ỦY XÃ LA BẰNG", bold=True, align="center", indent=False),
        ],
        "authority": "T/M Đảng ủy",
        "signer_title": "Bí thư",
        "signer_name": "Hoàng Văn Thưởng",
        "recipients": ["Như Điều 2,", "Lưu Văn phòng Đảng ủy."],
    }
    values.update(overrides)
    return PartyDocument(**values)


def _read(doc: PartyDocument):
    return docx.Document(io.BytesIO(render_docx(doc)))


def _texts(container) -> list[str]:
    return [p.text for p in container.paragraphs]


def _style(paragraph) -> tuple[float, bool, bool]:
    """(size in pt, bold, italic) shared by every run of ``paragraph``."""
    runs = [r for r in paragraph.runs if r.text]
    assert runs, paragraph.text
    looks = {(r.font.size.pt, bool(r.font.bold), bool(r.font.italic)) for r in runs}
    assert len(looks) == 1, (paragraph.text, looks)
    return looks.pop()


def _paragraph(container, text: str):
    matches = [p for p in container.paragraphs if p.text == text]
    assert len(matches) == 1, (text, _texts(container))
    return matches[0]


def _mm(*lengths) -> tuple[float, ...]:
    """Lengths in mm to 0.1 mm (Word stores twentieths of a point)."""
    return tuple(round(length.mm, 1) for length in lengths)


def _margins(section) -> tuple[float, ...]:
    return _mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)


def test_page_is_a4_with_the_party_margins():
    section = _read(_decision()).sections[0]
    assert _mm(section.page_width, section.page_height) == (210, 297)
    assert _margins(section) == (25, 25, 35, 15)


def test_margins_are_configurable():
    section = _read(_decision(margins_mm=(20, 20, 30, 20))).sections[0]
    assert _margins(section) == (20, 20, 30, 20)


def test_header_table_holds_the_issuer_on_the_left_and_the_heading_on_the_right():
    document = _read(_decision())
    issuer, heading = document.tables[0].rows[0].cells
    assert _texts(issuer) == [
        "ĐẢNG BỘ TỈNH THÁI NGUYÊN",
        "ĐẢNG BỘ HUYỆN ĐẠI TỪ",
        "ĐẢNG ỦY XÃ LA BẰNG",
        "*",
        "Số 09-QĐ/ĐU",
    ]
    assert _texts(heading) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "La Bằng, ngày 24 tháng 11 năm 2020"]


def test_header_elements_have_the_sizes_and_styles_of_hd36():
    issuer, heading = _read(_decision()).tables[0].rows[0].cells
    assert _style(_paragraph(issuer, "ĐẢNG BỘ HUYỆN ĐẠI TỪ")) == (14, False, False)
    assert _style(_paragraph(issuer, "ĐẢNG ỦY XÃ LA BẰNG")) == (14, True, False)
    assert _style(_paragraph(issuer, "*")) == (14, False, False)
    assert _style(_paragraph(issuer, "Số 09-QĐ/ĐU")) == (14, False, False)
    assert _style(_paragraph(heading, "ĐẢNG CỘNG SẢN VIỆT NAM")) == (15, True, False)
    date_line = _paragraph(heading, "La Bằng, ngày 24 tháng 11 năm 2020")
    assert _style(date_line) == (14, False, True)
    for paragraph in issuer.paragraphs + heading.paragraphs:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_heading_has_a_line_under_it_as_long_as_the_heading():
    heading = _read(_decision()).tables[0].rows[0].cells[1]
    title = _paragraph(heading, "ĐẢNG CỘNG SẢN VIỆT NAM")
    bottom = title._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    # The bordered paragraph is indented to the heading's width (about 73 mm).
    fmt = title.paragraph_format
    width = heading.width - fmt.left_indent - fmt.right_indent - 2 * Mm(1.9)
    assert Mm(70) < width < Mm(76)


def test_header_and_signature_tables_have_no_borders():
    document = _read(_decision())
    for table in document.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {child.get(qn("w:val")) for child in borders} == {"nil"}


def test_type_name_summary_and_line_are_centred():
    document = _read(_decision())
    assert _texts(document)[:3] == ["QUYẾT ĐỊNH", "về việc kết nạp đảng viên", "-----"]
    type_name, summary, line = document.paragraphs[:3]
    assert _style(type_name) == (16, True, False)
    assert _style(summary) == (14, True, False)
    assert _style(line) == (14, False, False)
    for paragraph in (type_name, summary, line):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_body_is_justified_with_an_indented_first_line_and_a_bold_lead():
    document = _read(_decision())
    plain = _paragraph(document, "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;")
    assert _style(plain) == (14, False, False)
    assert plain.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert plain.paragraph_format.first_line_indent == FIRST_LINE_INDENT
    article = _paragraph(document, "Điều 1. Kết nạp đồng chí Nguyễn Thị Ánh Tuyết vào Đảng.")
    assert [(r.text, bool(r.font.bold)) for r in article.runs] == [
        ("Điều 1.", True),
        (" Kết nạp đồng chí Nguyễn Thị Ánh Tuyết vào Đảng.", False),
    ]
    centred = _paragraph(document, "ĐẢNG ỦY XÃ LA BẰNG")
    assert _style(centred) == (14, True, False)
    assert centred.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert centred.paragraph_format.first_line_indent == 0


def test_recipients_and_signature_block():
    recipients, signature = _read(_decision()).tables[1].rows[0].cells
    assert _texts(recipients) == ["Nơi nhận:", "- Như Điều 2,", "- Lưu Văn phòng Đảng ủy."]
    label = _paragraph(recipients, "Nơi nhận:")
    assert _style(label) == (14, False, False)
    assert label.runs[0].font.underline is True
    assert _style(_paragraph(recipients, "- Lưu Văn phòng Đảng ủy.")) == (12, False, False)
    lines = [t for t in _texts(signature) if t]
    assert lines == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Hoàng Văn Thưởng"]
    for text in lines:
        assert _style(_paragraph(signature, text)) == (14, True, False)
    # Room for the signature and the seal between the title and the name.
    assert _texts(signature)[2:6] == ["", "", "", ""]


def test_without_authority_the_head_signs_in_his_own_title():
    signature = _read(_decision(authority="")).tables[1].rows[0].cells[1]
    assert [t for t in _texts(signature) if t] == ["BÍ THƯ", "Hoàng Văn Thưởng"]


def test_every_run_is_times_new_roman_in_every_script_slot():
    document = _read(_decision())
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for cell in table.rows[0].cells:
            paragraphs.extend(cell.paragraphs)
    runs = [r for p in paragraphs for r in p.runs]
    assert len(runs) >= 20
    for run in runs:
        fonts = run._element.rPr.rFonts
        slots = {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert slots == {"Times New Roman"}
        assert run.font.name == "Times New Roman"
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size == Pt(14)


@pytest.mark.parametrize(
    ("signed_on", "expected"),
    [
        (dt.date(2020, 11, 24), "La Bằng, ngày 24 tháng 11 năm 2020"),
        (dt.date(2026, 3, 5), "La Bằng, ngày 05 tháng 3 năm 2026"),
        (dt.date(2018, 2, 20), "La Bằng, ngày 20 tháng 02 năm 2018"),
        (dt.date(2026, 1, 9), "La Bằng, ngày 09 tháng 01 năm 2026"),
        (dt.date(2025, 10, 1), "La Bằng, ngày 01 tháng 10 năm 2025"),
        (None, "La Bằng, ngày     tháng     năm 20…"),
    ],
)
def test_place_and_date_pad_the_day_and_only_january_and_february(signed_on, expected):
    assert fmt_place_date("La Bằng", signed_on) == expected


def test_unsigned_document_leaves_the_date_blank():
    heading = _read(_decision(signed_on=None)).tables[0].rows[0].cells[1]
    assert _texts(heading)[1] == "La Bằng, ngày     tháng     năm 20…"


def test_a_draft_carries_the_draft_mark_under_the_place_and_date():
    heading = _read(_decision(signed_on=None, draft=True)).tables[0].rows[0].cells[1]
    assert _texts(heading)[1:] == ["La Bằng, ngày     tháng     năm 20…", "DỰ THẢO"]
    mark = _paragraph(heading, "DỰ THẢO")
    assert _style(mark) == (14, True, False)
    borders = mark._p.pPr.find(qn("w:pBdr"))
    assert {b.tag.split("}")[1] for b in borders} == {"top", "left", "bottom", "right"}
    assert "DỰ THẢO" not in _texts(_read(_decision()).tables[0].rows[0].cells[1])


def test_the_deciding_body_and_quyet_dinh_stand_on_lines_of_their_own():
    lines = decides("Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh")
    document = _read(
        _decision(body=["Căn cứ Điều lệ Đảng;", *lines, Para("Kết nạp.", lead="Điều 1.")])
    )
    texts = [t for t in _texts(document) if t]
    at = texts.index("BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")
    assert texts[at + 1] == "QUYẾT ĐỊNH"  # never split across two lines
    assert texts[at + 2] == "Điều 1. Kết nạp."
    paragraphs = [p for p in document.paragraphs if p.text]
    for paragraph in paragraphs[at : at + 2]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert _style(paragraph)[1] is True


def test_a_slip_follows_the_signature_under_a_cut_line():
    document = _read(_decision(slip=["PHIẾU BÁO", Para("Đã nhận.", indent=False)]))
    texts = [t for t in _texts(document) if t]
    assert texts[-3].startswith("- - - - -")
    assert texts[-2:] == ["PHIẾU BÁO", "Đã nhận."]


def test_official_letter_puts_its_summary_under_the_number():
    document = _read(_decision(doc_type="", summary="V/v chuẩn bị đại hội chi bộ"))
    issuer = document.tables[0].rows[0].cells[0]
    assert _texts(issuer)[-1] == "V/v chuẩn bị đại hội chi bộ"
    assert _style(issuer.paragraphs[-1]) == (12, False, True)
    assert "QUYẾT ĐỊNH" not in _texts(document)
    assert "-----" not in _texts(document)


def test_secrecy_mark_goes_under_the_number():
    issuer = _read(_decision(secrecy="Mật")).tables[0].rows[0].cells[0]
    assert _texts(issuer)[-1] == "MẬT"
    assert _style(issuer.paragraphs[-1])[1] is True


def test_vietnamese_text_round_trips_in_nfc():
    name = "Nguyễn Thị Ánh Tuyết, Đặng Hữu Phước, Lê Thị Thuỷ, Ưng Hoàng Phúc"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    document = _read(_decision(body=[name, decomposed], signer_name=decomposed))
    assert _texts(document)[3:5] == [name, name]
    signature = document.tables[1].rows[0].cells[1]
    assert _texts(signature)[-1] == name


def test_line_breaks_inside_an_element_stay_in_one_paragraph():
    document = _read(_decision(summary="về việc kết nạp\nđảng viên"))
    assert document.paragraphs[1].text == "về việc kết nạp\nđảng viên"


def test_page_numbers_start_on_the_second_page():
    section = _read(_decision()).sections[0]
    assert section.different_first_page_header_footer is True
    assert _mm(section.header_distance) == (10,)
    field = section.header.paragraphs[0]._p.find(qn("w:fldSimple"))
    assert field.get(qn("w:instr")) == "PAGE"
    assert section.first_page_header.paragraphs[0].text == ""


def test_same_document_gives_the_same_bytes(monkeypatch):
    first = render_docx(_decision())
    monkeypatch.setattr(time, "time", lambda: 1_900_000_000.0)
    second = render_docx(_decision())
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in package.namelist()
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert props.author == "dangbo"
    assert props.title == "Quyết định về việc kết nạp đảng viên"


def test_docx_response_is_an_attachment_with_the_vietnamese_name():
    response = docx_response(b"PK data", "Quyết định kết nạp Nguyễn Văn Ánh.docx")
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Length"] == "7"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Quyet-dinh-ket-nap-Nguyen-Van-Anh.docx"; ')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Quyết định kết nạp Nguyễn Văn Ánh.docx"
    assert response.content == b"PK data"


def test_docx_response_adds_the_extension():
    response = docx_response(b"x", "ket-nap")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"ket-nap.docx\"; filename*=UTF-8''ket-nap.docx"
    )
