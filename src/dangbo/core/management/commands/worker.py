"""``dangbo worker``: the background task worker of this installation (django-tasks' db_worker).

It first takes the installation's worker lock (a second worker exits at once), then marks
the jobs a previous worker left running as interrupted, then runs the tasks.
``dangbo serve`` starts and supervises it; it can also be run on its own.
"""

from __future__ import annotations

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangbo.core.worker import EXIT_LOCKED, WorkerLock, recover_interrupted, watch_parent


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền (nhập dữ liệu, xuất tệp trao đổi); mỗi cài đặt chỉ một tiến trình."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5,
                            help="số giây chờ giữa hai lần tìm việc mới (mặc định 0,5)")  # fmt: skip
        parser.add_argument("--parent", type=int, default=None,
                            help="dừng khi tiến trình này (máy chủ) không còn")  # fmt: skip

    def handle(self, *args, interval: float, parent: int | None, **options):
        lock = WorkerLock()
        if not lock.acquire():
            self.stderr.write(
                f"Một tiến trình xử lý nền khác đang chạy cho cài đặt này ({lock.path}); không chạy thêm."
            )
            sys.exit(EXIT_LOCKED)
        try:
            if parent:
                watch_parent(parent)
            counts = recover_interrupted()
            if counts:
                self.stdout.write(
                    f"Đã đánh dấu {sum(counts.values())} công việc bị gián đoạn "
                    "(tiến trình xử lý nền trước đã dừng đột ngột)."
                )
            self.stdout.write("Tiến trình xử lý nền đã sẵn sàng.")
            self.stdout.flush()
            call_command("db_worker", interval=interval, startup_delay=False, reload=False,
                         verbosity=options["verbosity"])  # fmt: skip
        finally:
            lock.release()
