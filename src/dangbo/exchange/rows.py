"""Records as exchange rows: one function per sheet, shared by the export and the import.

A row is a dict from column key to a canonical value: text in NFC without
outer spaces ("" when empty), ``datetime.date`` or None, int or None, bool,
a UUID as its lower-case text, JSON as text with sorted keys ("" for an empty
object), a list of codes as "a, b". The export writes these values; the
import reads cells into the same values, so "the same record" is plain
equality of the data columns, whatever the database or the spreadsheet did
to spacing and types.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from typing import Any

from django.utils import timezone

from dangbo.core import codes as code_lists
from dangbo.core import text
from dangbo.members.models import Member, MemberEvent, Position, Sex, Status
from dangbo.organizations.models import Organization, OrgEvent, OrgKind, TreePosition

from .spec import IN_SCOPE, PATH_SEPARATOR, REFERENCE

KIND_LABELS = dict(OrgKind.choices)
ORG_EVENT_LABELS = dict(OrgEvent.Kind.choices)
MEMBER_EVENT_LABELS = dict(MemberEvent.Kind.choices)
REASON_LABELS = dict(MemberEvent.Reason.choices)
SEX_LABELS = dict(Sex.choices)
STATUS_LABELS = dict(Status.choices)
TITLE_LABELS = dict(Position.Title.choices)


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def json_text(value: Any) -> str:
    """Return a JSON object as text with sorted keys; an empty or missing object is ""."""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def list_text(values: Any) -> str:
    if not values:
        return ""
    return ", ".join(clean_text(v) for v in values if clean_text(v))


def split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def uid_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def local_day(value: dt.datetime | None) -> dt.date | None:
    """The day (Vietnam time) of a moment; the exchange file keeps days, not times."""
    if value is None:
        return None
    return timezone.localtime(value).date()


def start_of_day(value: dt.date | None) -> dt.datetime | None:
    """The moment a day begins in Vietnam time (how an imported day is stored as a moment)."""
    if value is None:
        return None
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


MOMENT_FORMAT = "%d/%m/%Y %H:%M"


def local_minute(value: dt.datetime | None) -> str:
    """A moment as "dd/mm/yyyy hh:mm" in Vietnam time, seconds rounded up to the minute (a
    moment at or before a whole minute stays so: "sent at least a day before" holds alike)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return local.strftime(MOMENT_FORMAT)


def moment_of(value: str) -> dt.datetime | None:
    """The moment of a "dd/mm/yyyy hh:mm" text (Vietnam time)."""
    if not value:
        return None
    return timezone.make_aware(dt.datetime.strptime(value, MOMENT_FORMAT))  # noqa: DTZ007


def path_ids(path: str | None) -> list[int]:
    return [int(part) for part in (path or "").split(".") if part]


def path_text(path: str | None, codes: dict[int, str]) -> str:
    return PATH_SEPARATOR.join(codes[i] for i in path_ids(path))


def split_path(value: str) -> list[str]:
    return [part.strip() for part in value.split(PATH_SEPARATOR.strip()) if part.strip()]


# -- one function per sheet ---------------------------------------------------


def sector_row(code: str, name: str) -> dict[str, Any]:
    return {"code": clean_text(code), "name": clean_text(name)}


def organization_row(org: Organization, codes: dict[int, str], *, in_scope: bool) -> dict:
    return {
        "code": clean_text(org.code),
        "name": clean_text(org.name),
        "kind": org.kind,
        "kind_label": KIND_LABELS.get(org.kind, ""),
        "parent": codes[org.parent_id] if org.parent_id else "",
        "scope": IN_SCOPE if in_scope else REFERENCE,
        "sector": clean_text(org.sector.code) if org.sector_id else "",
        "staff_headcount": org.staff_headcount,
        "hardship_area": bool(org.hardship_area),
        "established_on": org.established_on,
        "established_decision": clean_text(org.established_decision),
        "dissolved_on": org.dissolved_on,
        "dissolved_decision": clean_text(org.dissolved_decision),
        "address": clean_text(org.address),
        "phone": clean_text(org.phone),
        "email": clean_text(org.email),
        "committee_name": clean_text(org.committee_name),
        "place_name": clean_text(org.place_name),
    }


