"""The safe spreadsheet reader: what it reads, what it refuses and why.

Every file is made by the test itself (openpyxl, zipfile or plain bytes).
"""

from __future__ import annotations

import codecs
import datetime as dt
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from dangbo.core import spreadsheets
from dangbo.core.spreadsheets import (
    ENCRYPTED,
    OLD_XLS,
    Formula,
    SpreadsheetError,
    open_workbook,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_TIME = dt.datetime(1975, 1, 2, 8, 30)  # noqa: DTZ001 - a cell has no time zone


@pytest.fixture(autouse=True, params=["loaded", "streamed"])
def sheet_reading(request, monkeypatch):
    """Every test reads its workbooks both ways: loaded whole by calamine, and as a stream
    (the way of a long sheet), which must give the same rows and values."""
    if request.param == "streamed":
        monkeypatch.setattr(spreadsheets, "STREAM_FROM_BYTES", 0)
    return request.param


# --- building files -----------------------------------------------------------------------


def write_xlsx(
    path: Path,
    sheets: list[tuple[str, bytes | Callable]],
    *,
    hidden: Iterable[str] = (),
    compresslevel: int | None = None,
    prefix: str = "",
) -> Path:
    """A minimal XLSX written by hand; a sheet body is bytes or a function writing to a stream."""
    sheet_tags = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
        + (' state="hidden"' if name in hidden else "")
        + "/>"
        for i, (name, _) in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheet_tags}</sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>',
        )
        for i, (_, body) in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                xmlns = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
                out.write(f'<{prefix}worksheet {xmlns}="{MAIN_NS}"><{prefix}sheetData>'.encode())
                if callable(body):
                    body(out)
                else:
                    out.write(body)
                out.write(f"</{prefix}sheetData></{prefix}worksheet>".encode())
    return path


def read_all(path: Path, **kwargs) -> dict[str, list[tuple[int, list]]]:
    with open_workbook(path, **kwargs) as book:
        return {name: list(book.rows(name)) for name in book.sheet_names}


def refusal(path: Path) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        open_workbook(path)
    assert caught.value.message_dict["file"] == [caught.value.text]
    return caught.value.text


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters with separate tone marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            out += (unicodedata.normalize("NFC", decomposed[:-1]) + decomposed[-1]).encode("cp1258")
    return out


# --- XLSX: reading ------------------------------------------------------------------------


def test_xlsx_with_title_dates_numbers_and_vietnamese_text(tmp_path):
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "Đảng viên"
    ws["A1"] = "DANH SÁCH ĐẢNG VIÊN"
    table = [
        (3, ["STT", "Họ và tên", "Ngày sinh", "Số thẻ", "Ghi chú"]),
        (4, [1, unicodedata.normalize("NFD", "  Nguyễn Thị Hường "), dt.date(1980, 5, 17), 6731]),
        (5, [2, "Trần Văn An", EXCEL_TIME, 12.5, "=không phải công thức"]),
        (6, [None, "   ", None]),  # whitespace only: skipped
        (7, [3, "Lê Minh", None, None, True]),
    ]
    for row, values in table:
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
    ws["E5"].data_type = "s"
    wb.save(tmp_path / "list.xlsx")

    with open_workbook(tmp_path / "list.xlsx") as book:
        assert book.kind == "xlsx"
        assert book.sheet_names == ["Đảng viên"]
        rows = list(book.rows("Đảng viên"))

    assert [number for number, _ in rows] == [1, 3, 4, 5, 7]
    assert rows[0][1][0] == "DANH SÁCH ĐẢNG VIÊN"
    assert rows[1][1] == ["STT", "Họ và tên", "Ngày sinh", "Số thẻ", "Ghi chú"]
    cells = rows[2][1]
    assert cells[0] == 1
    assert cells[1] == "Nguyễn Thị Hường"
    assert unicodedata.is_normalized("NFC", cells[1])
    assert cells[2] == dt.date(1980, 5, 17)
    assert cells[3] == 6731
    assert cells[4] is None
    assert rows[3][1][2] == EXCEL_TIME
    assert rows[3][1][3] == 12.5
    assert rows[3][1][4] == "=không phải công thức"
    assert rows[4][1][4] is True


