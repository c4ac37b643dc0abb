"""The file from the cell's vote to the ceremony: resolutions, the decision, the new member."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import snapshot
from dangbo.core import text
from dangbo.core.dates import whole_months_between
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock
from dangbo.documents.rules import DocType, IssuingBody
from dangbo.documents.services import number_document
from dangbo.members import services as members
from dangbo.members.models import MemberEvent, Status
from dangbo.members.selectors import secretary_name
from dangbo.organizations.models import Organization
from dangbo.regulations.workdays import calendar_around

from .. import rules, selectors
from ..models import Candidate, DecidingBody, Vote
from ._common import (
    audit,
    check_open,
    derive_candidate,
    derive_recognition,
    full_clean,
    lock_candidate,
    lock_recognition,
    not_before,
    require,
)  # fmt: skip
from .candidates import IDENTITY_FIELDS


def _vote(*, parent: dict, body: str, proposal: str, held_on: dt.date, eligible: int,
          in_favour: int, resolution_number: str, note: str) -> Vote:  # fmt: skip
    rules.check_vote_counts(eligible, in_favour)
    vote = Vote(
        body=body, proposal=proposal, held_on=held_on, eligible=eligible, in_favour=in_favour,
        resolution_number=text.normalize(resolution_number), note=text.normalize(note), **parent,
    )  # fmt: skip
    full_clean(vote)
    vote.save()
    return vote


def cell_eligible(cell: Organization, held_on: dt.date, eligible: int | None) -> int:
    """Return the number of official members voting: given, or counted from the registry."""
    if eligible is not None:
        return eligible
    count = selectors.official_members_count(cell, held_on)
    if count < 1:
        raise DomainError({"eligible": (
            f"«{cell.name}» không có đảng viên chính thức nào vào ngày {fmt_date(held_on)}: ghi "
            f"tổng số đảng viên chính thức của chi bộ."
        )})  # fmt: skip
    return count


def check_ready_for_cell_vote(candidate: Candidate, held_on: dt.date) -> None:
    """Refuse the cell's vote unless the applicant and the dossier meet every condition that day."""
    c, cell = candidate, candidate.organization
    rules.check_applicant_age(
        c.date_of_birth, held_on, over_60_consent=bool(c.over_60_consent_number.strip())
    )
    rules.check_education(
        c.general_education, exception_ground=c.education_exception, on=held_on,
        label=_education_label(c.general_education),
    )  # fmt: skip
    rules.check_certificate(
        c.certificate_issued_on, held_on,
        validity_months=selectors.certificate_validity_months(cell, held_on),
    )  # fmt: skip
    if c.application_on is None or c.application_on > held_on:
        raise DomainError({"application_on": (
            f"Chưa có đơn xin vào Đảng trước ngày chi bộ họp ({rules.member_work_guidance(held_on)})."
        )})  # fmt: skip
    if (c.background_check_result != Candidate.BackgroundResult.PASSED
            or c.background_checked_on is None or c.background_checked_on > held_on):  # fmt: skip
        raise DomainError({"background_check_result": (
            f"Lý lịch của người vào Đảng chưa được thẩm tra đạt yêu cầu trước ngày chi bộ họp "
            f"({rules.member_work_guidance(held_on)})."
        )})  # fmt: skip
    _check_introducers_on(c, held_on)
    intros = [i.resolution_on or i.assigned_on for i in selectors.introducers_of(c)]
    rules.check_dossier_fresh(c.application_on, intros, held_on)
    if c.readmission_of is not None:
        left_on = selectors.left_party_on(c.readmission_of)
        if left_on is not None:
            rules.check_readmission_wait(
                left_on=left_on, left_reason=c.left_reason, expunged_on=c.expunged_on, on=held_on
            )


def _education_label(code: str) -> str:
    from dangbo.core import codes

    return codes.name_of("general_education", code)


def _check_introducers_on(candidate: Candidate, held_on: dt.date) -> None:
    intros = list(selectors.introducers_of(candidate))
    members = [i for i in intros if i.member_id]
    unions = [i for i in intros if not i.member_id]
    for i in intros:
        when = i.resolution_on or i.assigned_on
        if when > held_on:
            raise DomainError({"introducers": (
                f"Giới thiệu của {i} ghi ngày {fmt_date(when)}, sau ngày chi bộ họp."
            )})  # fmt: skip
    for i in members:
        if selectors.status_on(i.member, held_on) != Status.OFFICIAL:
            raise DomainError({"introducers": (
                f"Người giới thiệu {i.member.full_name} không còn là đảng viên chính thức của "
                f"Đảng vào ngày chi bộ họp ({fmt_date(held_on)}): chi bộ phân công người giới thiệu "
                f"thay thế (Điều lệ Đảng, Điều 4 khoản 2; {rules.cite(held_on, '3.2.2')})."
            )})  # fmt: skip
    cell = candidate.organization
    age = whole_months_between(candidate.date_of_birth, held_on) // 12
    rules.check_introductions(
        member_introducers=len(members), union_resolutions=len(unions), on=held_on,
        youth_age=age <= selectors.youth_age_limit(cell, held_on),
        youth_union_exists=selectors.unit_has_youth_union(cell, held_on),
        youth_union_member=candidate.youth_union_member,
    )  # fmt: skip


