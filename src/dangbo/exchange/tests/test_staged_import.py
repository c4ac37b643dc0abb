"""An exchange workbook or an organization list, written in one piece, leaves the embedded
database to other writers: it is staged on a copy and carried over in one short transaction."""

from __future__ import annotations

import pytest
from django.db import connection

from dangbo.audit.models import AuditEntry
from dangbo.core import staging
from dangbo.exchange.services import import_exchange
from dangbo.exchange.tests.helpers import (
    build_world,
    export_bytes,
    table_counts,
    wipe,
    write_file,
)
from dangbo.imports import services as import_services
from dangbo.imports.models import ImportJob
from dangbo.imports.tests.test_under_load import in_another_thread
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SQLITE = connection.vendor == "sqlite"


@pytest.fixture
def workbook(tmp_path):
    """The exchange workbook of a committee with history, and the counts it was exported from;
    the database is then emptied but for one unrelated organization."""
    build_world()
    content = export_bytes("TOP")
    counts = table_counts()
    wipe()
    other = bloc(code="KHAC", name="Đảng ủy Khối Khác")
    return write_file(tmp_path, content), content, counts, other


def _import(path, progress=None):
    return staging.staged(
        lambda: import_exchange(path, actor=None, dry_run=False, progress=progress),
        written=lambda result: result.written,
    )


def test_a_staged_import_writes_what_an_import_in_place_writes(workbook):
    path, _content, counts, _ = workbook
    before = table_counts()

    result = _import(path)

    assert result.ok, result.errors
    assert staging.last.staged is SQLITE
    after = table_counts()
    for name, count in counts.items():
        if name not in ("AuditEntry", "Sector"):
            assert after[name] == count + before[name], name
    # What came in exports again as it went out.
    assert export_bytes("TOP")
    assert Organization.objects.get(code="TOP").path
    if SQLITE:
        assert staging.last.rows["members_member"] == counts["Member"]
    assert AuditEntry.objects.filter(action="exchange.imported").count() == 1


def test_other_writers_are_not_kept_waiting_and_their_writes_are_kept(workbook):
    path, _, counts, other = workbook
    writes: list[dict] = []

    def meanwhile(done: int) -> None:
        if not writes:
            writes.append(in_another_thread(lambda: org_services.update_organization(
                actor=None, org=Organization.objects.get(pk=other.pk), phone="0210 000 111",
            ).phone, timeout=10))  # fmt: skip

    result = _import(path, progress=meanwhile)

    assert result.ok, result.errors
    assert writes[0] == {"value": "0210 000 111"}
    other.refresh_from_db()
    assert other.phone == "0210 000 111"
    assert Organization.objects.filter(code="TOP").exists()
    assert table_counts()["Member"] == counts["Member"]
    if SQLITE:
        # The write met on the way made the first staging stale: it was staged again.
        assert staging.last.attempts == 2
        assert staging.last.staged


def test_a_write_that_fails_on_the_copy_leaves_the_database_untouched(workbook):
    path, _, _, _ = workbook
    before = table_counts()

    def crash(done: int) -> None:
        raise RuntimeError("mất điện")

    with pytest.raises(RuntimeError):
        _import(path, progress=crash)

    assert table_counts() == before
    assert not Organization.objects.filter(code="TOP").exists()


def test_a_refused_file_carries_nothing_over(workbook, tmp_path):
    _path, content, _, _ = workbook
    from dangbo.exchange.tests.helpers import edit_workbook

    bad = edit_workbook(content, lambda wb: wb["Đảng viên"].append(["không phải mã"]))
    before = table_counts()

    result = _import(write_file(tmp_path, bad, "hong.xlsx"))

    assert not result.ok
    assert not result.written
    assert table_counts() == before
    assert staging.last.staged is False


def test_an_organization_list_is_imported_through_the_stage(tmp_path):
    top = bloc(code="KHOI", name="Đảng ủy Khối Thử")
    path = tmp_path / "to-chuc.csv"
    rows = ["Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên,Năm thành lập"]
    rows += [f"DB{i},Đảng bộ Công ty {i},Đảng bộ cơ sở,KHOI,2015" for i in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    job = import_services.import_path(actor=None, organization=top, path=path)

    assert job.status == ImportJob.Status.DONE, job.message
    assert Organization.objects.filter(parent=top).count() == 40
    assert staging.last.staged is SQLITE
    founded = AuditEntry.objects.filter(action="organizations.founded")
    assert founded.count() == 41  # the committee and the forty in the file


def test_records_the_write_changes_are_carried_over_as_the_copy_has_them(tmp_path):
    import datetime as dt

    from dangbo.exchange.tests.helpers import edit_workbook, set_cell
    from dangbo.members.models import Member, MemberEvent, MemberState

    world = build_world()
    content = export_bytes("TOP")
    m1 = world["members"][0]
    states_before = MemberState.objects.filter(member=m1).count()

    def add_event_and_status(wb):
        wb["Sự kiện đảng viên"].append(
            [str(m1.uid), dt.date(2025, 9, 1), "EXEMPTED", None, None, None, "20-QĐ/ĐU"]
        )
        set_cell(wb, "Đảng viên", "Mã tình trạng", ("Mã hồ sơ (UID)", str(m1.uid)), "EXEMPTED")

    result = _import(write_file(tmp_path, edit_workbook(content, add_event_and_status)))

    assert result.errors == []
    assert staging.last.staged is SQLITE
    m1 = Member.objects.get(pk=m1.pk)
    assert m1.status == "EXEMPTED"
    assert MemberEvent.objects.filter(member=m1, kind="EXEMPTED").count() == 1
    states = MemberState.objects.filter(member=m1).order_by("valid_from")
    assert states.count() == states_before + 1
    assert states.last().status == "EXEMPTED"
    if SQLITE:
        # The member's row was changed in place, its periods written again, nothing else.
        assert staging.last.rows["members_member"] == 1
        assert set(staging.last.rows) <= {
            "members_member", "members_memberevent", "members_memberstate", "audit_auditentry",
        }  # fmt: skip
