"""``dangbo serve`` supervises the task worker: real processes on an installation of their own."""

import os
import signal

from dangbo.core.tests.processes import free_port, installation, pids_of, wait_for

__all__ = ["installation"]


def _worker_of(server) -> str:
    # The trailing space: "--parent 12" must not match "--parent 123".
    return f"dangbo worker --parent {server.pid} "


def test_serve_restarts_a_killed_worker_and_stops_it_with_itself(installation):
    server = installation.start("serve", f"127.0.0.1:{free_port()}", log="serve.log")
    first = wait_for(lambda: pids_of(_worker_of(server)), what="tiến trình xử lý nền")
    assert len(first) == 1
    wait_for(lambda: "sẵn sàng" in installation.log("serve.log"), what="tiến trình nền sẵn sàng")
    # Its own process group: a Ctrl+C in the terminal reaches the server only.
    assert os.getpgid(first[0]) == first[0]

    os.kill(first[0], signal.SIGKILL)
    # A liveness wait, not a timing: on a loaded machine a new process takes a while to start.
    second = wait_for(lambda: [p for p in pids_of(_worker_of(server)) if p not in first],
                      timeout=180, what="tiến trình xử lý nền mới",
                      detail=lambda: installation.log("serve.log")[-4000:])  # fmt: skip
    assert len(pids_of(_worker_of(server))) == 1
    assert "khởi động lại sau" in installation.log("serve.log")
    wait_for(lambda: installation.log("serve.log").count("sẵn sàng") == 2,
             what="tiến trình nền mới giữ khóa")  # fmt: skip

    # A second server of the same installation serves, but runs no second worker.
    other = installation.start("serve", f"127.0.0.1:{free_port()}", log="serve2.log")
    wait_for(lambda: "không chạy thêm" in installation.log("serve2.log"),
             what="máy chủ thứ hai nhường tiến trình nền")  # fmt: skip
    assert pids_of(_worker_of(other)) == []
    other.send_signal(signal.SIGTERM)
    assert other.wait(timeout=30) == 0

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert pids_of(_worker_of(server)) == []
    assert second[0] not in pids_of("dangbo worker")


def test_a_worker_whose_server_is_killed_outright_stops_too(installation):
    server = installation.start("serve", f"127.0.0.1:{free_port()}", log="serve.log")
    worker = wait_for(lambda: pids_of(_worker_of(server)), what="tiến trình xử lý nền")
    wait_for(lambda: "sẵn sàng" in installation.log("serve.log"), what="tiến trình nền sẵn sàng")
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    wait_for(lambda: not pids_of(_worker_of(server)), timeout=30, what="tiến trình nền mồ côi dừng")
    assert worker[0] not in pids_of("dangbo worker")
    assert "Máy chủ đã dừng; tiến trình xử lý nền dừng theo." in installation.log("serve.log")


def test_ctrl_c_stops_the_server_and_its_worker(installation):
    server = installation.start("serve", f"127.0.0.1:{free_port()}", log="serve.log")
    worker = wait_for(lambda: pids_of(_worker_of(server)), what="tiến trình xử lý nền")
    wait_for(lambda: "sẵn sàng" in installation.log("serve.log"), what="tiến trình nền sẵn sàng")
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    assert pids_of(_worker_of(server)) == []
    assert worker[0] not in pids_of("dangbo worker")


def test_a_starting_worker_removes_the_copies_a_dead_process_left(tmp_path):
    import os
    import time

    from dangbo.core import snapshot

    old, fresh = tmp_path / "dangbo-plan-old.sqlite3", tmp_path / "dangbo-plan-new.sqlite3"
    for path in (old, fresh, tmp_path / "dangbo-plan-old.sqlite3-wal", tmp_path / "db.sqlite3"):
        path.write_bytes(b"x")
    day_ago = time.time() - 24 * 3600
    for path in (old, tmp_path / "dangbo-plan-old.sqlite3-wal", tmp_path / "db.sqlite3"):
        os.utime(path, (day_ago, day_ago))

    assert snapshot.remove_stale_copies(tmp_path) == 1

    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangbo-plan-new.sqlite3", "db.sqlite3"]


def test_housekeeping_runs_again_after_a_failure():
    """The worker's periodic housekeeping logs a failure and tries again at the next round."""
    import threading

    from dangbo.core.worker import run_every

    calls: list[int] = []
    done = threading.Event()

    def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("lần đầu hỏng")
        done.set()

    thread = run_every(job, 0.01, "thu")
    assert done.wait(5)
    assert thread.daemon
    assert len(calls) >= 2
