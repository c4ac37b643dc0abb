"""The file before the cell votes: proposing a candidate, the dossier, the introducers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import keeps_refusals, record_refusal, snapshot
from dangbo.core import text
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed
from dangbo.members import services as member_services
from dangbo.members.models import ACTIVE_STATUSES, Member, Status
from dangbo.organizations.models import Organization

from .. import rules, selectors
from ..models import Candidate, Introducer, LeftReason
from ._common import (
    audit,
    check_cell,
    check_not_voted,
    check_open,
    derive_candidate,
    full_clean,
    lock_candidate,
    not_before,
    require,
)  # fmt: skip

IDENTITY_FIELDS = (
    "full_name", "date_of_birth", "sex", "ethnicity", "religion", "personal_id_number",
    "home_town", "permanent_address", "occupation", "general_education", "phone",
)  # fmt: skip
EDITABLE_FIELDS = (
    *IDENTITY_FIELDS, "youth_union_member", "trade_union_member", "education_exception",
    "proposed_by", "proposed_on", "over_60_consent_number", "over_60_consent_on",
    "readmission_consent_number", "readmission_consent_on", "left_reason", "expunged_on",
)  # fmt: skip
NULLABLE = {"personal_id_number", "over_60_consent_on", "readmission_consent_on", "expunged_on"}


def _clean(candidate: Candidate, actor=None) -> None:
    """Normalise and check a file's identity and the facts that do not depend on other rows."""
    c = candidate
    c.full_name = text.normalize(c.full_name)
    require(c.full_name, "full_name", "Cần ghi họ và tên.")
    c.name_sort_key = text.name_sort_key(c.full_name)
    c.search_name = text.fold(c.full_name)
    c.personal_id_number = (c.personal_id_number or "").strip() or None
    for field in ("proposed_by", "education_exception", "over_60_consent_number",
                  "readmission_consent_number", "occupation", "home_town", "permanent_address"):  # fmt: skip
        setattr(c, field, text.normalize(getattr(c, field) or ""))
    pid = c.personal_id_number
    if pid and not (pid.isdigit() and len(pid) == 12):
        raise DomainError({"personal_id_number": "Số định danh cá nhân gồm đúng 12 chữ số."})
    require(c.date_of_birth, "date_of_birth", "Cần ghi ngày sinh.")
    require(c.proposed_on, "proposed_on", "Cần ghi ngày giới thiệu.")
    if c.date_of_birth >= c.proposed_on:
        raise DomainError({"date_of_birth": "Ngày sinh phải trước ngày giới thiệu."})
    if c.date_of_birth > timezone.localdate():
        raise DomainError({"date_of_birth": "Ngày sinh không được ở tương lai."})
    if c.left_reason and not c.readmission_of_id:
        c.left_reason = ""
    full_clean(c, exclude=["name_sort_key", "search_name", "organization", "readmission_of"])
    _check_unique_person(c, actor)


def _check_unique_person(c: Candidate, actor=None) -> None:
    """One open file per person, and none for a member of the Party.

    The member or the other file may lie outside the user's subtree: the message names
    neither (but a file of the same cell), and the attempt is logged above it.
    """
    if not c.personal_id_number:
        return
    member = Member.objects.filter(
        personal_id_number=c.personal_id_number, voided_at__isnull=True
    ).select_related("organization").first()  # fmt: skip
    attempt = f"hồ sơ kết nạp «{c.full_name}» tại «{c.organization.name}»"
    if member is not None and member.pk != c.readmission_of_id and member.status in ACTIVE_STATUSES:
        raise DomainError({"personal_id_number": member_services.refuse_duplicate(
            actor, member, "personal_id_number", c.personal_id_number, attempt=attempt,
            action="admissions",
        )})  # fmt: skip
    twin = (
        Candidate.objects.filter(
            personal_id_number=c.personal_id_number, voided_at__isnull=True,
            stage__in=selectors.OPEN_STAGES,
        ).exclude(pk=c.pk).select_related("organization").first()
    )  # fmt: skip
    if twin is None:
        return
    if twin.organization_id == c.organization_id:
        raise DomainError({"personal_id_number": (
            f"Chi bộ đã có hồ sơ kết nạp đang xem xét của {twin.full_name} (số định danh "
            f"{c.personal_id_number})."
        )})  # fmt: skip
    record_refusal(
        actor=actor, action="admissions.duplicate_refused", target=twin,
        org_path=twin.organization.path or "",
        after={"field": "personal_id_number", "value": c.personal_id_number},
        note=(
            f"Từ chối mở {attempt}: số định danh cá nhân {c.personal_id_number} đã có trong "
            "hồ sơ kết nạp này, đang xem xét."
        ),
    )  # fmt: skip
    raise DomainError(
        {
            "personal_id_number": (
                "Số định danh cá nhân này đã có trong một hồ sơ kết nạp đang xem xét; liên hệ cấp ủy "
                "cấp trên."
            )
        }
    )


