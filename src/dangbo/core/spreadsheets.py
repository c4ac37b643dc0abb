"""Reading spreadsheets safely: XLSX and CSV files as offices produce them.

``open_workbook`` decides what a file is from its content, never from its
name, and refuses with a Vietnamese message whatever it cannot read safely:
an empty file, a PDF or a picture, a Word document, an old ``.xls``, a
password-protected workbook, a damaged zip, a zip bomb, or a sheet whose
cells are spread so far apart that reading it would need gigabytes.

XLSX files are read with calamine (fast, written in Rust). calamine trusts
the file: it unpacks whatever the zip declares and allocates one slot for
every cell of the rectangle spanned by the cells that hold a value. So,
before calamine sees a file, this module checks the zip's sizes, reads every
part once to prove those sizes honest, and scans each visible sheet's XML in
chunks for the cell addresses in use. The same scan finds formula cells,
which calamine reports only by their cached value. Nothing is ever evaluated.

calamine loads a whole sheet at once (about 31 bytes a cell, whatever the
cells hold). A sheet whose XML is larger than ``STREAM_FROM_BYTES`` is read
as a stream instead: lxml parses its XML row by row and each row is let go
once it is read, so memory stays flat however long the sheet is. Both ways
give the same rows and the same values (the tests read every workbook both
ways); shared strings are kept packed in one byte buffer.

CSV files are streamed: UTF-8 (with or without a byte-order mark), UTF-16
(Excel's "Unicode text", tab-separated) or Windows-1258, with ``,``, ``;``
or a tab between the fields.

The shared vocabulary of imports, the exchange workbook and data quality
(``Issue``, ``Formula``, ``SpreadsheetError``) lives here too.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import itertools
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import python_calamine
from lxml import etree
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from .errors import DomainError
from .formatting import fmt_int

# ---------------------------------------------------------------------------
# Limits. A member list of 500.000 rows x 20 columns, as Excel or our own
# writer saves it, is about 560 MB of sheet XML (inline strings) packed
# 7-8:1, and calamine holds it as a 10-million-cell grid (~31 bytes a cell,
# ~300 MB). The limits leave room for twice that and refuse what no honest
# office file looks like.
# ---------------------------------------------------------------------------
MiB = 1024 * 1024
# Zip parts: an XLSX has a dozen, a few hundred with many pictures.
MAX_ZIP_ENTRIES = 10_000
# Unpacked size of one part and of the whole file (the 500.000-row sheet above is ~560 MB).
MAX_ENTRY_BYTES = 1536 * MiB
MAX_TOTAL_BYTES = 2048 * MiB
# Sheet XML packs 5-15:1, a run of empty rows a little more; a part that packs more than
# 100:1 is a bomb. Small parts may pack tighter (an empty styles part) and are harmless.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 50 * MiB
# calamine allocates rows x columns of the rectangle spanned by the cells with a value,
# ~31 bytes a cell: 25 million cells is ~800 MB, room for 1.000.000 rows x 25 columns or
# 500.000 x 50; one value at A1 and one at XFD1048576 (17 billion cells) is refused.
MAX_GRID_CELLS = 25_000_000
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Excel's own limit on the length of a formula; a longer one is cut.
MAX_FORMULA_CHARS = 8_192
# A sheet whose XML unpacks to this size or more is read as a stream (memory flat); a smaller
# one is loaded whole by calamine, about 3 times faster, holding about 1,5 times the XML's size
# (so at most ~50 MB here: some 19.000 rows of 31 columns, 45.000 of 13).
STREAM_FROM_BYTES = 32 * MiB
# Bytes read at a time while scanning a sheet or checking a part.
CHUNK_BYTES = 4 * MiB
# How much of a file decides what it is and, for CSV, the delimiter.
SNIFF_BYTES = 64 * 1024
# Share of control characters (other than tab and line ends) above which a "text" is binary.
MAX_CONTROL_SHARE = 0.01

ENCRYPTED = "Tệp được bảo vệ bằng mật khẩu: mở bằng Excel, bỏ mật khẩu rồi lưu lại."
OLD_XLS = (
    "Tệp Excel cũ (.xls, Excel 97–2003) không được hỗ trợ: mở bằng Excel, chọn "
    "“Lưu thành” (Save As) kiểu “Sổ làm việc Excel (*.xlsx)” rồi tải lên tệp mới."
)
CORRUPT = (
    "Tệp Excel bị hỏng hoặc tải lên chưa trọn vẹn: mở lại bằng Excel, lưu lại rồi tải lên lần nữa."
)
MARKUP = (
    "Tệp này là trang web (HTML) hoặc XML, không phải bảng tính Excel thật dù có thể mang "
    "đuôi .xls: mở bằng Excel, chọn “Lưu thành” kiểu .xlsx rồi tải lên tệp mới."
)
CSV_ENCODING = (
    "Không nhận ra bảng mã của tệp CSV: mở bằng Excel, chọn “Lưu thành” kiểu "
    "“CSV UTF-8 (Comma delimited)” hoặc .xlsx rồi tải lên lại."
)


def _not_a_spreadsheet(what: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"Tệp này là {what}, không phải bảng tính: hãy tải lên tệp Excel (.xlsx) hoặc CSV."
    )


class SpreadsheetError(DomainError):
    """A file that cannot be read as a spreadsheet (message in Vietnamese, on the field ``file``)."""

    def __init__(self, message: str):
        super().__init__({"file": message})
        self.text = message


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its expression and the value Excel last computed (None if never)."""

    expression: str
    value: Any = None


