"""``dangbo worker``: the background task worker of this installation (django-tasks' db_worker).

It first takes the installation's worker lock (a second worker exits at once), then marks
the jobs a previous worker left running as interrupted, then runs the tasks.
``dangbo serve`` starts and supervises it; it can also be run on its own.
"""

from __future__ import annotations

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started

from dangbo.core.worker import (
    EXIT_LOCKED,
    WorkerLock,
    recover_interrupted,
    run_every,
    watch_parent,
)

# How often the worker's housekeeping runs (seconds).
HOUSEKEEPING_SECONDS = 3600

# What each task does, as the log says it (the task's function name otherwise).
TASK_LABELS = {
    "analyse_job": "chạy thử nhập dữ liệu",
    "import_job": "nhập dữ liệu",
    "export_job": "xuất tệp trao đổi",
}


def _label(task_result) -> str:
    name = task_result.task.name
    args = ", ".join(str(a) for a in task_result.args)
    return f"{TASK_LABELS.get(name, name)} (số {args})" if args else TASK_LABELS.get(name, name)


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
            tasks = counts.pop("django_tasks_db", 0)
            if counts or tasks:
                self.stdout.write(
                    f"Đã đánh dấu {sum(counts.values())} công việc và {tasks} tác vụ nền bị gián "
                    "đoạn (tiến trình xử lý nền trước đã dừng đột ngột)."
                )
            # The stored deadlines' window moves forward by itself (deadlines.store.keep_current).
            from dangbo.deadlines.store import keep_current

            run_every(keep_current, HOUSEKEEPING_SECONDS, "deadlines")
            # Exchange workbooks (personal data) are not kept past their time.
            from dangbo.exchange.jobs import prune_expired

            run_every(prune_expired, HOUSEKEEPING_SECONDS, "exports")
            # Nor are the uploaded import files, once their job has ended.
            from dangbo.imports.services import prune_files

            run_every(prune_files, HOUSEKEEPING_SECONDS, "imports")
            self.stdout.write("Tiến trình xử lý nền đã sẵn sàng.")
            self.stdout.flush()
            verbosity = options["verbosity"]
            if verbosity < 2:
                # The library's own lines (in English) only when asked with -v 2.
                self._log_tasks()
            call_command("db_worker", interval=interval, startup_delay=False, reload=False,
                         verbosity=0 if verbosity < 2 else verbosity)  # fmt: skip
        finally:
            lock.release()

    def _log_tasks(self) -> None:
        def started(sender, task_result, **kwargs):
            self.stdout.write(f"Bắt đầu {_label(task_result)}.")
            self.stdout.flush()

        def finished(sender, task_result, **kwargs):
            if task_result.status == TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"Xong {_label(task_result)}.")
            else:
                error = task_result.errors[-1] if task_result.errors else None
                self.stderr.write(
                    f"Không thành công: {_label(task_result)}."
                    + (f"\n{error.traceback}" if error else "")
                )
            self.stdout.flush()

        # Kept by the signals for the life of the process (weak=False).
        task_started.connect(started, weak=False, dispatch_uid="dangbo.worker.started")
        task_finished.connect(finished, weak=False, dispatch_uid="dangbo.worker.finished")
