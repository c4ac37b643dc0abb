"""The domain modules' sheets: admission files, introducers, votes, recognitions, plans and
targets, transfers, Party badges. Exported with the subtree, imported back all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from dangbo.admissions.models import (
    AdmissionPlan,
    AdmissionTarget,
    Candidate,
    DecidingBody,
    Introducer,
    Recognition,
    Vote,
)
from dangbo.admissions.services import derive_candidate, derive_recognition
from dangbo.audit.models import AuditEntry
from dangbo.awards.models import BadgeAward
from dangbo.core import text
from dangbo.exchange.format import SHEETS_BY_KEY
from dangbo.exchange.records import RECORD_SHEETS
from dangbo.exchange.services import import_exchange
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Transfer
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .helpers import edit_workbook, export_bytes, set_cell, table_counts, wipe, write_file

pytestmark = pytest.mark.django_db

D = dt.date
# Just after midnight in Vietnam: still the day before in UTC; the file keeps the Vietnamese day.
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TITLES = {r.key_name: r.spec.title for r in RECORD_SHEETS}


def _candidate(cell, member, **fields) -> Candidate:
    values: dict[str, Any] = {
        "organization": cell, "full_name": "Phạm Thị Mới", "date_of_birth": D(2000, 4, 4),
        "sex": "F", "proposed_on": D(2024, 1, 10), "proposed_by": "Đoàn cơ sở Công ty D",
        "youth_union_member": True, "certificate_number": "GCN-17",
        "certificate_issued_on": D(2024, 3, 1), "certificate_issuer": "Trung tâm Chính trị",
        "application_on": D(2024, 4, 1), "background_checked_on": D(2024, 5, 1),
        "background_check_result": Candidate.BackgroundResult.PASSED,
        "decision_number": "12-QĐ/ĐU", "decision_signed_on": D(2024, 8, 1),
        "decided_by_body": DecidingBody.GRASSROOTS_COMMITTEE, "decision_received_on": D(2024, 8, 5),
        "ceremony_on": D(2024, 8, 20), "member": member,
    }  # fmt: skip
    values.update(fields)
    candidate = Candidate(**values)
    candidate.name_sort_key = text.name_sort_key(candidate.full_name)
    candidate.search_name = text.fold(candidate.full_name)
    candidate.save()
    return candidate


def build_module_world() -> dict[str, Any]:
    """A grassroots đảng bộ with one record of each module kind (rows made directly, then derived)."""
    since = {"established_on": D(1980, 1, 1)}
    top = bloc(code="K", name="Đảng ủy Khối K", **since)
    d = dang_bo(top, code="D", name="Đảng bộ Công ty D", **since)
    d1 = dependent_cell(d, code="D1", name="Chi bộ Một", **since)
    d2 = dependent_cell(d, code="D2", name="Chi bộ Hai", **since)
    # Outside the subtree of D: where an introducer of D1's file now lives.
    e1 = dependent_cell(dang_bo(top, code="E", name="Đảng bộ Công ty E", **since), code="E1")
    mentor = MemberFactory(organization=d1, full_name="Nguyễn Văn Giúp", admitted_on=D(2000, 5, 1),
                           official_on=D(2001, 5, 1))  # fmt: skip
    elder = MemberFactory(organization=d2, full_name="Trần Văn Lão", date_of_birth=D(1960, 1, 1),
                          admitted_on=D(1990, 2, 3), official_on=D(1991, 2, 3))  # fmt: skip
    mover = MemberFactory(organization=d1, full_name="Lê Thị Chuyển", sex="F")
    away = MemberFactory(organization=e1, full_name="Đỗ Văn Xa")
    newcomer = MemberFactory(
        organization=d1, full_name="Phạm Thị Mới", sex="F", date_of_birth=D(2000, 4, 4),
        admitted_on=D(2024, 8, 1), ceremony_on=D(2024, 8, 20), official_on=D(2025, 8, 20),
        admission_decision="12-QĐ/ĐU",
    )  # fmt: skip

    candidate = _candidate(d1, newcomer, decided_by=d)
    Introducer.objects.create(
        candidate=candidate, member=mentor, relation=Introducer.Relation.SAME_UNIT,
        known_since=D(2022, 1, 1), assigned_on=D(2024, 5, 10),
    )  # fmt: skip
    Introducer.objects.create(
        candidate=candidate, union=Introducer.Union.YOUTH_UNION, resolution_number="05-NQ/ĐTN",
        resolution_on=D(2024, 5, 12), assigned_on=D(2024, 5, 12),
    )  # fmt: skip
    Introducer.objects.create(
        candidate=candidate, member=away, assigned_on=D(2024, 5, 9),
        voided_at=dt.datetime(2024, 5, 11, 0, 30, tzinfo=VN), voided_reason="Nhầm người",
    )  # fmt: skip
    Vote.objects.create(
        candidate=candidate, body=Vote.Body.CELL, proposal=Vote.Proposal.ADMIT,
        held_on=D(2024, 6, 1), eligible=10, in_favour=9, resolution_number="03-NQ/CB",
    )  # fmt: skip
    Vote.objects.create(
        candidate=candidate, body=Vote.Body.GRASSROOTS_COMMITTEE, proposal=Vote.Proposal.ADMIT,
        held_on=D(2024, 7, 1), eligible=7, in_favour=7, resolution_number="15-NQ/ĐU",
    )  # fmt: skip
    derive_candidate(candidate)

    recognition = Recognition.objects.create(
        member=newcomer, probation_ends_on=D(2025, 8, 20), mentor=mentor,
        course_certificate_number="NM-01", course_certificate_on=D(2024, 12, 1),
        self_review_on=D(2025, 7, 20), outcome=Recognition.Outcome.RECOGNIZED,
        decision_number="20-QĐ/ĐU", decision_signed_on=D(2025, 9, 1), decided_by=d,
        decided_by_body=DecidingBody.GRASSROOTS_COMMITTEE,
    )  # fmt: skip
    Vote.objects.create(
        recognition=recognition, body=Vote.Body.CELL, proposal=Vote.Proposal.RECOGNIZE,
        held_on=D(2025, 8, 25), eligible=10, in_favour=10, resolution_number="09-NQ/CB",
    )  # fmt: skip
    derive_recognition(recognition)

    AdmissionPlan.objects.create(organization=d, year=2026, planned=5, note="Ưu tiên đoàn viên")
    AdmissionTarget.objects.create(
        organization=d, first_year=2025, last_year=2030, target=20, resolution="NQ Đại hội lần III"
    )

    moved = member_services.record_event(
        actor=None, member=mover, kind=MemberEvent.Kind.MOVED, happened_on=D(2025, 9, 1),
        organization=d2,
    )  # fmt: skip
    Transfer.objects.create(
        member=mover, kind=Transfer.Kind.OFFICIAL, direction=Transfer.Direction.INTERNAL,
        status=Transfer.Status.COMPLETED, from_organization=d1, to_organization=d2,
        reason=Transfer.Reason.WORK_CHANGE, triggered_on=D(2025, 8, 1), letter_number="7-GGT",
        letter_on=D(2025, 8, 20), letter_issuer="Đảng ủy Công ty D", received_on=D(2025, 9, 1),
        event=moved,
    )  # fmt: skip

    badge = {
        "member": elder, "organization": d2, "milestone": 30, "occasion_on": D(2020, 2, 3),
        "decision_number": "30-QĐ/TU", "decision_signed_on": D(2020, 1, 20), "decided_by": "Tỉnh ủy",
    }  # fmt: skip
    BadgeAward.objects.create(
        **badge, badge_number="HH-009", voided_at=dt.datetime(2020, 1, 25, 8, tzinfo=VN),
        voided_reason="Ghi trùng",
    )  # fmt: skip
    original = BadgeAward.objects.create(
        **badge, badge_number="HH-010", ceremony_on=D(2020, 2, 3), gift_amount=1_000_000
    )
    BadgeAward.objects.create(
        **badge, badge_number="HH-011", reissue_of=original, note="Cấp lại: mất"
    )
    return {"d": d, "candidate": candidate, "newcomer": newcomer, "mover": mover, "elder": elder}


EXPECTED_ROWS = {
    "candidates": 1, "introducers": 3, "recognitions": 1, "votes": 3, "admission_plans": 1,
    "admission_targets": 1, "transfers": 1, "badge_awards": 3,
}  # fmt: skip


def _sheet_rows(content: bytes, title: str) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(content))[title]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_module_record_round_trips_with_the_same_values(tmp_path):
    world = build_module_world()
    content = export_bytes("D")
    for key, count in EXPECTED_ROWS.items():
        assert len(_sheet_rows(content, TITLES[key])) == count, key
    wipe()
    path = write_file(tmp_path, content)
    dry = import_exchange(path, actor=None, dry_run=True)
    assert dry.errors == [], dry.errors
    assert Candidate.objects.count() == 0
    result = import_exchange(path, actor=None, dry_run=False)
    assert result.errors == [], result.errors
    for key, count in EXPECTED_ROWS.items():
        assert result.counts[TITLES[key]]["created"] == count, key
    # A moment (voided just after midnight, Vietnam time) is written as its Vietnamese day.
    [voided] = [r for r in _sheet_rows(content, "Người giới thiệu") if r["Lý do hủy"]]
    assert voided["Ngày hủy"].date() == D(2024, 5, 11)
    # Every value back: the export of the new installation is the same file.
    assert export_bytes("D") == content
    # The links between records, rebuilt on this installation's ids.
    candidate = Candidate.objects.get()
    assert candidate.member.uid == world["newcomer"].uid
    assert candidate.decided_by.code == "D"
    assert candidate.stage == Candidate.Stage.ADMITTED
    assert candidate.introduced_on == D(2024, 5, 12)
    assert candidate.committee_resolution_number == "15-NQ/ĐU"
    assert candidate.introducers.filter(voided_at__isnull=False).get().voided_reason == "Nhầm người"
    recognition = Recognition.objects.get()
    assert recognition.votes.get().in_favour == 10
    assert recognition.cell_resolution_on == D(2025, 8, 25)
    transfer = Transfer.objects.get()
    assert (transfer.event.kind, transfer.event.happened_on) == ("MOVED", D(2025, 9, 1))
    reissue = BadgeAward.objects.get(reissue_of__isnull=False)
    assert (reissue.badge_number, reissue.reissue_of.badge_number) == ("HH-011", "HH-010")
    assert BadgeAward.objects.get(badge_number="HH-010").gift_amount == 1_000_000
    # One audit entry per record.
    for sheet in RECORD_SHEETS:
        entries = AuditEntry.objects.filter(action=sheet.action)
        assert entries.count() == EXPECTED_ROWS.get(sheet.key_name, 0), sheet.action
    assert AuditEntry.objects.get(action="awards.badgeaward_imported", target_id=str(reissue.pk))


def test_an_introducer_outside_the_subtree_comes_with_the_file(tmp_path):
    build_module_world()
    members = {r["Họ và tên"] for r in _sheet_rows(export_bytes("D"), "Đảng viên")}
    # The member of E1 named by a (voided) introduction, and E1 as a reference organization.
    assert "Đỗ Văn Xa" in members
    scopes = {r["Mã tổ chức"]: r["Phạm vi"] for r in _sheet_rows(export_bytes("D"), "Tổ chức")}
    assert scopes["E1"] == "Tham chiếu"


def test_importing_the_same_file_again_leaves_everything_unchanged(tmp_path):
    build_module_world()
    content = export_bytes("D")
    before = table_counts()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    for key, count in EXPECTED_ROWS.items():
        assert result.counts[TITLES[key]] == {
            "created": 0, "unchanged": count, "conflicts": 0, "skipped": 0,
        }, key  # fmt: skip
    assert table_counts() == before


@pytest.mark.parametrize(
    ("sheet", "header", "match", "value", "shown"),
    [
        ("Huy hiệu Đảng", "Số Huy hiệu", ("Số Huy hiệu", "HH-010"), "HH-100",
         "Số Huy hiệu: tệp «HH-100», hệ thống «HH-010»"),
        ("Hồ sơ kết nạp", "Số giấy chứng nhận", ("Họ và tên", "Phạm Thị Mới"), "GCN-71",
         "Số giấy chứng nhận: tệp «GCN-71», hệ thống «GCN-17»"),
        ("Biểu quyết", "Số tán thành", ("Số nghị quyết", "03-NQ/CB"), 8,
         "Số tán thành: tệp «8», hệ thống «9»"),
        ("Chuyển sinh hoạt", "Ngày nơi đến tiếp nhận", ("Số giấy giới thiệu", "7-GGT"),
         D(2025, 9, 2), "Ngày nơi đến tiếp nhận: tệp «02/09/2025», hệ thống «01/09/2025»"),
    ],
)  # fmt: skip
def test_a_changed_value_is_a_conflict_naming_the_column(
    tmp_path, sheet, header, match, value, shown
):
    build_module_world()
    changed = edit_workbook(export_bytes("D"), lambda wb: set_cell(wb, sheet, header, match, value))
    before = table_counts()
    result = import_exchange(write_file(tmp_path, changed), actor=None, dry_run=False)
    [issue] = result.errors
    assert issue.sheet == sheet
    assert shown in issue.message
    assert issue.message.endswith(
        "Cần xử lý chênh lệch rồi nhập lại; không ghi đè dữ liệu đang có."
    )
    assert result.counts[sheet]["conflicts"] == 1
    assert not result.written
    assert table_counts() == before


def test_a_row_naming_an_unknown_member_is_an_error_and_nothing_is_written(tmp_path):
    world = build_module_world()
    unknown = str(uuid.UUID(int=7))
    content = edit_workbook(export_bytes("D"), lambda wb: set_cell(
        wb, "Chuyển sinh hoạt", "Mã hồ sơ (UID)", ("Mã hồ sơ (UID)", str(world["mover"].uid)),
        unknown,
    ))  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    [issue] = result.errors
    assert (issue.sheet, issue.column, issue.value) == (
        "Chuyển sinh hoạt",
        "Mã hồ sơ (UID)",
        unknown,
    )
    assert issue.row == 2
    assert issue.message == f"Mã hồ sơ «{unknown}» không có ở sheet «Đảng viên» và trong hệ thống."
    assert not result.written
    assert all(n == 0 for name, n in table_counts().items() if name != "Sector"), table_counts()


def test_an_introducer_naming_no_known_file_is_refused(tmp_path):
    build_module_world()
    content = edit_workbook(export_bytes("D"), lambda wb: set_cell(
        wb, "Người giới thiệu", "Ngày giới thiệu (hồ sơ kết nạp)",
        ("Số nghị quyết giới thiệu", "05-NQ/ĐTN"), D(2024, 1, 11),
    ))  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    [issue] = result.errors
    assert (issue.sheet, issue.column) == ("Người giới thiệu", "Họ và tên (hồ sơ kết nạp)")
    assert issue.value == "D1 – Phạm Thị Mới – 04/04/2000 – 11/01/2024"
    assert issue.message == (
        "Không có hồ sơ kết nạp này ở sheet «Hồ sơ kết nạp» và trong hệ thống."
    )
    assert Candidate.objects.count() == 0


def test_a_derived_value_the_records_contradict_is_refused(tmp_path):
    build_module_world()
    content = edit_workbook(export_bytes("D"), lambda wb: set_cell(
        wb, "Hồ sơ kết nạp", "Mã bước", ("Họ và tên", "Phạm Thị Mới"), "DECIDED",
    ))  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    [issue] = result.errors
    assert (issue.sheet, issue.column, issue.value) == ("Hồ sơ kết nạp", "Mã bước", "DECIDED")
    assert issue.message == "Tính từ các dòng đã nhập thì giá trị là «ADMITTED», khác với tệp."
    assert not result.written
    assert Member.objects.count() == 0
    assert Candidate.objects.count() == 0


def test_a_file_without_the_module_sheets_still_imports(tmp_path):
    build_module_world()

    def drop(wb):
        for sheet in RECORD_SHEETS:
            del wb[sheet.spec.title]

    content = edit_workbook(export_bytes("D"), drop)
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert Member.objects.count() == 5
    assert Candidate.objects.count() == 0
    assert Transfer.objects.count() == 0


def test_module_sheets_are_optional_and_described_in_the_format():
    for sheet in RECORD_SHEETS:
        assert SHEETS_BY_KEY[sheet.key_name] is sheet.spec
        assert not sheet.spec.required
        headers = [c.header for c in sheet.spec.columns]
        assert len(headers) == len(set(headers)), sheet.key_name


# Bookkeeping fields of every record, not facts of the domain.
BOOKKEEPING = {"id", "created_at", "updated_at", "recorded_at"}


def test_every_field_of_a_module_record_has_a_column():
    """A field added to a module's model fails here until its sheet carries it (or says why not)."""
    for sheet in RECORD_SHEETS:
        fields = {f.name for f in sheet.model._meta.concrete_fields} - BOOKKEEPING
        carried = {sheet.field_name(c.key) for c in sheet.spec.columns} | {
            r.field for r in sheet.refs
        }
        assert fields - carried - set(sheet.not_carried) == set(), sheet.key_name