def test_data_away_from_a1_keeps_excel_row_numbers_and_columns(tmp_path):
    body = (
        '<row r="4"><c r="C4" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
        '<row r="5"><c r="C5" t="inlineStr"><is><t>An</t></is></c><c r="D5"><v>7</v></c></row>'
    ).encode()
    rows = read_all(write_xlsx(tmp_path / "away.xlsx", [("S", body)]))["S"]
    assert rows == [(4, [None, None, "Họ và tên", None]), (5, [None, None, "An", 7.0])]


def test_merged_cells_give_every_row_the_top_left_value(tmp_path):
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "DS"
    ws.append(["Danh sách"])
    ws.merge_cells("A1:C1")
    ws.append(["Chi bộ", "Họ và tên", "Năm sinh"])
    ws.append(["Chi bộ 1", "An", 1980])
    ws.append([None, "Bình", 1981])
    ws.append([None, "Cường", 1982])
    ws.merge_cells("A3:A5")
    ws.append(["Chi bộ 2", "Dũng", 1983])
    ws.append([None, None, None])
    ws.merge_cells("A6:A7")  # covers a row that is otherwise empty: that row stays out
    wb.save(tmp_path / "merged.xlsx")

    rows = read_all(tmp_path / "merged.xlsx")["DS"]
    assert rows == [
        (1, ["Danh sách", "Danh sách", "Danh sách"]),
        (2, ["Chi bộ", "Họ và tên", "Năm sinh"]),
        (3, ["Chi bộ 1", "An", 1980]),
        (4, ["Chi bộ 1", "Bình", 1981]),
        (5, ["Chi bộ 1", "Cường", 1982]),
        (6, ["Chi bộ 2", "Dũng", 1983]),
    ]


def test_formulas_without_a_cached_value(tmp_path):
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "S"
    ws.append([1, 2, "=A1+B1", '=IF(A1>0,"có","")'])
    wb.save(tmp_path / "formulas.xlsx")  # openpyxl never computes: no cached values

    rows = read_all(tmp_path / "formulas.xlsx")["S"]
    assert rows == [
        (1, [1, 2, Formula("=A1+B1", None), Formula('=IF(A1>0,"có","")', None)]),
    ]


def test_formulas_with_cached_values_and_shared_formulas(tmp_path):
    body = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
        '<c r="C1"><f t="shared" ref="C1:C3" si="0">A1+B1</f><v>3</v></c>'
        '<c r="D1" t="str"><f>IF(A1&gt;0,"có","")</f><v>có</v></c></row>'
        '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c>'
        '<c r="C2"><f t="shared" si="0"/><v>7</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/></c></row>'
    ).encode()
    rows = read_all(write_xlsx(tmp_path / "cached.xlsx", [("S", body)]))["S"]
    assert rows == [
        (1, [1.0, 2.0, Formula("=A1+B1", 3.0), Formula('=IF(A1>0,"có","")', "có")]),
        (2, [3.0, 4.0, Formula("=A2+B2", 7.0), None]),
        (3, [None, None, Formula("=A3+B3", None), None]),
    ]


@pytest.mark.parametrize(
    ("prefix", "body"),
    [
        # a namespace prefix throughout, as some .NET libraries write
        (
            "x:",
            '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>An</x:t></x:is></x:c>'
            '<x:c r="C2"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>',
        ),
        # a prefix on some cells only, attributes in another order, single quotes
        (
            "",
            f'<x:row xmlns:x="{MAIN_NS}" r="2"><x:c t="inlineStr" r="B2"><x:is><x:t>An</x:t></x:is>'
            "</x:c><x:c r='C2'><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>",
        ),
        # no addresses: rows and cells count on
        (
            "",
            '<row/><row><c/><c t="inlineStr"><is><t>An</t></is></c><c><f>1+1</f><v>2</v></c></row>',
        ),
    ],
    ids=["prefixed", "mixed", "without-address"],
)
def test_cells_in_unusual_forms_read_like_the_usual_one(tmp_path, prefix, body):
    path = write_xlsx(tmp_path / "odd.xlsx", [("S", body.encode())], prefix=prefix)
    assert read_all(path)["S"] == [(2, [None, "An", Formula("=1+1", 2.0)])]


