"""The embedded database under load: a 50.000-row member list goes in through ``dangbo import``
(its own process, as an office runs it) while ten API clients read and write through a live
waitress server. No answer may be a 5xx, and the readers' 95th percentile stays under 1 s.

On SQLite the server and the import share a database file in WAL mode with the production
settings (busy timeout, IMMEDIATE transactions), copied from the test database; on PostgreSQL
both use the test database. About a minute on either.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

from dangbo.accounts.models import Role
from dangbo.config.settings import base
from dangbo.core.tests.api_helpers import add_member, build_tree, make_user, token_for
from dangbo.imports.tests.load_files import member_csv
from dangbo.members.models import Member

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROWS = 50_000
CLIENTS = 10
WRITERS = 3  # of the ten clients; the others only read
READ_P95_LIMIT = 1.0
THINK_SECONDS = 0.1  # between one client's requests, as a person (or a script) would pause
IMPORT_TIMEOUT = 600


def _sqlite_file(folder: Path) -> dict:
    """Copy the test database into ``folder`` as the production settings would open it and
    point every new connection (the server's threads) at it; return the settings to restore."""
    settings = connections.settings["default"]
    saved = {"NAME": settings["NAME"], "OPTIONS": settings.get("OPTIONS", {})}
    path = folder / "dangbo.sqlite3"
    import sqlite3

    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    production = base._database()["OPTIONS"]
    settings["NAME"] = str(path)
    settings["OPTIONS"] = dict(production)
    return saved


@pytest.fixture
def served(tmp_path):
    """A live waitress server on the database the import will use; yields (url, env for the import)."""
    from waitress.server import create_server

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dangbo.config.settings.dev",
           "DANGBO_DATA_DIR": str(tmp_path)}  # fmt: skip
    original = connections["default"]
    saved = None
    if connection.vendor == "sqlite":
        saved = _sqlite_file(tmp_path)
        env.pop("DATABASE_URL", None)
        connections["default"] = original.__class__(connections.settings["default"], "default")
    else:
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    # Requests queue while the server's threads are busy: expected here, not worth a warning each.
    queue_log = logging.getLogger("waitress.queue")
    queue_level = queue_log.level
    queue_log.setLevel(logging.ERROR)
    server = create_server(WSGIHandler(), host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", env
    finally:
        server.close()
        thread.join(10)
        queue_log.setLevel(queue_level)
        if saved is not None:
            connections["default"].close()
            connections["default"] = original
            connections.settings["default"].update(saved)


def _request(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
    })  # fmt: skip
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - began


def test_a_large_import_beside_ten_api_clients(served, tmp_path):
    url, env = served
    tree = build_tree()
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    token = token_for(user)
    members = [add_member(tree.a1, f"Trần Văn Khách {i}") for i in range(CLIENTS)]
    path = member_csv(tmp_path / "dang-vien.csv", ROWS, ["A1", "A2", "B1"])
    done = threading.Event()
    answers: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        member = members[number]
        turn = 0
        while not done.is_set():
            turn += 1
            if number < WRITERS and turn % 2 == 0:
                kind, status, seconds = "write", *_request(
                    f"{url}/api/v1/members/{member.pk}/", token, "PATCH",
                    {"occupation": f"Lần sửa {turn}"},
                )  # fmt: skip
            elif turn % 3 == 0:
                kind, status, seconds = (
                    "read",
                    *_request(f"{url}/api/v1/o/A/members/?page_size=20", token),
                )
            else:
                kind, status, seconds = (
                    "read",
                    *_request(f"{url}/api/v1/members/{member.pk}/", token),
                )
            with lock:
                answers.append((kind, status, seconds))
            done.wait(THINK_SECONDS)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    began = time.perf_counter()
    try:
        imported = subprocess.run(
            [sys.executable, "-m", "dangbo", "import", str(path), "--org", "000"],
            env=env, capture_output=True, text=True, timeout=IMPORT_TIMEOUT,
        )  # fmt: skip
    finally:
        import_seconds = time.perf_counter() - began
        done.set()
        for thread in clients:
            thread.join(90)

    reads = sorted(s for kind, _, s in answers if kind == "read")
    writes = [s for kind, _, s in answers if kind == "write"]
    failures = [(kind, status) for kind, status, _ in answers if status >= 500]
    p95 = statistics.quantiles(reads, n=20)[-1]
    print(
        f"\n{connection.vendor}: {ROWS} dòng trong {import_seconds:.1f} s; {len(reads)} lần đọc, "
        f"p95 {p95 * 1000:.0f} ms, chậm nhất {reads[-1] * 1000:.0f} ms; {len(writes)} lần ghi, "
        f"chậm nhất {max(writes) * 1000:.0f} ms"
    )
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    assert "50.000" in imported.stdout or str(ROWS) in imported.stdout, imported.stdout[-2000:]
    assert Member.objects.filter(voided_at__isnull=True).count() == ROWS + CLIENTS
    assert failures == []
    assert all(status == 200 for _, status, _ in answers)
    assert len(reads) > 100
    assert len(writes) > 10
    assert p95 < READ_P95_LIMIT
