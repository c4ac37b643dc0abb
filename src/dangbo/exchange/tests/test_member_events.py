"""The "Sự kiện đảng viên" sheet: the admission ceremony travels with the admission event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.exchange.services import import_exchange
from dangbo.members.models import Member, MemberEvent
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .helpers import edit_workbook, export_bytes, set_cell, table_counts, wipe, write_file

pytestmark = pytest.mark.django_db

SHEET = "Sự kiện đảng viên"
CEREMONY = "Ngày lễ kết nạp"


def _admitted_with_ceremony() -> Member:
    top = bloc(code="K", name="Đảng ủy Khối K")
    cell = dependent_cell(dang_bo(top, code="D"), code="D1", name="Chi bộ Một")
    return MemberFactory(
        organization=cell, full_name="Ngô Thị Lễ", admitted_on=dt.date(2024, 3, 4),
        ceremony_on=dt.date(2024, 3, 20), official_on=None,
    )  # fmt: skip


def _set_on_admission(content: bytes, uid: str, header: str, value) -> bytes:
    def edit(wb):
        ws = wb[SHEET]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[headers.index("Mã hồ sơ (UID)")].value == uid and (
                row[headers.index("Mã loại sự kiện")].value == "ADMITTED"
            ):
                row[headers.index(header)].value = value

    return edit_workbook(content, edit)


def test_the_ceremony_day_round_trips_and_probation_runs_from_it(tmp_path):
    member = _admitted_with_ceremony()
    assert member.probation_ends_on == dt.date(2025, 3, 20)
    content = export_bytes("K")
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    again = Member.objects.get(uid=member.uid)
    event = again.events.get(kind=MemberEvent.Kind.ADMITTED)
    assert (event.happened_on, event.ceremony_on) == (dt.date(2024, 3, 4), dt.date(2024, 3, 20))
    assert again.probation_ends_on == dt.date(2025, 3, 20)
    assert export_bytes("K") == content


def test_a_different_ceremony_day_is_a_conflict_naming_the_column(tmp_path):
    member = _admitted_with_ceremony()
    changed = _set_on_admission(export_bytes("K"), str(member.uid), CEREMONY, dt.date(2024, 3, 27))
    before = table_counts()
    result = import_exchange(write_file(tmp_path, changed), actor=None, dry_run=False)
    [issue] = result.errors
    assert issue.sheet == SHEET
    assert f"{CEREMONY}: tệp «27/03/2024», hệ thống «20/03/2024»" in issue.message
    assert result.counts[SHEET]["conflicts"] == 1
    assert table_counts() == before


def test_a_ceremony_before_the_admission_decision_is_refused(tmp_path):
    member = _admitted_with_ceremony()
    content = _set_on_admission(export_bytes("K"), str(member.uid), CEREMONY, dt.date(2024, 3, 3))
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    [issue] = result.errors
    assert (issue.sheet, issue.column, issue.value) == (SHEET, CEREMONY, "03/03/2024")
    assert issue.message == (
        "Lễ kết nạp (03/03/2024) không thể trước ngày quyết định kết nạp (04/03/2024)."
    )
    assert Member.objects.count() == 0


def test_a_ceremony_on_another_kind_of_event_is_refused(tmp_path):
    member = _admitted_with_ceremony()
    content = edit_workbook(export_bytes("K"), lambda wb: wb[SHEET].append(
        [str(member.uid), dt.date(2025, 3, 20), "MADE_OFFICIAL"]
    ))  # fmt: skip
    content = edit_workbook(content, lambda wb: set_cell(
        wb, SHEET, CEREMONY, ("Mã loại sự kiện", "MADE_OFFICIAL"), dt.date(2025, 3, 20)
    ))  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    [issue] = [i for i in result.errors if i.column == CEREMONY]
    assert issue.sheet == SHEET
    assert issue.message == "Ngày lễ kết nạp chỉ ghi cho sự kiện kết nạp hoặc kết nạp lại."
    assert Member.objects.count() == 0


def test_a_file_without_the_ceremony_column_still_imports(tmp_path):
    member = _admitted_with_ceremony()

    def drop(wb):
        ws = wb[SHEET]
        headers = [c.value for c in ws[1]]
        ws.delete_cols(headers.index(CEREMONY) + 1)

    content = edit_workbook(export_bytes("K"), drop)
    # Against the installation it came from: the missing column is not compared.
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == []
    assert result.counts[SHEET]["unchanged"] == 1
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == []
    again = Member.objects.get(uid=member.uid)
    assert again.events.get().ceremony_on is None
    # Without a ceremony day, probation runs from the admission decision.
    assert again.probation_ends_on == dt.date(2025, 3, 4)


def test_the_members_a_file_names_stay_locked_until_the_import_ends(tmp_path):
    # A service writing one of them meanwhile would add an event the derivation here never saw.
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite: BEGIN IMMEDIATE holds the whole database for the import")
    member = _admitted_with_ceremony()
    content = export_bytes("K")

    with CaptureQueriesContext(connection) as queries:
        result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=True)

    assert result.errors == [], result.errors
    reads = [q["sql"] for q in queries.captured_queries if '"members_member"."uid" IN' in q["sql"]]
    assert reads
    assert all(sql.rstrip().endswith("FOR UPDATE") for sql in reads), reads
    assert Member.objects.get(pk=member.pk).uid == member.uid