def test_hidden_sheets_are_not_listed(tmp_path):
    wb = OpenpyxlWorkbook()
    wb.active.title = "Danh sách"
    wb.active.append(["An"])
    secret = wb.create_sheet("Tham số")
    secret.append(["x"])
    secret.sheet_state = "hidden"
    wb.save(tmp_path / "hidden.xlsx")

    with open_workbook(tmp_path / "hidden.xlsx") as book:
        assert book.sheet_names == ["Danh sách"]
        with pytest.raises(SpreadsheetError, match="Tham số"):
            book.rows("Tham số")


def test_a_million_empty_rows_read_as_no_rows(tmp_path):
    # Rows without cells, and every tenth with a blank text cell, so that calamine's
    # grid runs down to row 1.000.001.
    def body(out):
        out.write('<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'.encode())
        for start in range(2, 1_000_002, 10_000):
            out.write(
                b"".join(
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t> </t></is></c></row>' % (n, n)
                    if n % 10 == 1
                    else b'<row r="%d" spans="1:20"/>' % n
                    for n in range(start, start + 10_000)
                )
            )

    rows = read_all(write_xlsx(tmp_path / "empty.xlsx", [("S", body)]))["S"]
    assert rows == [(1, ["Họ và tên"])]


# --- XLSX: refusals -----------------------------------------------------------------------


