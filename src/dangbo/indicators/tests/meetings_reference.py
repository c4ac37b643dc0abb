"""The meetings indicators as they were computed one by one, before the shared sources: the
reference the one-pass results are checked against (``test_meetings_one_pass``).

Each function is the previous per-indicator computation, kept verbatim (the month grid with a
Python loop over its meetings, the due months cell by cell, the absences year by year), and
returns the figures the indicator's rows carry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth

from dangbo.core.bulk import AnyOf
from dangbo.indicators.registry import Query
from dangbo.meetings import months as meeting_months
from dangbo.meetings import rules as meeting_rules
from dangbo.meetings import selectors as meetings
from dangbo.meetings.models import Attendance, AttendanceStatus, Meeting
from dangbo.members.models import Member
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range

LEVEL_RANK = {lv: i for i, lv in enumerate(meeting_rules.LEVEL_ORDER)}


def _meetings(q: Query):
    return Meeting.objects.filter(
        organization_id__in=q.org_ids, voided_at__isnull=True,
        held_on__gte=q.period_start, held_on__lte=q.on,
    ).order_by()  # fmt: skip


@dataclass
class _Row:
    cell: Organization
    months: list
    expected: list
    quarters: list | None = None
    year: str | None = None


def month_grid(org: Organization, year: int, *, until: dt.date | None = None):
    """The month grid as it was: every meeting read, the better level kept month by month."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells = list(meetings.cells_under(org, start, end))
    found: dict[int, dict[int, str]] = defaultdict(dict)
    rows = (
        Meeting.objects.filter(
            path_range(org.path, "organization__path"), voided_at__isnull=True,
            held_on__gte=start, held_on__lte=end, kind__in=meeting_rules.REGULAR_KINDS,
        )
        .annotate(month=ExtractMonth("held_on"))
        .values_list("organization_id", "month", "level")
    )  # fmt: skip
    for org_id, month, level in rows:
        months = found[org_id]
        if month not in months or (
            level and (not months[month] or LEVEL_RANK[level] < LEVEL_RANK[months[month]])
        ):
            months[month] = level
    result = []
    for cell in cells:
        months = found.get(cell.pk, {})
        expected = []
        for m in range(1, 13):
            first, last = dt.date(year, m, 1), meeting_rules.month_end(year, m)
            due = cell.established_on <= last and (
                cell.dissolved_on is None or cell.dissolved_on > first
            )
            if until is not None and last > until:
                due = False
            expected.append(due)
        result.append(_Row(cell, [months.get(m) for m in range(1, 13)], expected))
    rule_of = meeting_months.period_rules(end)
    for row in result:
        rule = rule_of(row.cell)
        row.quarters = meeting_rules.quarter_levels(row.months, row.expected, rule)
        row.year = meeting_rules.period_level(row.months, row.expected, rule)
    return result


