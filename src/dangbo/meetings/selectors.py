"""Every read of the meetings module, limited to a subtree, as of a date or over a period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractMonth
from django.http import Http404

from dangbo.members.models import (
    ACTIVE_STATUSES,
    Member,
    MemberState,
    Position,
    Status,
    Transfer,
)
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range, paths_filter, valid_on
from dangbo.regulations.selectors import setting_value

from . import rules
from .models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    Rubric,
    Visit,
)
from .months import DatePart, grid_cells


def meetings_in(
    org: Organization, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Meeting]:
    """Return the meetings (not voided) of the cells in ``org``'s subtree held in [start, end]."""
    qs = Meeting.objects.filter(path_range(org.path, "organization__path"), voided_at__isnull=True)
    if start is not None:
        qs = qs.filter(held_on__gte=start)
    if end is not None:
        qs = qs.filter(held_on__lte=end)
    return qs.select_related("organization", "rubric").order_by("-held_on", "-id")


def get_meeting(scope_paths: Iterable[str], pk: int) -> Meeting:
    """Return meeting ``pk`` if its cell lies in one of the subtrees, else 404."""
    meeting = (
        Meeting.objects.filter(paths_filter(scope_paths, "organization__path"), pk=pk)
        .select_related(
            "organization__parent", "rubric", "chair", "minute_taker", "upper_attendee", "visit"
        )
        .first()
    )
    if meeting is None:
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    return meeting


def cells_under(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Organization]:
    """Return the cells of the subtree that existed at some time in [start, end], in tree
    order, with their parents."""
    return grid_cells(org, start, end).select_related("parent")


def cell_existed_on(cell: Organization, on: dt.date) -> bool:
    return cell.established_on <= on and (cell.dissolved_on is None or cell.dissolved_on > on)


def rubric_for(cell: Organization, on: dt.date) -> Rubric | None:
    """Return the rubric in force for ``cell`` on ``on``: the nearest committee above (or the
    cell itself) owning one valid that day; templates without owner never apply."""
    candidates = [
        r for r in Rubric.objects.filter(valid_on(on), owner__isnull=False, voided_at__isnull=True)
        .select_related("owner")
        if r.owner.path and (cell.path or "").startswith(r.owner.path)
    ]  # fmt: skip
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.owner.depth, r.valid_from, r.pk))


@dataclass(frozen=True)
class Roll:
    """Who is listed at a cell's meeting on a date: its members, with their status then, and the
    members temporarily transferred in."""

    members: list[Member]
    status_of: dict[int, str]
    transferred_in: set[int] = field(default_factory=set)

    @property
    def ids(self) -> set[int]:
        return {m.pk for m in self.members}


def roll_of(cell: Organization, on: dt.date) -> Roll:
    """Return the attendance list of ``cell`` on ``on`` in Vietnamese name order."""
    states = dict(
        MemberState.objects.filter(valid_on(on), organization=cell, status__in=ACTIVE_STATUSES)
        .values_list("member_id", "status")
    )  # fmt: skip
    temporary = set(
        Transfer.objects.filter(
            kind=Transfer.Kind.TEMPORARY, to_organization=cell, voided_at__isnull=True,
            planned_from__lte=on, cancelled_on__isnull=True,
        ).filter(Q(returned_on__isnull=True) | Q(returned_on__gt=on))
        .values_list("member_id", flat=True)
    )  # fmt: skip
    members = list(
        Member.objects.filter(pk__in=set(states) | temporary, voided_at__isnull=True)
        .order_by("name_sort_key", "date_of_birth", "id")
    )  # fmt: skip
    return Roll(members, states, temporary - set(states))


@dataclass(frozen=True)
class Listed:
    """Who is listed at a cell's meeting on a date, by number only (what the checks read)."""

    ids: frozenset[int]
    transferred_in: frozenset[int]


