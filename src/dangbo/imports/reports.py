"""The error report of an import, as a workbook to fix in Excel and upload again.

Each sheet of the file comes back with its header and every row, and a first
column «Lỗi» holding that row's messages (the import ignores that column, so the
fixed file can be uploaded as it is). A last sheet lists every finding: sheet,
row, column, value, message.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse
from django.utils import timezone

from dangbo.core import spreadsheets
from dangbo.core.spreadsheets import Formula
from dangbo.core.xlsx import XLSX_CONTENT_TYPE, Column, Sheet, write_workbook

from .models import ImportJob

ERROR_HEADER = "Lỗi"
SEVERITY = {"error": "Lỗi", "warning": "Cảnh báo"}


def _cell(value: Any) -> Any:
    if isinstance(value, Formula):
        return value.value if value.value is not None else value.expression
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _messages(job: ImportJob) -> dict[tuple[str, int | None], list[str]]:
    found: dict[tuple[str, int | None], list[str]] = {}
    for sheet, row, column, message, severity in job.issues.values_list(
        "sheet", "row", "column", "message", "severity"
    ).order_by("id"):
        prefix = f"{column}: " if column else ""
        suffix = " (cảnh báo)" if severity == "warning" else ""
        found.setdefault((sheet, row), []).append(f"{prefix}{message}{suffix}")
    return found


def _sheet_rows(workbook, sheet: dict[str, Any], messages) -> Sheet:
    header_row = sheet["header_row"] or 0
    rows = workbook.rows(sheet["name"])
    header: list[Any] = []
    for number, cells in rows:
        if number == header_row:
            header = cells
            break
    columns = [Column(ERROR_HEADER, width=60)] + [
        Column(str(_cell(h) or ""), width=16) for h in header
    ]

    def body():
        for number, cells in rows:
            found = messages.get((sheet["name"], number), [])
            yield ["; ".join(found), *(_cell(c) for c in cells)]

    return Sheet(sheet["name"], columns, body())


def report_sheets_written(job: ImportJob, target) -> None:
    """Write the report workbook of ``job`` to ``target`` (a path or a binary file)."""
    messages = _messages(job)
    listing = Sheet(
        "Danh sách lỗi",
        [Column("Trang tính", width=20), Column("Dòng", "int", 8), Column("Cột", width=22),
         Column("Giá trị", width=24), Column("Nội dung", width=70), Column("Mức độ", width=10)],
        ([i.sheet, i.row, i.column, i.value, i.message, SEVERITY.get(i.severity, i.severity)]
         for i in job.issues.order_by("sheet", "row", "id").iterator(chunk_size=2000)),
    )  # fmt: skip
    path = Path(job.file.path) if job.file else None
    if job.file_kind == "exchange" or path is None or not path.exists():
        write_workbook(target, [listing])
        return
    with spreadsheets.open_workbook(path, filename=job.original_name) as workbook:
        sheets = [
            _sheet_rows(workbook, s, messages)
            for s in job.mapping.get("sheets", [])
            if s.get("kind")
        ]
        write_workbook(target, [*sheets, listing])


def report_filename(job: ImportJob) -> str:
    stem = Path(job.original_name).stem or "tep"
    return f"bao-cao-loi-{stem}-{timezone.localdate():%Y%m%d}.xlsx"


def report_response(job: ImportJob) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    report_sheets_written(job, handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=report_filename(job), content_type=XLSX_CONTENT_TYPE
    )
