"""The exchange workbook written by a real task worker, on an installation of its own."""

import signal

from openpyxl import load_workbook

from dangbo.core.tests.processes import installation, wait_for

__all__ = ["installation"]

REQUEST = """
from dangbo.exchange.jobs import request_export
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell
top = bloc(code="KHOI")
dependent_cell(dang_bo(top, code="DB1"), code="C1")
print("JOB", request_export(actor=None, organization=top).pk)
"""


def test_the_worker_writes_the_export_and_keeps_its_file(installation):
    place = installation
    job = int(place.shell(REQUEST).split("JOB", 1)[1].split()[0])
    assert place.query("SELECT status FROM exchange_exportjob WHERE id = ?", (job,)) == [
        ("QUEUED",)
    ]
    worker = place.start("worker", log="worker.log")
    wait_for(
        lambda: (
            place.query("SELECT status FROM exchange_exportjob WHERE id = ?", (job,))[0][0]
            in ("DONE", "FAILED")
        ),
        what="lần xuất xong",
    )
    status, name, size = place.query(
        "SELECT status, file, size FROM exchange_exportjob WHERE id = ?", (job,)
    )[0]
    assert status == "DONE"
    path = place.data_dir / "media" / name
    assert path.stat().st_size == size
    assert load_workbook(path, read_only=True).sheetnames[0] == "Thông tin"
    assert f"Xong xuất tệp trao đổi (số {job})." in place.log("worker.log")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
