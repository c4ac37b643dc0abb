"""Every write to the member registry: checks, one transaction, derived state, audit."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from dangbo.audit.services import (
    audited_fields,
    compact_snapshot,
    keeps_refusals,
    record,
    record_refusal,
    snapshot,
)
from dangbo.core import text
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import changed, lock, save_changed, values
from dangbo.organizations.models import CELL_KINDS, Organization

from . import lifecycle_rules, rules
from .models import Member, MemberEvent, MemberState, Position

IDENTITY_FIELDS = (
    "full_name", "birth_name", "date_of_birth", "sex", "ethnicity", "religion", "home_town",
    "birth_place", "permanent_address", "personal_id_number", "phone", "email", "occupation",
    "card_number", "background_number", "general_education", "professional_level",
    "political_theory_level", "admission_age_exception",
)  # fmt: skip
# The fields that say who the member is (name, birth date, sex, identity numbers): a change of
# one of them is listed apart, in the audit (``after["identity_changes"]``) and in an import's plan.
PERSON_FIELDS = (
    "full_name", "birth_name", "date_of_birth", "sex", "personal_id_number", "card_number",
    "background_number",
)  # fmt: skip
# What an identity save may write: the identity and the name keys computed from it.
# Status, organization and the admission dates are the derivation's (rebuild_states).
IDENTITY_COLUMNS = (*IDENTITY_FIELDS, "name_sort_key", "search_name")
# Events that place the member in an organization of this installation.
EVENTS_WITH_ORG = (
    MemberEvent.Kind.ADMITTED, MemberEvent.Kind.READMITTED, MemberEvent.Kind.TRANSFERRED_IN,
    MemberEvent.Kind.MOVED,
)  # fmt: skip

ADMISSION_EVENTS = (MemberEvent.Kind.ADMITTED, MemberEvent.Kind.READMITTED)

# Neutral on purpose: the record that holds the number may lie outside the user's subtree, so
# the message says only that the number is taken; the attempt is logged for the committee above
# that record (``refuse_duplicate``).
UNIQUE_MESSAGES = {
    "member_card_number_unique": (
        "card_number",
        "Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên.",
    ),
    "member_personal_id_unique": (
        "personal_id_number",
        "Số định danh cá nhân này đã được dùng; liên hệ cấp ủy cấp trên.",
    ),
    "member_background_number_unique": (
        "background_number",
        "Số lý lịch này đã được dùng; liên hệ cấp ủy cấp trên.",
    ),
}
UNIQUE_FIELD_MESSAGES = dict(UNIQUE_MESSAGES.values())
UNIQUE_FIELD_LABELS = {
    "card_number": "Số thẻ đảng viên",
    "personal_id_number": "Số định danh cá nhân",
    "background_number": "Số lý lịch",
}


def last_org_path(member: Member) -> str:
    """The path of the organization a member is in, or was last in (one transferred out, struck off)."""
    if member.organization_id:
        return member.organization.path or ""
    last = (
        MemberState.objects.filter(member=member, organization__isnull=False)
        .order_by("-valid_from", "-pk")
        .values_list("organization__path", flat=True)
        .first()
    )
    return last or ""


def refuse_duplicate(
    actor, holder: Member, field: str, value: str, *, attempt: str, action: str = "members"
) -> str:
    """Log that ``actor`` tried to use ``holder``'s number, for the committee above ``holder``;
    return the neutral message to show (it names nothing)."""
    label = UNIQUE_FIELD_LABELS[field]
    record_refusal(
        actor=actor, action=f"{action}.duplicate_refused", target=holder,
        org_path=last_org_path(holder), after={"field": field, "value": value},
        note=f"Từ chối ghi {label.lower()} {value} (đã dùng cho hồ sơ này) cho {attempt}.",
    )  # fmt: skip
    return UNIQUE_FIELD_MESSAGES[field]


def _clean_identity_values(
    member: Member, *, today: dt.date | None = None, fields: Iterable[str] | None = None
) -> None:
    """Normalise and check one member's identity fields (everything but uniqueness).

    With ``fields`` (a bulk registration: the other fields are the model's defaults),
    only those fields are run through their model checks, as ``full_clean`` runs them.
    """
    member.full_name = text.normalize(member.full_name)
    member.birth_name = text.normalize(member.birth_name)
    member.name_sort_key = text.name_sort_key(member.full_name)
    member.search_name = text.fold(member.full_name)
    for field in ("personal_id_number", "card_number", "background_number"):
        value = (getattr(member, field) or "").strip().upper() or None
        setattr(member, field, value)
    errors: dict[str, str] = {}
    if member.personal_id_number and not (
        member.personal_id_number.isdigit() and len(member.personal_id_number) == 12
    ):
        errors["personal_id_number"] = "Số định danh cá nhân gồm đúng 12 chữ số."
    if member.date_of_birth and member.date_of_birth > (today or timezone.localdate()):
        errors["date_of_birth"] = "Ngày sinh không được ở tương lai."
    if errors:
        raise DomainError(errors)
    if fields is not None:
        _clean_fields(member, fields)
        return
    try:
        member.full_clean(
            exclude=["name_sort_key", "search_name", "uid"], validate_unique=False,
            validate_constraints=False,
        )  # fmt: skip
    except ValidationError as exc:
        raise DomainError(exc.message_dict) from exc


def _clean_fields(member: Member, names: Iterable[str]) -> None:
    """``Model.clean_fields`` for ``names`` only (the same checks, the same messages).

    A value the field's checks would pass as it is (``_PLAIN_OK``) skips them; any other
    goes through ``Field.clean``, which gives its messages.
    """
    errors: dict[str, list] = {}
    for name in names:
        field = _FIELDS[name]
        raw = getattr(member, field.attname)
        if field.blank and raw in field.empty_values:
            continue
        plain_ok = _PLAIN_OK.get(name)
        if plain_ok is not None and plain_ok(raw):
            continue
        try:
            setattr(member, field.attname, field.clean(raw, member))
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise DomainError(ValidationError(errors).message_dict)


_FIELDS = {f.name: f for f in Member._meta.concrete_fields}


def _plain_ok(field) -> Any:
    """For a text or date field whose only checks are its type, length, choices and no NUL,
    a test that a value passes them all unchanged (``Field.clean`` would return it as it is);
    else None."""
    from django.core import validators as dj_validators
    from django.db import models

    if type(field) is models.DateField and not field.validators:
        return lambda v: type(v) is dt.date
    if type(field) is not models.CharField:
        return None
    known = (dj_validators.MaxLengthValidator, dj_validators.ProhibitNullCharactersValidator)
    if any(type(v) not in known for v in field.validators):
        return None
    limit = field.max_length
    choices = frozenset(str(k) for k, _ in field.flatchoices) if field.choices else None

    def ok(value: Any) -> bool:
        return (
            type(value) is str and value != "" and len(value) <= limit and "\x00" not in value
            and (choices is None or value in choices)
        )  # fmt: skip

    return ok


_REQUIRED = frozenset(name for name, f in _FIELDS.items() if not f.blank)
_PLAIN_OK = {name: test for name, f in _FIELDS.items() if (test := _plain_ok(f)) is not None}


def _new_member(identity: dict[str, Any]) -> Member:
    """``Member(**identity)`` for a bulk registration, without Django's per-field ``__init__``:
    a copy of a blank member's values, a fresh uid and the identity given."""
    member = Member.__new__(Member)
    member.__dict__.update(_blank_member())
    member._state = ModelState()
    member.uid = uuid.uuid4()
    for name, value in identity.items():
        setattr(member, name, value)
    return member


@functools.cache
def _blank_member() -> dict[str, Any]:
    blank = Member()
    return {k: v for k, v in blank.__dict__.items() if k != "_state"}


def _attempt(member: Member, organization: Organization | None = None) -> str:
    org = organization or (member.organization if member.organization_id else None)
    where = f" tại «{org.name}»" if org is not None else ""
    return f"hồ sơ «{member.full_name}»{where}"


def _clean_identity(member: Member, actor=None, organization: Organization | None = None) -> None:
    _clean_identity_values(member)
    errors: dict[str, str] = {}
    for name in UNIQUE_FIELD_MESSAGES:
        value = getattr(member, name)
        if not value:
            continue
        holder = (
            Member.objects.filter(**{name: value}).exclude(pk=member.pk)
            .select_related("organization").first()
        )  # fmt: skip
        if holder is not None:
            errors[name] = refuse_duplicate(
                actor, holder, name, value, attempt=_attempt(member, organization)
            )
    if errors:
        raise DomainError(errors)


def clean_identity(member: Member, actor=None, organization: Organization | None = None) -> None:
    """Normalise and check a new or changed member's identity, uniqueness included.

    A number already used is refused with a neutral message, and the attempt by
    ``actor`` (for a record to go in ``organization``) is logged above the holder.
    """
    _clean_identity(member, actor, organization)


def save_identity(member: Member, actor=None, organization: Organization | None = None) -> None:
    """Save the member row, turning a lost uniqueness race into a field error."""
    _save_identity(member, actor, organization)


def age_check(member: Member) -> dict[str, Any]:
    """What the admission-age rule judges of ``member``: ``derive_states``'s keyword arguments."""
    return _age_check(member)


def _org_path(member: Member) -> str:
    return last_org_path(member)


def _audit(actor, action: str, member: Member, **entry: Any) -> None:
    record(
        actor=actor, action=f"members.{action}", target=member, org_path=_org_path(member), **entry
    )


def _check_org_for_event(
    org: Organization | None, on: dt.date, field: str = "organization"
) -> None:
    if org is None:
        return
    if org.kind not in CELL_KINDS:
        raise DomainError(
            {
                field: f"«{org.name}» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ cơ sở hoặc chi bộ trực thuộc."
            }
        )
    if org.established_on > on:
        raise DomainError(
            {
                field: f"«{org.name}» thành lập ngày {fmt_date(org.established_on)}, sau ngày {fmt_date(on)}."
            }
        )
    if org.dissolved_on is not None and org.dissolved_on <= on:
        raise DomainError(
            {field: f"«{org.name}» đã giải thể từ ngày {fmt_date(org.dissolved_on)}."}
        )


def _event_records(member: Member, extra: list[MemberEvent] = ()) -> list[rules.Event]:
    return event_records([*member.events.filter(voided_at__isnull=True), *extra])


def event_records(events: Iterable[MemberEvent]) -> list[rules.Event]:
    """The rule's view of a member's events; the voided ones are left out."""
    return [
        rules.Event(
            e.kind,
            e.happened_on,
            e.organization_id,
            seq=e.pk or 10**12 + i,
            label=e.get_kind_display(),
            ceremony_on=e.ceremony_on,
        )
        for i, e in enumerate(events)
        if e.voided_at is None
    ]


@dataclass(frozen=True)
class Derived:
    """What the events give for a member: the periods and the columns kept on the member row."""

    states: list[rules.State]
    status: str
    organization_id: int | None
    admitted_on: dt.date | None
    official_on: dt.date | None
    probation_ends_on: dt.date | None

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DERIVED_COLUMNS}


