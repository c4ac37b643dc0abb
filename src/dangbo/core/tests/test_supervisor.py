"""The supervisor on its own: back-off between restarts, the whole group killed after the grace."""

import logging
import sys
import time
from pathlib import Path

from dangbo.core.worker import Supervisor, WorkerLock


class FileLock(WorkerLock):
    """The lock file alone (no database), in a folder of the test's own."""

    def _acquire_database(self) -> bool:
        return True


def test_a_dying_worker_is_started_again_waiting_longer_each_time(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="dangbo.worker")
    supervisor = Supervisor([sys.executable, "-c", "raise SystemExit(1)"], first_delay=0.1,
                            max_delay=0.4, poll=0.05, lock=FileLock(tmp_path / "worker.lock"))  # fmt: skip
    supervisor.start()
    deadline = time.monotonic() + 60
    while supervisor.restarts < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.stop()
    delays = [r.args[1] for r in caplog.records if "khởi động lại sau" in r.getMessage()]
    assert delays[:4] == ["0.1", "0.2", "0.4", "0.4"]
    assert all("mã thoát 1" in r.getMessage() for r in caplog.records[:4])


def test_stopping_kills_the_whole_group_when_sigterm_is_not_enough(tmp_path):
    # A worker that ignores SIGTERM and has started a child of its own.
    script = (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "subprocess.Popen([sys.executable, '-c', 'import signal, time; "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)']); time.sleep(120)"
    )
    supervisor = Supervisor([sys.executable, "-c", script], grace=1, poll=0.05,
                            lock=FileLock(tmp_path / "worker.lock"))  # fmt: skip
    supervisor.start()
    deadline = time.monotonic() + 30
    while supervisor.process is None and time.monotonic() < deadline:
        time.sleep(0.05)
    group = supervisor.process.pid
    time.sleep(1)  # the child is started
    assert len(_living_in_group(group)) == 2
    began = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - began < 10
    time.sleep(0.2)
    assert _living_in_group(group) == []


def _living_in_group(group: int) -> list[int]:
    """Processes of the group that still run (a killed orphan may linger as a zombie)."""
    living = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                living.append(int(entry.name))
    return living


class FlakyLock(FileLock):
    """A lock whose first check fails (the database not reachable yet)."""

    checks = 0

    def is_free(self) -> bool:
        self.checks += 1
        if self.checks == 1:
            raise OSError("cơ sở dữ liệu chưa sẵn sàng")
        return super().is_free()


def test_a_failed_lock_check_is_tried_again_later(tmp_path, caplog):
    lock = FlakyLock(tmp_path / "worker.lock")
    supervisor = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"],
                            first_delay=0.1, poll=0.05, lock=lock)  # fmt: skip
    supervisor.start()
    deadline = time.monotonic() + 30
    while supervisor.process is None and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.stop()
    assert lock.checks == 2
    assert supervisor.process is not None
    assert "Không kiểm tra được khóa" in caplog.text
