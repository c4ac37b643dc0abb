"""Transfers of party activity (chuyển sinh hoạt đảng): every write, checked whole first.

The member's place follows from events, as everywhere in the registry: an
internal transfer writes the «Chuyển sinh hoạt nội bộ» event on the day the
receiving cell takes the member in (until then the member stays in the cell
they leave: never in two places, never in none), an outgoing one writes
«Chuyển sinh hoạt đi» on the date of the transfer letter, and a member
received from outside gets «Chuyển sinh hoạt đến». A temporary transfer writes
no event: the member stays in the home cell's count.

Services trust their arguments (the views and the API check who may act:
the sending side issues the letter, the receiving side confirms the arrival).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import keeps_refusals, record, snapshot
from dangbo.core import text
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed, values
from dangbo.documents.rules import DocType
from dangbo.documents.services import number_document
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.regulations.workdays import calendar_around

from . import lifecycle_rules, rules, services
from .models import (
    ACTIVE_STATUSES,
    Member,
    MemberEvent,
    Status,
    Transfer,
)
from .selectors import open_transfer_of

FAR_FUTURE_DAYS = 366


def _today() -> dt.date:
    return timezone.localdate()


def _owner_path(transfer: Transfer) -> str:
    org = transfer.from_organization or transfer.to_organization
    return org.path if org is not None and org.path else ""


def _audit(actor, action: str, transfer: Transfer, before: dict | None = None, note: str = ""):
    record(
        actor=actor, action=f"members.transfer_{action}", target=transfer,
        org_path=_owner_path(transfer), before=before, after=snapshot(transfer), note=note,
    )  # fmt: skip


def _rekeyed(exc: DomainError, names: dict[str, str]) -> DomainError:
    if not hasattr(exc, "error_dict"):
        return exc
    return DomainError(
        {names.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


def _not_in_future(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day > _today():
        raise DomainError({field: f"{label} ({fmt_date(day)}) không được ở tương lai."})


def _check_member_can_go(member: Member) -> None:
    if member.is_voided:
        raise DomainError("Hồ sơ đã bị hủy: khôi phục trước khi chuyển sinh hoạt đảng.")
    if member.status not in ACTIVE_STATUSES or member.organization_id is None:
        label = member.get_status_display() or "chưa có tình trạng"
        raise DomainError(
            f"Đồng chí {member.full_name} không còn sinh hoạt đảng trong hệ thống ({label.lower()}): "
            "không chuyển sinh hoạt đảng được."
        )
    current = open_transfer_of(member)
    if current is not None:
        raise DomainError(
            f"Đồng chí {member.full_name} đang có một lần chuyển sinh hoạt đảng chưa xong "
            f"({current.get_status_display().lower()}, nơi đến: {current.destination}): hoàn thành "
            "hoặc hủy bỏ lần đó trước."
        )


def _check_destination(org: Organization, member: Member, field: str = "to_organization") -> None:
    if org.kind not in CELL_KINDS:
        raise DomainError({field: (
            f"«{org.name}» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ cơ sở hoặc chi bộ "
            "trực thuộc."
        )})  # fmt: skip
    if org.dissolved_on is not None:
        raise DomainError(
            {field: f"«{org.name}» đã giải thể từ ngày {fmt_date(org.dissolved_on)}."}
        )
    if org.pk == member.organization_id:
        raise DomainError({field: f"Đồng chí {member.full_name} đang sinh hoạt tại «{org.name}»."})


def _destination(
    member: Member, to_organization: Organization | None, other_party: str, *, temporary: bool
) -> tuple[str, Organization | None, str]:
    """Return (direction, to_organization, other_party) after checking the destination."""
    other_party = (other_party or "").strip()
    if to_organization is not None:
        _check_destination(to_organization, member)
        return Transfer.Direction.INTERNAL, to_organization, ""
    if not other_party:
        where = "nơi sinh hoạt tạm thời" if temporary else "nơi đến"
        raise DomainError({"to_organization": (
            f"Cần chọn chi bộ {where} trong hệ thống hoặc ghi tổ chức đảng {where} ngoài hệ thống."
        )})  # fmt: skip
    return Transfer.Direction.OUTGOING, None, other_party


def _lock(transfer: Transfer) -> dict[str, Any]:
    """Lock the member, then the transfer (always in that order); return the transfer's row."""
    lock(transfer.member)
    lock(transfer)
    return values(transfer)


