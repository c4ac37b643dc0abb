"""Reads of the member registry, always limited to a subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangbo.core import text
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range, paths_filter, positions_under, valid_on

from . import rules
from .models import ACTIVE_STATUSES, Member, MemberEvent, MemberState


@dataclass(frozen=True)
class MemberFilter:
    """The filters of the member list, shared by the UI, the API and the exports."""

    q: str = ""
    status: str = ""  # a Status value, "active" (default) or "all"
    sex: str = ""
    ethnicity: str = ""
    political_theory_level: str = ""
    professional_level: str = ""
    age_min: int | None = None
    age_max: int | None = None
    party_age_min: int | None = None
    party_age_max: int | None = None
    on: dt.date | None = None  # as the registry stood on this date
    include_voided: bool = False


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29/02
        return today.replace(year=today.year - years, day=28)


def members_in(
    org: Organization, f: MemberFilter | None = None, *, today: dt.date | None = None
) -> QuerySet[Member]:
    """Return the members of ``org``'s subtree that match ``f``, in Vietnamese name order."""
    f = f or MemberFilter()
    today = today or timezone.localdate()
    if f.on is not None:
        states = MemberState.objects.filter(
            valid_on(f.on), organization_id__in=positions_under(org, f.on).values("organization_id")
        )
        if f.status not in ("", "active", "all"):
            states = states.filter(status=f.status)
        elif f.status != "all":
            states = states.filter(status__in=ACTIVE_STATUSES)
        qs = Member.objects.filter(Exists(states.filter(member=OuterRef("pk"))))
        reference = f.on
    else:
        qs = Member.objects.filter(path_range(org.path, "organization__path"))
        if f.status in ("", "active"):
            qs = qs.filter(status__in=ACTIVE_STATUSES)
        elif f.status != "all":
            qs = qs.filter(status=f.status)
        reference = today
    if not f.include_voided:
        qs = qs.filter(voided_at__isnull=True)
    if f.q:
        qs = qs.filter(search_filter(f.q))
    if f.sex:
        qs = qs.filter(sex=f.sex)
    if f.ethnicity:
        qs = qs.filter(ethnicity=f.ethnicity)
    if f.political_theory_level:
        qs = qs.filter(political_theory_level=f.political_theory_level)
    if f.professional_level:
        qs = qs.filter(professional_level=f.professional_level)
    if f.age_min is not None:
        qs = qs.filter(date_of_birth__lte=_years_ago(reference, f.age_min))
    if f.age_max is not None:
        qs = qs.filter(date_of_birth__gt=_years_ago(reference, f.age_max + 1))
    # Party age bands filter on the admission date; gaps (rare) are ignored here
    # and counted exactly on the member's page.
    if f.party_age_min is not None:
        qs = qs.filter(admitted_on__lte=_years_ago(reference, f.party_age_min))
    if f.party_age_max is not None:
        qs = qs.filter(admitted_on__gt=_years_ago(reference, f.party_age_max + 1))
    return qs.select_related("organization").order_by("name_sort_key", "date_of_birth", "id")


def search_filter(query: str) -> Q:
    """Match names accent-insensitively ("nguyen van hung" finds "Nguyễn Văn Hùng"), and card or ID numbers."""
    folded = text.fold(query)
    q = Q()
    for word in folded.split():
        q &= Q(search_name__contains=word)
    raw = query.strip().upper()
    if raw.isalnum():
        q |= Q(card_number=raw) | Q(personal_id_number=raw) | Q(background_number=raw)
    return q


def get_member(scope_paths: Iterable[str], pk: int, *, own_member_id: int | None = None) -> Member:
    """Return a member whose current (or last) organization lies in the scope, else 404."""
    q = paths_filter(scope_paths, "organization__path")
    if own_member_id is not None:
        q |= Q(pk=own_member_id)
    member = Member.objects.filter(q).select_related("organization").filter(pk=pk).first()
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    return member


def events_of(member: Member, *, include_voided: bool = True) -> QuerySet[MemberEvent]:
    qs = member.events.select_related("organization").order_by("happened_on", "id")
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs


def states_of(member: Member) -> list[rules.State]:
    return [
        rules.State(s.status, s.organization_id, s.valid_from, s.valid_until)
        for s in member.states.order_by("valid_from")
    ]


def party_age_years(member: Member, on: dt.date | None = None) -> int:
    """Return the member's party age in whole years on ``on`` (today by default)."""
    return rules.party_age_years(member.admitted_on, states_of(member), on or timezone.localdate())


def age_years(member: Member, on: dt.date | None = None) -> int:
    return rules.age_on(member.date_of_birth, on or timezone.localdate())


def counts_by_child(org: Organization, on: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Return, for each child of ``org``, its active members and grassroots organizations (itself included).

    Keyed by the child's path (now, or in the tree as it stood on ``on``).
    Now: one grouped query over the subtree. On a past date: the positions of
    that date and one grouped query over the member states of that date.
    """
    from django.db.models import Count
    from django.db.models.functions import Substr

    from dangbo.organizations.models import GRASSROOTS_KINDS, PATH_SEGMENT_WIDTH

    counts: dict[str, dict[str, int]] = {}
    if on is None:
        prefix = len(org.path) + PATH_SEGMENT_WIDTH + 1
        rows = (
            Organization.objects.filter(path_range(org.path), depth__gt=org.depth)
            .annotate(child_path=Substr("path", 1, prefix))
            .values("child_path")
            .annotate(
                grassroots=Count(
                    "pk",
                    filter=Q(kind__in=GRASSROOTS_KINDS, dissolved_on__isnull=True),
                    distinct=True,
                ),
                members=Count(
                    "members",
                    filter=Q(members__status__in=ACTIVE_STATUSES, members__voided_at__isnull=True),
                ),
            )
            .order_by()
        )
        for row in rows:
            counts[row["child_path"]] = {"members": row["members"], "grassroots": row["grassroots"]}
        return counts
    positions = list(
        positions_under(org, on).values_list("organization_id", "path", "depth", "kind")
    )
    root = next((p for p in positions if p[0] == org.pk), None)
    if root is None:
        return counts
    prefix = len(root[1]) + PATH_SEGMENT_WIDTH + 1
    child_of = {}
    for org_id, path, depth, kind in positions:
        if depth <= root[2]:
            continue
        key = path[:prefix]
        child_of[org_id] = key
        entry = counts.setdefault(key, {"members": 0, "grassroots": 0})
        if kind in GRASSROOTS_KINDS:
            entry["grassroots"] += 1
    per_org = (
        MemberState.objects.filter(valid_on(on), status__in=ACTIVE_STATUSES, member__voided_at__isnull=True,
                                   organization_id__in=positions_under(org, on).values("organization_id"))
        .values("organization_id")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )  # fmt: skip
    for row in per_org:
        key = child_of.get(row["organization_id"])
        if key is not None:
            counts[key]["members"] += row["n"]
    return counts
