"""Importing exchange workbooks: keys, conflicts, all or nothing, versions, minimal files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from dangbo.audit.models import AuditEntry
from dangbo.exchange.format import FORMAT_VERSION, MEMBERS, SHEETS
from dangbo.exchange.services import import_exchange, is_exchange_workbook, read_exchange
from dangbo.members.models import Member, MemberEvent, MemberState
from dangbo.organizations.models import Organization, TreePosition

from .helpers import (
    build_world,
    edit_workbook,
    export_bytes,
    set_cell,
    table_counts,
    wipe,
    write_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path):
    """The full export of the test committee; the database is left as it was."""
    world = build_world()
    return world, export_bytes("TOP")


def _messages(result) -> list[str]:
    return [i.message for i in result.errors]


def test_reimport_into_the_same_installation_changes_nothing(exported, tmp_path):
    _, content = exported
    before = table_counts()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == []
    assert result.total("created") == 0
    assert result.total("conflicts") == 0
    assert result.counts["Sự kiện đảng viên"]["unchanged"] > 0
    assert not result.written
    assert table_counts() == before


def test_conflict_is_an_error_and_nothing_is_written(exported, tmp_path):
    world, content = exported
    m1 = world["members"][0]
    uid = str(m1.uid)
    changed = edit_workbook(content, lambda wb: set_cell(
        wb, "Đảng viên", "Họ và tên", ("Mã hồ sơ (UID)", uid), "Nguyễn Văn Ân"
    ))  # fmt: skip
    # A new organization in the same file is not created either: all or nothing.
    changed = edit_workbook(changed, lambda wb: wb["Tổ chức"].append(
        ["NEW", "Chi bộ Mới", "DEPENDENT_CELL", None, "A"] + [None] * 4 + [dt.date(2024, 1, 1)]
    ))  # fmt: skip
    before = table_counts()
    result = import_exchange(write_file(tmp_path, changed), actor=None, dry_run=False)
    assert result.counts["Đảng viên"]["conflicts"] == 1
    [issue] = [i for i in result.errors if i.sheet == "Đảng viên"]
    assert "Họ và tên: tệp «Nguyễn Văn Ân», hệ thống «Nguyễn Văn An»" in issue.message
    assert issue.value == uid
    assert table_counts() == before
    assert not Organization.objects.filter(code="NEW").exists()


def test_a_new_event_for_a_member_already_here_is_added_and_states_follow(exported, tmp_path):
    world, content = exported
    m1 = world["members"][0]

    def add_event(wb):
        wb["Sự kiện đảng viên"].append(
            [str(m1.uid), dt.date(2025, 9, 1), "EXEMPTED", None, None, None, "20-QĐ/ĐU"]
        )

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, add_event)), actor=None, dry_run=False
    )
    # The file still says "official": re-derived, the member is now exempted.
    assert any("khác với tệp" in m for m in _messages(result))
    assert not MemberEvent.objects.filter(member=m1, kind="EXEMPTED").exists()

    def add_event_and_status(wb):
        add_event(wb)
        set_cell(wb, "Đảng viên", "Mã tình trạng", ("Mã hồ sơ (UID)", str(m1.uid)), "EXEMPTED")

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, add_event_and_status)), actor=None,
        dry_run=False,
    )  # fmt: skip
    assert result.errors == []
    assert result.counts["Sự kiện đảng viên"]["created"] == 1
    m1.refresh_from_db()
    assert m1.status == "EXEMPTED"
    assert MemberState.objects.filter(member=m1).order_by("valid_from").last().status == "EXEMPTED"


def test_an_impossible_history_is_refused(exported, tmp_path):
    world, content = exported
    wipe()
    m5 = world["members"][4]  # transferred out in 2020
    bad = edit_workbook(content, lambda wb: wb["Sự kiện đảng viên"].append(
        [str(m5.uid), dt.date(2021, 1, 1), "MADE_OFFICIAL"]
    ))  # fmt: skip
    result = import_exchange(write_file(tmp_path, bad), actor=None, dry_run=False)
    assert any("chỉ đảng viên dự bị" in m for m in _messages(result))
    assert Organization.objects.count() == 0


def test_the_age_rule_gives_way_only_to_a_noted_exception(exported, tmp_path):
    world, content = exported
    wipe()
    m3 = world["members"][2]
    bad = edit_workbook(content, lambda wb: set_cell(
        wb, "Đảng viên", "Ngoại lệ tuổi vào Đảng (căn cứ)", ("Mã hồ sơ (UID)", str(m3.uid)), None
    ))  # fmt: skip
    result = import_exchange(write_file(tmp_path, bad), actor=None, dry_run=False)
    assert any("đủ 18 tuổi" in m for m in _messages(result))
    assert import_exchange(write_file(tmp_path, content), actor=None, dry_run=False).ok


@pytest.mark.parametrize(
    ("born", "refused"),
    [(dt.date(2001, 4, 2), True), (dt.date(1985, 4, 2), True), (dt.date(1985, 4, 1), False)],
)
def test_the_age_exception_never_covers_an_admission_before_birth_or_16(
    exported, tmp_path, born, refused
):
    world, content = exported
    wipe()
    m3 = world["members"][2]  # admitted on 01/04/2001, the exception noted
    bad = edit_workbook(content, lambda wb: set_cell(
        wb, "Đảng viên", "Ngày sinh", ("Mã hồ sơ (UID)", str(m3.uid)), born
    ))  # fmt: skip
    result = import_exchange(write_file(tmp_path, bad), actor=None, dry_run=True)
    found = [m for m in _messages(result) if "trước ngày sinh" in m or "chưa đủ 16 tuổi" in m]
    assert bool(found) is refused, _messages(result)


def test_overlapping_periods_of_one_organization_are_refused(exported, tmp_path):
    _, content = exported
    wipe()

    def overlap(wb):
        ws = wb["Lịch sử cây"]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "A" and row[headers.index("Đến trước ngày")].value is not None:
                row[headers.index("Đến trước ngày")].value = dt.date(2016, 1, 1)

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, overlap)), actor=None, dry_run=False
    )
    assert any("chồng lên giai đoạn trước" in m for m in _messages(result))
    assert TreePosition.objects.count() == 0


def test_a_newer_version_is_refused_with_a_clear_message(exported, tmp_path):
    _, content = exported
    newer = edit_workbook(content, lambda wb: set_cell(
        wb, "Thông tin", "Giá trị", ("Khóa", "version"), FORMAT_VERSION + 1
    ))  # fmt: skip
    result = import_exchange(write_file(tmp_path, newer), actor=None, dry_run=True)
    [issue] = result.errors
    assert f"phiên bản {FORMAT_VERSION + 1}, mới hơn" in issue.message
    assert "cần cập nhật dangbo" in issue.message


def test_unknown_columns_and_sheets_are_skipped_with_a_warning(exported, tmp_path):
    _, content = exported
    wipe()

    def extend(wb):
        ws = wb["Đảng viên"]
        ws.cell(row=1, column=ws.max_column + 1, value="Cột của phiên bản sau")
        wb.create_sheet("Sheet lạ").append(["x"])

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, extend)), actor=None, dry_run=False
    )
    assert result.errors == []
    assert {i.message for i in result.warnings} >= {
        "Cột không thuộc định dạng trao đổi: bỏ qua.",
        "Sheet không thuộc định dạng trao đổi: bỏ qua.",
    }
    assert Member.objects.count() == 6


def test_a_missing_required_column_refuses_the_file(exported, tmp_path):
    _, content = exported
    wipe()

    def drop(wb):
        ws = wb["Đảng viên"]
        headers = [c.value for c in ws[1]]
        ws.delete_cols(headers.index("Ngày sinh") + 1)

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, drop)), actor=None, dry_run=False
    )
    assert [(i.sheet, i.column, i.message) for i in result.errors] == [
        ("Đảng viên", "Ngày sinh", "Thiếu cột bắt buộc.")
    ]
    assert Organization.objects.count() == 0


def test_a_bad_cell_names_its_sheet_row_and_column(exported, tmp_path):
    _, content = exported
    wipe()
    bad = edit_workbook(content, lambda wb: set_cell(
        wb, "Tổ chức", "Mã loại tổ chức", ("Mã tổ chức", "A1"), "CHI_BO"
    ))  # fmt: skip
    result = import_exchange(write_file(tmp_path, bad), actor=None, dry_run=False)
    [issue] = result.errors
    assert (issue.sheet, issue.column, issue.value) == ("Tổ chức", "Mã loại tổ chức", "CHI_BO")
    assert issue.row is not None
    assert issue.message.startswith("Mã «CHI_BO» không hợp lệ")


def _minimal_workbook(
    parent_founded="01/01/2000", cell_founded=dt.date(2005, 5, 5), admitted="01/06/2015"
) -> bytes:
    """A file typed by hand: only the required sheets and columns, in another column order."""
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    info.append(["Khóa", "Giá trị"])
    info.append(["format", "dangbo-exchange"])
    info.append(["version", "1"])
    orgs = wb.create_sheet("Tổ chức")
    orgs.append(
        ["Mã tổ chức", "Tên tổ chức", "Mã loại tổ chức", "Ngày thành lập", "Mã tổ chức cấp trên"]
    )
    orgs.append(["K", "Đảng ủy Khối K", "BLOC", parent_founded, None])
    orgs.append(["K-1", "Chi bộ Một", "GRASSROOTS_CELL", cell_founded, "K"])
    members = wb.create_sheet("Đảng viên")
    members.append(["Họ và tên", "Mã hồ sơ (UID)", "Ngày sinh", "Giới tính (mã)"])
    members.append(["Trần  Thị Hoa", "2f1d8e52-6d3c-4a56-9d8a-0e0b6f1a2b3c", "12/03/1990", "F"])
    events = wb.create_sheet("Sự kiện đảng viên")
    events.append(["Mã hồ sơ (UID)", "Ngày hiệu lực", "Mã loại sự kiện", "Mã tổ chức"])
    events.append(["2f1d8e52-6d3c-4a56-9d8a-0e0b6f1a2b3c", admitted, "ADMITTED", "K-1"])
    events.append(["2f1d8e52-6d3c-4a56-9d8a-0e0b6f1a2b3c", "01/06/2016", "MADE_OFFICIAL", None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_minimal_hand_typed_version_1_file_imports(tmp_path):
    path = write_file(tmp_path, _minimal_workbook())
    assert is_exchange_workbook(path)
    result = import_exchange(path, actor=None, dry_run=False)
    assert result.errors == [], result.errors
    cell = Organization.objects.get(code="K-1")
    assert cell.parent.code == "K"
    assert cell.path.startswith(cell.parent.path)
    [position] = cell.positions.all()
    assert (position.valid_from, position.path, position.depth) == (
        dt.date(2005, 5, 5),
        cell.path,
        1,
    )
    member = Member.objects.get()
    assert member.full_name == "Trần Thị Hoa"
    assert (member.status, member.organization, member.ethnicity) == ("OFFICIAL", cell, "01")
    assert (member.admitted_on, member.official_on) == (dt.date(2015, 6, 1), dt.date(2016, 6, 1))
    assert AuditEntry.objects.filter(action="exchange.imported").count() == 1


def _warnings(result) -> list[tuple[str, str, str]]:
    return [(i.sheet, i.column, i.message) for i in result.issues if not i.is_error]


@pytest.mark.parametrize(
    ("founded", "warned"),
    [(dt.date(2015, 6, 2), True), (dt.date(2015, 6, 1), False), (dt.date(2015, 5, 31), False)],
)
def test_an_admission_before_the_cell_was_founded_is_kept_with_a_warning(tmp_path, founded, warned):
    path = write_file(tmp_path, _minimal_workbook(cell_founded=founded))  # admitted 01/06/2015
    dry = import_exchange(path, actor=None, dry_run=True)
    assert dry.errors == [], dry.errors
    found = [w for w in _warnings(dry) if "trước ngày thành lập tổ chức này" in w[2]]
    assert bool(found) is warned, _warnings(dry)
    if warned:
        assert found[0][:2] == ("Sự kiện đảng viên", "Ngày hiệu lực")
        assert "«Chi bộ Một»" in found[0][2]
    assert import_exchange(path, actor=None, dry_run=False).ok
    assert Member.objects.get().admitted_on == dt.date(2015, 6, 1)


@pytest.mark.parametrize(
    ("parent_founded", "warned"),
    [("06/05/2005", True), ("05/05/2005", False), ("04/05/2005", False)],
)
def test_a_child_founded_before_its_parent_is_kept_with_a_warning(tmp_path, parent_founded, warned):
    path = write_file(tmp_path, _minimal_workbook(parent_founded=parent_founded))
    dry = import_exchange(path, actor=None, dry_run=True)
    assert dry.errors == [], dry.errors
    found = [w for w in _warnings(dry) if "tổ chức cấp trên" in w[2]]
    assert bool(found) is warned, _warnings(dry)
    if warned:
        assert found[0][:2] == ("Tổ chức", "Ngày thành lập")
    assert import_exchange(path, actor=None, dry_run=False).ok
    assert Organization.objects.get(code="K-1").established_on == dt.date(2005, 5, 5)


def test_other_spreadsheets_are_not_exchange_workbooks(tmp_path):
    wb = Workbook()
    wb.active.append(["Họ và tên", "Ngày sinh"])
    out = io.BytesIO()
    wb.save(out)
    path = write_file(tmp_path, out.getvalue(), "danh-sach.xlsx")
    assert not is_exchange_workbook(path)
    assert not is_exchange_workbook(write_file(tmp_path, b"not a spreadsheet", "x.xlsx"))
    result = import_exchange(path, actor=None, dry_run=True)
    assert "không phải tệp trao đổi" in result.errors[0].message


def test_the_reader_types_every_sheet_of_an_export(exported, tmp_path):
    _, content = exported
    data = read_exchange(write_file(tmp_path, content))
    assert data.ok
    assert data.version == FORMAT_VERSION
    assert {s.key for s in SHEETS} == set(data.rows)
    assert data.columns["members"] == {c.key for c in MEMBERS.columns}
    assert data.info["root_code"] == "TOP"


def test_a_reference_organization_that_differs_here_is_kept_with_a_warning(exported, tmp_path):
    from dangbo.organizations import services as org_services

    world, _ = exported
    content = export_bytes("A")
    org_services.rename_organization(
        actor=None, org=world["top"], name="Đảng ủy Khối Mới", on=dt.date(2025, 10, 1)
    )
    before = table_counts()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == []
    assert result.counts["Tổ chức"]["skipped"] == 1
    assert result.counts["Tổ chức"]["created"] == 0
    [warning] = [w for w in result.warnings if w.sheet == "Tổ chức"]
    assert "Tổ chức tham chiếu: giữ dữ liệu đang có." in warning.message
    assert table_counts() == before
    assert Organization.objects.get(code="TOP").name == "Đảng ủy Khối Mới"


def test_an_older_version_is_converted_by_the_upgrade_steps(monkeypatch, tmp_path):
    """The day version 2 appears, UPGRADES[1] turns a version 1 file into a version 2 one."""
    from dangbo.exchange import reading

    def upgrade(raw):
        sheet = raw["Đảng viên"]
        at = sheet.headers.index("Họ và tên")
        for _, cells in sheet.rows:
            cells[at] = cells[at].upper()
        return raw

    monkeypatch.setattr(reading, "FORMAT_VERSION", 2)
    monkeypatch.setitem(reading.UPGRADES, 1, upgrade)
    result = import_exchange(write_file(tmp_path, _minimal_workbook()), actor=None, dry_run=False)
    assert result.errors == []
    assert result.version == 1
    assert Member.objects.get().full_name == "TRẦN THỊ HOA"


def test_progress_is_reported(tmp_path):
    seen: list[int] = []
    result = import_exchange(
        write_file(tmp_path, _minimal_workbook()), actor=None, dry_run=True, progress=seen.append
    )
    assert result.ok
    assert not result.written
    assert seen
    assert seen[-1] == 5
    assert seen == sorted(seen)
    assert Organization.objects.count() == 0


def test_a_partial_file_about_records_already_here_compares_only_what_it_carries(
    exported, tmp_path
):
    """An integrator sends a new event for a known member, naming known cells by code only."""
    world, _ = exported
    m2 = world["members"][1]
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    info.append(["Khóa", "Giá trị"])
    info.append(["format", "dangbo-exchange"])
    info.append(["version", 1])
    orgs = wb.create_sheet("Tổ chức")
    orgs.append(
        ["Mã tổ chức", "Tên tổ chức", "Mã loại tổ chức", "Ngày thành lập", "Mã tổ chức cấp trên"]
    )
    orgs.append(["A1", "Chi bộ Phòng 1", "DEPENDENT_CELL", dt.date(2000, 1, 1), "A"])
    events = wb.create_sheet("Sự kiện đảng viên")
    events.append(["Mã hồ sơ (UID)", "Ngày hiệu lực", "Mã loại sự kiện", "Mã tổ chức"])
    events.append([str(m2.uid), dt.date(2025, 11, 3), "MOVED", "A2"])
    out = io.BytesIO()
    wb.save(out)
    result = import_exchange(write_file(tmp_path, out.getvalue()), actor=None, dry_run=False)
    assert result.errors == []
    assert result.counts["Tổ chức"]["unchanged"] == 1
    assert result.counts["Sự kiện đảng viên"]["created"] == 1
    m2.refresh_from_db()
    assert m2.organization.code == "A2"
    assert AuditEntry.objects.filter(action="members.events_imported").count() == 1


def test_an_import_at_an_organization_creates_nothing_outside_its_subtree(exported, tmp_path):
    from dangbo.organizations.tests.factories import bloc

    _, content = exported
    wipe()
    top = bloc(code="TOP", name="Đảng ủy Khối Thử nghiệm")
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False, within=top)
    outside = {i.value for i in result.errors if "Nằm ngoài phạm vi" in i.message}
    assert outside == {"TOP2", "C", "C1"}
    assert Organization.objects.count() == 1
    assert result.counts["Tổ chức"]["unchanged"] == 1


def test_a_subtree_administrator_cannot_grant_roles_above_it(exported, tmp_path):
    world, content = exported
    own = edit_workbook(content, lambda wb: wb["Vai trò"].append(
        ["tochuc.a", "COMMITTEE_ADMIN", None, "TOP", None, dt.date(2026, 1, 10)]
    ))  # fmt: skip
    before = table_counts()
    result = import_exchange(
        write_file(tmp_path, own), actor=None, dry_run=False, within=world["a"]
    )
    [issue] = result.errors
    assert (issue.sheet, issue.value) == ("Vai trò", "TOP")
    assert "ngoài phạm vi" in issue.message
    assert table_counts() == before
    # The same row at the top of the tree goes in.
    result = import_exchange(
        write_file(tmp_path, own), actor=None, dry_run=False, within=world["top"]
    )
    assert result.errors == []
    assert result.counts["Vai trò"]["created"] == 1


def _add_user(content: bytes, username: str, member_uid: str) -> bytes:
    def edit(wb):
        ws = wb["Người dùng"]
        active = ws.cell(row=2, column=4).value  # the file's own way of writing "yes"
        ws.append([username, "Người Mới", None, active, member_uid])

    return edit_workbook(content, edit)


def test_a_new_user_is_not_linked_to_a_member_outside_the_subtree(exported, tmp_path):
    from dangbo.members.tests.factories import MemberFactory

    world, content = exported
    a2 = Organization.objects.get(code="A2")  # moved under B: outside A
    outsider = MemberFactory(organization=a2, full_name="Trần Văn Ngoài")
    linked = world["members"][2]  # in A2 too, with an account already
    before = table_counts()
    messages = []
    for member in (outsider, linked):
        own = _add_user(content, "moi.user", str(member.uid))
        result = import_exchange(
            write_file(tmp_path, own), actor=None, dry_run=False, within=world["a"]
        )
        [issue] = result.errors
        assert (issue.sheet, issue.column) == ("Người dùng", "Mã hồ sơ đảng viên (UID)")
        messages.append(issue.message)
        assert table_counts() == before
    # The same words whether the member has an account or not: nothing is told about it.
    assert (
        messages
        == [
            "Chỉ gắn tài khoản với đảng viên sinh hoạt trong «Đảng bộ Tổng công ty A»: việc này do "
            "quản trị cấp trên làm."
        ]
        * 2
    )
    outsider.refresh_from_db()
    assert outsider.user_id is None
    # The committee above both links it; the entry is filed under the member's cell.
    own = _add_user(content, "moi.user", str(outsider.uid))
    result = import_exchange(
        write_file(tmp_path, own), actor=None, dry_run=False, within=world["top"]
    )
    assert result.errors == []
    outsider.refresh_from_db()
    assert outsider.user.username == "moi.user"
    entry = AuditEntry.objects.get(action="accounts.user_imported")
    assert entry.org_path == a2.path


def test_a_member_row_outside_the_subtree_shows_no_stored_values(exported, tmp_path):
    world, _ = exported
    m3 = world["members"][2]  # in A2, now under B, carried by A's file (A's officer is m3)
    changed = edit_workbook(export_bytes("A"), lambda wb: set_cell(
        wb, "Đảng viên", "Họ và tên", ("Mã hồ sơ (UID)", str(m3.uid)), "Tên Khác"
    ))  # fmt: skip
    result = import_exchange(
        write_file(tmp_path, changed), actor=None, dry_run=True, within=world["a"]
    )
    [issue] = result.errors
    assert issue.message.startswith("Đảng viên đã có trong hệ thống với thông tin khác.")
    assert m3.full_name not in issue.message
    assert "Họ và tên" not in issue.message


def test_a_number_used_by_another_member_is_refused_neutrally_and_logged(exported, tmp_path):
    from dangbo.members.tests.factories import MemberFactory

    world, content = exported
    a2 = Organization.objects.get(code="A2")
    holder = MemberFactory(organization=a2, full_name="Trần Văn Ngoài", card_number="77000001")

    def add_member(wb):
        ws = wb["Đảng viên"]
        headers = [c.value for c in ws[1]]
        row = [c.value for c in ws[2]]
        row[headers.index("Mã hồ sơ (UID)")] = "6f1c2d3e-4b5a-4c6d-8e7f-001122334455"
        row[headers.index("Số thẻ đảng viên")] = "77000001"
        row[headers.index("Số định danh cá nhân")] = None
        row[headers.index("Số lý lịch")] = None
        ws.append(row)

    own = edit_workbook(content, add_member)
    result = import_exchange(write_file(tmp_path, own), actor=None, dry_run=True, within=world["a"])
    messages = [i.message for i in result.errors if i.column == "Số thẻ đảng viên"]
    assert messages == ["Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."]
    [entry] = AuditEntry.objects.filter(action="members.duplicate_refused")
    assert (entry.target_id, entry.org_path) == (str(holder.pk), a2.path)
