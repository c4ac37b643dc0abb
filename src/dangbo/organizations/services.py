"""Every write to the organization tree: checks, transaction, history, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from dangbo.audit.services import record, snapshot
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.locking import lock, save_changed, values

from . import rules
from .models import PATH_SEGMENT_WIDTH, Organization, OrgEvent, OrgKind, OrgKindRule, TreePosition


def kind_pairs() -> list[rules.KindPair]:
    """Return the legal (parent kind, child kind) pairs recorded as data."""
    return [
        rules.KindPair(r.parent_kind, r.child_kind, r.valid_from, r.valid_until)
        for r in OrgKindRule.objects.all()
    ]


def _audit(
    actor, action: str, org: Organization, before: dict[str, Any] | None, note: str = ""
) -> None:
    record(actor=actor, action=f"organizations.{action}", target=org, before=before, after=org,
           org_path=org.path, note=note)  # fmt: skip


def _segment(org: Organization) -> str:
    return f"{org.pk:0{PATH_SEGMENT_WIDTH}d}."


def _check_parent(
    *, kind: str, parent: Organization | None, on: dt.date, field: str = "parent"
) -> None:
    if parent is None:
        return
    if parent.dissolved_on is not None and parent.dissolved_on <= on:
        raise DomainError(
            {
                field: f"Tổ chức cấp trên «{parent.name}» đã giải thể từ ngày {fmt_date(parent.dissolved_on)}."
            }
        )
    if parent.established_on > on:
        raise DomainError(
            {
                field: f"Tổ chức cấp trên «{parent.name}» thành lập ngày {fmt_date(parent.established_on)}, sau ngày {fmt_date(on)}."
            }
        )
    if not rules.nesting_allowed(parent.kind, kind, on, kind_pairs()):
        raise DomainError({field: (
            f"{OrgKind(kind).label} không thể trực thuộc {OrgKind(parent.kind).label} "
            f"vào ngày {fmt_date(on)} (theo quy tắc cấp tổ chức đang áp dụng)."
        )})  # fmt: skip


def _event(
    org: Organization, kind: str, on: dt.date, decision: dict[str, Any] | None, **extra
) -> OrgEvent:
    decision = decision or {}
    event = OrgEvent(
        organization=org, kind=kind, happened_on=on,
        decision_number=decision.get("number", "") or "",
        decision_signed_on=decision.get("signed_on"),
        decision_issuer=decision.get("issuer", "") or "",
        **extra,
    )  # fmt: skip
    event.full_clean()
    event.save()
    return event


def _current_position(org: Organization) -> TreePosition | None:
    return org.positions.filter(valid_until__isnull=True).first()


def _check_after_history(org: Organization, on: dt.date, field: str = "happened_on") -> None:
    current = _current_position(org)
    if current and on <= current.valid_from:
        raise DomainError({field: (
            f"Ngày hiệu lực phải sau ngày {fmt_date(current.valid_from)}, "
            "ngày của thay đổi gần nhất đã ghi nhận cho tổ chức này."
        )})  # fmt: skip


def _reposition_subtree(org: Organization, *, on: dt.date, new_parent: Organization | None) -> None:
    """Close the positions of ``org`` and its subtree on ``on`` and open new ones under ``new_parent``."""
    old_path = org.path
    new_path = (new_parent.path if new_parent else "") + _segment(org)
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    subtree = list(
        Organization.objects.filter(
            path__gte=old_path, path__lt=rules.subtree_upper_bound(old_path)
        ).order_by("path")
    )
    ids = [o.pk for o in subtree]
    TreePosition.objects.filter(organization_id__in=ids, valid_until__isnull=True).update(
        valid_until=on
    )
    positions = []
    for node in subtree:
        node.path = new_path + node.path[len(old_path) :]
        node.depth += depth_delta
        if node.pk == org.pk:
            node.parent = new_parent
        if node.dissolved_on is not None:
            continue  # its path follows its ancestors; its last period stays closed
        positions.append(TreePosition(
            organization=node, parent_id=node.parent_id, path=node.path, depth=node.depth,
            name=node.name, kind=node.kind, valid_from=on,
        ))  # fmt: skip
    # Paths are unique: move the subtree out of the way first, then into place.
    Organization.objects.filter(pk__in=ids).update(path=None)
    for node in subtree:
        Organization.objects.filter(pk=node.pk).update(
            path=node.path, depth=node.depth, parent=node.parent
        )
    TreePosition.objects.bulk_create(positions)
    org.refresh_from_db()


def _open_position(org: Organization, on: dt.date) -> None:
    current = _current_position(org)
    if current:
        current.valid_until = on
        current.save(update_fields=["valid_until"])
    TreePosition.objects.create(
        organization=org, parent=org.parent, path=org.path, depth=org.depth,
        name=org.name, kind=org.kind, valid_from=on,
    )  # fmt: skip


@transaction.atomic
def found_organization(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    established_on: dt.date,
    decision: dict[str, Any] | None = None,
    event_kind: str = OrgEvent.Kind.FOUNDED,
    related: Organization | None = None,
    **fields: Any,
) -> Organization:
    """Found an organization under ``parent`` on ``established_on``."""
    _check_parent(kind=kind, parent=parent, on=established_on)
    decision = decision or {}
    org = Organization(
        code=code.strip(), name=name.strip(), kind=kind, parent=parent, established_on=established_on,
        established_decision=decision.get("number", "") or "", depth=(parent.depth + 1) if parent else 0,
        **fields,
    )  # fmt: skip
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + _segment(org)
    org.save(update_fields=["path"])
    TreePosition.objects.create(
        organization=org, parent=parent, path=org.path, depth=org.depth, name=org.name,
        kind=org.kind, valid_from=established_on,
    )  # fmt: skip
    _event(org, event_kind, established_on, decision, related=related)
    record(actor=actor, action="organizations.founded", target=org, after=org, org_path=org.path)
    return org


def installation_root() -> Organization | None:
    """The organization at the top of the installation (the first, if there were several)."""
    return (
        Organization.objects.filter(parent__isnull=True, path__isnull=False)
        .order_by("path")
        .first()
    )


@transaction.atomic
def found_root_organization(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    established_on: dt.date,
    decision: dict[str, Any] | None = None,
    place_name: str = "",
    committee_name: str = "",
    **fields: Any,
) -> Organization:
    """Found the top organization of an empty installation, every other one to stand under it.

    The checks of ``found_organization`` (code, name, kind), plus: the installation has no
    organization yet, and the kind may stand at the top on that date (``rules.top_kind_refusal``).
    """
    # Taken before the check: two first runs at once found one top, not two.
    # (SQLite: the transaction already holds the database's write lock, BEGIN IMMEDIATE.)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Organization._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    existing = installation_root()
    if existing is not None:
        raise DomainError({"code": (
            f"Hệ thống đã có tổ chức cao nhất «{existing.name}» (mã {existing.code}); "
            "tổ chức mới được thành lập trực thuộc một tổ chức trong cây."
        )})  # fmt: skip
    refusal = rules.top_kind_refusal(kind, established_on)
    if refusal:
        label = OrgKind(kind).label if kind in OrgKind.values else kind
        raise DomainError(
            {"kind": f"{label} không thể là tổ chức cao nhất của hệ thống: {refusal}."}
        )
    return found_organization(
        actor=actor, code=code, name=name, kind=kind, parent=None, established_on=established_on,
        decision=decision, place_name=place_name.strip(), committee_name=committee_name.strip(),
        **fields,
    )  # fmt: skip


UPDATABLE_FIELDS = (
    "sector", "staff_headcount", "hardship_area", "address", "phone", "email", "established_decision",
    "committee_name", "place_name",
)  # fmt: skip
STRIPPED_FIELDS = ("committee_name", "place_name")
UPDATABLE_FIELDS_ATTNAMES = tuple(Organization._meta.get_field(f).attname for f in UPDATABLE_FIELDS)


@transaction.atomic
def update_organization(*, actor, org: Organization, **changes: Any) -> Organization:
    """Change an organization's descriptive fields (not its place, name or kind: those are events)."""
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise DomainError(f"Không sửa trực tiếp được: {', '.join(sorted(unknown))}.")
    lock(org)
    before, original = snapshot(org), values(org)
    for field, value in changes.items():
        setattr(org, field, value.strip() if field in STRIPPED_FIELDS and value else value)
    org.full_clean()
    save_changed(org, original, UPDATABLE_FIELDS_ATTNAMES)
    _audit(actor, "updated", org, before)
    return org


