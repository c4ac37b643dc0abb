"""As an office would: export a đảng bộ's members, edit the file in Excel, break a few cells,
upload, read the report, fix it, import, and find the changes in the audit log."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.imports.models import ImportJob
from dangbo.members import services as member_services
from dangbo.members.models import Member
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

pytestmark = pytest.mark.django_db


def _members(cell, count):
    for i in range(count):
        member_services.create_member(
            actor=None, organization=cell, admitted_on=dt.date(2005 + i, 3, 1),
            official_on=dt.date(2006 + i, 3, 2), full_name=f"Nguyễn Văn Thử {i}", sex="M",
            date_of_birth=dt.date(1975 + i, 1, 15), card_number=f"7700{i:04d}", phone="0900000000",
        )  # fmt: skip


def _column(sheet, header_row, header):
    for cell in sheet[header_row]:
        if cell.value == header:
            return cell.column
    raise AssertionError(header)


def _upload(client, org, content, name):
    client.post(
        reverse("import-list", kwargs={"code": org.code}),
        {"file": SimpleUploadedFile(name, content)},
    )
    return ImportJob.objects.order_by("-pk").first()


def test_export_edit_break_fix_and_import(client):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    cell = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    _members(cell, 5)
    client.force_login(user_with_role(db1, Role.COMMITTEE_ADMIN))

    exported = client.get(reverse("member-list", kwargs={"code": "DB1"}) + "?export=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(exported.streaming_content)))
    ws = wb.active
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=2).value == "Họ và tên")

    # The same file uploaded untouched changes nothing.
    untouched = io.BytesIO()
    wb.save(untouched)
    job = _upload(client, db1, untouched.getvalue(), "dang-vien.xlsx")
    assert job.status == ImportJob.Status.ANALYSED
    assert job.summary.get("UNCHANGED") == 5, list(job.issues.values_list("message", flat=True))

    phone = _column(ws, header_row, "Điện thoại")
    theory = _column(ws, header_row, "Lý luận chính trị")
    born = _column(ws, header_row, "Ngày sinh")
    code = _column(ws, header_row, "Mã chi bộ")
    ws.cell(row=header_row + 1, column=phone).value = "0988 777 666"
    ws.cell(row=header_row + 2, column=theory).value = "Trung cấp"
    ws.cell(row=header_row + 3, column=born).value = "30/02/1977"  # broken: no such day
    ws.cell(row=header_row + 4, column=code).value = "KHONGCO"  # broken: no such cell
    edited = io.BytesIO()
    wb.save(edited)
    job = _upload(client, db1, edited.getvalue(), "dang-vien-da-sua.xlsx")
    assert job.summary["UPDATE"] == 2
    assert job.summary["ERROR"] == 2

    report = client.get(reverse("import-report", kwargs={"job": job.pk}))
    fixed_wb = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    sheet = fixed_wb[fixed_wb.sheetnames[0]]
    errors = {row[0].row: row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert len(errors) == 2
    # Fix the two rows in the report (the error column is ignored on upload).
    report_born = _column(sheet, 1, "Ngày sinh")
    report_code = _column(sheet, 1, "Mã chi bộ")
    for row in errors:
        if "Ngày" in errors[row]:
            sheet.cell(row=row, column=report_born).value = "28/02/1977"
        else:
            sheet.cell(row=row, column=report_code).value = "C1"
    fixed = io.BytesIO()
    fixed_wb.save(fixed)
    job = _upload(client, db1, fixed.getvalue(), "bao-cao-da-sua.xlsx")
    assert job.summary.get("ERROR", 0) == 0, list(job.issues.values_list("message", flat=True))
    # The fixed birth date is not the member's: matched by the card number, the row may be
    # someone else, and waits for a decision.
    assert job.summary.get("CONFLICT") == 1
    [conflict] = job.rows.filter(action="CONFLICT")
    assert [conflict.comparison[1][0], conflict.comparison[1][2]] == ["Ngày sinh", "28/02/1977"]
    client.post(reverse("import-decide", kwargs={"job": job.pk}),
                {"sheet": conflict.sheet, "row": conflict.row, "decision": "same"})  # fmt: skip
    client.post(reverse("import-confirm", kwargs={"job": job.pk}), {"mode": "ALL"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Member.objects.get(card_number="77000000").phone == "0988 777 666"
    changed = Member.objects.get(card_number="77000001")
    assert changed.political_theory_level == "02"
    assert Member.objects.get(card_number="77000002").date_of_birth == dt.date(1977, 2, 28)
    assert AuditEntry.objects.filter(action="members.updated").count() == 3
    log = client.get(reverse("audit", kwargs={"code": "DB1"})).content.decode()
    assert "Nguyễn Văn Thử 1" in log