# The member columns only the derivation writes.
DERIVED_COLUMNS = ("status", "organization_id", "admitted_on", "official_on", "probation_ends_on")


def derive(member: Member, events: Iterable[MemberEvent]) -> Derived:
    """Derive the member's state from ``events`` (all of them; voided ones are skipped).

    Raises ``DomainError`` when the history is impossible.
    """
    return derive_records(event_records(events), **_age_check(member))


def derive_records(
    records: list[rules.Event], *, date_of_birth: dt.date | None, age_exception: bool = False
) -> Derived:
    """``derive`` from the rule's view of the events (``event_records``)."""
    states = rules.derive_states(records, date_of_birth=date_of_birth, age_exception=age_exception)
    current = states[-1] if states else None
    admitted_on, official_on = rules.admission_dates(records)
    return Derived(
        states=states, status=current.status if current else "",
        organization_id=current.organization_id if current else None, admitted_on=admitted_on,
        official_on=official_on, probation_ends_on=rules.current_probation_end(records),
    )  # fmt: skip


def _age_check(member: Member) -> dict[str, Any]:
    """The birth date the admission-age rule judges and whether an age exception is noted."""
    return {
        "date_of_birth": member.date_of_birth,
        "age_exception": bool((member.admission_age_exception or "").strip()),
    }


