"""Re-arranging organizations together with their members: merge, split, dissolve.

These operations change the tree (organizations app) and move members with
dated events (this app), in one transaction, so a question about an earlier
date is still answered with the tree and the memberships of that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from dangbo.core.errors import DomainError
from dangbo.core.locking import lock
from dangbo.organizations import services as org_services
from dangbo.organizations.models import CELL_KINDS, Organization, OrgEvent

from . import services
from .models import ACTIVE_STATUSES, Member, MemberEvent


def _active_members(org: Organization):
    return Member.objects.filter(
        organization=org, status__in=ACTIVE_STATUSES, voided_at__isnull=True
    )


def _move_members(
    *,
    actor,
    members: Iterable[Member],
    source: Organization,
    target: Organization,
    on: dt.date,
    decision: dict[str, Any],
    note: str,
) -> int:
    count = 0
    for member in members:
        lock(member)
        if (
            member.organization_id != source.pk
            or member.status not in ACTIVE_STATUSES
            or member.is_voided
        ):
            continue  # moved or left while the list was read: not this operation's member
        services.record_event(
            actor=actor, member=member, kind=MemberEvent.Kind.MOVED, happened_on=on, organization=target,
            decision_number=decision.get("number", ""), decision_signed_on=decision.get("signed_on"),
            decision_issuer=decision.get("issuer", ""), note=note,
        )  # fmt: skip
        count += 1
    return count


@transaction.atomic
def merge_organizations(
    *,
    actor,
    sources: list[Organization],
    target: Organization,
    on: dt.date,
    decision: dict[str, Any] | None = None,
) -> Organization:
    """Merge ``sources`` into ``target`` on ``on``: children and members move, sources end."""
    decision = decision or {}
    if not sources:
        raise DomainError({"sources": "Cần chọn ít nhất một tổ chức được sáp nhập."})
    if any(s.pk == target.pk for s in sources):
        raise DomainError({"target": "Tổ chức tiếp nhận không được nằm trong danh sách sáp nhập."})
    for source in sources:
        if target.path.startswith(source.path):
            raise DomainError({"target": f"Tổ chức tiếp nhận nằm trong «{source.name}»."})
        for child in source.children.filter(dissolved_on__isnull=True):
            org_services.move_organization(
                actor=actor, org=child, new_parent=target, on=on, decision=decision
            )
        members = list(_active_members(source))
        if members and target.kind not in CELL_KINDS:
            raise DomainError(
                {"target": f"«{source.name}» còn đảng viên: tổ chức tiếp nhận phải là chi bộ."}
            )
        _move_members(
            actor=actor,
            members=members,
            source=source,
            target=target,
            on=on,
            decision=decision,
            note=f"Sáp nhập {source.name} vào {target.name}",
        )
        org_services.dissolve_organization(
            actor=actor,
            org=source,
            on=on,
            decision=decision,
            event_kind=OrgEvent.Kind.MERGED_INTO,
            related=target,
        )
        OrgEvent.objects.create(
            organization=target,
            kind=OrgEvent.Kind.ABSORBED,
            happened_on=on,
            related=source,
            decision_number=decision.get("number", "") or "",
        )
    return target


@transaction.atomic
def split_organization(
    *,
    actor,
    source: Organization,
    parts: list[dict[str, Any]],
    on: dt.date,
    decision: dict[str, Any] | None = None,
    dissolve_source: bool = True,
) -> list[Organization]:
    """Split ``source`` into new organizations on ``on``.

    Each part is {"code", "name", "kind", "parent", "member_ids", "child_ids"}:
    the members and child organizations listed move to that part. With
    ``dissolve_source`` every active member and child must go somewhere.
    """
    decision = decision or {}
    created: list[Organization] = []
    for part in parts:
        org = org_services.found_organization(
            actor=actor, code=part["code"], name=part["name"], kind=part.get("kind", source.kind),
            parent=part.get("parent", source.parent), established_on=on, decision=decision,
            event_kind=OrgEvent.Kind.SPLIT_FROM, related=source, sector=source.sector,
        )  # fmt: skip
        for child in Organization.objects.filter(pk__in=part.get("child_ids", []), parent=source):
            org_services.move_organization(
                actor=actor, org=child, new_parent=org, on=on, decision=decision
            )
        members = _active_members(source).filter(pk__in=part.get("member_ids", []))
        _move_members(
            actor=actor,
            members=members,
            source=source,
            target=org,
            on=on,
            decision=decision,
            note=f"Chia tách {source.name}",
        )
        created.append(org)
    if dissolve_source:
        left = _active_members(source).count()
        if left:
            raise DomainError(
                {
                    "parts": f"Còn {left} đảng viên của «{source.name}» chưa được phân vào tổ chức mới."
                }
            )
        org_services.dissolve_organization(
            actor=actor, org=source, on=on, decision=decision, event_kind=OrgEvent.Kind.SPLIT_INTO
        )
    return created


@transaction.atomic
def dissolve_organization(
    *,
    actor,
    org: Organization,
    on: dt.date,
    decision: dict[str, Any] | None = None,
    move_members_to: Organization | None = None,
) -> Organization:
    """Dissolve ``org``; its members move to ``move_members_to`` first when given."""
    decision = decision or {}
    members = list(_active_members(org))
    if members and move_members_to is not None:
        _move_members(
            actor=actor,
            members=members,
            source=org,
            target=move_members_to,
            on=on,
            decision=decision,
            note=f"Giải thể {org.name}",
        )
        members = []
    return org_services.dissolve_organization(
        actor=actor, org=org, on=on, decision=decision, active_member_count=len(members)
    )
