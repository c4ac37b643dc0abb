"""A committee with history for the exchange tests, a way to empty the database, workbook edits."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from openpyxl import load_workbook

from dangbo.accounts import services as account_services
from dangbo.accounts.models import ApiToken, Module, Role, RoleAssignment
from dangbo.accounts.tests.factories import UserFactory
from dangbo.audit.models import AuditEntry
from dangbo.documents.models import CommitteeTerm, IssuedDocument, NumberCounter
from dangbo.exchange.exporting import export_exchange
from dangbo.exchange.records import RECORD_SHEETS
from dangbo.meetings.models import Rubric, RubricCriterion, RubricLevel
from dangbo.members import restructuring
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, MemberState, Position
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgEvent, Sector, TreePosition
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

ON = dt.date(2026, 1, 15)
DATA_MODELS: tuple[type[Model], ...] = (
    Organization, TreePosition, OrgEvent, Member, MemberEvent, MemberState, Position,
    RoleAssignment, *(r.model for r in RECORD_SHEETS),
)  # fmt: skip


# The rubric templates (owned by no committee) are reference data: they stay, uncounted.
REFERENCE_ROWS = {
    Rubric: Q(owner__isnull=True),
    RubricCriterion: Q(rubric__owner__isnull=True),
    RubricLevel: Q(rubric__owner__isnull=True),
}


def _records(model: type[Model]):
    return model.objects.exclude(REFERENCE_ROWS.get(model, Q(pk__in=[])))


def build_world() -> dict[str, Any]:
    """Two blocs, three đảng bộ: renamed, moved, dissolved, merged; members with varied lives."""
    sector = Sector.objects.order_by("code").first()
    top = bloc(code="TOP", name="Đảng ủy Khối Thử nghiệm")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    b = dang_bo(top, code="B", name="Đảng bộ Công ty B")
    c = dang_bo(top, code="C", name="Đảng bộ Công ty C")
    a1 = dependent_cell(a, code="A1", name="Chi bộ Phòng 1")
    a2 = dependent_cell(a, code="A2", name="Chi bộ Phòng 2")
    b1 = dependent_cell(b, code="B1", name="Chi bộ Kho")
    c1 = dependent_cell(c, code="C1", name="Chi bộ Bến")
    org_services.update_organization(
        actor=None, org=a, sector=sector, staff_headcount=1234, hardship_area=True,
        address="Số 1, phố Thử", phone="024 1234 5678", email="dangbo.a@example.vn",
        committee_name="Đảng ủy Công ty Cổ phần A", place_name="Hà Nội",
    )  # fmt: skip
    m1 = MemberFactory(organization=a1, full_name="Nguyễn Văn An", card_number="01000001",
                       personal_id_number="001080012345")  # fmt: skip
    m2 = MemberFactory(organization=b1, full_name="Lê Thị Bình", sex="F",
                       admitted_on=dt.date(2012, 5, 19), official_on=dt.date(2013, 5, 19))  # fmt: skip
    # Admitted at 17 under an older rule: the exception is noted.
    m3 = MemberFactory(organization=a2, full_name="Phạm Văn Cường", date_of_birth=dt.date(1984, 3, 1),
                       admitted_on=dt.date(2001, 4, 1), official_on=dt.date(2002, 4, 1),
                       admission_age_exception="Kết nạp thời chiến (Điều lệ 1960)")  # fmt: skip
    m4 = MemberFactory(organization=a1, full_name="Hoàng Thị Dung", sex="F", official_on=None,
                       admitted_on=dt.date(2025, 3, 3))  # fmt: skip
    m5 = MemberFactory(organization=c1, full_name="Vũ Văn Em")
    m6 = MemberFactory(organization=a1, full_name="Đặng Văn Giang")
    moved = member_services.record_event(
        actor=None, member=m4, kind=MemberEvent.Kind.MOVED, happened_on=dt.date(2025, 6, 1),
        organization=a2, decision_number="12-QĐ/ĐU",
    )  # fmt: skip
    member_services.void_event(actor=None, event=moved, reason="Ghi nhầm chi bộ")
    member_services.record_event(
        actor=None, member=m5, kind=MemberEvent.Kind.MOVED, happened_on=dt.date(2016, 9, 1),
        organization=a1, note="Chuyển sinh hoạt về công ty A",
    )  # fmt: skip
    member_services.record_event(
        actor=None, member=m5, kind=MemberEvent.Kind.TRANSFERRED_OUT, happened_on=dt.date(2020, 2, 1),
        other_party="Đảng bộ tỉnh khác", decision_number="5-QĐ/ĐU", decision_signed_on=dt.date(2020, 1, 20),
        decision_issuer="Đảng ủy Công ty A", grounds="Chuyển công tác",
    )  # fmt: skip
    member_services.void_member(actor=None, member=m6, reason="Hồ sơ trùng")

    org_services.rename_organization(
        actor=None, org=a, name="Đảng bộ Tổng công ty A", on=dt.date(2015, 1, 1),
        decision={"number": "7-QĐ/ĐUK", "signed_on": dt.date(2014, 12, 20), "issuer": "Đảng ủy Khối"},
    )  # fmt: skip
    org_services.move_organization(
        actor=None, org=a2, new_parent=b, on=dt.date(2016, 1, 1), decision={"number": "9-QĐ/ĐUK"}
    )
    org_services.dissolve_organization(actor=None, org=c1, on=dt.date(2021, 1, 1))
    # C (with its dissolved cell) goes to another bloc: a move of a whole subtree.
    other = bloc(code="TOP2", name="Đảng ủy Khối Hai", established_on=dt.date(2019, 1, 1))
    org_services.move_organization(actor=None, org=c, new_parent=other, on=dt.date(2022, 1, 1))
    restructuring.merge_organizations(
        actor=None, sources=[b1], target=Organization.objects.get(code="A1"), on=dt.date(2018, 1, 1),
        decision={"number": "15-QĐ/ĐUK", "signed_on": dt.date(2017, 12, 25)},
    )  # fmt: skip
    a1.refresh_from_db()
    member_services.assign_position(
        actor=None, member=m1, title=Position.Title.SECRETARY, organization=a1,
        started_on=dt.date(2020, 8, 1), decision_number="3-QĐ/ĐU",
    )  # fmt: skip
    member_services.assign_position(
        actor=None, member=m2, title=Position.Title.COMMITTEE_MEMBER, organization=b,
        started_on=dt.date(2015, 1, 1), ended_on=dt.date(2017, 12, 31),
    )  # fmt: skip

    admin = UserFactory(username="quantri", full_name="Quản trị Khối")
    account_services.grant_role(actor=None, user=admin, role=Role.COMMITTEE_ADMIN, organization=top)
    officer = UserFactory(username="tochuc.a", full_name="Cán bộ Tổ chức A", email="tc@example.vn")
    account_services.grant_role(
        actor=None, user=officer, role=Role.MODULE_OFFICER, organization=a,
        modules=[Module.REGISTRY, Module.INDICATORS],
    )  # fmt: skip
    old = account_services.grant_role(actor=None, user=officer, role=Role.VIEWER, organization=a)
    account_services.revoke_role(actor=None, assignment=old)
    own = UserFactory(username="nguyenvanan", full_name="Nguyễn Văn An")
    account_services.grant_role(actor=None, user=own, role=Role.MEMBER, organization=a1)
    Member.objects.filter(pk=m1.pk).update(user=own)
    # The officer of A is a member of a cell now under B: A's file carries that record too.
    Member.objects.filter(pk=m3.pk).update(user=officer)
    return {"top": top, "a": a, "b": b, "c": c, "members": [m1, m2, m3, m4, m5, m6]}


def wipe() -> None:
    """Empty the records (keep the reference lists: codes, sectors, kind rules), as a new installation."""
    AuditEntry.objects.all().delete()
    ApiToken.objects.all().delete()
    RoleAssignment.objects.all().delete()
    # The module records, those naming others first (a reissue before the badge it replaces).
    for sheet in reversed(RECORD_SHEETS):
        records = _records(sheet.model)
        for ref in sheet.refs:
            if ref.to == sheet.key_name:
                records.filter(**{f"{ref.field}__isnull": False}).delete()
        records.delete()
    Position.objects.all().delete()
    MemberState.objects.all().delete()
    MemberEvent.objects.all().delete()
    Member.objects.all().delete()
    get_user_model().objects.all().delete()
    # The outgoing register is not part of the workbook.
    IssuedDocument.objects.all().delete()
    NumberCounter.objects.all().delete()
    CommitteeTerm.objects.all().delete()
    OrgEvent.objects.all().delete()
    TreePosition.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()


def export_bytes(code: str, on: dt.date = ON) -> bytes:
    buffer = io.BytesIO()
    export_exchange(Organization.objects.get(code=code), buffer, on=on)
    return buffer.getvalue()


def table_counts() -> dict[str, int]:
    counts = {m.__name__: _records(m).count() for m in DATA_MODELS}
    counts["User"] = get_user_model().objects.count()
    counts["AuditEntry"] = AuditEntry.objects.count()
    counts["Sector"] = Sector.objects.count()
    return counts


def write_file(tmp_path: Path, content: bytes, name: str = "trao-doi.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def edit_workbook(content: bytes, edits) -> bytes:
    """Apply ``edits(workbook)`` (openpyxl) to a workbook and return the new bytes."""
    workbook = load_workbook(io.BytesIO(content))
    edits(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def set_cell(workbook, sheet: str, header: str, match: tuple[str, Any], value: Any) -> None:
    """Set ``header`` to ``value`` in the first row of ``sheet`` whose ``match[0]`` column equals ``match[1]``."""
    ws = workbook[sheet]
    headers = [c.value for c in ws[1]]
    key_at, col_at = headers.index(match[0]), headers.index(header)
    for row in ws.iter_rows(min_row=2):
        if row[key_at].value == match[1]:
            row[col_at].value = value
            return
    raise AssertionError(f"no row with {match} in {sheet}")
