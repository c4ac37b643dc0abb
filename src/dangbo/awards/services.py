"""Every write on Party badges: record, void, mark returned, reissue. Checks first, one
transaction, one audit entry each."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.audit.services import record, snapshot
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed, values
from dangbo.members.models import Member, Status
from dangbo.members.services import last_org_path

from . import rules, selectors
from .models import BadgeAward

ONCE_PER_MILESTONE = "badge_award_once_per_milestone"


def _org_path(award: BadgeAward) -> str:
    org = award.organization or award.member.organization
    return org.path if org is not None and org.path else last_org_path(award.member)


def _audit(actor, action: str, award: BadgeAward, **entry) -> None:
    record(actor=actor, action=f"awards.{action}", target=award, org_path=_org_path(award), **entry)


def _already_awarded_message(existing: BadgeAward) -> str:
    return (
        f"Đảng viên đã được ghi nhận Huy hiệu {existing.milestone} năm tuổi Đảng (quyết định số "
        f"{existing.decision_number} ngày {fmt_date(existing.decision_signed_on)}): mỗi mốc chỉ "
        f"ghi nhận một lần; Huy hiệu bị mất thì dùng «Cấp lại»."
    )


def _check_dates(
    *, decision_signed_on: dt.date, ceremony_on: dt.date | None, today: dt.date
) -> None:
    errors: dict[str, str] = {}
    if decision_signed_on > today:
        errors["decision_signed_on"] = "Ngày ký quyết định không được ở tương lai."
    if ceremony_on is not None and ceremony_on < decision_signed_on:
        errors["ceremony_on"] = (
            f"Ngày trao Huy hiệu ({fmt_date(ceremony_on)}) không thể trước ngày ký quyết định "
            f"({fmt_date(decision_signed_on)})."
        )
    if errors:
        raise DomainError(errors)


def _lock(award: BadgeAward) -> dict:
    """Lock the member, then the award (``core.locking``); return the award's row."""
    lock(award.member)
    lock(award)
    return values(award)


@transaction.atomic
def record_award(
    *,
    actor,
    member: Member,
    milestone: int,
    occasion_on: dt.date,
    decision_number: str,
    decision_signed_on: dt.date,
    decided_by: str = "",
    badge_number: str = "",
    ceremony_on: dt.date | None = None,
    early: bool = False,
    posthumous: bool = False,
    note: str = "",
) -> BadgeAward:
    """Record the badge awarded to ``member`` for ``milestone`` at ``occasion_on``.

    Refused, naming the rule: a milestone that is not one; one already
    recorded; a party age (gaps deducted) short of the milestone at the
    occasion, beyond the early-award window, or beyond 12 months for a
    posthumous award; posthumous for a living member; a member out of the
    Party at the occasion; a member held back by discipline.
    """
    lock(member)  # one award per milestone: looked for under the lock
    if member.is_voided:
        raise DomainError("Hồ sơ đảng viên đã bị hủy: khôi phục trước khi ghi nhận Huy hiệu.")
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise DomainError({"decision_number": "Cần ghi số quyết định tặng Huy hiệu Đảng."})
    _check_dates(
        decision_signed_on=decision_signed_on, ceremony_on=ceremony_on,
        today=timezone.localdate(),
    )  # fmt: skip
    existing = selectors.award_for_milestone(member, milestone)
    if existing is not None:
        raise DomainError({"milestone": _already_awarded_message(existing)})
    org = member.organization
    refusal = rules.badge_award_refusal(
        selectors.party_record(member), milestone=milestone, occasion_on=occasion_on,
        early=early, posthumous=posthumous, cutoff=selectors.badge_cutoff(org, occasion_on),
    )  # fmt: skip
    if refusal is not None:
        field, message = refusal
        raise DomainError({field: message} if field != "__all__" else message)
    award = BadgeAward(
        member=member, organization=org, milestone=milestone, occasion_on=occasion_on,
        decision_number=decision_number, decision_signed_on=decision_signed_on,
        decided_by=decided_by.strip(), badge_number=badge_number.strip(), ceremony_on=ceremony_on,
        early=early, posthumous=posthumous, note=note.strip(),
        gift_amount=rules.badge_gift(
            milestone, decision_signed_on,
            multiple=selectors.gift_multiple_setting(milestone, org, decision_signed_on),
        ),
    )  # fmt: skip
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as exc:  # a concurrent entry for the same milestone
        text = str(exc)
        if ONCE_PER_MILESTONE in text or ("UNIQUE" in text.upper() and "milestone" in text):
            raise DomainError(
                {"milestone": "Mốc này vừa được ghi nhận cho đảng viên: mỗi mốc chỉ một lần."}
            ) from exc
        raise
    _audit(actor, "recorded", award, after=award)
    return award


