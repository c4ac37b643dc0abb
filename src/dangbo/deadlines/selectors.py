"""The deadline radar: what falls due in a subtree, soonest first, with counts.

The domain apps compute their own deadlines (``sources``); what they compute
is stored when the facts are written (``store``), and the radar reads the rows
of the subtree of one organization within the horizon: the counts per kind and
per organization directly under the one asked about come from GROUP BY, and
only the page shown is built (overdue first, the most overdue on top, then by
due date). Before the store is built, for a day it does not cover, or while a
live source is registered, the radar asks the sources itself and sorts and
counts in Python (``_computed_radar``): the same result.

A deadline's ``due_on`` is the last day allowed: on that day it is still in
time; from the next day it is overdue (``Deadline.is_overdue``). A milestone
(the end of probation) is due from its day on and never overdue: the limit
that follows it is a deadline of its own. A deadline is shown from its ``shown_from`` (a
cell's regular meeting from the month's first day; None: at once) to its ``shown_until``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Collate, Substr

from dangbo.core.deadlines import Deadline
from dangbo.core.text import fold
from dangbo.organizations.models import Organization, org_label
from dangbo.organizations.rules import is_within
from dangbo.organizations.selectors import path_range

from . import sources, store
from .models import OpenDeadline

HORIZONS = (30, 60, 90, 180)
DEFAULT_HORIZON = 90
# "Due soon": not overdue and due within this many days.
SOON_DAYS = 30


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    total: int
    overdue: int


@dataclass(frozen=True)
class OrgCount:
    """The deadlines under one organization directly under the radar's (or under itself)."""

    organization_id: int
    code: str
    name: str
    path: str
    is_self: bool  # the radar's own organization (its own records, not a child's subtree)
    total: int
    overdue: int
    soon: int


@dataclass
class Radar:
    org: Organization
    today: dt.date
    horizon_days: int
    kinds: tuple[str, ...]  # the kinds asked for (empty: all)
    overdue_only: bool
    items: list[Deadline]
    # Every kind found within the horizon before the kind and overdue filters: the choices.
    available_kinds: list[tuple[str, str]] = field(default_factory=list)
    by_kind: list[KindCount] = field(default_factory=list)
    by_org: list[OrgCount] = field(default_factory=list)
    # (total, overdue, due soon) counted in SQL, when the items are read from the store.
    counts: tuple[int, int, int] | None = None

    @cached_property
    def org_codes(self) -> dict[int, str]:
        """Organization id -> code for every item (read once, when asked: the page reads only
        those of the items it shows, ``codes_of``)."""
        return self.codes_of(self.items)

    def codes_of(self, items: Iterable[Deadline]) -> dict[int, str]:
        """Organization id -> code for the organizations of ``items``."""
        ids = {d.organization_id for d in items}
        if "org_codes" in self.__dict__ or not ids:
            known = self.__dict__.get("org_codes", {})
            return {pk: known[pk] for pk in ids if pk in known}
        return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "code"))

    @cached_property
    def org_labels(self) -> dict[int, str]:
        """Organization id -> name with its parent's, for every item (cells share names)."""
        return self.labels_of(self.items)

    def labels_of(self, items: Iterable[Deadline]) -> dict[int, str]:
        """Organization id -> "name – parent name" for the organizations of ``items``."""
        ids = {d.organization_id for d in items}
        if "org_labels" in self.__dict__ or not ids:
            known = self.__dict__.get("org_labels", {})
            return {pk: known[pk] for pk in ids if pk in known}
        rows = Organization.objects.filter(pk__in=ids).values_list("pk", "name", "parent__name")
        return {pk: org_label(name, parent) for pk, name, parent in rows}

    @property
    def until(self) -> dt.date:
        return self.today + dt.timedelta(days=self.horizon_days)

    @property
    def total(self) -> int:
        if self.counts is not None:
            return self.counts[0]
        return len(self.items)

    @property
    def overdue(self) -> int:
        if self.counts is not None:
            return self.counts[1]
        return sum(1 for d in self.items if d.is_overdue(self.today))

    @property
    def soon(self) -> int:
        """Not overdue and due within 30 days (a milestone already reached is due now)."""
        if self.counts is not None:
            return self.counts[2]
        return sum(1 for d in self.items if is_due_soon(d, self.today))

    @property
    def upcoming(self) -> int:
        """Not overdue, due within the horizon."""
        return self.total - self.overdue

    def kind_label(self, kind: str) -> str:
        return dict(self.available_kinds).get(kind, kind)


