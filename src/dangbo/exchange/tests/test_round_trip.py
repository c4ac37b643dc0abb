"""Export, import into an empty installation, export again: the same bytes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from dangbo.audit.models import AuditEntry
from dangbo.demo import build_demo
from dangbo.demo.plan import ROOT_CODE
from dangbo.exchange.format import IN_SCOPE, REFERENCE
from dangbo.exchange.services import import_exchange
from dangbo.members.models import Member, MemberState
from dangbo.organizations.models import Organization, TreePosition

from .helpers import ON, build_world, export_bytes, table_counts, wipe, write_file

pytestmark = pytest.mark.django_db


def _tree_by_codes() -> list[tuple]:
    """The tree history in codes only (ids differ between installations)."""
    codes = dict(Organization.objects.values_list("pk", "code"))

    def chain(path: str) -> tuple[str, ...]:
        return tuple(codes[int(p)] for p in path.split(".") if p)

    return sorted(
        (codes[p.organization_id], p.valid_from, p.valid_until, chain(p.path), p.depth, p.name)
        for p in TreePosition.objects.all()
    ) + sorted(
        (o.code, chain(o.path), o.depth, codes.get(o.parent_id)) for o in Organization.objects.all()
    )


def _states_by_codes() -> list[tuple]:
    return sorted(
        MemberState.objects.values_list(
            "member__uid", "organization__code", "status", "valid_from", "valid_until"
        )
    )


def test_full_tree_round_trip_gives_the_same_bytes(tmp_path):
    build_world()
    first = export_bytes("TOP")
    tree, states = _tree_by_codes(), _states_by_codes()
    wipe()
    path = write_file(tmp_path, first)

    before = table_counts()
    dry = import_exchange(path, actor=None, dry_run=True)
    assert dry.errors == []
    assert not dry.written
    assert table_counts() == before
    assert dry.counts["Đảng viên"]["created"] == 6

    result = import_exchange(path, actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert result.written
    assert export_bytes("TOP") == first
    assert _tree_by_codes() == tree
    assert _states_by_codes() == states


def test_imported_records_keep_their_lives(tmp_path):
    world = build_world()
    m1, _, m3, m4, m5, m6 = world["members"]
    content = export_bytes("TOP")
    wipe()
    assert import_exchange(write_file(tmp_path, content), actor=None, dry_run=False).ok
    again = {m.uid: m for m in Member.objects.all()}
    assert again[m3.uid].admission_age_exception.startswith("Kết nạp thời chiến")
    assert again[m5.uid].status == "TRANSFERRED_OUT"
    assert again[m6.uid].voided_reason == "Hồ sơ trùng"
    assert again[m6.uid].voided_at is not None
    voided = again[m4.uid].events.get(kind="MOVED")
    assert voided.voided_reason == "Ghi nhầm chi bộ"
    assert again[m4.uid].organization.code == "A1"
    a = Organization.objects.get(code="A")
    assert (a.committee_name, a.place_name) == ("Đảng ủy Công ty Cổ phần A", "Hà Nội")
    user = again[m1.uid].user
    assert user.username == "nguyenvanan"
    assert not user.has_usable_password()
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    # One audit entry per organization, member and user created, and one for the import.
    assert AuditEntry.objects.filter(action="members.imported").count() == 6
    assert AuditEntry.objects.filter(action="organizations.imported").count() == 9
    assert AuditEntry.objects.filter(action="exchange.imported").count() == 1


def _scopes(content: bytes) -> dict[str, str]:
    ws = load_workbook(io.BytesIO(content))["Tổ chức"]
    headers = [c.value for c in ws[1]]
    code_at, scope_at = headers.index("Mã tổ chức"), headers.index("Phạm vi")
    return {row[code_at]: row[scope_at] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_subtree_carries_what_it_names_and_round_trips(tmp_path):
    build_world()
    content = export_bytes("A")
    scopes = _scopes(content)
    # A's subtree today: A and A1 (A2 moved to B). Named by the records: the bloc (A's
    # parent), B1 (where a member came from), B (B1's parent, a post held there), A2
    # (a voided move, where a member lives now), C1 (a member's first cell) with C and the
    # bloc C moved to.
    assert {c for c, s in scopes.items() if s == IN_SCOPE} == {"A", "A1"}
    assert {c for c, s in scopes.items() if s == REFERENCE} == {
        "TOP", "B", "B1", "A2", "C", "C1", "TOP2",
    }  # fmt: skip
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors
    assert export_bytes("A") == content


def test_the_same_day_gives_the_same_bytes_and_the_date_is_the_stamp():
    build_world()
    assert export_bytes("TOP") == export_bytes("TOP")
    assert export_bytes("TOP", on=dt.date(2026, 1, 16)) != export_bytes("TOP")
    wb = load_workbook(io.BytesIO(export_bytes("TOP")))
    assert wb.properties.created.timetuple()[:6] == (2026, 1, 15, 0, 0, 0)


# A smaller demo than the default 6.000 members keeps the suite quick; the path is the same.
DEMO_MEMBERS = 1000


def test_demo_committee_round_trips(tmp_path):
    demo = build_demo(members=DEMO_MEMBERS, seed=11, as_of=ON)
    content = export_bytes(ROOT_CODE)
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors[:5]
    # The generated registry and the members the demo admitted through the pipeline.
    assert result.counts["Đảng viên"]["created"] == DEMO_MEMBERS + demo.pathways.admitted
    assert result.counts["Hồ sơ kết nạp"]["created"] == demo.pathways.candidates
    assert result.counts["Chuyển sinh hoạt"]["created"] == demo.pathways.transfers
    assert export_bytes(ROOT_CODE) == content
