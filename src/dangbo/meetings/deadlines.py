"""The meetings' deadlines on the radar (``dangbo.deadlines.sources``, stored).

Three kinds, each open while its fact is missing, every one a deadline of the cell
(subject type ``meetings.cell``: a meeting saved, its score confirmed or the cell's dates
changed recompute the cell's rows, ``deadlines.signals``):

- ``meetings.regular_missing``: no regular (or combined) meeting recorded in a month the cell
  existed; due on the month's last day (Điều lệ Đảng Đ24 k2: a regular meeting every month; no
  grace is set for recording it, ``rules.regular_meeting_findings``);
- ``meetings.thematic_missing``: no thematic (or combined) meeting in a quarter, when the
  guidance in force on the quarter's last day asks for one (HD 12 of 2018, kept by HD 42); due
  on that day (``rules.thematic_meeting_findings``);
- ``meetings.confirmation``: a meeting's score not yet confirmed by the upper level; due
  ``meetings.confirm_days`` days after the meeting's month (``rules.confirmation_due_on``,
  the setting in force at that month's end for the cell).

What is found does not depend on the day asked, only on the facts (the stored rows are read on
later days): each deadline falling due from ``RADAR_LOOKBACK_DAYS`` before ``today`` to
``until`` is returned, shown on the radar until ``RADAR_LOOKBACK_DAYS`` after it fell due
(older gaps stay on the month grid and the cell's page). A month's regular meeting is shown
from the month's first day and a quarter's thematic one from the quarter's first day
(``shown_from``): the months still ahead in the store's window are stored, not shown. A score
to confirm is shown at once. Set-based for any subtree: the cells,
the months and quarters held (one grouped query), the pending scores, and the confirmation
setting once per month of those scores (about 25 small queries for the whole window).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from dangbo.core.deadlines import Deadline
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range
from dangbo.regulations.selectors import setting_values

from . import rules
from .models import Level, Meeting, MeetingKind

CELL_SUBJECT = "meetings.cell"
REGULAR_MISSING = "meetings.regular_missing"
THEMATIC_MISSING = "meetings.thematic_missing"
CONFIRMATION = "meetings.confirmation"
CONFIRM_DAYS_SETTING = "meetings.confirm_days"
RADAR_LOOKBACK_DAYS = 366

_MARK_CODE = "__cell_code__"
_MARK_PK = 9_876_543_210


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The (year, month) from ``first``'s month to ``last``'s, in order."""
    y, m = first.year, first.month
    found = []
    while (y, m) <= (last.year, last.month):
        found.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


def _existed_on(established: dt.date, dissolved: dt.date | None, on: dt.date) -> bool:
    return established <= on and (dissolved is None or dissolved > on)


def confirm_days_for(months: set[tuple[int, int]]):
    """Return ``(cell, year, month) -> days`` the upper level has to confirm a score: the setting
    ``meetings.confirm_days`` in force for the cell at the month's end (one query per month)."""
    readers = {
        ym: setting_values(CONFIRM_DAYS_SETTING, on=rules.month_end(*ym),
                           default=rules.CONFIRM_DAYS_AFTER_MONTH)
        for ym in months
    }  # fmt: skip

    def days(cell: Organization, year: int, month: int) -> int:
        return int(readers[(year, month)](cell))

    return days


