"""Exporting the exchange workbook in the task worker: ask, write with progress, download.

A request opens an ``ExportJob`` and queues it (``tasks.export_job``); the worker writes
the file under the media folder, reporting its progress to the cache the web server reads;
the file is then served to the users who may export that subtree. Every step is audited.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from dangbo.audit.services import record
from dangbo.core import retention
from dangbo.core.errors import DomainError
from dangbo.core.xlsx import XLSX_CONTENT_TYPE

from .exporting import exchange_filename, export_exchange
from .models import ExportJob

FAILED_MESSAGE = (
    "Lỗi hệ thống khi xuất tệp trao đổi; không có tệp nào được tạo. Báo cho quản trị hệ thống."
)


def _audit(actor, action: str, job: ExportJob, **entry: Any) -> None:
    record(actor=actor, action=f"exchange.{action}", target=job,
           org_path=job.organization.path or "", **entry)  # fmt: skip


def request_export(*, actor, organization, on=None) -> ExportJob:
    """Open an export of ``organization``'s subtree as of ``on`` (default today) and queue it."""
    from . import tasks

    with transaction.atomic():
        job = ExportJob.objects.create(
            organization=organization, created_by=actor if getattr(actor, "pk", None) else None,
            as_of=on or timezone.localdate(),
        )  # fmt: skip
        _audit(actor, "export_requested", job, after={"as_of": job.as_of.isoformat()})
        # With the database backend the task row is written in this transaction.
        tasks.export_job.enqueue(job.pk)
    return job


def progress_of(job: ExportJob) -> dict[str, Any]:
    return caches["progress"].get(job.progress_key) or {}


def run(job: ExportJob) -> ExportJob:
    """Write the workbook of a queued export (in the worker); the job ends DONE or FAILED."""
    if job.status != ExportJob.Status.QUEUED:
        return job
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    cache = caches["progress"]

    def progress(phase: str, done: int, total: int | None) -> None:
        cache.set(job.progress_key, {"phase": phase, "done": done, "total": total})

    try:
        with tempfile.TemporaryFile() as handle:
            content = export_exchange(job.organization, handle, on=job.as_of,
                                      actor=job.created_by, progress=progress)  # fmt: skip
            handle.seek(0)
            job.filename = exchange_filename(job.organization, job.as_of)
            job.file.save(job.filename, File(handle), save=False)
        job.size = job.file.size
    except Exception:
        job.status = ExportJob.Status.FAILED
        job.message = FAILED_MESSAGE
        job.save(update_fields=["status", "message", "updated_at"])
        raise
    job.counts = content.counts
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "size", "counts", "status", "finished_at",
                            "updated_at"])  # fmt: skip
    return job


def expired_message(keep_seconds: int) -> str:
    return (
        f"Tệp của lần xuất này đã được xóa sau {retention.kept_for(keep_seconds)} lưu giữ (tệp chứa "
        "thông tin cá nhân, không giữ lâu hơn cần thiết). Hãy xuất lại khi cần."
    )


def prune_expired(now=None) -> int:
    """Remove the files of the exports finished longer than ``DANGBO_EXPORT_KEEP_SECONDS``
    ago; each export keeps its record, marked EXPIRED with the reason. Return how many.

    Run by the task worker's housekeeping (``core.retention.remove_files``).
    """
    from django.conf import settings

    keep = settings.DANGBO_EXPORT_KEEP_SECONDS
    message = expired_message(keep)
    due = ExportJob.objects.filter(
        status=ExportJob.Status.DONE, finished_at__lt=retention.cutoff(keep, now)
    )

    def mark(job: ExportJob) -> list[str]:
        job.status = ExportJob.Status.EXPIRED
        job.message = message
        return ["status", "message"]

    def audit(job: ExportJob) -> None:
        _audit(None, "export_expired", job, note=job.filename, after={"message": message})

    return retention.remove_files(due, mark, audit)


def download(*, actor, job: ExportJob) -> FileResponse:
    """The file of a finished export; each download is recorded (the file holds personal data)."""
    if job.status == ExportJob.Status.EXPIRED:
        raise DomainError(job.message or "Tệp của lần xuất này đã được xóa; hãy xuất lại.")
    if job.status != ExportJob.Status.DONE or not job.file:
        raise DomainError("Tệp trao đổi chưa xuất xong nên chưa tải được.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise DomainError("Không còn tệp của lần xuất này; hãy xuất lại.") from None
    _audit(actor, "downloaded", job, note=job.filename)
    return FileResponse(handle, as_attachment=True, filename=job.filename,
                        content_type=XLSX_CONTENT_TYPE)  # fmt: skip


def mark_interrupted(sender=None, *, message: str, **kwargs) -> int:
    """Fail the exports a dead worker left running (``core.worker.worker_starting``)."""
    from django_tasks.base import TaskResultStatus

    from dangbo.core.worker import worker_task_args

    running = (TaskResultStatus.RUNNING,)
    claimed = [a[0] for a in worker_task_args(__package__ + ".tasks.", statuses=running) if a]
    jobs = ExportJob.objects.filter(status=ExportJob.Status.RUNNING) | ExportJob.objects.filter(
        pk__in=claimed, status=ExportJob.Status.QUEUED
    )
    count = 0
    for job in jobs.select_related("organization"):
        job.status = ExportJob.Status.FAILED
        job.message = message
        job.save(update_fields=["status", "message", "updated_at"])
        _audit(None, "export_interrupted", job, after={"message": message})
        count += 1
    return count