@transaction.atomic
def record_cell_vote(
    *, actor, candidate: Candidate, held_on: dt.date, in_favour: int, eligible: int | None = None,
    resolution_number: str = "", note: str = "",
) -> Vote:  # fmt: skip
    """Record the cell's vote on proposing the admission (≥ two thirds of its official members
    in favour, Điều lệ Đảng Đ4); the applicant and the dossier are checked as of that day."""
    original = lock_candidate(candidate)
    check_open(candidate)
    require(held_on, "held_on", "Cần ghi ngày chi bộ họp.")
    if candidate.cell_resolution_on is not None:
        raise DomainError({"held_on": (
            f"Chi bộ đã có nghị quyết đề nghị kết nạp ngày {fmt_date(candidate.cell_resolution_on)}."
        )})  # fmt: skip
    not_before(held_on, candidate.proposed_on, "held_on",
               "Ngày chi bộ họp ({day}) không thể trước ngày giới thiệu ({earlier}).")  # fmt: skip
    check_ready_for_cell_vote(candidate, held_on)
    before = snapshot(candidate)
    vote = _vote(
        parent={"candidate": candidate}, body=Vote.Body.CELL, proposal=Vote.Proposal.ADMIT,
        held_on=held_on, eligible=cell_eligible(candidate.organization, held_on, eligible),
        in_favour=in_favour, resolution_number=resolution_number, note=note,
    )  # fmt: skip
    derive_candidate(candidate, original)
    audit(actor, "cell_vote_recorded", candidate, candidate.organization, before=before,
          after={"vote": snapshot(vote), "candidate": snapshot(candidate)})  # fmt: skip
    return vote


@transaction.atomic
def record_committee_proposal(
    *, actor, candidate: Candidate, held_on: dt.date, eligible: int, in_favour: int,
    resolution_number: str = "", note: str = "",
) -> Vote:  # fmt: skip
    """Record the grassroots committee's resolution proposing the admission (≥ two thirds of its
    members, Điều lệ Đảng Đ4), where the cell stands under a đảng bộ cơ sở."""
    original = lock_candidate(candidate)
    check_open(candidate)
    cell = candidate.organization
    if not selectors.needs_committee_proposal(cell):
        raise DomainError(
            f"«{cell.name}» là chi bộ cơ sở: nghị quyết của chi bộ gửi thẳng cấp ủy cấp trên, không "
            f"có bước đảng ủy cơ sở xét."
        )
    if candidate.cell_resolution_on is None:
        raise DomainError("Chưa có nghị quyết của chi bộ đề nghị kết nạp.")
    if candidate.committee_resolution_on is not None:
        raise DomainError({"held_on": (
            f"Đảng ủy cơ sở đã có nghị quyết đề nghị kết nạp ngày "
            f"{fmt_date(candidate.committee_resolution_on)}."
        )})  # fmt: skip
    require(held_on, "held_on", "Cần ghi ngày họp.")
    require(eligible, "eligible", "Cần ghi tổng số cấp ủy viên.")
    not_before(held_on, candidate.cell_resolution_on, "held_on",
               "Đảng ủy cơ sở họp ngày {day}, trước nghị quyết của chi bộ ({earlier}).")  # fmt: skip
    before = snapshot(candidate)
    vote = _vote(
        parent={"candidate": candidate}, body=Vote.Body.GRASSROOTS_COMMITTEE,
        proposal=Vote.Proposal.ADMIT, held_on=held_on, eligible=eligible, in_favour=in_favour,
        resolution_number=resolution_number, note=note,
    )  # fmt: skip
    derive_candidate(candidate, original)
    audit(actor, "committee_proposal_recorded", candidate, cell, before=before,
          after={"vote": snapshot(vote), "candidate": snapshot(candidate)})  # fmt: skip
    return vote


