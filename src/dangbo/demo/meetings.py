"""Cell meetings for the demo: every DEMO cell meets monthly from 2018 to the last month,
with a realistic spread of levels, a few missed months, late scores, a scoring dispute and
members whose unexcused absences reach the striking-off threshold.

The committee at the top adopts the Bình Thuận-style rubric through the service (audited);
the meetings, attendance and scores go in through ``core.bulk`` (COPY on PostgreSQL), as the
registry's history does. Meetings before 2024 carry only the counts and the level a cell
reported; from 2024 each member is ticked and each criterion scored.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from dangbo.core.bulk import insert_objects, insert_rows, reserve_ids
from dangbo.meetings import rules, services
from dangbo.meetings.models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Level,
    Meeting,
    MeetingKind,
    Rubric,
    Score,
    Visit,
)  # fmt: skip
from dangbo.meetings.seed import BINH_THUAN_BLOC
from dangbo.members.models import ACTIVE_STATUSES, MemberState, Position, Status
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range

FIRST_MONTH = (2018, 1)
PERSONS_FROM = dt.date(2024, 1, 1)
LEVEL_WEIGHTS = ((Level.GOOD, 70), (Level.FAIR, 22), (Level.AVERAGE, 6), (Level.POOR, 2))
MISSED_SHARE = 0.025
# Months never missed: those of the truants' absences, so that they reach the threshold.
KEPT_MONTHS = {(2024, 2), (2024, 5), (2024, 8)}
DISPUTE_REASON = "Biên bản chưa ghi đủ ý kiến thảo luận của đảng viên; trừ điểm tiêu chí 4."


ATTENDANCE_FIELDS = ("meeting_id", "member_id", "status", "reason", "transferred_in")
SCORE_FIELDS = ("meeting_id", "criterion_id", "self_points", "confirmed_points")


@dataclass
class MeetingsResult:
    meetings: int = 0
    attendance: int = 0
    scores: int = 0
    visits: int = 0
    missed_months: int = 0
    striking_candidates: int = 0


def _months(start: dt.date, end: dt.date):
    y, m = max((start.year, start.month), FIRST_MONTH)
    while (y, m) <= (end.year, end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _points(rng: random.Random, criteria, level: str) -> list[Decimal]:
    """Points on the sheet for a meeting meant to be about ``level`` (the rubric decides)."""
    cut = {Level.GOOD: (0, 6), Level.FAIR: (12, 25), Level.AVERAGE: (32, 45),
           Level.POOR: (52, 65)}[level]  # fmt: skip
    short = rng.randint(*cut)
    points = [c.max_points for c in criteria]
    order = [i for i, c in enumerate(criteria) if not c.must_pass or level != Level.GOOD]
    while short > 0 and order:
        i = rng.choice(order)
        take = min(short, int(points[i]), rng.randint(1, 5))
        points[i] -= take
        short -= take
        if points[i] == 0:
            order.remove(i)
    return points


def build_meetings(root: Organization, *, as_of: dt.date, seed: int) -> MeetingsResult:
    """Write the demo's meetings under ``root`` up to the month before ``as_of``."""
    rng = random.Random(seed * 31 + 12)
    result = MeetingsResult()
    template = Rubric.objects.get(owner=None, source=BINH_THUAN_BLOC["source"])
    rubric = services.adopt_rubric(
        actor=None, template=template, owner=root, valid_from=rules.HD12_FROM,
        source=f"{template.source} (Tỉnh ủy áp dụng cho các chi bộ trong tỉnh)",
    )  # fmt: skip
    criteria = list(rubric.criteria.all())
    bands = [rules.Band(b.level, b.min_points, b.below_points, b.requires_must_pass)
             for b in rubric.levels.all()]  # fmt: skip
    crit = [rules.Criterion(c.max_points, c.must_pass, c.title) for c in criteria]
    cells = list(
        Organization.objects.filter(path_range(root.path), kind__in=CELL_KINDS)
        .select_related("parent").order_by("path")
    )  # fmt: skip
    end = as_of.replace(day=1) - dt.timedelta(days=1)  # the last month over
    states: dict[int, list] = defaultdict(list)
    for row in (
        MemberState.objects.filter(organization_id__in=[c.pk for c in cells],
                                   status__in=ACTIVE_STATUSES)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=PERSONS_FROM))
        .values_list("organization_id", "member_id", "valid_from", "valid_until", "status")
    ):  # fmt: skip
        states[row[0]].append(row[1:])
    # Who follows each cell: a member of a sibling cell (a committee member of the parent).
    by_parent: dict[int, list[Organization]] = defaultdict(list)
    cell_by_id = {c.pk: c for c in cells}
    for c in cells:
        by_parent[c.parent_id].append(c)
    now = timezone.now()
    assignments, visits = [], []
    followers: dict[int, int] = {}
    for c in cells:
        siblings = [s for s in by_parent[c.parent_id] if s.pk != c.pk and states.get(s.pk)]
        if siblings and c.parent is not None:
            follower = states[rng.choice(siblings).pk][0][0]
            followers[c.pk] = follower
            assignments.append(Assignment(
                member_id=follower, committee=c.parent, cell=c, created_at=now, updated_at=now,
                started_on=max(PERSONS_FROM, c.established_on), decision_number="12-QĐ/ĐU",
            ))  # fmt: skip
    # Each follower sits on the committee that assigns them (rules.assignment_member_problem).
    seats: dict[tuple[int, int], dt.date] = {}
    for a in assignments:
        key = (a.member_id, a.committee.pk)
        seats[key] = min(seats.get(key, a.started_on), a.started_on)
    # Members who stop coming: unexcused in three months of 2024 (a striking-off ground).
    persons_cells = [c for c in cells if len(states.get(c.pk, ())) >= 5 and c.dissolved_on is None]
    truants = {states[c.pk][-1][0] for c in rng.sample(persons_cells, min(4, len(persons_cells)))}
    truant_months = {m for _, m in KEPT_MONTHS}
    excused_runner = (
        states[persons_cells[0].pk][1][0] if persons_cells else None
    )  # excused at four meetings in a row in 2024
    meetings, attendance, scores = [], [], []
    disputed = False
    for cell in cells:
        last = min(end, cell.dissolved_on - dt.timedelta(days=1)) if cell.dissolved_on else end
        for y, m in _months(cell.established_on, last):
            month_end = rules.month_end(y, m)
            if not (
                cell.established_on <= month_end
                and (cell.dissolved_on is None or cell.dissolved_on > dt.date(y, m, 1))
            ):
                continue  # fmt: skip
            if rng.random() < MISSED_SHARE and (y, m) not in KEPT_MONTHS:
                result.missed_months += 1
                continue
            day = rng.randint(3, 18)
            held = dt.date(y, m, day)
            if held < cell.established_on or (cell.dissolved_on and held >= cell.dissolved_on):
                held = max(cell.established_on, dt.date(y, m, 1))
            kind = MeetingKind.REGULAR
            if m % 3 == 0 and rules.thematic_quarterly_required(month_end):
                kind = MeetingKind.COMBINED if rng.random() < 0.85 else MeetingKind.REGULAR
            start = dt.time(rng.choice((7, 8, 14, 15)), rng.choice((0, 30)))
            minutes = rng.choice((95, 100, 110, 120, 130, 150)) if rng.random() > 0.04 else 75
            end_min = start.hour * 60 + start.minute + minutes
            level = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], [w for _, w in LEVEL_WEIGHTS])[0]
            mt = Meeting(
                organization_id=cell.pk, kind=kind, held_on=held, start_time=start,
                end_time=dt.time(end_min // 60, end_min % 60), place="Hội trường cơ quan",
                content="Đánh giá kết quả thực hiện nhiệm vụ tháng\nTình hình tư tưởng đảng viên\n"
                        "Nhiệm vụ tháng tới",
                conclusions="Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới.",
                created_at=now, updated_at=now,
            )  # fmt: skip
            if held < PERSONS_FROM or not states.get(cell.pk):
                counted = max(len(states.get(cell.pk, ())), 3) + rng.randint(0, 4)
                mt.level_only, mt.counted_count = True, counted
                mt.present_count = counted - rng.choice((0, 0, 0, 1, 1, 2))
                if held >= rules.HD12_FROM:
                    mt.self_level = mt.level = level
                    mt.self_scored_on = held
                meetings.append(mt)
                continue
            points = _points(rng, criteria, level)
            mt.rubric_id = rubric.pk
            mt.self_score = sum(points)
            mt.self_level = mt.level = rules.level_from_score(bands, crit, points)
            late = rng.random() < 0.05
            mt.self_scored_on = (month_end + dt.timedelta(days=rng.randint(1, 9))) if late else held
            if mt.self_scored_on > as_of:
                mt.self_scored_on = as_of
            confirmed = None
            if rng.random() < 0.8 and cell.parent is not None:
                mt.confirmed_score, mt.confirmed_level = mt.self_score, mt.level
                mt.confirmed_by_id = cell.parent_id
                mt.confirmed_on = min(as_of, month_end + dt.timedelta(days=rng.randint(1, 20)))
                confirmed = list(points)
                if not disputed and mt.level == Level.GOOD and y == 2024:
                    confirmed[3] -= Decimal(6)
                    mt.confirmed_score = sum(confirmed)
                    mt.confirmed_level = mt.level = rules.level_from_score(bands, crit, confirmed)
                    mt.adjustment_reason = DISPUTE_REASON
                    disputed = True
            follower = followers.get(cell.pk)
            if follower and rng.random() < 0.2:
                mt.upper_attendee_id = follower
            mt._points = (points, confirmed)
            mt._roll = [
                (member, status) for member, since, until, status in states[cell.pk]
                if since <= held and (until is None or until > held)
            ]  # fmt: skip
            meetings.append(mt)
    ids = reserve_ids(Meeting, len(meetings))
    visit_ids = []
    for mt, pk in zip(meetings, ids, strict=True):
        mt.pk = pk
        if getattr(mt, "_roll", None) is None:
            continue
        if rng.random() < 0.12 and mt.organization_id and mt.upper_attendee_id is None:
            cell = cell_by_id[mt.organization_id]
            visit = Visit(organization_id=cell.parent_id, visited_id=cell.pk,
                          visited_on=mt.held_on, group_name="Tổ công tác của cấp ủy cấp trên",
                          created_at=now, updated_at=now)  # fmt: skip
            visits.append(visit)
            visit_ids.append(mt)
        points, confirmed = mt._points
        for i, c in enumerate(criteria):
            scores.append((pk, c.pk, points[i], confirmed[i] if confirmed else None))
        run = 0
        for member, status in mt._roll:
            mark = AttendanceStatus.PRESENT
            reason = ""
            if status == Status.EXEMPTED:
                mark, reason = AttendanceStatus.NOT_COUNTED, "Được miễn sinh hoạt đảng"
            elif (
                member in truants and mt.held_on.year == 2024 and mt.held_on.month in truant_months
            ):
                mark = AttendanceStatus.UNEXCUSED
            elif (
                member == excused_runner and mt.held_on.year == 2024 and 3 <= mt.held_on.month <= 6
            ):
                mark, reason = AttendanceStatus.EXCUSED, "Đi công tác dài ngày"
                run += 1
            else:
                r = rng.random()
                if r < 0.05:
                    mark, reason = (
                        AttendanceStatus.EXCUSED,
                        rng.choice(("Ốm", "Đi công tác", "Việc gia đình")),
                    )
                elif r < 0.058:
                    mark = AttendanceStatus.UNEXCUSED
            attendance.append((pk, member, str(mark.value), reason, False))
    # Committees visited too (the đảng bộ cơ sở and bộ phận above the cells).
    parents = sorted({c.parent_id for c in cells if c.parent_id and c.parent_id != root.pk})
    # Committees working through 2024 (``services.record_visit``: active on the day visited).
    parents = [
        p.pk for p in Organization.objects.filter(pk__in=parents).order_by("pk")
        if p.parent_id and p.dissolved_on is None and p.established_on <= dt.date(2024, 1, 10)
    ]  # fmt: skip
    for parent_id in rng.sample(parents, min(8, len(parents))):
        parent = Organization.objects.get(pk=parent_id)
        if parent.parent_id:
            visits.append(Visit(organization_id=parent.parent_id, visited_id=parent_id,
                                visited_on=dt.date(2024, rng.randint(1, 12), 10),
                                group_name="Đoàn công tác của Tỉnh ủy", created_at=now,
                                updated_at=now))  # fmt: skip
    if visits:
        for v, pk in zip(visits, reserve_ids(Visit, len(visits)), strict=True):
            v.pk = pk
        insert_objects(Visit, visits)
        for mt, v in zip(visit_ids, visits, strict=False):
            mt.visit_id = v.pk
    insert_objects(Meeting, meetings)
    # Plain rows, not model instances: most of the demo's rows are these.
    insert_rows(Attendance, ATTENDANCE_FIELDS, attendance)
    insert_rows(Score, SCORE_FIELDS, scores)
    insert_objects(Position, [
        Position(member_id=member, title=Position.Title.COMMITTEE_MEMBER, organization_id=committee,
                 started_on=since, decision_number="11-QĐ/ĐU")
        for (member, committee), since in sorted(seats.items())
    ])  # fmt: skip
    insert_objects(Assignment, assignments)
    result.meetings, result.attendance, result.scores = len(meetings), len(attendance), len(scores)
    result.visits = len(visits)
    result.striking_candidates = len(truants)
    return result