def listed_on(pairs: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], Listed]:
    """``roll_of`` for many (cell number, date) pairs at once, by member number: the members
    of each cell that day and those temporarily transferred in, not voided (three queries)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    cells = {c for c, _ in pairs}
    first, last = min(d for _, d in pairs), max(d for _, d in pairs)
    states_qs = MemberState.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=first), organization_id__in=cells,
        status__in=ACTIVE_STATUSES, valid_from__lte=last,
    )  # fmt: skip
    transfers_qs = Transfer.objects.filter(
        Q(returned_on__isnull=True) | Q(returned_on__gt=first), kind=Transfer.Kind.TEMPORARY,
        to_organization_id__in=cells, voided_at__isnull=True, planned_from__lte=last,
        cancelled_on__isnull=True,
    )  # fmt: skip
    voided = set(
        Member.objects.filter(voided_at__isnull=False)
        .filter(Q(pk__in=states_qs.values("member_id")) | Q(pk__in=transfers_qs.values("member_id")))
        .values_list("pk", flat=True)
    )  # fmt: skip
    states: dict[int, list[tuple]] = defaultdict(list)
    for row in states_qs.values_list("organization_id", "member_id", "valid_from", "valid_until"):
        states[row[0]].append(row[1:])
    moves: dict[int, list[tuple]] = defaultdict(list)
    for row in transfers_qs.values_list("to_organization_id", "member_id", "planned_from",
                                        "returned_on"):  # fmt: skip
        moves[row[0]].append(row[1:])
    found = {}
    for cell, on in pairs:
        members = {m for m, start, end in states[cell] if start <= on and (end is None or end > on)}
        temporary = {m for m, start, back in moves[cell]
                     if start <= on and (back is None or back > on)}  # fmt: skip
        found[(cell, on)] = Listed(frozenset((members | temporary) - voided),
                                   frozenset(temporary - members - voided))  # fmt: skip
    return found


def rubrics_on(
    pairs: Iterable[tuple[Organization, dt.date]],
) -> dict[tuple[int, dt.date], Rubric | None]:
    """``rubric_for`` for many (cell, date) pairs at once, each rubric with its criteria and
    levels (three queries)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    first, last = min(d for _, d in pairs), max(d for _, d in pairs)
    rubrics = list(
        Rubric.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=first),
                              valid_from__lte=last, owner__isnull=False, voided_at__isnull=True)
        .select_related("owner").prefetch_related("criteria", "levels")
    )  # fmt: skip
    found: dict[tuple[int, dt.date], Rubric | None] = {}
    for cell, on in pairs:
        candidates = [
            r for r in rubrics
            if r.valid_from <= on and (r.valid_until is None or r.valid_until > on)
            and r.owner.path and (cell.path or "").startswith(r.owner.path)
        ]  # fmt: skip
        found[(cell.pk, on)] = (
            max(candidates, key=lambda r: (r.owner.depth, r.valid_from, r.pk))
            if candidates
            else None
        )
    return found


def default_status(roll: Roll, member: Member) -> str:
    """The status a member starts with on the list: not counted when exempted or transferred in."""
    if member.pk in roll.transferred_in or roll.status_of.get(member.pk) == Status.EXEMPTED:
        return AttendanceStatus.NOT_COUNTED
    return AttendanceStatus.PRESENT


def confirm_days(cell: Organization, on: dt.date) -> int:
    return int(setting_value("meetings.confirm_days", org=cell, on=on,
                             default=rules.CONFIRM_DAYS_AFTER_MONTH))  # fmt: skip


def cell_findings(cell: Organization, year: int, today: dt.date) -> list[rules.Finding]:
    """Return what the checks find in ``cell``'s meetings of ``year`` (up to ``today``)."""
    return [item.finding for item in linked_cell_findings(cell, year, today, striking=False)]


@dataclass(frozen=True)
class LinkedFinding:
    """A finding of the cell's page with the page that settles it (the meeting, the entry form
    of the month, the member)."""

    finding: rules.Finding
    url: str
    link_text: str

    @property
    def text(self) -> str:
        return self.finding.text


