"""An import's life: upload, map the columns, dry run, confirm, import — every step audited."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.audit.services import keeps_refusals, record
from dangbo.core import retention, snapshot, spreadsheets, staging
from dangbo.core.errors import DomainError
from dangbo.core.locking import lock
from dangbo.core.spreadsheets import Issue
from dangbo.members import services as member_services
from dangbo.organizations.models import Organization

from . import engine
from .fields import fields_for
from .models import ImportIssue, ImportJob, ImportRow, ImportUndo

# A dry run keeps this many unremarkable rows (created, unchanged) per kind as a
# preview; rows to confirm, update or fix are all kept.
PREVIEW_ROWS = 1000


def _audit(actor, action: str, job: ImportJob, **entry: Any) -> None:
    # A whole-installation job (no organization) is logged at the top of the installation.
    org_path = job.organization.path if job.organization is not None else ""
    record(actor=actor, action=f"imports.{action}", target=job, org_path=org_path, **entry)


def _is_exchange(path: Path) -> bool:
    from dangbo.exchange.services import is_exchange_workbook

    return is_exchange_workbook(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload(*, actor, organization, path: Path, filename: str) -> ImportJob:
    """Check that ``path`` is a readable spreadsheet and open an import for it.

    A file that cannot be read (not a spreadsheet, corrupt, password-protected,
    a zip bomb...) raises ``SpreadsheetError`` and nothing is kept.

    ``organization`` None: the whole installation, for an exchange workbook only (the command
    line into an installation with no organization yet, whose tree the file creates).
    """
    path = Path(path)
    is_exchange = _is_exchange(path)
    if organization is None and not is_exchange:
        raise DomainError(
            "Hệ thống chưa có tổ chức nào để nhập danh sách vào: chạy «dangbo init» để thành lập tổ "
            "chức cao nhất trước, hoặc nhập một tệp trao đổi dữ liệu (tệp tạo cả cây tổ chức)."
        )
    with spreadsheets.open_workbook(path, filename=filename) as workbook:
        mapping = {"sheets": []} if is_exchange else engine.detect(workbook)
        file_kind = "exchange" if is_exchange else workbook.kind
    with transaction.atomic():
        job = ImportJob(
            organization=organization, created_by=actor if getattr(actor, "pk", None) else None,
            original_name=filename[:255], size=path.stat().st_size, sha256=_sha256(path),
            file_kind=file_kind, mapping=mapping,
        )  # fmt: skip
        with open(path, "rb") as handle:
            job.file.save(Path(filename).name or "tep-nhap", File(handle), save=False)
        job.status = ImportJob.Status.QUEUED
        if not is_exchange and engine.mapping_problems(mapping):
            job.status = ImportJob.Status.MAPPING
        job.save()
        _audit(actor, "uploaded", job, note=f"{filename} ({job.size} byte)")
    return job


@transaction.atomic
def set_mapping(*, actor, job: ImportJob, choices: dict[str, dict[int, str]]) -> ImportJob:
    """Apply the user's column mapping (sheet → column index → field key, "" to skip)."""
    lock(job)
    _needs_file(job)
    if job.status not in (
        ImportJob.Status.MAPPING,
        ImportJob.Status.ANALYSED,
        ImportJob.Status.FAILED,
    ):
        raise DomainError("Không thể ghép cột lúc này.")
    mapping = job.mapping
    for sheet in mapping.get("sheets", []):
        wanted = choices.get(sheet["name"])
        if wanted is None or not sheet.get("kind"):
            continue
        valid = {s.key for s in fields_for(sheet["kind"])}
        seen: dict[str, str] = {}
        for column in sheet["columns"]:
            key = wanted.get(column["index"], column.get("field") or "")
            if key and key not in valid:
                raise DomainError({"mapping": f"Trường không hợp lệ: {key}."})
            if key and key in seen:
                raise DomainError({"mapping": (
                    f"Trang «{sheet['name']}»: hai cột «{seen[key]}» và «{column['header']}» cùng ghép vào một trường."
                )})  # fmt: skip
            if key:
                seen[key] = column["header"]
            column["field"] = key or None
            column["ignored"] = not key
        sheet["confirmed"] = True
    problems = engine.mapping_problems(mapping)
    if problems:
        raise DomainError({"mapping": problems})
    job.mapping = mapping
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["mapping", "status", "updated_at"])
    _audit(actor, "mapped", job, after={"mapping": mapping})
    return job


