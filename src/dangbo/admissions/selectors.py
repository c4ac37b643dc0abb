"""Reads of the admission work, always limited to a subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.urls import reverse

from dangbo.core import text
from dangbo.core.deadlines import Deadline, url_maker
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.members.models import Member, MemberEvent, MemberState, Status
from dangbo.organizations.models import GRASSROOTS_KINDS, Organization, OrgKind, TreePosition
from dangbo.organizations.rules import subtree_upper_bound
from dangbo.organizations.selectors import ancestors_of, path_range, paths_filter, valid_on
from dangbo.regulations.models import CalendarDay
from dangbo.regulations.selectors import setting_value, setting_values
from dangbo.regulations.workdays import WorkCalendar, work_calendar

from . import rules
from .models import AdmissionPlan, AdmissionTarget, Candidate, Recognition, Vote

Stage = Candidate.Stage
OPEN_STAGES = (
    Stage.PROPOSED, Stage.AWARENESS_CLASS, Stage.DOSSIER, Stage.INTRODUCED, Stage.CELL_RESOLUTION,
    Stage.COMMITTEE_PROPOSAL, Stage.DECIDED,
)  # fmt: skip
CLOSED_STAGES = (Stage.ADMITTED, Stage.REFUSED, Stage.WITHDRAWN)

# Settings a committee may set (regulations.Setting), with the code's defaults.
CERTIFICATE_VALIDITY = "admissions.certificate_validity_months"
YOUTH_AGE_LIMIT = "admissions.youth_age_limit"
UNIT_HAS_YOUTH_UNION = "admissions.unit_has_youth_union"
ADMISSION_DELEGATED = "admissions.admission_delegated"
BARRED_REASONS = "admissions.readmission_barred_reasons"


def certificate_validity_months(org: Organization, on: dt.date) -> int:
    value = setting_value(
        CERTIFICATE_VALIDITY, org=org, on=on, default=rules.CERTIFICATE_VALIDITY_MONTHS
    )
    return int(value)


def youth_age_limit(org: Organization, on: dt.date) -> int:
    return int(setting_value(YOUTH_AGE_LIMIT, org=org, on=on, default=rules.YOUTH_AGE_LIMIT))


def unit_has_youth_union(org: Organization, on: dt.date) -> bool:
    return bool(setting_value(UNIT_HAS_YOUTH_UNION, org=org, on=on, default=True))


def barred_reasons(org: Organization, on: dt.date) -> list[str]:
    return list(setting_value(BARRED_REASONS, org=org, on=on, default=list(rules.BARRED_REASONS)))


# --------------------------------------------------------------------------
# The tree around a cell
# --------------------------------------------------------------------------


def grassroots_of(cell: Organization) -> Organization | None:
    """Return the grassroots organization of a cell: itself, or its nearest đảng bộ cơ sở above."""
    if cell.kind in GRASSROOTS_KINDS:
        return cell
    for org in reversed(ancestors_of(cell)):
        if org.kind == OrgKind.GRASSROOTS_DANG_BO:
            return org
    return None


def _ref(org: Organization) -> rules.OrgRef:
    return rules.OrgRef(org.pk, org.kind, org.name)


def decider_for(cell: Organization, on: dt.date) -> rules.Decider:
    """Return the committee competent to decide on admissions and recognitions in ``cell`` (mục 4.3.2)."""
    grassroots = grassroots_of(cell) or cell
    delegated = bool(setting_value(ADMISSION_DELEGATED, org=grassroots, on=on, default=False))
    superior = grassroots.parent
    return rules.admission_decider(
        _ref(grassroots), _ref(superior) if superior else None, delegated=delegated
    )


def deciding_org(cell: Organization, on: dt.date) -> tuple[Organization, str]:
    """Return the competent committee's organization and body for ``cell`` (see ``decider_for``);
    a cell with no superior recorded falls back to its grassroots committee."""
    grassroots = grassroots_of(cell) or cell
    try:
        decider = decider_for(cell, on)
    except DomainError:
        return grassroots, rules.GRASSROOTS_COMMITTEE
    org = grassroots if decider.org.id == grassroots.pk else grassroots.parent
    return org, decider.body


def needs_committee_proposal(cell: Organization) -> bool:
    """Whether a đảng ủy cơ sở stands between the cell and the deciding committee."""
    grassroots = grassroots_of(cell)
    return grassroots is not None and grassroots.kind == OrgKind.GRASSROOTS_DANG_BO


def organizations_for_decision(cell: Organization) -> list[Organization]:
    """Return the organizations that may appear as the decider of a file of ``cell`` (its line up)."""
    return [*ancestors_of(cell), cell][::-1]


# --------------------------------------------------------------------------
# Members as the rules need them
# --------------------------------------------------------------------------


def status_on(member: Member, on: dt.date) -> str | None:
    """Return the member's status on ``on`` (from the derived periods), None before admission."""
    state = MemberState.objects.filter(valid_on(on), member=member).order_by("-valid_from").first()
    return state.status if state else None


