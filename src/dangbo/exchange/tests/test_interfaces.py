"""The exchange workbook through the page, the API, the command line, and its documentation."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.accounts.models import Role
from dangbo.accounts.services import issue_token
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.worker import INTERRUPTED, recover_interrupted
from dangbo.core.xlsx import XLSX_CONTENT_TYPE
from dangbo.exchange import docs
from dangbo.exchange.format import SHEETS
from dangbo.exchange.jobs import FAILED_MESSAGE
from dangbo.exchange.models import ExportJob

from .helpers import ON, build_world, export_bytes

pytestmark = pytest.mark.django_db


def _sheet_titles(content: bytes) -> list[str]:
    return load_workbook(io.BytesIO(content), read_only=True).sheetnames


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_page_asks_an_export_follows_it_and_downloads_the_file(client):
    world = build_world()
    admin = user_with_role(world["a"], Role.COMMITTEE_ADMIN)
    client.force_login(admin)
    page = client.get("/o/A/exchange/")
    assert page.status_code == 200
    assert "Xuất tệp trao đổi" in page.content.decode()
    asked = client.post("/o/A/exchange/")
    job = ExportJob.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("exchange-export", kwargs={"export": job.pk})
    # The test settings run tasks at once; the worker would do the same.
    assert job.status == ExportJob.Status.DONE
    assert job.organization == world["a"]
    assert job.created_by == admin
    detail = client.get(asked["Location"]).content.decode()
    file_url = reverse("exchange-export-file", kwargs={"export": job.pk})
    assert file_url in detail
    assert job.filename in detail
    assert file_url in client.get("/o/A/exchange/").content.decode()
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "trao-doi-A-" in response["Content-Disposition"]
    assert _sheet_titles(_content(response)) == [s.title for s in SHEETS]
    for action in ("exchange.export_requested", "exchange.exported", "exchange.downloaded"):
        assert AuditEntry.objects.filter(action=action, actor=admin).count() == 1, action


def test_an_export_that_fails_says_so_and_offers_to_export_again(client, monkeypatch):
    world = build_world()
    client.force_login(user_with_role(world["a"], Role.COMMITTEE_ADMIN))

    def broken(*args, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr("dangbo.exchange.jobs.export_exchange", broken)
    asked = client.post("/o/A/exchange/")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert job.message == FAILED_MESSAGE
    assert not job.file
    page = client.get(asked["Location"]).content.decode()
    assert FAILED_MESSAGE in page
    assert "Xuất lại" in page
    assert client.get(reverse("exchange-export-file", kwargs={"export": job.pk})).status_code == 302


def test_page_shows_the_progress_of_a_running_export_and_no_file_yet(client):
    world = build_world()
    client.force_login(user_with_role(world["a"], Role.COMMITTEE_ADMIN))
    job = ExportJob.objects.create(organization=world["a"], as_of=ON,
                                   status=ExportJob.Status.RUNNING)  # fmt: skip
    caches["progress"].set(job.progress_key, {"phase": "write", "done": 2000, "total": 5000})
    page = client.get(reverse("exchange-export", kwargs={"export": job.pk})).content.decode()
    progress_url = reverse("exchange-export-progress", kwargs={"export": job.pk})
    assert f'hx-get="{progress_url}"' in page
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(progress_url).content.decode()
    assert "đã ghi 2.000/5.000 dòng" in partial
    assert 'max="5000"' in partial
    early = client.get(reverse("exchange-export-file", kwargs={"export": job.pk}))
    assert early.status_code == 302
    assert not AuditEntry.objects.filter(action="exchange.downloaded").exists()


def test_page_needs_the_user_management_capability(client):
    world = build_world()
    client.force_login(user_with_role(world["a"], Role.VIEWER))
    assert client.get("/o/A/exchange/").status_code == 403
    assert client.post("/o/A/exchange/").status_code == 403
    assert not ExportJob.objects.exists()


def test_the_file_is_served_only_to_who_may_export_that_subtree(client):
    world = build_world()
    owner = user_with_role(world["a"], Role.COMMITTEE_ADMIN)
    client.force_login(owner)
    client.post("/o/A/exchange/")
    job = ExportJob.objects.get()
    urls = [reverse(name, kwargs={"export": job.pk})
            for name in ("exchange-export", "exchange-export-progress", "exchange-export-file")]  # fmt: skip
    client.force_login(user_with_role(world["b"], Role.COMMITTEE_ADMIN))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(user_with_role(world["a"], Role.VIEWER))
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(user_with_role(world["top"], Role.COMMITTEE_ADMIN))
    assert client.get(urls[2]).status_code == 200
    assert AuditEntry.objects.filter(action="exchange.downloaded").count() == 1


def test_api_starts_an_export_follows_it_and_returns_the_file(client):
    world = build_world()
    admin = user_with_role(world["top"], Role.COMMITTEE_ADMIN)
    token = issue_token(actor=admin, user=admin, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    started = client.post("/api/v1/o/TOP/exchange/exports", **auth)
    assert started.status_code == 201
    body = started.json()
    assert body["organization_code"] == "TOP"
    assert body["created_by"] == admin.username
    status = client.get(f"/api/v1/exchange/exports/{body['id']}", **auth).json()
    assert status["status"] == "DONE"
    assert status["counts"]["Đảng viên"] > 0
    response = client.get(status["file_url"], **auth)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert _sheet_titles(_content(response))[0] == "Thông tin"
    assert client.post("/api/v1/o/NOPE/exchange/exports", **auth).status_code == 404


def test_api_refuses_a_viewer_and_hides_other_subtrees(client):
    world = build_world()
    job = ExportJob.objects.create(organization=world["a"], as_of=ON)
    viewer = user_with_role(world["top"], Role.VIEWER)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(actor=viewer, user=viewer, name='t')[1]}"}
    assert client.post("/api/v1/o/TOP/exchange/exports", **auth).status_code == 403
    assert client.get(f"/api/v1/exchange/exports/{job.pk}/file", **auth).status_code == 403
    other = user_with_role(world["b"], Role.COMMITTEE_ADMIN)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(actor=other, user=other, name='t')[1]}"}
    assert client.get(f"/api/v1/exchange/exports/{job.pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/exchange/exports/{job.pk}/file", **auth).status_code == 404


def test_a_starting_worker_fails_the_exports_a_dead_worker_left_running():
    world = build_world()
    running = ExportJob.objects.create(organization=world["a"], as_of=ON,
                                       status=ExportJob.Status.RUNNING)  # fmt: skip
    queued = ExportJob.objects.create(organization=world["a"], as_of=ON)
    assert recover_interrupted() == {"dangbo.exchange.jobs": 1}
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.status == ExportJob.Status.FAILED
    assert running.message == INTERRUPTED
    assert queued.status == ExportJob.Status.QUEUED
    assert AuditEntry.objects.filter(action="exchange.export_interrupted").count() == 1


def test_command_writes_the_same_file_as_the_service(tmp_path):
    build_world()
    out = tmp_path / "top.xlsx"
    stdout = StringIO()
    call_command(
        "export", str(out), org="TOP", format="exchange", on=ON.strftime("%d/%m/%Y"),
        user="quantri", stdout=stdout,
    )  # fmt: skip
    assert out.read_bytes() == export_bytes("TOP")
    assert "Đã ghi" in stdout.getvalue()
    assert AuditEntry.objects.filter(action="exchange.exported", actor__username="quantri").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"org": "TOP", "format": "csv"}, "Không có loại tệp «csv»"),
        ({"org": "NOPE"}, "Không tìm thấy tổ chức"),
        ({"org": "TOP", "on": "31/02/2026"}, "Ngày không hợp lệ"),
        ({"org": "TOP", "user": "ai-do"}, "Không có người dùng"),
    ],
)
def test_command_refuses_bad_options(tmp_path, options, message):
    build_world()
    with pytest.raises(CommandError, match=message):
        call_command("export", str(tmp_path / "x.xlsx"), **options)


def test_docs_exchange_format_md_is_up_to_date():
    assert docs.DOCS_PATH.read_text(encoding="utf-8") == docs.render(), (
        "docs/exchange-format.md lệch với mô tả định dạng: chạy `dangbo export --write-docs`."
    )


def test_docs_list_every_sheet_and_column():
    text = docs.render()
    for spec in SHEETS:
        assert f"### {spec.title}" in text
        for col in spec.columns:
            assert f"| {col.header} | `{col.key}` |" in text