@transaction.atomic
def confirm(*, actor, job: ImportJob, mode: str, confirm_matches: bool) -> ImportJob:
    """Accept a dry run's plan: queue the import in ``mode`` (all or nothing / valid rows only)."""
    lock(job)
    _needs_file(job)
    if not job.can_confirm:
        raise DomainError("Lần nhập này chưa sẵn sàng để xác nhận.")
    summary = job.summary
    if mode == ImportJob.Mode.ALL and summary.get("ERROR", 0):
        raise DomainError({"mode": (
            f"Tệp còn {summary['ERROR']} dòng có lỗi: sửa tệp rồi tải lên lại, hoặc chọn «Chỉ các dòng hợp lệ»."
        )})  # fmt: skip
    if summary.get("CONFIRM", 0) and not confirm_matches and mode == ImportJob.Mode.ALL:
        raise DomainError({"confirm_matches": (
            f"Có {summary['CONFIRM']} dòng chỉ khớp theo họ tên, ngày sinh và chi bộ: xem lại rồi đánh dấu xác nhận, "
            "hoặc chọn «Chỉ các dòng hợp lệ» để bỏ qua chúng."
        )})  # fmt: skip
    if mode == ImportJob.Mode.ALL and summary.get("CONFLICT", 0):
        raise DomainError({"mode": conflicts_message(summary["CONFLICT"])})
    job.mode = mode
    job.confirm_matches = confirm_matches
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["mode", "confirm_matches", "status", "updated_at"])
    _audit(actor, "confirmed", job, after={"mode": mode, "confirm_matches": confirm_matches})
    return job


FILE_REMOVED_MESSAGE = (
    "Tệp của lần nhập này đã được xóa vì hết thời hạn lưu giữ; tải tệp lên lại để nhập."
)


def _needs_file(job: ImportJob) -> None:
    """Refuse a step that reads the uploaded file once it has been removed (``prune_files``)."""
    if not job.has_file:
        raise DomainError(FILE_REMOVED_MESSAGE)


# The states a job ends in (a chunked import taken back ends FAILED): its file is removed
# ``DANGBO_IMPORT_KEEP_SECONDS`` later. A job mapping, queued, running or waiting for its
# confirmation keeps it.
ENDED = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED)


def prune_files(now=None) -> int:
    """Remove the uploaded files of the jobs ended longer than ``DANGBO_IMPORT_KEEP_SECONDS``
    ago (their last change: an ended job changes no more); each job keeps its record, results
    and findings, with when its file was removed, audited. Return how many.

    Run by the task worker's housekeeping (``core.retention.remove_files``).
    """
    from django.conf import settings

    keep = settings.DANGBO_IMPORT_KEEP_SECONDS
    due = ImportJob.objects.filter(
        status__in=ENDED, file_removed_at__isnull=True,
        updated_at__lt=retention.cutoff(keep, now),
    )  # fmt: skip
    removed_at = timezone.now()

    def mark(job: ImportJob) -> list[str]:
        job.file_removed_at = removed_at
        return ["file_removed_at"]

    def audit(job: ImportJob) -> None:
        _audit(None, "file_removed", job, note=job.original_name,
               after={"kept": retention.kept_for(keep), "status": job.status})  # fmt: skip

    return retention.remove_files(due, mark, audit)


def conflicts_message(count: int) -> str:
    return (
        f"Còn {count} dòng xung đột chưa quyết định (trùng số thẻ hoặc số định danh với một đảng viên "
        "nhưng khác họ tên, ngày sinh hoặc giới tính): với từng dòng, chọn «cùng một người» hoặc "
        "«khác người» rồi nhập lại; hoặc chọn «Chỉ các dòng hợp lệ» để bỏ qua các dòng đó."
    )


