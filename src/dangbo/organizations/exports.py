"""Organization lists and the audit log as files: the columns and the rows.

``ORG_EXPORT_COLUMNS`` are the headers the organization import recognises,
so an exported tree can be corrected in Excel and read back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.db.models import Count, Q, QuerySet

from dangbo.audit.actions import action_label, changes, target_type_label
from dangbo.core.exports import CHUNK_SIZE, cell_text
from dangbo.core.formatting import fmt_date
from dangbo.core.xlsx import Column

from .models import Organization, OrgKind
from .selectors import orgs_under, path_range, positions_under, valid_on

ORG_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("Mã tổ chức", width=14),
    Column("Tên tổ chức", width=40),
    Column("Loại tổ chức", width=28),
    Column("Mã tổ chức cấp trên", width=14),
    Column("Loại hình", width=24),
    Column("Ngày thành lập", "date", 14),
    Column("Quyết định thành lập", width=20),
    Column("Ngày giải thể", "date", 14),
    Column("Số đảng viên", "int", 11),
    Column("Số cán bộ, nhân viên", "int", 12),
)
ORG_EXPORT_HEADERS: tuple[str, ...] = tuple(c.header for c in ORG_EXPORT_COLUMNS)

AUDIT_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("Thời điểm", "datetime"),
    Column("Người thực hiện", width=24),
    Column("Tài khoản", width=16),
    Column("Thao tác", width=36),
    Column("Loại đối tượng", width=16),
    Column("Mã đối tượng", width=12),
    Column("Đối tượng", width=36),
    Column("Ghi chú", width=30),
    Column("Thay đổi", width=44),
    Column("Trước khi sửa", width=40),
    Column("Sau khi sửa", width=40),
)

_KINDS = dict(OrgKind.choices)


def member_totals(root: Organization, on: dt.date | None = None) -> dict[int, int]:
    """Return {organization id: members in the party's membership under it, itself included}.

    Now: the members' current organization and status; on a past date: the
    member states and the tree of that date (as the tree page counts).
    Two queries whatever the size of the subtree.
    """
    from dangbo.members.models import ACTIVE_STATUSES, Member, MemberState

    if on is None:
        nodes = list(
            Organization.objects.filter(path_range(root.path)).values_list(
                "pk", "parent_id", "path"
            )
        )
        direct = dict(
            Member.objects.filter(
                path_range(root.path, "organization__path"),
                status__in=ACTIVE_STATUSES,
                voided_at__isnull=True,
            )
            .values_list("organization_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    else:
        positions = positions_under(root, on)
        nodes = list(positions.values_list("organization_id", "parent_id", "path"))
        direct = dict(
            MemberState.objects.filter(
                valid_on(on),
                status__in=ACTIVE_STATUSES,
                member__voided_at__isnull=True,
                organization_id__in=positions.values("organization_id"),
            )
            .values_list("organization_id")
            .annotate(n=Count("member_id", distinct=True))
            .order_by()
        )
    totals = {pk: direct.get(pk, 0) for pk, _, _ in nodes}
    # Deepest first: a path sorts after its parent's, so each node is complete
    # before it is added to its parent.
    for pk, parent_id, _ in sorted(nodes, key=lambda n: n[2], reverse=True):
        if parent_id in totals and pk != root.pk:
            totals[parent_id] += totals[pk]
    return totals


def _org_row(org: Organization, *, name: str, kind: str, parent_code: str, members: int) -> list:
    return [
        org.code,
        name,
        _KINDS.get(kind, kind),
        parent_code,
        org.sector.name if org.sector_id else "",
        org.established_on,
        org.established_decision,
        org.dissolved_on,
        members,
        org.staff_headcount,
    ]


def tree_rows(root: Organization, on: dt.date | None = None) -> Iterator[list]:
    """Yield ``root`` and every organization under it, in tree order, as ``ORG_EXPORT_COLUMNS``.

    Now: the organizations not dissolved, as the tree page shows them. On a
    past date: the tree as it stood then (names, kinds and parents of that
    date; the other facts are today's).
    """
    totals = member_totals(root, on)
    if on is None:
        orgs = orgs_under(root, include_dissolved=True).filter(
            Q(dissolved_on__isnull=True) | Q(pk=root.pk)
        )
        for org in orgs.order_by("path").iterator(chunk_size=CHUNK_SIZE):
            yield _org_row(
                org, name=org.name, kind=org.kind, parent_code=org.parent.code if org.parent_id else "",
                members=totals.get(org.pk, 0),
            )  # fmt: skip
        return
    positions = (
        positions_under(root, on).select_related("parent", "organization__sector").order_by("path")
    )
    for pos in positions.iterator(chunk_size=CHUNK_SIZE):
        yield _org_row(
            pos.organization, name=pos.name, kind=pos.kind,
            parent_code=pos.parent.code if pos.parent_id else "",
            members=totals.get(pos.organization_id, 0),
        )  # fmt: skip


def org_rows(orgs: QuerySet[Organization], totals: dict[int, int]) -> Iterator[list]:
    """Yield ``orgs`` (current names and parents) as ``ORG_EXPORT_COLUMNS``, in their order."""
    for org in orgs.select_related("parent", "sector").iterator(chunk_size=CHUNK_SIZE):
        yield _org_row(
            org, name=org.name, kind=org.kind, parent_code=org.parent.code if org.parent_id else "",
            members=totals.get(org.pk, 0),
        )  # fmt: skip


def _json(value) -> str:
    if value in (None, {}, []):
        return ""
    return cell_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _changes_text(entry) -> str:
    lines = changes(entry.target_type, entry.before, entry.after)
    return "\n".join(f"{name}: {old} → {new}" for name, old, new in lines)


def audit_rows(entries: Iterable) -> Iterator[list]:
    """Yield audit entries (with ``actor`` selected) as ``AUDIT_EXPORT_COLUMNS``."""
    if isinstance(entries, QuerySet):
        entries = entries.iterator(chunk_size=CHUNK_SIZE)
    for e in entries:
        actor = e.actor
        yield [
            e.at,
            (actor.get_full_name() or actor.get_username()) if actor else "Hệ thống",
            actor.get_username() if actor else "",
            action_label(e.action),
            target_type_label(e.target_type),
            e.target_id,
            e.target_repr,
            cell_text(e.note),
            cell_text(
                "\n".join(
                    f"{name}: {old} → {new}"
                    for name, old, new in changes(e.target_type, e.before, e.after)
                )
            ),
            _json(e.before),
            _json(e.after),
        ]


def audit_filter_lines(form) -> list[str]:
    """Name the audit log's filters in force, as the export's preamble lists them."""
    data = form.filters()
    lines = []
    if data.get("action"):
        lines.append(f"thao tác: {action_label(data['action'])}")
    if data.get("actor"):
        lines.append(f"người thực hiện: {data['actor']}")
    if data.get("start"):
        lines.append(f"từ ngày {fmt_date(data['start'])}")
    if data.get("end"):
        lines.append(f"đến ngày {fmt_date(data['end'])}")
    if data.get("target"):
        lines.append(f"đối tượng: {data['target']}")
    if data.get("within"):
        lines.append(f"trong tổ chức: {data['within'].name}")
    return lines