def linked_cell_findings(
    cell: Organization, year: int, today: dt.date, *, striking: bool = True
) -> list[LinkedFinding]:
    """Return the findings of ``cell_findings`` with their links, then (``striking``) the
    members whose unexcused absences reach the striking-off threshold in ``year`` (up to
    ``today``, ``rules.striking_off_finding``)."""
    from django.urls import reverse

    meetings = list(
        Meeting.objects.filter(organization=cell, voided_at__isnull=True, held_on__year=year)
        .order_by("held_on", "id")
    )  # fmt: skip
    found: list[LinkedFinding] = []
    entry = reverse("meeting-add", kwargs={"code": cell.code})
    by_month: dict[int, list[str]] = defaultdict(list)
    for m in meetings:
        by_month[m.held_on.month].append(m.kind)
    last_month = 12 if year < today.year else today.month - 1
    for month in range(1, last_month + 1):
        first, last = dt.date(year, month, 1), rules.month_end(year, month)
        if cell_existed_on(cell, last) or cell_existed_on(cell, first):
            for f in rules.regular_meeting_findings(year, month, by_month[month]):
                found.append(LinkedFinding(f, f"{entry}?held_on={last:%Y-%m-%d}",
                                           "Ghi buổi sinh hoạt"))  # fmt: skip
    for quarter in range(1, 5):
        q_end = rules.quarter_end(year, quarter)
        if q_end < today and cell_existed_on(cell, q_end):
            kinds = [k for mo in range(quarter * 3 - 2, quarter * 3 + 1) for k in by_month[mo]]
            for f in rules.thematic_meeting_findings(year, quarter, kinds):
                found.append(LinkedFinding(f, f"{entry}?held_on={q_end:%Y-%m-%d}",
                                           "Ghi buổi sinh hoạt"))  # fmt: skip
    days_of: dict[dt.date, int] = {}
    for m in meetings:
        # The upper level's period in force at the meeting's month end (as on the radar).
        month_last = rules.month_end(m.held_on.year, m.held_on.month)
        if month_last not in days_of:
            days_of[month_last] = confirm_days(cell, month_last)
        url = reverse("meeting-detail", kwargs={"code": cell.code, "meeting": m.pk})
        for f in meeting_findings(m, today=today, confirm_days=days_of[month_last]):
            found.append(LinkedFinding(f, url, f"Buổi ngày {m.held_on:%d/%m/%Y}"))
    on = min(today, dt.date(year, 12, 31))
    if striking and on >= dt.date(year, 1, 1):
        months = unexcused_months(cell, dt.date(year, 1, 1), on)
        reached = {
            pk: f for pk, ms in months.items()
            if (f := rules.striking_off_finding(year, ms, on)) is not None
        }  # fmt: skip
        names = dict(Member.objects.filter(pk__in=list(reached)).values_list("pk", "full_name"))
        for pk in sorted(reached, key=lambda k: names.get(k, "")):
            if pk in names:
                found.append(LinkedFinding(reached[pk], reverse("member-detail",
                                                                 kwargs={"pk": pk}),
                                           names[pk]))  # fmt: skip
    return found


def meeting_findings(
    meeting: Meeting,
    *,
    today: dt.date,
    confirm_days: int = rules.CONFIRM_DAYS_AFTER_MONTH,
    count: rules.AttendanceCount | None = None,
) -> list[rules.Finding]:
    """Return what the checks find in one meeting (duration, documents, attendance, scoring);
    ``count``, when given, is its attendance count (a caller that already knows it)."""
    found = rules.duration_findings(
        meeting.kind, meeting.held_on, meeting.start_time, meeting.end_time
    )
    if meeting.kind != MeetingKind.EXTRAORDINARY:
        sent = meeting.documents_sent_at
        if sent is not None:
            from django.utils import timezone

            sent = timezone.localtime(sent)
        found += rules.documents_lead_findings(meeting.held_on, meeting.start_time, sent)
    if count is not None:
        pass
    elif meeting.level_only:
        count = rules.AttendanceCount(meeting.counted_count or 0, meeting.present_count or 0,
                                      0, 0, 0)  # fmt: skip
    else:
        count = rules.attendance_count(meeting.attendances.values_list("status", flat=True))
    found += rules.attendance_findings(meeting.held_on, count)
    if meeting.kind != MeetingKind.EXTRAORDINARY:
        found += rules.scoring_findings(
            meeting.held_on, meeting.self_scored_on if meeting.self_level else None,
            meeting.confirmed_on, today, confirm_days,
        )  # fmt: skip
    return found