@dataclass(frozen=True)
class Issue:
    """One finding about one place in a file: sheet, row as Excel numbers it, column, value, message."""

    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str = "error"  # "error" refuses the row; "warning" is shown and the row goes in

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


# ---------------------------------------------------------------------------
# The public reader
# ---------------------------------------------------------------------------


class Workbook:
    """An open spreadsheet: its kind ("xlsx" or "csv"), visible sheets and their rows.

    ``rows(sheet)`` yields ``(row number as Excel shows it, cells)`` for every
    row that has a value. Cells start at column A and are ``str`` (NFC,
    stripped), ``float``/``int``, ``bool``, ``datetime.date``/``datetime``,
    ``Formula`` or ``None``. Use it as a context manager or call ``close()``.
    """

    kind = ""

    def __init__(self, sheet_names: list[str]):
        self.sheet_names = sheet_names

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file; reading rows afterwards is an error."""

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_sheet(self, sheet: str) -> None:
        if sheet not in self.sheet_names:
            raise SpreadsheetError(f"Tệp không có trang tính “{sheet}”.")


def open_workbook(path: Path | str, *, filename: str = "") -> Workbook:
    """Open the spreadsheet at ``path`` (``filename``: the name it was uploaded as).

    Raises ``SpreadsheetError`` with a Vietnamese message saying what is wrong
    and what to do when the file is not a spreadsheet this module reads safely.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise SpreadsheetError("Không mở được tệp đã tải lên: hãy tải lên lại.") from exc
    if size == 0:
        raise SpreadsheetError("Tệp rỗng (0 byte): hãy chọn đúng tệp danh sách rồi tải lên lại.")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _open_zip(path, size)
    if head.startswith(OLE2_MAGIC):
        raise _ole2_error(path)
    _refuse_binary(head)
    return _open_csv(path, head, filename)