def _decision_key(key: str) -> str:
    sheet, sep, row = key.rpartition(":")
    if not sep or not sheet or not row.isdigit():
        raise DomainError({"decisions": f"Dòng «{key}» không hợp lệ: ghi dạng «trang:dòng»."})
    return engine.decision_key(sheet, int(row))


@transaction.atomic
def decide(*, actor, job: ImportJob, decisions: dict[str, str]) -> ImportJob:
    """Record the user's decision on conflicting rows: {"sheet:row": "same" | "different" | ""}.

    "same": the row and the member it matched by a number are one person, the row updates
    the record; "different": they are not, the row is an error. "" takes a decision back.
    Once analysed, only the conflicting rows of the dry run can be decided; the job is
    queued for a new dry run (the caller starts it), so the plan shows the decisions.
    """
    lock(job)
    _needs_file(job)
    if job.status not in (
        ImportJob.Status.MAPPING, ImportJob.Status.QUEUED, ImportJob.Status.ANALYSED,
        ImportJob.Status.FAILED,
    ):  # fmt: skip
        raise DomainError("Không thể ghi quyết định cho lần nhập này lúc này.")
    wanted = {}
    for key, value in decisions.items():
        if value not in (*engine.DECISIONS, ""):
            raise DomainError({"decisions": (
                f"Quyết định «{value}» không hợp lệ: «same» (cùng một người) hoặc «different» (khác người)."
            )})  # fmt: skip
        wanted[_decision_key(key)] = value
    if job.status == ImportJob.Status.ANALYSED:
        conflicts = set(conflict_rows(job).values_list("sheet", "row"))
        for key in wanted:
            sheet, _, row = key.rpartition(":")
            if (sheet, int(row)) not in conflicts:
                raise DomainError({"decisions": (
                    f"Dòng {row} của trang «{sheet}» không phải dòng xung đột."
                )})  # fmt: skip
    before = dict(job.decisions)
    merged = {**before, **wanted}
    job.decisions = {k: v for k, v in merged.items() if v}
    if job.status in (ImportJob.Status.ANALYSED, ImportJob.Status.FAILED):
        job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["decisions", "status", "updated_at"])
    _audit(actor, "decided", job, before={"decisions": before}, after={"decisions": job.decisions})
    return job


def conflict_rows(job: ImportJob):
    """The rows of ``job``'s dry run matched by a number to a member who may be someone else
    (decided or not), with the record and the row side by side."""
    return job.rows.filter(kind="members").exclude(comparison=[])


CANCELLED_MESSAGE = "Lần nhập đã bị hủy; không có gì được ghi."


class Stopped(Exception):
    """Raised at a progress checkpoint of a job whose cancellation was asked: rolls it back."""


def _stop_key(job: ImportJob) -> str:
    # With the upload time: a number reused (a database restored, a test database) stays apart.
    return f"import-stop:{job.pk}:{job.created_at.timestamp()}"


def stop_requested(job: ImportJob) -> bool:
    # The flag lives in the cache the web server and the worker share, not in the database:
    # the worker reads it inside its own transaction (which would not see a newer row), and
    # setting it never waits for the worker's write lock (SQLite).
    return bool(caches["progress"].get(_stop_key(job)))


def cancel(*, actor, job: ImportJob) -> ImportJob:
    """Cancel ``job`` unless it is done; a running dry run or import stops and writes nothing."""
    if not job.can_cancel:
        raise DomainError("Lần nhập này đã xong hoặc đã hủy nên không thể hủy.")
    before = job.status
    caches["progress"].set(_stop_key(job), True, timeout=7 * 24 * 3600)
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        # CANCELLED already: the worker met the flag at a checkpoint and stopped before this
        # transaction got the database (SQLite waits for the worker's own to end).
        if current.status == ImportJob.Status.DONE:
            raise DomainError("Lần nhập đã xong trước khi kịp hủy.")
        job.status = ImportJob.Status.CANCELLED
        job.message = CANCELLED_MESSAGE
        job.save(update_fields=["status", "message", "updated_at"])
        _audit(actor, "cancelled", job, before={"status": before})
    return job


