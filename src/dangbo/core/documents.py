"""Documents in the Party's format (thể thức văn bản của Đảng), written as DOCX.

One layout for every document the apps print (decisions, reports, letters),
after Hướng dẫn 36-HD/VPTW (03/04/2018) of the Central Party Office, Phụ lục 3
(fonts and sizes) and its part on paper and margins (rules.md §9)::

    ┌──────────────────────────────┬──────────────────────────────────┐
    │ ĐẢNG BỘ HUYỆN ĐẠI TỪ  (14)    │ ĐẢNG CỘNG SẢN VIỆT NAM (15, bold) │
    │ ĐẢNG ỦY XÃ LA BẰNG (14, bold) │ ──────────────────────            │
    │ *                             │ La Bằng, ngày 24 tháng 11 năm 2020│
    │ Số 09-QĐ/ĐU (14)              │            (14, italic)           │
    └──────────────────────────────┴──────────────────────────────────┘
                         QUYẾT ĐỊNH (16, bold)
                  về việc kết nạp đảng viên (14, bold)
                                -----
        Body (14, justified, first line indented 1,27 cm) ...
    ┌──────────────────────────────┬──────────────────────────────────┐
    │ Nơi nhận: (14, underlined)    │ T/M ĐẢNG ỦY (14, bold)            │
    │ - Như Điều 3, (12)            │ BÍ THƯ (14, bold)                 │
    │ - Lưu Văn phòng Đảng ủy. (12) │                                   │
    │                               │ Nguyễn Văn A (14, bold)           │
    └──────────────────────────────┴──────────────────────────────────┘

Choices where HD 36 was not seen in full (rules.md §9.2, UNCONFIRMED):
"Nơi nhận:" is upright, 14, underlined and the recipients 12, one per line
with "- "; the signature block is bold, authority and title upper case, the
name in normal case. A document without a type name (``doc_type=""``) is an
official letter (công văn): its summary ("V/v …") goes under the number, 12,
italic.

Dates: the day has two digits, the month has two digits only for January
and February, so that no digit can be added in front later: "ngày 05 tháng 3
năm 2026", "ngày 20 tháng 02 năm 2018" (the example of HD 36 Phụ lục 3; HD 36
itself is dated "ngày 03 tháng 4 năm 2018").

A draft (``draft=True``) carries the mark "DỰ THẢO" in a box under the place
and date (element 11b; its exact position in HD 36 was not seen). A
``slip`` (the receipt slip of a transfer letter) follows the signature block
under a dashed cut line.

Every text is normalized to Unicode NFC (TCVN 6909:2001) and written in Times
New Roman for every script slot (ascii, hAnsi, eastAsia, cs), so Word on any
locale shows the same font. The file is deterministic: fixed core properties
and one fixed time on every zip entry, so the same document gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .exports import file_slug

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_NAME = "Times New Roman"
HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
DRAFT_MARK = "DỰ THẢO"
DECIDES = "QUYẾT ĐỊNH"
# The cut line above a detachable slip (dashes only: every font has them).
CUT_LINE = "- " * 35 + "-"
# Width of HEADING in Times New Roman bold 15 pt (sum of the glyph advances:
# 13.78 em x 15 pt = 207 pt): the line under the heading is this long.
HEADING_WIDTH_MM = 73.0
# Default cell margins of a Word table (108 twips = 1.9 mm each side).
CELL_MARGIN_MM = 1.9
FIRST_LINE_INDENT = Cm(1.27)
# Share of the text width taken by the left column (issuer; recipients).
LEFT_COLUMN_SHARE = 0.45
# Fixed core properties and zip time: the same document gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ALIGNMENTS = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


@dataclass
class Para:
    """A paragraph of the body; ``lead`` is a bold prefix ("Điều 1.") followed by a space."""

    text: str
    lead: str = ""
    bold: bool = False
    italic: bool = False
    align: str = "justify"  # justify, center, left, right
    indent: bool = True  # first line indented 1,27 cm


@dataclass
class PartyDocument:
    """Everything a Party document shows (HD 36-HD/VPTW, elements 1–9 and the optional marks).

    ``superior_body`` may hold several lines ("\\n"), e.g. the provincial and
    district committees above a commune committee; ``number`` is the full
    text ("Số 09-QĐ/ĐU", or "Số      -QĐ/ĐU" before it is numbered);
    ``signed_on`` None leaves the date blank for the signer to fill in.
    """

    superior_body: str
    issuing_body: str
    number: str
    place: str
    signed_on: dt.date | None
    doc_type: str  # "QUYẾT ĐỊNH"; "" for an official letter (công văn)
    summary: str  # "về việc kết nạp đảng viên"; "V/v …" for an official letter
    body: list[Para | str]
    authority: str  # "T/M ĐẢNG ỦY"; "" when the head signs in his or her own title
    signer_title: str  # "BÍ THƯ"
    signer_name: str
    recipients: list[str]  # the last one is the filing copy: "Lưu Văn phòng Đảng ủy."
    margins_mm: tuple[float, float, float, float] = (25, 25, 35, 15)  # top, bottom, left, right
    secrecy: str = ""  # "MẬT", under the number
    urgency: str = ""  # "KHẨN", under the number
    page_numbers: bool = True  # from the second page, centred at the top
    title: str = ""  # the file's title property; defaults to type and summary
    draft: bool = False  # "DỰ THẢO" (element 11b), under the place and date
    # Paragraphs after the signature block, below a cut line: a detachable slip.
    slip: list[Para | str] = field(default_factory=list)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form TCVN 6909:2001 texts are stored in."""
    return unicodedata.normalize("NFC", text or "")