# ---------------------------------------------------------------------------
# What a file is
# ---------------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 compound file's directory (UTF-16LE, NUL-terminated).
_OLE2_STREAMS = [
    ("EncryptionInfo", None),  # an encrypted OOXML package (.xlsx/.docx with a password)
    ("Workbook", None),
    ("Book", None),  # Excel 5-2003 workbooks
    ("WordDocument", "tệp Word cũ (.doc)"),
    ("PowerPoint Document", "tệp PowerPoint cũ (.ppt)"),
]
_BINARY_MAGICS = [
    (b"%PDF", "tệp PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"II*\x00", "ảnh TIFF"),
    (b"MM\x00*", "ảnh TIFF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"{\\rtf", "văn bản RTF"),
]
# Bytes below 0x20 other than tab, line feed, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _ole2_error(path: Path) -> SpreadsheetError:
    """Name an OLE2 compound file by the streams its directory lists."""
    names = {name: name.encode("utf-16-le") + b"\x00\x00" for name, _ in _OLE2_STREAMS}
    found: set[str] = set()
    overlap = max(len(needle) for needle in names.values())
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            window = tail + chunk
            found.update(name for name, needle in names.items() if needle in window)
            tail = window[-overlap:]
    if "EncryptionInfo" in found:
        return SpreadsheetError(ENCRYPTED)
    if not found & {"Workbook", "Book"}:
        for name, what in _OLE2_STREAMS:
            if what and name in found:
                return _not_a_spreadsheet(what)
    return SpreadsheetError(OLD_XLS)


def _refuse_binary(head: bytes) -> None:
    """Refuse pictures, PDFs, archives and any other binary content (not text)."""
    for magic, what in _BINARY_MAGICS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(what)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    controls = len(head.translate(None, _NON_CONTROL_BYTES))
    if b"\x00" in head or controls > MAX_CONTROL_SHARE * len(head):
        raise _not_a_spreadsheet("tệp nhị phân (không phải văn bản)")


def _zip_error(names: set[str], zf: zipfile.ZipFile) -> SpreadsheetError:
    """Say what a zip without ``xl/workbook.xml`` is."""
    if "xl/workbook.bin" in names:
        return SpreadsheetError(
            "Tệp Excel nhị phân (.xlsb) không được hỗ trợ: mở bằng Excel, chọn “Lưu thành” "
            "kiểu .xlsx rồi tải lên tệp mới."
        )
    if "mimetype" in names:
        with zf.open("mimetype") as handle:
            mimetype = handle.read(100)
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return SpreadsheetError(
                "Bảng tính OpenDocument (.ods) không được hỗ trợ: mở bằng Excel hoặc "
                "LibreOffice, lưu lại kiểu .xlsx rồi tải lên tệp mới."
            )
        return _not_a_spreadsheet("tài liệu OpenDocument")
    if "word/document.xml" in names:
        return _not_a_spreadsheet("tệp Word (.docx)")
    if "ppt/presentation.xml" in names:
        return _not_a_spreadsheet("tệp PowerPoint (.pptx)")
    return _not_a_spreadsheet("tệp nén zip")


# ---------------------------------------------------------------------------
# XLSX: the zip, its layout, the checks before calamine
# ---------------------------------------------------------------------------

_XML_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?%s\s([^<>]*?)/?>"
_SHEET_TAG = re.compile(_XML_TAG % rb"sheet")
_RELATIONSHIP_TAG = re.compile(_XML_TAG % rb"Relationship")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _open_zip(path: Path, size: int) -> Workbook:
    count = _zip_entry_count(path, size)
    if count is not None and count > MAX_ZIP_ENTRIES:
        raise SpreadsheetError(
            f"Tệp nén chứa {fmt_int(count)} phần, nhiều bất thường: không đọc tệp này. "
            "Hãy mở bằng Excel, lưu lại kiểu .xlsx rồi tải lên tệp mới."
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(CORRUPT) from exc
    try:
        with zf:
            return _read_xlsx(path, zf)
    except _ZIP_FAILURES as exc:
        raise SpreadsheetError(CORRUPT) from exc


_ZIP_FAILURES = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # a compression method Python does not know
    OSError,
    EOFError,
    ValueError,
    KeyError,
    zlib.error,
    UnicodeDecodeError,
)


def _zip_entry_count(path: Path, size: int) -> int | None:
    """The number of entries the zip's end record declares, read before parsing the directory."""
    tail_size = min(size, 22 + 65_535 + 20 + 56)
    with path.open("rb") as handle:
        handle.seek(size - tail_size)
        tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return None  # no end record: zipfile will call the file damaged
    count = struct.unpack_from("<H", tail, end + 10)[0]
    zip64 = tail.rfind(b"PK\x06\x06", 0, end)
    if count == 0xFFFF and zip64 >= 0 and end - zip64 >= 56:
        count = struct.unpack_from("<Q", tail, zip64 + 32)[0]
    return count


def _read_xlsx(path: Path, zf: zipfile.ZipFile) -> Workbook:
    infos = zf.infolist()
    names = {info.filename for info in infos}
    if len(names) != len(infos):
        raise SpreadsheetError(CORRUPT)  # two parts of one name: readers may disagree on which
    if "xl/workbook.xml" not in names:
        raise _zip_error(names, zf)
    _check_zip_sizes(infos)
    parts = _sheet_parts(zf, names)
    # Prove every declared size honest (zipfile stops at the declared size and checks the
    # CRC), except the visible sheets, which the scan below reads in full anyway.
    visible_parts = {part for part, visible in parts.values() if visible}
    for info in infos:
        if info.filename not in visible_parts:
            _read_through(zf, info)
    book = _calamine(python_calamine.CalamineWorkbook.from_path, str(path))
    try:
        sheet_names = [
            meta.name
            for meta in book.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            and meta.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        scans = {}
        for name in sheet_names:
            if name not in parts:
                raise SpreadsheetError(CORRUPT)
            scans[name] = _scan_sheet(zf, parts[name][0], name)
    except BaseException:
        book.close()
        raise
    streamed = {
        name: parts[name][0]
        for name in sheet_names
        if zf.getinfo(parts[name][0]).file_size >= STREAM_FROM_BYTES
    }
    return _XlsxWorkbook(book, sheet_names, scans, path=path, streamed=streamed)


def _check_zip_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs by the sizes the zip declares (``_read_through`` proves them)."""
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError(ENCRYPTED)
        total += info.file_size
        packed_tight = info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if (
            info.file_size > MAX_ENTRY_BYTES
            or total > MAX_TOTAL_BYTES
            or (info.file_size > RATIO_CHECKED_FROM and packed_tight)
        ):
            raise SpreadsheetError(
                f"Tệp Excel giải nén ra quá lớn hoặc nén bất thường (phần “{info.filename}” "
                f"{fmt_int(info.file_size // MiB)} MB từ {fmt_int(info.compress_size // MiB)} MB "
                f"nén; giới hạn {fmt_int(MAX_TOTAL_BYTES // MiB)} MB): không đọc tệp này. "
                "Hãy xóa các dòng, cột thừa, lưu lại rồi tải lên, hoặc chia thành nhiều tệp."
            )


def _read_through(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with zf.open(info) as handle:
        while handle.read(CHUNK_BYTES):
            pass


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, tuple[str, bool]]:
    """Map each worksheet's name to (its part in the zip, whether it is visible)."""
    relationships: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for match in _RELATIONSHIP_TAG.finditer(_read_small(zf, "xl/_rels/workbook.xml.rels")):
            attrs = _attributes(match.group(1))
            if attrs.get("Type", "").endswith("/worksheet") and "Target" in attrs:
                relationships[attrs.get("Id", "")] = _resolve_target(attrs["Target"], names)
    parts = {}
    for match in _SHEET_TAG.finditer(_read_small(zf, "xl/workbook.xml")):
        attrs = _attributes(match.group(1))
        rel_id = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), "")
        if rel_id in relationships and "name" in attrs:
            visible = attrs.get("state", "visible") == "visible"
            parts[attrs["name"]] = (relationships[rel_id], visible)
    return parts


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 16 * MiB) -> bytes:
    with zf.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetError(CORRUPT)
    return data


def _attributes(raw: bytes) -> dict[str, str]:
    """A tag's attributes; a tag of more than 4 KB is no honest spreadsheet's."""
    if len(raw) > 4096:
        raise SpreadsheetError(CORRUPT)
    return {
        key.decode("utf-8", "replace"): unescape((dq if dq is not None else sq).decode("utf-8"))
        for key, dq, sq in _ATTRIBUTE.findall(raw)
    }


def _resolve_target(target: str, names: set[str]) -> str:
    """A relationship target as a zip entry name (targets are relative to ``xl/``)."""
    if target.startswith("/"):
        return target.lstrip("/")
    resolved = posixpath.normpath(posixpath.join("xl", target))
    return resolved if resolved in names or target not in names else target


# ---------------------------------------------------------------------------
# XLSX: scanning a sheet's XML for the cells in use and the formulas
# ---------------------------------------------------------------------------

# The usual form, written by Excel, LibreOffice and openpyxl: <c r="B7" ...>, with the
# namespace prefix of the sheet's root element if it has one (<x:c r="B7">). Any other
# opening of a cell (no address, address not first, odd spacing, another prefix) sends the
# sheet to the careful tokenizer below.
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_PREFIXED_CELL_HINT = re.compile(rb":c[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")


@functools.lru_cache(maxsize=8)
def _fast_forms(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes], bytes]:
    """For one namespace prefix: a cell opening (its address, or b"" if it is not in the
    usual form), a formula opening, and the bytes that open a cell with its address."""
    tag = b"<" + re.escape(prefix)
    return (
        re.compile(tag + rb'c(?: r="([A-Z]{1,3}[0-9]{1,7})"(?=[\s/>])|[\s/>])'),
        re.compile(tag + rb"f(?=[\s/>])([^<>]*)>"),
        b"<" + prefix + b'c r="',
    )