def _stopped(job: ImportJob) -> ImportJob:
    """The worker's side of a cancellation: the job's transaction is rolled back; say so."""
    job.status = ImportJob.Status.CANCELLED
    job.message = CANCELLED_MESSAGE
    job.save(update_fields=["status", "message", "updated_at"])
    return job


def mark_interrupted(sender=None, *, message: str, **kwargs) -> int:
    """Fail the dry runs and imports a dead worker left running (``core.worker.worker_starting``).

    Their transaction died with the worker, so nothing of them was written. Only the jobs the
    worker took are touched: a job the command line runs in its own process has no task.
    """
    from django_tasks.base import TaskResultStatus

    from dangbo.core.worker import worker_task_args

    prefix = __package__ + ".tasks."
    claimed = [a[0] for a in worker_task_args(prefix, statuses=(TaskResultStatus.RUNNING,)) if a]
    ended = [a[0] for a in worker_task_args(prefix, statuses=(TaskResultStatus.FAILED,)) if a]
    jobs = ImportJob.objects.filter(
        Q(
            pk__in=claimed + ended,
            status__in=(ImportJob.Status.ANALYSING, ImportJob.Status.IMPORTING),
        )
        | Q(pk__in=claimed, status=ImportJob.Status.QUEUED)
    ).select_related("organization")
    count = 0
    for job in jobs:
        before = job.status
        if before == ImportJob.Status.IMPORTING:
            # A chunked member import keeps what it wrote hidden until the end: take it back.
            take_back_members(job)
        _fail(job, message)
        _audit(None, "interrupted", job, before={"status": before}, after={"message": message})
        count += 1
    return count


# -- running (called by the tasks, or directly by the command line) ------------------------


def progress_of(job: ImportJob) -> dict[str, Any]:
    return caches["progress"].get(job.progress_key) or {}


def _progress_writer(job: ImportJob, phase: str, total: int | None) -> Callable[[int], None]:
    cache = caches["progress"]

    def write(done: int) -> None:
        cache.set(job.progress_key, {"phase": phase, "done": done, "total": total})

    write(0)
    return write


class _Collector(engine.Sink):
    """Keeps a dry run's findings in memory, to be stored once its transaction is rolled back."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.issues: list[ImportIssue] = []
        self.rows: list[ImportRow] = []
        self.kept: dict[tuple[str, str], int] = {}
        self.dropped_issues = 0

    def row(self, result: engine.RowResult) -> None:
        key = (result.kind, result.action)
        if result.action in ("CREATE", "UNCHANGED"):
            if self.kept.get(key, 0) >= PREVIEW_ROWS:
                return
            self.kept[key] = self.kept.get(key, 0) + 1
        self.rows.append(ImportRow(
            job=self.job, sheet=result.sheet[:100], row=result.row, kind=result.kind,
            action=result.action, label=result.label[:300], target_id=result.target_id,
            changes=result.changes, identity_changes=result.identity_changes,
            comparison=result.comparison,
        ))  # fmt: skip

    def issue(self, issue: Issue) -> None:
        if len(self.issues) >= engine.MAX_ISSUES:
            self.dropped_issues += 1
            return
        self.issues.append(ImportIssue(
            job=self.job, sheet=issue.sheet[:100], row=issue.row, column=issue.column[:200],
            value=issue.value[:300], message=issue.message[:500], severity=issue.severity,
        ))  # fmt: skip

    def store(self) -> None:
        ImportIssue.objects.filter(job=self.job).delete()
        ImportRow.objects.filter(job=self.job).delete()
        ImportIssue.objects.bulk_create(self.issues, batch_size=2000)
        ImportRow.objects.bulk_create(self.rows, batch_size=2000)


def _estimate_rows(job: ImportJob) -> int | None:
    if job.file_kind != "csv":
        return None
    with job.file.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _checkpoint(job: ImportJob, phase: str, total: int | None, echo=None) -> Callable[[int], None]:
    """The progress callback of a run: it reports, and stops the run (``Stopped``, inside its
    transaction) once the job's cancellation was asked."""
    writer = _progress_writer(job, phase, total)

    def progress(done: int) -> None:
        if stop_requested(job):
            raise Stopped
        writer(done)
        if echo is not None:
            echo(done)

    return progress