def deadlines_under(
    org: Organization, today: dt.date, until: dt.date, only: dict[str, list[int]] | None = None
) -> list[Deadline]:
    """Return the meetings' open deadlines of ``org``'s subtree due from a year before ``today``
    to ``until`` (``only``: the cells listed under ``CELL_SUBJECT``)."""
    oldest = today - dt.timedelta(days=RADAR_LOOKBACK_DAYS)
    if until < oldest:
        return []
    cells_qs = Organization.objects.filter(
        path_range(org.path), kind__in=CELL_KINDS, established_on__lte=until
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=oldest.replace(day=1)))
    if only is not None:
        wanted = only.get(CELL_SUBJECT, [])
        if not wanted:
            return []
        cells_qs = cells_qs.filter(pk__in=wanted)
    cells = list(
        cells_qs.only("id", "code", "name", "path", "depth", "established_on", "dissolved_on")
    )
    if not cells:
        return []
    by_id = {c.pk: c for c in cells}
    # The months due in the window: a month's deadline is its last day.
    months = [ym for ym in _months(oldest, until) if oldest <= rules.month_end(*ym) <= until]
    start = dt.date(*months[0], 1) if months else None
    end = rules.month_end(*months[-1]) if months else None
    # The quarters due in the window (their last day), and the months they span.
    quarters = [
        (y, m // 3) for y, m in _months(oldest, until)
        if m % 3 == 0 and oldest <= rules.quarter_end(y, m // 3) <= until
        and rules.thematic_quarterly_required(rules.quarter_end(y, m // 3))
    ]  # fmt: skip
    q_start = dt.date(quarters[0][0], quarters[0][1] * 3 - 2, 1) if quarters else None
    q_end = rules.quarter_end(*quarters[-1]) if quarters else None
    held_from = min(d for d in (start, q_start) if d is not None) if (start or q_start) else None
    held_to = max(d for d in (end, q_end) if d is not None) if (end or q_end) else None

    regular: set[tuple[int, int, int]] = set()
    thematic: set[tuple[int, int, int]] = set()
    if held_from is not None:
        held = Meeting.objects.filter(
            path_range(org.path, "organization__path"), voided_at__isnull=True,
            held_on__gte=held_from, held_on__lte=held_to,
            kind__in={*rules.REGULAR_KINDS, *rules.THEMATIC_KINDS},
        )  # fmt: skip
        if only is not None:
            held = held.filter(organization_id__in=list(by_id))
        rows = (
            held.annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
            .values_list("organization_id", "kind", "y", "m")
            .distinct()
            .order_by()
        )
        for org_id, kind, y, m in rows:
            if kind in rules.REGULAR_KINDS:
                regular.add((org_id, y, m))
            if kind in rules.THEMATIC_KINDS:
                thematic.add((org_id, y, (m - 1) // 3 + 1))

    grid_url = reverse("meetings", kwargs={"code": _MARK_CODE})
    deadlines: list[Deadline] = []
    for cell in cells:
        path = cell.path or ""
        url = grid_url.replace(_MARK_CODE, cell.code)
        for y, m in months:
            first, last = dt.date(y, m, 1), rules.month_end(y, m)
            if (cell.pk, y, m) in regular:
                continue
            if not (_existed_on(cell.established_on, cell.dissolved_on, last)
                    or _existed_on(cell.established_on, cell.dissolved_on, first)):  # fmt: skip
                continue
            deadlines.append(Deadline(
                kind=REGULAR_MISSING,
                title=f"Chi bộ chưa ghi sinh hoạt thường kỳ tháng {m:02d}/{y}",
                subject=cell.name, organization_id=cell.pk, organization_name=cell.name,
                organization_path=path, due_on=last, rule=rules.STATUTE_MONTHLY,
                url=f"{url}?year={y}",
                detail="Mỗi tháng chi bộ sinh hoạt thường kỳ một lần; ghi buổi sinh hoạt "
                       "thường kỳ (hoặc kết hợp chuyên đề) của tháng.",
                subject_type=CELL_SUBJECT, subject_id=cell.pk,
                shown_until=last + dt.timedelta(days=RADAR_LOOKBACK_DAYS), shown_from=first,
            ))  # fmt: skip
        for y, q in quarters:
            last = rules.quarter_end(y, q)
            if (cell.pk, y, q) in thematic:
                continue
            if not _existed_on(cell.established_on, cell.dissolved_on, last):
                continue
            deadlines.append(Deadline(
                kind=THEMATIC_MISSING,
                title=f"Chi bộ chưa ghi sinh hoạt chuyên đề quý {q}/{y}",
                subject=cell.name, organization_id=cell.pk, organization_name=cell.name,
                organization_path=path, due_on=last, rule=rules.meeting_guidance(last),
                url=f"{url}?year={y}",
                detail="Mỗi quý chi bộ sinh hoạt chuyên đề ít nhất một lần.",
                subject_type=CELL_SUBJECT, subject_id=cell.pk,
                shown_until=last + dt.timedelta(days=RADAR_LOOKBACK_DAYS),
                shown_from=dt.date(y, q * 3 - 2, 1),
            ))  # fmt: skip
    deadlines += _confirmations(org, by_id, oldest, until, only is not None)
    return deadlines


def _confirmations(
    org: Organization, by_id: dict[int, Organization], oldest: dt.date, until: dt.date,
    only: bool,
) -> list[Deadline]:  # fmt: skip
    """The meetings whose score the upper level has not confirmed, due in [oldest, until].

    The confirmation is due at most ``days`` after the month: a meeting held before the month
    of ``oldest - max days`` cannot fall due in the window, so the query starts a year earlier
    than ``oldest`` at most (the setting is read for the months found).
    """
    pending = Meeting.objects.filter(
        path_range(org.path, "organization__path"), voided_at__isnull=True,
        confirmed_on__isnull=True, held_on__lte=until,
        held_on__gte=(oldest - dt.timedelta(days=RADAR_LOOKBACK_DAYS)).replace(day=1),
    ).exclude(kind=MeetingKind.EXTRAORDINARY)  # fmt: skip
    if only:
        pending = pending.filter(organization_id__in=list(by_id))
    rows = list(
        pending.order_by().values_list("pk", "organization_id", "kind", "held_on", "self_level")
    )
    days_of = confirm_days_for({(h.year, h.month) for *_, h, _ in rows})
    detail_url = reverse("meeting-detail", kwargs={"code": _MARK_CODE, "meeting": _MARK_PK})
    kinds = dict(MeetingKind.choices)
    levels = dict(Level.choices)
    missing = {org_id for _, org_id, *_ in rows if org_id not in by_id}
    if missing:  # a cell dissolved before the window whose last scores are still pending
        by_id = {**by_id, **Organization.objects.in_bulk(list(missing))}
    found = []
    for pk, org_id, kind, held_on, self_level in rows:
        cell = by_id[org_id]
        days = days_of(cell, held_on.year, held_on.month)
        due = rules.confirmation_due_on(held_on, days)
        if not oldest <= due <= until:
            continue
        own = f"; chi bộ tự xếp loại {levels[self_level]}" if self_level else ""
        found.append(Deadline(
            kind=CONFIRMATION,
            title="Cấp trên chưa xác nhận điểm sinh hoạt",
            subject=cell.name, organization_id=cell.pk, organization_name=cell.name,
            organization_path=cell.path or "", due_on=due,
            rule=f"Quy định của cấp ủy (meetings.confirm_days): xác nhận trong {days} ngày "
                 "sau tháng sinh hoạt",
            url=detail_url.replace(_MARK_CODE, cell.code).replace(str(_MARK_PK), str(pk)),
            detail=f"Sinh hoạt {kinds[kind].lower()} ngày {fmt_date(held_on)}{own}.",
            subject_type=CELL_SUBJECT, subject_id=cell.pk,
            shown_until=due + dt.timedelta(days=RADAR_LOOKBACK_DAYS),
        ))  # fmt: skip
    return found