# Every form calamine accepts: any namespace prefix, attributes in any order and quoting.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|f)(?=[\s/>])([^<>]*)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)([0-9]*)\s*["']""")
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s([^<>]*?)/?>")


# A1 references in a formula, outside text in quotes and quoted sheet names.
_FORMULA_REFERENCE = re.compile(
    r"\"(?:[^\"]|\"\")*+\"|'(?:[^']|'')*+'"
    r"|(?<![\w.$])(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})(?![\w(!])"
)


class _SharedFormula:
    """The text of a shared formula, moved to each cell that shares it as Excel does.

    Excel stores a formula filled down a column once; the other cells only
    point at it. Relative references move with the cell, ``$`` ones stay.
    """

    def __init__(self, expression: str, row: int, col: int):
        self.row, self.col = row, col
        self.pieces: list[str | tuple[str, int, str, int]] = []
        position = 0
        for match in _FORMULA_REFERENCE.finditer(expression):
            if match.group(2) is None:
                continue  # text in quotes
            fixed_col, letters, fixed_row, number = match.groups()
            self.pieces.append(expression[position : match.start()])
            self.pieces.append(
                (fixed_col, _column_index(letters.encode()) + 1, fixed_row, int(number))
            )
            position = match.end()
        self.pieces.append(expression[position:])

    def at(self, row: int, col: int) -> str:
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            fixed_col, ref_col, fixed_row, ref_row = piece
            ref_col += 0 if fixed_col else col - self.col
            ref_row += 0 if fixed_row else row - self.row
            if 1 <= ref_col <= EXCEL_MAX_COLUMNS and 1 <= ref_row <= EXCEL_MAX_ROWS:
                out.append(f"{fixed_col}{get_column_letter(ref_col)}{fixed_row}{ref_row}")
            else:
                out.append("#REF!")
        return "".join(out)


@dataclass
class _SheetScan:
    """What the XML of one sheet holds: the span of its cells and its formulas (0-based)."""

    name: str
    min_row: int = EXCEL_MAX_ROWS
    max_row: int = -1
    min_col: int = EXCEL_MAX_COLUMNS
    max_col: int = -1
    formulas: dict[int, dict[int, str]] = field(default_factory=dict)
    # Merged areas as calamine gives them: ((top, left), (bottom, right)), 0-based.
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    _shared: dict[str, _SharedFormula] = field(default_factory=dict)

    def add_merges(self, chunk: bytes) -> None:
        """Record the merged areas (``<mergeCell ref="A1:C2"/>``) in a chunk of the XML."""
        if b"mergeCell" not in chunk:
            return
        for match in _MERGE_TAG.finditer(chunk):
            ref = _attributes(match.group(1)).get("ref", "").encode("ascii", "replace")
            first, _, last = ref.partition(b":")
            try:
                start = _split_ref(first.strip())
                end = _split_ref(last.strip()) if last else start
            except SpreadsheetError:
                continue  # calamine skips an area it cannot read
            self.merges.append((start, end))

    def add_span(self, rows: list[int], cols: list[int]) -> None:
        """Widen the span to take in these row and column indexes (0-based)."""
        if rows and cols:
            self.min_row, self.max_row = min(self.min_row, *rows), max(self.max_row, *rows)
            self.min_col, self.max_col = min(self.min_col, *cols), max(self.max_col, *cols)

    def add_formula(self, row: int, col: int, attributes: bytes, text: bytes) -> None:
        """Record the formula of the cell at (row, col); shared ones are moved to the cell."""
        attrs = _attributes(attributes) if b"=" in attributes else {}
        expression = unescape(text.decode("utf-8", "replace")).strip()[:MAX_FORMULA_CHARS]
        if attrs.get("t") == "shared" and "si" in attrs:
            if expression:  # the first cell of a shared formula holds its text
                self._shared[attrs["si"]] = _SharedFormula(expression, row, col)
            elif attrs["si"] in self._shared:
                expression = self._shared[attrs["si"]].at(row, col)
        self.formulas.setdefault(row, {})[col] = "=" + expression

    def check(self) -> None:
        if self.max_row < 0:
            return
        if self.min_row < 0 or self.min_col < 0:
            raise SpreadsheetError(CORRUPT)
        if self.max_row >= EXCEL_MAX_ROWS or self.max_col >= EXCEL_MAX_COLUMNS:
            raise SpreadsheetError(
                f"Trang tính “{self.name}” có ô nằm ngoài giới hạn của Excel "
                f"({fmt_int(EXCEL_MAX_ROWS)} dòng, {fmt_int(EXCEL_MAX_COLUMNS)} cột): "
                "tệp bị hỏng hoặc không do Excel tạo ra. Hãy mở bằng Excel, lưu lại rồi tải lên."
            )
        rows = self.max_row - self.min_row + 1
        cols = self.max_col - self.min_col + 1
        if rows * cols > MAX_GRID_CELLS:
            corner = f"{get_column_letter(self.max_col + 1)}{self.max_row + 1}"
            raise SpreadsheetError(
                f"Trang tính “{self.name}” trải trên vùng quá lớn ({fmt_int(rows)} dòng × "
                f"{fmt_int(cols)} cột, ô xa nhất {corner}): có ô chứa dữ liệu nằm rất xa "
                "danh sách. Hãy xóa các dòng, cột thừa (hoặc chép danh sách sang tệp mới), "
                "lưu lại rồi tải lên."
            )