def _check_readmission(c: Candidate, on: dt.date) -> None:
    member = c.readmission_of
    if member is None:
        return
    if member.is_voided or member.status not in (Status.STRUCK_OFF, Status.EXPELLED):
        raise DomainError({"readmission_of": (
            f"Chỉ kết nạp lại người đã bị xóa tên hoặc khai trừ; {member.full_name} đang ở tình "
            f"trạng «{member.get_status_display() or 'chưa có'}»."
        )})  # fmt: skip
    rules.check_readmission_allowed(
        readmitted_before=selectors.was_readmitted(member), left_reason=c.left_reason,
        barred_reasons=selectors.barred_reasons(c.organization, on), on=on,
        reason_label=LeftReason(c.left_reason).label if c.left_reason in LeftReason.values else "",
    )  # fmt: skip
    other = (
        Candidate.objects.filter(readmission_of=member, voided_at__isnull=True,
                                 stage__in=selectors.OPEN_STAGES).exclude(pk=c.pk).exists()
    )  # fmt: skip
    if other:
        raise DomainError({"readmission_of": (
            f"Đã có hồ sơ kết nạp lại đang xem xét của {member.full_name}."
        )})  # fmt: skip


@keeps_refusals
@transaction.atomic
def propose_candidate(
    *, actor, organization: Organization, proposed_on: dt.date,
    readmission_of: Member | None = None, **fields: Any,
) -> Candidate:  # fmt: skip
    """Open the admission file of a person a mass organization or unit proposes to the cell.

    For a readmission the identity not given is taken from the former member's record.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    if readmission_of is not None:
        for name in IDENTITY_FIELDS:
            if fields.get(name) in (None, ""):
                fields[name] = getattr(readmission_of, name)
    check_cell(organization, proposed_on)
    candidate = Candidate(
        organization=organization, proposed_on=proposed_on, readmission_of=readmission_of,
        **{k: ("" if v is None and k not in NULLABLE else v) for k, v in fields.items()},
    )  # fmt: skip
    _clean(candidate, actor)
    _check_readmission(candidate, proposed_on)
    candidate.stage = rules.candidate_stage(rules.Steps())
    candidate.save()
    audit(actor, "candidate_proposed", candidate, organization, after=candidate)
    return candidate


@keeps_refusals
@transaction.atomic
def update_candidate(*, actor, candidate: Candidate, **changes: Any) -> Candidate:
    """Change a file's identity, proposal, consents and readmission facts."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Không sửa trực tiếp được: {', '.join(sorted(unknown))}.")
    original = lock_candidate(candidate)
    check_open(candidate)
    before = snapshot(candidate)
    for name, value in changes.items():
        setattr(candidate, name, "" if value is None and name not in NULLABLE else value)
    _clean(candidate, actor)
    if candidate.is_readmission:
        _check_readmission(candidate, candidate.proposed_on)
    save_changed(candidate, original)
    audit(actor, "candidate_updated", candidate, candidate.organization, before=before,
          after=candidate)  # fmt: skip
    return candidate


@transaction.atomic
def record_awareness_certificate(
    *, actor, candidate: Candidate, issued_on: dt.date, issuer: str, number: str = ""
) -> Candidate:
    """Record the certificate of the Party awareness class the candidate attended."""
    original = lock_candidate(candidate)
    check_open(candidate)
    check_not_voted(candidate, "giấy chứng nhận")
    require(issued_on, "issued_on", "Cần ghi ngày cấp giấy chứng nhận.")
    require(issuer, "issuer", "Cần ghi nơi cấp giấy chứng nhận.")
    not_before(issued_on, candidate.date_of_birth, "issued_on", "Ngày cấp phải sau ngày sinh.")
    before = snapshot(candidate)
    candidate.certificate_issued_on = issued_on
    candidate.certificate_issuer = text.normalize(issuer)
    candidate.certificate_number = text.normalize(number)
    full_clean(candidate, exclude=["name_sort_key", "search_name"])
    derive_candidate(candidate, original)
    audit(actor, "certificate_recorded", candidate, candidate.organization, before=before,
          after=candidate)  # fmt: skip
    return candidate