@transaction.atomic
def void_award(*, actor, award: BadgeAward, reason: str) -> BadgeAward:
    """Mark an award entered in error as void (kept, never deleted)."""
    original = _lock(award)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    if award.is_voided:
        raise DomainError("Bản ghi Huy hiệu này đã bị hủy.")
    if award.reissues.filter(voided_at__isnull=True).exists():
        raise DomainError("Huy hiệu này đã được cấp lại: hủy các lần cấp lại trước.")
    before = snapshot(award)
    award.voided_at = timezone.now()
    award.voided_reason = reason[:255]
    save_changed(award, original, ["voided_at", "voided_reason"])
    _audit(actor, "voided", award, before=before, after=award)
    return award


OUT_OF_PARTY = (Status.STRUCK_OFF, Status.EXPELLED)


@transaction.atomic
def mark_returned(*, actor, award: BadgeAward, returned_on: dt.date, note: str = "") -> BadgeAward:
    """Record that a member removed from the Party handed the badge back (HD 01-HD/TW, mục 18)."""
    original = _lock(award)
    if award.is_voided:
        raise DomainError("Bản ghi Huy hiệu này đã bị hủy.")
    if award.returned_on is not None:
        raise DomainError(f"Huy hiệu đã được ghi nhận nộp lại ngày {fmt_date(award.returned_on)}.")
    member = award.member
    if member.status not in OUT_OF_PARTY:
        raise DomainError(
            "Chỉ ghi nhận nộp lại Huy hiệu khi đảng viên đã bị khai trừ hoặc xóa tên khỏi danh "
            f"sách đảng viên ({rules.badge_guidance(returned_on)})."
        )
    errors = {}
    if returned_on > timezone.localdate():
        errors["returned_on"] = "Ngày nộp lại không được ở tương lai."
    elif returned_on < award.decision_signed_on:
        errors["returned_on"] = (
            f"Ngày nộp lại ({fmt_date(returned_on)}) không thể trước ngày ký quyết định tặng "
            f"({fmt_date(award.decision_signed_on)})."
        )
    if errors:
        raise DomainError(errors)
    before = snapshot(award)
    award.returned_on = returned_on
    if note.strip():
        award.note = (award.note + "\n" if award.note else "") + f"Nộp lại: {note.strip()}"
    save_changed(award, original, ["returned_on", "note"])
    _audit(actor, "returned", award, before=before, after=award)
    return award


@transaction.atomic
def reissue_award(
    *,
    actor,
    award: BadgeAward,
    reason: str,
    badge_number: str = "",
    decision_number: str = "",
    decision_signed_on: dt.date | None = None,
    decided_by: str = "",
    ceremony_on: dt.date | None = None,
) -> BadgeAward:
    """Record a badge reissued for one lost for good reason (HD 01-HD/TW, mục 18).

    The new row points at the original award and carries its milestone and
    occasion; no gift accompanies a reissue.
    """
    _lock(award)
    original = award.reissue_of or award
    if original is not award:
        lock(original)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": "Cần ghi lý do cấp lại (mất, hỏng...)."})
    if award.is_voided or original.is_voided:
        raise DomainError("Bản ghi Huy hiệu này đã bị hủy: không cấp lại.")
    if original.returned_on is not None or award.returned_on is not None:
        raise DomainError("Huy hiệu đã được nộp lại: không cấp lại.")
    member = original.member
    if member.status in OUT_OF_PARTY:
        raise DomainError(
            f"Đảng viên đã {rules.STATUS_OUT_OF_PARTY[member.status]}: không cấp lại Huy hiệu Đảng "
            f"({rules.badge_guidance(timezone.localdate())})."
        )
    today = timezone.localdate()
    if decision_signed_on is not None:
        _check_dates(decision_signed_on=decision_signed_on, ceremony_on=ceremony_on, today=today)
        if decision_signed_on < original.decision_signed_on:
            raise DomainError({"decision_signed_on": (
                f"Ngày ký quyết định cấp lại ({fmt_date(decision_signed_on)}) không thể trước "
                f"quyết định tặng ({fmt_date(original.decision_signed_on)})."
            )})  # fmt: skip
    elif ceremony_on is not None and ceremony_on > today:
        raise DomainError({"ceremony_on": "Ngày trao không được ở tương lai."})
    reissue = BadgeAward(
        member=member, organization=member.organization or original.organization,
        milestone=original.milestone, occasion_on=original.occasion_on,
        decision_number=decision_number.strip() or original.decision_number,
        decision_signed_on=decision_signed_on or original.decision_signed_on,
        decided_by=decided_by.strip() or original.decided_by, badge_number=badge_number.strip(),
        ceremony_on=ceremony_on, early=original.early, posthumous=original.posthumous,
        reissue_of=original, note=f"Cấp lại: {reason}",
    )  # fmt: skip
    reissue.save()
    _audit(actor, "reissued", reissue, after=reissue, note=f"Cấp lại cho bản ghi #{original.pk}")
    return reissue
