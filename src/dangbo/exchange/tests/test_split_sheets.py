"""A sheet past the XLSX row limit is written in numbered parts that the reader joins."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dangbo.core import xlsx
from dangbo.exchange.reading import read_exchange
from dangbo.exchange.services import import_exchange
from dangbo.members.models import MemberEvent

from .helpers import build_world, edit_workbook, export_bytes, wipe, write_file

pytestmark = pytest.mark.django_db

EVENTS = "Sự kiện đảng viên"
# Header + 3 data rows per sheet: the world's member events fill several parts.
LIMIT = 4


def _sheet_rows(content: bytes) -> dict[str, int]:
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: ws.max_row for ws in workbook.worksheets}


def test_a_long_sheet_goes_in_parts_and_comes_back_whole(tmp_path, monkeypatch):
    build_world()
    whole = export_bytes("TOP")
    events = MemberEvent.objects.count()
    assert events > 2 * (LIMIT - 1)
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", LIMIT)
    split = export_bytes("TOP")

    sizes = _sheet_rows(split)
    assert all(rows <= LIMIT for rows in sizes.values())
    parts = [t for t in sizes if t == EVENTS or t.startswith(EVENTS + " (")]
    expected = -(-events // (LIMIT - 1))
    assert parts == [EVENTS] + [f"{EVENTS} ({n})" for n in range(2, expected + 1)]
    # Every part starts with the same header.
    workbook = load_workbook(io.BytesIO(split))
    headers = {t: [c.value for c in next(workbook[t].iter_rows(max_row=1))] for t in parts}
    assert len({tuple(h) for h in headers.values()}) == 1

    # The reader joins the parts: the same rows as the file written in one sheet.
    joined, one = (
        read_exchange(write_file(tmp_path, split)),
        read_exchange(write_file(tmp_path, whole, "whole.xlsx")),
    )
    assert joined.ok, joined.issues
    assert [r.values for r in joined.sheet("member_events")] == [
        r.values for r in one.sheet("member_events")
    ]

    # Round trip: into an empty installation and out again, byte for byte.
    wipe()
    result = import_exchange(write_file(tmp_path, split), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert MemberEvent.objects.count() == events
    assert export_bytes("TOP") == split
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 1_048_576)
    assert export_bytes("TOP") == whole


def test_a_bad_cell_in_a_part_is_reported_on_that_part(tmp_path, monkeypatch):
    build_world()
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", LIMIT)
    part = f"{EVENTS} (2)"

    def edit(workbook):
        ws = workbook[part]
        headers = [c.value for c in ws[1]]
        ws.cell(row=2, column=headers.index("Ngày hiệu lực") + 1).value = "không phải ngày"

    content = edit_workbook(export_bytes("TOP"), edit)
    data = read_exchange(write_file(tmp_path, content))
    errors = [i for i in data.issues if i.is_error]
    assert [(i.sheet, i.row, i.column) for i in errors] == [(part, 2, "Ngày hiệu lực")]


def test_a_part_out_of_order_is_refused(tmp_path, monkeypatch):
    build_world()
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", LIMIT)

    def edit(workbook):
        workbook[f"{EVENTS} (2)"].title = f"{EVENTS} (9)"

    content = edit_workbook(export_bytes("TOP"), edit)
    data = read_exchange(write_file(tmp_path, content))
    assert not data.ok
    errors = [i for i in data.issues if i.is_error]
    # That part and the ones after it (no longer following on from the sheet) are refused.
    assert errors[0].sheet == f"{EVENTS} (9)"
    assert {i.sheet for i in errors} == {f"{EVENTS} (9)"} | {
        t for t in content_titles(content) if t.startswith(f"{EVENTS} (")
    }
    assert all("không đúng thứ tự" in i.message for i in errors)


def content_titles(content: bytes) -> list[str]:
    return load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_write_workbook_splits_any_sheet(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 3)
    columns = [xlsx.Column("Số")]
    buffer = io.BytesIO()
    written = xlsx.write_workbook(
        buffer, [xlsx.Sheet("Danh sách", columns, ([i] for i in range(5)))]
    )
    assert written == 5
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["Danh sách", "Danh sách (2)", "Danh sách (3)"]
    assert [[c.value for c in row] for row in workbook["Danh sách (3)"].iter_rows()] == [
        ["Số"],
        [4],
    ]
    assert xlsx.part_title("x" * 40, 12) == "x" * 26 + " (12)"
