"""A separate installation for tests that run real ``dangbo`` processes (server, worker).

On SQLite: a data folder of its own (its database file, lock and caches). On PostgreSQL
(``DANGBO_TEST_DB=postgresql``): a database of its own on the test cluster, passed to the
processes as ``DATABASE_URL``, with the data folder for the lock and the caches.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from pathlib import Path

import pytest
from django.db import connection

MANAGE = [sys.executable, "-m", "dangbo"]


class Installation:
    def __init__(self, data_dir: Path, database_url: str | None):
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}  # fmt: skip
        self.env["DANGBO_DATA_DIR"] = str(data_dir)
        self.env["PYTHONUNBUFFERED"] = "1"
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.started: list[subprocess.Popen] = []

    def run(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([*MANAGE, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> str:
        return self.run("shell", "-c", code)

    def start(self, *args: str, log: str) -> subprocess.Popen:
        """Start ``dangbo ARGS`` in a process group of its own, output in ``log``."""
        with open(self.data_dir / log, "ab") as out:
            process = subprocess.Popen([*MANAGE, *args], env=self.env, stdout=out,
                                       stderr=subprocess.STDOUT, process_group=0)  # fmt: skip
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.data_dir / name
        return path.read_text(errors="replace") if path.exists() else ""

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.data_dir / "dangbo.sqlite3", timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float = 60,
    what: str = "",
    detail: Callable[[], str] | None = None,
) -> object:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds
    (with ``detail()``, e.g. the process's log, in the failure's message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    extra = f"\n{detail()}" if detail is not None else ""
    pytest.fail(f"Hết {timeout:g} giây mà chưa thấy: {what}{extra}")


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pids_of(pattern: str) -> list[int]:
    """The processes whose command line contains ``pattern`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if pattern in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture
def installation(tmp_path, django_db_setup) -> Iterator[Installation]:
    """A migrated installation of its own, on the database the tests run on."""
    database_url = None
    name = None
    if os.environ.get("DANGBO_TEST_DB", "sqlite").strip().lower() == "postgresql":
        # The test cluster (started for the test database) serves a database of our own.
        db = connection.settings_dict
        name = f"dangbo_proc_{uuid.uuid4().hex[:8]}"
        server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
        _admin(f"{server}/postgres", f'CREATE DATABASE "{name}"')
        database_url = f"{server}/{name}"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    place = Installation(data_dir, database_url)
    place.run("migrate", "--no-input", "-v", "0")
    try:
        yield place
    finally:
        place.stop_all()
        if name:
            _admin(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)
