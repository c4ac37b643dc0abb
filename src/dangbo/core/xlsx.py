"""Writing spreadsheets people open in Excel: XLSX (streamed) and CSV.

Every list of the UI, the import error reports and the exchange workbook go
through ``write_workbook``: Vietnamese headers in bold on a frozen first row,
dates as real date cells shown dd/mm/yyyy, whole numbers with a thousands
separator (Excel shows it in the reader's locale: 6.731 in Vietnamese), and
text that looks like a formula kept as text, never evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .formatting import fmt_date, fmt_datetime

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Excel number formats are written in Excel's own (English) notation; Excel
# shows them with the separators of the reader's locale.
NUMBER_FORMATS = {
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "int": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.0%",
}
DEFAULT_WIDTHS = {"date": 12, "datetime": 17, "int": 10, "decimal": 12, "percent": 9, "bool": 8}
# Characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Zip entries get this time, so one content always gives the same bytes.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The most rows Excel opens in one sheet, the header and the lines above it included. A sheet
# with more rows goes on in numbered parts ("Sự kiện đảng viên (2)", ...), each with the header.
MAX_SHEET_ROWS = 1_048_576
# Bytes copied at a time when the workbook is rewritten with fixed times.
COPY_BYTES = 1024 * 1024


def part_title(title: str, part: int) -> str:
    """The title of the ``part``-th sheet of ``title`` (1: the title itself), at most 31 characters."""
    if part == 1:
        return title[:31]
    suffix = f" ({part})"
    return title[: 31 - len(suffix)] + suffix


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header, the kind of value and a width in characters."""

    header: str
    kind: str = "text"  # text, int, decimal, percent, date, datetime, bool
    width: float | None = None
    comment: str = ""

    @property
    def display_width(self) -> float:
        if self.width:
            return self.width
        return max(DEFAULT_WIDTHS.get(self.kind, 18), min(len(self.header) + 2, 40))


@dataclass
class Sheet:
    """A sheet to write: title (at most 31 characters), columns and rows (any iterable, streamed)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # Lines written above the header (a title, the filters in force); the header follows them.
    preamble: Sequence[str] = field(default_factory=tuple)
    # The number of rows of a sheet filled after every other sheet, though it keeps its place
    # (and its parts theirs) in the workbook: a summary of the rows the others were written
    # with. None: filled in its turn.
    filled_last: int | None = None


def _clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _fast(ws, value: Any, column: Column, styles: dict) -> Any:
    """A plain value where openpyxl writes it right by itself (most text), else a styled cell."""
    if value is None:
        return None
    if type(value) is str and not value.startswith("=") and not ILLEGAL_CHARACTERS_RE.search(value):
        return value
    return _cell(ws, value, column, styles)


def _cell(ws, value: Any, column: Column, styles: dict) -> WriteOnlyCell:
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    elif isinstance(value, str):
        value = _clean_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # openpyxl reads "=..." as a formula; a cell from the database is always text.
        cell.data_type = "s"
    elif value is not None:
        number_format = NUMBER_FORMATS.get(column.kind)
        if isinstance(value, dt.datetime):
            number_format = NUMBER_FORMATS["datetime"]
        elif isinstance(value, dt.date):
            number_format = NUMBER_FORMATS["date"]
        elif isinstance(value, (float, Decimal)) and column.kind == "int":
            number_format = NUMBER_FORMATS["decimal"]
        if number_format:
            cell.number_format = number_format
    return cell


def write_workbook(
    target: str | Path | IO[bytes], sheets: Sequence[Sheet], *, stamp: dt.datetime | None = None
) -> int:
    """Write ``sheets`` as an XLSX workbook to ``target``; return the number of data rows.

    With ``stamp``, the file is reproducible: the workbook's created and
    modified times are ``stamp`` and every zip entry carries one fixed time,
    so the same content always gives the same bytes.
    """
    wb = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="FFE9EEF6")
    header_alignment = Alignment(wrap_text=True, vertical="center")
    total = 0

    def start(spec: Sheet, part: int):
        ws = wb.create_sheet(title=part_title(spec.title, part))
        for index, column in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.display_width
        header_row = len(spec.preamble) + 1
        ws.freeze_panes = f"A{header_row + 1}"
        for line in spec.preamble:
            cell = WriteOnlyCell(ws, value=_clean_text(line))
            cell.data_type = "s"
            ws.append([cell])
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(ws, value=_clean_text(column.header))
            cell.data_type = "s"
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = header_alignment
            header.append(cell)
        ws.append(header)
        return ws, MAX_SHEET_ROWS - header_row

    def fill(spec: Sheet, parts: list) -> None:
        """Write the rows of ``spec`` in ``parts`` ((sheet, room) each), adding parts as needed
        unless the sheet is filled last (its parts are made beforehand)."""
        nonlocal total
        styles: dict = {}
        columns = list(spec.columns)
        at = 0
        ws, room = parts[0]
        for row in spec.rows:
            if room == 0:
                at += 1
                if at == len(parts):
                    if spec.filled_last is not None:
                        raise ValueError(f"Sheet {spec.title!r} has more rows than announced.")
                    parts.append(start(spec, at + 1))
                ws, room = parts[at]
            ws.append(
                [
                    _fast(ws, value, column, styles)
                    for value, column in zip(row, columns, strict=False)
                ]
            )
            room -= 1
            total += 1

    # A write-only sheet streams its rows to its own temporary file: a sheet created first
    # can still take rows after the later ones are written.
    later = []
    for spec in sheets:
        parts = [start(spec, 1)]
        if spec.filled_last is None:
            fill(spec, parts)
            continue
        need = spec.filled_last - parts[0][1]
        while need > 0:
            parts.append(start(spec, len(parts) + 1))
            need -= parts[-1][1]
        later.append((spec, parts))
    for spec, parts in later:
        fill(spec, parts)
    if not sheets:
        wb.create_sheet(title="Trống")
    if stamp is None:
        wb.save(target)
        return total
    # Saved to a temporary file, then copied part by part in chunks: memory stays flat
    # however large the sheets are.
    with tempfile.TemporaryFile() as saved:
        wb.save(saved)
        saved.seek(0)
        _make_reproducible(saved, target, stamp)
    return total


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _make_reproducible(
    source: IO[bytes], target: str | Path | IO[bytes], stamp: dt.datetime
) -> None:
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = open(target, "wb") if isinstance(target, (str, Path)) else target  # noqa: SIM115
    try:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                if info.filename == "docProps/core.xml":
                    data = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), src.read(info))
                    dst.writestr(entry, data)
                    continue
                entry.file_size = info.file_size  # tells zipfile whether ZIP64 is needed
                with src.open(info) as part, dst.open(entry, "w") as copy:
                    while chunk := part.read(COPY_BYTES):
                        copy.write(chunk)
    finally:
        if out is not target:
            out.close()


def csv_value(value: Any) -> str:
    """A value as CSV text: dates dd/mm/yyyy, text that looks like a formula quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime):
        return fmt_datetime(value)
    if isinstance(value, dt.date):
        return fmt_date(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(target: IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV (UTF-8 with a byte-order mark, so Excel reads the accents); return the row count."""
    target.write("\ufeff")
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    total = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        total += 1
    return total


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    """An HTTP download of ``sheets`` as ``filename`` (written to a temporary file, then streamed)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    write_workbook(handle, sheets)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def csv_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """An HTTP download of a CSV file."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    wrapper = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    write_csv(wrapper, columns, rows)
    wrapper.flush()
    wrapper.detach()
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CSV_CONTENT_TYPE
    )
