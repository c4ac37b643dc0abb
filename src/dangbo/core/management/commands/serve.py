"""``dangbo serve [ADDR:PORT]``: serve the configured database with waitress."""

from __future__ import annotations

import signal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangbo.core.worker import Supervisor

DEFAULT_ADDRPORT = "127.0.0.1:8000"
THREADS = 8


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


def run_server(addrport: str, stdout) -> None:
    """Serve the application on ``addrport`` until interrupted."""
    from waitress import serve

    host, port = parse_addrport(addrport)
    migrate_if_needed(stdout)
    # Static files come from the apps' folders (whitenoise finders); an empty
    # STATIC_ROOT keeps whitenoise from warning about a missing directory.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

    from dangbo.config.wsgi import application

    shown = f"[{host}]" if ":" in host else host
    stdout.write(
        f"dangbo đang chạy tại http://{shown}:{port}/ ({THREADS} luồng). Nhấn Ctrl+C để dừng."
    )
    if host not in ("127.0.0.1", "localhost", "::1") and host not in settings.ALLOWED_HOSTS:
        stdout.write(
            f"Lưu ý: để truy cập bằng tên hoặc địa chỉ khác, thêm nó vào DANGBO_ALLOWED_HOSTS "
            f"(hiện tại: {', '.join(settings.ALLOWED_HOSTS)})."
        )
    _stop_on_sigterm()
    supervisor = start_worker(stdout)
    stdout.flush()
    try:
        serve(application, host=host, port=port, threads=THREADS, ident="dangbo")
    except KeyboardInterrupt:
        stdout.write("Đang dừng dangbo…")
    finally:
        if supervisor is not None:
            supervisor.stop()


class Command(BaseCommand):
    help = "Chạy dangbo với cơ sở dữ liệu đang cấu hình (máy chủ waitress, 8 luồng)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT,
                            help=f"địa chỉ và cổng (mặc định {DEFAULT_ADDRPORT})")  # fmt: skip

    def handle(self, *args, addrport: str, **options):
        run_server(addrport, self.stdout)