@transaction.atomic
def void_vote(*, actor, vote: Vote, reason: str) -> Vote:
    """Mark a resolution entered in error, unless a later step rests on it."""
    if vote.candidate is not None:
        original = lock_candidate(vote.candidate)
    else:
        original = lock_recognition(vote.recognition)
    lock(vote)
    if vote.voided_at is not None:
        raise DomainError("Nghị quyết này đã được hủy.")
    require(reason, "reason", "Cần ghi lý do hủy.")
    parent = vote.candidate or vote.recognition
    if vote.candidate is not None:
        check_open(vote.candidate)
        if vote.candidate.decision_signed_on:
            raise DomainError(
                "Đã có quyết định của cấp ủy: không hủy được nghị quyết đã làm căn cứ."
            )
        later = vote.body == Vote.Body.CELL and vote.candidate.committee_resolution_on
        if later and vote.passed:
            raise DomainError("Đảng ủy cơ sở đã có nghị quyết: hủy nghị quyết của đảng ủy trước.")
        org = vote.candidate.organization
    else:
        if vote.recognition.is_decided or vote.recognition.is_voided:
            raise DomainError("Việc xét công nhận đã có quyết định: không hủy được nghị quyết.")
        org = vote.recognition.member.organization
    vote.voided_at = timezone.now()
    vote.voided_reason = text.normalize(reason)
    vote.save(update_fields=["voided_at", "voided_reason"])
    if vote.candidate is not None:
        derive_candidate(vote.candidate, original)
    else:
        derive_recognition(vote.recognition, original)
    audit(actor, "vote_voided", parent, org, after=snapshot(vote), note=vote.voided_reason)
    return vote


@transaction.atomic
def record_decision(
    *, actor, candidate: Candidate, admit: bool, decision_signed_on: dt.date,
    decided_by: Organization, decided_by_body: str, decision_number: str = "",
    decision_received_on: dt.date | None = None, extension_working_days: int = 0,
    extension_reason: str = "", late_reason: str = "",
) -> Candidate:  # fmt: skip
    """Record the competent committee's decision to admit, or not to admit, the candidate.

    Checks who decides (mục 4.3.2) and the 60 working days from the cell's resolution,
    plus at most 30 recorded (mục 4.3.1); a later decision is recorded with the
    explanation the committee owes its superior.
    """
    original = lock_candidate(candidate)
    check_open(candidate)
    c, cell = candidate, candidate.organization
    if c.decision_signed_on is not None:
        raise DomainError(f"Hồ sơ đã có quyết định số {c.decision_number} ngày "
                          f"{fmt_date(c.decision_signed_on)}.")  # fmt: skip
    if c.cell_resolution_on is None:
        raise DomainError("Chưa có nghị quyết của chi bộ đề nghị kết nạp.")
    if selectors.needs_committee_proposal(cell) and c.committee_resolution_on is None:
        raise DomainError("Chưa có nghị quyết của đảng ủy cơ sở đề nghị kết nạp.")
    require(decision_signed_on, "decision_signed_on", "Cần ghi ngày ký quyết định.")
    on = decision_signed_on
    last_resolution = c.committee_resolution_on or c.cell_resolution_on
    not_before(on, last_resolution, "decision_signed_on",
               "Quyết định ký ngày {day}, trước nghị quyết đề nghị kết nạp ({earlier}).")  # fmt: skip
    if decision_received_on is not None:
        not_before(decision_received_on, on, "decision_received_on",
                   "Ngày chi bộ nhận quyết định ({day}) không thể trước ngày ký ({earlier}).")  # fmt: skip
    rules.check_decider(
        selectors.decider_for(cell, on), decided_by.pk, decided_by_body, on,
        what="Quyết định kết nạp đảng viên",
    )  # fmt: skip
    rules.check_extension(extension_working_days, extension_reason, on)
    if admit:
        _check_consents(c, on)
    due = rules.admission_decision_due_on(
        c.cell_resolution_on,
        extension_working_days,
        calendar_around(cell, c.cell_resolution_on, on),
    )
    if on > due and not late_reason.strip():
        raise DomainError({"late_reason": (
            f"Quyết định phải ban hành trong 60 ngày làm việc kể từ ngày chi bộ có nghị quyết "
            f"({fmt_date(c.cell_resolution_on)})"
            + (f", gia hạn {extension_working_days} ngày làm việc" if extension_working_days else "")
            + f", tức đến hết ngày {fmt_date(due)}: quyết định ký ngày {fmt_date(on)} cần ghi giải "
            f"trình của cấp ủy về việc chậm ({rules.cite(on, '4.3.1')})."
        )})  # fmt: skip
    number = text.normalize(decision_number)
    if admit:  # the next number of the outgoing register, or the one typed, recorded there
        number = register_decision(
            actor=actor, source=c, decided_by=decided_by, decided_by_body=decided_by_body,
            typed=number, on=on, summary=f"Kết nạp {'lại ' if c.is_readmission else ''}đảng viên: "
            f"{c.full_name}",
        ).number_text  # fmt: skip
    before = snapshot(c)
    c.decision_number = number
    c.decision_signed_on = on
    c.decided_by = decided_by
    c.decided_by_body = decided_by_body
    c.decision_received_on = decision_received_on
    c.extension_working_days = extension_working_days
    c.extension_reason = text.normalize(extension_reason)
    c.decision_late_reason = text.normalize(late_reason) if on > due else ""
    c.refused = not admit
    c.refused_on = None if admit else on
    full_clean(c, exclude=["name_sort_key", "search_name"])
    derive_candidate(c, original)
    audit(actor, "decision_recorded", c, cell, before=before, after=c)
    return c