@transaction.atomic
def rename_organization(
    *, actor, org: Organization, name: str, on: dt.date, decision: dict[str, Any] | None = None
) -> Organization:
    """Rename an organization from ``on``; the old name stays in its history."""
    lock(org)
    _check_active(org, on)
    _check_after_history(org, on)
    name = name.strip()
    if not name:
        raise DomainError({"name": "Tên tổ chức không được để trống."})
    before = snapshot(org)
    old_name, org.name = org.name, name
    org.save(update_fields=["name", "updated_at"])
    _open_position(org, on)
    _event(
        org, OrgEvent.Kind.RENAMED, on, decision, details={"old_name": old_name, "new_name": name}
    )
    _audit(actor, "renamed", org, before)
    return org


@transaction.atomic
def change_kind(
    *, actor, org: Organization, kind: str, on: dt.date, decision: dict[str, Any] | None = None
) -> Organization:
    """Change an organization's kind from ``on`` (a chi bộ cơ sở grown into a đảng bộ cơ sở)."""
    lock(org)
    _check_active(org, on)
    _check_after_history(org, on)
    _check_parent(kind=kind, parent=org.parent, on=on, field="kind")
    pairs = kind_pairs()
    for child in org.children.filter(dissolved_on__isnull=True):
        if not rules.nesting_allowed(kind, child.kind, on, pairs):
            raise DomainError(
                {
                    "kind": f"Tổ chức trực thuộc «{child.name}» không thể trực thuộc {OrgKind(kind).label}."
                }
            )
    before = snapshot(org)
    old_kind, org.kind = org.kind, kind
    org.save(update_fields=["kind", "updated_at"])
    _open_position(org, on)
    _event(
        org,
        OrgEvent.Kind.KIND_CHANGED,
        on,
        decision,
        details={"old_kind": old_kind, "new_kind": kind},
    )
    _audit(actor, "kind_changed", org, before)
    return org