def held_vs_expected(q: Query) -> dict[str, tuple[int, int]]:
    """{REGULAR, THEMATIC: (held, due)}."""
    cells = meetings.cells_under(q.org, q.period_start, q.on).filter(pk__in=q.org_ids)
    due: dict[str, set] = {"REGULAR": set(), "THEMATIC": set()}
    start, end = q.period_start, q.on
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for cell in cells.select_related(None).only("pk", "established_on", "dissolved_on"):
        for y, m in months:
            last = meeting_rules.month_end(y, m)
            if last > end:
                continue
            if meetings.cell_existed_on(cell, last):
                due["REGULAR"].add((cell.pk, y, m))
                if m % 3 == 0 and meeting_rules.expected_meetings(y, m)["THEMATIC"]:
                    due["THEMATIC"].add((cell.pk, y, m // 3))
    held: dict[str, set] = {"REGULAR": set(), "THEMATIC": set()}
    rows = (
        _meetings(q).filter(organization_id__in=cells.values("pk"))
        .annotate(month=ExtractMonth("held_on"))
        .values_list("organization_id", "held_on__year", "month", "kind").distinct()
    )  # fmt: skip
    for org_id, year, month, kind in rows:
        if kind in meeting_rules.REGULAR_KINDS:
            held["REGULAR"].add((org_id, year, month))
        if kind in meeting_rules.THEMATIC_KINDS:
            held["THEMATIC"].add((org_id, year, (month - 1) // 3 + 1))
    return {k: (len(due[k] & held[k]), len(due[k])) for k in due}


def year_levels(q: Query) -> dict[int, tuple[str, str]]:
    """{cell id: (kind of cell, year level or NOT_DUE)}."""
    in_tree = set(
        Organization.objects.filter(pk__in=q.org_ids, kind__in=CELL_KINDS)
        .values_list("pk", flat=True)
    )  # fmt: skip
    return {
        r.cell.pk: (r.cell.kind, r.year or "NOT_DUE")
        for r in month_grid(q.org, q.on.year, until=q.on) if r.cell.pk in in_tree
    }  # fmt: skip


def attendance(q: Query) -> dict[str, tuple[int, int]]:
    """{persons, counts: (present, counted)}."""
    per = dict(
        Attendance.objects.filter(meeting__in=_meetings(q).filter(level_only=False))
        .exclude(status=AttendanceStatus.NOT_COUNTED)
        .values_list("status").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    sums = (
        _meetings(q).filter(level_only=True)
        .aggregate(counted=Sum("counted_count"), present=Sum("present_count"))
    )  # fmt: skip
    return {
        "persons": (per.get("PRESENT", 0), sum(per.values())),
        "counts": (sums["present"] or 0, sums["counted"] or 0),
    }


def excused_runs(org: Organization, year: int) -> dict[int, int]:
    """Return {member id: longest run of excused absences} in the subtree's meetings of ``year``
    (only members with at least one excused absence).

    The members first, then their attendance: asked as one statement (``member_id IN
    (SELECT …)``), PostgreSQL may plan it, on tables not yet analyzed after the demo is
    written, as a loop over every attendance row for each one, for many minutes."""
    of_year = Attendance.objects.filter(
        path_range(org.path, "meeting__organization__path"), meeting__voided_at__isnull=True,
        meeting__held_on__year=year,
    )  # fmt: skip
    excused = set(
        of_year.filter(status=AttendanceStatus.EXCUSED).values_list("member_id", flat=True)
    )
    sequences: dict[int, list[str]] = defaultdict(list)
    for member_id, status in (
        of_year.filter(AnyOf(F("member_id"), excused))
        .order_by("member_id", "meeting__held_on", "meeting_id")
        .values_list("member_id", "status")
    ):  # fmt: skip
        sequences[member_id].append(status)
    return {pk: meeting_rules.longest_excused_run(seq) for pk, seq in sequences.items()}


def absentees(q: Query) -> dict[str, set[int]]:
    """{UNEXCUSED_3_MONTHS, EXCUSED_RUN: member ids}."""
    in_tree = Member.objects.filter(organization_id__in=q.org_ids).values("pk")
    striking = set()
    for year in range(q.period_start.year, q.on.year + 1):
        start = max(q.period_start, dt.date(year, 1, 1))
        end = min(q.on, dt.date(year, 12, 31))
        months = meetings.unexcused_months(q.org, start, end)
        striking |= {pk for pk, found in months.items()
                     if len(found) >= meeting_rules.STRIKING_MONTHS}  # fmt: skip
    runs = set()
    for year in range(q.period_start.year, q.on.year + 1):
        runs |= {pk for pk, run in excused_runs(q.org, year).items()
                 if run > meeting_rules.MAX_CONSECUTIVE_EXCUSED}  # fmt: skip
    allowed = set(Member.objects.filter(pk__in=striking | runs).filter(pk__in=in_tree)
                  .values_list("pk", flat=True))  # fmt: skip
    return {"UNEXCUSED_3_MONTHS": striking & allowed, "EXCUSED_RUN": runs & allowed}
