"""An import's life beside the worker: cancelling it in any state, recovering it after a crash."""

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dangbo.accounts.models import Role
from dangbo.accounts.services import issue_token
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.worker import INTERRUPTED, recover_interrupted
from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .generated import member_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    return {"top": top, "db1": db1}


def _job(tree, tmp_path, count=3) -> ImportJob:
    path = member_csv(tmp_path / "dang-vien.csv", count)
    job = services.upload(actor=None, organization=tree["db1"], path=path, filename=path.name)
    assert job.status == ImportJob.Status.QUEUED
    return job


def test_a_running_import_cancelled_stops_at_its_next_checkpoint_and_writes_nothing(tree, tmp_path):
    job = _job(tree, tmp_path, count=600)
    seen = []

    def cancel_once(done: int) -> None:
        # At the checkpoint after 500 rows: the next one (the end of the file) stops the job.
        if not seen:
            services.cancel(actor=None, job=ImportJob.objects.get(pk=job.pk))
        seen.append(done)

    services.execute(job, echo=cancel_once)
    job.refresh_from_db()
    assert seen == [500]
    assert job.status == ImportJob.Status.CANCELLED
    assert "hủy" in job.message
    assert Member.objects.count() == 0
    assert not AuditEntry.objects.filter(action="members.imported").exists()


def test_a_running_dry_run_cancelled_keeps_no_plan(tree, tmp_path):
    job = _job(tree, tmp_path, count=600)
    services.analyse(job, echo=lambda done: services.cancel(actor=None, job=job))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not job.rows.exists()
    assert job.summary == {}


@pytest.mark.parametrize(
    "status",
    [ImportJob.Status.QUEUED, ImportJob.Status.ANALYSING, ImportJob.Status.ANALYSED,
     ImportJob.Status.IMPORTING, ImportJob.Status.MAPPING],
)  # fmt: skip
def test_any_job_not_done_can_be_cancelled_and_is_then_never_run(tree, tmp_path, status):
    job = _job(tree, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    services.cancel(actor=None, job=job)
    entry = AuditEntry.objects.get(action="imports.cancelled")
    assert entry.before == {"status": status}
    # A task already queued (or a worker that had loaded the job) finds it cancelled.
    stale = ImportJob.objects.get(pk=job.pk)
    stale.status = ImportJob.Status.QUEUED
    services.execute(stale)
    services.analyse(stale)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert Member.objects.count() == 0


def test_a_done_job_cannot_be_cancelled(tree, tmp_path):
    job = services.execute(_job(tree, tmp_path))
    assert job.status == ImportJob.Status.DONE
    with pytest.raises(services.DomainError, match="không thể hủy"):
        services.cancel(actor=None, job=job)
    assert Member.objects.count() == 3


def test_cancel_a_running_import_in_the_browser_and_the_api(client, tree, tmp_path):
    user = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN)
    client.force_login(user)
    first, second = _job(tree, tmp_path), _job(tree, tmp_path)
    ImportJob.objects.filter(pk__in=[first.pk, second.pk]).update(status=ImportJob.Status.IMPORTING)
    page = client.get(reverse("import-detail", kwargs={"job": first.pk})).content.decode()
    assert reverse("import-cancel", kwargs={"job": first.pk}) in page
    response = client.post(reverse("import-cancel", kwargs={"job": first.pk}))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == ImportJob.Status.CANCELLED
    token = issue_token(actor=user, user=user, name="t")[1]
    answer = client.post(
        f"/api/v1/imports/{second.pk}/cancel", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "CANCELLED"
    again = client.post(f"/api/v1/imports/{second.pk}/cancel", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 422
    assert "không thể hủy" in again.json()["detail"][0]["msg"]


def _task(job_id: int, status=TaskResultStatus.RUNNING) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [job_id], "kwargs": {}},
        task_path="dangbo.imports.tasks.import_job", backend_name="default",
        queue_name="default", run_after=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip


def test_a_starting_worker_fails_the_jobs_a_dead_worker_left_running(tree, tmp_path):
    importing, analysing, claimed, waiting, analysed, by_hand, ended = (
        _job(tree, tmp_path) for _ in range(7)
    )
    for job, status in ((importing, "IMPORTING"), (analysing, "ANALYSING"), (analysed, "ANALYSED"),
                        (by_hand, "IMPORTING"), (ended, "IMPORTING")):  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(status=status)
    tasks = [_task(importing.pk), _task(analysing.pk), _task(claimed.pk)]
    # The worker's task ended by an exit its own handling never saw (a second SIGTERM).
    _task(ended.pk, TaskResultStatus.FAILED)
    _task(waiting.pk, TaskResultStatus.READY)
    counts = recover_interrupted()
    assert counts == {"dangbo.imports.services": 4, "django_tasks_db": 3}
    for job in (importing, analysing, claimed, ended):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        assert job.message == INTERRUPTED
    assert "bị gián đoạn" in INTERRUPTED
    # Waiting for the worker, waiting for the user, run by the command line: left alone.
    for job, status in ((waiting, "QUEUED"), (analysed, "ANALYSED"), (by_hand, "IMPORTING")):
        job.refresh_from_db()
        assert job.status == status
    for task in tasks:
        task.refresh_from_db()
        assert task.status == TaskResultStatus.FAILED
        assert task.traceback == INTERRUPTED
    assert AuditEntry.objects.filter(action="imports.interrupted").count() == 4
    assert recover_interrupted() == {}


def test_the_progress_bar_of_a_long_import_counts_without_thousands_separators(
    client, tree, tmp_path
):
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    job = _job(tree, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    caches["progress"].set(job.progress_key, {"phase": "import", "done": 2500, "total": 12000})
    partial = client.get(reverse("import-progress", kwargs={"job": job.pk})).content.decode()
    assert "đã xử lý 2.500/12.000 dòng" in partial
    assert '<progress max="12000" value="2500">' in partial
    assert reverse("import-cancel", kwargs={"job": job.pk}) in partial


def test_an_exchange_workbook_being_imported_stops_at_its_next_checkpoint_too(tmp_path):
    from dangbo.exchange.tests.helpers import build_world, export_bytes

    world = build_world()
    path = tmp_path / "trao-doi.xlsx"
    path.write_bytes(export_bytes("A"))
    job = services.upload(actor=None, organization=world["a"], path=path, filename=path.name)
    assert job.file_kind == "exchange"
    seen = []

    def cancel_once(done: int) -> None:
        if not seen:
            services.cancel(actor=None, job=ImportJob.objects.get(pk=job.pk))
        seen.append(done)

    services.execute(job, echo=cancel_once)
    job.refresh_from_db()
    assert len(seen) == 1
    assert job.status == ImportJob.Status.CANCELLED
    assert job.result == {}
    assert not AuditEntry.objects.filter(action="imports.imported").exists()
