"""Files that hold personal data are not kept past their time.

The task worker's housekeeping (``core.worker.run_every``) removes the file of each job kept
longer than its setting allows: exported exchange workbooks (``exchange.jobs.prune_expired``)
and uploaded import files (``imports.services.prune_files``). Each job keeps its record, says
why its file is gone and is audited; the file itself is deleted once that change is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import models, transaction
from django.utils import timezone


def kept_for(keep_seconds: int) -> str:
    """How long a file is kept, in words: "7 ngày", "36 giờ"."""
    hours = keep_seconds // 3600
    return f"{hours // 24} ngày" if hours and hours % 24 == 0 else f"{hours} giờ"


def cutoff(keep_seconds: int, now: dt.datetime | None = None) -> dt.datetime:
    """The moment before which a job's file has been kept long enough (strictly before)."""
    return (now or timezone.now()) - dt.timedelta(seconds=keep_seconds)


def remove_files(
    due: models.QuerySet,
    mark: Callable[[models.Model], Iterable[str]],
    audit: Callable[[models.Model], object],
    field: str = "file",
) -> int:
    """Remove the file of each job of ``due``; return how many.

    Each job is read again, locked, through ``due`` (so a job no longer due is left alone, and a
    download or a run under way either has the whole file or is refused clearly); ``mark(job)``
    changes the record (its status, its note) and returns the fields it changed; once saved,
    ``audit(job)`` records it in the audit log, in the same transaction. The file is deleted once that is committed: a rolled-back change must not lose the file.
    """
    removed = 0
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            job = due.filter(pk=pk).select_for_update(of=("self",)).first()
            if job is None:
                continue
            stored = getattr(job, field)
            name, storage = stored.name, stored.storage
            changed = list(mark(job))
            setattr(job, field, "")
            job.save(update_fields=[field, *changed, "updated_at"])
            audit(job)
            if name:
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        removed += 1
    return removed
