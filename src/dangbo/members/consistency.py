"""Does what is stored for each member still follow from the member's events?

Status, current organization, the admission and official dates, the end of the
probation and the ``MemberState`` periods are derived from the events
(``services.derive``) and written only by ``services.rebuild_states``. A row
written any other way (by hand in the database, by an old version) drifts from
its events; ``drift_in`` finds it, subtree by subtree, in chunks, with three
queries per chunk whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields

from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range

from . import rules, services
from .models import Member, MemberEvent, MemberState, Status

CHUNK = 1000

LABELS = {
    "status": "tình trạng",
    "organization": "chi bộ đang sinh hoạt",
    "admitted_on": "ngày vào Đảng",
    "official_on": "ngày chính thức",
    "probation_ends_on": "ngày hết thời gian dự bị",
    "states": "các giai đoạn sinh hoạt",
    "events": "lịch sử sự kiện",
}


@dataclass(frozen=True)
class Drift:
    """One column (or the periods) of one member that differs from what the events give."""

    member_id: int
    full_name: str
    field: str
    stored: str
    derived: str

    @property
    def label(self) -> str:
        return LABELS[self.field]

    def as_dict(self) -> dict[str, object]:
        return {
            "member_id": self.member_id, "full_name": self.full_name, "field": self.field,
            "label": self.label, "stored": self.stored, "derived": self.derived,
        }  # fmt: skip


def member_ids_in(org: Organization) -> list[int]:
    """Members the subtree holds now, or that an event or a period places in it."""
    ids = set(
        Member.objects.filter(path_range(org.path, "organization__path")).values_list(
            "pk", flat=True
        )
    )
    ids.update(
        MemberEvent.objects.filter(path_range(org.path, "organization__path")).values_list(
            "member_id", flat=True
        )
    )
    ids.update(
        MemberState.objects.filter(path_range(org.path, "organization__path")).values_list(
            "member_id", flat=True
        )
    )
    return sorted(ids)


@dataclass(frozen=True)
class Stored:
    """What the member row holds (read as plain values: no model instances at this scale)."""

    pk: int
    full_name: str
    date_of_birth: dt.date | None
    admission_age_exception: str
    status: str
    organization_id: int | None
    admitted_on: dt.date | None
    official_on: dt.date | None
    probation_ends_on: dt.date | None


STORED = [f.name for f in fields(Stored)]
KIND_LABELS = dict(MemberEvent.Kind.choices)


def _chunks(ids: list[int], size: int) -> Iterator[list[tuple[Stored, list, list]]]:
    """Members with their events and periods, three queries per chunk."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        events: dict[int, list[rules.Event]] = defaultdict(list)
        for member_id, pk, kind, on, org_id, ceremony_on in (
            MemberEvent.objects.filter(member_id__in=chunk, voided_at__isnull=True)
            .order_by()
            .values_list("member_id", "pk", "kind", "happened_on", "organization_id", "ceremony_on")
        ):
            events[member_id].append(
                rules.Event(kind, on, org_id, seq=pk, label=KIND_LABELS.get(kind, kind),
                            ceremony_on=ceremony_on)
            )  # fmt: skip
        states: dict[int, list[rules.State]] = defaultdict(list)
        for member_id, *state in (
            MemberState.objects.filter(member_id__in=chunk)
            .order_by("member_id", "valid_from", "pk")
            .values_list("member_id", "status", "organization_id", "valid_from", "valid_until")
        ):
            states[member_id].append(rules.State(*state))
        yield [
            (Stored(*row), events[row[0]], states[row[0]])
            for row in Member.objects.filter(pk__in=chunk).order_by("pk").values_list(*STORED)
        ]


def drift_in(org: Organization, *, chunk_size: int = CHUNK) -> Iterator[tuple[int, list[Drift]]]:
    """Yield (members checked so far, the drift found) chunk by chunk over the subtree."""
    ids = member_ids_in(org)
    checked = 0
    names: dict[int | None, str] = {}
    for members in _chunks(ids, chunk_size):
        found: list[Drift] = []
        for member, events, states in members:
            found += drift_of(member, events, states, names)
        checked += len(members)
        yield checked, found


def drift_of(
    member: Stored,
    events: list[rules.Event],
    stored_states: list[rules.State],
    names: dict[int | None, str] | None = None,
) -> list[Drift]:
    """Compare the member's stored state with the state its events give."""
    names = {} if names is None else names

    def drift(field: str, stored: str, derived: str) -> Drift:
        return Drift(member.pk, member.full_name, field, stored, derived)

    try:
        derived = services.derive_records(
            events, date_of_birth=member.date_of_birth,
            age_exception=bool(member.admission_age_exception.strip()),
        )  # fmt: skip
    except DomainError as exc:
        return [drift("events", "", "; ".join(exc.messages))]
    found = []
    if member.status != derived.status:
        found.append(drift("status", _status(member.status), _status(derived.status)))
    if member.organization_id != derived.organization_id:
        found.append(
            drift(
                "organization",
                _org(member.organization_id, names),
                _org(derived.organization_id, names),
            )
        )
    for field in ("admitted_on", "official_on", "probation_ends_on"):
        if getattr(member, field) != getattr(derived, field):
            found.append(
                drift(field, _date(getattr(member, field)), _date(getattr(derived, field)))
            )
    if _periods(stored_states) != _periods(derived.states):
        found.append(drift("states", _states(stored_states, names), _states(derived.states, names)))
    return found


def _periods(states: list[rules.State]) -> list[tuple]:
    return [(s.status, s.organization_id, s.valid_from, s.valid_until) for s in states]


def _status(value: str) -> str:
    return Status(value).label if value in Status.values else (value or "—")


def _date(value: dt.date | None) -> str:
    return fmt_date(value) if value else "—"


def _org(pk: int | None, names: dict[int | None, str]) -> str:
    if pk is None:
        return "—"
    if pk not in names:
        org = Organization.objects.filter(pk=pk).only("code", "name").first()
        names[pk] = f"{org.name} ({org.code})" if org else f"#{pk}"
    return names[pk]


def _states(states: list[rules.State], names: dict[int | None, str]) -> str:
    if not states:
        return "—"
    return "; ".join(
        f"{_status(s.status)}"
        + (f" tại {_org(s.organization_id, names)}" if s.organization_id else "")
        + f" từ {fmt_date(s.valid_from)}"
        + (f" đến trước {fmt_date(s.valid_until)}" if s.valid_until else "")
        for s in states
    )