def rebuild_states(member: Member) -> list[rules.State]:
    """Derive the member's states from the events and store them with the current ones.

    The caller holds the member's row (``lock``), so the events read here are all of them.
    """
    derived = derive(member, member.events.all())
    MemberState.objects.filter(member=member).delete()
    MemberState.objects.bulk_create(
        MemberState(member=member, organization_id=s.organization_id, status=s.status,
                    valid_from=s.valid_from, valid_until=s.valid_until)
        for s in derived.states
    )  # fmt: skip
    for name, value in derived.columns().items():
        setattr(member, name, value)
    Member.objects.filter(pk=member.pk).update(**derived.columns())
    # The member's deadlines (probation, badges) follow from these columns and states.
    from dangbo.deadlines import store

    store.changed({"members.member": [member.pk]})
    return derived.states


@transaction.atomic
def repair_derived_state(*, actor, member: Member, note: str = "") -> Member:
    """Write the member's state again from the events, when what is stored has drifted from them."""
    lock(member)
    before = snapshot(member)
    rebuild_states(member)
    member.refresh_from_db()
    _audit(actor, "repaired", member, before=before, after=member, note=note)
    return member


def _save_identity(
    member: Member,
    actor=None,
    organization: Organization | None = None,
    original: dict[str, Any] | None = None,
) -> None:
    """Insert a new member, or write the identity columns that differ from ``original``."""
    try:
        with transaction.atomic():
            if original is None:
                member.save()
            else:
                save_changed(member, original, IDENTITY_COLUMNS)
    except IntegrityError as exc:
        for constraint, (field, _message) in UNIQUE_MESSAGES.items():
            if constraint in str(exc) or field in str(exc):
                value = getattr(member, field)
                holder = Member.objects.filter(**{field: value}).exclude(pk=member.pk).first()
                if holder is None:
                    raise DomainError({field: UNIQUE_FIELD_MESSAGES[field]}) from exc
                message = refuse_duplicate(
                    actor, holder, field, value, attempt=_attempt(member, organization)
                )
                raise DomainError({field: message}) from exc
        raise