@transaction.atomic
def record_application(*, actor, candidate: Candidate, application_on: dt.date) -> Candidate:
    """Record the date of the candidate's application letter (đơn xin vào Đảng); the dossier opens."""
    original = lock_candidate(candidate)
    check_open(candidate)
    check_not_voted(candidate, "ngày làm đơn")
    require(application_on, "application_on", "Cần ghi ngày làm đơn.")
    not_before(application_on, candidate.date_of_birth, "application_on",
               "Ngày làm đơn phải sau ngày sinh.")  # fmt: skip
    before = snapshot(candidate)
    candidate.application_on = application_on
    derive_candidate(candidate, original)
    audit(actor, "application_recorded", candidate, candidate.organization, before=before,
          after=candidate)  # fmt: skip
    return candidate


@transaction.atomic
def record_background_check(
    *, actor, candidate: Candidate, checked_on: dt.date, result: str, note: str = ""
) -> Candidate:
    """Record the verification of the applicant's background (thẩm tra lý lịch) and its result."""
    original = lock_candidate(candidate)
    check_open(candidate)
    check_not_voted(candidate, "kết quả thẩm tra lý lịch")
    require(checked_on, "checked_on", "Cần ghi ngày thẩm tra.")
    if result not in Candidate.BackgroundResult.values:
        raise DomainError({"result": "Cần chọn kết quả thẩm tra lý lịch."})
    if result == Candidate.BackgroundResult.FAILED and not note.strip():
        raise DomainError({"note": "Cần ghi lý do khi kết quả thẩm tra không đạt."})
    before = snapshot(candidate)
    candidate.background_checked_on = checked_on
    candidate.background_check_result = result
    candidate.background_check_note = text.normalize(note)
    derive_candidate(candidate, original)
    audit(actor, "background_checked", candidate, candidate.organization, before=before,
          after=candidate)  # fmt: skip
    return candidate


@transaction.atomic
def add_introducer(
    *, actor, candidate: Candidate, assigned_on: dt.date, member: Member | None = None,
    union: str = "", resolution_number: str = "", resolution_on: dt.date | None = None,
    relation: str = "", known_since: dt.date | None = None, is_replacement: bool = False,
) -> Introducer:  # fmt: skip
    """Record an introduction: an official member (Điều lệ Đảng Đ4 k2) or a union committee's
    resolution introducing the candidate (Đ4 k1)."""
    original = lock_candidate(candidate)
    check_open(candidate)
    check_not_voted(candidate, "người giới thiệu")
    require(assigned_on, "assigned_on", "Cần ghi ngày giới thiệu.")
    current = [i for i in candidate.introducers.all() if i.voided_at is None]
    if len(current) >= 2:
        raise DomainError({"member": (
            "Hồ sơ đã có đủ hai người (hoặc tổ chức) giới thiệu: hủy giới thiệu cần thay (người "
            "giới thiệu đã chuyển đi, bị kỷ luật...) trước khi thêm người thay thế."
        )})  # fmt: skip
    if (member is None) == (not union):
        raise DomainError({"member": "Chọn một đảng viên giới thiệu, hoặc ghi nghị quyết giới "
                                     "thiệu của đoàn thể (không chọn cả hai)."})  # fmt: skip
    if member is not None:
        _check_member_introducer(candidate, member, current, assigned_on, relation, known_since,
                                 is_replacement)  # fmt: skip
        union, resolution_number, resolution_on = "", "", None
    else:
        _check_union_introducer(candidate, union, resolution_number, resolution_on, current)
        relation, known_since, is_replacement = "", None, False
    introducer = Introducer(
        candidate=candidate, member=member, union=union, resolution_number=text.normalize(resolution_number),
        resolution_on=resolution_on, relation=relation, known_since=known_since,
        is_replacement=is_replacement, assigned_on=assigned_on,
    )  # fmt: skip
    full_clean(introducer, exclude=["candidate"])
    introducer.save()
    derive_candidate(candidate, original)
    audit(actor, "introducer_added", candidate, candidate.organization, after=snapshot(introducer))
    return introducer


def _check_member_introducer(candidate, member, current, assigned_on, relation, known_since,
                             is_replacement) -> None:  # fmt: skip
    if member.is_voided:
        raise DomainError({"member": "Hồ sơ đảng viên này đã bị hủy."})
    if candidate.readmission_of_id == member.pk:
        raise DomainError({"member": "Người vào Đảng không thể tự giới thiệu mình."})
    if any(i.member_id == member.pk for i in current):
        raise DomainError(
            {"member": f"Đảng viên {member.full_name} đã là người giới thiệu hồ sơ này."}
        )
    official = selectors.status_on(member, assigned_on) == Status.OFFICIAL
    rules.check_introducer(
        official_on_introduction=official, relation=relation, known_since=known_since,
        assigned_on=assigned_on, is_replacement=is_replacement,
    )  # fmt: skip