def _scan_sheet(zf: zipfile.ZipFile, part: str, name: str) -> _SheetScan:
    """Scan one sheet's XML in chunks, the usual form fast, any other form carefully."""
    scan = _SheetScan(name)
    if not _scan_fast(zf, part, scan):
        scan = _SheetScan(name)
        _scan_careful(zf, part, scan)
    scan.check()
    return scan


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's XML in pieces that each end just before a ``<``, so no tag is cut."""
    carry = b""
    with zf.open(part) as handle:
        while data := handle.read(CHUNK_BYTES):
            data = carry + data
            cut = data.rfind(b"<")
            if cut <= 0:  # a long run without tags: pass it on rather than let it pile up
                carry = b""
                yield data
                continue
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _scan_fast(zf: zipfile.ZipFile, part: str, scan: _SheetScan) -> bool:
    """Scan with whole-chunk regular expressions; False if a cell is not in the usual form."""
    forms = None
    tail = b""  # the end of the previous chunk, where a formula's cell may have opened
    for chunk in _chunks(zf, part):
        if forms is None:
            root = _ROOT.search(chunk)
            prefix = (root.group(1) or b"") if root else b""
            cell_form, formula_form, opening = forms = _fast_forms(prefix)
        refs = cell_form.findall(chunk)
        if b"" in refs:
            return False
        if prefix:  # every cell opening, whatever its prefix, must be one of refs
            if len(_ANY_CELL.findall(chunk)) != len(refs):
                return False
        elif _PREFIXED_CELL_HINT.search(chunk) and _PREFIXED_CELL.search(chunk):
            return False
        if refs:
            joined = b" ".join(refs)
            letters = set(joined.translate(None, b"0123456789").split())
            numbers = list(map(int, set(joined.translate(None, _LETTERS).split())))
            scan.add_span([min(numbers) - 1, max(numbers) - 1], [_column_index(x) for x in letters])
        if b"<" + prefix + b"f" in chunk:
            window = tail + chunk
            for match in formula_form.finditer(window, len(tail)):
                start = window.rfind(opening, 0, match.start())
                if start < 0:
                    continue
                start += len(opening)
                row, col = _split_ref(window[start : window.index(b'"', start)])
                text = b"" if match.group(1).endswith(b"/") else _text_after(window, match.end())
                scan.add_formula(row, col, match.group(1), text)
        tail = chunk[-4096:]
        scan.add_merges(chunk)
    return True


def _scan_careful(zf: zipfile.ZipFile, part: str, scan: _SheetScan) -> None:
    """Walk every row and cell tag, placing cells without an address as calamine does."""
    row, col = -1, -1
    rows: set[int] = set()
    cols: set[int] = set()
    for chunk in _chunks(zf, part):
        for match in _TAG.finditer(chunk):
            tag, attributes = match.groups()
            if tag == b"row":
                address = _R_ATTRIBUTE.search(attributes)
                row = int(address.group(2)) - 1 if address and address.group(2) else row + 1
                col = -1
            elif tag == b"c":
                address = _R_ATTRIBUTE.search(attributes)
                if address:
                    row, col = _split_ref(address.group(1) + address.group(2))
                else:
                    col += 1
                if not attributes.endswith(b"/"):
                    rows.add(row)
                    cols.add(col)
            else:
                text = b"" if attributes.endswith(b"/") else _text_after(chunk, match.end())
                scan.add_formula(row, col, attributes, text)
        if rows:
            scan.add_span([min(rows), max(rows)], [min(cols), max(cols)])
        scan.add_merges(chunk)
        rows.clear()
        cols.clear()


def _split_ref(ref: bytes) -> tuple[int, int]:
    """b"B7" -> (6, 1); an address past Excel's last cell maps just beyond it."""
    digits = ref.lstrip(_LETTERS + _LETTERS.lower())
    letters = ref[: len(ref) - len(digits)]
    if not letters or not digits.isdigit() or not digits.strip(b"0"):
        raise SpreadsheetError(CORRUPT)
    row = int(digits) - 1 if len(digits) <= 7 else EXCEL_MAX_ROWS
    col = _column_index(letters) if len(letters) <= 3 else EXCEL_MAX_COLUMNS
    return row, col