def _full_clean(transfer: Transfer) -> None:
    transfer.full_clean(exclude=["member", "from_organization", "to_organization"])


# --------------------------------------------------------------------------
# Official transfer
# --------------------------------------------------------------------------


@transaction.atomic
def start_transfer(
    *,
    actor,
    member: Member,
    reason: str,
    direction: str = "",
    kind: str = Transfer.Kind.OFFICIAL,
    to_organization: Organization | None = None,
    other_party: str = "",
    triggered_on: dt.date | None = None,
    note: str = "",
    **temporary: Any,
) -> Transfer:
    """Start a transfer of ``member`` to a cell of this installation or to a party organization outside.

    An official transfer waits for its letter (the 60 working days run from
    ``triggered_on``); ``kind=TEMPORARY`` goes to ``start_temporary_transfer``
    with ``planned_from``, ``planned_until`` and ``special_case_ground``.
    """
    if kind == Transfer.Kind.TEMPORARY:
        return start_temporary_transfer(
            actor=actor, member=member, reason=reason, to_organization=to_organization,
            other_party=other_party, note=note, **temporary,
        )  # fmt: skip
    if temporary:
        raise DomainError(f"Trường không hợp lệ: {', '.join(sorted(temporary))}.")
    lock(member)  # one transfer at a time: the open one is looked for under the lock
    _check_member_can_go(member)
    if direction == Transfer.Direction.INCOMING:
        raise DomainError({"direction": (
            "Tiếp nhận đảng viên từ ngoài hệ thống: dùng chức năng «Tiếp nhận đảng viên chuyển đến»."
        )})  # fmt: skip
    found, to_organization, other_party = _destination(
        member, to_organization, other_party, temporary=False
    )
    if direction and direction != found:
        field = "to_organization" if direction == Transfer.Direction.INTERNAL else "other_party"
        raise DomainError({field: (
            "Chuyển trong hệ thống cần chọn chi bộ nơi đến; chuyển ra ngoài hệ thống cần ghi tổ "
            "chức đảng nơi đến (và không chọn chi bộ)."
        )})  # fmt: skip
    if triggered_on is None:
        raise DomainError({"triggered_on": (
            "Cần ghi ngày quyết định (chuyển công tác, nghỉ hưu, xuất ngũ...) có hiệu lực hoặc "
            "ngày chuyển nơi ở: thời hạn 60 ngày làm việc tính từ ngày đó."
        )})  # fmt: skip
    if triggered_on > _today() + dt.timedelta(days=FAR_FUTURE_DAYS):
        raise DomainError({"triggered_on": "Ngày này quá xa trong tương lai."})
    transfer = Transfer(
        member=member, kind=Transfer.Kind.OFFICIAL, direction=found,
        status=Transfer.Status.AWAITING_LETTER, from_organization=member.organization,
        to_organization=to_organization, other_party=other_party, reason=reason,
        triggered_on=triggered_on, note=(note or "").strip(),
    )  # fmt: skip
    _full_clean(transfer)
    transfer.save()
    _audit(actor, "started", transfer)
    return transfer


def _letter_issuing_org(transfer: Transfer):
    from .letters import letter_issuing_org

    return letter_issuing_org(transfer)


def letter_calendar(transfer: Transfer, *days: dt.date | None):
    """Return the working calendar the transfer's clocks are counted in (the sending side's)."""
    org = transfer.from_organization or transfer.to_organization
    return calendar_around(org, *days)


