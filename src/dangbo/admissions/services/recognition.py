"""Recognition of a probationary member as an official member (chuyển đảng chính thức)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import snapshot
from dangbo.core import text
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed
from dangbo.members import services as members
from dangbo.members.models import Member, MemberEvent, Status
from dangbo.organizations.models import Organization
from dangbo.regulations.workdays import calendar_around

from .. import rules, selectors
from ..models import Recognition, Vote
from ._common import (
    audit,
    derive_recognition,
    full_clean,
    lock_recognition,
    not_before,
    require,
)
from .decisions import _vote, cell_eligible, register_decision

NOT_RECOGNIZED_GROUNDS = "Không được công nhận đảng viên chính thức (Điều lệ Đảng, Điều 5)"
Outcome = Recognition.Outcome


def _check_dossier(member: Member, mentor: Member | None) -> None:
    if mentor is None:
        return
    if mentor.pk == member.pk:
        raise DomainError({"mentor": "Đảng viên dự bị không thể tự giúp đỡ mình."})
    if mentor.is_voided or mentor.status != Status.OFFICIAL:
        raise DomainError({"mentor": (
            f"Đảng viên giúp đỡ phải là đảng viên chính thức (Điều lệ Đảng, Điều 5 khoản 1); "
            f"{mentor.full_name} đang ở tình trạng «{mentor.get_status_display()}»."
        )})  # fmt: skip


def _check_pending(recognition: Recognition) -> None:
    if recognition.is_voided:
        raise DomainError("Việc xét công nhận này đã bị hủy.")
    if recognition.is_decided:
        raise DomainError(
            f"Đã có quyết định số {recognition.decision_number} ngày "
            f"{fmt_date(recognition.decision_signed_on)}: {recognition.get_outcome_display().lower()}."
        )


@transaction.atomic
def open_recognition(
    *, actor, member: Member, mentor: Member | None = None, course_certificate_number: str = "",
    course_certificate_on: dt.date | None = None, self_review_on: dt.date | None = None,
) -> Recognition:  # fmt: skip
    """Open the consideration of a probationary member's recognition for their current probation."""
    lock(member)  # one open recognition per probation: looked for under the lock
    if member.is_voided:
        raise DomainError("Hồ sơ đảng viên đã bị hủy.")
    if member.status != Status.PROBATIONARY or member.probation_ends_on is None:
        raise DomainError(
            f"{member.full_name} không phải là đảng viên dự bị: không có việc xét công nhận "
            f"đảng viên chính thức."
        )
    existing = selectors.current_recognition(member)
    if existing is not None:
        raise DomainError("Đã mở việc xét công nhận cho thời kỳ dự bị này.")
    _check_dossier(member, mentor)
    recognition = Recognition(
        member=member, probation_ends_on=member.probation_ends_on, mentor=mentor,
        course_certificate_number=text.normalize(course_certificate_number),
        course_certificate_on=course_certificate_on, self_review_on=self_review_on,
    )  # fmt: skip
    full_clean(recognition, validate_constraints=False)
    recognition.save()
    audit(actor, "recognition_opened", recognition, member.organization, after=recognition)
    return recognition


@transaction.atomic
def update_recognition(
    *, actor, recognition: Recognition, mentor: Member | None = None,
    course_certificate_number: str = "", course_certificate_on: dt.date | None = None,
    self_review_on: dt.date | None = None,
) -> Recognition:  # fmt: skip
    """Change the recognition dossier: the mentor, the new-member course, the self-review."""
    original = lock_recognition(recognition)
    _check_pending(recognition)
    _check_dossier(recognition.member, mentor)
    before = snapshot(recognition)
    recognition.mentor = mentor
    recognition.course_certificate_number = text.normalize(course_certificate_number)
    recognition.course_certificate_on = course_certificate_on
    recognition.self_review_on = self_review_on
    full_clean(recognition, validate_constraints=False)
    save_changed(recognition, original)
    audit(actor, "recognition_updated", recognition, recognition.member.organization,
          before=before, after=recognition)  # fmt: skip
    return recognition


