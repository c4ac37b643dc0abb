"""A worker killed in the middle of an import: real processes on an installation of their own."""

import signal

from dangbo.core.tests.processes import installation, wait_for
from dangbo.core.worker import INTERRUPTED

__all__ = ["installation"]

ROWS = 8000
SETUP = """
from pathlib import Path
from dangbo.imports.tests.generated import member_csv
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell
top = bloc(code="KHOI")
dependent_cell(dang_bo(top, code="DB1"), code="C1")
member_csv(Path({path!r}), {rows})
"""
ENQUEUE = """
from pathlib import Path
from dangbo.imports import services, tasks
from dangbo.organizations.models import Organization
job = services.upload(actor=None, organization=Organization.objects.get(code="DB1"),
                      path=Path({path!r}), filename="dang-vien.csv")
tasks.enqueue_import(job)
print("JOB", job.pk)
"""


def _enqueue(place, path) -> int:
    out = place.shell(ENQUEUE.format(path=str(path)))
    return int(out.split("JOB", 1)[1].split()[0])


def _job(place, pk: int) -> tuple[str, str]:
    return place.query("SELECT status, message FROM imports_importjob WHERE id = ?", (pk,))[0]


def _members(place) -> int:
    """Members in force: what every list, count and indicator shows."""
    return place.query("SELECT count(*) FROM members_member WHERE voided_at IS NULL")[0][0]


def _written_in_chunks(place) -> int:
    """Members a chunked import has written but not yet made valid."""
    return place.query("SELECT count(*) FROM members_member WHERE voided_at IS NOT NULL")[0][0]


def test_an_import_whose_worker_is_killed_fails_writes_nothing_and_runs_again(installation):
    place = installation
    path = place.data_dir / "dang-vien.csv"
    place.shell(SETUP.format(path=str(path), rows=ROWS))
    job = _enqueue(place, path)

    worker = place.start("worker", log="worker.log")
    wait_for(lambda: _job(place, job)[0] == "IMPORTING", what="lần nhập đang chạy")
    # Killed once some chunks are committed, so the next worker has something to take back.
    wait_for(lambda: _written_in_chunks(place) > 0, timeout=180, what="phần đầu tiên được ghi")
    assert _job(place, job)[0] == "IMPORTING"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert _job(place, job)[0] == "IMPORTING"
    assert _members(place) == 0
    written = _written_in_chunks(place)
    assert 0 < written < ROWS

    again = place.start("worker", log="worker.log")
    wait_for(lambda: _job(place, job)[0] == "FAILED", what="lần nhập bị đánh dấu gián đoạn")
    assert _job(place, job)[1] == INTERRUPTED
    assert "bị gián đoạn" in INTERRUPTED
    assert place.query(
        "SELECT status, traceback FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
    ) == [("FAILED", INTERRUPTED)]
    assert _members(place) == 0
    assert place.query(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'imports.interrupted'"
    ) == [(1,)]
    # Taken back: kept, voided, and their numbers freed for the next import of the file.
    assert place.query(
        "SELECT count(*) FROM members_member WHERE voided_at IS NOT NULL AND card_number IS NULL"
        " AND voided_reason LIKE ?",
        ("%không hoàn tất%",),
    ) == [(written,)]

    second = _enqueue(place, path)
    wait_for(lambda: _job(place, second)[0] in ("DONE", "FAILED"), timeout=180,
             what="lần nhập lại xong")  # fmt: skip
    assert _job(place, second) == ("DONE", "")
    assert _members(place) == ROWS
    assert "Đã đánh dấu 1 công việc và 1 tác vụ nền bị gián đoạn" in place.log("worker.log")
    assert f"Xong nhập dữ liệu (số {second})." in place.log("worker.log")
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=30) == 0


CANCEL = """
from dangbo.imports import services
from dangbo.imports.models import ImportJob
services.cancel(actor=None, job=ImportJob.objects.get(pk={pk}))
print("CANCELLED")
"""


def test_an_import_cancelled_from_another_process_stops_and_writes_nothing(installation):
    place = installation
    path = place.data_dir / "dang-vien.csv"
    place.shell(SETUP.format(path=str(path), rows=ROWS))
    job = _enqueue(place, path)
    worker = place.start("worker", log="worker.log")
    wait_for(lambda: _job(place, job)[0] == "IMPORTING", what="lần nhập đang chạy")
    # As the web server would: the flag in the shared cache, then the row (once the worker's
    # transaction, rolled back at its next checkpoint, lets go of the database).
    assert "CANCELLED" in place.shell(CANCEL.format(pk=job))
    wait_for(lambda: f"Xong nhập dữ liệu (số {job})." in place.log("worker.log"),
             what="tiến trình nền dừng lần nhập")  # fmt: skip
    status, message = _job(place, job)
    assert status == "CANCELLED"
    assert "hủy" in message
    assert _members(place) == 0
    assert place.query(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'imports.cancelled'"
    ) == [(1,)]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