def tree_position_row(pos: TreePosition, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "organization": codes[pos.organization_id],
        "valid_from": pos.valid_from,
        "valid_until": pos.valid_until,
        "parent": codes[pos.parent_id] if pos.parent_id else "",
        "name": clean_text(pos.name),
        "kind": pos.kind,
        "kind_label": KIND_LABELS.get(pos.kind, ""),
        "path": path_text(pos.path, codes),
    }


def org_event_row(event: OrgEvent, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "organization": codes[event.organization_id],
        "happened_on": event.happened_on,
        "kind": event.kind,
        "kind_label": ORG_EVENT_LABELS.get(event.kind, ""),
        "decision_number": clean_text(event.decision_number),
        "decision_signed_on": event.decision_signed_on,
        "decision_issuer": clean_text(event.decision_issuer),
        "related": codes[event.related_id] if event.related_id else "",
        "details": json_text(event.details),
        "note": clean_text(event.note),
    }


def member_row(member: Member, codes: dict[int, str]) -> dict[str, Any]:
    org_code = codes.get(member.organization_id, "") if member.organization_id else ""
    return {
        "uid": uid_text(member.uid),
        "full_name": text.normalize(member.full_name),
        "birth_name": text.normalize(member.birth_name),
        "date_of_birth": member.date_of_birth,
        "sex": member.sex,
        "sex_label": SEX_LABELS.get(member.sex, ""),
        "ethnicity": clean_text(member.ethnicity),
        "ethnicity_name": code_lists.name_of("ethnicity", member.ethnicity),
        "religion": clean_text(member.religion),
        "religion_name": code_lists.name_of("religion", member.religion),
        "home_town": clean_text(member.home_town),
        "birth_place": clean_text(member.birth_place),
        "permanent_address": clean_text(member.permanent_address),
        "personal_id_number": clean_text(member.personal_id_number).upper(),
        "phone": clean_text(member.phone),
        "email": clean_text(member.email),
        "occupation": clean_text(member.occupation),
        "card_number": clean_text(member.card_number).upper(),
        "background_number": clean_text(member.background_number).upper(),
        "general_education": clean_text(member.general_education),
        "professional_level": clean_text(member.professional_level),
        "political_theory_level": clean_text(member.political_theory_level),
        "admission_age_exception": clean_text(member.admission_age_exception),
        "voided_on": local_day(member.voided_at),
        "voided_reason": clean_text(member.voided_reason),
        "status": member.status or "",
        "status_label": STATUS_LABELS.get(member.status, ""),
        "organization": org_code,
        "organization_name": "",  # filled by the export, which holds the names
        "admitted_on": member.admitted_on,
        "official_on": member.official_on,
    }


def member_event_row(event: MemberEvent, uid: str, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "member": uid,
        "happened_on": event.happened_on,
        "kind": event.kind,
        "kind_label": MEMBER_EVENT_LABELS.get(event.kind, ""),
        "organization": codes[event.organization_id] if event.organization_id else "",
        "other_party": clean_text(event.other_party),
        "decision_number": clean_text(event.decision_number),
        "decision_signed_on": event.decision_signed_on,
        "decision_issuer": clean_text(event.decision_issuer),
        "ceremony_on": event.ceremony_on,
        "reason_code": event.reason_code,
        "reason_label": REASON_LABELS.get(event.reason_code, ""),
        "grounds": clean_text(event.grounds),
        "note": clean_text(event.note),
        "voided_on": local_day(event.voided_at),
        "voided_reason": clean_text(event.voided_reason),
    }


def position_row(position: Position, uid: str, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "member": uid,
        "title": position.title,
        "title_label": TITLE_LABELS.get(position.title, ""),
        "organization": codes[position.organization_id],
        "started_on": position.started_on,
        "ended_on": position.ended_on,
        "decision_number": clean_text(position.decision_number),
    }


def user_row(user, member_uid: str) -> dict[str, Any]:
    return {
        "username": clean_text(user.username),
        "full_name": clean_text(user.get_full_name()),
        "email": clean_text(user.email),
        "is_active": bool(user.is_active),
        "member": member_uid,
    }


def role_row(assignment, username: str, codes: dict[int, str]) -> dict[str, Any]:
    from dangbo.accounts.models import Role

    return {
        "username": clean_text(username),
        "role": assignment.role,
        "role_label": dict(Role.choices).get(assignment.role, ""),
        "organization": codes[assignment.organization_id],
        "modules": list_text(assignment.modules),
        "granted_on": local_day(assignment.granted_at),
        "revoked_on": local_day(assignment.revoked_at),
    }
