"""Importing through the browser pages, the API and the command line, with real files."""

import io
import json
import unicodedata

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangbo.accounts.models import Role
from dangbo.accounts.services import issue_token
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.imports.models import ImportJob
from dangbo.members.models import Member
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ đảng viên",
          "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ", "Điện thoại"]  # fmt: skip
GOOD = [
    1,
    "Nguyễn Văn An",
    "12/03/1980",
    "Nam",
    "Kinh",
    "01234567",
    "03/02/2005",
    "03/02/2006",
    "C1",
    "0912345678",
]
GOOD2 = [
    2,
    "Trần Thị Bình",
    "01/07/1990",
    "Nữ",
    "Kinh",
    "07654321",
    "19/05/2015",
    "19/05/2016",
    "C1",
    "",
]
BAD = [3, "Lê Văn Cường", "31/02/1985", "Nam", "Kinh", "05555555", "01/01/2010", "", "C1", ""]


@pytest.fixture
def tree():
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    cell = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    return {"top": top, "db1": db1, "cell": cell}


def xlsx(*rows, title="DANH SÁCH ĐẢNG VIÊN") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Đảng viên"
    ws.append([title])
    ws.append([])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client, org, content, name="danh-sach.xlsx"):
    return client.post(
        reverse("import-list", kwargs={"code": org.code}),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_upload_dry_run_report_fix_and_import_in_the_browser(client, tree):
    user = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN)
    client.force_login(user)
    response = _upload(client, tree["db1"], xlsx(HEADER, GOOD, GOOD2, BAD))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.ANALYSED
    assert job.summary["CREATE"] == 2
    assert job.summary["ERROR"] == 1
    page = client.get(reverse("import-detail", kwargs={"job": job.pk}))
    assert "Ngày không có thật: 31/02/1985" in page.content.decode()
    assert Member.objects.count() == 0
    # All or nothing refuses a file with errors.
    refused = client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"})
    assert refused.status_code == 400
    assert Member.objects.count() == 0
    # The report: the rows with their errors beside them, and the list of errors.
    report = client.get(reverse("import-report", kwargs={"job": job.pk}))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    sheet = wb["Đảng viên"]
    rows = list(sheet.values)
    assert rows[0][0] == "Lỗi"
    assert rows[0][1] == "STT"
    assert "Ngày không có thật" in rows[3][0]
    assert rows[1][0] in (None, "")
    assert wb["Danh sách lỗi"]["B2"].value == 6  # row 6 of the file (title, blank, header above)
    # Fix the row in the report itself and upload it again.
    sheet.cell(row=4, column=4).value = "28/02/1985"
    fixed = io.BytesIO()
    wb.save(fixed)
    _upload(client, tree["db1"], fixed.getvalue(), name="bao-cao-da-sua.xlsx")
    job2 = ImportJob.objects.order_by("-pk").first()
    assert job2.summary.get("ERROR", 0) == 0, list(job2.issues.values_list("message", flat=True))
    done = client.post(reverse("import-confirm", kwargs={"job": job2.pk}), {"mode": "ALL"})
    assert done.status_code == 302
    job2.refresh_from_db()
    assert job2.status == ImportJob.Status.DONE
    assert Member.objects.count() == 3
    assert AuditEntry.objects.filter(action="members.imported").count() == 3
    assert AuditEntry.objects.filter(action="imports.imported").exists()


def test_only_valid_rows_in_the_browser(client, tree):
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    _upload(client, tree["db1"], xlsx(HEADER, GOOD, BAD))
    job = ImportJob.objects.get()
    client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "VALID_ONLY"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.result["CREATE"] == 1
    assert job.result["ERROR"] == 1
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a sheet", "danh-sach.xlsx", "không phải"),
        (xlsx(HEADER, GOOD)[:300], "danh-sach.xlsx", ""),
        (b"", "trong.csv", ""),
    ],
    ids=["pdf", "truncated", "empty"],
)
def test_a_broken_file_is_refused_and_nothing_is_kept(client, tree, content, name, message):
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    response = _upload(client, tree["db1"], content, name=name)
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0
    assert message in response.content.decode().lower()