def _context(
    job: ImportJob, *, write: bool, phase: str, echo=None, pending_reason: str = ""
) -> engine.Context:
    progress = _checkpoint(job, phase, _estimate_rows(job), echo)
    return engine.Context(
        root=job.organization, actor=job.created_by, file_label=job.original_name, write=write,
        valid_only=job.mode == ImportJob.Mode.VALID_ONLY, confirm_matches=job.confirm_matches,
        today=timezone.localdate(), progress=progress, pending_reason=pending_reason,
        decisions=dict(job.decisions or {}),
    )  # fmt: skip


def _summary(outcome: engine.Outcome, collector: _Collector) -> dict[str, Any]:
    summary = dict(outcome.counts)
    summary["by_sheet"] = outcome.by_sheet
    summary["issues_not_kept"] = collector.dropped_issues
    return summary


def _run_exchange(
    job: ImportJob, *, write: bool, echo=None
) -> tuple[dict[str, Any], list[Issue], bool]:
    from dangbo.exchange.services import import_exchange

    progress = _checkpoint(job, "import" if write else "analyse", None, echo)
    # ``within``: an exchange file uploaded here may create nothing outside this subtree; a job
    # with no organization imports into the whole (empty) installation.
    result = import_exchange(Path(job.file.path), actor=job.created_by, dry_run=not write,
                             filename=job.original_name, within=job.organization,
                             progress=progress)  # fmt: skip
    if write and result.ok and job.organization is None:
        # The tree is in: the job belongs to the top organization the file created.
        from dangbo.organizations.services import installation_root

        job.organization = (
            Organization.objects.filter(code=result.root_code, path__isnull=False).first()
            or installation_root()
        )
        job.save(update_fields=["organization", "updated_at"])
    return exchange_summary(result), result.issues, write and result.ok


def exchange_summary(result) -> dict[str, Any]:
    """An exchange import's counts under the keys of a list's: ``ERROR`` the rows with an error
    (an error of the whole file counts as one), ``errors`` the error messages, ``warnings``."""
    errors = [i for i in result.issues if i.is_error]
    rows_in_error = {(i.sheet, i.row) for i in errors if i.row is not None}
    summary: dict[str, Any] = {"by_sheet": result.counts, "errors": len(errors),
                               "ERROR": len(rows_in_error) + sum(1 for i in errors if i.row is None)}  # fmt: skip
    for counts in result.counts.values():
        for key, value in counts.items():
            # Conflicts are rows with an error, counted in ``ERROR`` above.
            action = {"created": "CREATE", "unchanged": "UNCHANGED", "skipped": "skipped"}.get(key)
            if action:
                summary[action] = summary.get(action, 0) + value
    summary["warnings"] = len(result.issues) - len(errors)
    summary["rows"] = sum(sum(counts.values()) for counts in result.counts.values())
    return summary


def _claim(
    job: ImportJob, status: str, *, unless: tuple[str, ...] = (), only: tuple[str, ...] = ()
) -> bool:
    """Move the job to ``status`` if its row (read locked) allows it; False when another run or a
    cancellation got there first. Committed at once, so the progress page sees it."""
    with transaction.atomic():
        lock(job)
        if job.status in unless or (only and job.status not in only):
            return False
        job.status = status
        job.save(update_fields=["status", "updated_at"])
    return True


def _finish(job: ImportJob, **changes: Any) -> ImportJob:
    """Write a run's outcome unless the job was cancelled meanwhile."""
    with transaction.atomic():
        lock(job)
        if job.status == ImportJob.Status.CANCELLED:
            return job
        for name, value in changes.items():
            setattr(job, name, value)
        job.save(update_fields=[*changes, "updated_at"])
    return job


def _fail(job: ImportJob, message: str) -> ImportJob:
    return _finish(job, status=ImportJob.Status.FAILED, message=message)