@transaction.atomic
def record_recognition_vote(
    *, actor, recognition: Recognition, held_on: dt.date, in_favour: int,
    body: str = Vote.Body.CELL, proposal: str = Vote.Proposal.RECOGNIZE,
    eligible: int | None = None, resolution_number: str = "", note: str = "",
) -> Vote:  # fmt: skip
    """Record a vote of the cell (or of the grassroots committee) on recognizing the member, or on
    striking them off; ≥ two thirds pass (Điều lệ Đảng Đ5 k2); after three failed cell votes the
    case goes to the superior committee (mục 4.2.3)."""
    original = lock_recognition(recognition)
    _check_pending(recognition)
    member = recognition.member
    cell = member.organization
    require(held_on, "held_on", "Cần ghi ngày họp.")
    if proposal not in (Vote.Proposal.RECOGNIZE, Vote.Proposal.NOT_RECOGNIZE):
        raise DomainError({"proposal": "Cần chọn nội dung biểu quyết."})
    if held_on < recognition.probation_ends_on:
        raise DomainError({"held_on": (
            f"Thời kỳ dự bị 12 tháng kết thúc ngày {fmt_date(recognition.probation_ends_on)}: chi bộ "
            f"chỉ xét công nhận khi hết thời kỳ dự bị (Điều lệ Đảng, Điều 5 khoản 2)."
        )})  # fmt: skip
    if body == Vote.Body.CELL:
        if recognition.outcome == Outcome.ESCALATED:
            raise DomainError(
                f"Chi bộ đã biểu quyết {rules.RECOGNITION_VOTES_BEFORE_ESCALATION} lần chưa đạt: "
                f"báo cáo cấp ủy cấp trên trực tiếp xem xét, quyết định ({rules.cite(held_on, '4.2.3')})."
            )
        if recognition.cell_resolution_on is not None:
            raise DomainError({"held_on": (
                f"Chi bộ đã có nghị quyết ngày {fmt_date(recognition.cell_resolution_on)}."
            )})  # fmt: skip
        eligible = cell_eligible(cell, held_on, eligible)
    elif body == Vote.Body.GRASSROOTS_COMMITTEE:
        if not selectors.needs_committee_proposal(cell):
            raise DomainError(f"«{cell.name}» là chi bộ cơ sở: không có bước đảng ủy cơ sở xét.")
        cell_vote = _passed_cell_vote(recognition)
        if cell_vote is None:
            raise DomainError("Chưa có nghị quyết của chi bộ.")
        if proposal != cell_vote.proposal:
            raise DomainError({"proposal": "Nội dung biểu quyết phải là nội dung chi bộ đề nghị."})
        not_before(held_on, cell_vote.held_on, "held_on",
                   "Đảng ủy cơ sở họp ngày {day}, trước nghị quyết của chi bộ ({earlier}).")  # fmt: skip
        require(eligible, "eligible", "Cần ghi tổng số cấp ủy viên.")
    else:
        raise DomainError({"body": "Cần chọn cấp biểu quyết."})
    before = snapshot(recognition)
    vote = _vote(
        parent={"recognition": recognition}, body=body, proposal=proposal, held_on=held_on,
        eligible=eligible, in_favour=in_favour, resolution_number=resolution_number, note=note,
    )  # fmt: skip
    derive_recognition(recognition, original)
    audit(actor, "recognition_vote_recorded", recognition, cell, before=before,
          after={"vote": snapshot(vote), "recognition": snapshot(recognition)})  # fmt: skip
    return vote


def _passed_cell_vote(recognition: Recognition) -> Vote | None:
    passed = [
        v for v in selectors.active_votes(recognition) if v.body == Vote.Body.CELL and v.passed
    ]
    return passed[-1] if passed else None


def _passed_committee_vote(recognition: Recognition) -> Vote | None:
    passed = [
        v for v in selectors.active_votes(recognition)
        if v.body == Vote.Body.GRASSROOTS_COMMITTEE and v.passed
    ]  # fmt: skip
    return passed[-1] if passed else None


