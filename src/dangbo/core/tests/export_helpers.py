"""Reading back the files the list exports give (shared by the apps' test_exports.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl

from dangbo.core.xlsx import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def filename(response) -> str:
    match = re.search(r'filename="?([^";]+)"?', response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return match.group(1)


class Table:
    """A downloaded workbook's first sheet: preamble lines, header, data rows."""

    def __init__(self, response):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert "attachment" in response["Content-Disposition"]
        self.filename = filename(response)
        self.workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
        self.sheet = self.workbook.worksheets[0]
        # The header is the row above the frozen pane ("A5": header on row 4).
        self.header_row = int(self.sheet.freeze_panes[1:]) - 1
        rows = list(self.sheet.iter_rows())
        self.preamble = [r[0].value for r in rows[: self.header_row - 1]]
        self.headers = [c.value for c in rows[self.header_row - 1]]
        self.cells = rows[self.header_row :]
        self.rows = [[_value(c) for c in r] for r in self.cells]

    def column(self, header: str) -> list:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]

    def cell(self, row: int, header: str):
        """The openpyxl cell of data row ``row`` (0-based) under ``header``."""
        return self.cells[row][self.headers.index(header)]


def _value(cell):
    """A cell's value; a date cell (read back as a datetime at midnight) as a date."""
    if cell.number_format == "dd/mm/yyyy" and isinstance(cell.value, dt.datetime):
        return cell.value.date()
    return cell.value


def read_csv(response) -> tuple[str, list[list[str]]]:
    """Return (decoded text, rows) of a downloaded CSV file."""
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    raw = content(response)
    assert raw.startswith("\ufeff".encode()), "CSV must start with a UTF-8 byte-order mark"
    text = raw.decode("utf-8-sig")
    return text, list(csv.reader(io.StringIO(text, newline="")))
