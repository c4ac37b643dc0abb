"""Reading exports of the exchange workbook: only those of organizations in the user's subtrees."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range, paths_filter

from .models import ExportJob


def exports_under(org: Organization) -> QuerySet[ExportJob]:
    """The exports made for ``org`` or any organization under it, newest first."""
    return ExportJob.objects.filter(path_range(org.path, "organization__path")).select_related(
        "organization__parent", "created_by"
    )


def get_export(scope_paths: Iterable[str], pk: int) -> ExportJob:
    """Return export ``pk`` if its organization lies in one of the subtrees, else 404."""
    job = (
        ExportJob.objects.filter(paths_filter(list(scope_paths), "organization__path"), pk=pk)
        .select_related("organization__parent", "created_by")
        .first()
    )
    if job is None:
        raise Http404("Không tìm thấy lần xuất tệp trao đổi.")
    return job