def upper(text: str) -> str:
    """Return Vietnamese ``text`` in upper case ("đảng ủy" -> "ĐẢNG ỦY"), NFC."""
    return nfc(nfc(text).upper())


def fmt_day_month(signed_on: dt.date) -> str:
    """Return "ngày 05 tháng 3 năm 2026": day on two digits, month 01 and 02 padded."""
    month = f"{signed_on.month:02d}" if signed_on.month <= 2 else str(signed_on.month)
    return f"ngày {signed_on.day:02d} tháng {month} năm {signed_on.year}"


def fmt_place_date(place: str, signed_on: dt.date | None) -> str:
    """Return "La Bằng, ngày 24 tháng 11 năm 2020" (blanks to fill in when not yet signed)."""
    if signed_on is None:
        return nfc(f"{place}, ngày     tháng     năm 20…")
    return nfc(f"{place}, {fmt_day_month(signed_on)}")


# --- low-level formatting -------------------------------------------------------------------


def _set_fonts(rpr, name: str = FONT_NAME) -> None:
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _format_run(run, *, size: float, bold=False, italic=False, underline=False) -> None:
    run.font.name = FONT_NAME
    _set_fonts(run._element.get_or_add_rPr())
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline


def _add_runs(paragraph, text: str, **fmt) -> None:
    """Add ``text`` to ``paragraph``; each "\\n" becomes a line break inside it."""
    for index, line in enumerate(nfc(text).split("\n")):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        _format_run(run, **fmt)


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold=False,
    italic=False,
    underline=False,
    align: str = "center",
    before: float = 0,
    after: float = 0,
    first_line=None,
    reuse: bool = False,
):
    """Add a paragraph to ``container`` (document or cell); ``reuse`` fills a cell's empty first one."""
    paragraph = container.paragraphs[0] if reuse else container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGNMENTS[align]
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if first_line is not None:
        fmt.first_line_indent = first_line
    if text:
        _add_runs(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


# Children of w:pPr that follow w:pBdr (ECMA-376 order).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _underline_paragraph(paragraph) -> None:
    """Draw a line under ``paragraph`` (a bottom border, as wide as the paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _boxed(paragraph) -> None:
    """Draw a box around ``paragraph`` (the draft mark)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "6"),
            ("w:space", "1"),
            ("w:color", "auto"),
        ):
            line.set(qn(key), value)
        borders.append(line)
    ppr.insert_element_before(borders, *_AFTER_PBDR)
    paragraph.paragraph_format.left_indent = Mm(20)
    paragraph.paragraph_format.right_indent = Mm(20)