def unexcused_months(
    org: Organization, start: dt.date, end: dt.date, member_ids: Iterable[int] | None = None
) -> dict[int, set[int]]:
    """Return {member id: months with an unexcused absence} for meetings of the subtree in
    [start, end] (one query)."""
    qs = Attendance.objects.filter(
        path_range(org.path, "meeting__organization__path"), status=AttendanceStatus.UNEXCUSED,
        meeting__voided_at__isnull=True, meeting__held_on__gte=start, meeting__held_on__lte=end,
    )  # fmt: skip
    if member_ids is not None:
        qs = qs.filter(member_id__in=list(member_ids))
    months: dict[int, set[int]] = defaultdict(set)
    for member_id, month in (
        qs.annotate(month=ExtractMonth("meeting__held_on")).values_list("member_id", "month")
        .distinct()
    ):  # fmt: skip
        months[member_id].add(month)
    return months


def repeated_absences(
    org: Organization, start: dt.date, end: dt.date, members: QuerySet, *, months: int, run: int
) -> dict[str, set[int]]:
    """Return the ``members`` (a queryset of ids) with repeated absences at the subtree's
    meetings: one grouped statement over the absences, then one window over the meetings of
    the members with enough excused absences for a run, and one over the members found:

    * ``UNEXCUSED_3_MONTHS``: an unexcused absence in at least ``months`` different months of
      one calendar year, among the meetings held in [start, end];
    * ``EXCUSED_RUN``: at least ``run`` excused absences in a row in the meetings of one of the
      calendar years from ``start``'s to ``end``'s (whole years; a meeting where the member
      was not counted does not break the run: ``rules.longest_excused_run``).
    """
    at = Attendance.objects.filter(
        path_range(org.path, "meeting__organization__path"), meeting__voided_at__isnull=True
    ).order_by()
    # One grouped statement over the absences of the whole years: per member and year, the
    # months with an unexcused absence in [start, end], and the excused absences (a run of
    # ``run`` needs as many).
    in_period = Q(meeting__held_on__gte=start, meeting__held_on__lte=end)
    unexcused_month = Case(
        When(Q(status=AttendanceStatus.UNEXCUSED) & in_period,
             then=DatePart("meeting__held_on", "month")),
        output_field=IntegerField(),
    )  # fmt: skip
    counts = (
        at.filter(status__in=[AttendanceStatus.UNEXCUSED, AttendanceStatus.EXCUSED],
                  meeting__held_on__gte=dt.date(start.year, 1, 1),
                  meeting__held_on__lte=dt.date(end.year, 12, 31))
        .annotate(year=DatePart("meeting__held_on", "year"))
        .values_list("member_id", "year")
        .annotate(
            months=Count(unexcused_month, distinct=True),
            excused=Sum(Case(When(status=AttendanceStatus.EXCUSED, then=Value(1)),
                             default=Value(0), output_field=IntegerField())),
        )
        .filter(Q(months__gte=months) | Q(excused__gte=run))
    )  # fmt: skip
    unexcused, candidates = set(), set()
    for member_id, _year, found_months, found_excused in counts:
        if found_months >= months:
            unexcused.add(member_id)
        if found_excused >= run:
            candidates.add(member_id)
    # Then the runs, over the meetings of the few members with that many excused absences.
    in_a_row = Window(
        Sum(Case(When(status=AttendanceStatus.EXCUSED, then=Value(1)), default=Value(0),
                 output_field=IntegerField())),
        partition_by=[F("member_id"), DatePart("meeting__held_on", "year")],
        order_by=[F("meeting__held_on").asc(), F("meeting_id").asc()],
        frame=RowRange(start=-(run - 1), end=0),
    )  # fmt: skip
    excused = set()
    if candidates:
        excused = set(
            at.filter(member_id__in=sorted(candidates),
                      meeting__held_on__gte=dt.date(start.year, 1, 1),
                      meeting__held_on__lte=dt.date(end.year, 12, 31))
            .exclude(status=AttendanceStatus.NOT_COUNTED)
            .annotate(in_a_row=in_a_row).filter(in_a_row__gte=run)
            .values_list("member_id", flat=True).order_by()
        )  # fmt: skip
    # Which of them are among ``members``: asked of the few found, not of every attendance row
    # (a list of the subtree's members as a filter of the rows leads SQLite to probe the
    # attendance index once per meeting and member).
    allowed = set(
        Member.objects.filter(pk__in=unexcused | excused).filter(pk__in=members)
        .values_list("pk", flat=True)
    )  # fmt: skip
    return {"UNEXCUSED_3_MONTHS": unexcused & allowed, "EXCUSED_RUN": excused & allowed}


