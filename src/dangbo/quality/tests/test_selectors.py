"""The report of a subtree over the database's rows."""

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.members.models import Member, MemberEvent, Status
from dangbo.organizations.models import Organization
from dangbo.quality import selectors
from dangbo.quality.selectors import findings_under

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return scenario.build()


def today():
    return timezone.localdate()


def summary(report):
    return {code: n for code, n in report.totals.items() if n}


def test_report_of_a_subtree(tree):
    report = findings_under(tree.a, today=today())
    assert (report.org_code, report.members_checked, report.organizations_checked) == ("A", 6, 3)
    assert summary(report) == {
        "missing_required": 1,  # A has no sector
        "invalid_identifier": 1,  # Phạm Văn Ba's "12345"
        "duplicate_name_birth": 2,  # the two Đức of A (the one in B is out of scope)
        "status_mismatch": 1,  # Lê Văn Hai
        "below_minimum": 1,  # A2: one official member
    }
    assert (report.total, report.errors, report.warnings) == (6, 2, 4)
    assert [(r.code, r.depth, {k: v for k, v in r.counts.items() if v}) for r in report.rows] == [
        ("A", 0, {"missing_required": 1}),
        ("A1", 1, {"invalid_identifier": 1, "duplicate_name_birth": 1, "status_mismatch": 1}),
        ("A2", 1, {"duplicate_name_birth": 1, "below_minimum": 1}),
    ]
    assert [r.total for r in report.rows] == [1, 3, 2]


def test_findings_name_the_record_its_organization_and_the_rule(tree):
    report = findings_under(tree.a, today=today())
    rows = [
        (f.check, f.severity, f.record_type, f.record_label, f.org_code, f.field)
        for f in report.findings
    ]
    assert rows == [
        ("missing_required", "warning", "organization", "Đảng bộ A", "A", "sector"),
        ("invalid_identifier", "error", "member", "Phạm Văn Ba", "A1", "personal_id_number"),
        ("duplicate_name_birth", "warning", "member", "Nguyễn Văn Đức", "A1", "full_name"),
        ("duplicate_name_birth", "warning", "member", "NGUYEN VAN DUC", "A2", "full_name"),
        ("status_mismatch", "error", "member", "Lê Văn Hai", "A1", "status"),
        ("below_minimum", "warning", "organization", "Chi bộ A2", "A2", "official_members"),
    ]
    by_check = {f.check: f for f in report.findings}
    assert by_check["status_mismatch"].record_id == tree.hai.pk
    assert by_check["status_mismatch"].message == (
        "Tình trạng lưu là «Dự bị», theo các sự kiện là «Chính thức»."
    )
    assert "Điều lệ Đảng, Điều 21" in by_check["below_minimum"].message
    duplicate = report.findings_for("duplicate_name_birth")[0]
    assert duplicate.record_id == tree.duc.pk
    assert duplicate.message.endswith("Trùng với: NGUYEN VAN DUC (Chi bộ A2).")
    assert duplicate.check_label == "Có thể trùng người (cùng họ tên và ngày sinh)"
    assert duplicate.field_label == "Họ và tên"
    assert [f.check for f in report.findings_for("")] == [f.check for f in report.findings]


def test_duplicates_are_looked_for_within_the_subtree(tree):
    in_a = findings_under(tree.a, today=today()).findings_for("duplicate_name_birth")
    assert {f.record_id for f in in_a} == {tree.duc.pk, tree.duc_a2.pk}
    everywhere = findings_under(tree.top, today=today()).findings_for("duplicate_name_birth")
    assert {f.record_id for f in everywhere} == {tree.duc.pk, tree.duc_a2.pk, tree.duc_b1.pk}
    assert findings_under(tree.b, today=today()).findings_for("duplicate_name_birth") == []


def test_a_clean_cell_has_no_finding(tree):
    report = findings_under(tree.b1, today=today())
    assert (report.members_checked, report.total, report.rows) == (3, 0, [])


def test_voided_records_are_left_out(tree):
    report = findings_under(tree.a1, today=today())
    assert tree.voided.pk not in {f.record_id for f in report.findings}
    assert report.members_checked == 4


def test_drifted_organization_and_a_member_outside_a_cell(tree):
    Member.objects.filter(pk=tree.duc.pk).update(organization=tree.a)
    report = findings_under(tree.a, today=today())
    mine = [(f.field, f.message) for f in report.findings_for("status_mismatch")
            if f.record_id == tree.duc.pk]  # fmt: skip
    assert mine == [
        ("organization", "Tổ chức sinh hoạt lưu là «Đảng bộ A», theo các sự kiện là «Chi bộ A1»."),
        ("organization", "Đang sinh hoạt tại «Đảng bộ A», không phải chi bộ: đảng viên sinh hoạt "
                         "tại chi bộ cơ sở hoặc chi bộ trực thuộc (Điều lệ Đảng, Điều 24)."),
    ]  # fmt: skip


def test_drift_to_an_organization_outside_the_subtree_names_it(tree):
    Member.objects.filter(pk=tree.duc.pk).update(organization=tree.a2)
    MemberEvent.objects.filter(member=tree.duc).update(organization=tree.b1)
    report = findings_under(tree.a2, today=today())
    [finding] = [f for f in report.findings_for("status_mismatch") if f.record_id == tree.duc.pk]
    assert finding.message == (
        "Tổ chức sinh hoạt lưu là «Chi bộ A2», theo các sự kiện là «Chi bộ B1»."
    )


