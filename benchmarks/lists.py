"""The member list under load: ``dangbo serve`` on loopback, 20 clients with 1 s of think time.

Runs in the benchmark's child process (the scratch database in its settings): builds the
demo, starts ``dangbo serve`` on a free port of 127.0.0.1 with the same database, opens
one session as the demo's administrator, and lets ``clients`` threads (``http.client``,
one kept-alive connection each) ask in turn for the first page of the whole demo's
member list and a deep page (the middle of the list, by cursor), waiting ``think``
seconds between two requests. Reports p50/p95/p99 per page, once with one waitress
process (``--workers 1``) and once with the default workers; also one request at a
time, and the deep page through ``?page=N`` (the old OFFSET paging) for comparison.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
THINK_SECONDS = 1.0
LOAD_SECONDS = 30.0
GOALS_MS = {"one": 50.0, "p95": 100.0}


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return {"p50": value, "p95": value, "p99": value, "n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "n": len(values)}


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float]:
    began = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - began) * 1000


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dangbo serve đã dừng (mã thoát {process.returncode}).")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/static/dangbo/app.css")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("dangbo serve không trả lời.")


def _load(port: int, paths: dict[str, str], cookie: str, *, clients: int, think: float,
          seconds: float) -> dict:  # fmt: skip
    """``clients`` threads, each asking for the pages in turn with ``think`` s between two."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    names = list(paths)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        time.sleep(think * index / clients)  # spread the first requests over one think time
        turn = index
        while time.monotonic() < stop_at:
            name = names[turn % len(names)]
            turn += 1
            try:
                status, ms = _get(conn, paths[name], cookie)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{name}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            with lock:
                if status == 200:
                    times[name].append(ms)
                else:
                    errors.append(f"{name}: HTTP {status}")
            time.sleep(think)
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    done = sum(len(v) for v in times.values())
    return {
        "pages": {name: _percentiles(v) for name, v in times.items()},
        "requests_per_s": done / elapsed,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def _one_at_a_time(port: int, paths: dict[str, str], cookie: str, repeat: int = 15) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    result = {}
    for name, path in paths.items():
        _get(conn, path, cookie)  # warm (the count, the code lists)
        times = []
        for _ in range(repeat):
            status, ms = _get(conn, path, cookie)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            times.append(ms)
        result[name] = statistics.median(times)
    conn.close()
    return result


def _cpu_seconds(group: int) -> float:
    """CPU time (user + system) of the living processes of process group ``group``: the
    server and its workers. Unlike the latencies, it does not grow when other work shares
    the machine's cores."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _serve(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dangbo", "serve", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0,
    )  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _session_cookie() -> str:
    """A session of the demo's administrator (committee administrator of the whole demo)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="admin")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def run_lists(*, members: int, seed: int, built: bool = False, workers: list[int] | None = None,
              seconds: float = LOAD_SECONDS) -> dict:  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from dangbo.core.paging import encode_cursor
    from dangbo.core.views import PAGE_SIZE
    from dangbo.members.selectors import MEMBER_LIST_KEYS, members_in
    from dangbo.organizations.models import Organization

    if not built:
        from dangbo.demo import build_demo

        call_command("migrate", interactive=False, verbosity=0)
        print(f"Cơ sở dữ liệu {connection.vendor}: dựng {members} đảng viên…", flush=True)
        build_demo(members=members, seed=seed, log=lambda m: print(m, flush=True))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    root = Organization.objects.get(code="DEMO")
    listed = members_in(root)
    total = listed.count()
    middle = max(total // 2, 1)
    page_number = (middle - 1) // PAGE_SIZE + 1
    row = listed.values_list(*MEMBER_LIST_KEYS)[(page_number - 1) * PAGE_SIZE - 1]
    cursor = encode_cursor(list(row), (page_number - 1) * PAGE_SIZE)
    base = f"/o/{root.code}/members/"
    paths = {"first": base, "deep": f"{base}?after={cursor}"}
    offset_path = f"{base}?page={page_number}"
    cookie = _session_cookie()
    connections.close_all()

    runs = []
    for count in workers or [1, 0]:
        port = _free_port()
        from dangbo.core.management.commands.serve import default_workers

        count = count or default_workers()
        process = _serve(port, count)
        try:
            _wait_until_up(port, process)
            one = _one_at_a_time(port, paths, cookie)
            offset_ms = _one_at_a_time(port, {"offset": offset_path}, cookie, repeat=3)["offset"]
            print(f"  {count} tiến trình: {CLIENTS} máy khách trong {seconds:g} giây…", flush=True)
            cpu_before = _cpu_seconds(process.pid)
            load = _load(port, paths, cookie, clients=CLIENTS, think=THINK_SECONDS,
                         seconds=seconds)  # fmt: skip
            done = sum(p["n"] for p in load["pages"].values())
            load["cpu_ms_per_request"] = (
                (_cpu_seconds(process.pid) - cpu_before) * 1000 / max(done, 1)
            )
            load["load_average"] = os.getloadavg()[0]
        finally:
            _stop(process)
        runs.append({"workers": count, "one": one, "offset_ms": offset_ms, "load": load})
    return {
        "members": total, "page": page_number, "clients": CLIENTS, "think": THINK_SECONDS,
        "seconds": seconds, "runs": runs,
    }  # fmt: skip


def print_lists(db: str, result: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    def ms(value: float) -> str:
        return fmt_decimal(value, 1)

    print()
    print(
        f"== {db}: danh sách đảng viên DEMO, {fmt_int(result['members'])} đảng viên; "
        f"trang sâu = trang {fmt_int(result['page'])} =="
    )
    print(
        f"{result['clients']} máy khách, nghỉ {fmt_decimal(result['think'], 1)} giây giữa hai yêu "
        f"cầu, {fmt_decimal(result['seconds'], 0)} giây; mục tiêu: một yêu cầu < "
        f"{ms(GOALS_MS['one'])} ms, p95 < {ms(GOALS_MS['p95'])} ms"
    )
    header = (
        f"  {'máy chủ':<22} {'trang':<7} {'một yêu cầu':>12} {'p50':>8} {'p95':>8} {'p99':>8}  đạt?"
    )
    print(header)
    for run in result["runs"]:
        server = (
            "waitress, 1 tiến trình"
            if run["workers"] == 1
            else f"gunicorn, {run['workers']} tiến trình"
        )
        for name in ("first", "deep"):
            p = run["load"]["pages"][name]
            ok = run["one"][name] < GOALS_MS["one"] and p["p95"] < GOALS_MS["p95"]
            label = "đầu" if name == "first" else "sâu"
            print(f"  {server:<22} {label:<7} {ms(run['one'][name]):>12} {ms(p['p50']):>8} "
                  f"{ms(p['p95']):>8} {ms(p['p99']):>8}  {'đạt' if ok else 'CHƯA'}")  # fmt: skip
        load = run["load"]
        print(
            f"  {'':<22} {fmt_decimal(load['requests_per_s'], 1)} yêu cầu/giây, {load['errors']} lỗi"
            f"{' (' + load['first_error'] + ')' if load['errors'] else ''}; trang sâu theo "
            f"?page= (OFFSET): {ms(run['offset_ms'])} ms"
        )
        print(
            f"  {'':<22} CPU của máy chủ: {ms(load['cpu_ms_per_request'])} ms mỗi yêu cầu; tải "
            f"trung bình của máy {fmt_decimal(load['load_average'], 1)} (số lõi: {os.cpu_count()})"
        )