def _column_index(letters: bytes) -> int:
    return column_index_from_string(letters.decode("ascii").upper()) - 1


def _text_after(data: bytes, start: int) -> bytes:
    end = data.find(b"<", start)
    return data[start:] if end < 0 else data[start:end]


# ---------------------------------------------------------------------------
# XLSX: rows
# ---------------------------------------------------------------------------


def _calamine(call: Any, *args: Any) -> Any:
    """Call calamine; its errors, and a panic on a malformed file, mean a damaged file."""
    try:
        return call(*args)
    except python_calamine.PasswordError as exc:
        raise SpreadsheetError(ENCRYPTED) from exc
    except python_calamine.WorkbookClosed as exc:
        raise SpreadsheetError("Tệp đã đóng: hãy mở lại.") from exc
    except Exception as exc:
        raise SpreadsheetError(CORRUPT) from exc
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ == "PanicException":
            raise SpreadsheetError(CORRUPT) from exc
        raise


class _XlsxWorkbook(Workbook):
    kind = "xlsx"

    def __init__(
        self,
        book: Any,
        sheet_names: list[str],
        scans: dict[str, _SheetScan],
        *,
        path: Path,
        streamed: dict[str, str],
    ):
        super().__init__(sheet_names)
        self._book = book
        self._scans = scans
        self._path = path
        self._streamed = streamed  # sheet name -> its part, for the sheets read as a stream
        self._layout: _Layout | None = None

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        self._check_sheet(sheet)
        if sheet in self._streamed:
            if self._layout is None:
                self._layout = _load_layout(self._path)
            return _streamed_rows(
                self._path, self._streamed[sheet], self._scans[sheet], self._layout
            )
        data = _calamine(self._book.get_sheet_by_name, sheet)
        return _sheet_rows(data, self._scans[sheet])

    def close(self) -> None:
        with contextlib.suppress(python_calamine.WorkbookClosed):
            self._book.close()


def _sheet_rows(data: Any, scan: _SheetScan) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a loaded sheet with formulas put back and merged areas filled."""
    formulas = scan.formulas
    start, end = data.start, data.end
    top, left = start if start else (EXCEL_MAX_ROWS, 0)
    bottom = end[0] if end else -1
    first = min(top, min(formulas)) if formulas else top
    last = max(bottom, max(formulas)) if formulas else bottom
    width = max([left + data.width if start else 0, *(max(f) + 1 for f in formulas.values())])
    merges = _Merges(data.merged_cell_ranges or [], first, last, width)
    padding = [None] * left
    # python-calamine's iter_rows starts with start-row blank rows (it counts from row 1);
    # it fails on a sheet without cells, hence the guard.
    raw_rows = itertools.islice(data.iter_rows(), top, None) if start else iter(())
    for row in range(first, last + 1):
        if top <= row <= bottom:
            raw = next(raw_rows)
            if raw.count("") == len(raw) and row not in formulas:  # calamine's empty cell is ""
                if merges:
                    merges.fill(row, [])
                continue
            cells = padding + [_clean(value) for value in raw]
        else:
            cells = []
        if row in formulas:
            for col, expression in formulas[row].items():
                if col >= len(cells):
                    cells.extend([None] * (col + 1 - len(cells)))
                cells[col] = Formula(expression, cells[col])
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        blank = cells.count(None) == len(cells)
        if merges:
            merges.fill(row, cells)
        if not blank:
            yield row + 1, cells


def _clean(value: Any) -> Any:
    """Text NFC-normalised and stripped, empty text as None; other values as they are."""
    if value.__class__ is not str:
        return value
    if value:
        value = unicodedata.normalize("NFC", value).strip()
    return value or None


class _Merges:
    """Merged areas, clipped to the sheet's cells, filled row by row with their top-left value.

    A row whose own cells are all empty stays out even when a merged area
    covers it (a title merged over two rows is one row, not two).
    """

    def __init__(self, ranges: list, first: int, last: int, width: int):
        clipped = []
        area = 0
        for (top, left), (bottom, right) in ranges:
            start, bottom, right = max(top, first), min(bottom, last), min(right, width - 1)
            if start <= bottom and left <= right and (top, left) != (bottom, right):
                clipped.append((start, left, bottom, right, top))
                area += (bottom - start + 1) * (right - left + 1)
        if area > MAX_GRID_CELLS:
            raise SpreadsheetError(CORRUPT)
        self._pending = sorted(clipped, reverse=True)  # next to open at the end
        self._open: list[tuple[int, int, int, Any]] = []  # (bottom, left, right, value)

    def __bool__(self) -> bool:
        return bool(self._pending or self._open)

    def fill(self, row: int, cells: list[Any]) -> None:
        while self._pending and self._pending[-1][0] <= row:
            _start, left, bottom, right, top = self._pending.pop()
            value = cells[left] if top == row and left < len(cells) else None
            self._open.append((bottom, left, right, value))
        if not self._open:
            return
        self._open = [area for area in self._open if area[0] >= row]
        for _bottom, left, right, value in self._open:
            if value is None:
                continue  # an empty top-left cell: the cells keep what they hold
            if right >= len(cells):
                cells.extend([None] * (right + 1 - len(cells)))
            cells[left : right + 1] = [value] * (right + 1 - left)


# ---------------------------------------------------------------------------
# XLSX: a long sheet read as a stream
# ---------------------------------------------------------------------------

# Built-in number formats that show a date or a time (ECMA-376, 18.8.30).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
# Parts of a custom number format that are not date letters: quoted text, escaped or
# literal characters, colours and locales in brackets (elapsed [h] [m] [s] stay).
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - a serial is a wall time
_EXCEL_EPOCH_1904 = dt.datetime(1904, 1, 1)  # noqa: DTZ001
# Open the sheet XML as lxml would any untrusted text: no entities, no network, no DTD.
_PARSE_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                  "huge_tree": True, "remove_comments": True, "remove_pis": True}  # fmt: skip


def _is_date_format(code: str) -> bool:
    section = code.split(";", 1)[0]
    return bool(_DATE_LETTERS.search(_FORMAT_NOISE.sub("", section)))


class _SharedStrings:
    """The workbook's shared strings, packed: UTF-8 bytes end to end and their offsets."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def add(self, text: str) -> None:
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8", "surrogatepass")