@keeps_refusals
def _check_file(
    job: ImportJob, *, write: bool, echo, context: engine.Context | None = None,
    keep: engine.KeptRows | None = None,
) -> tuple[dict[str, Any], bool, _Collector]:  # fmt: skip
    """Run the file through the engine (or the exchange import); return summary, written, findings.

    ``keep``: the member rows are kept there as checked, for the import that follows."""
    _needs_file(job)
    collector = _Collector(job)
    if job.file_kind == "exchange":
        summary, issues, written = _run_exchange(job, write=write, echo=echo)
        for issue in issues:
            collector.issue(issue)
        return summary, written, collector
    phase = "import" if write else "analyse"
    with spreadsheets.open_workbook(Path(job.file.path), filename=job.original_name) as workbook:
        context = context or _context(job, write=write, phase=phase, echo=echo)
        context.keep = keep
        outcome = engine.run(workbook, job.mapping, context, collector)
    return _summary(outcome, collector), outcome.written, collector


@keeps_refusals
def _staged_write(job: ImportJob, *, echo) -> tuple[dict[str, Any], bool, _Collector]:
    """``_check_file`` writing, staged on a copy of an SQLite database (``core.staging``)."""
    return staging.staged(lambda: _check_file.__wrapped__(job, write=True, echo=echo),
                          written=lambda checked: checked[1])  # fmt: skip


def _guarded(
    job: ImportJob, *, write: bool, echo, context: engine.Context | None = None,
    staged: bool = False, keep: engine.KeptRows | None = None,
):  # fmt: skip
    """``_check_file``, leaving the job FAILED (never stuck running) whatever goes wrong.

    A check that writes nothing runs on a private copy of an SQLite database
    (``core.snapshot``), so it holds no write lock however long the file; a
    write in one piece (``staged``) is staged on such a copy and carried over
    in one short transaction (``core.staging``).
    """
    try:
        if write and staged:
            return _staged_write(job, echo=echo)
        if write:
            return _check_file(job, write=True, echo=echo, context=context)
        with snapshot.private_copy():
            return _check_file(job, write=False, echo=echo, keep=keep)
    except Stopped:
        _stopped(job)
    except DomainError as exc:
        _fail(job, "; ".join(exc.messages))
    except Exception:
        _fail(job, "Lỗi hệ thống khi xử lý tệp; không có gì được ghi. Báo cho quản trị hệ thống.")
        raise
    return None


def analyse(job: ImportJob, *, echo: Callable[[int], None] | None = None) -> ImportJob:
    """The dry run: check every row, plan, write nothing; store the plan and the findings."""
    if not _claim(job, ImportJob.Status.ANALYSING, unless=(ImportJob.Status.CANCELLED,)):
        return job
    if stop_requested(job):
        return _stopped(job)
    checked = _guarded(job, write=False, echo=echo)
    if checked is None:
        return job
    summary, _, collector = checked
    if stop_requested(job):
        return _stopped(job)
    collector.store()
    return _finish(job, summary=summary, status=ImportJob.Status.ANALYSED)


REFUSED_MESSAGE = (
    "Tệp có lỗi nên không nhập gì cả (tất cả hoặc không gì cả). "
    "Tải báo cáo lỗi, sửa tệp rồi tải lên lại."
)


def execute(job: ImportJob, *, echo: Callable[[int], None] | None = None) -> ImportJob:
    """The import: the dry run's checks again, then the writes.

    A member list is written in chunks (``_execute_in_chunks``); an organization
    list or an exchange workbook in one transaction, which on SQLite runs on a
    private copy and is carried over in one short transaction (``core.staging``).
    """
    # Only one run imports a queued job, however many start.
    if not _claim(job, ImportJob.Status.IMPORTING, only=(ImportJob.Status.QUEUED,)):
        return job
    if stop_requested(job):
        return _stopped(job)
    if job.file_kind != "exchange" and engine.writes_in_chunks(job.mapping):
        return _execute_in_chunks(job, echo=echo)
    checked = _guarded(job, write=True, echo=echo, staged=True)
    if checked is None:
        return job
    summary, written, collector = checked
    return _conclude(job, summary, collector, written=written)