@transaction.atomic
def issue_transfer_letter(
    *,
    actor,
    transfer: Transfer,
    letter_number: str,
    letter_on: dt.date | None,
    letter_issuer: str,
    start_late_explanation: str = "",
) -> Transfer:
    """Record the transfer letter (giấy giới thiệu sinh hoạt đảng) issued for an official transfer.

    Internal: the transfer now waits for the receiving cell. Outgoing: the
    member leaves this installation's count on the letter's date and the
    transfer is complete.
    """
    original = _lock(transfer)
    if transfer.is_voided or transfer.status != Transfer.Status.AWAITING_LETTER:
        raise DomainError(
            "Chỉ ghi giấy giới thiệu cho lần chuyển sinh hoạt đảng chính thức đang chờ giấy giới "
            f"thiệu (lần này: {transfer.get_status_display().lower()})."
        )
    errors = {}
    issuer = _letter_issuing_org(transfer)
    if not (letter_number or "").strip() and issuer is None:
        errors["letter_number"] = "Cần ghi số giấy giới thiệu sinh hoạt đảng."
    if letter_on is None:
        errors["letter_on"] = "Cần ghi ngày giới thiệu."
    if not (letter_issuer or "").strip():
        errors["letter_issuer"] = (
            "Cần ghi cấp ủy giới thiệu sinh hoạt đảng (Quy định 294-QĐ/TW, mục 6.3.1: cấp ủy cấp "
            "trên trực tiếp khi chuyển ra ngoài phạm vi của cấp đó)."
        )
    if errors:
        raise DomainError(errors)
    _not_in_future(letter_on, "letter_on", "Ngày giới thiệu")
    explanation = (start_late_explanation or "").strip()
    lifecycle_rules.check_official_transfer_start(
        triggered_on=transfer.triggered_on, letter_on=letter_on,
        calendar=letter_calendar(transfer, transfer.triggered_on, letter_on),
        explanation=explanation,
    )  # fmt: skip
    number = (letter_number or "").strip()
    if issuer is not None:  # the next number of the issuing committee's register, or the typed one
        from dangbo.documents.issuers import default_body

        from .selectors import secretary_name

        number = number_document(
            actor=actor, issuer=issuer, doc_type=DocType.TRANSFER_LETTER, typed=number,
            issued_on=letter_on, field="letter_number", source=transfer,
            summary=f"Giới thiệu sinh hoạt đảng: {transfer.member.full_name}, đến "
            f"{transfer.destination}", body=default_body(issuer),
            signer=secretary_name(issuer, letter_on),
        ).number_text  # fmt: skip
    before = snapshot(transfer)
    transfer.letter_number = number
    transfer.letter_on = letter_on
    transfer.letter_issuer = letter_issuer.strip()
    transfer.start_late_explanation = explanation
    transfer.status = Transfer.Status.AWAITING_ARRIVAL
    if transfer.direction == Transfer.Direction.OUTGOING:
        try:
            transfer.event = services.record_event(
                actor=actor, member=transfer.member, kind=MemberEvent.Kind.TRANSFERRED_OUT,
                happened_on=letter_on, other_party=transfer.other_party,
                **_letter_decision(transfer),
            )  # fmt: skip
        except DomainError as exc:
            raise _rekeyed(exc, {"happened_on": "letter_on"}) from exc
        transfer.status = Transfer.Status.COMPLETED
    _full_clean(transfer)
    save_changed(transfer, original)
    _audit(actor, "letter_issued", transfer, before)
    return transfer


def _letter_decision(transfer: Transfer) -> dict[str, Any]:
    return {
        "decision_number": transfer.letter_number,
        "decision_signed_on": transfer.letter_on,
        "decision_issuer": transfer.letter_issuer,
        "grounds": transfer.get_reason_display(),
        "note": f"Giấy giới thiệu sinh hoạt đảng số {transfer.letter_number}.",
    }


@transaction.atomic
def confirm_arrival(
    *, actor, transfer: Transfer, received_on: dt.date | None, late_explanation: str = ""
) -> Transfer:
    """Record that the receiving cell took the member in: the member moves there on ``received_on``.

    Only for an internal transfer whose letter was issued; the receiving side
    confirms (checked by the caller). A letter presented after its 30 working
    days is still taken in once the delay is explained.
    """
    original = _lock(transfer)
    if (
        transfer.is_voided
        or transfer.direction != Transfer.Direction.INTERNAL
        or transfer.status != Transfer.Status.AWAITING_ARRIVAL
    ):
        raise DomainError(
            "Chỉ xác nhận tiếp nhận lần chuyển sinh hoạt đảng trong hệ thống đã có giấy giới thiệu "
            f"(lần này: {transfer.get_status_display().lower()})."
        )
    if received_on is None:
        raise DomainError({"received_on": "Cần ghi ngày chi bộ nơi đến tiếp nhận."})
    _not_in_future(received_on, "received_on", "Ngày tiếp nhận")
    explanation = (late_explanation or "").strip()
    lifecycle_rules.check_transfer_letter_presented(
        letter_on=transfer.letter_on, received_on=received_on,
        calendar=letter_calendar(transfer, transfer.letter_on, received_on), explanation=explanation,
    )  # fmt: skip
    before = snapshot(transfer)
    try:
        transfer.event = services.record_event(
            actor=actor, member=transfer.member, kind=MemberEvent.Kind.MOVED,
            happened_on=received_on, organization=transfer.to_organization,
            **_letter_decision(transfer),
        )  # fmt: skip
    except DomainError as exc:
        raise _rekeyed(exc, {"happened_on": "received_on", "organization": "received_on"}) from exc
    transfer.received_on = received_on
    transfer.late_explanation = explanation
    transfer.status = Transfer.Status.COMPLETED
    save_changed(transfer, original)
    _audit(actor, "arrived", transfer, before)
    return transfer


