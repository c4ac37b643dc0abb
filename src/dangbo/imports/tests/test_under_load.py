"""Imports beside other writers: the dry run holds no write lock, a member list is written
in chunks that let other writers in, shows nothing until it is whole, and is taken back
if it stops half-way."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import connection, connections

from dangbo.audit.models import AuditEntry
from dangbo.core import snapshot
from dangbo.core.tests.api_helpers import add_member, build_tree
from dangbo.imports import engine, services
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member

from .load_files import card_of, member_csv

# Flushed after each test: the reference data the migrations wrote is put back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_another_thread(work, timeout: float = 15) -> dict:
    """Run ``work`` on a connection of its own; return {"value": …} or {"error": …}."""
    box: dict = {}

    def target():
        try:
            box["value"] = work()
        except Exception as exc:  # reported to the test
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout)
    return box if box else {"error": "timed out"}


def _file_members():
    return Member.objects.filter(card_number__startswith="0000")


def _taken_back():
    """Members an unfinished import wrote and took back: kept, voided, their numbers freed."""
    return Member.objects.filter(voided_reason__contains="không hoàn tất")


def test_a_dry_run_leaves_the_database_to_other_writers(tmp_path):
    tree = build_tree()
    member = add_member(tree.a1, "Phạm Văn Đồng")
    path = member_csv(tmp_path / "dang-vien.csv", 1200, ["A1", "A2"])
    writes: list[dict] = []

    def other_writer(done: int) -> None:
        if not writes:
            writes.append(in_another_thread(
                lambda: Member.objects.filter(pk=member.pk).update(occupation="Kỹ sư")
            ))  # fmt: skip

    job = services.import_path(
        actor=None, organization=tree.root, path=path, dry_run=True, progress=other_writer
    )

    assert writes == [{"value": 1}]
    assert Member.objects.get(pk=member.pk).occupation == "Kỹ sư"
    assert job.status == ImportJob.Status.ANALYSED
    assert job.summary["CREATE"] == 1200
    assert not _file_members().exists()


def test_a_member_list_goes_in_by_chunks_hidden_until_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    member = add_member(tree.a1, "Phạm Văn Đồng")
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "A2", "B1"])
    seen: list[tuple] = []

    def midway(done: int) -> None:
        if done == 500:
            written = _file_members().count()
            shown = _file_members().filter(voided_at__isnull=True).count()
            other = in_another_thread(
                lambda: Member.objects.filter(pk=member.pk).update(occupation="Kỹ sư")
            )
            seen.append((written, shown, other))

    job = services.import_path(actor=None, organization=tree.root, path=path, progress=midway)

    # The check first (on a copy or rolled back: nothing written), then the chunks.
    assert seen == [(0, 0, {"value": 1}), (300, 0, {"value": 1})]
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.result["CREATE"] == 1000
    assert _file_members().count() == 1000
    assert not _file_members().filter(voided_at__isnull=False).exists()
    assert Member.objects.get(pk=member.pk).occupation == "Kỹ sư"
    published = AuditEntry.objects.get(action="members.import_published")
    assert published.after == {"members": 1000}
    assert AuditEntry.objects.filter(action="members.imported").count() == 1000


def test_an_import_stopped_half_way_takes_its_chunks_back(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "A2"])

    calls: list[int] = []

    def meanwhile(done: int) -> None:
        # In the second chunk of the writing pass, after the chunk looked up the numbers it
        # holds and before it is written, someone records a member with the card of row 550:
        # the database refuses the chunk.
        calls.append(done)
        if done == 500 and calls.count(500) == 2:
            add_member(tree.b1, "Lê Văn Tám", card_number=card_of(549))

    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        services.import_path(actor=None, organization=tree.root, path=path, progress=meanwhile)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "thu hồi" in job.message
    taken_back = _taken_back()
    assert taken_back.count() == 300
    assert not taken_back.filter(card_number__isnull=False).exists()
    assert not taken_back.filter(voided_at__isnull=True).exists()
    assert all("không hoàn tất" in m.voided_reason for m in taken_back)
    assert Member.objects.get(card_number=card_of(549)).voided_at is None
    withdrawn = AuditEntry.objects.get(action="members.import_withdrawn")
    assert withdrawn.after == {"members": 300}
    assert not AuditEntry.objects.filter(action="members.import_published").exists()


def test_inside_a_transaction_the_check_runs_on_the_database_itself():
    with snapshot.private_copy() as copied:
        first = copied
    from django.db import transaction

    with transaction.atomic(), snapshot.private_copy() as copied:
        second = copied

    assert first is (connection.vendor == "sqlite")
    assert second is False


def test_a_row_refused_after_the_check_stops_the_import_and_takes_it_back(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    # Row 1 corrects the name of a member already recorded.
    known = add_member(
        tree.a1, "Nguyễn Văn Ân", card_number=card_of(0), date_of_birth=dt.date(1960, 1, 1),
        admitted_on=dt.date(2010, 3, 2), official_on=dt.date(2011, 3, 2),
    )  # fmt: skip
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "A2"])
    calls: list[int] = []

    def meanwhile(done: int) -> None:
        # When the check ends, someone else records the member of row 900 in another cell.
        calls.append(done)
        if calls.count(1000) == 1 and done == 1000:
            assert in_another_thread(
                lambda: add_member(tree.b1, "Lê Văn Tám", card_number=card_of(899)).pk
            ).get("value")

    job = services.import_path(actor=None, organization=tree.root, path=path, progress=meanwhile)

    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith(
        "Dữ liệu đã thay đổi trong lúc nhập nên không nhập gì cả: 599 hồ sơ"
    )
    assert job.result["ERROR"] == 1
    assert job.issues.filter(row=901).exists()
    taken_back = _taken_back()
    assert taken_back.count() == 599
    assert not taken_back.filter(card_number__isnull=False).exists()
    assert not taken_back.filter(voided_at__isnull=True).exists()
    known.refresh_from_db()
    assert known.full_name == "Nguyễn Văn Ân"
    assert known.voided_at is None
    assert AuditEntry.objects.filter(action="members.updated", target_id=str(known.pk)).count() == 2


def test_an_exchange_workbook_is_checked_on_a_copy_too(tmp_path):
    from dangbo.exchange.services import export_exchange

    tree = build_tree()
    add_member(tree.a1, "Phạm Văn Đồng")
    path = tmp_path / "trao-doi.xlsx"
    export_exchange(tree.a, path)
    checked_on: list[str] = []
    original_run = services._run_exchange

    def noting_the_database(job, *, write, echo=None):
        checked_on.append(str(connections["default"].settings_dict["NAME"]))
        return original_run(job, write=write, echo=echo)

    with mock.patch.object(services, "_run_exchange", noting_the_database):
        job = services.import_path(actor=None, organization=tree.a, path=path, dry_run=True)

    assert job.file_kind == "exchange"
    assert job.status == ImportJob.Status.ANALYSED, job.message
    live = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        assert len(checked_on) == 1
        assert checked_on[0] != live
        assert "dangbo-plan-" in checked_on[0]
    else:
        assert checked_on == [live]


def test_a_process_dying_half_way_leaves_changes_a_restart_puts_back(tmp_path, monkeypatch):
    """The change to a recorded member is kept with its undo in one transaction: when the
    importing process dies (no handler runs), the next worker's take-back restores it."""
    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    known = add_member(
        tree.a1, "Nguyễn Văn Ân", card_number=card_of(0), date_of_birth=dt.date(1960, 1, 1),
        admitted_on=dt.date(2010, 3, 2), official_on=dt.date(2011, 3, 2),
    )  # fmt: skip
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "A2"])
    calls: list[int] = []

    def dies(done: int) -> None:
        calls.append(done)
        # The check ran (1.000 rows, reported twice), then the first chunks were written.
        if calls.count(1000) == 2 and done == 500:
            raise SystemExit("tiến trình bị dừng")

    with pytest.raises(SystemExit):
        services.import_path(actor=None, organization=tree.root, path=path, progress=dies)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.IMPORTING  # nothing ran after the death
    known.refresh_from_db()
    assert known.full_name == "Nguyễn Văn An"  # the file's spelling, written by chunk one
    assert job.undo.filter(member_id=known.pk, undone_at__isnull=True).count() == 1

    services.take_back_members(ImportJob.objects.get(pk=job.pk))

    known.refresh_from_db()
    assert known.full_name == "Nguyễn Văn Ân"
    assert not job.undo.filter(undone_at__isnull=True).exists()
    assert (
        not Member.objects.filter(voided_at__isnull=True, card_number__startswith="0000")
        .exclude(pk=known.pk)
        .exists()
    )