def _conclude(
    job: ImportJob, summary: dict[str, Any], collector: _Collector, *, written: bool,
    message: str = REFUSED_MESSAGE,
) -> ImportJob:  # fmt: skip
    """Store an import's findings and outcome (unless it was cancelled meanwhile), and audit it."""
    collector.store()
    if not written and summary.get("CONFLICT") and not summary.get("ERROR"):
        message = conflicts_message(summary["CONFLICT"])
    _finish(
        job, result=summary, finished_at=timezone.now(), message="" if written else message,
        status=ImportJob.Status.DONE if written else ImportJob.Status.FAILED,
    )  # fmt: skip
    _audit(job.created_by, "imported" if written else "refused", job, after=summary)
    return job


def pending_reason(job: ImportJob) -> str:
    """The mark a chunked import's new members carry until the whole file is in."""
    return f"Đang nhập từ tệp (lần nhập số {job.pk}); chưa có hiệu lực."


def _execute_in_chunks(job: ImportJob, *, echo) -> ImportJob:
    """A member list, all or nothing, without holding the database for the whole file.

    1. All or nothing: the whole file is checked first, on a private copy
       (SQLite) or in a rolled-back transaction (PostgreSQL); an error refuses
       it with nothing written. The check keeps its parsed and checked rows in
       a temporary file (``engine.KeptRows``): the file is read and checked once.
    2. The rows are written from them chunk by chunk (``engine.CHUNK`` rows),
       each chunk matched against the registry again (what changed since the
       check is seen) and written in its own short transaction: new members marked with
       ``pending_reason(job)`` (voided, so nothing shows them), updates noted.
    3. When every row is in, one short transaction makes the new members
       valid together. If anything stops the run before that (a row refused
       because the data changed since the check, a crash of the chunk), the
       chunks are taken back: the new members stay voided with the reason,
       the updates are put back.
    """
    if job.mode != ImportJob.Mode.ALL:
        return _check_then_write(job, echo=echo, kept=None)
    with engine.KeptRows() as kept:
        return _check_then_write(job, echo=echo, kept=kept)


def _check_then_write(job: ImportJob, *, echo, kept: engine.KeptRows | None) -> ImportJob:
    """``_execute_in_chunks``'s steps; with ``kept`` (all or nothing), the check keeps the rows
    it parsed and checked there and the writes go from them: the file is read once."""
    if kept is not None:
        checked = _guarded(job, write=False, echo=echo, keep=kept)
        if checked is None:
            return job
        summary, _, collector = checked
        if summary.get("ERROR", 0) or summary.get("CONFLICT", 0):
            return _conclude(job, summary, collector, written=False)
    mark = pending_reason(job)
    context = _context(job, write=True, phase="import", echo=echo, pending_reason=mark)
    context.keep_undo = functools.partial(_keep_undo, job)
    context.replay = kept
    try:
        checked = _guarded(job, write=True, echo=echo, context=context)
        if checked is not None and checked[1]:
            member_services.publish_registered(actor=job.created_by, pending_reason=mark,
                                               source=job, org_path=job.organization.path)  # fmt: skip
            summary, _, collector = checked
            return _conclude(job, summary, collector, written=True)
    except Exception:
        _take_back(job, context)
        _fail(
            job,
            "Lỗi hệ thống khi nhập tệp; các phần đã ghi tạm đã được thu hồi. Báo cho quản trị hệ thống.",
        )
        raise
    withdrawn = _take_back(job, context)
    if checked is None:
        return job
    summary, _, collector = checked
    message = (
        f"Dữ liệu đã thay đổi trong lúc nhập nên không nhập gì cả: {withdrawn} hồ sơ ghi tạm đã được "
        "thu hồi (đánh dấu hủy, chưa từng có hiệu lực). Tải báo cáo lỗi, xem lại rồi nhập lại."
    )
    return _conclude(job, summary, collector, written=False, message=message)


