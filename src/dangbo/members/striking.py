"""Candidates for striking off (xóa tên): members a later module finds meeting a ground.

The grounds (Quy định thi hành Điều lệ Đảng, mục 8.1) are facts other modules
record: missed meetings (meetings), unpaid dues (dues), 12 months of education
without progress, standards breached two years in a row (evaluation). Each
such module registers a *source* when its app is ready::

    from dangbo.members.striking import StrikingCandidate, register_striking_source

    @register_striking_source
    def unpaid_dues(org, on):
        return [StrikingCandidate(member, "MISSED_ACTIVITY_OR_DUES", "Không đóng đảng phí ...")]

``striking_candidates(org, on)`` gathers them for a subtree. A candidate is
only a proposal: the cell considers it and the competent committee decides,
recorded as a «Xóa tên» event with its ground and decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range

from .lifecycle_rules import STRIKING_GROUNDS
from .models import ACTIVE_STATUSES, Member, MemberEvent


@dataclass(frozen=True)
class StrikingCandidate:
    member: Member
    ground_code: str  # a MemberEvent.Reason value among the striking-off grounds
    detail: str = ""  # what the source found, in Vietnamese: "Không đóng đảng phí 4 tháng năm 2026"
    source: str = ""  # filled in by striking_candidates: the source's name

    @property
    def ground_label(self) -> str:
        return MemberEvent.Reason(self.ground_code).label


StrikingSource = Callable[[Organization, dt.date], list[StrikingCandidate]]

_SOURCES: list[StrikingSource] = []


def register_striking_source(fn: StrikingSource) -> StrikingSource:
    """Add a function ``(org, on) -> list[StrikingCandidate]`` (usable as a decorator; idempotent)."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def unregister_striking_source(fn: StrikingSource) -> None:
    if fn in _SOURCES:
        _SOURCES.remove(fn)


def striking_sources() -> list[StrikingSource]:
    return list(_SOURCES)


def striking_candidates(org: Organization, on: dt.date) -> list[StrikingCandidate]:
    """Return the candidates every source finds in ``org``'s subtree on ``on``.

    Only members still in the party in the subtree are kept (a source cannot
    widen the scope); the same member and ground found twice is listed once.
    The list is in Vietnamese name order.
    """
    found: dict[tuple[int, str], StrikingCandidate] = {}
    for source in _SOURCES:
        name = getattr(source, "__name__", "")
        for candidate in source(org, on):
            if candidate.ground_code not in STRIKING_GROUNDS:
                raise ValueError(f"Unknown striking-off ground: {candidate.ground_code}")
            key = (candidate.member.pk, candidate.ground_code)
            found.setdefault(key, StrikingCandidate(
                candidate.member, candidate.ground_code, candidate.detail, candidate.source or name
            ))  # fmt: skip
    if not found:
        return []
    allowed = set(
        Member.objects.filter(
            path_range(org.path, "organization__path"), status__in=ACTIVE_STATUSES,
            voided_at__isnull=True, pk__in={pk for pk, _ in found},
        ).values_list("pk", flat=True)
    )  # fmt: skip
    kept = [c for (pk, _), c in found.items() if pk in allowed]
    return sorted(
        kept,
        key=lambda c: (c.member.name_sort_key, c.member.date_of_birth, c.member.pk, c.ground_code),
    )