def visits_in(org: Organization, start: dt.date, end: dt.date) -> QuerySet[Visit]:
    """Return the upper level's visits to organizations of the subtree in [start, end]."""
    return (
        Visit.objects.filter(
            path_range(org.path, "visited__path"),
            voided_at__isnull=True,
            visited_on__gte=start,
            visited_on__lte=end,
        )
        .select_related("organization", "visited")
        .order_by("-visited_on", "id")
    )


def rubrics_for(org: Organization) -> list[Rubric]:
    """Return the rubrics owned by ``org`` or a committee above it, and the templates."""
    rows = (
        Rubric.objects.filter(voided_at__isnull=True)
        .select_related("owner").prefetch_related("criteria", "levels")
        .order_by(F("owner__depth").asc(nulls_first=True), "-valid_from", "id")
    )  # fmt: skip
    return [r for r in rows if r.owner is None or (org.path or "").startswith(r.owner.path or "\0")]


def rubrics_owned_under(org: Organization) -> QuerySet[Rubric]:
    """Return the rubrics (voided ones too) issued by ``org`` or a committee below it."""
    return Rubric.objects.filter(path_range(org.path, "owner__path")).select_related("owner")


def get_rubric(org: Organization, pk: int) -> Rubric:
    """Return rubric ``pk`` if ``org`` or a committee below it issued it, else 404."""
    rubric = rubrics_owned_under(org).filter(pk=pk).first()
    if rubric is None:
        raise Http404("Không tìm thấy biểu chấm điểm.")
    return rubric


def assignments_in(org: Organization, *, current: bool = False) -> QuerySet[Assignment]:
    """Return the (not voided) assignments of committee members to the cells of the subtree."""
    qs = Assignment.objects.filter(path_range(org.path, "cell__path"), voided_at__isnull=True)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return qs.select_related("member", "committee", "cell__parent").order_by(
        "cell__path", "-started_on", "id"
    )


def committee_posts(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[rules.Post]]:
    """The committee posts (``rules.COMMITTEE_TITLES``) of members in committees, for the
    (member id, committee id) pairs given: {pair: posts}."""
    wanted = set(pairs)
    found: dict[tuple[int, int], list[rules.Post]] = defaultdict(list)
    members = sorted({m for m, _ in wanted})
    committees = sorted({c for _, c in wanted})
    for start in range(0, len(members), 500):
        for member, committee, title, since, until in Position.objects.filter(
            member_id__in=members[start : start + 500], organization_id__in=committees,
            title__in=rules.COMMITTEE_TITLES,
        ).values_list("member_id", "organization_id", "title", "started_on", "ended_on"):  # fmt: skip
            if (member, committee) in wanted:
                found[member, committee].append(rules.Post(title, since, until))
    return found


def get_assignment(org: Organization, pk: int) -> Assignment:
    assignment = assignments_in(org).filter(pk=pk).first()
    if assignment is None:
        raise Http404("Không tìm thấy phân công.")
    return assignment


def visits_of(org: Organization) -> QuerySet[Visit]:
    """Return the visits (voided too) to organizations of the subtree, latest first."""
    return (
        Visit.objects.filter(path_range(org.path, "visited__path"))
        .select_related("organization", "visited__parent")
        .order_by("-visited_on", "-id")
    )


def get_visit(org: Organization, pk: int) -> Visit:
    visit = visits_of(org).filter(pk=pk).first()
    if visit is None:
        raise Http404("Không tìm thấy lượt dự sinh hoạt.")
    return visit


def members_under(org: Organization) -> QuerySet[Member]:
    """Return the active (not voided) members of the subtree, in name order: who may be
    assigned to follow a cell."""
    return (
        Member.objects.filter(path_range(org.path, "organization__path"),
                              status__in=ACTIVE_STATUSES, voided_at__isnull=True)
        .select_related("organization").order_by("name_sort_key", "id")
    )  # fmt: skip