def official_members_count(cell: Organization, on: dt.date) -> int:
    """Return how many official members the cell had on ``on`` (those who vote on admissions)."""
    return (
        MemberState.objects.filter(
            valid_on(on), organization=cell, status=Status.OFFICIAL, member__voided_at__isnull=True
        )
        .values("member_id")
        .distinct()
        .count()
    )


def left_party_on(member: Member) -> dt.date | None:
    """Return the date the member last left the Party (struck off or expelled)."""
    event = (
        member.events.filter(
            voided_at__isnull=True,
            kind__in=[MemberEvent.Kind.STRUCK_OFF, MemberEvent.Kind.EXPELLED],
        )
        .order_by("-happened_on", "-id")
        .first()
    )
    return event.happened_on if event else None


def was_readmitted(member: Member) -> bool:
    return member.events.filter(voided_at__isnull=True, kind=MemberEvent.Kind.READMITTED).exists()


# --------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilter:
    q: str = ""
    stage: str = ""  # a Stage value, "" (files in progress) or "all"


def candidates_in(org: Organization, f: CandidateFilter | None = None) -> QuerySet[Candidate]:
    """Return the (not voided) files of the cells under ``org``, in Vietnamese name order."""
    f = f or CandidateFilter()
    qs = Candidate.objects.filter(
        path_range(org.path, "organization__path"), voided_at__isnull=True
    )
    if f.stage == "":
        qs = qs.filter(stage__in=OPEN_STAGES)
    elif f.stage != "all":
        qs = qs.filter(stage=f.stage)
    if f.q:
        qs = qs.filter(text.name_words_match("search_name", f.q))
    return qs.select_related("organization__parent").order_by(
        "name_sort_key", "date_of_birth", "id"
    )