def is_due_soon(deadline: Deadline, today: dt.date) -> bool:
    """Not overdue and due within ``SOON_DAYS`` days, or a milestone whose day has come."""
    return not deadline.is_overdue(today) and deadline.days_left(today) <= SOON_DAYS


def sort_key(deadline: Deadline) -> tuple:
    """Soonest first: the oldest overdue on top, then by due date, then by what and whom."""
    return (
        deadline.due_on,
        deadline.organization_path,
        deadline.title,
        deadline.subject,
        deadline.kind,
    )


def radar(
    org: Organization,
    today: dt.date,
    horizon_days: int = DEFAULT_HORIZON,
    kinds: Iterable[str] | None = None,
    overdue_only: bool = False,
    visible: Callable[[str], bool] | None = None,
) -> Radar:
    """Return the deadlines of the subtree at ``org`` due by ``today + horizon_days``, soonest first.

    Every source is asked for ``org`` itself (so a cell secretary's radar
    holds only their cell's records); whatever a source returns outside the
    subtree or past the horizon is dropped. ``kinds`` keeps only those kinds,
    ``overdue_only`` only what is overdue on ``today``; ``visible`` (a kind
    -> bool) keeps the kinds the reader may see (``deadlines.access``).
    """
    until = today + dt.timedelta(days=horizon_days)
    if not sources.live_sources() and store.covering(today, until) is not None:
        return stored_radar(org, today, horizon_days, kinds, overdue_only, visible)
    return _computed_radar(org, today, horizon_days, kinds, overdue_only, visible)


def _computed_radar(org, today, horizon_days, kinds, overdue_only, visible) -> Radar:
    """The radar computed by asking every source (no store, or a live source registered)."""
    until = today + dt.timedelta(days=horizon_days)
    found = [
        d
        for d in sources.gather(org, today, until)
        if d.due_on <= until
        and d.is_shown(today)
        and is_within(d.organization_path, org.path)
        and (visible is None or visible(d.kind))
    ]
    # Overdue first (a milestone already reached is due, not overdue), then soonest first.
    found.sort(key=lambda d: (not d.is_overdue(today), *sort_key(d)))
    available = _kinds_of(found)
    wanted = tuple(k for k in (kinds or ()) if k)
    items = [
        d
        for d in found
        if (not wanted or d.kind in wanted) and (not overdue_only or d.is_overdue(today))
    ]
    result = Radar(
        org=org,
        today=today,
        horizon_days=horizon_days,
        kinds=wanted,
        overdue_only=overdue_only,
        items=items,
        available_kinds=available,
    )
    labels = dict(available)
    totals = Counter(d.kind for d in items)
    late = Counter(d.kind for d in items if d.is_overdue(today))
    result.by_kind = [
        KindCount(kind, labels[kind], totals[kind], late[kind])
        for kind, _ in available
        if totals[kind]
    ]
    result.by_org = counts_by_child(org, items, today)
    return result


def _kinds_of(items: list[Deadline]) -> list[tuple[str, str]]:
    """Return (kind, label) of every kind in ``items`` in label order (``sources.KIND_LABELS``,
    else the kind's first title)."""
    labels: dict[str, str] = {}
    for d in items:
        labels.setdefault(d.kind, sources.KIND_LABELS.get(d.kind, d.title))
    return sorted(labels.items(), key=lambda pair: (fold(pair[1]), pair[1], pair[0]))


def _segment_length(org: Organization) -> int:
    """Characters per level of the materialized path ("00000001." -> 9)."""
    return len(org.path) // (org.depth + 1)


def child_path(org: Organization, path: str) -> str:
    """Return the path of the organization directly under ``org`` whose subtree holds ``path``.

    ``path`` of ``org`` itself (or not below it) gives ``org.path``.
    """
    if len(path) <= len(org.path) or not is_within(path, org.path):
        return org.path
    return path[: len(org.path) + _segment_length(org)]


def counts_by_child(org: Organization, items: list[Deadline], today: dt.date) -> list[OrgCount]:
    """Count ``items`` per organization directly under ``org`` (``org``'s own records apart).

    Rows in tree order, ``org`` itself first; only organizations with a deadline.
    """
    groups: dict[str, list[Deadline]] = {}
    for d in items:
        groups.setdefault(child_path(org, d.organization_path), []).append(d)
    if not groups:
        return []
    orgs = {o.path: o for o in Organization.objects.filter(path__in=list(groups))}
    orgs[org.path] = org
    rows = []
    for path in sorted(groups):
        owner = orgs.get(path, org)
        group = groups[path]
        rows.append(
            OrgCount(
                organization_id=owner.pk,
                code=owner.code,
                name=owner.name,
                path=owner.path,
                is_self=owner.pk == org.pk,
                total=len(group),
                overdue=sum(1 for d in group if d.is_overdue(today)),
                soon=sum(1 for d in group if is_due_soon(d, today)),
            )
        )
    return _merge_self(rows)


