"""Reading imports: only those of organizations in the user's subtrees."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range, paths_filter

from .models import ImportJob, ImportRow


def jobs_under(org: Organization) -> QuerySet[ImportJob]:
    """The imports made for ``org`` or any organization under it, newest first."""
    return ImportJob.objects.filter(path_range(org.path, "organization__path")).select_related(
        "organization__parent", "created_by"
    )


def get_job(scope_paths: Iterable[str], pk: int) -> ImportJob:
    """Return import ``pk`` if its organization lies in one of the subtrees, else 404."""
    job = (
        ImportJob.objects.filter(paths_filter(list(scope_paths), "organization__path"), pk=pk)
        .select_related("organization__parent", "created_by")
        .first()
    )
    if job is None:
        raise Http404("Không tìm thấy lần nhập dữ liệu.")
    return job


def rows_of(job: ImportJob, action: str = "") -> QuerySet[ImportRow]:
    rows = job.rows.all()
    return rows.filter(action=action) if action else rows