@dataclass
class _Layout:
    """What the streamed sheets need from the rest of the workbook."""

    strings: _SharedStrings
    date_styles: frozenset[int]
    epoch: dt.datetime


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _t_text(element: Any) -> str:
    """A ``<t>``'s text; its outer white space counts only with ``xml:space="preserve"``
    (as calamine reads it: Excel writes that attribute whenever it matters)."""
    text = element.text or ""
    return text if element.get(_XML_SPACE) == "preserve" else text.strip(" \t\r\n")


def _text_of(element: Any) -> str:
    """The text of a string item (``<si>`` or ``<is>``): its ``<t>`` and its runs' ``<t>``,
    without the phonetic hints (``<rPh>``)."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(_t_text(child))
        elif name == "r":
            parts.extend(_t_text(t) for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _load_layout(path: Path) -> _Layout:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            strings = _SharedStrings()
            shared = _resolve_part(zf, names, "/sharedStrings")
            if shared:
                with zf.open(shared) as handle:
                    for _, item in etree.iterparse(handle, tag="{*}si", **_PARSE_OPTIONS):
                        strings.add(_text_of(item))
                        item.clear()
                        while item.getprevious() is not None:
                            del item.getparent()[0]
            date_styles: set[int] = set()
            styles = _resolve_part(zf, names, "/styles")
            if styles:
                root = etree.fromstring(_read_small(zf, styles), etree.XMLParser(**_PARSE_OPTIONS))
                custom = {
                    int(f.get("numFmtId", "-1")): f.get("formatCode", "")
                    for f in root.iter("{*}numFmt")
                }
                for xfs in root.iter("{*}cellXfs"):
                    for index, xf in enumerate(x for x in xfs if _local(x.tag) == "xf"):
                        number = int(xf.get("numFmtId", "0"))
                        if number in custom:
                            if _is_date_format(custom[number]):
                                date_styles.add(index)
                        elif number in _DATE_FORMAT_IDS:
                            date_styles.add(index)
            book = _read_small(zf, "xl/workbook.xml")
            pr = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?workbookPr\s([^<>]*?)/?>", book)
            date1904 = bool(pr) and _attributes(pr.group(1)).get("date1904") in ("1", "true")
    except (*_ZIP_FAILURES, etree.LxmlError) as exc:
        raise SpreadsheetError(CORRUPT) from exc
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
    return _Layout(strings, frozenset(date_styles), epoch)


def _resolve_part(zf: zipfile.ZipFile, names: set[str], kind: str) -> str | None:
    """The part of the workbook relationship whose type ends with ``kind``, if any."""
    if "xl/_rels/workbook.xml.rels" not in names:
        return None
    for match in _RELATIONSHIP_TAG.finditer(_read_small(zf, "xl/_rels/workbook.xml.rels")):
        attrs = _attributes(match.group(1))
        if attrs.get("Type", "").endswith(kind) and "Target" in attrs:
            target = _resolve_target(attrs["Target"], names)
            return target if target in names else None
    return None


def _excel_day(value: float, epoch: dt.datetime) -> Any:
    """A serial date as calamine gives it: a time below 1, a date when whole, else a moment."""
    if value < 1:
        return (epoch + dt.timedelta(milliseconds=round(value * 86_400_000))).time()
    if epoch is _EXCEL_EPOCH and value < 60:
        value += 1  # Excel's 1900 counts a 29 February that never was
    moment = epoch + dt.timedelta(milliseconds=round(value * 86_400_000))
    if moment.time() == dt.time.min:
        return moment.date()
    return moment


def _streamed_rows(
    path: Path, part: str, scan: _SheetScan, layout: _Layout
) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a long sheet, parsed row by row; each row is dropped once read."""
    formulas = scan.formulas
    width = max([scan.max_col + 1, *(max(f) + 1 for f in formulas.values())])
    merges = _Merges(scan.merges, 0, EXCEL_MAX_ROWS, width)
    strings, date_styles, epoch = layout.strings, layout.date_styles, layout.epoch
    columns: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part) as handle:
            row_index = -1
            names: tuple[str, ...] = ()
            for _, row in etree.iterparse(handle, tag="{*}row", **_PARSE_OPTIONS):
                if not names:
                    ns = row.tag[: row.tag.index("}") + 1] if row.tag.startswith("{") else ""
                    names = (ns + "c", ns + "v", ns + "is")
                c_tag, v_tag, is_tag = names
                ref = row.get("r")
                row_index = int(ref) - 1 if ref and ref.strip().isdigit() else row_index + 1
                cells: list[Any] = []
                col = -1
                for cell in row.iterchildren(c_tag):
                    ref = cell.get("r")
                    if ref:
                        at = columns.get(ref.rstrip("0123456789"))
                        if at is None:
                            letters = ref.rstrip("0123456789")
                            at = columns[letters] = _split_ref(
                                letters.encode("ascii", "replace") + b"1"
                            )[1]
                        col = at
                    else:
                        col += 1
                    value = _cell_value(cell, v_tag, is_tag, strings, date_styles, epoch)
                    if value is None:
                        continue
                    if col >= len(cells):
                        cells.extend([None] * (col + 1 - len(cells)))
                    cells[col] = value
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield from _finish_row(row_index, cells, formulas, merges, width)
    except (*_ZIP_FAILURES, etree.LxmlError) as exc:
        raise SpreadsheetError(CORRUPT) from exc