def _check_active(org: Organization, on: dt.date) -> None:
    if org.dissolved_on is not None:
        raise DomainError(f"Tổ chức «{org.name}» đã giải thể từ ngày {fmt_date(org.dissolved_on)}.")
    if on < org.established_on:
        raise DomainError(
            {
                "happened_on": f"Ngày hiệu lực trước ngày thành lập tổ chức ({fmt_date(org.established_on)})."
            }
        )


@transaction.atomic
def move_organization(
    *,
    actor,
    org: Organization,
    new_parent: Organization,
    on: dt.date,
    decision: dict[str, Any] | None = None,
) -> Organization:
    """Place ``org`` and its whole subtree under ``new_parent`` from ``on``."""
    for node in sorted((org, new_parent), key=lambda o: o.pk):  # one order: no deadlock
        lock(node)
    _check_active(org, on)
    _check_after_history(org, on)
    if new_parent.pk == org.pk or rules.is_within(new_parent.path, org.path):
        raise DomainError({"new_parent": (
            f"Không thể chuyển «{org.name}» vào chính nó hoặc vào một tổ chức trực thuộc nó."
        )})  # fmt: skip
    if new_parent.pk == org.parent_id:
        raise DomainError({"new_parent": f"«{org.name}» đã trực thuộc «{new_parent.name}»."})
    _check_parent(kind=org.kind, parent=new_parent, on=on, field="new_parent")
    before = snapshot(org)
    old_parent = org.parent
    _reposition_subtree(org, on=on, new_parent=new_parent)
    _event(
        org,
        OrgEvent.Kind.MOVED,
        on,
        decision,
        related=new_parent,
        details={
            "old_parent": old_parent.code if old_parent else None,
            "new_parent": new_parent.code,
        },
    )
    _audit(actor, "moved", org, before)
    return org


@transaction.atomic
def dissolve_organization(
    *,
    actor,
    org: Organization,
    on: dt.date,
    decision: dict[str, Any] | None = None,
    event_kind: str = OrgEvent.Kind.DISSOLVED,
    related: Organization | None = None,
    active_member_count: int = 0,
) -> Organization:
    """End an organization on ``on``. It must have no active children and no members left.

    Callers that move members away first (merge, split) pass the count they
    left behind; the members app checks its own registry before calling.
    """
    lock(org)
    _check_active(org, on)
    _check_after_history(org, on)
    if org.children.filter(dissolved_on__isnull=True).exists():
        raise DomainError(
            "Còn tổ chức trực thuộc đang hoạt động: chuyển hoặc giải thể các tổ chức đó trước."
        )
    if active_member_count:
        raise DomainError(
            f"Còn {active_member_count} đảng viên đang sinh hoạt: chuyển sinh hoạt trước khi giải thể."
        )
    before, original = snapshot(org), values(org)
    decision = decision or {}
    org.dissolved_on = on
    org.dissolved_decision = decision.get("number", "") or ""
    org.full_clean(exclude=["path"])
    save_changed(org, original, ["dissolved_on", "dissolved_decision"])
    current = _current_position(org)
    if current:
        current.valid_until = on
        current.save(update_fields=["valid_until"])
    _event(org, event_kind, on, decision, related=related)
    _audit(actor, "dissolved", org, before)
    return org


@transaction.atomic
def restore_organization(*, actor, org: Organization, on: dt.date, note: str = "") -> Organization:
    """Undo a dissolution recorded in error: the organization is active again from ``on``."""
    lock(org)
    if org.parent_id is not None:
        lock(org.parent)
    if org.dissolved_on is None:
        raise DomainError(f"Tổ chức «{org.name}» đang hoạt động.")
    if org.parent and org.parent.dissolved_on is not None:
        raise DomainError(
            f"Tổ chức cấp trên «{org.parent.name}» đã giải thể: khôi phục tổ chức cấp trên trước."
        )
    if on < org.dissolved_on:
        raise DomainError(
            {
                "happened_on": f"Ngày khôi phục không được trước ngày giải thể ({fmt_date(org.dissolved_on)})."
            }
        )
    before, original = snapshot(org), values(org)
    org.dissolved_on = None
    org.dissolved_decision = ""
    save_changed(org, original, ["dissolved_on", "dissolved_decision"])
    TreePosition.objects.create(
        organization=org, parent=org.parent, path=org.path, depth=org.depth, name=org.name,
        kind=org.kind, valid_from=on,
    )  # fmt: skip
    _event(org, OrgEvent.Kind.RESTORED, on, None, note=note)
    _audit(actor, "restored", org, before, note=note)
    return org
