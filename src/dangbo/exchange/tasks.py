"""Background work: the exchange workbook is written in the task worker, not in the request."""

from __future__ import annotations

from django_tasks import task

from . import jobs
from .models import ExportJob


@task()
def export_job(job_id: int) -> None:
    job = ExportJob.objects.filter(pk=job_id).select_related("organization", "created_by").first()
    if job is not None:
        jobs.run(job)