def _finish_row(
    row: int, cells: list[Any], formulas: dict, merges: _Merges, width: int
) -> Iterator[tuple[int, list[Any]]]:
    """As ``_sheet_rows`` does for a loaded row: formulas put back, merged areas filled."""
    if not cells and row not in formulas:
        if merges:
            merges.fill(row, [])
        return
    if row in formulas:
        for col, expression in formulas[row].items():
            if col >= len(cells):
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = Formula(expression, cells[col])
    if len(cells) < width:
        cells.extend([None] * (width - len(cells)))
    if merges:
        merges.fill(row, cells)
    if cells.count(None) != len(cells):
        yield row + 1, cells


def _cell_value(
    cell: Any, v_tag: str, is_tag: str, strings: _SharedStrings, date_styles, epoch
) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(is_tag)
        return _clean(_text_of(inline)) if inline is not None else None
    text = cell.findtext(v_tag)
    if text is None or text == "":
        return None
    if kind == "s":
        try:
            return _clean(strings[int(text)])
        except (ValueError, IndexError):
            return None
    if kind == "n":
        number = float(text)
        style = cell.get("s")
        if style is not None and date_styles and int(style) in date_styles:
            return _excel_day(number, epoch)
        return number
    if kind == "b":
        return text.strip() not in ("0", "false")
    if kind == "d":
        try:
            moment = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            return _clean(text)
        return moment.date() if moment.time() == dt.time.min else moment
    if kind == "e":
        return None  # an error such as #DIV/0! (calamine gives no value either)
    return _clean(text)  # "str": a formula's text


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

_DELIMITERS = (";", ",", "\t")
_MARKUP_STARTS = ("<!doctype", "<html", "<?xml", "<table", "<head", "<meta")


def _open_csv(path: Path, head: bytes, filename: str) -> Workbook:
    encoding = _csv_encoding(path, head)
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(SNIFF_BYTES)
        complete = not handle.read(1)
    if sample.lstrip().lower().startswith(_MARKUP_STARTS):
        raise SpreadsheetError(MARKUP)
    name = Path(filename or path.name).stem or "CSV"
    return _CsvWorkbook(path, encoding, _sniff_delimiter(sample, complete), name)


def _csv_encoding(path: Path, head: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM) or, when the bytes are not UTF-8, Windows-1258."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1258"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SpreadsheetError(CSV_ENCODING)


def _sniff_delimiter(sample: str, complete: bool) -> str:
    """The delimiter that splits the first lines most consistently into the most fields."""
    lines = sample.splitlines()
    if not complete:
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", (0.0, 1)
    for delimiter in _DELIMITERS:
        try:
            records = list(csv.reader(lines[:100], delimiter=delimiter))
        except csv.Error:
            continue
        counts = [len(r) for r in records if any(cell.strip() for cell in r)]
        if not counts:
            continue
        fields, times = Counter(counts).most_common(1)[0]
        score = (times / len(counts), fields)
        if fields > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


class _CsvWorkbook(Workbook):
    kind = "csv"

    def __init__(self, path: Path, encoding: str, delimiter: str, name: str):
        super().__init__([name])
        self._path = path
        self._encoding = encoding
        self._delimiter = delimiter

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        self._check_sheet(sheet)
        return self._records()

    def _records(self) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        with self._path.open(encoding=self._encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self._delimiter)
            try:
                for number, record in enumerate(reader, start=1):
                    if len(record) > EXCEL_MAX_COLUMNS:
                        raise SpreadsheetError(
                            f"Dòng {fmt_int(number)} của tệp CSV có {fmt_int(len(record))} ô, "
                            "quá giới hạn của Excel: hãy kiểm tra lại dấu phân cách."
                        )
                    cells = [_clean(value) for value in record]
                    if cells.count(None) != len(cells):
                        yield number, cells
            except csv.Error as exc:
                raise SpreadsheetError(
                    f"Không đọc được dòng {fmt_int(number + 1)} của tệp CSV: có ô dài hơn "
                    f'{fmt_int(csv.field_size_limit())} ký tự hoặc dấu ngoặc kép " không khớp. '
                    "Hãy mở bằng Excel, kiểm tra dòng đó rồi lưu lại."
                ) from exc
            except UnicodeDecodeError as exc:
                raise SpreadsheetError(CSV_ENCODING) from exc


__all__ = ["Formula", "Issue", "SpreadsheetError", "Workbook", "open_workbook"]