def stage_counts(org: Organization) -> dict[str, int]:
    """Return {stage: files} for the subtree (voided files left out)."""
    rows = (
        Candidate.objects.filter(path_range(org.path, "organization__path"), voided_at__isnull=True)
        .values_list("stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(Stage.values, 0)
    counts.update(dict(rows))
    return counts


def get_candidate(scope_paths: Iterable[str], pk: int) -> Candidate:
    """Return the file ``pk`` if its cell lies in one of the subtrees, else 404 (voided ones too)."""
    candidate = (
        Candidate.objects.filter(paths_filter(scope_paths, "organization__path"))
        .select_related("organization__parent", "readmission_of", "member", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("Không tìm thấy hồ sơ kết nạp.")
    return candidate


def introducers_of(candidate: Candidate, *, include_voided: bool = False):
    qs = candidate.introducers.select_related("member")
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("assigned_on", "id")


def votes_of(obj: Candidate | Recognition, *, include_voided: bool = False) -> QuerySet[Vote]:
    qs = obj.votes.all()
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("held_on", "id")


# --------------------------------------------------------------------------
# Probation and recognition
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Probationer:
    member: Member
    recognition: Recognition | None


# What a probationer's deadlines read (``recognition_deadlines``).
PROBATIONER_FIELDS = (
    "full_name", "status", "probation_ends_on", "organization__name", "organization__path",
    "organization__code",
)  # fmt: skip


def current_recognition(member: Member) -> Recognition | None:
    """Return the member's (not voided) recognition for their current probation, if opened."""
    if member.probation_ends_on is None:
        return None
    return (
        member.recognitions.filter(
            voided_at__isnull=True, probation_ends_on=member.probation_ends_on
        )
        .select_related("mentor", "decided_by")
        .first()
    )


def probationers_in(
    org: Organization, *, ending_by: dt.date | None = None, members: list[int] | None = None
) -> list[Probationer]:
    """Return the probationary members of the subtree, soonest probation end first, each with
    the recognition of their current probation (when opened).

    ``ending_by`` keeps, in SQL, those whose probation ends on or before that day, and loads
    only what their deadlines show (the radar asks a whole province for a few months ahead).
    ``members`` (numbers) keeps only those members.
    """
    probationary = Member.objects.filter(
        path_range(org.path, "organization__path"), status=Status.PROBATIONARY,
        voided_at__isnull=True,
    )  # fmt: skip
    if members is not None:
        probationary = probationary.filter(pk__in=members)
    # The cell is named with its parent on the pages (``Organization.label``).
    selected = probationary.select_related("organization__parent")
    if ending_by is not None:
        probationary = probationary.filter(probation_ends_on__lte=ending_by)
        selected = probationary.select_related("organization__parent").only(
            *PROBATIONER_FIELDS, "organization__parent", "organization__parent__name"
        )
    members = list(selected.order_by("probation_ends_on", "name_sort_key", "id"))
    recognitions = {
        (r.member_id, r.probation_ends_on): r
        for r in Recognition.objects.filter(
            member__in=probationary.values("pk"), voided_at__isnull=True
        ).prefetch_related("votes")
    }
    return [Probationer(m, recognitions.get((m.pk, m.probation_ends_on))) for m in members]


def active_votes(obj: Candidate | Recognition) -> list[Vote]:
    """Return the (not voided) votes of a file or recognition, oldest first (uses a prefetch)."""
    return sorted((v for v in obj.votes.all() if not v.is_voided), key=lambda v: (v.held_on, v.pk))


def failed_cell_votes(recognition: Recognition) -> int:
    return sum(1 for v in active_votes(recognition) if v.body == Vote.Body.CELL and not v.passed)


# --------------------------------------------------------------------------
# Admissions counted, plans and targets
# --------------------------------------------------------------------------

ADMISSION_KINDS = (MemberEvent.Kind.ADMITTED, MemberEvent.Kind.READMITTED)


def _roots(org: Organization, start: dt.date, end: dt.date) -> set[str]:
    """The paths ``org`` held at some time of ``start``–``end``."""
    return set(
        TreePosition.objects.filter(organization=org, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .values_list("path", flat=True)
    )


def _branches(
    roots: Iterable[str], kinds: Iterable[str], start: dt.date, end: dt.date, *, path: bool = False
) -> tuple[QuerySet[MemberEvent], QuerySet[MemberEvent]]:
    """Return the two statements of the events of ``kinds`` in the subtrees at ``roots``.

    The events recorded at an organization, by the subtree's organizations; the events without
    one (a recognition counts where the member's cell stood), by the subtree's members and then
    each checked by its key. Each is planned on its own (an OR between them made the planner
    settle both the same way). With ``path``, each event carries ``path_then``: the position,
    on the event's day, of the organization it counts at.
    """
    within = paths_filter(roots)

    def on_day(ref: OuterRef) -> Q:
        return Q(valid_from__lte=ref) & (Q(valid_until__isnull=True) | Q(valid_until__gt=ref))

    def first(qs: QuerySet, value, output_field) -> Subquery:
        return Subquery(qs.order_by().values(one=value)[:1], output_field=output_field)

    # Start from the subtree: only the organizations that stood in it at some time of the
    # period, and the members who belonged to them then, can have an event counted here.
    orgs_then = (
        TreePosition.objects.filter(within, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .values("organization_id")
    )
    members_then = (
        MemberState.objects.filter(organization_id__in=orgs_then, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .values("member_id")
    )
    events = MemberEvent.objects.filter(
        kind__in=list(kinds), happened_on__gte=start, happened_on__lte=end, voided_at__isnull=True
    ).order_by()
    # An event at an organization: joined with that organization's position on the event's
    # day, in the subtree (one row at most: an organization holds one position a day).
    held = F("happened_on")
    at_org = events.filter(
        paths_filter(roots, "organization__positions__path"),
        Q(organization__positions__valid_from__lte=held),
        Q(organization__positions__valid_until__isnull=True)
        | Q(organization__positions__valid_until__gt=held),
    )
    if path:
        at_org = at_org.annotate(path_then=F("organization__positions__path"))

    # An event without an organization: the member's period of that day, then its cell in the
    # tree of that day, each found by its key (scalar sub-queries, run for each of the few events
    # left once the members of the subtree are known, never turned into a join of every period).
    cell_org = TreePosition.objects.filter(
        within, on_day(OuterRef(OuterRef("happened_on"))), organization=OuterRef("organization_id")
    )
    cell = (CharField(), F("path")) if path else (IntegerField(), Value(1))
    member_org = (
        MemberState.objects.filter(on_day(OuterRef("happened_on")), member=OuterRef("member_id"))
        .annotate(cell_then=first(cell_org, cell[1], cell[0]))
        .filter(cell_then__isnull=False)
    )
    by_cell = (
        events.filter(organization__isnull=True, member_id__in=members_then)
        .annotate(
            **{"path_then" if path else "cell_then": first(member_org, F("cell_then"), cell[0])}
        )
        .filter(**{"path_then__isnull" if path else "cell_then__isnull": False})
    )
    return at_org, by_cell


def events_in_subtree(
    org: Organization, kinds: Iterable[str], start: dt.date, end: dt.date
) -> QuerySet[MemberEvent]:
    """Return the (not voided) events of ``kinds`` dated ``start``–``end`` (inclusive) whose
    organization stood in ``org``'s subtree on the event's date.

    Events without an organization (a recognition) count where the member's cell stood that day.
    """
    roots = _roots(org, start, end)
    if not roots:
        return MemberEvent.objects.none()
    at_org, by_cell = _branches(roots, kinds, start, end)
    return MemberEvent.objects.filter(
        pk__in=at_org.values("pk").union(by_cell.values("pk"), all=True),
        member__voided_at__isnull=True,
    )


def _ranges(roots: Iterable[str], column: str) -> tuple[str, list[str]]:
    """``paths_filter`` in SQL: ``column`` inside any of the subtrees at ``roots``."""
    roots = sorted(roots)
    sql = " OR ".join(f"({column} >= %s AND {column} < %s)" for _ in roots)
    return f"({sql})", [bound for p in roots for bound in (p, subtree_upper_bound(p))]


def _counts_sql(roots: Iterable[str], sets: dict[str, list[str]], start: dt.date, end: dt.date):
    """The statement of ``event_counts`` and its parameters, written out.

    The same two branches as ``_branches`` (events at an organization of the subtree on their
    day; events without one, by the members of the subtree's organizations and then where the
    member's cell stood that day), counted by distinct members straight over their ``UNION
    ALL``. Built as text: composing the ORM's nested sub-queries cost several times the
    statement itself, run once per figure.
    """
    event, member = MemberEvent._meta.db_table, Member._meta.db_table
    state, position = MemberState._meta.db_table, TreePosition._meta.db_table
    kinds = sorted({k for ks in sets.values() for k in ks})
    marks = ", ".join(["%s"] * len(kinds))
    common = (
        f"e.happened_on >= %s AND e.happened_on <= %s AND e.kind IN ({marks}) "
        "AND e.voided_at IS NULL AND m.voided_at IS NULL"
    )
    common_params = [start, end, *kinds]
    t_in, t_params = _ranges(roots, "t.path")
    at_org = (
        f"SELECT e.member_id, e.kind FROM {event} e "
        f"JOIN {position} t ON t.organization_id = e.organization_id "
        f"JOIN {member} m ON m.id = e.member_id "
        f"WHERE {common} AND {t_in} AND t.valid_from <= e.happened_on "
        "AND (t.valid_until IS NULL OR t.valid_until > e.happened_on)"
    )
    u_in, u_params = _ranges(roots, "u.path")
    c_in, c_params = _ranges(roots, "c.path")
    by_cell = (
        f"SELECT e.member_id, e.kind FROM {event} e JOIN {member} m ON m.id = e.member_id "
        f"WHERE {common} AND e.organization_id IS NULL "
        # Only the members of the subtree's organizations of the period can count here.
        f"AND e.member_id IN (SELECT v.member_id FROM {state} v WHERE v.organization_id IN ("
        f"SELECT u.organization_id FROM {position} u WHERE {u_in} AND u.valid_from <= %s "
        "AND (u.valid_until IS NULL OR u.valid_until > %s)) "
        "AND v.valid_from <= %s AND (v.valid_until IS NULL OR v.valid_until > %s)) "
        # Then each event by its key: the member's period of that day, its cell in the subtree.
        # Scalar sub-queries, run for each of the few events left: an EXISTS would be planned
        # as a join of every period of every member.
        f"AND (SELECT 1 FROM {state} s WHERE s.member_id = e.member_id "
        "AND s.valid_from <= e.happened_on AND (s.valid_until IS NULL OR s.valid_until > e.happened_on) "
        f"AND (SELECT 1 FROM {position} c WHERE c.organization_id = s.organization_id AND {c_in} "
        "AND c.valid_from <= e.happened_on AND (c.valid_until IS NULL OR c.valid_until > e.happened_on) "
        "LIMIT 1) IS NOT NULL LIMIT 1) IS NOT NULL"
    )
    by_cell_params = [*common_params, *u_params, end, start, end, start, *c_params]
    columns, values = [], []
    for ks in sets.values():
        columns.append(
            f"COUNT(DISTINCT CASE WHEN u.kind IN ({', '.join(['%s'] * len(ks))}) THEN u.member_id END)"
        )
        values += ks
    sql = f"SELECT {', '.join(columns)} FROM ({at_org} UNION ALL {by_cell}) u"
    return sql, [*values, *common_params, *t_params, *by_cell_params]


def event_counts(
    org: Organization, sets: dict[str, list[str]], start: dt.date, end: dt.date
) -> dict[str, int]:
    """Return, for each set of kinds ({name: kinds}), how many members had an event of one of
    them in ``org``'s subtree from ``start`` to ``end`` (as ``events_in_subtree`` finds them).

    One statement for every set: the distinct members counted straight over the two
    statements of the subtree's events (``UNION ALL``), with no join back to the events by
    their key (``_counts_sql``).
    """
    roots = _roots(org, start, end)
    if not roots:
        return dict.fromkeys(sets, 0)
    sql, params = _counts_sql(roots, sets, start, end)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {name: int(v or 0) for name, v in zip(sets, row, strict=True)}


def event_paths(
    roots: Iterable[str], kinds: Iterable[str], start: dt.date, end: dt.date
) -> list[tuple[int, str, str]]:
    """Return (member, kind, path) of the events of ``kinds`` in the subtrees at ``roots``:
    ``path`` is where the event counts, on the tree of its day (see ``events_in_subtree``).

    One statement for many subtrees (the children of an organization, with their own paths).
    """
    # A path under another one adds nothing to the statement but one more range to check.
    roots = sorted(set(roots))
    roots = [p for i, p in enumerate(roots) if not any(p.startswith(r) for r in roots[:i])]
    if not roots:
        return []
    at_org, by_cell = _branches(roots, kinds, start, end, path=True)
    alive = Q(member__voided_at__isnull=True)
    union = (
        at_org.filter(alive)
        .values_list("member_id", "kind", "path_then")
        .union(by_cell.filter(alive).values_list("member_id", "kind", "path_then"), all=True)
    )
    return list(union)


def admitted_count(org: Organization, start: dt.date, end: dt.date) -> int:
    """Return how many people were admitted or readmitted in the subtree from ``start`` to ``end``
    (by the date of the decision)."""
    return event_counts(org, {"admitted": list(ADMISSION_KINDS)}, start, end)["admitted"]


def roots_of(where: Q, start: dt.date, end: dt.date) -> dict[int, set[str]]:
    """Return the paths each organization matching ``where`` (a filter on ``TreePosition``)
    held at some time of ``start``–``end``, in one query: {organization id: paths}."""
    roots: dict[int, set[str]] = {}
    for org_id, path in (
        TreePosition.objects.filter(where, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .values_list("organization_id", "path")
    ):
        roots.setdefault(org_id, set()).add(path)
    return roots


def members_under(rows: Iterable[tuple[int, str, str]], paths: Iterable[str], kinds) -> set[int]:
    """Return the members of ``rows`` (``event_paths``) with an event of ``kinds`` under ``paths``."""
    bounds = [(p, subtree_upper_bound(p)) for p in paths]
    return {
        m for m, kind, path in rows if kind in kinds and any(lo <= path < hi for lo, hi in bounds)
    }


def admitted_by_subtree(
    orgs: Iterable[Organization], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Return ``admitted_count`` for each of ``orgs`` ({organization id: count}) in one statement."""
    orgs = list(orgs)
    roots = roots_of(Q(organization__in=orgs), start, end)
    rows = event_paths({p for paths in roots.values() for p in paths}, ADMISSION_KINDS, start, end)
    return {
        org.pk: len(members_under(rows, roots.get(org.pk, ()), ADMISSION_KINDS)) for org in orgs
    }


def plan_of(org: Organization, year: int) -> AdmissionPlan | None:
    return AdmissionPlan.objects.filter(organization=org, year=year, voided_at__isnull=True).first()


def target_of(org: Organization, year: int) -> AdmissionTarget | None:
    """Return the term target covering ``year`` (the latest-starting one, if several)."""
    return (
        AdmissionTarget.objects.filter(
            organization=org, first_year__lte=year, last_year__gte=year, voided_at__isnull=True
        )
        .order_by("-first_year", "-id")
        .first()
    )


def share(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@dataclass(frozen=True)
class PlanAchievement:
    organization: Organization
    year: int
    admitted: int
    plan: AdmissionPlan | None
    target: AdmissionTarget | None
    term_admitted: int | None  # from the term's first year to the end of ``year``

    @property
    def planned(self) -> int | None:
        return self.plan.planned if self.plan else None

    @property
    def share(self) -> Decimal | None:
        return share(self.admitted, self.planned)

    @property
    def difference(self) -> int | None:
        return None if self.planned is None else self.admitted - self.planned

    @property
    def shortfall(self) -> int:
        return max((self.planned or 0) - self.admitted, 0)

    @property
    def verdict(self) -> str:
        """ "above", "met", "below" (the plan), or "" without a plan."""
        if self.planned is None:
            return ""
        if self.admitted > self.planned:
            return "above"
        return "met" if self.admitted == self.planned else "below"

    @property
    def target_share(self) -> Decimal | None:
        if self.target is None or self.term_admitted is None:
            return None
        return share(self.term_admitted, self.target.target)


def plan_achievement(org: Organization, year: int) -> PlanAchievement:
    """Return the admissions of ``year`` in the subtree against the plan and the term target."""
    admitted = admitted_count(org, dt.date(year, 1, 1), dt.date(year, 12, 31))
    target = target_of(org, year)
    term_admitted = None
    if target is not None:
        term_admitted = admitted_count(
            org, dt.date(target.first_year, 1, 1), dt.date(min(year, target.last_year), 12, 31)
        )
    return PlanAchievement(org, year, admitted, plan_of(org, year), target, term_admitted)


def plans_of_children(org: Organization, year: int) -> list[PlanAchievement]:
    """Return ``plan_achievement`` for each (active) organization directly under ``org``."""
    children = (
        org.children.filter(dissolved_on__isnull=True).select_related("parent").order_by("code")
    )
    return [plan_achievement(child, year) for child in children]


# --------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------


class Calendars:
    """Working calendars for the cells of a subtree: the root's, unless a committee inside the
    subtree recorded days of its own (then that cell's own, built once)."""

    def __init__(self, org: Organization, years: Iterable[int]):
        self.years = sorted(set(years))
        self.root = work_calendar(org, years=self.years)
        self.local_paths = sorted(
            set(
                CalendarDay.objects.filter(
                    path_range(org.path, "organization__path"),
                    day__year__in=self.years, voided_at__isnull=True,
                ).exclude(organization=org).values_list("organization__path", flat=True)
            )
        )  # fmt: skip
        self.cache: dict[int, WorkCalendar] = {}

    def of(self, cell: Organization) -> WorkCalendar:
        if not any(cell.path.startswith(p) for p in self.local_paths):
            return self.root
        if cell.pk not in self.cache:
            self.cache[cell.pk] = work_calendar(cell, years=self.years)
        return self.cache[cell.pk]


CANDIDATE_SUBJECT = "admissions.candidate"
MEMBER_SUBJECT = "members.member"


def _deadline(
    kind, title, subject, org, due_on, rule, url, detail="", milestone=False, of=None
) -> Deadline:
    """``of``: the file or the member the deadline is derived from."""
    subject_type = CANDIDATE_SUBJECT if isinstance(of, Candidate) else MEMBER_SUBJECT
    return Deadline(
        kind=kind, title=title, subject=subject, organization_id=org.pk,
        organization_name=org.name, organization_path=org.path or "", due_on=due_on, rule=rule,
        url=url, detail=detail, milestone=milestone,
        subject_type=subject_type if of is not None else "",
        subject_id=of.pk if of is not None else None,
    )  # fmt: skip


def candidate_url(candidate: Candidate, url_of: Callable[[object], str] | None = None) -> str:
    if url_of is not None:
        return url_of(candidate.pk)
    return reverse("admission-candidate", kwargs={"candidate": candidate.pk})


def recognition_url(member: Member, url_of: Callable[[object], str] | None = None) -> str:
    if url_of is not None:
        return url_of(member.pk)
    return reverse("member-recognition", kwargs={"pk": member.pk})


def candidate_deadlines(
    candidate: Candidate,
    calendar: WorkCalendar,
    *,
    validity_months: int,
    url_of: Callable[[object], str] | None = None,
) -> list[Deadline]:
    """Return what is due on one open file: decision, ceremony, certificate, stale dossier.

    ``url_of`` (a file's number -> its page) saves reversing the URL per file."""
    if candidate.is_closed:
        return []
    c, org, url, out = candidate, candidate.organization, candidate_url(candidate, url_of), []
    if c.cell_resolution_on and not c.decision_signed_on:
        due = rules.admission_decision_due_on(
            c.cell_resolution_on, c.extension_working_days, calendar
        )
        detail = f"Chi bộ có nghị quyết ngày {fmt_date(c.cell_resolution_on)}"
        if c.extension_working_days:
            detail += f"; gia hạn {c.extension_working_days} ngày làm việc"
        out.append(_deadline("admissions.decision", "Quyết định kết nạp", c.full_name, org, due,
                             rules.cite(c.cell_resolution_on, "4.3.1"), url, detail + ".", of=c))  # fmt: skip
    if c.decision_signed_on and not c.refused and not c.ceremony_on:
        received = c.decision_received_on or c.decision_signed_on
        due = rules.ceremony_due_on(received, calendar)
        detail = (f"Chi bộ nhận quyết định ngày {fmt_date(received)}." if c.decision_received_on
                  else f"Quyết định ký ngày {fmt_date(received)}; chưa ghi ngày chi bộ nhận.")  # fmt: skip
        out.append(_deadline("admissions.ceremony", "Tổ chức lễ kết nạp", c.full_name, org, due,
                             rules.cite(received, "4.1"), url, detail, of=c))  # fmt: skip
    if not c.cell_resolution_on and c.certificate_issued_on:
        due = rules.certificate_valid_until(c.certificate_issued_on, validity_months)
        out.append(_deadline(
            "admissions.certificate", "Giấy chứng nhận lớp nhận thức về Đảng hết giá trị",
            c.full_name, org, due, rules.member_work_guidance(due), url,
            f"Cấp ngày {fmt_date(c.certificate_issued_on)}; có giá trị {validity_months} tháng.",
            of=c,
        ))  # fmt: skip
    if not c.cell_resolution_on and c.application_on:
        intros = [i.resolution_on or i.assigned_on for i in c.introducers.all() if not i.is_voided]
        due = rules.dossier_fresh_until(c.application_on, intros)
        out.append(_deadline(
            "admissions.dossier", "Chi bộ xét hồ sơ kết nạp (hồ sơ quá 12 tháng phải làm lại)",
            c.full_name, org, due, rules.statute_guidance(due), url,
            f"Đơn xin vào Đảng ngày {fmt_date(c.application_on)}.", of=c,
        ))  # fmt: skip
    return out


def recognition_deadlines(
    member: Member,
    recognition: Recognition | None,
    calendar: WorkCalendar,
    url_of: Callable[[object], str] | None = None,
) -> list[Deadline]:
    """Return what is due on one probationer: probation end, the cell's vote, the decision.

    ``url_of`` (a member's number -> the recognition page) saves reversing the URL per member."""
    if member.status != Status.PROBATIONARY or member.probation_ends_on is None:
        return []
    end, org = member.probation_ends_on, member.organization
    url, out = recognition_url(member, url_of), []
    if recognition is not None and recognition.is_decided:
        return []
    voted = recognition is not None and recognition.cell_resolution_on is not None
    escalated = recognition is not None and recognition.outcome == Recognition.Outcome.ESCALATED
    if not voted and not escalated:
        limits = rules.statute_article_5_probation_end(end, calendar)
        # The end of probation is due on its day and never overdue; the cell's proposal is.
        out.append(_deadline(
            "admissions.probation_end", "Hết thời kỳ dự bị", member.full_name, org, end,
            limits.ends_rule, url,
            f"Chi bộ xét, đề nghị công nhận đảng viên chính thức đến hết ngày "
            f"{fmt_date(limits.proposal_due_on)}.", milestone=True, of=member,
        ))  # fmt: skip
        out.append(_deadline(
            "admissions.recognition_proposal", "Chi bộ xét, đề nghị công nhận đảng viên chính thức",
            member.full_name, org, limits.proposal_due_on, limits.proposal_rule, url,
            f"Hết thời kỳ dự bị ngày {fmt_date(end)}; chi bộ đề nghị trong 30 ngày làm việc.",
            of=member,
        ))  # fmt: skip
    if recognition is not None and (voted or escalated):
        base = recognition.cell_resolution_on or active_votes(recognition)[-1].held_on
        due = rules.recognition_decision_due_on(base, recognition.extension_working_days, calendar)
        detail = (f"Chi bộ có nghị quyết ngày {fmt_date(base)}." if voted else
                  "Chi bộ biểu quyết 3 lần chưa đạt: cấp ủy có thẩm quyền quyết định.")  # fmt: skip
        out.append(_deadline("admissions.recognition_decision",
                             "Quyết định công nhận đảng viên chính thức", member.full_name, org, due,
                             rules.cite(base, "4.3.1"), url, detail, of=member))  # fmt: skip
    return out


def deadlines_under(
    org: Organization, today: dt.date, until: dt.date, only: dict[str, list[int]] | None = None
) -> list[Deadline]:
    """Return every admission and recognition deadline of the subtree due on or before ``until``,
    the overdue ones (due before ``today``) included, soonest first.

    ``only`` ({subject type: numbers}) keeps the files (``CANDIDATE_SUBJECT``) and the
    probationers (``MEMBER_SUBJECT``) listed (the stored radar recomputes one record)."""
    calendars = Calendars(org, range(today.year - 3, until.year + 2))
    out: list[Deadline] = []
    validity_of = setting_values(
        CERTIFICATE_VALIDITY, on=today, default=rules.CERTIFICATE_VALIDITY_MONTHS
    )
    validity: dict[int, int] = {}
    file_url = url_maker("admission-candidate", "candidate")
    probation_url = url_maker("member-recognition", "pk")
    candidates = (
        Candidate.objects.filter(
            path_range(org.path, "organization__path"), voided_at__isnull=True,
            stage__in=OPEN_STAGES,
        ).select_related("organization__parent").prefetch_related("introducers")
    )  # fmt: skip
    if only is not None:
        candidates = candidates.filter(pk__in=only.get(CANDIDATE_SUBJECT, []))
    for c in candidates:
        if c.organization_id not in validity:
            validity[c.organization_id] = int(validity_of(c.organization))
        out += candidate_deadlines(
            c, calendars.of(c.organization), validity_months=validity[c.organization_id],
            url_of=file_url,
        )  # fmt: skip
    members = None if only is None else only.get(MEMBER_SUBJECT, [])
    for p in probationers_in(org, ending_by=until, members=members):
        out += recognition_deadlines(
            p.member, p.recognition, calendars.of(p.member.organization), url_of=probation_url
        )
    return sorted(
        (d for d in out if d.due_on <= until), key=lambda d: (d.due_on, d.kind, d.subject)
    )
