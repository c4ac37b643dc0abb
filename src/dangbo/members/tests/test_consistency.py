"""``dangbo check-consistency``: stored member state against the state the events give."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import add_member, build_tree
from dangbo.members.models import Member, MemberEvent, MemberState, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return build_tree()


def run(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("check-consistency", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_a_clean_subtree_reports_nothing_and_succeeds(tree):
    add_member(tree.a1, "Nguyễn Văn An", official_on=dt.date(2011, 3, 2))
    add_member(tree.a2, "Trần Thị Bình")

    out, error = run("--org", "A")

    assert error is None
    assert "2 đảng viên" in out
    assert "Không có sai lệch" in out


def test_a_row_written_over_its_events_is_reported_field_by_field(tree):
    member = add_member(tree.a1, "Nguyễn Văn An", official_on=dt.date(2011, 3, 2))
    Member.objects.filter(pk=member.pk).update(
        status=Status.PROBATIONARY, organization=tree.a2, official_on=None
    )

    out, error = run("--org", "A")

    assert error is not None
    assert error.returncode == 1
    assert str(error) == "1 đảng viên có dữ liệu sai lệch so với các sự kiện."
    assert (
        f"Nguyễn Văn An (mã {member.pk}) — tình trạng: đang lưu «Dự bị», theo các sự kiện «Chính thức»"
        in out
    )
    assert (
        "chi bộ đang sinh hoạt: đang lưu «Chi bộ A2 (A2)», theo các sự kiện «Chi bộ A1 (A1)»" in out
    )
    assert "ngày chính thức: đang lưu «—», theo các sự kiện «02/03/2011»" in out
    assert "các giai đoạn sinh hoạt" not in out


def test_json_lists_the_drift_and_missing_periods(tree):
    member = add_member(tree.a1, "Nguyễn Văn An")
    MemberState.objects.filter(member=member).delete()

    out, error = run("--org", "000", "--json")

    assert error is not None
    data = json.loads(out)
    assert (data["organization"], data["checked"], data["drifted"]) == ("000", 1, 1)
    assert data["repaired"] == []
    (drift,) = data["drift"]
    assert (drift["member_id"], drift["field"], drift["stored"]) == (member.pk, "states", "—")
    assert drift["derived"] == "Dự bị tại Chi bộ A1 (A1) từ 02/03/2010"


def test_repair_rewrites_through_the_derivation_with_an_audit_entry(tree):
    member = add_member(tree.a1, "Nguyễn Văn An", official_on=dt.date(2011, 3, 2))
    Member.objects.filter(pk=member.pk).update(status=Status.DECEASED, organization=None)
    MemberState.objects.filter(member=member).update(status=Status.DECEASED)

    out, error = run("--org", "A", "--repair")

    assert error is None
    assert "Đã ghi lại từ các sự kiện 1 đảng viên." in out
    member.refresh_from_db()
    assert (member.status, member.organization_id) == (Status.OFFICIAL, tree.a1.pk)
    assert list(member.states.values_list("status", flat=True)) == ["PROBATIONARY", "OFFICIAL"]
    entry = AuditEntry.objects.get(action="members.repaired", target_id=str(member.pk))
    assert entry.before["status"] == Status.DECEASED
    assert entry.after["status"] == Status.OFFICIAL
    assert entry.note.startswith("Ghi lại từ các sự kiện (kiểm tra tính nhất quán): tình trạng")
    assert entry.org_path == tree.a1.path
    again, error = run("--org", "A")
    assert error is None
    assert "Không có sai lệch" in again


def test_an_impossible_history_is_reported_and_left_for_a_person(tree):
    member = add_member(tree.a1, "Nguyễn Văn An", official_on=dt.date(2011, 3, 2))
    member.events.filter(kind=MemberEvent.Kind.MADE_OFFICIAL).update(
        happened_on=dt.date(2009, 1, 1)
    )

    out, error = run("--org", "A", "--repair")

    assert error is not None
    assert error.returncode == 1
    assert (
        "lịch sử sự kiện không hợp lệ, cần sửa các sự kiện: Ngày chính thức (01/01/2009) phải sau"
        in out
    )
    assert not AuditEntry.objects.filter(action="members.repaired").exists()


def test_only_the_subtree_is_checked_and_repaired(tree):
    inside = add_member(tree.a1, "Nguyễn Văn An")
    outside = add_member(tree.b1, "Lê Văn Ngoài")
    Member.objects.filter(pk__in=[inside.pk, outside.pk]).update(status=Status.DECEASED)

    out, _error = run("--org", "A", "--repair")

    assert "Lê Văn Ngoài" not in out
    assert Member.objects.get(pk=outside.pk).status == Status.DECEASED
    assert Member.objects.get(pk=inside.pk).status == Status.PROBATIONARY


def test_a_member_moved_out_of_the_subtree_by_a_corrupt_row_is_still_checked(tree):
    # The events keep him in A1; a row pointing at B1 must not hide him from A's check.
    member = add_member(tree.a1, "Nguyễn Văn An")
    Member.objects.filter(pk=member.pk).update(organization=tree.b1)

    out, error = run("--org", "A")

    assert error is not None
    assert "chi bộ đang sinh hoạt: đang lưu «Chi bộ B1 (B1)»" in out


def test_queries_do_not_grow_with_the_members_of_a_chunk(tree):
    for i in range(3):
        add_member(tree.a1, f"Nguyễn Văn {i}", official_on=dt.date(2011, 3, 2))
    with CaptureQueriesContext(connection) as few:
        run("--org", "A")
    for i in range(3, 12):
        add_member(tree.a2, f"Trần Văn {i}", official_on=dt.date(2011, 3, 2))
    with CaptureQueriesContext(connection) as many:
        out, error = run("--org", "A")

    assert error is None
    assert "12 đảng viên" in out
    assert len(many.captured_queries) == len(few.captured_queries)


def test_chunks_cover_every_member(tree):
    members = [add_member(tree.a1, f"Nguyễn Văn {i}") for i in range(5)]
    Member.objects.filter(pk=members[-1].pk).update(status=Status.DECEASED)

    out, error = run("--org", "A", "--chunk-size", "2")

    assert error is not None
    assert "5 đảng viên" in out
    assert f"Nguyễn Văn 4 (mã {members[-1].pk})" in out


def test_unknown_organization_is_an_error():
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã «KHONG»"):
        call_command("check-consistency", "--org", "KHONG", stdout=StringIO())
