"""A job's state changes from copies loaded before another run or click changed it."""

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .test_interfaces import GOOD, GOOD2, HEADER, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(tmp_path):
    db1 = dang_bo(bloc(code="KHOI"), code="DB1", name="Đảng bộ Công ty Một")
    dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(HEADER, GOOD, GOOD2))
    job = services.upload(actor=None, organization=db1, path=path, filename=path.name)
    assert job.status == ImportJob.Status.QUEUED
    return job


def test_a_queued_job_is_imported_once_by_two_runs(queued):
    stale = ImportJob.objects.get(pk=queued.pk)
    services.execute(queued)

    again = services.execute(stale)

    assert again.status == ImportJob.Status.DONE
    assert Member.objects.count() == 2
    assert AuditEntry.objects.filter(action="imports.imported").count() == 1


def test_a_job_done_meanwhile_is_not_cancelled_from_a_stale_copy(queued):
    stale = ImportJob.objects.get(pk=queued.pk)
    services.execute(queued)

    with pytest.raises(DomainError, match=r"Lần nhập đã xong trước khi kịp hủy\."):
        services.cancel(actor=None, job=stale)

    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.DONE
    assert Member.objects.filter(voided_at__isnull=True).count() == 2
    assert not AuditEntry.objects.filter(action="imports.cancelled").exists()


def test_a_dry_run_cancelled_meanwhile_stays_cancelled(queued, monkeypatch):
    def cancel_during_the_run(job, **kwargs):
        services.cancel(actor=None, job=ImportJob.objects.get(pk=job.pk))
        return checked(job, **kwargs)

    checked = services._check_file
    monkeypatch.setattr(services, "_check_file", cancel_during_the_run)

    services.analyse(queued)

    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.CANCELLED