def _borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _two_columns(document, widths_mm: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = Mm(width)
        cell.width = Mm(width)
    return table


def _page_number_header(section) -> None:
    """Page numbers from the second page: centred, 10 mm from the top (HD 36, định lề)."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("2")
    _format_run(run, size=14)
    paragraph._p.remove(run._element)
    field_element.append(run._element)
    paragraph._p.append(field_element)


def _default_style(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(14)
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if default_rpr is not None:
            _set_fonts(default_rpr)


# --- the document ---------------------------------------------------------------------------


def render_docx(doc: PartyDocument) -> bytes:
    """Return ``doc`` laid out per HD 36-HD/VPTW as the bytes of a DOCX file."""
    document = Document()
    _default_style(document)
    top, bottom, left, right = doc.margins_mm
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(bottom)
    section.left_margin = Mm(left)
    section.right_margin = Mm(right)
    if doc.page_numbers:
        _page_number_header(section)
    text_width = 210 - left - right
    widths = (round(text_width * LEFT_COLUMN_SHARE, 1), 0.0)
    widths = (widths[0], round(text_width - widths[0], 1))

    _header(document, doc, widths)
    if doc.doc_type:
        _paragraph(document, upper(doc.doc_type), size=16, bold=True, before=18)
        _paragraph(document, doc.summary, size=14, bold=True)
        _paragraph(document, "-----", size=14, after=12)
    else:
        _paragraph(document, "", after=12)
    for item in doc.body:
        _body_paragraph(document, item if isinstance(item, Para) else Para(text=item))
    _footer(document, doc, widths)
    if doc.slip:
        _paragraph(document, CUT_LINE, size=12, before=18, after=6)
        for item in doc.slip:
            _body_paragraph(document, item if isinstance(item, Para) else Para(text=item))

    _core_properties(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _header(document, doc: PartyDocument, widths: tuple[float, float]) -> None:
    table = _two_columns(document, widths)
    issuer, heading = table.rows[0].cells
    first = True
    for line in nfc(doc.superior_body).split("\n"):
        if line.strip():
            _paragraph(issuer, upper(line.strip()), size=14, reuse=first)
            first = False
    _paragraph(issuer, upper(doc.issuing_body), size=14, bold=True, reuse=first)
    _paragraph(issuer, "*", size=14)
    _paragraph(issuer, doc.number, size=14)
    if not doc.doc_type and doc.summary:
        _paragraph(issuer, doc.summary, size=12, italic=True, before=3)
    for mark in (doc.secrecy, doc.urgency):
        if mark:
            _paragraph(issuer, upper(mark), size=13, bold=True, before=6)

    title = _paragraph(heading, HEADING, size=15, bold=True, reuse=True)
    # The line under the heading is as long as the heading (HD 36, element 1):
    # indent the bordered paragraph so that its width is the heading's width.
    side = max((widths[1] - 2 * CELL_MARGIN_MM - HEADING_WIDTH_MM) / 2, 0)
    title.paragraph_format.left_indent = Mm(side)
    title.paragraph_format.right_indent = Mm(side)
    _underline_paragraph(title)
    _paragraph(heading, fmt_place_date(doc.place, doc.signed_on), size=14, italic=True, before=6)
    if doc.draft:
        _boxed(_paragraph(heading, DRAFT_MARK, size=14, bold=True, before=6))


def decides(deciding: str) -> list[Para]:
    """Return the line before the articles: the deciding body, then "QUYẾT ĐỊNH" on a line of its
    own, so the two words never split (as the examples of HD 36-HD/VPTW lay it out)."""
    return [
        Para(upper(deciding), bold=True, align="center", indent=False),
        Para(DECIDES, bold=True, align="center", indent=False),
    ]


def _body_paragraph(document, para: Para) -> None:
    paragraph = _paragraph(
        document,
        align=para.align,
        after=6,
        first_line=FIRST_LINE_INDENT if para.indent else Cm(0),
    )
    paragraph.paragraph_format.line_spacing = 1.15
    if para.lead:
        _add_runs(paragraph, para.lead, size=14, bold=True, italic=para.italic)
        if para.text:
            _add_runs(paragraph, " " + para.text, size=14, bold=para.bold, italic=para.italic)
    else:
        _add_runs(paragraph, para.text, size=14, bold=para.bold, italic=para.italic)


def _footer(document, doc: PartyDocument, widths: tuple[float, float]) -> None:
    _paragraph(document, "", after=6)
    table = _two_columns(document, widths)
    recipients, signature = table.rows[0].cells
    _paragraph(recipients, "Nơi nhận:", size=14, underline=True, align="left", reuse=True)
    for line in doc.recipients:
        text = nfc(line).strip()
        if not text.startswith("-"):
            text = "- " + text
        _paragraph(recipients, text, size=12, align="left")

    first = True
    if doc.authority:
        _paragraph(signature, upper(doc.authority), size=14, bold=True, reuse=True)
        first = False
    _paragraph(signature, upper(doc.signer_title), size=14, bold=True, reuse=first)
    for _ in range(4):  # room for the signature and the seal
        _paragraph(signature, "")
    _paragraph(signature, doc.signer_name, size=14, bold=True)


def _core_properties(document, doc: PartyDocument) -> None:
    props = document.core_properties
    props.author = "dangbo"
    props.last_modified_by = "dangbo"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    props.title = nfc(doc.title or " ".join(p for p in (doc.doc_type, doc.summary) if p))
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.category = ""
    props.language = "vi-VN"
    # The template's thumbnail pictures python-docx's empty page, not this document.
    rels = document.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[key]


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite the package with one fixed time on every entry (python-docx stamps the clock)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def docx_response(data: bytes, filename: str) -> HttpResponse:
    """Return the download of a DOCX file named ``filename`` (Vietnamese kept, RFC 6266/5987).

    Old clients read the plain ``filename`` (accents removed); the others
    read ``filename*`` with the Vietnamese name, UTF-8 percent-encoded.
    """
    name = nfc(filename)
    if not name.lower().endswith(".docx"):
        name += ".docx"
    fallback = file_slug(name[: -len(".docx")]) + ".docx"
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["Content-Length"] = str(len(data))
    return response
