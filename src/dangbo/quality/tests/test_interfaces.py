"""The page, the workbook, the API and the command all show the same report."""

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangbo.accounts.models import Module, Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.core.tests.api_helpers import token_for

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return scenario.build()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


# --------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------


def test_page_shows_counts_per_check_and_per_organization(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    response = client.get(reverse("quality", kwargs={"code": "A"}))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total == 6
    html = response.content.decode()
    assert "<strong>2</strong> lỗi, <strong>4</strong> cảnh báo" in html
    assert '<a href="?check=duplicate_name_birth#findings">2</a>' in html
    # Each organization links to its own quality page, each finding to its record.
    assert f'href="{reverse("quality", kwargs={"code": "A1"})}"' in html
    assert f'href="{reverse("member-detail", kwargs={"pk": tree.hai.pk})}"' in html
    assert f'href="{reverse("org-detail", kwargs={"code": "A2"})}"' in html
    assert "Tình trạng lưu là «Dự bị», theo các sự kiện là «Chính thức»." in html
    assert len(response.context["page_obj"].object_list) == 6


def test_page_filters_by_check(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    url = reverse("quality", kwargs={"code": "A"})
    response = client.get(url, {"check": "duplicate_name_birth"})
    assert [f.record_label for f in response.context["page_obj"]] == [
        "Nguyễn Văn Đức", "NGUYEN VAN DUC",
    ]  # fmt: skip
    assert response.context["check"] == "duplicate_name_birth"
    # An unknown check shows everything.
    response = client.get(url, {"check": "nope"})
    assert response.context["check"] == ""
    assert response.context["page_obj"].paginator.count == 6


def test_page_pages_the_findings(tree, monkeypatch):
    from dangbo.core import views as core_views

    monkeypatch.setattr(core_views, "PAGE_SIZE", 4)
    monkeypatch.setattr(core_views.paginate, "__defaults__", (4,))
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    url = reverse("quality", kwargs={"code": "A"})
    first = client.get(url)
    assert len(first.context["page_obj"].object_list) == 4
    assert "Trang 1/2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [f.check for f in second.context["page_obj"]] == ["status_mismatch", "below_minimum"]


def test_page_exports_the_findings_to_xlsx(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    response = client.get(reverse("quality", kwargs={"code": "A"}), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="chat-luong-du-lieu-A.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Theo tổ chức", "Chi tiết"]
    details = list(book["Chi tiết"].iter_rows(values_only=True))
    assert details[2] == (
        "Mức độ", "Nội dung kiểm tra", "Loại hồ sơ", "Mã hồ sơ", "Hồ sơ", "Mã tổ chức", "Tổ chức",
        "Trường", "Chi tiết",
    )  # fmt: skip
    assert len(details) == 3 + 6
    assert details[3][:2] == ("Cảnh báo", "Thiếu thông tin bắt buộc")
    by_org = list(book["Theo tổ chức"].iter_rows(values_only=True))
    assert [row[0] for row in by_org[1:]] == ["Mã tổ chức", "A", "A1", "A2"]
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert ("Có thể trùng người (cùng họ tên và ngày sinh)", "duplicate_name_birth", 2) in summary


def test_export_of_one_check(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    response = client.get(
        reverse("quality", kwargs={"code": "A"}), {"export": "xlsx", "check": "below_minimum"}
    )
    assert 'filename="chat-luong-du-lieu-A-below_minimum.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    details = list(book["Chi tiết"].iter_rows(values_only=True))
    assert [row[4] for row in details[3:]] == ["Chi bộ A2"]


def test_the_registry_keeper_sees_the_page_a_viewer_and_a_sibling_do_not(tree):
    """Findings quote identity numbers: the page is for those who keep the registry."""
    url = reverse("quality", kwargs={"code": "A"})
    registry = user_with_role(tree.a, Role.MODULE_OFFICER, modules=[Module.REGISTRY])
    assert logged_in(registry).get(url).status_code == 200
    assert logged_in(user_with_role(tree.a, Role.VIEWER)).get(url).status_code == 403
    assert logged_in(user_with_role(tree.b, Role.COMMITTEE_ADMIN)).get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_subtree_admin_reaches_a_lower_organization_only(tree):
    client = logged_in(user_with_role(tree.a1, Role.COMMITTEE_ADMIN))
    assert client.get(reverse("quality", kwargs={"code": "A1"})).status_code == 200
    assert client.get(reverse("quality", kwargs={"code": "A"})).status_code == 404


# --------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------


def test_api_report(tree):
    response = api_client(user_with_role(tree.a, Role.COMMITTEE_ADMIN)).get("/api/v1/o/A/quality")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organization"] == {"code": "A", "name": "Đảng bộ A"}
    assert body["checked_on"] == timezone.localdate().isoformat()
    assert (body["members_checked"], body["organizations_checked"]) == (6, 3)
    assert (body["total"], body["errors"], body["warnings"]) == (6, 2, 4)
    assert body["checks"][4] == {
        "code": "duplicate_name_birth",
        "title": "Có thể trùng người (cùng họ tên và ngày sinh)",
        "count": 2,
    }
    assert [(o["code"], o["depth"], o["parent_name"], o["total"]) for o in body["organizations"]] == [
        ("A", 0, "Đảng ủy Khối Thử nghiệm", 1), ("A1", 1, "Đảng bộ A", 3), ("A2", 1, "Đảng bộ A", 2),
    ]  # fmt: skip
    assert body["organizations"][2]["counts"]["below_minimum"] == 1


def test_api_findings_paged_and_filtered(tree):
    client = api_client(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    body = client.get("/api/v1/o/A/quality/findings", {"page_size": 4}).json()
    assert body["count"] == 6
    assert len(body["items"]) == 4
    body = client.get("/api/v1/o/A/quality/findings", {"check": "status_mismatch"}).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "check": "status_mismatch",
        "check_title": "Tình trạng lưu lệch với các sự kiện",
        "severity": "error",
        "record_type": "member",
        "record_id": tree.hai.pk,
        "record_label": "Lê Văn Hai",
        "organization_code": "A1",
        "organization_name": "Chi bộ A1",
        "organization_label": "Chi bộ A1 – Đảng bộ A",
        "field": "status",
        "field_label": "Tình trạng",
        "message": "Tình trạng lưu là «Dự bị», theo các sự kiện là «Chính thức».",
        "url": f"/members/{tree.hai.pk}/",
    }
    org_item = client.get("/api/v1/o/A/quality/findings", {"check": "below_minimum"}).json()
    assert org_item["items"][0]["url"] == "/o/A2/"


def test_api_scope_and_errors(tree):
    sibling = api_client(user_with_role(tree.b, Role.COMMITTEE_ADMIN))
    assert sibling.get("/api/v1/o/A/quality").status_code == 404
    assert sibling.get("/api/v1/o/A/quality/findings").status_code == 404
    assert Client().get("/api/v1/o/A/quality").status_code == 401
    client = api_client(user_with_role(tree.a, Role.VIEWER))
    assert client.get("/api/v1/o/A/quality/findings", {"check": "nope"}).status_code == 422


# --------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------


def run(**options) -> str:
    out = StringIO()
    call_command("quality", stdout=out, **options)
    return out.getvalue()


def test_cli_prints_the_summary_in_vietnamese(tree):
    lines = run(org="A").splitlines()
    assert lines[0].startswith("Chất lượng dữ liệu: Đảng bộ A (A) — kiểm tra ngày ")
    assert lines[1] == "Đã kiểm tra 6 đảng viên, 3 tổ chức: 2 lỗi, 4 cảnh báo."
    assert "  Có thể trùng người (cùng họ tên và ngày sinh).. 2" in lines
    # The report's own checks, then those the modules add (the meetings'), then the total.
    assert lines[11] == "  Hai buổi sinh hoạt thường kỳ trong một tháng... 0"
    assert lines[15] == "  Tổng số........................................ 6"
    assert lines[-3:] == [
        "  A1               Chi bộ A1 — 3",
        "  A2               Chi bộ A2 — 2",
        "  A                Đảng bộ A — 1",
    ]


def test_cli_lists_the_findings_of_one_check(tree):
    out = run(org="A", check="below_minimum")
    assert out.splitlines()[-2:] == [
        "Dưới mức tối thiểu 3 đảng viên chính thức: 1 phát hiện",
        "  [Cảnh báo] Chi bộ A2 (A2): Có 1 đảng viên chính thức, ít hơn mức tối thiểu 3 "
        "(Điều lệ Đảng, Điều 21, Điều 24).",
    ]


def test_cli_json(tree):
    data = json.loads(run(org="A", json=True))
    assert data["organization"] == {"code": "A", "name": "Đảng bộ A"}
    assert data["total"] == 6
    assert "findings" not in data
    data = json.loads(run(org="A", json=True, findings=True))
    assert [f["check"] for f in data["findings"]][:2] == ["missing_required", "invalid_identifier"]


def test_cli_refuses_an_unknown_organization(tree):
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã «XYZ»"):
        run(org="XYZ")