@keeps_refusals
@transaction.atomic
def create_member(
    *,
    actor,
    organization: Organization,
    admitted_on: dt.date,
    official_on: dt.date | None = None,
    admission_decision: str = "",
    official_decision: str = "",
    ceremony_on: dt.date | None = None,
    admission_decision_signed_on: dt.date | None = None,
    admission_decision_issuer: str = "",
    **identity: Any,
) -> Member:
    """Register a member admitted into ``organization`` (and made official, when given)."""
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise DomainError(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    member = Member(**identity)
    _clean_identity(member, actor, organization)
    _check_org_for_event(organization, admitted_on)
    if official_on is not None and official_on <= admitted_on:
        raise DomainError({"official_on": (
            f"Ngày chính thức ({fmt_date(official_on)}) phải sau ngày vào Đảng ({fmt_date(admitted_on)})."
        )})  # fmt: skip
    if ceremony_on is not None and ceremony_on < admitted_on:
        raise DomainError({"ceremony_on": (
            f"Lễ kết nạp ({fmt_date(ceremony_on)}) không thể trước ngày quyết định kết nạp "
            f"({fmt_date(admitted_on)})."
        )})  # fmt: skip
    _save_identity(member, actor, organization)
    events = [
        MemberEvent(
            member=member,
            kind=MemberEvent.Kind.ADMITTED,
            happened_on=admitted_on,
            organization=organization,
            decision_number=admission_decision,
            decision_signed_on=admission_decision_signed_on,
            decision_issuer=admission_decision_issuer,
            ceremony_on=ceremony_on,
        )
    ]
    if official_on is not None:
        events.append(
            MemberEvent(
                member=member,
                kind=MemberEvent.Kind.MADE_OFFICIAL,
                happened_on=official_on,
                decision_number=official_decision,
            )
        )
    for event in events:
        event.full_clean(exclude=["member"])
        event.save()
    rebuild_states(member)
    record(
        actor=actor,
        action="members.created",
        target=member,
        after=member,
        org_path=organization.path,
    )
    return member


@keeps_refusals
@transaction.atomic
def update_member(*, actor, member: Member, **changes: Any) -> Member:
    """Change a member's identity and qualification fields (status and organization come from events)."""
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise DomainError(f"Không sửa trực tiếp được: {', '.join(sorted(unknown))}.")
    lock(member)
    if member.is_voided:
        raise DomainError("Hồ sơ đã bị hủy: khôi phục trước khi sửa.")
    before, original = snapshot(member), values(member)
    for field, value in changes.items():
        setattr(member, field, value)
    _clean_identity(member, actor)
    refusal = (
        rules.dieu_le_dieu_1_admission_age(
            member.date_of_birth,
            member.admitted_on,
            age_exception=_age_check(member)["age_exception"],
        )
        if member.admitted_on and member.date_of_birth
        else None
    )
    if refusal:
        raise DomainError({"date_of_birth": (
            f"Với ngày sinh này, đảng viên vào Đảng ngày {fmt_date(member.admitted_on)}: {refusal}"
        )})  # fmt: skip
    if not changed(member, original, IDENTITY_COLUMNS):
        return member  # nothing to write, nothing to record
    _save_identity(member, actor, original=original)
    after = snapshot(member)
    person = identity_changes(original, member)
    if person:
        after["identity_changes"] = person
    _audit(actor, "updated", member, before=before, after=after)
    return member


def identity_changes(original: dict[str, Any], member: Member) -> dict[str, list[Any]]:
    """The fields of ``PERSON_FIELDS`` that differ from ``original``: {field: [before, after]}."""
    return {
        name: [original.get(name), getattr(member, name)]
        for name in PERSON_FIELDS
        if (original.get(name) or None) != (getattr(member, name) or None)
    }


@transaction.atomic
def record_event(
    *,
    actor,
    member: Member,
    kind: str,
    happened_on: dt.date,
    organization: Organization | None = None,
    decision_number: str = "",
    decision_signed_on: dt.date | None = None,
    decision_issuer: str = "",
    other_party: str = "",
    grounds: str = "",
    note: str = "",
    ceremony_on: dt.date | None = None,
    reason_code: str = "",
) -> MemberEvent:
    """Record a dated event in the member's life; the status and organization follow from it.

    A striking off needs its ground (``reason_code``) and the competent
    committee's decision, an expulsion its discipline decision, an exemption its
    ground (``lifecycle_rules``).
    """
    # Events of one member are recorded one after the other, each on the full history.
    lock(member)
    if member.is_voided:
        raise DomainError("Hồ sơ đã bị hủy: khôi phục trước khi ghi sự kiện.")
    if kind in EVENTS_WITH_ORG and organization is None and kind != MemberEvent.Kind.ADMITTED:
        raise DomainError({"organization": "Cần chọn chi bộ nơi đến."})
    if kind not in EVENTS_WITH_ORG:
        organization = None
    _check_org_for_event(organization, happened_on)
    if happened_on > timezone.localdate() + dt.timedelta(days=366):
        raise DomainError({"happened_on": "Ngày hiệu lực quá xa trong tương lai."})
    before = snapshot(member)
    event = MemberEvent(
        member=member, kind=kind, happened_on=happened_on, organization=organization,
        decision_number=decision_number.strip(), decision_signed_on=decision_signed_on,
        decision_issuer=decision_issuer.strip(), other_party=other_party.strip(), grounds=grounds.strip(),
        note=note.strip(), reason_code=(reason_code or "").strip(),
        ceremony_on=ceremony_on if kind in ADMISSION_EVENTS else None,
    )  # fmt: skip
    if event.ceremony_on and event.ceremony_on < happened_on:
        raise DomainError({"ceremony_on": (
            f"Lễ kết nạp ({fmt_date(event.ceremony_on)}) không thể trước ngày quyết định kết nạp "
            f"({fmt_date(happened_on)})."
        )})  # fmt: skip
    event.full_clean(exclude=["member"])
    # Check the whole history with the new event before anything is written.
    rules.derive_states(_event_records(member, [event]), **_age_check(member))
    errors = lifecycle_errors(member, event)
    if errors:
        raise DomainError(errors)
    event.save()
    rebuild_states(member)
    member.refresh_from_db()
    _audit(
        actor,
        f"event.{kind.lower()}",
        member,
        before=before,
        after={"event": snapshot(event), "member": snapshot(member)},
    )
    return event


def status_before(member: Member, on: dt.date) -> str | None:
    """Return the member's status on ``on`` as the recorded events give it (before a new one)."""
    for state in member.states.filter(valid_from__lte=on).order_by("-valid_from")[:1]:
        if state.valid_until is None or on < state.valid_until:
            return state.status
    return None


def lifecycle_errors(member: Member, event: MemberEvent) -> dict[str, str]:
    """Return what a striking off, expulsion or exemption lacks (``lifecycle_rules``), by field."""
    kind, on = event.kind, event.happened_on
    errors = lifecycle_rules.reason_errors(
        kind, event.reason_code, reason_label=event.get_reason_code_display(),
        kind_label=event.get_kind_display(),
    )  # fmt: skip
    if errors or kind not in (
        MemberEvent.Kind.STRUCK_OFF,
        MemberEvent.Kind.EXPELLED,
        MemberEvent.Kind.EXEMPTED,
    ):
        return errors
    decision = {
        "decision_number": event.decision_number,
        "decision_signed_on": event.decision_signed_on,
        "decision_issuer": event.decision_issuer,
    }
    if kind == MemberEvent.Kind.STRUCK_OFF:
        return lifecycle_rules.striking_off_errors(
            on=on, reason_code=event.reason_code, reason_label=event.get_reason_code_display(),
            status_before=status_before(member, on), **decision,
        )  # fmt: skip
    if kind == MemberEvent.Kind.EXPELLED:
        return lifecycle_rules.expulsion_errors(
            on=on, status_before=status_before(member, on), **decision
        )
    from dangbo.regulations.selectors import setting_value

    old_age = setting_value(
        lifecycle_rules.OLD_AGE_SETTING, org=member.organization, on=on,
        default=lifecycle_rules.OLD_AGE_DEFAULT,
    )  # fmt: skip
    return lifecycle_rules.exemption_errors(
        on=on, reason_code=event.reason_code, grounds=event.grounds, sex=member.sex,
        date_of_birth=member.date_of_birth, old_age=old_age,
    )  # fmt: skip


@transaction.atomic
def void_event(*, actor, event: MemberEvent, reason: str) -> MemberEvent:
    """Mark an event entered in error; the member's state is derived again without it."""
    member = lock(event.member)
    lock(event)
    if event.voided_at is not None:
        raise DomainError("Sự kiện này đã được hủy.")
    if not reason.strip():
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    remaining = [e for e in _event_records(member) if e.seq != event.pk]
    rules.derive_states(remaining, **_age_check(member))
    if not remaining:
        raise DomainError(
            "Không thể hủy sự kiện duy nhất của đảng viên: hủy hồ sơ đảng viên thay vì hủy sự kiện."
        )
    before = {"event": snapshot(event), "member": snapshot(member)}
    event.voided_at = timezone.now()
    event.voided_reason = reason.strip()
    event.save(update_fields=["voided_at", "voided_reason"])
    rebuild_states(member)
    _audit(actor, "event_voided", member, before=before,
           after={"event": snapshot(event), "member": snapshot(member)}, note=reason)  # fmt: skip
    return event


@transaction.atomic
def restore_event(*, actor, event: MemberEvent) -> MemberEvent:
    """Bring back an event that was voided."""
    member = lock(event.member)
    lock(event)
    if event.voided_at is None:
        raise DomainError("Sự kiện này đang có hiệu lực.")
    before = {"event": snapshot(event), "member": snapshot(member)}
    event.voided_at = None
    rules.derive_states(_event_records(member, [event]), **_age_check(member))
    event.voided_reason = ""
    event.save(update_fields=["voided_at", "voided_reason"])
    rebuild_states(member)
    _audit(actor, "event_restored", member, before=before,
           after={"event": snapshot(event), "member": snapshot(member)})  # fmt: skip
    return event


@transaction.atomic
def void_member(*, actor, member: Member, reason: str) -> Member:
    """Mark a record entered in error (a duplicate, a wrong person). It is kept and can be restored."""
    lock(member)
    if member.is_voided:
        raise DomainError("Hồ sơ này đã được hủy.")
    if not reason.strip():
        raise DomainError({"reason": "Cần ghi lý do hủy hồ sơ."})
    before = snapshot(member)
    member.voided_at = timezone.now()
    member.voided_reason = reason.strip()
    member.save(update_fields=["voided_at", "voided_reason", "updated_at"])
    _audit(actor, "voided", member, before=before, after=member, note=reason)
    return member


@transaction.atomic
def restore_member(*, actor, member: Member) -> Member:
    """Restore a record that was voided."""
    lock(member)
    if not member.is_voided:
        raise DomainError("Hồ sơ này đang có hiệu lực.")
    before = snapshot(member)
    member.voided_at = None
    member.voided_reason = ""
    member.save(update_fields=["voided_at", "voided_reason", "updated_at"])
    _audit(actor, "restored", member, before=before, after=member)
    return member


@transaction.atomic
def assign_position(
    *,
    actor,
    member: Member,
    title: str,
    organization: Organization,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    decision_number: str = "",
) -> Position:
    """Record a post held by a member."""
    lock(member)
    if ended_on and ended_on < started_on:
        raise DomainError({"ended_on": "Ngày kết thúc phải sau ngày bắt đầu."})
    position = Position(
        member=member,
        title=title,
        organization=organization,
        started_on=started_on,
        ended_on=ended_on,
        decision_number=decision_number,
    )
    position.full_clean()
    position.save()
    _audit(actor, "position_assigned", member, after=snapshot(position))
    return position


@transaction.atomic
def end_position(*, actor, position: Position, ended_on: dt.date) -> Position:
    """Close a post on ``ended_on``."""
    lock(position.member)
    lock(position)
    if ended_on < position.started_on:
        raise DomainError({"ended_on": "Ngày kết thúc phải sau ngày bắt đầu."})
    before = snapshot(position)
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    _audit(actor, "position_ended", position.member, before=before, after=snapshot(position))
    return position


@dataclass
class MemberDraft:
    """A member to register in bulk: identity, the cell, admission (and official) dates."""

    identity: dict[str, Any]
    organization: Organization
    admitted_on: dt.date
    official_on: dt.date | None = None
    note: str = ""  # written on the audit entry (e.g. the file and row it came from)
    checked: Member | None = None  # what check_draft returned, when the caller already checked
    states: list[rules.State] | None = None  # the periods check_draft derived


def check_draft(draft: MemberDraft, *, today: dt.date | None = None) -> Member:
    """Check one draft as ``create_member`` would, without writing; return the unsaved member.

    Uniqueness of card, identity and background numbers is the caller's to
    check across its batch (and the database constraints stay the last guard).
    ``today`` (Vietnam's day) is passed by a caller checking many drafts.
    """
    unknown = set(draft.identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise DomainError(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    member = _new_member(draft.identity)
    # The fields not given keep a blank member's values, which pass their checks (but for
    # the required ones, checked whatever).
    checked = [n for n in IDENTITY_FIELDS if n in draft.identity or n in _REQUIRED]
    _clean_identity_values(member, today=today, fields=checked)
    _check_org_for_event(draft.organization, draft.admitted_on)
    events = _draft_events(draft)
    draft.states = rules.derive_states(events, **_age_check(member))
    return member


def checked_values(member: Member) -> dict[str, Any]:
    """What ``check_draft`` made of a draft's identity (normalised, with the name's sort and
    search keys), for ``check_draft_again``."""
    return {name: getattr(member, name) for name in IDENTITY_COLUMNS}


def check_draft_again(
    draft: MemberDraft, *, identity: dict[str, Any], states: list[rules.State]
) -> Member:
    """``check_draft`` for a draft that passed it a moment ago (an import's check of the whole
    file, before its writes): the member is rebuilt from ``identity`` (``checked_values``) and
    ``states`` (the periods derived then), which depend on the draft alone; only the cell,
    which may have changed since, is checked again."""
    _check_org_for_event(draft.organization, draft.admitted_on)
    draft.states = states
    return _new_member(identity)


def _draft_events(draft: MemberDraft) -> list[rules.Event]:
    events = [rules.Event(MemberEvent.Kind.ADMITTED, draft.admitted_on, draft.organization.pk, 0)]
    if draft.official_on is not None:
        events.append(rules.Event(MemberEvent.Kind.MADE_OFFICIAL, draft.official_on, None, 1))
    return events


# Kept out of a registration's audit entry: the entry's own time and target, and what is
# computed from the name.
_AUDITED = audited_fields(Member, leave_out=("name_sort_key", "search_name"))


def _registered(member: Member) -> dict[str, Any]:
    """A registration's audit entry: the member's values that hold something."""
    return compact_snapshot(member, _AUDITED)


@transaction.atomic
def register_members(*, actor, drafts: list[MemberDraft], pending_reason: str = "") -> list[int]:
    """Register many new members at once (imports): the checks of ``create_member``, bulk writes.

    Each member gets its admission (and recognition) events, its derived
    periods and its own audit entry, written with COPY on PostgreSQL.

    With ``pending_reason`` the members go in voided with that reason, so no
    list, count or search shows them, until ``publish_registered`` makes every
    member of the batch (written in several calls) valid at once.
    """
    from dangbo.audit.models import AuditEntry
    from dangbo.core.bulk import insert_rows, reserve_ids

    if not drafts:
        return []
    now = timezone.now()
    today = timezone.localdate()
    members = [
        d.checked if d.checked is not None and d.states else check_draft(d, today=today)
        for d in drafts
    ]
    ids = reserve_ids(Member, len(members))
    member_rows, event_rows, state_rows, audit_rows = [], [], [], []
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    for pk, member, draft in zip(ids, members, drafts, strict=True):
        org = draft.organization
        events = _draft_events(draft)
        event_rows.append((pk, MemberEvent.Kind.ADMITTED, draft.admitted_on, org.pk))
        if draft.official_on is not None:
            event_rows.append((pk, MemberEvent.Kind.MADE_OFFICIAL, draft.official_on, None))
        states = draft.states  # what check_draft derived from the same events
        current = states[-1]
        member.pk = pk
        member.created_at = member.updated_at = now
        if pending_reason:
            member.voided_at, member.voided_reason = now, pending_reason
        member.status = current.status
        member.organization_id = current.organization_id
        member.admitted_on, member.official_on = rules.admission_dates(events)
        member.probation_ends_on = rules.current_probation_end(events)
        member_rows.append([getattr(member, f) for f in BULK_MEMBER_FIELDS])
        state_rows.extend(
            (pk, s.organization_id, s.status, s.valid_from, s.valid_until) for s in states
        )
        audit_rows.append((
            now, actor_id, "members.imported", "members.member", str(pk), member.full_name[:300],
            org.path or "", None, _registered(member), draft.note,
        ))  # fmt: skip
    insert_rows(Member, BULK_MEMBER_FIELDS, member_rows)
    insert_rows(
        MemberEvent,
        ["member_id", "kind", "happened_on", "organization_id", "other_party", "decision_number",
         "decision_issuer", "grounds", "note", "voided_reason", "reason_code", "recorded_at"],
        ((*r, "", "", "", "", "", "", "", now) for r in event_rows),
    )  # fmt: skip
    insert_rows(
        MemberState,
        ["member_id", "organization_id", "status", "valid_from", "valid_until"],
        state_rows,
    )
    insert_rows(
        AuditEntry,
        ["at", "actor_id", "action", "target_type", "target_id", "target_repr", "org_path",
         "before", "after", "note"],
        audit_rows,
    )  # fmt: skip
    return ids


BULK_MEMBER_FIELDS = (
    "id", "uid", *IDENTITY_FIELDS, "name_sort_key", "search_name", "organization_id", "status",
    "admitted_on", "official_on", "probation_ends_on", "voided_at", "voided_reason", "created_at",
    "updated_at",
)  # fmt: skip


def _pending(pending_reason: str):
    if not pending_reason:
        raise DomainError("Thiếu dấu của lần nhập.")
    return Member.objects.filter(voided_at__isnull=False, voided_reason=pending_reason)


@transaction.atomic
def publish_registered(*, actor, pending_reason: str, source, org_path: str) -> int:
    """Make every member registered with ``pending_reason`` valid, at once; return how many.

    The members' own audit entries were written with them; this one, on
    ``source`` (the import), says when they became valid.
    """
    now = timezone.now()
    count = _pending(pending_reason).update(voided_at=None, voided_reason="", updated_at=now)
    record(actor=actor, action="members.import_published", target=source, org_path=org_path,
           after={"members": count}, note=pending_reason)  # fmt: skip
    return count


@transaction.atomic
def withdraw_registered(*, actor, pending_reason: str, reason: str, source, org_path: str) -> int:
    """Take back the members registered with ``pending_reason`` (an import that did not finish).

    They were never valid: they stay voided, now with ``reason``, and each can be
    restored like any voided record.
    """
    now = timezone.now()
    # Their numbers are freed, so the same file can be imported again: these records never
    # held them validly, and each one's "members.imported" audit entry keeps what was written.
    count = _pending(pending_reason).update(
        voided_reason=reason[:255], updated_at=now,
        card_number=None, personal_id_number=None, background_number=None,
    )  # fmt: skip
    record(actor=actor, action="members.import_withdrawn", target=source, org_path=org_path,
           after={"members": count}, note=reason)  # fmt: skip
    return count


def undo_updates(*, actor, changes: list[tuple[int, dict[str, Any]]]) -> int:
    """Put back the identity values an unfinished import changed, latest first; return how many.

    Each is an ordinary audited update; one refused (the record changed again
    since) is left as it is and not counted.
    """
    undone = 0
    for pk, before in reversed(changes):
        member = Member.objects.filter(pk=pk).first()
        if member is None:
            continue
        try:
            update_member(actor=actor, member=member, **before)
        except ValidationError:
            continue
        undone += 1
    return undone
