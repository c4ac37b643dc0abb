"""``dangbo serve`` with several worker processes (gunicorn): pages and static files served,
the task worker supervised, every process stopped by SIGTERM or SIGINT."""

import signal
import urllib.error
import urllib.request

import pytest

from dangbo.core.tests.processes import free_port, installation, pids_of, wait_for

__all__ = ["installation"]


def _children(pid: int) -> list[int]:
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_with_workers_serves_and_stops_every_process(installation, stop):
    port = free_port()
    server = installation.start("serve", f"127.0.0.1:{port}", "--workers", "3", log="serve.log")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _status(f"{base}/static/dangbo/app.css") == 200, what="tệp tĩnh")
    assert "3 tiến trình × 4 luồng" in installation.log("serve.log")
    # The login page (a redirect for the home page) comes from the application itself.
    assert _status(f"{base}/") == 200
    worker = f"dangbo worker --parent {server.pid} "
    wait_for(lambda: pids_of(worker), what="tiến trình xử lý nền")
    wait_for(lambda: len(_children(server.pid)) == 4, what="3 tiến trình phục vụ và tiến trình nền")
    children = _children(server.pid)

    server.send_signal(stop)
    assert server.wait(timeout=30) == 0
    assert pids_of(worker) == []
    for pid in children:
        assert not _alive(pid), pid
    assert _status(f"{base}/static/dangbo/app.css") == 0


def _alive(pid: int) -> bool:
    from pathlib import Path

    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
