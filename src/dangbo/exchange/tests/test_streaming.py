"""The exchange workbook streamed both ways: the same file and the same rows as held whole."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dangbo.accounts import services as account_services
from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import UserFactory
from dangbo.core import spreadsheets
from dangbo.exchange import exporting
from dangbo.exchange.format import INFO, ROWS_KEY_PREFIX, SHEETS, SHEETS_BY_KEY
from dangbo.exchange.reading import read_exchange
from dangbo.exchange.services import import_exchange
from dangbo.members import services as member_services
from dangbo.members.models import Member, Position
from dangbo.organizations.models import Organization

from .helpers import build_world, export_bytes, wipe, write_file

pytestmark = pytest.mark.django_db


def _column(content: bytes, key: str, column: str) -> list:
    spec = SHEETS_BY_KEY[key]
    ws = load_workbook(io.BytesIO(content), read_only=True)[spec.title]
    rows = list(ws.iter_rows(values_only=True))
    at = list(rows[0]).index(spec.column(column).header)
    return [row[at] for row in rows[1:]]


def test_long_sheets_are_ordered_as_python_orders_text(monkeypatch):
    """The database orders the long sheets; text by code point (capitals before small letters,
    "Đ" after "Z"), as the file always did, on PostgreSQL too (whose collation would not)."""
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)  # several chunks per sheet
    world = build_world()
    top = world["top"]
    for name in ("zeta", "Zed", "adam", "Đức", "_x", "Bob"):
        user = UserFactory(username=name)
        account_services.grant_role(actor=None, user=user, role=Role.VIEWER, organization=top)
    member = world["members"][1]
    for org_code in ("B", "A"):
        member_services.assign_position(
            actor=None, member=member, title=Position.Title.COMMITTEE_MEMBER,
            organization=Organization.objects.get(code=org_code),
            started_on=world["members"][1].official_on,
        )  # fmt: skip
    content = export_bytes("TOP")

    usernames = _column(content, "users", "username")
    assert usernames == sorted(usernames)
    assert {"zeta", "Zed", "adam", "Đức", "_x", "Bob"} <= set(usernames)
    uids = _column(content, "members", "uid")
    assert uids == sorted(uids)
    assert len(uids) == len(set(uids))
    assert len(uids) == Member.objects.count()
    event_uids = _column(content, "member_events", "member")
    assert event_uids == sorted(event_uids)
    titles = list(
        zip(
            _column(content, "positions", "member"),
            _column(content, "positions", "started_on"),
            _column(content, "positions", "title"),
            _column(content, "positions", "organization"),
            strict=True,
        )
    )
    assert titles == sorted(titles, key=lambda t: tuple("" if v is None else v for v in t))
    # Chunked, the file is the same as read in one go.
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2000)
    assert export_bytes("TOP") == content


def test_a_workbook_read_as_a_stream_gives_the_same_rows_and_comes_back_whole(
    tmp_path, monkeypatch
):
    build_world()
    content = export_bytes("TOP")
    path = write_file(tmp_path, content)
    loaded = read_exchange(path)
    monkeypatch.setattr(spreadsheets, "STREAM_FROM_BYTES", 0)
    streamed = read_exchange(path)
    assert streamed.ok, streamed.issues
    assert streamed.issues == loaded.issues
    assert streamed.info == loaded.info
    assert {k: [(r.number, r.values) for r in rows] for k, rows in streamed.rows.items()} == {
        k: [(r.number, r.values) for r in rows] for k, rows in loaded.rows.items()
    }
    # Imported from the stream into an empty installation, it exports the same bytes.
    wipe()
    result = import_exchange(path, actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert export_bytes("TOP") == content


def test_the_info_sheet_counts_the_rows_written():
    build_world()
    book = load_workbook(io.BytesIO(export_bytes("TOP")), read_only=True)
    assert book.sheetnames[0] == INFO.title
    counts = {
        row[1]: row[2]
        for row in book[INFO.title].iter_rows(min_row=2, values_only=True)
        if str(row[1]).startswith(ROWS_KEY_PREFIX)
    }
    assert len(counts) == len(SHEETS) - 1
    for spec in SHEETS[1:]:
        rows = book[spec.title].iter_rows(min_row=2, values_only=True)
        assert counts[ROWS_KEY_PREFIX + spec.key] == sum(1 for row in rows if any(row)), spec.key
    assert counts[ROWS_KEY_PREFIX + "members"] == Member.objects.count()


def test_a_row_is_a_compact_mapping_of_its_sheets_columns():
    from dangbo.exchange.reading import Row

    at = {"code": 0, "name": 1}
    row, other = Row(3, ["A", "Tên"], at), Row(4, ["B", ""], at, "Tổ chức (2)", 2)
    assert row.at is other.at  # one key index per sheet
    assert (row["code"], row.get("name"), row.get("missing", "-")) == ("A", "Tên", "-")
    row.values["name"] = "Tên mới"
    assert dict(row.values) == {"code": "A", "name": "Tên mới"}
    assert "code" in row.values
    assert "missing" not in row.values
    with pytest.raises(KeyError):
        row.values["missing"] = 1
    assert (row.shown, other.shown, other.sheet) == (3, 2, "Tổ chức (2)")
    assert Row.of(3, {"code": "A", "name": "Tên mới"}) == row
    assert not hasattr(row, "__dict__")