def test_member_of_a_dissolved_cell(tree):
    Organization.objects.filter(pk=tree.a2.pk).update(dissolved_on=dt.date(2020, 1, 1))
    report = findings_under(tree.a, today=today())
    messages = [f.message for f in report.findings_for("status_mismatch") if f.org_code == "A2"]
    assert len(messages) == 2  # NGUYEN VAN DUC and Trần Thị Năm
    assert "tổ chức đã giải thể ngày 01/01/2020" in messages[0]
    # A dissolved cell is no longer judged on its size.
    assert report.findings_for("below_minimum") == []


def test_contradictory_events(tree):
    MemberEvent.objects.filter(member=tree.duc, kind=MemberEvent.Kind.MADE_OFFICIAL).update(
        happened_on=dt.date(2009, 1, 1)
    )
    [finding] = [
        f
        for f in findings_under(tree.a1, today=today()).findings_for("status_mismatch")
        if f.record_id == tree.duc.pk
    ]
    assert finding.field == "events"
    assert finding.message.startswith("Các sự kiện mâu thuẫn nhau: Ngày chính thức (01/01/2009)")


def test_grassroots_dang_bo_counts_the_official_members_of_its_whole_subtree(tree):
    # Official as stored: Đức, Ba, Bốn in A1 (Hai drifted), NGUYEN VAN DUC in A2.
    Member.objects.filter(pk__in=[tree.duc.pk, tree.bon.pk]).update(status=Status.EXEMPTED)
    report = findings_under(tree.a, today=today())
    assert {f.org_code for f in report.findings_for("below_minimum")} == {"A", "A1", "A2"}


def test_the_whole_table_read_gives_the_same_report(tree, monkeypatch):
    """A subtree holding most members reads the events table whole; the result is the same."""
    indexed = findings_under(tree.a1, today=today())
    monkeypatch.setattr(selectors.Member.objects, "count", lambda: 0)  # pretend a huge subtree
    scanned = findings_under(tree.a1, today=today())
    assert scanned.findings == indexed.findings


def test_an_admission_before_the_cell_was_founded_is_a_finding(tree):
    admitted = tree.duc.admitted_on
    for founded, found in ((admitted + dt.timedelta(days=1), True), (admitted, False)):
        Organization.objects.filter(pk=tree.a1.pk).update(established_on=founded)
        report = findings_under(tree.a1, today=today())
        mine = [f for f in report.findings_for("inconsistent_dates") if f.record_id == tree.duc.pk]
        assert bool(mine) is found
        if found:
            assert (mine[0].severity, mine[0].field) == ("warning", "admitted_on")
            assert "trước ngày thành lập tổ chức này" in mine[0].message


def test_a_child_founded_before_its_parent_is_a_finding(tree):
    founded = tree.a1.established_on
    for parent_founded, found in ((founded + dt.timedelta(days=1), True), (founded, False)):
        Organization.objects.filter(pk=tree.a.pk).update(established_on=parent_founded)
        report = findings_under(tree.a, today=today())
        mine = [
            (f.record_label, f.field, f.severity)
            for f in report.findings_for("inconsistent_dates")
            if f.record_type == "organization"
        ]
        assert mine == ([("Chi bộ A1", "established_on", "warning"),
                         ("Chi bộ A2", "established_on", "warning")] if found else [])  # fmt: skip


def test_an_admission_before_birth_or_16_is_an_impossible_date_whatever_the_exception(tree):
    Member.objects.filter(pk=tree.bon.pk).update(
        admission_age_exception="Kết nạp thời chiến",
        date_of_birth=tree.bon.admitted_on + dt.timedelta(days=1),
    )
    report = findings_under(tree.a1, today=today())
    [finding] = [f for f in report.findings_for("impossible_date") if f.record_id == tree.bon.pk]
    assert (finding.severity, finding.field) == ("error", "admitted_on")
    assert "trước ngày sinh" in finding.message


def test_a_finding_names_its_cell_with_the_parent(tree):
    report = findings_under(tree.a, today=today())
    [finding] = report.findings_for("invalid_identifier")
    assert (finding.org_name, finding.org_label) == ("Chi bộ A1", "Chi bộ A1 – Đảng bộ A")
    assert finding.as_dict()["organization_label"] == "Chi bộ A1 – Đảng bộ A"


def test_a_cell_moved_later_under_a_younger_organization_is_no_finding(tree):
    from dangbo.organizations import services as org_services
    from dangbo.organizations.tests.factories import dang_bo

    # A restructuring: a new đảng bộ founded long after the cell, which moves under it.
    moved_on = today() - dt.timedelta(days=30)
    young = dang_bo(tree.a.parent, code="MOI", name="Đảng bộ Mới",
                    established_on=moved_on - dt.timedelta(days=10))  # fmt: skip
    org_services.move_organization(actor=None, org=tree.a1, new_parent=young, on=moved_on)

    report = findings_under(tree.a.parent, today=today())

    assert not [
        f for f in report.findings_for("inconsistent_dates")
        if f.record_type == "organization" and f.record_id == tree.a1.pk
    ]  # fmt: skip