def _check_union_introducer(candidate, union, number, on, current) -> None:
    if union not in Introducer.Union.values:
        raise DomainError({"union": "Cần chọn tổ chức đoàn thể giới thiệu."})
    require(number, "resolution_number", "Cần ghi số nghị quyết giới thiệu.")
    require(on, "resolution_on", "Cần ghi ngày nghị quyết giới thiệu.")
    if union == Introducer.Union.YOUTH_UNION and not candidate.youth_union_member:
        raise DomainError({"union": "Người vào Đảng không phải đoàn viên Đoàn TNCS Hồ Chí Minh: "
                                    "ban chấp hành Đoàn cơ sở không giới thiệu được."})  # fmt: skip
    if union == Introducer.Union.TRADE_UNION and not candidate.trade_union_member:
        raise DomainError({"union": "Người vào Đảng không phải đoàn viên công đoàn: ban chấp hành "
                                    "công đoàn cơ sở không giới thiệu được."})  # fmt: skip
    if any(not i.member_id for i in current):
        raise DomainError({"union": "Hồ sơ đã có một nghị quyết giới thiệu của đoàn thể."})


@transaction.atomic
def void_introducer(*, actor, introducer: Introducer, reason: str) -> Introducer:
    """Mark an introduction entered in error, or one to be redone (a stale dossier)."""
    candidate = introducer.candidate
    original = lock_candidate(candidate)
    lock(introducer)
    check_open(candidate)
    check_not_voted(candidate, "người giới thiệu")
    if introducer.voided_at is not None:
        raise DomainError("Giới thiệu này đã được hủy.")
    require(reason, "reason", "Cần ghi lý do hủy.")
    introducer.voided_at = timezone.now()
    introducer.voided_reason = text.normalize(reason)
    introducer.save(update_fields=["voided_at", "voided_reason"])
    derive_candidate(candidate, original)
    audit(actor, "introducer_voided", candidate, candidate.organization,
          after=snapshot(introducer), note=introducer.voided_reason)  # fmt: skip
    return introducer


@transaction.atomic
def withdraw_candidate(
    *, actor, candidate: Candidate, withdrawn_on: dt.date, reason: str
) -> Candidate:
    """Stop considering a file (the person withdrew, moved away, no longer qualifies)."""
    original = lock_candidate(candidate)
    check_open(candidate)
    require(withdrawn_on, "withdrawn_on", "Cần ghi ngày dừng xem xét.")
    require(reason, "reason", "Cần ghi lý do dừng xem xét.")
    not_before(withdrawn_on, candidate.proposed_on, "withdrawn_on",
               "Ngày dừng xem xét ({day}) không thể trước ngày giới thiệu ({earlier}).")  # fmt: skip
    if candidate.decision_signed_on and not candidate.refused:
        raise DomainError(
            f"Đã có quyết định kết nạp số {candidate.decision_number} ngày "
            f"{fmt_date(candidate.decision_signed_on)}: việc không tổ chức lễ kết nạp do cấp ủy ra "
            f"quyết định xem xét, không dừng hồ sơ tại đây."
        )
    before = snapshot(candidate)
    candidate.withdrawn_on = withdrawn_on
    candidate.withdrawn_reason = text.normalize(reason)
    derive_candidate(candidate, original)
    audit(actor, "candidate_withdrawn", candidate, candidate.organization, before=before,
          after=candidate, note=candidate.withdrawn_reason)  # fmt: skip
    return candidate


@transaction.atomic
def void_candidate(*, actor, candidate: Candidate, reason: str) -> Candidate:
    """Mark a file entered in error. It is kept and no longer counted."""
    original = lock_candidate(candidate)
    if candidate.is_voided:
        raise DomainError("Hồ sơ kết nạp này đã được hủy.")
    require(reason, "reason", "Cần ghi lý do hủy hồ sơ.")
    if candidate.member_id is not None:
        raise DomainError(
            "Người này đã được kết nạp: hủy sự kiện kết nạp trong hồ sơ đảng viên, không hủy hồ sơ "
            "kết nạp."
        )
    before = snapshot(candidate)
    candidate.voided_at = timezone.now()
    candidate.voided_reason = text.normalize(reason)
    save_changed(candidate, original, ["voided_at", "voided_reason"])
    audit(actor, "candidate_voided", candidate, candidate.organization, before=before,
          after=candidate, note=candidate.voided_reason)  # fmt: skip
    return candidate
