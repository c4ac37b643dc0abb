"""Helpers the admission services share: audit, derived state, common refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from dangbo.audit.services import record
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed, values
from dangbo.members.models import Member
from dangbo.members.services import last_org_path
from dangbo.organizations.models import CELL_KINDS, Organization

from .. import rules
from ..models import Candidate, Recognition, Vote

Stage = Candidate.Stage


def audit(actor, action: str, target: models.Model, org: Organization | None, **entry: Any) -> None:
    path = (org.path or "") if org is not None else ""
    member = getattr(target, "member", None)
    if not path and isinstance(member, Member):
        # A recognition of a member in no organization now: filed where they last were.
        path = last_org_path(member)
    record(actor=actor, action=f"admissions.{action}", target=target, org_path=path, **entry)


def full_clean(obj: models.Model, **kwargs: Any) -> None:
    """Run the model's checks; their refusal becomes a ``DomainError`` keyed by field."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(exc.message_dict) from exc


def require(value: Any, field: str, message: str) -> None:
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise DomainError({field: message})


def check_cell(org: Organization, on: dt.date, field: str = "organization") -> None:
    if org.kind not in CELL_KINDS:
        raise DomainError({field: (
            f"«{org.name}» không phải là chi bộ: hồ sơ kết nạp do chi bộ cơ sở hoặc chi bộ trực "
            f"thuộc quản lý."
        )})  # fmt: skip
    if org.dissolved_on is not None and org.dissolved_on <= on:
        raise DomainError(
            {field: f"«{org.name}» đã giải thể từ ngày {fmt_date(org.dissolved_on)}."}
        )


def check_open(candidate: Candidate) -> None:
    """Refuse a step on a file that is closed (admitted, refused, withdrawn or voided)."""
    if candidate.is_voided:
        raise DomainError("Hồ sơ kết nạp này đã bị hủy.")
    if candidate.stage == Stage.ADMITTED:
        raise DomainError("Người này đã được kết nạp: hồ sơ đã đóng.")
    if candidate.stage == Stage.REFUSED:
        raise DomainError("Cấp ủy đã quyết định không kết nạp: hồ sơ đã đóng.")
    if candidate.stage == Stage.WITHDRAWN:
        raise DomainError("Hồ sơ đã dừng xem xét.")


def check_not_voted(candidate: Candidate, what: str) -> None:
    """Refuse changing the dossier once the cell has resolved to propose the admission."""
    if candidate.cell_resolution_on is not None:
        raise DomainError(
            f"Chi bộ đã có nghị quyết đề nghị kết nạp ngày {fmt_date(candidate.cell_resolution_on)}: "
            f"không sửa được {what} (hủy nghị quyết ghi nhầm trước)."
        )


def not_before(day: dt.date, earlier: dt.date | None, field: str, message: str) -> None:
    if earlier is not None and day < earlier:
        raise DomainError({field: message.format(earlier=fmt_date(earlier), day=fmt_date(day))})


def lock_candidate(candidate: Candidate) -> dict[str, Any]:
    """Re-read the file locked (``core.locking``); return its row for ``derive_candidate``."""
    lock(candidate)
    return values(candidate)


def lock_recognition(recognition: Recognition) -> dict[str, Any]:
    """Lock the probationer's member row, then the recognition; return the recognition's row."""
    lock(recognition.member)
    lock(recognition)
    return values(recognition)


def derive_candidate(candidate: Candidate, original: dict[str, Any] | None = None) -> None:
    """Recompute a file's derived dates and stage from its introducers and votes, and store them.

    With ``original`` (the row ``lock_candidate`` read), only the changed fields are written.
    """
    intros = [i for i in candidate.introducers.all() if i.voided_at is None]
    members = [i for i in intros if i.member_id]
    unions = [i for i in intros if not i.member_id]
    candidate.introduced_on = None
    if rules.introductions_complete(len(members), len(unions)):
        candidate.introduced_on = max(i.resolution_on or i.assigned_on for i in intros)
    votes = [v for v in candidate.votes.all() if v.voided_at is None and v.passed]
    cell = [v for v in votes if v.body == Vote.Body.CELL]
    committee = [v for v in votes if v.body == Vote.Body.GRASSROOTS_COMMITTEE]
    candidate.cell_resolution_on = max((v.held_on for v in cell), default=None)
    last_committee = max(committee, key=lambda v: (v.held_on, v.pk), default=None)
    candidate.committee_resolution_on = last_committee.held_on if last_committee else None
    candidate.committee_resolution_number = (
        last_committee.resolution_number if last_committee else ""
    )
    candidate.stage = rules.candidate_stage(steps_of(candidate))
    if original is None:
        candidate.save()
    else:
        save_changed(candidate, original)


def steps_of(candidate: Candidate) -> rules.Steps:
    c = candidate
    return rules.Steps(
        certificate_issued_on=c.certificate_issued_on, application_on=c.application_on,
        background_checked_on=c.background_checked_on, introduced_on=c.introduced_on,
        cell_resolution_on=c.cell_resolution_on, committee_resolution_on=c.committee_resolution_on,
        decision_signed_on=c.decision_signed_on, refused=c.refused,
        ceremony_on=c.ceremony_on if c.member_id else None, withdrawn_on=c.withdrawn_on,
    )  # fmt: skip


def derive_recognition(recognition: Recognition, original: dict[str, Any] | None = None) -> None:
    """Recompute the cell's resolution date and the escalation after three failed votes."""
    votes = [v for v in recognition.votes.all() if v.voided_at is None]
    cell = [v for v in votes if v.body == Vote.Body.CELL]
    passed = [v for v in cell if v.passed]
    recognition.cell_resolution_on = max((v.held_on for v in passed), default=None)
    if not recognition.is_decided:
        failed = len(cell) - len(passed)
        escalate = not passed and rules.recognition_escalated(failed)
        recognition.outcome = (
            Recognition.Outcome.ESCALATED if escalate else Recognition.Outcome.PENDING
        )
    if original is None:
        recognition.save()
    else:
        save_changed(recognition, original)
