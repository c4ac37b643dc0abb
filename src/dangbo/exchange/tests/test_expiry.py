"""An exported workbook (the subtree's personal data) is not kept past its time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.exchange import jobs
from dangbo.exchange.models import ExportJob

from .helpers import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DANGBO_EXPORT_KEEP_SECONDS = 7 * 24 * 3600


def _exported(client, world) -> ExportJob:
    client.force_login(user_with_role(world["a"], Role.COMMITTEE_ADMIN))
    client.post("/o/A/exchange/")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    return job


def test_the_file_is_removed_once_kept_its_time_and_the_export_says_why(
    client, settings, django_capture_on_commit_callbacks
):
    world = build_world()
    job = _exported(client, world)
    path = Path(job.file.path)
    assert path.exists()
    finished = job.finished_at
    keep = dt.timedelta(seconds=settings.DANGBO_EXPORT_KEEP_SECONDS)

    # The moment before and the moment of the limit: kept.
    for now in (finished + keep - dt.timedelta(seconds=1), finished + keep):
        assert jobs.prune_expired(now) == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert path.exists()

    # Past it: the file goes, the record stays with the reason, and it is audited.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.prune_expired(finished + keep + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    assert not job.file
    assert not path.exists()
    assert "7 ngày" in job.message
    assert AuditEntry.objects.filter(action="exchange.export_expired").count() == 1
    # A second round finds nothing more to do.
    assert jobs.prune_expired(timezone.now() + keep * 2) == 0

    page = client.get(reverse("exchange-export", kwargs={"export": job.pk})).content.decode()
    assert "7 ngày" in page
    assert "Xuất lại" in page
    file_url = reverse("exchange-export-file", kwargs={"export": job.pk})
    assert client.get(file_url).status_code == 302
    assert not AuditEntry.objects.filter(action="exchange.downloaded").exists()


def test_a_failed_export_and_a_running_one_are_left_alone(client):
    world = build_world()
    job = _exported(client, world)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    assert jobs.prune_expired(timezone.now() + dt.timedelta(days=365)) == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING
    assert job.file