def take_back_members(job: ImportJob) -> int:
    """Take back what an unfinished import of ``job`` wrote (e.g. after the process died): the
    members it added (still voided with its mark) stay voided, their records kept; the changes
    it made to members already recorded are put back. Return how many members it had added."""
    reason = f"Lần nhập tệp «{job.original_name}» (số {job.pk}) không hoàn tất; hồ sơ chưa từng có hiệu lực."
    withdrawn = member_services.withdraw_registered(actor=job.created_by, pending_reason=pending_reason(job),
                                                    reason=reason, source=job, org_path=job.organization.path)  # fmt: skip
    _undo_updates(job)
    return withdrawn


def _keep_undo(job: ImportJob, member_id: int, before: dict[str, Any]) -> None:
    """Keep, in the transaction of the change, how to put back a change to a recorded member."""
    ImportUndo.objects.create(
        job=job, member_id=member_id,
        before={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in before.items()},
    )  # fmt: skip


def _undo_updates(job: ImportJob) -> int:
    """Put back the changes ``job`` made to recorded members and not yet put back (latest first)."""
    from dangbo.members.models import Member

    kept = list(job.undo.filter(undone_at__isnull=True).order_by("id"))
    changes = [
        (u.member_id, {k: Member._meta.get_field(k).to_python(v) for k, v in u.before.items()})
        for u in kept
    ]
    undone = member_services.undo_updates(actor=job.created_by, changes=changes)
    ImportUndo.objects.filter(pk__in=[u.pk for u in kept]).update(undone_at=timezone.now())
    return undone


def _take_back(job: ImportJob, context: engine.Context) -> int:
    """Undo what the chunks of an unfinished import wrote; return the members taken back."""
    withdrawn = take_back_members(job)
    context.undo.clear()
    return withdrawn


def run_now(
    job: ImportJob, *, dry_run: bool, valid_only: bool = False, confirm_matches: bool = False,
    echo: Callable[[int], None] | None = None,
) -> ImportJob:  # fmt: skip
    """Check (``dry_run``) or import a mapped job in this process (the command line, benchmarks).

    The import runs every check of the dry run itself and writes nothing on an error.
    """
    job.dry_run_only = dry_run
    job.mode = ImportJob.Mode.VALID_ONLY if valid_only else ImportJob.Mode.ALL
    job.confirm_matches = confirm_matches
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["dry_run_only", "mode", "confirm_matches", "status", "updated_at"])
    return analyse(job, echo=echo) if dry_run else execute(job, echo=echo)


def import_path(
    *, actor, organization, path: Path, filename: str | None = None, dry_run: bool = False,
    valid_only: bool = False, confirm_matches: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportJob:  # fmt: skip
    """Everything at once: upload, then dry run or import (a file whose headers all match)."""
    path = Path(path)
    job = upload(actor=actor, organization=organization, path=path, filename=filename or path.name)
    if job.status == ImportJob.Status.MAPPING:
        return job
    return run_now(job, dry_run=dry_run, valid_only=valid_only, confirm_matches=confirm_matches,
                   echo=progress)  # fmt: skip


def capabilities_needed(job: ImportJob) -> list:
    """What confirming ``job`` needs beyond managing members: organization lists need the right to
    manage organizations; an exchange workbook, which also carries users and roles, both rights."""
    from dangbo.accounts.permissions import Capability

    kinds = {s.get("kind") for s in job.mapping.get("sheets", [])}
    needed = [Capability.MANAGE_MEMBERS]
    if job.file_kind == "exchange" or "organizations" in kinds:
        needed.append(Capability.MANAGE_ORGS)
    if job.file_kind == "exchange":
        needed.append(Capability.MANAGE_USERS)
    return needed


def copy_upload(uploaded, target_dir: Path) -> Path:
    """Write an uploaded file to ``target_dir`` (streamed) and return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"upload-{uuid.uuid4().hex}"
    with open(target, "wb") as handle:
        if hasattr(uploaded, "chunks"):
            for chunk in uploaded.chunks():
                handle.write(chunk)
        else:
            shutil.copyfileobj(uploaded, handle)
    return target