def _merge_self(rows: list[OrgCount]) -> list[OrgCount]:
    """Fold rows of the radar's own organization into one (a path not found falls back to it)."""
    own = [r for r in rows if r.is_self]
    if len(own) <= 1:
        return rows
    first = own[0]
    merged = OrgCount(
        organization_id=first.organization_id,
        code=first.code,
        name=first.name,
        path=first.path,
        is_self=True,
        total=sum(r.total for r in own),
        overdue=sum(r.overdue for r in own),
        soon=sum(r.soon for r in own),
    )
    return [merged, *(r for r in rows if not r.is_self)]


def days_text(deadline: Deadline, today: dt.date) -> str:
    """Return "quá hạn 3 ngày", "hết hạn hôm nay" or "còn 12 ngày"; for a milestone,
    "đến hạn hôm nay" or "đến hạn từ 3 ngày trước" once its day has come."""
    left = deadline.days_left(today)
    if deadline.milestone and left <= 0:
        return "đến hạn hôm nay" if left == 0 else f"đến hạn từ {-left} ngày trước"
    if left < 0:
        return f"quá hạn {-left} ngày"
    if left == 0:
        return "hết hạn hôm nay"
    return f"còn {left} ngày"


# --------------------------------------------------------------------------
# The radar read from the stored deadlines
# --------------------------------------------------------------------------


def _binary(name: str):
    """Order text as Python compares it (by code point), whatever the database's collation."""
    return Collate(F(name), "C" if connection.vendor == "postgresql" else "BINARY")