def test_every_field_of_a_member_event_has_a_column():
    fields = {f.name for f in MemberEvent._meta.concrete_fields} - BOOKKEEPING
    columns = {c.key for c in SHEETS_BY_KEY["member_events"].columns} | {"voided_at"}
    assert fields - columns == set()


def test_an_import_at_an_organization_adds_no_record_outside_it(tmp_path):
    world = build_module_world()
    content = export_bytes("D")
    plan_row = {"Mã tổ chức": "K", "Năm": 2027, "Số đảng viên dự kiến kết nạp": 3}

    def add_plan_above(wb):
        ws = wb["Kế hoạch kết nạp"]
        headers = [c.value for c in ws[1]]
        ws.append([plan_row.get(h) for h in headers])

    result = import_exchange(
        write_file(tmp_path, edit_workbook(content, add_plan_above)), actor=None, dry_run=False,
        within=world["d"],
    )  # fmt: skip
    [issue] = result.errors
    assert (issue.sheet, issue.column, issue.value) == ("Kế hoạch kết nạp", "Mã tổ chức", "K")
    assert "Nằm ngoài phạm vi" in issue.message
    assert AdmissionPlan.objects.count() == 1


def test_a_hand_typed_file_adds_a_file_and_introducers_to_records_already_here(tmp_path):
    """An integrator sends a new file and two introductions, one for a file already here."""
    world = build_module_world()
    wb = Workbook()
    info = wb.active
    info.title = "Thông tin"
    info.append(["Khóa", "Giá trị"])
    info.append(["format", "dangbo-exchange"])
    info.append(["version", 1])
    files = wb.create_sheet("Hồ sơ kết nạp")
    files.append(["Mã chi bộ", "Họ và tên", "Ngày sinh", "Ngày giới thiệu", "Mã giới tính"])
    files.append(["D2", "Hoàng  Văn Nam", "01/02/1999", "15/03/2025", "M"])
    intros = wb.create_sheet("Người giới thiệu")
    naming = [
        f"{h} (hồ sơ kết nạp)" for h in ("Mã chi bộ", "Họ và tên", "Ngày sinh", "Ngày giới thiệu")
    ]
    intros.append([
        *naming, "Mã hồ sơ đảng viên giới thiệu (UID)", "Mã tổ chức đoàn thể giới thiệu",
        "Ngày giới thiệu",
    ])  # fmt: skip
    intros.append(["D2", "Hoàng Văn Nam", "01/02/1999", "15/03/2025", str(world["elder"].uid), None,
                   "01/06/2025"])  # fmt: skip
    intros.append(["D1", "Phạm Thị Mới", "04/04/2000", "10/01/2024", None, "TRADE_UNION",
                   "13/05/2024"])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    result = import_exchange(write_file(tmp_path, out.getvalue()), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert result.counts["Hồ sơ kết nạp"]["created"] == 1
    assert result.counts["Người giới thiệu"]["created"] == 2
    new = Candidate.objects.get(organization__code="D2")
    assert (new.full_name, new.search_name) == ("Hoàng Văn Nam", "hoang van nam")
    assert new.stage == Candidate.Stage.PROPOSED
    assert new.introducers.get().member == world["elder"]
    assert world["candidate"].introducers.count() == 4
    assert AuditEntry.objects.filter(action="admissions.introducer_imported").count() == 2
