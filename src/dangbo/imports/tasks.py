"""Background work: a dry run or an import runs in the task worker, not in the request."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import ImportJob


@task()
def analyse_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).select_related("organization", "created_by").first()
    if job is not None:
        services.analyse(job)


@task()
def import_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).select_related("organization", "created_by").first()
    if job is not None:
        services.execute(job)


def enqueue_analysis(job: ImportJob) -> None:
    """Queue the dry run. With the database backend the queued task is written in the
    caller's transaction, so the worker sees it only once the job itself is committed."""
    analyse_job.enqueue(job.pk)


def enqueue_import(job: ImportJob) -> None:
    import_job.enqueue(job.pk)
