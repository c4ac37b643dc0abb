"""The background task worker: one per installation, recovered on start, supervised by ``serve``.

* ``WorkerLock``: a lock file in the data folder (``worker.lock``, ``flock``) and, on
  PostgreSQL, an advisory lock on the database, held for the whole life of a worker process;
  a second worker of the same installation does not start.
* ``recover_interrupted``: when a worker starts, the jobs a previous worker left running
  (it was killed, the machine stopped) are marked failed with ``INTERRUPTED``; each app marks
  its own jobs through the ``worker_starting`` signal, and the django-tasks rows left RUNNING
  are marked FAILED here.
* ``Supervisor``: started by ``dangbo serve``; runs ``dangbo worker`` in its own process group,
  starts it again when it dies (waiting longer after each quick death) and stops the whole
  group when the server stops.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger("dangbo.worker")

INTERRUPTED = "Công việc bị gián đoạn do tiến trình xử lý nền dừng đột ngột; không có gì được ghi. Hãy chạy lại."
# ``dangbo worker`` exits with this code when another worker holds the installation's lock.
EXIT_LOCKED = 3

# Sent once the worker holds the lock and before it takes any task; receivers mark the jobs
# of their app left in a running state as failed with ``message`` and return how many.
worker_starting = Signal()


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "worker.lock"


class WorkerLock:
    """The installation's worker lock: an exclusive ``flock`` on ``worker.lock`` in the data
    folder and, on PostgreSQL, a session advisory lock on the database, so that servers with
    data folders of their own on one database still run one worker between them.

    The kernel (and PostgreSQL, when the session ends) releases it when the holding process
    ends, however it ends, so a worker killed with SIGKILL never leaves a stale lock behind.
    """

    # pg_advisory_lock key: the bytes "dangbo.w" read as a signed 64-bit integer.
    ADVISORY_KEY = int.from_bytes(b"dangbo.w", "big", signed=True)

    def __init__(self, path: Path | None = None):
        self.path = path or lock_path()
        self._handle = None
        self._db = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open while the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        if not self._acquire_database():
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def _acquire_database(self) -> bool:
        from django.db import connection

        if connection.vendor != "postgresql":
            return True
        # A connection of its own: Django closes and reopens its connections between tasks,
        # and a session lock lives exactly as long as its session.
        db = connection.get_new_connection(connection.get_connection_params())
        db.autocommit = True
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.ADVISORY_KEY])
            held = cursor.fetchone()[0]
        if not held:
            db.close()
            return False
        self._db = db
        return True

    def release(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def is_free(self) -> bool:
        """Whether no worker holds the lock now (taken and let go at once)."""
        if self.acquire():
            self.release()
            return True
        return False


def recover_interrupted(message: str = INTERRUPTED) -> dict[str, int]:
    """Mark every job a dead worker left running as failed with ``message``; return the counts.

    Only the holder of the worker lock may call this: any job then in a running state has
    no process working on it.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    counts: dict[str, int] = {}
    with transaction.atomic():
        for receiver, found in worker_starting.send(sender=None, message=message):
            if found:
                counts[receiver.__module__] = found
        tasks = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="dangbo.core.worker.Interrupted",
            traceback=message,
            return_value=None,
        )
        if tasks:
            counts["django_tasks_db"] = tasks
    from . import snapshot

    if copies := snapshot.remove_stale_copies():
        counts["copies"] = copies
    return counts


def watch_parent(parent_pid: int, interval: float = 1.0) -> threading.Thread:
    """Stop this process (SIGTERM to itself, a graceful stop) once ``parent_pid`` is gone.

    A supervised worker whose server was killed outright must not live on as an orphan.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        logger.warning("Máy chủ đã dừng; tiến trình xử lý nền dừng theo.")
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="dangbo-parent-watch", daemon=True)
    thread.start()
    return thread


def run_every(fn: Callable[[], object], interval: float, name: str) -> threading.Thread:
    """Call ``fn`` now and then every ``interval`` seconds on a background thread of the worker
    (housekeeping the worker keeps: the stored deadlines' window). A failure is logged and the
    next round tries again; the thread's database connection is closed after each round."""
    from django.db import close_old_connections, connection

    def loop() -> None:
        while True:
            try:
                fn()
            except Exception:  # logged; the worker's tasks go on regardless
                logger.exception("Việc định kỳ %s gặp lỗi; sẽ thử lại sau.", name)
            finally:
                close_old_connections()
                connection.close()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name=f"dangbo-{name}", daemon=True)
    thread.start()
    return thread