@transaction.atomic
def record_recognition_decision(
    *, actor, recognition: Recognition, outcome: str, decision_signed_on: dt.date,
    decided_by: Organization, decided_by_body: str, decision_number: str = "",
    extension_working_days: int = 0, extension_reason: str = "", late_reason: str = "",
) -> Recognition:  # fmt: skip
    """Record the competent committee's decision: recognized as of the day the probation ended
    (mục 4.2.2), or not recognized and struck off the list (Điều lệ Đảng Đ5)."""
    original = lock_recognition(recognition)
    _check_pending(recognition)
    member, on = recognition.member, decision_signed_on
    cell = member.organization
    if outcome not in (Outcome.RECOGNIZED, Outcome.NOT_RECOGNIZED):
        raise DomainError({"outcome": "Cần chọn kết quả: công nhận hoặc không công nhận."})
    require(on, "decision_signed_on", "Cần ghi ngày ký quyết định.")
    if (
        member.status != Status.PROBATIONARY
        or member.probation_ends_on != recognition.probation_ends_on
    ):
        raise DomainError(f"{member.full_name} không còn trong thời kỳ dự bị này.")
    if on < recognition.probation_ends_on:
        raise DomainError({"decision_signed_on": (
            f"Thời kỳ dự bị kết thúc ngày {fmt_date(recognition.probation_ends_on)}: chưa quyết định "
            f"công nhận được trước ngày đó (Điều lệ Đảng, Điều 5 khoản 1)."
        )})  # fmt: skip
    escalated = recognition.outcome == Outcome.ESCALATED
    base = _decision_base(recognition, cell, outcome, escalated)
    not_before(on, base, "decision_signed_on",
               "Quyết định ký ngày {day}, trước nghị quyết đề nghị ({earlier}).")  # fmt: skip
    rules.check_decider(
        selectors.decider_for(cell, on), decided_by.pk, decided_by_body, on,
        what="Quyết định công nhận đảng viên chính thức",
    )  # fmt: skip
    rules.check_extension(extension_working_days, extension_reason, on)
    due = rules.recognition_decision_due_on(
        base, extension_working_days, calendar_around(cell, base, on)
    )
    if on > due and not late_reason.strip():
        raise DomainError({"late_reason": (
            f"Quyết định phải ban hành trong 30 ngày làm việc kể từ ngày chi bộ có nghị quyết "
            f"({fmt_date(base)})"
            + (f", gia hạn {extension_working_days} ngày làm việc" if extension_working_days else "")
            + f", tức đến hết ngày {fmt_date(due)}: quyết định ký ngày {fmt_date(on)} cần ghi giải "
            f"trình của cấp ủy về việc chậm ({rules.cite(on, '4.3.1')})."
        )})  # fmt: skip
    summary = (
        f"{'Không công nhận' if outcome == Outcome.NOT_RECOGNIZED else 'Công nhận'} đảng viên "
        f"chính thức: {member.full_name}"
    )
    number = register_decision(
        actor=actor, source=recognition, decided_by=decided_by, decided_by_body=decided_by_body,
        typed=text.normalize(decision_number), on=on, summary=summary,
    ).number_text  # fmt: skip
    before = snapshot(recognition)
    issuer = decided_by.committee
    if outcome == Outcome.RECOGNIZED:
        members.record_event(
            actor=actor, member=member, kind=MemberEvent.Kind.MADE_OFFICIAL,
            happened_on=recognition.probation_ends_on, decision_number=number,
            decision_signed_on=on, decision_issuer=issuer,
        )  # fmt: skip
    else:
        members.record_event(
            actor=actor, member=member, kind=MemberEvent.Kind.STRUCK_OFF, happened_on=on,
            decision_number=number, decision_signed_on=on, decision_issuer=issuer,
            grounds=NOT_RECOGNIZED_GROUNDS, reason_code=MemberEvent.Reason.PROBATION_NOT_RECOGNISED,
        )  # fmt: skip
    recognition.outcome = outcome
    recognition.decision_number = number
    recognition.decision_signed_on = on
    recognition.decided_by = decided_by
    recognition.decided_by_body = decided_by_body
    recognition.extension_working_days = extension_working_days
    recognition.extension_reason = text.normalize(extension_reason)
    recognition.decision_late_reason = text.normalize(late_reason) if on > due else ""
    full_clean(recognition, validate_constraints=False)
    save_changed(recognition, original)
    audit(actor, "recognition_decided", recognition, cell, before=before, after=recognition)
    return recognition


def _decision_base(recognition: Recognition, cell, outcome: str, escalated: bool) -> dt.date:
    """Return the date the decision's 30 working days run from, refusing a decision without the
    resolutions it rests on."""
    if escalated:
        return selectors.active_votes(recognition)[-1].held_on
    cell_vote = _passed_cell_vote(recognition)
    if cell_vote is None:
        raise DomainError("Chưa có nghị quyết của chi bộ đề nghị (đạt ít nhất hai phần ba).")
    wanted = (
        Vote.Proposal.RECOGNIZE if outcome == Outcome.RECOGNIZED else Vote.Proposal.NOT_RECOGNIZE
    )
    if cell_vote.proposal != wanted:
        raise DomainError({"outcome": (
            f"Chi bộ đề nghị «{cell_vote.get_proposal_display().lower()}»: quyết định khác đề nghị "
            f"cần chi bộ biểu quyết lại, hoặc do cấp trên quyết định sau ba lần biểu quyết chưa đạt."
        )})  # fmt: skip
    if selectors.needs_committee_proposal(cell) and _passed_committee_vote(recognition) is None:
        raise DomainError("Chưa có nghị quyết của đảng ủy cơ sở đề nghị.")
    return cell_vote.held_on


@transaction.atomic
def void_recognition(*, actor, recognition: Recognition, reason: str) -> Recognition:
    """Mark a recognition opened in error (the wrong member or probation)."""
    original = lock_recognition(recognition)
    _check_pending(recognition)
    require(reason, "reason", "Cần ghi lý do hủy.")
    before = snapshot(recognition)
    recognition.voided_at = timezone.now()
    recognition.voided_reason = text.normalize(reason)
    save_changed(recognition, original, ["voided_at", "voided_reason"])
    audit(actor, "recognition_voided", recognition, recognition.member.organization,
          before=before, after=recognition, note=recognition.voided_reason)  # fmt: skip
    return recognition