def test_one_value_at_the_far_corner_is_refused(tmp_path):
    body = (
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    path = write_xlsx(tmp_path / "corner.xlsx", [("S", body)])
    text = refusal(path)
    assert "vùng quá lớn" in text
    assert "XFD1048576" in text


@pytest.mark.parametrize(
    ("prefix", "body"),
    [
        # a prefix on some cells only, attributes in another order: the careful scan
        (
            "",
            b'<x:row xmlns:x="%s" r="1"><x:c s="0" r="A1"><x:v>1</x:v></x:c>'
            b'<x:c r="XFD1048576"><x:v>2</x:v></x:c></x:row>' % MAIN_NS.encode(),
        ),
        # a prefixed sheet with one cell left without it
        (
            "x:",
            b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
            b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
        ),
        # cells without an address count on from the row's first cell
        (
            "",
            b'<row r="1">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"
            b'<row r="1048576"><c><v>1</v></c></row>',
        ),
    ],
    ids=["prefixed", "mixed", "without-address"],
)
def test_far_cells_in_unusual_forms_are_refused(tmp_path, prefix, body):
    path = write_xlsx(tmp_path / "odd.xlsx", [("S", body)], prefix=prefix)
    assert "vùng quá lớn" in refusal(path)


def test_cell_beyond_excel_limits_is_refused(tmp_path):
    body = b'<row r="1"><c r="A1"><v>1</v></c><c r="E99999999"><v>2</v></c></row>'
    assert "giới hạn của Excel" in refusal(write_xlsx(tmp_path / "beyond.xlsx", [("S", body)]))


def test_zip_bomb_is_refused_from_the_declared_sizes(tmp_path, monkeypatch):
    def body(out):
        block = b"<row/>" * (1 << 16)
        for _ in range(128 * 1024 * 1024 // len(block)):
            out.write(block)

    path = write_xlsx(tmp_path / "bomb.xlsx", [("S", body)], compresslevel=1)
    assert path.stat().st_size < 2 * 1024 * 1024

    def must_not_unpack(*args):
        raise AssertionError("the bomb was unpacked")

    monkeypatch.setattr(spreadsheets, "_read_through", must_not_unpack)
    monkeypatch.setattr(spreadsheets, "_scan_sheet", must_not_unpack)
    assert "nén bất thường" in refusal(path)


def test_sizes_the_zip_lies_about_are_caught(tmp_path):
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' * 50
    path = write_xlsx(tmp_path / "liar.xlsx", [("S", body)])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    header = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size = struct.unpack_from("<I", data, header + 24)[0]
    struct.pack_into("<I", data, header + 24, size // 2)  # declare half the unpacked size
    path.write_bytes(bytes(data))
    assert refusal(path) == spreadsheets.CORRUPT


def test_truncated_xlsx_is_corrupt(tmp_path):
    wb = OpenpyxlWorkbook()
    wb.active.append(["An", 1])
    wb.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert refusal(tmp_path / "cut.xlsx") == spreadsheets.CORRUPT


def test_password_protected_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00")
    path.write_bytes(spreadsheets.OLE2_MAGIC + b"\x00" * 1016 + entry + b"\x00" * 64)
    assert refusal(path) == ENCRYPTED


def test_old_xls_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.xls"
    entry = "Workbook".encode("utf-16-le").ljust(64, b"\x00")
    path.write_bytes(spreadsheets.OLE2_MAGIC + b"\x00" * 1016 + entry + b"\x00" * 64)
    assert refusal(path) == OLD_XLS
    path.write_bytes(spreadsheets.OLE2_MAGIC + b"\x00" * 2048)
    assert refusal(path) == OLD_XLS
    assert ".xlsx" in OLD_XLS


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (bytes(range(256)) * 4, "nhị phân"),
    ],
    ids=["pdf", "png", "jpeg", "junk"],
)
def test_not_a_spreadsheet(tmp_path, content, what):
    path = tmp_path / "danh-sach.xlsx"  # the name says XLSX; the content decides
    path.write_bytes(content)
    text = refusal(path)
    assert "không phải bảng tính" in text
    assert what in text


def test_word_document_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    assert "tệp Word" in refusal(path)


def test_empty_file(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "Tệp rỗng" in refusal(tmp_path / "empty.csv")


def test_html_saved_as_xls(tmp_path):
    (tmp_path / "export.xls").write_text(
        "<html><body><table><tr><td>An</td></tr></table></body></html>", encoding="utf-8"
    )
    assert refusal(tmp_path / "export.xls") == spreadsheets.MARKUP


# --- CSV ----------------------------------------------------------------------------------


def test_csv_utf8_with_bom(tmp_path):
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(
        codecs.BOM_UTF8
        + "Họ và tên,Ngày sinh,Ghi chú\r\nNguyễn Thị Hường,17/05/1980,=SUM(1)\r\n\r\n"
        '"Trần, Văn An",02/01/1975,"hai\r\ndòng"\r\n'.encode()
    )
    with open_workbook(path, filename="Danh sách chi bộ.csv") as book:
        assert book.kind == "csv"
        assert book.sheet_names == ["Danh sách chi bộ"]
        rows = list(book.rows("Danh sách chi bộ"))
    assert rows == [
        (1, ["Họ và tên", "Ngày sinh", "Ghi chú"]),
        (2, ["Nguyễn Thị Hường", "17/05/1980", "=SUM(1)"]),
        (4, ["Trần, Văn An", "02/01/1975", "hai\r\ndòng"]),
    ]


def test_csv_utf16_tab_separated_as_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.txt"
    text = "Họ và tên\tChi bộ\r\nNguyễn Thị Hường\tChi bộ 1, Khu 2\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert read_all(path) == {
        "unicode": [(1, ["Họ và tên", "Chi bộ"]), (2, ["Nguyễn Thị Hường", "Chi bộ 1, Khu 2"])]
    }


def test_csv_windows_1258_with_semicolons(tmp_path):
    path = tmp_path / "cu.csv"
    lines = ["Họ và tên;Địa chỉ;Năm", "Nguyễn Thị Hường;Số 1, phường 2;1980", "Lê Ờ;;"]
    path.write_bytes(b"\r\n".join(cp1258(line) for line in lines))
    rows = read_all(path)["cu"]
    assert rows[1] == (2, ["Nguyễn Thị Hường", "Số 1, phường 2", "1980"])
    assert rows[1][1][0] == unicodedata.normalize("NFC", "Nguyễn Thị Hường")
    assert rows[2] == (3, ["Lê Ờ", None, None])


def test_csv_field_too_long(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text('a,b\n1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with open_workbook(path) as book, pytest.raises(SpreadsheetError, match="dòng 2"):
        list(book.rows(book.sheet_names[0]))


def _excel_like(path: Path, *, date1904: bool = False) -> Path:
    """A workbook as Excel saves it: shared strings (with rich text and phonetic hints), styles
    with built-in and custom date formats, booleans, errors, formula text, cells without an
    address."""
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    strings = (
        f'<sst xmlns="{MAIN_NS}" count="4" uniqueCount="4">'
        "<si><t>Họ và tên</t></si>"
        '<si><t xml:space="preserve">  Nguyễn Văn An </t></si>'
        '<si><r><rPr><b/></rPr><t xml:space="preserve">Lê </t></r><r><t>Thị Bình</t></r>'
        '<rPh sb="0" eb="1"><t>phonetic</t></rPh></si>'
        "<si><t>A &amp; B &lt;C&gt;</t></si></sst>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="3">'
        '<numFmt numFmtId="164" formatCode="[$-42A]dd/mm/yyyy;@"/>'
        '<numFmt numFmtId="165" formatCode="#,##0&quot; đ&quot;"/>'
        '<numFmt numFmtId="166" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
        '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="21"/></cellXfs></styleSheet>'
    )
    sheet = (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Ngày sinh</t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><t xml:space="preserve">Số </t></r><r><t>tiền</t></r></is></c></row>'
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>30000</v></c>'
        '<c r="C2" s="3"><v>1500000</v></c><c r="D2" t="b"><v>1</v></c>'
        '<c r="E2" t="e"><v>#DIV/0!</v></c><c r="F2" s="4"><v>45000.75</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" s="2"><v>1</v></c>'
        '<c r="C3"><v>2.5</v></c><c r="D3" t="b"><v>0</v></c><c r="E3" s="5"><v>0.5</v></c>'
        '<c r="F3" t="str"><f>A1&amp;"x"</f><v>Họ và tênx</v></c></row>'
        '<row r="5"><c t="s"><v>3</v></c><c s="1"><v>59</v></c><c s="1"><v>61</v></c><c/>'
        '<c r="G5" s="2"><v>44197</v></c></row>'
        '<row r="6"><c r="B6" t="inlineStr"><is><t> </t></is></c><c r="C6" s="1"/></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
                    'ContentType="application/xml"/></Types>')  # fmt: skip
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                    f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{pr}'
                    '<sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        zf.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL_NS}">'
                    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
                    f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
                    f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
                    "</Relationships>")  # fmt: skip
        zf.writestr("xl/sharedStrings.xml", strings)
        zf.writestr("xl/styles.xml", styles)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.mark.parametrize("date1904", [False, True])
def test_a_sheet_as_excel_saves_it_reads_the_same_loaded_or_streamed(
    tmp_path, monkeypatch, sheet_reading, date1904
):
    if sheet_reading == "streamed":
        pytest.skip("compares both ways itself")
    path = _excel_like(tmp_path / "excel.xlsx", date1904=date1904)
    loaded = read_all(path)
    monkeypatch.setattr(spreadsheets, "STREAM_FROM_BYTES", 0)
    streamed = read_all(path)
    assert streamed == loaded
    rows = dict(loaded["DS"])
    assert rows[1][:3] == ["Họ và tên", "Ngày sinh", "Số tiền"]
    assert rows[2][0] == "Nguyễn Văn An"
    assert rows[3][0] == "Lê Thị Bình"
    assert rows[5][0] == "A & B <C>"
    assert rows[2][2] == 1_500_000  # a number format with text is not a date
    assert isinstance(rows[2][1], dt.date)
    assert 6 not in rows  # a blank text and a styled empty cell are no values