# Held while ``Supervisor`` starts the worker and around every ``os.fork`` of this process.
# ``subprocess.Popen`` waits for its child's exec on a pipe; gunicorn's master forks web
# workers from its main thread, and a web worker forked in between inherits that pipe and,
# never exec-ing, keeps it open: the supervisor then waited forever, and a worker that died
# later was never started again. The fork hooks make the two wait for each other.
_SPAWN_LOCK = threading.Lock()


def _release_spawn_lock() -> None:
    with contextlib.suppress(RuntimeError):
        _SPAWN_LOCK.release()


os.register_at_fork(before=_SPAWN_LOCK.acquire, after_in_parent=_release_spawn_lock,
                    after_in_child=_release_spawn_lock)  # fmt: skip


class Supervisor:
    """Runs ``dangbo worker`` beside the web server, starts it again when it dies, stops it.

    The worker runs in its own process group so that stopping it (SIGTERM, then SIGKILL
    after ``grace`` seconds) reaches every process it started, and so that a Ctrl+C in the
    terminal reaches the server only, which then stops the worker itself.
    """

    def __init__(
        self,
        command: list[str] | None = None,
        *,
        grace: float = 10.0,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        stable_after: float = 60.0,
        poll: float = 0.5,
        lock: WorkerLock | None = None,
    ):
        self.command = command or [
            sys.executable, "-m", "dangbo", "worker", "--parent", str(os.getpid()),
        ]  # fmt: skip
        self.grace = grace
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.stable_after = stable_after
        self.poll = poll
        self.lock = lock or WorkerLock()
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="dangbo-worker-supervisor",
                                        daemon=True)  # fmt: skip
        self._thread.start()

    def _spawn(self) -> subprocess.Popen | None:
        with self._lock, _SPAWN_LOCK:
            if self._stopping.is_set():
                return None
            self.process = subprocess.Popen(self.command, process_group=0)
            return self.process

    def _run(self) -> None:
        delay = self.first_delay
        told_busy = False
        while not self._stopping.is_set():
            try:
                free = self.lock.is_free()
            except Exception:
                # The database may be down for a while (PostgreSQL): try again later.
                logger.exception("Không kiểm tra được khóa tiến trình xử lý nền; thử lại sau.")
                self._stopping.wait(max(self.first_delay, 5.0))
                continue
            if not free:
                # Another server (or a `dangbo worker`) of this installation runs the worker:
                # wait for it to go away rather than run a second one.
                if not told_busy:
                    logger.warning(
                        "Một tiến trình xử lý nền khác đang chạy cho cài đặt này; "
                        "máy chủ này không chạy thêm tiến trình thứ hai và sẽ thay thế khi nó dừng."
                    )
                    told_busy = True
                self._stopping.wait(max(self.first_delay, 5.0))
                continue
            told_busy = False
            started = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            while process.poll() is None and not self._stopping.is_set():
                self._stopping.wait(self.poll)
            if self._stopping.is_set():
                return
            code = process.returncode
            if code == EXIT_LOCKED:
                continue
            if time.monotonic() - started >= self.stable_after:
                delay = self.first_delay
            self.restarts += 1
            logger.warning(
                "Tiến trình xử lý nền đã dừng bất thường (mã thoát %s); khởi động lại sau %s giây.",
                code, f"{delay:g}",
            )  # fmt: skip
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, self.max_delay)

    # -- stopping ---------------------------------------------------------------------

    def stop(self) -> None:
        """Stop the worker's whole process group: SIGTERM, then SIGKILL after the grace period."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None:
            return
        pgid = process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            logger.warning(
                "Tiến trình xử lý nền không dừng sau %s giây; buộc dừng.", f"{self.grace:g}"
            )
        # Whatever is left of the group (the worker if it ignored SIGTERM, anything it started).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=self.grace)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.grace)


def worker_task_args(task_path_prefix: str, *, statuses: tuple[str, ...]) -> list[list]:
    """The arguments of the django-tasks rows in ``statuses`` whose task path starts with
    ``task_path_prefix``: which jobs the worker took (RUNNING: claimed and not finished;
    FAILED: ended by an exception, perhaps one the job's own handling never saw)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        status__in=statuses, task_path__startswith=task_path_prefix
    ).values_list("args_kwargs", flat=True)
    return [list((row or {}).get("args", [])) for row in rows]
