"""``dangbo serve [ADDR:PORT] [--workers N] [--threads T]``: serve the configured database.

With several workers (the default on a machine of two cores or more) gunicorn's
master process forks N worker processes of T threads each: one Python process
cannot use more than one core, and one waitress process topped out near 38
requests a second. The master also runs the supervised task worker, stops
everything on SIGTERM or SIGINT, and starts again a web worker that dies. With
``--workers 1`` (or where gunicorn cannot run, e.g. Windows) one waitress process
serves, as before. Static files come from whitenoise in either case.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangbo.core.worker import Supervisor

DEFAULT_ADDRPORT = "127.0.0.1:8000"
THREADS = 8  # waitress, one process
WORKER_THREADS = 4  # gunicorn, per worker process
GRACE_SECONDS = 10  # a request still running when asked to stop may finish within this


def default_workers() -> int:
    """``DANGBO_WORKERS``, else one worker process per core (at least two, at most eight)."""
    configured = os.environ.get("DANGBO_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(2, min(os.cpu_count() or 1, 8))


def gunicorn_available() -> bool:
    try:
        import gunicorn.app.base  # noqa: F401  (needs fcntl: not on Windows)
    except ImportError:
        return False
    return True


def parse_addrport(value: str) -> tuple[str, int]:
    """Return (host, port) from "8000", "127.0.0.1:8000" or "[::1]:8000"."""
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            f"Địa chỉ «{value}» không hợp lệ: dùng dạng 127.0.0.1:8000 hoặc chỉ số cổng."
        )
    return host, int(port)


def migrate_if_needed(stdout) -> None:
    """Apply the migrations the database still lacks."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        stdout.write("Cập nhật cấu trúc cơ sở dữ liệu (migrate)…")
        call_command("migrate", interactive=False, verbosity=0)


def start_worker(stdout) -> Supervisor | None:
    """Start the background task worker (imports, exports) beside the web server, supervised:
    started again if it dies, stopped with the server."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if "django_tasks_db" not in backend:
        return None
    supervisor = Supervisor()
    supervisor.start()
    stdout.write("Tiến trình xử lý nền (nhập dữ liệu, xuất tệp trao đổi) đã chạy.")
    return supervisor


def _stop_on_sigterm() -> None:
    """SIGTERM stops the server as Ctrl+C does, so that the worker is stopped with it."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def run_server(addrport: str, stdout, *, workers: int = 1, threads: int | None = None) -> None:
    """Serve the application on ``addrport`` until interrupted (SIGTERM or SIGINT)."""
    host, port = parse_addrport(addrport)
    migrate_if_needed(stdout)
    # Static files come from the apps' folders (whitenoise finders); an empty
    # STATIC_ROOT keeps whitenoise from warning about a missing directory.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

    from dangbo.config.wsgi import application

    shown = f"[{host}]" if ":" in host else host
    several = workers > 1 and gunicorn_available()
    threads = threads or (WORKER_THREADS if several else THREADS)
    how = f"{workers} tiến trình × {threads} luồng" if several else f"{threads} luồng"
    stdout.write(f"dangbo đang chạy tại http://{shown}:{port}/ ({how}). Nhấn Ctrl+C để dừng.")
    if host not in ("127.0.0.1", "localhost", "::1") and host not in settings.ALLOWED_HOSTS:
        stdout.write(
            f"Lưu ý: để truy cập bằng tên hoặc địa chỉ khác, thêm nó vào DANGBO_ALLOWED_HOSTS "
            f"(hiện tại: {', '.join(settings.ALLOWED_HOSTS)})."
        )
    if several:
        serve_with_gunicorn(application, f"{shown}:{port}", workers, threads, stdout)
        return
    from waitress import serve

    _stop_on_sigterm()
    supervisor = start_worker(stdout)
    stdout.flush()
    try:
        serve(application, host=host, port=port, threads=threads, ident="dangbo")
    except KeyboardInterrupt:
        stdout.write("Đang dừng dangbo…")
    finally:
        if supervisor is not None:
            supervisor.stop()


def serve_with_gunicorn(application, bind: str, workers: int, threads: int, stdout) -> None:
    """Serve through gunicorn's master in this process until SIGTERM or SIGINT.

    The master forks the worker processes; it runs the task worker's supervisor
    (started once it listens, stopped when it exits), so the task worker's parent
    is still this process.
    """
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    box: dict[str, Supervisor | None] = {}

    def when_ready(server) -> None:
        box["supervisor"] = start_worker(stdout)
        stdout.flush()

    def on_exit(server) -> None:
        stdout.write("Đang dừng dangbo…")
        if box.get("supervisor") is not None:
            box["supervisor"].stop()
        stdout.flush()

    options = {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "graceful_timeout": GRACE_SECONDS,
        "timeout": 300,  # a long export or import page is not a stuck worker
        "proc_name": "dangbo",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "control_socket_disable": True,
        "when_ready": when_ready,
        "on_exit": on_exit,
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    # The workers are forked from this process: none may share its connections.
    connections.close_all()
    stdout.flush()
    try:
        Server().run()
    except SystemExit as exit:
        if exit.code not in (0, None):
            raise


class Command(BaseCommand):
    help = (
        "Chạy dangbo với cơ sở dữ liệu đang cấu hình (gunicorn, mỗi lõi một tiến trình; "
        "--workers 1: một tiến trình waitress)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT,
                            help=f"địa chỉ và cổng (mặc định {DEFAULT_ADDRPORT})")  # fmt: skip
        parser.add_argument(
            "--workers", type=int, default=None,
            help="số tiến trình phục vụ (mặc định DANGBO_WORKERS, hoặc mỗi lõi một tiến trình, "
            "ít nhất 2); 1: một tiến trình waitress",
        )  # fmt: skip
        parser.add_argument(
            "--threads", type=int, default=None,
            help=f"số luồng mỗi tiến trình (mặc định {WORKER_THREADS}; waitress {THREADS})",
        )  # fmt: skip

    def handle(self, *args, addrport: str, workers: int | None, threads: int | None, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers phải là số nguyên dương.")
        if threads is not None and threads < 1:
            raise CommandError("--threads phải là số nguyên dương.")
        run_server(addrport, self.stdout, workers=workers or default_workers(), threads=threads)