def test_an_unknown_header_goes_through_the_mapping_screen(client, tree):
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    header = [*HEADER[:-1], "SĐT di động"]
    _upload(client, tree["db1"], xlsx(header, GOOD))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.MAPPING
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "SĐT di động" in page
    column = next(c for c in job.mapping["sheets"][0]["columns"] if c["header"] == "SĐT di động")
    form = {f"s0_c{c['index']}": c["field"] or "" for c in job.mapping["sheets"][0]["columns"]}
    form[f"s0_c{column['index']}"] = "phone"
    response = client.post(reverse("import-mapping", kwargs={"job": job.pk}), form)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.ANALYSED
    assert job.summary["CREATE"] == 1


def test_the_api_upload_rows_and_confirm(client, tree):
    user = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN)
    token = issue_token(actor=user, user=user, name="tích hợp")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(
        "/api/v1/o/DB1/imports",
        {"file": SimpleUploadedFile("a.xlsx", xlsx(HEADER, GOOD, BAD))},
        **auth,
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "ANALYSED"
    assert job["summary"]["ERROR"] == 1
    issues = client.get(f"/api/v1/imports/{job['id']}/issues", **auth).json()
    errors = [i for i in issues["items"] if i["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["row"] == 5
    assert errors[0]["column"] == "Ngày sinh"
    rows = client.get(f"/api/v1/imports/{job['id']}/rows?action=CREATE", **auth).json()
    assert rows["items"][0]["label"] == "Nguyễn Văn An"
    refused = client.post(f"/api/v1/imports/{job['id']}/confirm", json.dumps({"mode": "ALL"}),
                          content_type="application/json", **auth)  # fmt: skip
    assert refused.status_code == 422
    done = client.post(f"/api/v1/imports/{job['id']}/confirm", json.dumps({"mode": "VALID_ONLY"}),
                       content_type="application/json", **auth)  # fmt: skip
    assert done.status_code == 200
    assert done.json()["status"] == "DONE"
    assert Member.objects.count() == 1


def test_the_command_line_dry_run_and_import(tree, tmp_path, capsys):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx(HEADER, GOOD, GOOD2))
    call_command("import", str(path), "--org", "DB1", "--dry-run")
    out = capsys.readouterr().out
    assert "thêm mới" in out
    assert "2" in out
    assert Member.objects.count() == 0
    call_command("import", str(path), "--org", "DB1")
    assert Member.objects.count() == 2
    call_command("import", str(path), "--org", "DB1")  # again: nothing changes
    assert "không đổi" in capsys.readouterr().out
    assert Member.objects.count() == 2


def test_the_command_line_names_sheet_kinds_and_fields_in_vietnamese(tree, tmp_path, capsys):
    path = tmp_path / "thieu-cot.xlsx"
    path.write_bytes(xlsx(HEADER, GOOD))
    with pytest.raises(CommandError):  # the names' column skipped: the sheet lacks one
        call_command("import", str(path), "--org", "DB1", "--map", "Họ và tên=")
    out = capsys.readouterr().out
    assert "(danh sách đảng viên):" in out
    assert "(members)" not in out
    assert "→ Ngày sinh (--map …=date_of_birth)" in out


def test_the_command_line_refuses_a_file_with_errors_and_writes_a_report(tree, tmp_path):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(xlsx(HEADER, GOOD, BAD))
    report = tmp_path / "bao-cao.xlsx"
    with pytest.raises(CommandError):
        call_command("import", str(path), "--org", "DB1", "--report", str(report))
    assert Member.objects.count() == 0
    listing = list(openpyxl.load_workbook(report)["Danh sách lỗi"].values)
    assert any("Ngày không có thật" in (row[4] or "") for row in listing[1:])


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: tone marks as separate combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def test_a_csv_in_windows_1258_with_semicolons(tree, tmp_path):
    text = ";".join(HEADER) + "\r\n" + ";".join(str(v) for v in GOOD) + "\r\n"
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(windows_1258(text))
    call_command("import", str(path), "--org", "DB1")
    assert Member.objects.get().full_name == "Nguyễn Văn An"


def test_a_cell_secretary_cannot_import_an_organization_list(client, tree):
    client.force_login(user_with_role(tree["cell"], Role.CELL_SECRETARY))
    content = xlsx(["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên", "Ngày thành lập"],
                   ["C2", "Chi bộ Hai", "Chi bộ trực thuộc", "DB1", "01/01/2010"])  # fmt: skip
    _upload(client, tree["cell"], content)
    job = ImportJob.objects.get()
    response = client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"})
    assert response.status_code == 403


def _bomb(tmp_path):
    from dangbo.core.tests.test_spreadsheets import write_xlsx

    def body(out):
        block = b"<row/>" * (1 << 16)
        for _ in range(128 * 1024 * 1024 // len(block)):
            out.write(block)

    return write_xlsx(tmp_path / "bomb.xlsx", [("S", body)], compresslevel=1).read_bytes()


def _far_corner(tmp_path):
    from dangbo.core.tests.test_spreadsheets import write_xlsx

    body = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>'
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')  # fmt: skip
    return write_xlsx(tmp_path / "far.xlsx", [("S", body)]).read_bytes()


def _locked(tmp_path):
    from dangbo.core import spreadsheets

    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00")
    return spreadsheets.OLE2_MAGIC + b"\x00" * 1016 + entry + b"\x00" * 64


@pytest.mark.parametrize(
    "make", [_bomb, _far_corner, _locked], ids=["zip-bomb", "far-corner", "password"]
)
def test_hostile_files_are_refused_at_upload_and_nothing_is_kept(client, tree, tmp_path, make):
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    response = _upload(client, tree["db1"], make(tmp_path), name="danh-sach.xlsx")
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="imports.").count() == 0


def test_formulas_and_merged_cells_in_an_office_sheet(client, tree):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(GOOD)
    ws.append(
        [
            2,
            "Trần Thị Bình",
            "01/07/1990",
            "Nữ",
            "Kinh",
            "07654321",
            "19/05/2015",
            "19/05/2016",
            None,
            "=B3",
        ]
    )
    ws.merge_cells("I2:I3")  # "Mã chi bộ" merged down over both members
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    _upload(client, tree["db1"], buffer.getvalue())
    job = ImportJob.objects.get()
    errors = list(job.issues.filter(severity="error"))
    assert [(e.row, e.column) for e in errors] == [(3, "Điện thoại")]
    assert "công thức" in errors[0].message
    rows = {r.row: r.action for r in job.rows.all()}
    assert rows == {2: "CREATE", 3: "ERROR"}  # row 3 found its cell through the merged area


def test_an_exchange_workbook_uploaded_here_is_recognised_and_changes_nothing_when_known(
    client, tree, tmp_path
):
    from dangbo.exchange.services import export_exchange

    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    _upload(client, tree["db1"], xlsx(HEADER, GOOD, GOOD2))
    job = ImportJob.objects.get()
    client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"})
    path = tmp_path / "trao-doi.xlsx"
    export_exchange(tree["db1"], path)
    _upload(client, tree["db1"], path.read_bytes(), name="trao-doi.xlsx")
    job = ImportJob.objects.order_by("-pk").first()
    assert job.file_kind == "exchange"
    assert job.status == ImportJob.Status.ANALYSED, job.message
    assert job.summary.get("ERROR", 0) == 0, list(job.issues.values_list("message", flat=True))
    assert job.summary["UNCHANGED"] >= 2


# Someone else written with An's card number: name, birth date and sex differ.
OTHER = [1, "Trần Thị Cúc", "05/06/1982", "Nữ", "Kinh", "01234567", "03/02/2005", "03/02/2006",
         "C1", "0912345678"]  # fmt: skip
RENAMED = [1, "Nguyễn Văn Ân", "12/03/1980", "Nam", "Kinh", "01234567", "03/02/2005",
           "03/02/2006", "C1", "0912345678"]  # fmt: skip


def _an(tree, tmp_path):
    path = tmp_path / "an.xlsx"
    path.write_bytes(xlsx(HEADER, GOOD))
    call_command("import", str(path), "--org", "DB1")
    return Member.objects.get()


def test_a_conflict_is_shown_side_by_side_and_decided_row_by_row_in_the_browser(
    client, tree, tmp_path
):
    an = _an(tree, tmp_path)
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    _upload(client, tree["db1"], xlsx(HEADER, OTHER))
    job = ImportJob.objects.order_by("-pk").first()
    assert job.summary["CONFLICT"] == 1
    assert job.summary.get("UPDATE", 0) == 0
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "Xung đột" in page
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Cúc" in page
    assert "Ghi quyết định cho dòng 4" in page
    # All or nothing refuses to run while a conflict is undecided.
    refused = client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"})
    assert refused.status_code == 400
    assert "xung đột chưa quyết định" in refused.content.decode()
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"
    decide = reverse("import-decide", kwargs={"job": job.pk})
    bad = client.post(decide, {"sheet": "Đảng viên", "row": 5, "decision": "same"})
    assert bad.status_code == 400
    assert "không phải dòng xung đột" in bad.content.decode(), bad.context["decision_errors"]
    done = client.post(decide, {"sheet": "Đảng viên", "row": 4, "decision": "different"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.decisions == {"Đảng viên:4": "different"}
    assert job.status == ImportJob.Status.ANALYSED  # checked again with the decision
    assert job.summary.get("CONFLICT", 0) == 0
    assert job.summary["ERROR"] == 1
    assert AuditEntry.objects.filter(action="imports.decided").exists()
    client.post(decide, {"sheet": "Đảng viên", "row": 4, "decision": "same"})
    job.refresh_from_db()
    assert job.summary["UPDATE"] == 1
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "Thay đổi về nhân thân" in page
    assert (
        client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"}).status_code
        == 302
    )
    an.refresh_from_db()
    assert (an.full_name, an.sex) == ("Trần Thị Cúc", "F")
    entry = AuditEntry.objects.filter(action="members.updated", target_id=str(an.pk)).get()
    assert entry.after["identity_changes"]["full_name"] == ["Nguyễn Văn An", "Trần Thị Cúc"]


def test_conflicts_are_decided_through_the_api(client, tree, tmp_path):
    _an(tree, tmp_path)
    user = user_with_role(tree["db1"], Role.COMMITTEE_ADMIN)
    token = issue_token(actor=user, user=user, name="tích hợp")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    job = client.post(
        "/api/v1/o/DB1/imports", {"file": SimpleUploadedFile("a.xlsx", xlsx(HEADER, OTHER))}, **auth
    ).json()
    assert job["summary"]["CONFLICT"] == 1
    [row] = client.get(f"/api/v1/imports/{job['id']}/rows?action=CONFLICT", **auth).json()["items"]
    assert row["comparison"][0] == ["Họ và tên", "Nguyễn Văn An", "Trần Thị Cúc"]
    refused = client.post(f"/api/v1/imports/{job['id']}/confirm", json.dumps({"mode": "ALL"}),
                          content_type="application/json", **auth)  # fmt: skip
    assert refused.status_code == 422
    decided = client.post(f"/api/v1/imports/{job['id']}/decisions",
                          json.dumps({"decisions": {"Đảng viên:4": "different"}}),
                          content_type="application/json", **auth)  # fmt: skip
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["decisions"] == {"Đảng viên:4": "different"}
    assert body["summary"]["ERROR"] == 1
    wrong = client.post(f"/api/v1/imports/{job['id']}/decisions",
                        json.dumps({"decisions": {"Đảng viên:4": "maybe"}}),
                        content_type="application/json", **auth)  # fmt: skip
    assert wrong.status_code == 422


def test_the_command_line_lists_conflicts_and_takes_decisions(tree, tmp_path, capsys):
    an = _an(tree, tmp_path)
    path = tmp_path / "khac.xlsx"
    path.write_bytes(xlsx(HEADER, OTHER))
    capsys.readouterr()
    with pytest.raises(CommandError, match="xung đột chưa quyết định"):
        call_command("import", str(path), "--org", "DB1")
    out = capsys.readouterr().out
    assert "Đảng viên, dòng 4" in out
    assert "hệ thống «Nguyễn Văn An» ≠ tệp «Trần Thị Cúc»" in out
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"
    with pytest.raises(CommandError):
        call_command("import", str(path), "--org", "DB1", "--different-person", "4")
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"
    call_command("import", str(path), "--org", "DB1", "--same-person", "Đảng viên:4")
    an.refresh_from_db()
    assert an.full_name == "Trần Thị Cúc"


def test_a_corrected_spelling_is_an_update_listed_as_an_identity_change(client, tree, tmp_path):
    _an(tree, tmp_path)
    client.force_login(user_with_role(tree["db1"], Role.COMMITTEE_ADMIN))
    _upload(client, tree["db1"], xlsx(HEADER, RENAMED))
    job = ImportJob.objects.order_by("-pk").first()
    assert job.summary["UPDATE"] == 1
    [row] = job.rows.all()
    assert row.identity_changes == {"Họ và tên": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}
    page = client.get(reverse("import-detail", kwargs={"job": job.pk})).content.decode()
    assert "Thay đổi về nhân thân" in page