def test_a_member_list_is_read_and_checked_once_then_written_from_what_the_check_kept(
    tmp_path, monkeypatch
):
    from dangbo.members import services as member_services

    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "A2", "B1"])
    plan = services.import_path(actor=None, organization=tree.root, path=path, dry_run=True)
    counted = {"parsed": 0, "checked": 0}
    parse_row, check_draft = engine._parse_row, member_services.check_draft

    def counting_parse(*args, **kwargs):
        counted["parsed"] += 1
        return parse_row(*args, **kwargs)

    def counting_check(*args, **kwargs):
        counted["checked"] += 1
        return check_draft(*args, **kwargs)

    monkeypatch.setattr(engine, "_parse_row", counting_parse)
    monkeypatch.setattr(member_services, "check_draft", counting_check)

    job = services.import_path(actor=None, organization=tree.root, path=path)

    assert job.status == ImportJob.Status.DONE, job.message
    assert counted == {"parsed": 1000, "checked": 1000}
    assert job.result["CREATE"] == plan.summary["CREATE"] == 1000
    assert job.result.get("warnings", 0) == plan.summary.get("warnings", 0)
    assert _file_members().filter(voided_at__isnull=True).count() == 1000
    assert AuditEntry.objects.filter(action="members.imported").count() == 1000


