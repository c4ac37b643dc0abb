"""``dangbo import`` on the command line: where a file goes (``--org``, the top, an empty
installation), and its exit status and counts when the file has errors."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys

import pytest
from django.core.management import ManagementUtility, call_command, load_command_class
from django.core.management.base import CommandError
from openpyxl import Workbook

from dangbo.audit.models import AuditEntry
from dangbo.imports.models import ImportJob
from dangbo.imports.selectors import jobs_under
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .test_interfaces import BAD, GOOD, HEADER, xlsx

pytestmark = pytest.mark.django_db
UID = "2f1d8e52-6d3c-4a56-9d8a-0e0b6f1a2b3c"


def exchange(orgs: list[list], *, member_cell: str | None = "K-1") -> bytes:
    """A hand-typed exchange workbook: the required sheets, ``orgs`` rows, one member."""
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    info.append(["Khóa", "Giá trị"])
    info.append(["format", "dangbo-exchange"])
    info.append(["version", "1"])
    sheet = wb.create_sheet("Tổ chức")
    sheet.append(
        ["Mã tổ chức", "Tên tổ chức", "Mã loại tổ chức", "Ngày thành lập", "Mã tổ chức cấp trên"]
    )
    for row in orgs:
        sheet.append(row)
    members = wb.create_sheet("Đảng viên")
    members.append(["Họ và tên", "Mã hồ sơ (UID)", "Ngày sinh", "Giới tính (mã)"])
    events = wb.create_sheet("Sự kiện đảng viên")
    events.append(["Mã hồ sơ (UID)", "Ngày hiệu lực", "Mã loại sự kiện", "Mã tổ chức"])
    if member_cell:
        members.append(["Trần Thị Hoa", UID, "12/03/1990", "F"])
        events.append([UID, "01/06/2015", "ADMITTED", member_cell])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TREE = [
    ["K", "Đảng ủy Khối K", "BLOC", "01/01/2000", None],
    ["K-1", "Chi bộ Một", "GRASSROOTS_CELL", dt.date(2005, 5, 5), "K"],
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _file(tmp_path, content: bytes, name: str = "trao-doi.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _count(out: str, label: str) -> int:
    return int(re.search(rf"{label}\s+(\d+)", out).group(1))


# -- an empty installation ---------------------------------------------------------------------


def test_an_exchange_workbook_creates_its_whole_tree_in_an_empty_installation(
    media, tmp_path, capsys
):
    path = _file(tmp_path, exchange(TREE))
    call_command("import", path, "--dry-run")  # no --org, no exception: exit status 0
    out = capsys.readouterr().out
    assert _count(out, "thêm mới") == 4  # two organizations, a member, an event
    assert _count(out, "dòng có lỗi") == 0
    assert not Organization.objects.exists()
    call_command("import", path)
    top = Organization.objects.get(code="K")
    assert top.parent is None
    assert Organization.objects.get(code="K-1").parent == top
    assert Member.objects.get().organization.code == "K-1"
    job = ImportJob.objects.get(dry_run_only=False)
    assert job.status == ImportJob.Status.DONE
    # Written, the job belongs to the file's top: the import history of the tree shows it.
    assert job.organization == top
    assert list(jobs_under(top)) == [job]
    entry = AuditEntry.objects.get(action="imports.imported", target_id=str(job.pk))
    assert entry.org_path == top.path
    # The dry run had no tree to belong to: the whole installation.
    assert ImportJob.objects.get(dry_run_only=True).organization is None


def test_an_empty_installation_refuses_a_member_list_and_an_unknown_org(media, tmp_path):
    members = _file(tmp_path, xlsx(HEADER, GOOD), "danh-sach.xlsx")
    with pytest.raises(CommandError, match="chạy «dangbo init»"):
        call_command("import", members)
    with pytest.raises(
        CommandError, match=r"Không có tổ chức mã K\. Hệ thống chưa có tổ chức nào: bỏ --org"
    ):
        call_command("import", _file(tmp_path, exchange(TREE)), "--org", "K")
    assert not ImportJob.objects.exists()
    assert not Organization.objects.exists()


# -- an installation with a tree: the top, or --org -------------------------------------------------


def test_without_org_a_file_goes_into_the_installation_top_only(media, tmp_path, capsys):
    bloc(code="R", name="Đảng ủy Khối R")
    with pytest.raises(CommandError):
        call_command("import", _file(tmp_path, exchange(TREE)))
    out = capsys.readouterr().out
    assert "Nằm ngoài phạm vi" in out
    assert list(Organization.objects.values_list("code", flat=True)) == ["R"]
    assert ImportJob.objects.get().organization.code == "R"


def test_with_org_a_file_goes_into_that_subtree_only(media, tmp_path, capsys):
    top = bloc(code="R", name="Đảng ủy Khối R")
    dang_bo(top, code="A")
    dang_bo(top, code="B")
    new = [["B-1", "Chi bộ B Một", "DEPENDENT_CELL", "01/01/2010", "B"]]
    path = _file(tmp_path, exchange(new, member_cell=None))
    with pytest.raises(CommandError):
        call_command("import", path, "--org", "A")
    assert "Nằm ngoài phạm vi" in capsys.readouterr().out
    assert not Organization.objects.filter(code="B-1").exists()
    call_command("import", path, "--org", "B")
    assert Organization.objects.get(code="B-1").parent.code == "B"


def test_an_installation_with_several_tops_needs_org(media, tmp_path):
    bloc(code="R1")
    bloc(code="R2")
    with pytest.raises(CommandError, match=r"nhiều tổ chức cao nhất \(R1, R2\): cần chỉ rõ --org"):
        call_command("import", _file(tmp_path, exchange(TREE)))


def test_the_help_and_the_docstring_say_where_a_file_goes():
    command = load_command_class("dangbo.imports", "import")
    text = " ".join(command.create_parser("dangbo", "import").format_help().split())
    assert "chỉ nhập vào cây của tổ chức này" in text
    assert "Mặc định: tổ chức cao nhất của hệ thống" in text
    assert "tệp trao đổi dữ liệu tạo cả cây tổ chức của nó" in text
    assert "mã thoát là 1, kể cả khi chạy thử" in text
    doc = sys.modules[type(command).__module__].__doc__
    assert "into the installation's top organization" in doc
    assert "an exchange workbook creates its" in doc


# -- errors: the exit status and the counts ------------------------------------------------------


def test_a_dry_run_of_an_exchange_workbook_with_errors_counts_them_and_fails(
    media, tmp_path, capsys
):
    bad = [
        *TREE,
        ["K-2", "Chi bộ Hai", "CHI_BO", "01/01/2006", "K"],
        ["K-3", "Chi bộ Ba", "X", "x", "K"],
    ]
    path = _file(tmp_path, exchange(bad))
    with pytest.raises(CommandError, match="tệp có 2 dòng có lỗi"):
        call_command("import", path, "--dry-run")
    out = capsys.readouterr().out
    assert _count(out, "dòng có lỗi") == 2
    job = ImportJob.objects.get()
    assert job.summary["ERROR"] == 2
    assert job.summary["errors"] >= 3  # K-3 has two bad cells
    with pytest.raises(CommandError):
        call_command("import", path)
    out = capsys.readouterr().out
    assert _count(out, "dòng có lỗi") == 2
    assert not Organization.objects.exists()


def test_a_dry_run_of_a_member_list_with_errors_counts_them_and_fails(media, tmp_path, capsys):
    dependent_cell(dang_bo(bloc(code="KHOI"), code="DB1"), code="C1")  # the cell GOOD names
    path = _file(tmp_path, xlsx(HEADER, GOOD, BAD), "danh-sach.xlsx")
    with pytest.raises(CommandError, match="tệp có 1 dòng có lỗi"):
        call_command("import", path, "--dry-run")
    out = capsys.readouterr().out
    assert _count(out, "dòng có lỗi") == 1
    assert _count(out, "thêm mới") == 1
    assert not Member.objects.exists()


def test_the_exit_status_of_a_dry_run_from_the_command_line(media, tmp_path, monkeypatch, capsys):
    # run_from_argv closes the connections at the end; the test's transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    bad = [*TREE, ["K-2", "Chi bộ Hai", "CHI_BO", "01/01/2006", "K"]]
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(
            ["dangbo", "import", _file(tmp_path, exchange(bad)), "--dry-run"]
        ).execute()
    assert caught.value.code == 1
    assert "tệp có 1 dòng có lỗi" in capsys.readouterr().err
    ManagementUtility(
        ["dangbo", "import", _file(tmp_path, exchange(TREE), "tot.xlsx"), "--dry-run"]
    ).execute()
    assert not Organization.objects.exists()