# --------------------------------------------------------------------------
# Receiving a member from outside the installation
# --------------------------------------------------------------------------


def returning_member(identity: dict[str, Any]) -> Member | None:
    """Return the record that the card or identity number in ``identity`` already belongs to."""
    keys = {}
    for field in ("card_number", "personal_id_number"):
        value = (identity.get(field) or "").strip().upper()
        if value:
            keys[field] = value
    for field, value in keys.items():
        member = Member.objects.filter(**{field: value}).select_related("organization").first()
        if member is not None:
            return member
    return None


def _check_returning(
    actor, member: Member, identity: dict[str, Any], organization: Organization
) -> None:
    """Take back only a member who left the installation, named and born as the letter says.

    Any other holder of the number is refused with the same neutral message (it may lie
    outside the user's subtree: nothing about it is told), and the attempt is logged above it.
    """
    field = next(
        f for f in ("card_number", "personal_id_number")
        if (identity.get(f) or "").strip().upper() == getattr(member, f)
    )  # fmt: skip
    same_person = (
        identity.get("date_of_birth") == member.date_of_birth
        and bool(identity.get("full_name"))
        and text.fold(text.normalize(identity["full_name"])) == member.search_name
    )
    if same_person and not member.is_voided and member.status == Status.TRANSFERRED_OUT:
        return
    name = text.normalize(identity.get("full_name") or "")
    raise DomainError({field: services.refuse_duplicate(
        actor, member, field, getattr(member, field),
        attempt=f"đảng viên chuyển đến «{name}» tại «{organization.name}»",
    )})  # fmt: skip