# Who decides → which body of the committee issues and signs the decision.
ISSUING_BODIES = {
    DecidingBody.GRASSROOTS_COMMITTEE: IssuingBody.COMMITTEE,
    DecidingBody.STANDING_COMMITTEE: IssuingBody.STANDING_COMMITTEE,
    DecidingBody.PROVINCIAL_STANDING_OFFICE: IssuingBody.STANDING_OFFICE,
}


def register_decision(
    *, actor, source, decided_by: Organization, decided_by_body: str, typed: str, on: dt.date,
    summary: str,
):  # fmt: skip
    """Number a decision in the deciding committee's outgoing register (HD 36-HD/VPTW mục II 1.3):
    the next number of its decisions in the term, or the number typed, recorded there."""
    return number_document(
        actor=actor, issuer=decided_by, doc_type=DocType.DECISION, typed=typed, issued_on=on,
        summary=summary, field="decision_number", body=ISSUING_BODIES[decided_by_body],
        signer=secretary_name(decided_by, on), source=source,
    )  # fmt: skip


def _check_consents(c: Candidate, on: dt.date) -> None:
    if c.over_60_consent_number.strip() and c.over_60_consent_on and c.over_60_consent_on > on:
        raise DomainError({"over_60_consent_on": (
            f"Văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy phải có trước khi cấp ủy có thẩm "
            f"quyền quyết định ({rules.statute_guidance(on)}, mục 1.1)."
        )})  # fmt: skip
    if c.readmission_of_id:
        rules.check_readmission_consent(
            c.readmission_consent_on if c.readmission_consent_number.strip() else None, on
        )


@transaction.atomic
def record_ceremony(
    *, actor, candidate: Candidate, ceremony_on: dt.date, decision_received_on: dt.date | None = None,
    late_consent: str = "",
) -> Candidate:  # fmt: skip
    """Record the admission ceremony: the person becomes a probationary member of the cell
    (a new member record, or the former member's readmission event)."""
    original = lock_candidate(candidate)
    check_open(candidate)
    c, cell = candidate, candidate.organization
    if c.decision_signed_on is None or c.refused:
        raise DomainError("Chưa có quyết định kết nạp: chưa tổ chức được lễ kết nạp.")
    require(ceremony_on, "ceremony_on", "Cần ghi ngày tổ chức lễ kết nạp.")
    received = decision_received_on or c.decision_received_on
    if received is not None:
        not_before(received, c.decision_signed_on, "decision_received_on",
                   "Ngày chi bộ nhận quyết định ({day}) không thể trước ngày ký ({earlier}).")  # fmt: skip
    received = received or c.decision_signed_on
    not_before(ceremony_on, received, "ceremony_on",
               "Lễ kết nạp ({day}) không thể trước ngày chi bộ nhận quyết định ({earlier}).")  # fmt: skip
    due = rules.ceremony_due_on(received, calendar_around(cell, received, ceremony_on))
    rules.check_ceremony_on_time(ceremony_on, due, late_consent=late_consent, received_on=received)
    before = snapshot(c)
    issuer = c.decided_by.committee if c.decided_by else ""
    if c.readmission_of is not None:
        members.record_event(
            actor=actor, member=c.readmission_of, kind=MemberEvent.Kind.READMITTED,
            happened_on=c.decision_signed_on, organization=cell, decision_number=c.decision_number,
            decision_signed_on=c.decision_signed_on, decision_issuer=issuer, ceremony_on=ceremony_on,
        )  # fmt: skip
        member = c.readmission_of
    else:
        member = members.create_member(
            actor=actor, organization=cell, admitted_on=c.decision_signed_on,
            admission_decision=c.decision_number, admission_decision_signed_on=c.decision_signed_on,
            admission_decision_issuer=issuer, ceremony_on=ceremony_on,
            **{name: getattr(c, name) for name in IDENTITY_FIELDS},
        )  # fmt: skip
    c.decision_received_on = received if (decision_received_on or c.decision_received_on) else None
    c.ceremony_on = ceremony_on
    c.ceremony_late_consent = text.normalize(late_consent) if ceremony_on > due else ""
    c.member = member
    derive_candidate(c, original)
    audit(actor, "ceremony_recorded", c, cell, before=before, after=c)
    return c
