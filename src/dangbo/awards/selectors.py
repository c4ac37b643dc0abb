"""Reads of Party badges: who is due at the coming occasions, what was awarded, deadlines.

Always limited to a subtree. The due list narrows the members in SQL (the
admission date puts them near a milestone not yet awarded, or they have a gap
in their party age) and computes the party age with its gaps only for those.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.utils import timezone

from dangbo.core.dates import add_months
from dangbo.core.deadlines import Deadline, url_maker
from dangbo.core.formatting import fmt_date
from dangbo.members import rules as member_rules
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberState, Status
from dangbo.members.selectors import states_of
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range, paths_filter
from dangbo.regulations.selectors import setting_value

from . import rules
from .discipline import disciplines_of
from .models import BadgeAward

CUTOFF_SETTING = "awards.badge_cutoff"
GIFT_MULTIPLE_SETTING = "awards.gift_multiple.{years}"
DEADLINE_KIND = "awards.badge"
# Ids per query when reading the histories of the candidates (SQLite's variable limit).
ID_CHUNK = 900


# --------------------------------------------------------------------------
# Settings a committee may change
# --------------------------------------------------------------------------


def badge_cutoff(org: Organization | None, on: dt.date) -> str:
    """Return the cut-off in force for ``org`` on ``on`` ("on_occasion" unless set; UNCONFIRMED)."""
    value = setting_value(CUTOFF_SETTING, org=org, on=on, default=rules.CUTOFF_ON_OCCASION)
    return value if value in rules.CUTOFFS else rules.CUTOFF_ON_OCCASION


def gift_multiple_setting(milestone: int, org: Organization | None, on: dt.date) -> Decimal | None:
    """Return the gift multiple a committee set for ``milestone``, or None (the table applies)."""
    value = setting_value(
        GIFT_MULTIPLE_SETTING.format(years=milestone), org=org, on=on, default=None
    )
    if value in (None, ""):
        return None
    try:
        multiple = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None
    return multiple if multiple >= 0 else None


# --------------------------------------------------------------------------
# One member
# --------------------------------------------------------------------------


def party_record(member: Member) -> rules.PartyRecord:
    """Return the facts the badge rules judge about ``member`` (states, penalties)."""
    return rules.PartyRecord(
        admitted_on=member.admitted_on,
        states=tuple(states_of(member)),
        disciplines=disciplines_of([member.pk]).get(member.pk, ()),
    )


def awards_of(member: Member) -> QuerySet[BadgeAward]:
    """Return every badge recorded for ``member`` (voided ones too), by milestone."""
    return member.badge_awards.select_related("organization__parent", "reissue_of").order_by(
        "milestone", "reissue_of_id", "id"
    )


def award_for_milestone(member: Member, milestone: int) -> BadgeAward | None:
    """Return the award recorded for ``milestone`` (not voided, not a reissue), if any."""
    return (
        member.badge_awards.filter(milestone=milestone, voided_at__isnull=True, reissue_of=None)
        .order_by("id")
        .first()
    )


@dataclass(frozen=True)
class BadgeOutlook:
    """Where a member stands: the highest milestone reached without a badge, and the next one."""

    unawarded: int | None
    unawarded_reached_on: dt.date | None
    upcoming: int | None
    upcoming_reached_on: dt.date | None
    party_age_years: int


def badge_outlook(member: Member, today: dt.date | None = None) -> BadgeOutlook:
    """Return the highest milestone ``member`` reached without a badge, and the next one ahead."""
    today = today or timezone.localdate()
    states = tuple(states_of(member))
    awarded = set(
        member.badge_awards.filter(voided_at__isnull=True).values_list("milestone", flat=True)
    )
    top = max(awarded, default=0)
    death = rules.died_on(states)
    until = add_months(death, rules.POSTHUMOUS_EARLY_MONTHS) if death else today
    reached = rules.milestones_reached(member.admitted_on, states, until)
    unawarded = max((m for m in reached if m > top), default=None)
    upcoming = upcoming_on = None
    if death is None and member.status not in (Status.STRUCK_OFF, Status.EXPELLED):
        for m in rules.MILESTONES:
            if m in reached:
                continue
            upcoming_on = rules.milestone_reached_on(member.admitted_on, states, m)
            upcoming = m if upcoming_on else None
            break
    age = member_rules.party_age_years(member.admitted_on, states, death or today)
    return BadgeOutlook(
        unawarded, reached.get(unawarded) if unawarded else None, upcoming, upcoming_on, age
    )


def get_award(
    scope_paths: Iterable[str], pk: int, *, own_member_id: int | None = None
) -> BadgeAward:
    """Return award ``pk`` if its member's organization lies in the scope (or it is the
    user's own), else 404."""
    q = paths_filter(scope_paths, "member__organization__path")
    if own_member_id is not None:
        q |= Q(member_id=own_member_id)
    award = (
        BadgeAward.objects.filter(q)
        .select_related(
            "member", "member__organization__parent", "organization__parent", "reissue_of"
        )
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404("Không tìm thấy Huy hiệu.")
    return award


# --------------------------------------------------------------------------
# Awards of a subtree
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardFilter:
    """The filters of the awarded list, shared by the page, the API and the exports."""

    year: int | None = None  # year of the award occasion
    milestone: int | None = None
    occasion_on: dt.date | None = None
    include_voided: bool = False


def awards_in(org: Organization, f: AwardFilter | None = None) -> QuerySet[BadgeAward]:
    """Return the badges of members now in ``org``'s subtree, latest occasion first."""
    f = f or AwardFilter()
    qs = BadgeAward.objects.filter(path_range(org.path, "member__organization__path"))
    if not f.include_voided:
        qs = qs.filter(voided_at__isnull=True)
    if f.year is not None:
        qs = qs.filter(occasion_on__year=f.year)
    if f.milestone is not None:
        qs = qs.filter(milestone=f.milestone)
    if f.occasion_on is not None:
        qs = qs.filter(occasion_on=f.occasion_on)
    return qs.select_related(
        "member", "member__organization__parent", "organization__parent"
    ).order_by("-occasion_on", "-milestone", "member__name_sort_key", "id")


def award_years(org: Organization) -> list[int]:
    """Return the occasion years that have awards in ``org``'s subtree, latest first."""
    return list(
        BadgeAward.objects.filter(path_range(org.path, "member__organization__path"))
        .annotate(y=ExtractYear("occasion_on"))
        .values_list("y", flat=True)
        .distinct()
        .order_by("-y")
    )


# --------------------------------------------------------------------------
# Who is due
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeDue:
    """A member who may be awarded a badge at an occasion."""

    member_id: int
    member_name: str
    date_of_birth: dt.date
    status: str
    organization_id: int
    organization_code: str
    organization_name: str
    organization_path: str
    admitted_on: dt.date
    milestone: int
    occasion_on: dt.date
    reached_on: dt.date
    basis: str  # rules.REGULAR, EARLY, POSTHUMOUS
    overdue: bool
    died_on: dt.date | None
    deferred: bool
    deferred_until: dt.date | None
    deferral: str  # why it is held back ("" when it is not)
    gift_estimate: Decimal | None  # multiple × base salary on the occasion date

    @property
    def basis_label(self) -> str:
        return rules.BASES[self.basis]

    @property
    def occasion_label(self) -> str:
        return rules.occasion_label(self.occasion_on)

    @property
    def title(self) -> str:
        suffix = {rules.POSTHUMOUS: " (truy tặng)", rules.EARLY: " (xét tặng sớm)"}
        return f"Huy hiệu {self.milestone} năm tuổi Đảng" + suffix.get(self.basis, "")

    @property
    def note(self) -> str:
        """One line on the case: late, early, posthumous, held back."""
        parts = []
        reached = fmt_date(self.reached_on)
        if self.basis == rules.POSTHUMOUS:
            parts.append(
                f"Từ trần ngày {fmt_date(self.died_on)}; đủ {self.milestone} năm tuổi Đảng "
                f"ngày {reached}."
            )
            if self.overdue:
                parts.append("Có thể truy tặng từ đợt trước, chưa ghi nhận Huy hiệu.")
        elif self.basis == rules.EARLY:
            parts.append(f"Đủ {self.milestone} năm ngày {reached}: chỉ xét tặng sớm nếu ốm nặng.")
        elif self.overdue:
            parts.append(f"Đã đủ tuổi Đảng từ {reached}, chưa ghi nhận Huy hiệu.")
        if self.deferral:
            parts.append(self.deferral)
        return " ".join(parts)


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02
        return day.replace(year=day.year - years, day=28)


def _top_awarded(awards_until: dt.date | None):
    """The highest milestone awarded to each member (0 when none): a grouped join on the awards,
    not a subquery per member."""
    awarded = Q(badge_awards__voided_at__isnull=True)
    if awards_until is not None:
        awarded &= Q(badge_awards__decision_signed_on__lte=awards_until)
    return Coalesce(Max("badge_awards__milestone", filter=awarded), 0)


def _narrowed(
    members: QuerySet[Member],
    occasions: Sequence[dt.date],
    *,
    cutoff: str,
    include_early: bool,
    include_posthumous: bool,
    awards_until: dt.date | None,
    reached_after: dt.date | None = None,
) -> QuerySet[Member]:
    """Keep the members whose admission date puts them near a milestone not yet awarded.

    For each milestone: admitted early enough to reach it by the last occasion
    (plus the early or posthumous window), not so early that the next
    milestone was reached by the first occasion, and no badge at or above it.
    Party age with gaps is never older than the calendar, so a member with a
    gap may be behind any of these bands: those are kept too (they are few).

    ``reached_after`` leaves out the living members whose milestone of the
    band was reached on or before that day (the radar does not go back that
    far): without a gap, the milestone is reached on the anniversary.
    """
    first = rules.milestone_deadline(occasions[0], cutoff)
    last = rules.milestone_deadline(occasions[-1], cutoff)

    def max_window(m: int) -> int:
        return max(
            rules.early_award_months(m) if include_early else 0,
            rules.POSTHUMOUS_EARLY_MONTHS if include_posthumous else 0,
        )

    # The highest milestone whose band the admission date falls in (bands overlap; a member
    # is kept when no badge at or above it is recorded, so the highest band decides).
    whens = []
    for i in reversed(range(len(rules.MILESTONES))):
        m = rules.MILESTONES[i]
        band = Q(admitted_on__lte=_years_before(add_months(last, max_window(m)), m))
        if i + 1 < len(rules.MILESTONES):
            band &= Q(admitted_on__gt=_years_before(first, rules.MILESTONES[i + 1]))
        if reached_after is not None:
            band &= Q(status=Status.DECEASED) | Q(admitted_on__gt=_years_before(reached_after, m))
        whens.append(When(band, then=Value(m)))
    # Nobody admitted after the latest end of a band reaches a milestone, gaps or not.
    latest = max(_years_before(add_months(last, max_window(m)), m) for m in rules.MILESTONES)
    # One uncorrelated set of ids (evaluated once), not an EXISTS per member.
    gaps = MemberState.objects.filter(status__in=member_rules.GAP_STATUSES).values("member_id")
    return (
        members.filter(admitted_on__isnull=False, admitted_on__lte=latest)
        .annotate(
            band=Case(*whens, default=Value(None), output_field=IntegerField()),
            has_gap=Case(
                When(pk__in=gaps, then=Value(True)), default=Value(False),
                output_field=BooleanField(),
            ),
            top_awarded=_top_awarded(awards_until),
        )
        .filter(Q(band__gt=F("top_awarded")) | Q(has_gap=True))
    )  # fmt: skip


def due_among(
    members: QuerySet[Member],
    occasions: Sequence[dt.date],
    *,
    org: Organization,
    include_early: bool = True,
    include_posthumous: bool = True,
    awards_until: dt.date | None = None,
    reached_after: dt.date | None = None,
) -> DueList:
    """Return the badges due at ``occasions`` to ``members`` (a queryset already scoped).

    ``awards_until`` counts only the awards decided by that day (the
    indicators ask as of a date). ``reached_after`` may leave out (it is a
    narrowing in SQL, not a filter of the result) the living members whose
    milestone was reached on or before that day. See ``rules.due_milestones``
    for who is due at which occasion.
    """
    occasions = sorted(set(occasions))
    if not occasions:
        return DueList([], None)
    cutoff = badge_cutoff(org, occasions[0])
    candidates = _narrowed(
        members, occasions, cutoff=cutoff, include_early=include_early,
        include_posthumous=include_posthumous, awards_until=awards_until,
        reached_after=reached_after,
    )  # fmt: skip
    rows = list(
        candidates.values(
            "pk", "full_name", "date_of_birth", "status", "admitted_on", "organization_id",
            "organization__code", "organization__name", "organization__path", "name_sort_key",
            "top_awarded", "has_gap",
        )
    )  # fmt: skip
    if not rows:
        return DueList([], None)
    # Full histories only for the members whose party age or life they change (few).
    states: dict[int, list[member_rules.State]] = {}
    with_history = [r["pk"] for r in rows if r["has_gap"] or r["status"] == Status.DECEASED]
    for start in range(0, len(with_history), ID_CHUNK):
        for s in (
            MemberState.objects.filter(member_id__in=with_history[start : start + ID_CHUNK])
            .order_by("member_id", "valid_from")
            .values_list("member_id", "status", "organization_id", "valid_from", "valid_until")
        ):
            states.setdefault(s[0], []).append(member_rules.State(*s[1:]))
    penalties = disciplines_of([r["pk"] for r in rows])
    gift_cache: dict[tuple[int, dt.date], Decimal | None] = {}

    def gift(milestone: int, on: dt.date) -> Decimal | None:
        if (milestone, on) not in gift_cache:
            multiple = gift_multiple_setting(milestone, org, on)
            gift_cache[milestone, on] = rules.badge_gift(milestone, on, multiple=multiple)
        return gift_cache[milestone, on]

    def build(entry: tuple) -> BadgeDue:
        _key, r, died_on, item = entry
        return BadgeDue(
            member_id=r["pk"], member_name=r["full_name"], date_of_birth=r["date_of_birth"],
            status=r["status"], organization_id=r["organization_id"],
            organization_code=r["organization__code"] or "",
            organization_name=r["organization__name"] or "",
            organization_path=r["organization__path"] or "", admitted_on=r["admitted_on"],
            milestone=item.milestone, occasion_on=item.occasion_on, reached_on=item.reached_on,
            basis=item.basis, overdue=item.overdue, died_on=died_on,
            deferred=item.deferral is not None,
            deferred_until=item.deferral.until if item.deferral else None,
            deferral=item.deferral.message() if item.deferral else "",
            gift_estimate=gift(item.milestone, item.occasion_on),
        )  # fmt: skip

    found: list[tuple] = []
    for r in rows:
        record = rules.PartyRecord(
            r["admitted_on"], tuple(states.get(r["pk"], ())), penalties.get(r["pk"], ())
        )
        items = rules.due_milestones(
            record, occasions, awarded=[r["top_awarded"]] if r["top_awarded"] else [],
            cutoff=cutoff, include_early=include_early, include_posthumous=include_posthumous,
        )  # fmt: skip
        for item in items:
            key = (
                item.occasion_on,
                r["organization__path"] or "",
                r["name_sort_key"],
                r["pk"],
                -item.milestone,
            )
            found.append((key, r, record.died_on, item))
    found.sort(key=lambda entry: entry[0])
    return DueList(found, build)


class DueList(Sequence[BadgeDue]):
    """The due list, in occasion, organization and name order, each ``BadgeDue`` built when first
    read: a page reads 50 of tens of thousands, and the counts need none (``counts``).

    Compares equal to a list of the same items.
    """

    def __init__(self, entries: list[tuple], build: Callable[[tuple], BadgeDue] | None):
        self._entries = entries  # (sort key, row, died on, rules.DueMilestone)
        self._build = build
        self._built: dict[int, BadgeDue] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index not in self._built:
            self._built[index] = self._build(self._entries[index])
        return self._built[index]

    def __eq__(self, other) -> bool:
        if isinstance(other, DueList | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DueList({len(self)} items)"

    def keep(self, wanted: Callable[[rules.DueMilestone], bool]) -> DueList:
        """Return the items whose ``rules.DueMilestone`` is ``wanted`` (none is built)."""
        return DueList([e for e in self._entries if wanted(e[3])], self._build)

    def counts(self) -> dict[dt.date, dict[int, int]]:
        """Return {occasion: {milestone: members}}, without building the items."""
        counts: dict[dt.date, dict[int, int]] = {}
        for entry in self._entries:
            item = entry[3]
            per = counts.setdefault(item.occasion_on, {})
            per[item.milestone] = per.get(item.milestone, 0) + 1
        return counts

    def milestone_counts(self) -> dict[int, int]:
        """Return {milestone: items}, without building the items."""
        counts: dict[int, int] = {}
        for entry in self._entries:
            counts[entry[3].milestone] = counts.get(entry[3].milestone, 0) + 1
        return counts

    def member_ids(self, milestone: int | None = None) -> set[int]:
        """Return the members listed (for ``milestone`` only, when given)."""
        return {
            e[1]["pk"] for e in self._entries if milestone is None or e[3].milestone == milestone
        }


def badges_due(
    org: Organization,
    occasions: Sequence[dt.date],
    *,
    include_early: bool = True,
    include_posthumous: bool = True,
    reached_after: dt.date | None = None,
    member_ids: list[int] | None = None,
) -> DueList:
    """Return the badges due at ``occasions`` to the members of ``org``'s subtree
    (those of ``member_ids`` only, when given).

    The members in the membership now (dự bị, chính thức, miễn công tác) and,
    for posthumous awards, those who died; each (member, milestone) once, at
    the first of the occasions it may be awarded, in occasion, organization and
    name order.
    """
    statuses = [*ACTIVE_STATUSES, *([Status.DECEASED] if include_posthumous else [])]
    members = Member.objects.filter(
        path_range(org.path, "organization__path"), voided_at__isnull=True, status__in=statuses
    )
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    return due_among(
        members, occasions, org=org, include_early=include_early,
        include_posthumous=include_posthumous, reached_after=reached_after,
    )  # fmt: skip


def due_counts(items: Iterable[BadgeDue]) -> dict[dt.date, dict[int, int]]:
    """Return {occasion: {milestone: members}} for a due list."""
    if isinstance(items, DueList):
        return items.counts()
    counts: dict[dt.date, dict[int, int]] = {}
    for item in items:
        per = counts.setdefault(item.occasion_on, {})
        per[item.milestone] = per.get(item.milestone, 0) + 1
    return counts


RADAR_LOOKBACK_DAYS = 366


MEMBER_SUBJECT = "members.member"


def badge_deadlines_under(
    org: Organization, today: dt.date, until: dt.date, only: dict[str, list[int]] | None = None
) -> list[Deadline]:
    """Return the badges due in ``org``'s subtree at the occasions up to ``until``, overdue ones too.

    ``only`` ({subject type: numbers}) keeps the members listed (``MEMBER_SUBJECT``).

    One deadline per member and milestone, due on the occasion at which the
    member becomes eligible: an occasion from ``today`` to ``until``, or, for
    a milestone already passed without a badge (or a death already past), the
    occasion at which it became eligible (overdue). Early awards are left out:
    they depend on the member's illness, which the office judges.

    Overdue items go back one year (``RADAR_LOOKBACK_DAYS``): the radar is for
    what is due now. Older milestones never recorded (the backlog of a registry
    brought in without its past awards) stay on the badges page, not the radar.
    """
    occasions = rules.award_occasions_between(today, until) or rules.award_occasions(today, 1)
    if not occasions:
        return []
    cutoff = badge_cutoff(org, occasions[0])
    deadlines = []
    member_url = url_maker("member-detail", "pk")
    oldest = today - dt.timedelta(days=RADAR_LOOKBACK_DAYS)
    # A milestone passed is due at the first occasion after it was reached (with the end-of-year
    # cut-off, the first of its year): one reached more than a year before the oldest day kept
    # cannot fall due on or after it, so the query leaves those members out.
    reached_after = oldest - dt.timedelta(days=366)
    members = None if only is None else only.get(MEMBER_SUBJECT, [])
    due_list = badges_due(
        org, occasions, include_early=False, reached_after=reached_after, member_ids=members
    )
    for due in due_list:
        due_on = due.occasion_on
        if due.overdue:
            since = due.died_on if due.basis == rules.POSTHUMOUS else due.reached_on
            due_on = rules.first_eligible_occasion(
                since, cutoff, posthumous=due.died_on is not None
            )
        if due_on > until or due_on < oldest:
            continue
        detail = due.note or f"Đủ {due.milestone} năm tuổi Đảng ngày {fmt_date(due.reached_on)}."
        # Once past its day it reads as overdue (the stored radar shows it on a later day).
        late = dataclasses.replace(due, overdue=True).note if not due.overdue else ""
        deadlines.append(
            Deadline(
                kind=DEADLINE_KIND,
                title=due.title,
                subject=due.member_name,
                organization_id=due.organization_id,
                organization_name=due.organization_name,
                organization_path=due.organization_path,
                due_on=due_on,
                rule=rules.badge_guidance(due_on),
                url=member_url(due.member_id),
                detail=detail,
                subject_type=MEMBER_SUBJECT,
                subject_id=due.member_id,
                shown_until=due_on + dt.timedelta(days=RADAR_LOOKBACK_DAYS),
                late_detail=late if late != detail else "",
            )
        )
    return deadlines
