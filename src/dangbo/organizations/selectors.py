"""Reads of the organization tree, always limited to a subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from . import rules
from .models import Organization, OrgEvent, TreePosition


def valid_on(on: dt.date, prefix: str = "") -> Q:
    """Return the filter for rows valid on ``on`` (``valid_from <= on < valid_until``)."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": on})
    )


def path_range(path: str, field: str = "path") -> Q:
    """Return the filter for paths inside the subtree at ``path`` (one index range)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": rules.subtree_upper_bound(path)})


def paths_filter(paths: Iterable[str], field: str = "path") -> Q:
    """Return the filter for paths inside any of the given subtrees."""
    q = Q(pk__in=[])
    for path in paths:
        q |= path_range(path, field)
    return q


def orgs_under(root: Organization, *, include_dissolved: bool = False) -> QuerySet[Organization]:
    """Return ``root`` and every organization now under it."""
    qs = Organization.objects.filter(path_range(root.path)).select_related("parent", "sector")
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return qs


def positions_under(root: Organization, on: dt.date) -> QuerySet[TreePosition]:
    """Return the tree under ``root`` as it stood on ``on``, one position per organization.

    ``root`` is located by its own position on that date; if it did not exist
    then, the result is empty.
    """
    root_position = TreePosition.objects.filter(valid_on(on), organization=root).first()
    if root_position is None:
        return TreePosition.objects.none()
    return (
        TreePosition.objects.filter(valid_on(on))
        .filter(path_range(root_position.path))
        .select_related("organization", "organization__sector")
    )


def org_ids_under(root: Organization, on: dt.date | None = None) -> QuerySet:
    """Return the ids of the organizations under ``root`` (now, or as the tree stood on ``on``)."""
    if on is None:
        return Organization.objects.filter(path_range(root.path)).values("pk")
    return positions_under(root, on).values("organization_id")


def get_org(scope_paths: Iterable[str], code: str) -> Organization:
    """Return the organization with ``code`` if it lies in one of the scope's subtrees, else 404."""
    org = (
        Organization.objects.filter(paths_filter(scope_paths))
        .select_related("parent", "sector")
        .filter(code=code)
        .first()
    )
    if org is None:
        raise Http404("Không tìm thấy tổ chức.")
    return org


def children_of(org: Organization, *, include_dissolved: bool = False) -> QuerySet[Organization]:
    qs = org.children.select_related("sector")
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return qs.order_by("code")


def ancestors_of(org: Organization) -> list[Organization]:
    """Return the organizations above ``org``, top first (one query)."""
    segment = len(org.path) // (org.depth + 1) if org.path else 0
    paths = [org.path[: segment * i] for i in range(1, org.depth + 1)]
    by_path = {o.path: o for o in Organization.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def events_of(org: Organization) -> QuerySet[OrgEvent]:
    return org.events.select_related("related").order_by("-happened_on", "-id")


def history_of(org: Organization) -> QuerySet[TreePosition]:
    return org.positions.select_related("parent").order_by("valid_from")


def audit_entries(
    org: Organization,
    *,
    action: str = "",
    actor: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    target: str = "",
    within: Organization | None = None,
) -> QuerySet:
    """Return the audit entries of ``org``'s subtree (or of ``within``, a part of it), newest first.

    ``actor`` matches a user name exactly or a part of the person's name; ``target`` a part
    of the object's name or its number; ``start`` and ``end`` are days in local time.
    """
    from dangbo.audit.models import AuditEntry

    qs = AuditEntry.objects.filter(path_range(org.path, "org_path"))
    if within is not None and within.path.startswith(org.path):
        qs = qs.filter(path_range(within.path, "org_path"))
    if action:
        qs = qs.filter(action=action)
    if actor := actor.strip():
        qs = qs.filter(
            Q(actor__username__iexact=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
    if start is not None:
        qs = qs.filter(at__gte=_local_midnight(start))
    if end is not None:
        qs = qs.filter(at__lt=_local_midnight(end + dt.timedelta(days=1)))
    if target := target.strip():
        qs = qs.filter(Q(target_repr__icontains=target) | Q(target_id=target))
    return qs.select_related("actor")


def _local_midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
