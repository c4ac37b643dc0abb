"""Each step of a file and of a recognition, and each refusal: exact message, nothing written."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest

from dangbo.admissions import rules, services
from dangbo.admissions.models import (
    AdmissionPlan,
    AdmissionTarget,
    Candidate,
    Introducer,
    Recognition,
    Vote,
)  # fmt: skip
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Status
from dangbo.members.tests.factories import MemberFactory
from dangbo.regulations.models import Setting
from dangbo.regulations.workdays import calendar_around

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
MODELS = (Candidate, Introducer, Vote, Recognition, Member, MemberEvent, AuditEntry, AdmissionPlan,
          AdmissionTarget)  # fmt: skip


@pytest.fixture
def world():
    return f.build_world()


@contextmanager
def refused():
    """Expect a DomainError and that no row was added anywhere (audit included, but for the log
    of a refused duplicate, kept for the committee above the record it collided with)."""

    def counts():
        found = {m: m.objects.count() for m in MODELS}
        found[AuditEntry] = AuditEntry.objects.exclude(
            action__endswith=".duplicate_refused"
        ).count()
        return found

    before = counts()
    with pytest.raises(DomainError) as exc:
        yield exc
    assert counts() == before


def messages(exc) -> dict:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --------------------------------------------------------------------------
# Proposing and the dossier
# --------------------------------------------------------------------------


def test_propose_opens_a_file_at_the_first_stage(world):
    c = f.propose(world.a1, full_name="  hoàng   Thị Mai ")
    assert (c.stage, c.organization, c.full_name, c.search_name) == (
        "PROPOSED", world.a1, "hoàng Thị Mai", "hoang thi mai",
    )  # fmt: skip
    assert actions()[-1] == "admissions.candidate_proposed"


def test_propose_in_an_organization_that_is_not_a_cell_is_refused(world):
    with refused() as exc:
        f.propose(world.a)
    assert messages(exc) == {"organization": [
        "«Đảng bộ Công ty A» không phải là chi bộ: hồ sơ kết nạp do chi bộ cơ sở hoặc chi bộ trực "
        "thuộc quản lý."
    ]}  # fmt: skip


def test_propose_a_member_already_in_the_party_is_refused(world):
    member = world.members[0]
    member_services.update_member(actor=None, member=member, personal_id_number="001080000001")
    with refused() as exc:
        f.propose(world.a1, personal_id_number="001080000001")
    assert messages(exc) == {"personal_id_number": [
        "Số định danh cá nhân này đã được dùng; liên hệ cấp ủy cấp trên."
    ]}  # fmt: skip
    [entry] = AuditEntry.objects.filter(action="admissions.duplicate_refused")
    assert (entry.target_type, entry.target_id) == ("members.member", str(member.pk))
    assert entry.org_path == member.organization.path


def test_a_second_open_file_of_the_same_person_is_refused(world):
    first = f.propose(world.a1, personal_id_number="001096000111")
    with refused() as exc:
        f.propose(world.a2, full_name="Hoàng T. Mai", personal_id_number="001096000111")
    assert messages(exc) == {"personal_id_number": [
        "Số định danh cá nhân này đã có trong một hồ sơ kết nạp đang xem xét; liên hệ cấp ủy cấp "
        "trên."
    ]}  # fmt: skip
    [entry] = AuditEntry.objects.filter(action="admissions.duplicate_refused")
    assert (entry.target_type, entry.target_id) == ("admissions.candidate", str(first.pk))
    assert entry.org_path == world.a1.path
    # In the same cell the other file is the cell's own: it is named.
    with refused() as exc:
        f.propose(world.a1, full_name="Hoàng T. Mai", personal_id_number="001096000111")
    assert messages(exc) == {"personal_id_number": [
        "Chi bộ đã có hồ sơ kết nạp đang xem xét của Hoàng Thị Mai (số định danh 001096000111)."
    ]}  # fmt: skip


def test_dossier_steps_move_the_stage(world):
    c = f.propose(world.a1)
    services.record_awareness_certificate(actor=None, candidate=c, issued_on=f.CERTIFICATE_ON,
                                          issuer="Trung tâm Chính trị quận")  # fmt: skip
    assert c.stage == "AWARENESS_CLASS"
    services.record_application(actor=None, candidate=c, application_on=f.APPLICATION_ON)
    assert c.stage == "DOSSIER"
    services.record_background_check(
        actor=None, candidate=c, checked_on=f.CHECKED_ON, result="PASSED"
    )
    assert actions()[-3:] == [
        "admissions.certificate_recorded", "admissions.application_recorded",
        "admissions.background_checked",
    ]  # fmt: skip


def test_certificate_without_issuer_is_refused(world):
    c = f.propose(world.a1)
    with refused() as exc:
        services.record_awareness_certificate(
            actor=None, candidate=c, issued_on=f.CERTIFICATE_ON, issuer=" "
        )
    assert messages(exc) == {"issuer": ["Cần ghi nơi cấp giấy chứng nhận."]}
    c.refresh_from_db()
    assert c.certificate_issued_on is None


def test_failed_background_check_needs_its_reason(world):
    c = f.propose(world.a1)
    with refused() as exc:
        services.record_background_check(
            actor=None, candidate=c, checked_on=f.CHECKED_ON, result="FAILED"
        )
    assert messages(exc) == {"note": ["Cần ghi lý do khi kết quả thẩm tra không đạt."]}


# --------------------------------------------------------------------------
# Introducers
# --------------------------------------------------------------------------


def introduce(c, member, **kwargs):
    values = {"relation": "SAME_UNIT", "known_since": f.KNOWN_SINCE, "assigned_on": f.INTRODUCED_ON}
    values.update(kwargs)
    return services.add_introducer(actor=None, candidate=c, member=member, **values)


def test_two_official_members_introduce_and_the_file_is_introduced(world):
    c = f.propose(world.a1)
    introduce(c, world.members[0])
    assert c.stage == "PROPOSED"
    assert c.introduced_on is None
    introduce(c, world.members[1], assigned_on=D(2024, 12, 12))
    assert (c.stage, c.introduced_on) == ("INTRODUCED", D(2024, 12, 12))


def test_one_member_and_the_youth_union_resolution_introduce(world):
    c = f.propose(world.a1)
    introduce(c, world.members[0])
    services.add_introducer(actor=None, candidate=c, union="YOUTH_UNION", resolution_number="07-NQ/ĐTN",
                            resolution_on=D(2024, 12, 2), assigned_on=D(2024, 12, 2))  # fmt: skip
    assert c.introduced_on == D(2024, 12, 9)


def test_the_same_introducer_twice_is_refused(world):
    c = f.propose(world.a1)
    introduce(c, world.members[0])
    with refused() as exc:
        introduce(c, world.members[0])
    assert messages(exc) == {
        "member": ["Đảng viên Nguyễn Văn An đã là người giới thiệu hồ sơ này."]
    }


def test_a_probationary_introducer_is_refused(world):
    probationer = MemberFactory(organization=world.a1, full_name="Đỗ Văn Mới", official_on=None,
                                admitted_on=D(2024, 6, 1))  # fmt: skip
    c = f.propose(world.a1)
    with refused() as exc:
        introduce(c, probationer)
    assert messages(exc) == {"member": [
        "Người giới thiệu phải là đảng viên chính thức vào ngày giới thiệu (09/12/2024) (Điều lệ "
        "Đảng, Điều 4 khoản 2)."
    ]}  # fmt: skip


def test_a_third_introduction_is_refused_until_one_is_voided(world):
    c = f.ready_for_vote(world.a1, world.members)
    with refused() as exc:
        introduce(c, world.members[2])
    assert messages(exc)["member"][0].startswith(
        "Hồ sơ đã có đủ hai người (hoặc tổ chức) giới thiệu"
    )
    first = c.introducers.order_by("id").first()
    services.void_introducer(actor=None, introducer=first, reason="Chuyển sinh hoạt đi nơi khác")
    assert c.stage == "DOSSIER"
    introduce(c, world.members[2], known_since=D(2024, 10, 1), is_replacement=True)
    assert c.stage == "INTRODUCED"


def test_youth_union_resolution_for_a_non_member_is_refused(world):
    c = f.propose(world.a1, youth_union_member=False)
    with refused() as exc:
        services.add_introducer(actor=None, candidate=c, union="YOUTH_UNION", resolution_number="1",
                                resolution_on=D(2024, 12, 2), assigned_on=D(2024, 12, 2))  # fmt: skip
    assert messages(exc) == {"union": [
        "Người vào Đảng không phải đoàn viên Đoàn TNCS Hồ Chí Minh: ban chấp hành Đoàn cơ sở không "
        "giới thiệu được."
    ]}  # fmt: skip


# --------------------------------------------------------------------------
# The cell's vote
# --------------------------------------------------------------------------


def test_cell_vote_counts_the_official_members_and_passes_with_two_thirds(world):
    c = f.ready_for_vote(world.a1, world.members)
    vote = services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=2)
    assert (vote.eligible, vote.passed, c.stage, c.cell_resolution_on) == (
        3, True, "CELL_RESOLUTION", f.CELL_VOTE_ON,
    )  # fmt: skip
    assert actions()[-1] == "admissions.cell_vote_recorded"


def test_failed_cell_vote_is_recorded_and_the_file_stays(world):
    c = f.ready_for_vote(world.a1, world.members)
    vote = services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=1)
    assert (vote.passed, c.stage, c.cell_resolution_on) == (False, "INTRODUCED", None)


def test_cell_vote_on_an_applicant_under_18_is_refused(world):
    c = f.ready_for_vote(world.a1, world.members, date_of_birth=D(2007, 3, 5))
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    assert messages(exc) == {"date_of_birth": [
        "Người vào Đảng phải từ đủ 18 tuổi (tính theo tháng): ngày 04/03/2025 mới 17 tuổi 11 tháng "
        "(Điều lệ Đảng, Điều 1 khoản 2; Quy định 232-QĐ/TW, mục 1.1)."
    ]}  # fmt: skip
    c.refresh_from_db()
    assert (c.stage, c.cell_resolution_on) == ("INTRODUCED", None)


def test_cell_vote_with_an_expired_certificate_follows_the_validity_setting(world):
    Setting.objects.create(key="admissions.certificate_validity_months", value=3,
                           effective_on=D(2000, 1, 1), organization=world.a)  # fmt: skip
    c = f.ready_for_vote(world.a1, world.members)
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    assert messages(exc)["certificate_issued_on"] == [
        "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày 15/10/2024 đã hết giá trị từ "
        "sau ngày 15/01/2025 (3 tháng kể từ ngày cấp): người vào Đảng phải học lại (Hướng dẫn "
        "12-HD/BTCTW năm 2022)."
    ]


def test_cell_vote_on_a_stale_dossier_is_refused(world):
    c = f.ready_for_vote(world.a1, world.members)
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=D(2025, 12, 10), in_favour=3)
    assert messages(exc)["held_on"][0].startswith(
        "Hồ sơ mở từ ngày 04/11/2024 đã quá 12 tháng mà chi bộ chưa xét"
    )


def test_cell_vote_on_a_youth_who_is_not_a_youth_union_member_is_refused(world):
    c = f.ready_for_vote(world.a1, world.members, youth_union_member=False)
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    assert list(messages(exc)) == ["youth_union_member"]
    Setting.objects.create(key="admissions.unit_has_youth_union", value=False,
                           effective_on=D(2000, 1, 1), organization=world.a1)  # fmt: skip
    services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)


def test_cell_vote_after_an_introducer_left_is_refused(world):
    c = f.ready_for_vote(world.a1, world.members)
    member_services.record_event(actor=None, member=world.members[0], kind="TRANSFERRED_OUT",
                                 happened_on=D(2025, 2, 1), other_party="Đảng bộ tỉnh khác")  # fmt: skip
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=2)
    assert messages(exc) == {"introducers": [
        "Người giới thiệu Nguyễn Văn An không còn là đảng viên chính thức của Đảng vào ngày chi bộ "
        "họp (04/03/2025): chi bộ phân công người giới thiệu thay thế (Điều lệ Đảng, Điều 4 khoản 2; "
        "Quy định 232-QĐ/TW, mục 3.2.2)."
    ]}  # fmt: skip


def test_cell_vote_without_application_is_refused(world):
    c = f.propose(world.a1)
    services.record_awareness_certificate(
        actor=None, candidate=c, issued_on=f.CERTIFICATE_ON, issuer="TTCT"
    )
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    assert messages(exc) == {"application_on": [
        "Chưa có đơn xin vào Đảng trước ngày chi bộ họp (Hướng dẫn 12-HD/BTCTW năm 2022)."
    ]}  # fmt: skip


def test_changing_the_dossier_after_the_cell_resolution_is_refused(world):
    c = f.ready_for_vote(world.a1, world.members)
    services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    with refused() as exc:
        services.record_application(actor=None, candidate=c, application_on=D(2024, 11, 5))
    assert messages(exc) == {"": [
        "Chi bộ đã có nghị quyết đề nghị kết nạp ngày 04/03/2025: không sửa được ngày làm đơn (hủy "
        "nghị quyết ghi nhầm trước)."
    ]}  # fmt: skip


# --------------------------------------------------------------------------
# The grassroots committee and the decision
# --------------------------------------------------------------------------


def voted(world, cell=None, members=None, **fields) -> Candidate:
    c = f.ready_for_vote(cell or world.a1, members or world.members, **fields)
    services.record_cell_vote(
        actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=len(members or world.members)
    )
    return c


def test_committee_proposal_for_a_file_of_a_chi_bo_co_so_is_refused(world):
    c = voted(world, world.g, world.g_members)
    with refused() as exc:
        services.record_committee_proposal(
            actor=None, candidate=c, held_on=f.COMMITTEE_ON, eligible=5, in_favour=5
        )
    assert messages(exc) == {"": [
        "«Chi bộ Trường Tiểu học» là chi bộ cơ sở: nghị quyết của chi bộ gửi thẳng cấp ủy cấp trên, "
        "không có bước đảng ủy cơ sở xét."
    ]}  # fmt: skip


def test_decision_before_the_committee_proposal_is_refused(world):
    c = voted(world)
    with refused() as exc:
        services.record_decision(actor=None, candidate=c, admit=True, decision_number="1",
                                 decision_signed_on=f.DECISION_ON, decided_by=world.top,
                                 decided_by_body="STANDING_COMMITTEE")  # fmt: skip
    assert messages(exc) == {"": ["Chưa có nghị quyết của đảng ủy cơ sở đề nghị kết nạp."]}


def proposed_by_committee(world) -> Candidate:
    c = voted(world)
    services.record_committee_proposal(
        actor=None, candidate=c, held_on=f.COMMITTEE_ON, eligible=9, in_favour=6
    )
    assert c.stage == "COMMITTEE_PROPOSAL"
    return c


def decide(c, decided_by, **kwargs):
    values = {"admit": True, "decision_number": "101-QĐ/ĐUK", "decision_signed_on": f.DECISION_ON,
              "decided_by_body": "STANDING_COMMITTEE"}  # fmt: skip
    values.update(kwargs)
    return services.record_decision(actor=None, candidate=c, decided_by=decided_by, **values)


def test_decision_by_another_committee_is_refused_naming_the_competent_one(world):
    c = proposed_by_committee(world)
    with refused() as exc:
        decide(c, world.a, decided_by_body="GRASSROOTS_COMMITTEE")
    assert messages(exc) == {"decided_by": [
        "Quyết định kết nạp đảng viên thuộc thẩm quyền của ban thường vụ cấp ủy cấp trên «Đảng ủy "
        "Khối Thử nghiệm» (Quy định 232-QĐ/TW, mục 4.3.2)."
    ]}  # fmt: skip
    c.refresh_from_db()
    assert (c.stage, c.decision_signed_on) == ("COMMITTEE_PROPOSAL", None)


def test_a_delegated_grassroots_committee_decides_itself(world):
    Setting.objects.create(key="admissions.admission_delegated", value=True,
                           effective_on=D(2020, 1, 1), organization=world.a)  # fmt: skip
    c = proposed_by_committee(world)
    with refused():
        decide(c, world.top)
    decide(c, world.a, decided_by_body="GRASSROOTS_COMMITTEE", decision_number="15-QĐ/ĐU")
    assert (c.stage, c.decided_by) == ("DECIDED", world.a)


def test_late_decision_is_recorded_only_with_the_committees_explanation(world):
    c = proposed_by_committee(world)
    late = D(2025, 7, 15)
    due = rules.admission_decision_due_on(
        f.CELL_VOTE_ON, 0, calendar_around(world.a1, f.CELL_VOTE_ON, late)
    )
    with refused() as exc:
        decide(c, world.top, decision_signed_on=late)
    assert messages(exc) == {"late_reason": [
        f"Quyết định phải ban hành trong 60 ngày làm việc kể từ ngày chi bộ có nghị quyết "
        f"(04/03/2025), tức đến hết ngày {due:%d/%m/%Y}: quyết định ký ngày 15/07/2025 cần ghi giải "
        f"trình của cấp ủy về việc chậm (Quy định 294-QĐ/TW, mục 4.3.1)."
    ]}  # fmt: skip
    decide(c, world.top, decision_signed_on=late, late_reason="Chờ thẩm tra bổ sung lý lịch")
    assert c.decision_late_reason == "Chờ thẩm tra bổ sung lý lịch"


def test_an_extension_moves_the_deadline_by_its_working_days(world):
    c = proposed_by_committee(world)
    on = D(2025, 6, 20)
    decide(
        c,
        world.top,
        decision_signed_on=on,
        extension_working_days=30,
        extension_reason="Thẩm tra lại",
    )
    assert (c.decision_late_reason, c.extension_working_days) == ("", 30)


def test_decision_not_to_admit_closes_the_file(world):
    c = proposed_by_committee(world)
    decide(c, world.top, admit=False, decision_number="")
    assert (c.stage, c.refused, c.refused_on) == ("REFUSED", True, f.DECISION_ON)
    with refused() as exc:
        services.record_ceremony(actor=None, candidate=c, ceremony_on=f.CEREMONY_ON)
    assert messages(exc) == {"": ["Cấp ủy đã quyết định không kết nạp: hồ sơ đã đóng."]}


# --------------------------------------------------------------------------
# The ceremony
# --------------------------------------------------------------------------


def test_ceremony_registers_a_probationary_member_from_the_file(world):
    c = f.decided(world, personal_id_number="001096000111", home_town="Nam Định")
    services.record_ceremony(actor=None, candidate=c, ceremony_on=f.CEREMONY_ON)
    m = c.member
    m.refresh_from_db()
    assert (c.stage, m.status, m.organization, m.admitted_on, m.probation_ends_on) == (
        "ADMITTED", Status.PROBATIONARY, world.a1, f.DECISION_ON, D(2026, 5, 19),
    )  # fmt: skip
    assert (m.full_name, m.personal_id_number, m.home_town, m.general_education) == (
        "Hoàng Thị Mai", "001096000111", "Nam Định", "12/12",
    )  # fmt: skip
    event = m.events.get()
    assert (event.kind, event.decision_number, event.decision_signed_on, event.decision_issuer,
            event.ceremony_on) == ("ADMITTED", "101-QĐ/ĐUK", f.DECISION_ON, "Đảng ủy Khối Thử nghiệm",
                                   f.CEREMONY_ON)  # fmt: skip
    assert actions()[-2:] == ["members.created", "admissions.ceremony_recorded"]


def test_late_ceremony_without_the_superiors_consent_is_refused(world):
    c = f.decided(world)
    late = D(2025, 7, 1)
    due = rules.ceremony_due_on(f.RECEIVED_ON, calendar_around(world.a1, f.RECEIVED_ON, late))
    with refused() as exc:
        services.record_ceremony(actor=None, candidate=c, ceremony_on=late)
    assert messages(exc) == {"ceremony_on": [
        f"Lễ kết nạp phải tổ chức trong 30 ngày làm việc kể từ ngày chi bộ nhận quyết định "
        f"(18/04/2025), tức đến hết ngày {due:%d/%m/%Y}; tổ chức muộn hơn cần ghi văn bản đồng ý "
        f"của cấp ủy cấp trên trực tiếp (Quy định 294-QĐ/TW, mục 4.1)."
    ]}  # fmt: skip
    c.refresh_from_db()
    assert (c.stage, c.member) == ("DECIDED", None)
    services.record_ceremony(
        actor=None, candidate=c, ceremony_on=late, late_consent="Công văn 45-CV/ĐUK"
    )
    assert c.ceremony_late_consent == "Công văn 45-CV/ĐUK"


def test_withdrawn_file_takes_no_more_steps(world):
    c = f.propose(world.a1)
    services.withdraw_candidate(
        actor=None, candidate=c, withdrawn_on=D(2024, 10, 1), reason="Chuyển công tác"
    )
    assert c.stage == "WITHDRAWN"
    with refused() as exc:
        services.record_application(actor=None, candidate=c, application_on=D(2024, 11, 1))
    assert messages(exc) == {"": ["Hồ sơ đã dừng xem xét."]}


def test_void_candidate_keeps_the_row_and_refuses_an_admitted_file(world):
    c = f.propose(world.a1, full_name="Nhập Nhầm")
    services.void_candidate(actor=None, candidate=c, reason="Nhập trùng")
    assert c.is_voided
    assert Candidate.objects.filter(pk=c.pk).exists()
    admitted = f.admitted(world)
    with refused() as exc:
        services.void_candidate(actor=None, candidate=admitted, reason="x")
    assert messages(exc)[""][0].startswith("Người này đã được kết nạp")


def test_void_vote_refused_once_a_decision_rests_on_it(world):
    c = f.decided(world)
    vote = c.votes.get(body="CELL")
    with refused() as exc:
        services.void_vote(actor=None, vote=vote, reason="x")
    assert messages(exc) == {
        "": ["Đã có quyết định của cấp ủy: không hủy được nghị quyết đã làm căn cứ."]
    }


# --------------------------------------------------------------------------
# Readmission
# --------------------------------------------------------------------------


STRUCK_OFF_ON = D(2020, 3, 10)


def struck_off(world, on=STRUCK_OFF_ON) -> Member:
    m = MemberFactory(organization=world.a1, full_name="Phan Văn Cũ", date_of_birth=D(1975, 1, 1),
                      personal_id_number="001075000222")  # fmt: skip
    member_services.record_event(
        actor=None, member=m, kind="STRUCK_OFF", happened_on=on, reason_code="MISSED_ACTIVITY_OR_DUES",
        decision_number="12-QĐ/ĐUK", decision_signed_on=on, decision_issuer="Đảng ủy Khối Thử nghiệm",
    )  # fmt: skip
    m.refresh_from_db()
    return m


def test_readmission_takes_the_identity_of_the_former_member(world):
    m = struck_off(world)
    c = services.propose_candidate(actor=None, organization=world.a1, proposed_on=D(2024, 9, 2),
                                   readmission_of=m, left_reason="OTHER", general_education="12/12")  # fmt: skip
    assert (c.full_name, c.date_of_birth, c.personal_id_number, c.is_readmission) == (
        "Phan Văn Cũ", D(1975, 1, 1), "001075000222", True,
    )  # fmt: skip


def test_readmission_for_a_barred_reason_is_refused(world):
    m = struck_off(world)
    with refused() as exc:
        services.propose_candidate(actor=None, organization=world.a1, proposed_on=D(2024, 9, 2),
                                   readmission_of=m, left_reason="ABANDONED_ACTIVITY")  # fmt: skip
    assert messages(exc) == {"left_reason": [
        "Không xem xét kết nạp lại người ra khỏi Đảng vì lý do «Tự bỏ sinh hoạt đảng» (Quy định "
        "24-QĐ/TW, mục 3.5.2)."
    ]}  # fmt: skip


def test_readmission_too_soon_after_leaving_is_refused_at_the_cell_vote(world):
    m = struck_off(world, on=D(2022, 6, 1))
    c = f.ready_for_vote(
        world.a1, world.members, readmission_of=m, left_reason="OTHER", full_name=""
    )
    with refused() as exc:
        services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    assert messages(exc) == {"held_on": [
        "Chỉ xét kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng (01/06/2022), tức từ ngày "
        "01/06/2025 (Quy định 232-QĐ/TW, mục 3.5.1)."
    ]}  # fmt: skip


def test_readmission_needs_the_provincial_consent_then_readmits_the_member(world):
    m = struck_off(world)
    c = f.ready_for_vote(
        world.a1, world.members, readmission_of=m, left_reason="OTHER", full_name=""
    )
    services.record_cell_vote(actor=None, candidate=c, held_on=f.CELL_VOTE_ON, in_favour=3)
    services.record_committee_proposal(
        actor=None, candidate=c, held_on=f.COMMITTEE_ON, eligible=9, in_favour=9
    )
    with refused() as exc:
        decide(c, world.top)
    assert list(messages(exc)) == ["readmission_consent_on"]
    services.update_candidate(actor=None, candidate=c, readmission_consent_number="88-CV/TU",
                              readmission_consent_on=D(2025, 4, 1))  # fmt: skip
    decide(c, world.top)
    services.record_ceremony(actor=None, candidate=c, ceremony_on=f.CEREMONY_ON)
    m.refresh_from_db()
    assert (c.member, m.status, m.admitted_on, m.probation_ends_on) == (
        m, Status.PROBATIONARY, D(2010, 3, 1), D(2026, 5, 19),
    )  # fmt: skip
    assert m.events.filter(kind="READMITTED", happened_on=f.DECISION_ON).exists()
    with refused() as exc:
        services.propose_candidate(actor=None, organization=world.a1, proposed_on=D(2030, 1, 1),
                                   readmission_of=m, left_reason="OTHER")  # fmt: skip
    assert list(messages(exc)) == ["readmission_of"]


# --------------------------------------------------------------------------
# A file loaded before another write
# --------------------------------------------------------------------------


def test_a_ceremony_from_a_stale_file_is_refused_not_recorded_twice(world):
    c = f.decided(world)
    stale = Candidate.objects.get(pk=c.pk)
    services.record_ceremony(actor=None, candidate=c, ceremony_on=f.CEREMONY_ON)

    with pytest.raises(DomainError, match=r"Người này đã được kết nạp: hồ sơ đã đóng\."):
        services.record_ceremony(actor=None, candidate=stale, ceremony_on=f.CEREMONY_ON)

    assert Member.objects.filter(full_name=c.full_name).count() == 1


def test_an_edit_from_a_stale_file_keeps_the_steps_recorded_since(world):
    c = f.propose(world.a1)
    stale = Candidate.objects.get(pk=c.pk)
    services.record_application(actor=None, candidate=c, application_on=D(2024, 3, 1))

    services.update_candidate(actor=None, candidate=stale, home_town="Hà Nam")

    c.refresh_from_db()
    assert (c.home_town, c.application_on) == ("Hà Nam", D(2024, 3, 1))
    entry = AuditEntry.objects.filter(action="admissions.candidate_updated").latest("pk")
    assert entry.before["application_on"] == "2024-03-01"
