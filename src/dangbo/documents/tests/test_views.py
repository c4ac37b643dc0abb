"""The outgoing register page, its XLSX export and its API list, scoped to the subtree."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import as_user
from dangbo.core.views import PAGE_SIZE
from dangbo.documents import services
from dangbo.documents.models import CommitteeTerm
from dangbo.members import transfers
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    top = bloc(
        code="K", name="Đảng bộ Khối Doanh nghiệp", committee_name="Đảng ủy Khối Doanh nghiệp"
    )
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    b = dang_bo(top, code="B", name="Đảng bộ Công ty B")
    a1 = dependent_cell(a, code="A1", name="Chi bộ A1")
    b1 = dependent_cell(b, code="B1", name="Chi bộ B1")
    g = grassroots_cell(top, code="G", name="Chi bộ Trường G")
    member = MemberFactory(organization=a1, full_name="Nguyễn Văn Chuyển", card_number="11000001")
    transfer = transfers.start_transfer(actor=None, member=member, reason="WORK_CHANGE",
                                        to_organization=b1, triggered_on=D(2025, 8, 1))  # fmt: skip
    transfer = transfers.issue_transfer_letter(
        actor=None, transfer=transfer, letter_number="", letter_on=D(2025, 8, 15),
        letter_issuer="Đảng ủy Khối Doanh nghiệp",
    )  # fmt: skip
    services.record_number(
        actor=None, issuer=a, doc_type="CV", typed="12-CV/ĐU", issued_on=D(2025, 9, 3),
        summary="V/v báo cáo quý III", signer="Lê Văn Ba",
    )  # fmt: skip
    return {"top": top, "a": a, "g": g, "transfer": transfer}


def test_the_register_lists_what_the_subtree_issued_with_its_file(client, w):
    client.force_login(user_with_role(w["top"], Role.VIEWER))
    page = client.get("/o/K/documents/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(e.number_text, e.summary, url) for e, url in rows] == [
        ("12-CV/ĐU", "V/v báo cáo quý III", ""),
        ("01-GGT/ĐUK", "Giới thiệu sinh hoạt đảng: Nguyễn Văn Chuyển, đến Chi bộ B1",
         f"/transfers/{w['transfer'].pk}/letter.docx"),
    ]  # fmt: skip
    html = page.content.decode()
    assert "2 văn bản." in html
    assert "Đảng ủy Khối Doanh nghiệp" in html
    assert "(cấp ngoài hệ thống)" in html
    # Below the bloc, a grassroots committee sees only its own documents.
    client.force_login(user_with_role(w["a"], Role.VIEWER))
    assert [e.number_text for e, _ in client.get("/o/A/documents/").context["rows"]] == ["12-CV/ĐU"]
    assert client.get("/o/K/documents/").status_code == 404
    filtered = client.get("/o/A/documents/", {"doc_type": "GGT"}).context["rows"]
    assert filtered == []


def test_the_register_exports_to_xlsx(client, w):
    client.force_login(user_with_role(w["top"], Role.VIEWER))
    response = client.get("/o/K/documents/", {"export": "xlsx", "year": "2025"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("Sổ đăng ký văn bản đi — Đảng bộ Khối Doanh nghiệp (mã K)")
    assert rows[1][0] == "Điều kiện lọc: Năm: 2025"
    header = rows.index(["Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu",
                         "Cấp ủy ban hành", "Cơ quan ban hành", "Người ký", "Nhiệm kỳ",
                         "Số cấp ngoài hệ thống"])  # fmt: skip
    body = rows[header + 1 :]
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in body] == [
        ("12-CV/ĐU", "Công văn", "Đảng ủy Công ty A", "Ban chấp hành (cấp ủy)", "Lê Văn Ba"),
        ("01-GGT/ĐUK", "Giấy giới thiệu", "Đảng ủy Khối Doanh nghiệp", "Ban thường vụ", None),
    ]
    assert body[0][1].date() == D(2025, 9, 3)


def test_a_committee_administrator_records_a_term_and_a_viewer_cannot(client, w):
    client.force_login(user_with_role(w["top"], Role.VIEWER))
    post = {"label": "2025–2030", "starts_on": "16/10/2025"}
    assert client.post("/o/K/documents/", post).status_code == 403
    assert not CommitteeTerm.objects.exists()
    client.force_login(user_with_role(w["top"], Role.COMMITTEE_ADMIN))
    bad = client.post("/o/K/documents/", {"label": "x", "starts_on": "31/02/2025"})
    assert bad.status_code == 400
    assert "starts_on" in bad.context["term_form"].errors
    assert client.post("/o/K/documents/", post).status_code == 302
    assert CommitteeTerm.objects.get().organization == w["top"]
    assert AuditEntry.objects.filter(action="documents.term_recorded").count() == 1
    again = client.post("/o/K/documents/", post)
    assert again.status_code == 400
    assert "starts_on" in again.context["term_form"].errors


def test_the_api_lists_the_register_of_the_subtree(w):
    api = as_user("vanthu", Role.VIEWER, w["top"])
    body = api.get("/o/K/documents").body
    assert [(d["number_text"], d["doc_type"], d["issuer_code"], d["external"]) for d in
            body["items"]] == [("12-CV/ĐU", "CV", "A", True), ("01-GGT/ĐUK", "GGT", "K", False)]  # fmt: skip
    assert body["items"][1]["file_url"] == f"/transfers/{w['transfer'].pk}/letter.docx"
    assert [d["number"] for d in api.get("/o/K/documents", {"doc_type": "GGT"}).body["items"]] == [
        1
    ]
    assert as_user("chibo", Role.VIEWER, w["g"]).get("/o/K/documents").status_code == 404


def test_the_register_command_prints_and_writes_the_workbook(w, tmp_path):
    out = io.StringIO()
    call_command("register", "--org", "K", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Sổ đăng ký văn bản đi: Đảng bộ Khối Doanh nghiệp (K)"
    assert "12-CV/ĐU" in lines[1]
    assert "Lê Văn Ba ký (số cấp ngoài hệ thống)" in lines[1]
    assert lines[2].split()[0] == "01-GGT/ĐUK"
    out = io.StringIO()
    call_command("register", "--org", "K", "--type", "GGT", "--output", str(tmp_path / "so.xlsx"),
                 stdout=out)  # fmt: skip
    assert out.getvalue().strip() == f"Đã ghi 1 văn bản vào {tmp_path / 'so.xlsx'}."
    rows = [list(r) for r in load_workbook(tmp_path / "so.xlsx").active.iter_rows(values_only=True)]
    assert rows[-1][0] == "01-GGT/ĐUK"
    with pytest.raises(CommandError):
        call_command("register", "--org", "KHONG")


def test_a_long_register_is_paged_newest_first(client, w):
    for day in range(1, PAGE_SIZE + 1):
        services.take_number(actor=None, issuer=w["a"], doc_type="TB", issued_on=D(2026, 1, 1)
                             + dt.timedelta(days=day), summary=f"Thông báo {day}")  # fmt: skip
    client.force_login(user_with_role(w["a"], Role.VIEWER))
    first = client.get("/o/A/documents/")
    assert first.context["page_obj"].paginator.count == PAGE_SIZE + 1
    assert first.context["rows"][0][0].summary == f"Thông báo {PAGE_SIZE}"
    last = client.get("/o/A/documents/", {"page": 2}).context["rows"]
    assert [e.number_text for e, _ in last] == ["12-CV/ĐU"]


def test_the_api_records_and_lists_the_committee_terms(w):
    admin = as_user("quantri", Role.COMMITTEE_ADMIN, w["top"])
    created = admin.post("/o/K/committee-terms", {"label": "2025–2030", "starts_on": "2025-10-16"})
    assert created.status_code == 201
    assert (created.body["label"], created.body["ends_on"]) == ("2025–2030", None)
    again = admin.post("/o/K/committee-terms", {"label": "x", "starts_on": "2025-10-16"})
    assert again.status_code == 422
    assert again.body["detail"][0]["loc"][-1] == "starts_on"
    backwards = admin.post("/o/K/committee-terms",
                           {"label": "x", "starts_on": "2020-10-16", "ends_on": "2020-01-01"})  # fmt: skip
    assert backwards.status_code == 422
    viewer = as_user("xem", Role.VIEWER, w["top"])
    assert [t["label"] for t in viewer.get("/o/K/committee-terms").body] == ["2025–2030"]
    refused = viewer.post("/o/K/committee-terms", {"label": "y", "starts_on": "2030-10-16"})
    assert refused.status_code == 403
    assert CommitteeTerm.objects.count() == 1