def test_a_cell_dissolved_after_the_check_stops_the_import_and_takes_it_back(tmp_path, monkeypatch):
    from dangbo.organizations.models import Organization

    monkeypatch.setattr(engine, "CHUNK", 300)
    tree = build_tree()
    path = member_csv(tmp_path / "dang-vien.csv", 1000, ["A1", "B1"])
    # Rows 1-600 go in A1 and B1 in turn; from row 601 on, all in A2.
    path.write_text(
        "\n".join(
            line.replace(",A1", ",A2").replace(",B1", ",A2") if number > 600 else line
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines())
        ) + "\n", encoding="utf-8",
    )  # fmt: skip
    calls: list[int] = []

    def meanwhile(done: int) -> None:
        # When the check ends, cell A2 is recorded as dissolved before the rows' admission.
        calls.append(done)
        if calls.count(1000) == 1 and done == 1000:
            assert in_another_thread(
                lambda: Organization.objects.filter(pk=tree.a2.pk).update(
                    dissolved_on=dt.date(2009, 1, 1)
                )
            ) == {"value": 1}

    job = services.import_path(actor=None, organization=tree.root, path=path, progress=meanwhile)

    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith(
        "Dữ liệu đã thay đổi trong lúc nhập nên không nhập gì cả: 600 hồ sơ"
    )
    [issue] = job.issues.filter(severity="error")
    assert (issue.row, issue.column) == (602, "Mã chi bộ")
    assert "đã giải thể" in issue.message
    assert _taken_back().count() == 600
    assert not _file_members().filter(voided_at__isnull=True).exists()
