"""The exchange workbook through the page, the API, the command line, and its documentation."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.xlsx import XLSX_CONTENT_TYPE
from dangbo.exchange import docs
from dangbo.exchange.format import SHEETS

from .helpers import ON, build_world, export_bytes

pytestmark = pytest.mark.django_db


def _sheet_titles(content: bytes) -> list[str]:
    return load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_page_explains_and_downloads_the_file(client):
    world = build_world()
    admin = user_with_role(world["a"], Role.COMMITTEE_ADMIN)
    client.force_login(admin)
    page = client.get("/o/A/exchange/")
    assert page.status_code == 200
    assert "Tải tệp trao đổi" in page.content.decode()
    response = client.get("/o/A/exchange/?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "trao-doi-A-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert _sheet_titles(content) == [s.title for s in SHEETS]
    assert AuditEntry.objects.filter(action="exchange.exported", actor=admin).count() == 1


def test_page_needs_the_user_management_capability(client):
    world = build_world()
    client.force_login(user_with_role(world["a"], Role.VIEWER))
    assert client.get("/o/A/exchange/?download=1").status_code == 403


def test_api_returns_the_file(client):
    world = build_world()
    client.force_login(user_with_role(world["top"], Role.COMMITTEE_ADMIN))
    response = client.get("/api/v1/o/TOP/exchange")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert _sheet_titles(b"".join(response.streaming_content))[0] == "Thông tin"
    assert client.get("/api/v1/o/NOPE/exchange").status_code == 404


def test_api_refuses_a_viewer(client):
    world = build_world()
    client.force_login(user_with_role(world["top"], Role.VIEWER))
    assert client.get("/api/v1/o/TOP/exchange").status_code == 403


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