@keeps_refusals
@transaction.atomic
def receive_from_outside(
    *,
    actor,
    organization: Organization,
    received_on: dt.date | None,
    other_party: str,
    reason: str,
    letter_number: str,
    letter_on: dt.date | None,
    letter_issuer: str,
    late_explanation: str = "",
    admitted_on: dt.date | None = None,
    official_on: dt.date | None = None,
    admission_decision: str = "",
    admission_decision_signed_on: dt.date | None = None,
    admission_decision_issuer: str = "",
    note: str = "",
    **identity: Any,
) -> Transfer:
    """Take in a member coming from a party organization outside this installation.

    A member whose card or identity number is already here (transferred out
    before) comes back on the same record; anyone else gets a new record
    admitted elsewhere on ``admitted_on`` (official on ``official_on``). The
    member joins ``organization`` on ``received_on``.
    """
    unknown = set(identity) - set(services.IDENTITY_FIELDS)
    if unknown:
        raise DomainError(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    errors = {}
    if reason not in Transfer.Reason.values:
        errors["reason"] = "Cần chọn lý do chuyển sinh hoạt đảng."
    if received_on is None:
        errors["received_on"] = "Cần ghi ngày chi bộ tiếp nhận."
    if not (other_party or "").strip():
        errors["other_party"] = "Cần ghi tổ chức đảng nơi đi (ngoài hệ thống)."
    if not (letter_number or "").strip():
        errors["letter_number"] = "Cần ghi số giấy giới thiệu sinh hoạt đảng."
    if letter_on is None:
        errors["letter_on"] = "Cần ghi ngày giới thiệu."
    if not (letter_issuer or "").strip():
        errors["letter_issuer"] = "Cần ghi cấp ủy giới thiệu sinh hoạt đảng."
    if errors:
        raise DomainError(errors)
    if organization.kind not in CELL_KINDS:
        raise DomainError({"organization": (
            f"«{organization.name}» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ cơ sở "
            "hoặc chi bộ trực thuộc."
        )})  # fmt: skip
    _not_in_future(received_on, "received_on", "Ngày tiếp nhận")
    _not_in_future(letter_on, "letter_on", "Ngày giới thiệu")
    explanation = (late_explanation or "").strip()
    lifecycle_rules.check_transfer_letter_presented(
        letter_on=letter_on, received_on=received_on,
        calendar=calendar_around(organization, letter_on, received_on), explanation=explanation,
    )  # fmt: skip
    decision = {
        "decision_number": letter_number.strip(), "decision_signed_on": letter_on,
        "decision_issuer": letter_issuer.strip(), "other_party": other_party.strip(),
        "grounds": Transfer.Reason(reason).label,
        "note": f"Giấy giới thiệu sinh hoạt đảng số {letter_number.strip()}.",
    }  # fmt: skip
    member = returning_member(identity)
    created = member is None
    if member is not None:
        lock(member)
        _check_returning(actor, member, identity, organization)
    else:
        member = _new_member_from_outside(
            actor=actor, organization=organization, received_on=received_on, identity=identity,
            admitted_on=admitted_on, official_on=official_on, admission_decision=admission_decision,
            admission_decision_signed_on=admission_decision_signed_on,
            admission_decision_issuer=admission_decision_issuer,
        )  # fmt: skip
    if not created and open_transfer_of(member) is not None:
        raise DomainError("Đồng chí này đang có một lần chuyển sinh hoạt đảng chưa xong.")
    try:
        event = services.record_event(
            actor=actor, member=member, kind=MemberEvent.Kind.TRANSFERRED_IN,
            happened_on=received_on, organization=organization, **decision,
        )  # fmt: skip
    except DomainError as exc:
        raise _rekeyed(exc, {"happened_on": "received_on"}) from exc
    transfer = Transfer(
        member=member, kind=Transfer.Kind.OFFICIAL, direction=Transfer.Direction.INCOMING,
        status=Transfer.Status.COMPLETED, to_organization=organization,
        other_party=other_party.strip(), reason=reason, letter_number=letter_number.strip(),
        letter_on=letter_on, letter_issuer=letter_issuer.strip(), received_on=received_on,
        late_explanation=explanation, member_created=created, event=event,
        note=(note or "").strip(),
    )  # fmt: skip
    _full_clean(transfer)
    transfer.save()
    _audit(actor, "received", transfer)
    return transfer


def _new_member_from_outside(
    *,
    actor,
    organization: Organization,
    received_on: dt.date,
    identity: dict[str, Any],
    admitted_on: dt.date | None,
    official_on: dt.date | None,
    admission_decision: str,
    admission_decision_signed_on: dt.date | None,
    admission_decision_issuer: str,
) -> Member:
    """Create the record of a member admitted elsewhere (no organization of this installation yet)."""
    if admitted_on is None:
        raise DomainError(
            {"admitted_on": "Cần ghi ngày vào Đảng (theo giấy giới thiệu, thẻ đảng viên)."}
        )
    member = Member(**identity)
    services.clean_identity(member, actor, organization)
    if official_on is not None and official_on <= admitted_on:
        raise DomainError({"official_on": (
            f"Ngày chính thức ({fmt_date(official_on)}) phải sau ngày vào Đảng ({fmt_date(admitted_on)})."
        )})  # fmt: skip
    events = [
        MemberEvent(
            kind=MemberEvent.Kind.ADMITTED,
            happened_on=admitted_on,
            decision_number=(admission_decision or "").strip(),
            decision_signed_on=admission_decision_signed_on,
            decision_issuer=(admission_decision_issuer or "").strip(),
        )
    ]
    if official_on is not None:
        events.append(MemberEvent(kind=MemberEvent.Kind.MADE_OFFICIAL, happened_on=official_on))
    planned = [
        rules.Event(e.kind, e.happened_on, None, seq=i, label=e.get_kind_display())
        for i, e in enumerate(events)
    ] + [rules.Event(MemberEvent.Kind.TRANSFERRED_IN, received_on, organization.pk, seq=len(events),
                     label=MemberEvent.Kind.TRANSFERRED_IN.label)]  # fmt: skip
    try:
        rules.derive_states(planned, **services.age_check(member))
    except DomainError as exc:
        raise _rekeyed(exc, {"happened_on": "received_on"}) from exc
    services.save_identity(member, actor, organization)
    for event in events:
        event.member = member
        event.full_clean()
        event.save()
    services.rebuild_states(member)
    record(
        actor=actor, action="members.created", target=member, after=member,
        org_path=organization.path or "", note="Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống.",
    )  # fmt: skip
    return member


# --------------------------------------------------------------------------
# Cancelling and voiding
# --------------------------------------------------------------------------


@transaction.atomic
def cancel_transfer(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """Record that an official transfer under way will not happen (the member stays where they are)."""
    original = _lock(transfer)
    if transfer.is_voided or transfer.status not in (
        Transfer.Status.AWAITING_LETTER,
        Transfer.Status.AWAITING_ARRIVAL,
    ):
        raise DomainError(
            "Chỉ hủy bỏ lần chuyển sinh hoạt đảng chính thức chưa hoàn thành "
            f"(lần này: {transfer.get_status_display().lower()})."
        )
    if not (reason or "").strip():
        raise DomainError({"reason": "Cần ghi lý do hủy bỏ."})
    before = snapshot(transfer)
    transfer.status = Transfer.Status.CANCELLED
    transfer.cancelled_on = _today()
    transfer.cancel_reason = reason.strip()
    save_changed(transfer, original)
    _audit(actor, "cancelled", transfer, before, note=reason.strip())
    return transfer


@transaction.atomic
def void_transfer(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """Mark a transfer entered in error, with the event it wrote (or the record it created)."""
    original = _lock(transfer)
    if transfer.is_voided:
        raise DomainError("Lần chuyển sinh hoạt đảng này đã được hủy.")
    if not (reason or "").strip():
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    before = snapshot(transfer)
    note = f"Hủy chuyển sinh hoạt đảng ghi nhầm: {reason.strip()}"
    if transfer.member_created:
        if not transfer.member.is_voided:
            services.void_member(actor=actor, member=transfer.member, reason=note)
    elif transfer.event is not None and transfer.event.voided_at is None:
        services.void_event(actor=actor, event=transfer.event, reason=note)
    transfer.voided_at = timezone.now()
    transfer.voided_reason = reason.strip()
    save_changed(transfer, original, ["voided_at", "voided_reason"])
    _audit(actor, "voided", transfer, before, note=reason.strip())
    return transfer


# --------------------------------------------------------------------------
# Temporary transfer
# --------------------------------------------------------------------------


@transaction.atomic
def start_temporary_transfer(
    *,
    actor,
    member: Member,
    reason: str,
    planned_from: dt.date | None,
    planned_until: dt.date | None,
    to_organization: Organization | None = None,
    other_party: str = "",
    special_case_ground: str = "",
    note: str = "",
) -> Transfer:
    """Send ``member`` to take part temporarily in another cell; they stay counted at home."""
    lock(member)
    _check_member_can_go(member)
    direction, to_organization, other_party = _destination(
        member, to_organization, other_party, temporary=True
    )
    errors = {}
    if planned_from is None:
        errors["planned_from"] = "Cần ghi ngày bắt đầu sinh hoạt tạm thời."
    if planned_until is None:
        errors["planned_until"] = "Cần ghi ngày dự kiến trở về."
    if errors:
        raise DomainError(errors)
    ground = (special_case_ground or "").strip()
    lifecycle_rules.check_temporary_transfer_length(
        reason=reason, planned_from=planned_from, planned_until=planned_until,
        special_case_ground=ground,
    )  # fmt: skip
    transfer = Transfer(
        member=member, kind=Transfer.Kind.TEMPORARY, direction=direction,
        status=Transfer.Status.ACTIVE, from_organization=member.organization,
        to_organization=to_organization, other_party=other_party, reason=reason,
        planned_from=planned_from, planned_until=planned_until, special_case_ground=ground,
        note=(note or "").strip(),
    )  # fmt: skip
    _full_clean(transfer)
    transfer.save()
    _audit(actor, "temporary_started", transfer)
    return transfer


@transaction.atomic
def end_temporary_transfer(*, actor, transfer: Transfer, returned_on: dt.date | None) -> Transfer:
    """Record the member's return from a temporary transfer."""
    original = _lock(transfer)
    if transfer.is_voided or transfer.status != Transfer.Status.ACTIVE:
        raise DomainError(
            "Chỉ ghi ngày trở về cho lần sinh hoạt đảng tạm thời đang diễn ra "
            f"(lần này: {transfer.get_status_display().lower()})."
        )
    if returned_on is None:
        raise DomainError({"returned_on": "Cần ghi ngày trở về."})
    if returned_on < transfer.planned_from:
        raise DomainError({"returned_on": (
            f"Ngày trở về ({fmt_date(returned_on)}) không thể trước ngày bắt đầu sinh hoạt tạm thời "
            f"({fmt_date(transfer.planned_from)})."
        )})  # fmt: skip
    _not_in_future(returned_on, "returned_on", "Ngày trở về")
    before = snapshot(transfer)
    transfer.returned_on = returned_on
    transfer.status = Transfer.Status.ENDED
    save_changed(transfer, original)
    _audit(actor, "temporary_ended", transfer, before)
    return transfer