class StoredItems(Sequence[Deadline]):
    """The radar's list read from the store: its length counted in SQL, each slice read with
    ORDER BY … LIMIT, iterated in batches (the exports read them all)."""

    BATCH = 2000

    def __init__(self, queryset: QuerySet, org: Organization, today: dt.date, total: int):
        self._qs = queryset
        self._org = org
        self._today = today
        self._total = total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._total)
            if step != 1:
                return list(self)[index]
            if stop <= start:
                return []
            return [self._deadline(row) for row in self._qs[start:stop]]
        if index < 0:
            index += self._total
        if not 0 <= index < self._total:
            raise IndexError(index)
        return self._deadline(self._qs[index])

    def __iter__(self):
        for start in range(0, self._total, self.BATCH):
            yield from self[start : start + self.BATCH]

    def __eq__(self, other) -> bool:
        if isinstance(other, StoredItems | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredItems({self._total} items)"

    def _deadline(self, row: OpenDeadline) -> Deadline:
        place = row.organization
        if not is_within(place.path or "", self._org.path) and row.other_organization is not None:
            place = row.other_organization
        detail, late_detail = row.detail, row.late_detail
        if late_detail and self._today > row.due_on:  # past its day since it was stored
            detail, late_detail = late_detail, ""
        return Deadline(
            kind=row.kind, title=row.title, subject=row.subject, organization_id=place.pk,
            organization_name=place.name, organization_path=place.path or "", due_on=row.due_on,
            rule=row.rule, url=row.url, detail=detail, late_detail=late_detail,
            milestone=row.is_milestone,
            subject_type=row.subject_type, subject_id=row.subject_id,
            other_organization_id=row.other_organization_id, shown_until=row.shown_until,
            shown_from=row.shown_from,
        )  # fmt: skip


def stored_radar(
    org: Organization,
    today: dt.date,
    horizon_days: int = DEFAULT_HORIZON,
    kinds: Iterable[str] | None = None,
    overdue_only: bool = False,
    visible: Callable[[str], bool] | None = None,
) -> Radar:
    """The radar of ``radar()`` read from the stored deadlines: the counts per kind and per
    organization by GROUP BY, the items a page at a time (``StoredItems``)."""
    until = today + dt.timedelta(days=horizon_days)
    # The organizations of the subtree (today's tree: one range of the path index), so that
    # the rows are found through their organization's index, not by scanning the table.
    subtree = Organization.objects.filter(path_range(org.path)).values("pk")
    inside = Q(organization_id__in=subtree)
    overdue = Q(is_milestone=False, due_on__lt=today)
    soon = ~overdue & Q(due_on__lte=today + dt.timedelta(days=SOON_DAYS))
    rows_in_window = OpenDeadline.objects.filter(due_on__lte=until)
    if Organization.objects.exclude(path_range(org.path)).exists():
        # The rows with either end inside the subtree: two branches, each narrowed by its own
        # index (organization and due day; the other end), joined by UNION ALL (the second
        # without the rows of the first). One OR across the two columns would be a filter on
        # every row of the table (PostgreSQL).
        window = rows_in_window.values("pk").order_by()
        either_end = window.filter(inside).union(
            window.filter(other_organization_id__in=subtree).exclude(inside), all=True
        )
        rows_in_window = OpenDeadline.objects.filter(pk__in=either_end)
    # Otherwise the subtree is the whole tree: every row is in it, nothing to narrow.
    base = rows_in_window.filter(
        Q(shown_until__isnull=True) | Q(shown_until__gte=today),
        Q(shown_from__isnull=True) | Q(shown_from__lte=today),
    )
    place_path = Case(
        When(inside, then=F("organization__path")), default=F("other_organization__path")
    )
    # One scan: per kind and organization directly under ``org`` (its prefix of the path),
    # before the kind and overdue filters; the counts per kind, the choices and the counts
    # per organization are sums of these groups.
    width = len(org.path) + _segment_length(org)
    groups = [
        g
        for g in base.annotate(child=Substr(place_path, 1, width))
        .values("kind", "child")
        .annotate(
            total=Count("pk"), late=Count("pk", filter=overdue), soon=Count("pk", filter=soon),
            first_title=Min("title"),
        )
        .order_by()
        if visible is None or visible(g["kind"])
    ]  # fmt: skip
    per_kind: dict[str, dict[str, object]] = {}
    for g in groups:
        k = per_kind.setdefault(g["kind"], {"total": 0, "late": 0, "title": g["first_title"]})
        k["total"] += g["total"]
        k["late"] += g["late"]
        k["title"] = min(k["title"], g["first_title"])
    labels = {k: sources.KIND_LABELS.get(k, row["title"]) for k, row in per_kind.items()}
    available = sorted(labels.items(), key=lambda pair: (fold(pair[1]), pair[1], pair[0]))
    wanted = tuple(k for k in (kinds or ()) if k)
    chosen = [k for k in per_kind if not wanted or k in wanted]
    rows = base.filter(kind__in=chosen)
    if overdue_only:
        rows = rows.filter(overdue)
    by_kind = []
    for kind, label in available:
        if kind not in chosen:
            continue
        total = per_kind[kind]["late" if overdue_only else "total"]
        if total:
            by_kind.append(KindCount(kind, label, total, per_kind[kind]["late"]))
    by_org = _children(org, [g for g in groups if g["kind"] in chosen], overdue_only)
    counts = (
        sum(r.total for r in by_org),
        sum(r.overdue for r in by_org),
        sum(r.soon for r in by_org),
    )
    ordered = (
        rows.annotate(
            place_path=place_path,
            late_first=Case(When(overdue, then=Value(0)), default=Value(1),
                            output_field=IntegerField()),
            title_key=_binary("title"), subject_key=_binary("subject"), kind_key=_binary("kind"),
        )
        .select_related("organization", "other_organization")
        .order_by("late_first", "due_on", "place_path", "title_key", "subject_key", "kind_key",
                  "pk")
    )  # fmt: skip
    return Radar(
        org=org,
        today=today,
        horizon_days=horizon_days,
        kinds=wanted,
        overdue_only=overdue_only,
        items=StoredItems(ordered, org, today, counts[0]),  # type: ignore[arg-type]
        available_kinds=available,
        by_kind=by_kind,
        by_org=by_org,
        counts=counts,
    )


def _children(org: Organization, groups: list[dict], overdue_only: bool) -> list[OrgCount]:
    """``counts_by_child`` from the groups of ``stored_radar`` (kind, child path: counts)."""
    sums: dict[str, list[int]] = {}
    for g in groups:
        late = g["late"]
        total = late if overdue_only else g["total"]
        soon = 0 if overdue_only else g["soon"]
        if not total:
            continue
        acc = sums.setdefault(g["child"], [0, 0, 0])
        acc[0] += total
        acc[1] += late
        acc[2] += soon
    if not sums:
        return []
    paths = [path for path in sums if path != org.path]
    orgs = {o.path: o for o in Organization.objects.filter(path__in=paths)}
    orgs[org.path] = org
    result = []
    for path in sorted(sums):
        owner = orgs.get(path, org)
        total, late, soon = sums[path]
        result.append(
            OrgCount(
                organization_id=owner.pk, code=owner.code, name=owner.name, path=owner.path,
                is_self=owner.pk == org.pk, total=total, overdue=late, soon=soon,
            )
        )  # fmt: skip
    return _merge_self(result)
