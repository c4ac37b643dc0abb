"""Reads of the member registry, always limited to a subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from dangbo.core import text
from dangbo.core.deadlines import Deadline, url_maker
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import Organization, TreePosition
from dangbo.organizations.selectors import path_range, paths_filter, positions_under, valid_on
from dangbo.regulations.workdays import WorkCalendar, work_calendar

from . import lifecycle_rules, rules
from .models import (
    ACTIVE_STATUSES,
    OPEN_TRANSFER_STATUSES,
    Member,
    MemberEvent,
    MemberState,
    Position,
    Transfer,
)


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
    # Whether the search may match identity numbers (only for a reader who may see them).
    personal: bool = True


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29/02
        return today.replace(year=today.year - years, day=28)


# The member list's order, unique thanks to the id: its pages follow it through the
# index on the name sort key (``core.paging.keyset_page``), in the browser and the API.
MEMBER_LIST_KEYS = ("name_sort_key", "date_of_birth", "id")


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
        qs = as_of(Member.objects.filter(Exists(states.filter(member=OuterRef("pk")))), org, f.on)
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
        # On a past list, an identity number finds only the members the subtree holds now.
        within = org.path if f.on is not None else None
        qs = qs.filter(search_filter(f.q, personal=f.personal, within=within))
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
    return qs.select_related("organization__parent").order_by(*MEMBER_LIST_KEYS)


def as_of(members: QuerySet[Member], root: Organization, on: dt.date) -> QuerySet[Member]:
    """Annotate ``members`` with what the registry under ``root`` held on ``on``.

    ``status_then`` and ``cell_then`` (an organization id) come from the member's period
    that day in the subtree, ``cell_then_name``, ``cell_then_code`` and the name of the
    cell's parent, ``cell_then_parent_name``, from the tree of that day. ``departed`` marks a member the subtree no longer holds (now in an
    organization outside it): a past list shows of them only what the subtree held,
    no personal data (``models.PERSONAL_FIELDS``, of which no history is kept).
    """
    cells = positions_under(root, on)
    state = MemberState.objects.filter(
        valid_on(on), member=OuterRef("pk"), organization_id__in=cells.values("organization_id")
    ).order_by("-valid_from")
    cell = cells.filter(organization_id=OuterRef("cell_then"))
    return members.annotate(
        status_then=Subquery(state.values("status")[:1]),
        cell_then=Subquery(state.values("organization_id")[:1]),
    ).annotate(
        cell_then_name=Subquery(cell.values("name")[:1]),
        cell_then_code=Subquery(cell.values("organization__code")[:1]),
        cell_then_parent=Subquery(cell.values("parent_id")[:1]),
        departed=Case(
            When(path_range(root.path, "organization__path"), then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    ).annotate(
        cell_then_parent_name=Subquery(
            TreePosition.objects.filter(valid_on(on), organization_id=OuterRef("cell_then_parent"))
            .values("name")[:1]
        ),
    )  # fmt: skip


def search_filter(query: str, *, personal: bool = True, within: str | None = None) -> Q:
    """Match names accent-insensitively, each typed word the start of a word of the name ("nguyen
    van hung" finds "Nguyễn Văn Hùng", "an" finds "An" and "Ân" but not "Văn"), and card or
    background numbers, and identity numbers when ``personal`` (of the members now in the
    subtree at path ``within``, if given)."""
    q = text.name_words_match("search_name", query)
    raw = query.strip().upper()
    if raw.isalnum():
        q |= Q(card_number=raw) | Q(background_number=raw)
        if personal:
            q |= Q(personal_id_number=raw) & (
                path_range(within, "organization__path") if within else Q()
            )
    return q


def get_member(scope_paths: Iterable[str], pk: int, *, own_member_id: int | None = None) -> Member:
    """Return a member whose current (or last) organization lies in the scope, else 404."""
    q = paths_filter(scope_paths, "organization__path")
    if own_member_id is not None:
        q |= Q(pk=own_member_id)
    member = Member.objects.filter(q).select_related("organization__parent").filter(pk=pk).first()
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    return member


def events_of(member: Member, *, include_voided: bool = True) -> QuerySet[MemberEvent]:
    qs = member.events.select_related("organization__parent").order_by("happened_on", "id")
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


# --------------------------------------------------------------------------
# Transfers of party activity
# --------------------------------------------------------------------------

TRANSFER_STATUS_FILTERS = {
    "open": OPEN_TRANSFER_STATUSES,
    "done": (Transfer.Status.COMPLETED, Transfer.Status.ENDED),
    "cancelled": (Transfer.Status.CANCELLED,),
}


def _sides(org: Organization) -> tuple[Q, Q]:
    return path_range(org.path, "from_organization__path"), path_range(
        org.path, "to_organization__path"
    )


def transfers_in(
    org: Organization,
    *,
    status: str = "open",
    kind: str = "",
    side: str = "",
    q: str = "",
    include_voided: bool = False,
) -> QuerySet[Transfer]:
    """Return the transfers leaving from or arriving in ``org``'s subtree, newest first.

    ``status``: "open" (under way: waiting for the letter or the arrival, or a
    temporary stay going on), "done", "cancelled", a ``Transfer.Status`` value
    or "all"; ``side``: "in" (arriving from outside the subtree), "out"
    (leaving it), "within" (both ends inside) or "" (all).
    """
    leaving, arriving = _sides(org)
    qs = Transfer.objects.filter(leaving | arriving)
    if side == "in":
        qs = qs.filter(arriving).exclude(leaving)
    elif side == "out":
        qs = qs.filter(leaving).exclude(arriving)
    elif side == "within":
        qs = qs.filter(leaving & arriving)
    if status in TRANSFER_STATUS_FILTERS:
        qs = qs.filter(status__in=TRANSFER_STATUS_FILTERS[status])
    elif status in Transfer.Status.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    if q:
        qs = qs.filter(text.name_words_match("member__search_name", q))
    return qs.select_related(
        "member", "member__organization__parent", "from_organization__parent",
        "to_organization__parent",
    ).order_by("-created_at", "-id")  # fmt: skip


def temporary_members_in(org: Organization) -> QuerySet[Transfer]:
    """Return the temporary stays going on in ``org``'s subtree (members counted at their home cell)."""
    _leaving, arriving = _sides(org)
    return (
        Transfer.objects.filter(
            arriving, kind=Transfer.Kind.TEMPORARY, status=Transfer.Status.ACTIVE,
            voided_at__isnull=True, member__voided_at__isnull=True,
            member__status__in=ACTIVE_STATUSES,
        )
        .select_related("member", "from_organization__parent", "to_organization__parent")
        .order_by("member__name_sort_key", "member__date_of_birth", "id")
    )  # fmt: skip


def get_transfer(scope_paths: Iterable[str], pk: int) -> Transfer:
    """Return a transfer one of whose ends lies in the scope, else 404."""
    paths = list(scope_paths)
    transfer = (
        Transfer.objects.filter(
            paths_filter(paths, "from_organization__path")
            | paths_filter(paths, "to_organization__path")
        )
        .select_related("member", "member__organization__parent", "from_organization__parent",
                        "to_organization__parent", "event")
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if transfer is None:
        raise Http404("Không tìm thấy lần chuyển sinh hoạt đảng.")
    return transfer


def organization_by_code(code: str) -> Organization | None:
    """Return the organization of this installation with ``code`` (a transfer may go to any cell)."""
    return Organization.objects.filter(code=code).first()


def open_transfer_of(member: Member) -> Transfer | None:
    """Return the member's transfer under way, if any."""
    return (
        member.transfers.filter(status__in=OPEN_TRANSFER_STATUSES, voided_at__isnull=True)
        .select_related("from_organization", "to_organization")
        .first()
    )


class Calendars:
    """Working calendars per organization, built once per (organization, years).

    An organization under no committee that recorded days of its own gets the
    installation's calendar, shared: a list of many transfers builds one
    calendar per span of years, not one per organization.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple, WorkCalendar] = {}
        self._local_paths: list[str] | None = None

    def _has_own_days(self, org: Organization | None) -> bool:
        if org is None or not org.path:
            return False
        if self._local_paths is None:
            from dangbo.regulations.models import CalendarDay

            self._local_paths = sorted(
                set(
                    CalendarDay.objects.filter(
                        organization__isnull=False, voided_at__isnull=True
                    ).values_list("organization__path", flat=True)
                )
                - {None, ""}
            )
        return any(org.path.startswith(p) for p in self._local_paths)

    def around(self, org: Organization | None, *days: dt.date | None) -> WorkCalendar:
        known = [d for d in days if d is not None] or [timezone.localdate()]
        first, last = min(d.year for d in known), max(d.year for d in known) + 1
        own = org if self._has_own_days(org) else None
        key = (own.pk if own is not None else None, first, last)
        if key not in self._cache:
            self._cache[key] = work_calendar(own, years=range(first, last + 1))
        return self._cache[key]


@dataclass(frozen=True)
class TransferClock:
    """The limit a transfer under way runs against."""

    kind: str
    title: str
    due_on: dt.date
    rule: str

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.due_on

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days


def transfer_clock(transfer: Transfer, calendars: Calendars | None = None) -> TransferClock | None:
    """Return the limit ``transfer`` runs against now, or None (done, or a fact before the encoded rules).

    Waiting for the letter: 60 working days from the triggering decision or
    move; waiting for the arrival: 30 working days from the letter (QĐ 294-QĐ/TW
    mục 6.3.1); a temporary stay: its planned return.
    """
    if transfer.voided_at is not None:
        return None
    calendars = calendars or Calendars()
    org = transfer.from_organization or transfer.to_organization
    status = transfer.status
    if status == Transfer.Status.AWAITING_LETTER and transfer.triggered_on:
        on = transfer.triggered_on
        if not lifecycle_rules.is_encoded(on):
            return None
        due = lifecycle_rules.official_transfer_start_due_on(on, calendars.around(org, on))
        return TransferClock(
            "members.transfer_start", "Cấp giấy giới thiệu sinh hoạt đảng", due,
            lifecycle_rules.official_transfer_rule(on),
        )  # fmt: skip
    if status == Transfer.Status.AWAITING_ARRIVAL and transfer.letter_on:
        on = transfer.letter_on
        if not lifecycle_rules.is_encoded(on):
            return None
        due = lifecycle_rules.transfer_letter_valid_until(on, calendars.around(org, on))
        return TransferClock(
            "members.transfer_arrival", "Xuất trình giấy giới thiệu, tiếp nhận sinh hoạt đảng",
            due, lifecycle_rules.official_transfer_rule(on),
        )  # fmt: skip
    if status == Transfer.Status.ACTIVE and transfer.planned_until:
        return TransferClock(
            "members.temporary_return", "Hết thời hạn sinh hoạt đảng tạm thời",
            transfer.planned_until, lifecycle_rules.temporary_transfer_rule(transfer.planned_from),
        )  # fmt: skip
    return None


def _deadline_org(transfer: Transfer, org: Organization, clock: TransferClock) -> Organization:
    """The end of the transfer inside ``org``'s subtree that has to act (the receiving cell takes in)."""
    ends = [transfer.from_organization, transfer.to_organization]
    if clock.kind == "members.transfer_arrival":
        ends.reverse()
    inside = [o for o in ends if o is not None and o.path and o.path.startswith(org.path)]
    return inside[0] if inside else next(o for o in ends if o is not None)


def _deadline_detail(transfer: Transfer, clock: TransferClock) -> str:
    if clock.kind == "members.transfer_start":
        return (
            f"Quyết định có hiệu lực, chuyển nơi ở ngày {fmt_date(transfer.triggered_on)}; "
            f"nơi đến: {transfer.destination}"
        )
    if clock.kind == "members.transfer_arrival":
        return (
            f"Giấy giới thiệu số {transfer.letter_number} ngày {fmt_date(transfer.letter_on)}; "
            f"từ {transfer.origin} đến {transfer.destination}"
        )
    return (
        f"Sinh hoạt tạm thời tại {transfer.destination} từ ngày {fmt_date(transfer.planned_from)}"
    )


TRANSFER_SUBJECT = "members.transfer"


def transfer_deadlines_under(
    org: Organization, today: dt.date, until: dt.date, only: dict[str, list[int]] | None = None
) -> list[Deadline]:
    """Return the limits of the transfers under way in ``org``'s subtree falling due by ``until``.

    Those already past (before ``today``) are included: an overdue transfer
    stays on the radar until it is done or cancelled. Soonest first. ``only``
    ({subject type: numbers}) keeps the transfers listed (``TRANSFER_SUBJECT``).
    """
    calendars = Calendars()
    found = []
    transfer_url = url_maker("transfer-detail", "transfer")
    transfers = transfers_in(org, status="open")
    if only is not None:
        transfers = transfers.filter(pk__in=only.get(TRANSFER_SUBJECT, []))
    for transfer in transfers:
        clock = transfer_clock(transfer, calendars)
        if clock is None or clock.due_on > until:
            continue
        place = _deadline_org(transfer, org, clock)
        other = next(
            (o for o in (transfer.from_organization, transfer.to_organization)
             if o is not None and o.pk != place.pk),
            None,
        )  # fmt: skip
        found.append(Deadline(
            kind=clock.kind, title=clock.title, subject=transfer.member.full_name,
            organization_id=place.pk, organization_name=place.name,
            organization_path=place.path or "", due_on=clock.due_on, rule=clock.rule,
            url=transfer_url(transfer.pk),
            detail=_deadline_detail(transfer, clock), subject_type=TRANSFER_SUBJECT,
            subject_id=transfer.pk, other_organization_id=other.pk if other else None,
        ))  # fmt: skip
    return sorted(found, key=lambda d: (d.due_on, d.subject, d.url))


def secretary_name(org: Organization | None, on: dt.date) -> str:
    """Return the name of the secretary of ``org`` on ``on`` (the usual signer), or ""."""
    if org is None:
        return ""
    position = (
        Position.objects.filter(organization=org, title=Position.Title.SECRETARY, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("member").order_by("-started_on").first()
    )  # fmt: skip
    return position.member.full_name if position else ""
