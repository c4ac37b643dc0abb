"""An uploaded file (personal data) is removed once its job has ended and kept its time."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.services import issue_token
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .generated import member_csv

pytestmark = pytest.mark.django_db

KEEP = dt.timedelta(days=7)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DANGBO_IMPORT_KEEP_SECONDS = int(KEEP.total_seconds())


@pytest.fixture
def db1():
    db1 = dang_bo(bloc(code="KHOI"), code="DB1", name="Đảng bộ Công ty Một")
    dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    return db1


def _job(db1, tmp_path) -> ImportJob:
    path = member_csv(tmp_path / "dang-vien.csv", 3)
    return services.upload(actor=None, organization=db1, path=path, filename=path.name)


def test_the_file_goes_the_second_after_its_time_and_the_job_says_so(
    client, db1, tmp_path, django_capture_on_commit_callbacks
):
    job = services.execute(_job(db1, tmp_path))
    assert job.status == ImportJob.Status.DONE
    path = Path(job.file.path)
    assert path.exists()
    ended = ImportJob.objects.get(pk=job.pk).updated_at

    # The second before the limit and the limit itself: kept.
    for now in (ended + KEEP - SECOND, ended + KEEP):
        assert services.prune_files(now) == 0
    job.refresh_from_db()
    assert job.has_file
    assert job.file
    assert path.exists()

    # The second after: the file goes; the job, its result and its status stay; audited.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.prune_files(ended + KEEP + SECOND) == 1
    job.refresh_from_db()
    assert not path.exists()
    assert not job.file
    assert job.file_removed_at is not None
    assert job.status == ImportJob.Status.DONE
    assert job.result["CREATE"] == 3
    entry = AuditEntry.objects.get(action="imports.file_removed")
    assert entry.org_path == db1.path
    assert entry.after["kept"] == "7 ngày"
    # Nothing more to do on the next round.
    assert services.prune_files(ended + KEEP * 3) == 0
    assert AuditEntry.objects.filter(action="imports.file_removed").count() == 1

    user = user_with_role(db1, Role.COMMITTEE_ADMIN)
    client.force_login(user)
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "Tệp tải lên đã được xóa lúc" in page
    token = issue_token(actor=user, user=user, name="t")[1]
    answer = client.get(f"/api/v1/imports/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200
    assert answer.json()["file_removed_at"] is not None


@pytest.mark.parametrize("status", [ImportJob.Status.FAILED, ImportJob.Status.CANCELLED])
def test_a_failed_or_cancelled_job_loses_its_file_too(db1, tmp_path, status):
    job = _job(db1, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=status, updated_at=timezone.now())
    ended = ImportJob.objects.get(pk=job.pk).updated_at
    assert services.prune_files(ended + KEEP) == 0
    assert services.prune_files(ended + KEEP + SECOND) == 1
    job.refresh_from_db()
    assert job.status == status
    assert not job.file
    assert not job.has_file


@pytest.mark.parametrize(
    "status",
    [ImportJob.Status.MAPPING, ImportJob.Status.QUEUED, ImportJob.Status.ANALYSING,
     ImportJob.Status.ANALYSED, ImportJob.Status.IMPORTING],
)  # fmt: skip
def test_a_job_not_ended_keeps_its_file(db1, tmp_path, status):
    job = _job(db1, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=status)
    assert services.prune_files(timezone.now() + dt.timedelta(days=365)) == 0
    job.refresh_from_db()
    assert job.has_file
    assert job.file
    assert not AuditEntry.objects.filter(action="imports.file_removed").exists()


def test_a_job_without_its_file_offers_no_step_that_reads_it(client, db1, tmp_path):
    job = _job(db1, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, message="Tệp có lỗi.",
        summary={"rows": 3, "ERROR": 1, "errors": 1}, updated_at=timezone.now() - KEEP * 2,
    )  # fmt: skip
    assert services.prune_files() == 1
    job.refresh_from_db()
    # A failed job could be mapped again or decided: not without its file.
    with pytest.raises(DomainError, match="đã được xóa"):
        services.set_mapping(actor=None, job=job, choices={})
    with pytest.raises(DomainError, match="đã được xóa"):
        services.decide(actor=None, job=job, decisions={})
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.ANALYSED)
    job.refresh_from_db()
    assert not job.can_confirm
    with pytest.raises(DomainError, match="đã được xóa"):
        services.confirm(actor=None, job=job, mode=ImportJob.Mode.VALID_ONLY, confirm_matches=False)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.ANALYSED

    client.force_login(user_with_role(db1, Role.COMMITTEE_ADMIN))
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "Tệp tải lên đã được xóa lúc" in page
    assert reverse("import-confirm", kwargs={"job": job.pk}) not in page
    assert "Tải danh sách lỗi" in page
    # The findings are still there as a list.
    report = client.get(reverse("import-report", kwargs={"job": job.pk}))
    assert report.status_code == 200
