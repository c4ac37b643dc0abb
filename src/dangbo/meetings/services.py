"""Every write of the meetings module: checks first, one transaction, derived state, one audit
entry with before/after. A refusal names the rule and the field, and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from dangbo.audit.services import record, snapshot
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date, fmt_decimal
from dangbo.core.locking import lock, save_changed, values
from dangbo.members.models import Member
from dangbo.organizations.models import CELL_KINDS, Organization

from . import rules, selectors
from .models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    Level,
    Meeting,
    MeetingKind,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Score,
    Visit,
)  # fmt: skip

# The choices' values, read once (an enum's ``values`` is rebuilt at every call; the bulk
# recording checks thousands of meetings).
KINDS = frozenset(MeetingKind.values)
LEVELS = frozenset(Level.values)
STATUSES = frozenset(AttendanceStatus.values)


@dataclass(frozen=True)
class Mark:
    """One line of the attendance list as entered."""

    member: Member
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Recorded:
    meeting: Meeting
    findings: list[rules.Finding]


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError({field: f"«{value}» không phải là số điểm."}) from None


def _check_points(rubric: Rubric, points: Sequence, field: str) -> list[Decimal]:
    criteria = list(rubric.criteria.all())
    if len(points) != len(criteria):
        raise DomainError({field: (
            f"Biểu «{rubric.name}» có {len(criteria)} tiêu chí; đã nhập {len(points)} điểm."
        )})  # fmt: skip
    values_ = [_decimal(p, field) for p in points]
    problems = rules.points_problems(
        [rules.Criterion(c.max_points, c.must_pass, c.title) for c in criteria], values_
    )
    if problems:
        raise DomainError({field: " ".join(problems[i] for i in sorted(problems))})
    return values_


def level_of(rubric: Rubric, points: Sequence[Decimal]) -> str:
    """Return the level ``points`` give under ``rubric``."""
    criteria = [rules.Criterion(c.max_points, c.must_pass, c.title) for c in rubric.criteria.all()]
    bands = [rules.Band(b.level, b.min_points, b.below_points, b.requires_must_pass)
             for b in rubric.levels.all()]  # fmt: skip
    return rules.level_from_score(bands, criteria, list(points))


def cell_closed_message(cell: Organization, held_on: dt.date) -> str:
    """Why no meeting of ``cell`` can be recorded on ``held_on`` (it did not exist that day)."""
    return (
        f"Ngày {fmt_date(held_on)} chi bộ chưa thành lập hoặc đã giải thể (thành lập "
        f"{fmt_date(cell.established_on)}"
        + (f", giải thể {fmt_date(cell.dissolved_on)}" if cell.dissolved_on else "")
        + "): không ghi được buổi sinh hoạt."
    )


def _audit(actor, action: str, target, org: Organization, **entry) -> None:
    record(actor=actor, action=action, target=target, org_path=org.path or "", **entry)


def _header_errors(
    cell: Organization, kind: str, held_on: dt.date, start_time: dt.time | None,
    end_time: dt.time | None, today: dt.date,
) -> dict[str, str]:  # fmt: skip
    """The checks of a meeting's kind, day and times (the same for one meeting or many)."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Loại sinh hoạt không hợp lệ."
    if held_on > today:
        errors["held_on"] = "Ngày sinh hoạt không được ở tương lai."
    elif not selectors.cell_existed_on(cell, held_on):
        errors["held_on"] = cell_closed_message(cell, held_on)
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = "Giờ kết thúc phải sau giờ bắt đầu."
    return errors


def _level_only_errors(
    attendance, self_level: str, counted_count: int | None, present_count: int | None
) -> dict[str, str]:
    """The checks of a meeting a cell reports by its figures and level only."""
    errors: dict[str, str] = {}
    if attendance:
        errors["attendance"] = "Bản ghi chỉ có số liệu không kèm danh sách điểm danh."
    if self_level not in LEVELS:
        errors["self_level"] = "Cần chọn xếp loại chi bộ báo cáo."
    if counted_count is not None and present_count is not None and present_count > counted_count:
        errors["present_count"] = PRESENT_ABOVE_COUNTED
    return errors


PRESENT_ABOVE_COUNTED = "Số có mặt không được lớn hơn số đảng viên phải dự."


@dataclass
class Checked:
    """A meeting checked by ``check_meeting``, not yet saved, with what it was checked against."""

    meeting: Meeting
    marks: dict[int, Mark]
    points: list[Decimal]
    roll: selectors.Roll | selectors.Listed


def check_meeting(
    *, cell: Organization, kind: str, held_on: dt.date, start_time: dt.time | None = None,
    end_time: dt.time | None = None, place: str = "", chair: Member | None = None,
    minute_taker: Member | None = None, topic: str = "", content: str = "",
    conclusions: str = "", resolution_number: str = "", documents: str = "",
    documents_sent_at: dt.datetime | None = None, guests: str = "",
    upper_attendee: Member | None = None, visit: Visit | None = None,
    attendance: Sequence[Mark] = (), self_points: Sequence | None = None, self_level: str = "",
    self_scored_on: dt.date | None = None, level_only: bool = False,
    counted_count: int | None = None, present_count: int | None = None,
    client_key: str | None = None, today: dt.date,
    roll_of: Callable[[], selectors.Roll | selectors.Listed],
    rubric_of: Callable[[], Rubric | None], in_db: bool = True,
) -> Checked:  # fmt: skip
    """The checks of ``record_meeting`` for a cell: the meeting to write (unsaved), or
    ``DomainError`` with every field's refusal. ``roll_of`` and ``rubric_of`` give the cell's list
    and the rubric in force on ``held_on`` (asked only when the checks reach them), so that
    the bulk recording checks many meetings against what it read once."""
    errors = _header_errors(cell, kind, held_on, start_time, end_time, today)
    if errors:
        raise DomainError(errors)
    if documents_sent_at is not None and timezone.is_naive(documents_sent_at):
        documents_sent_at = timezone.make_aware(documents_sent_at)

    roll = roll_of()
    listed = roll.ids
    for name, person in (("chair", chair), ("minute_taker", minute_taker)):
        if person is not None and person.pk not in listed:
            errors[name] = (
                f"{person.full_name} không sinh hoạt tại chi bộ ngày {fmt_date(held_on)}."
            )
    marks: dict[int, Mark] = {}
    for mark in attendance:
        if mark.member.pk not in listed:
            errors["attendance"] = (
                f"{mark.member.full_name} không phải đảng viên của chi bộ ngày {fmt_date(held_on)}: "
                "không điểm danh được."
            )
            break
        if mark.member.pk in marks:
            errors["attendance"] = f"{mark.member.full_name} được điểm danh hai lần."
            break
        if mark.status not in STATUSES:
            errors["attendance"] = (
                f"Tình trạng dự sinh hoạt của {mark.member.full_name} không hợp lệ."
            )
            break
        if (
            mark.status in (AttendanceStatus.EXCUSED, AttendanceStatus.NOT_COUNTED)
            and not (mark.reason or "").strip()
        ):
            errors["attendance"] = (
                f"Cần ghi lý do vắng hoặc không tính của {mark.member.full_name}."
            )
            break
        marks[mark.member.pk] = mark
    if level_only:
        errors.update(_level_only_errors(attendance, self_level, counted_count, present_count))
    elif counted_count is not None and present_count is not None and present_count > counted_count:
        errors["present_count"] = PRESENT_ABOVE_COUNTED
    if errors:
        raise DomainError(errors)

    rubric = rubric_of()
    points: list[Decimal] = []
    if self_points:
        if rubric is None:
            raise DomainError({"self_points": (
                f"Chưa có biểu chấm điểm của cấp ủy áp dụng ngày {fmt_date(held_on)}: chỉ ghi "
                "được xếp loại."
            )})  # fmt: skip
        points = _check_points(rubric, self_points, "self_points")
        computed = level_of(rubric, points)
        if self_level and self_level != computed:
            raise DomainError({"self_level": (
                f"Tổng {fmt_decimal(sum(points))} điểm theo «{rubric.name}» là mức "
                f"«{Level(computed).label}», không phải «{Level(self_level).label}»."
            )})  # fmt: skip
        self_level = computed
    elif self_level and self_level not in LEVELS:
        raise DomainError({"self_level": "Xếp loại không hợp lệ."})
    if self_level and self_scored_on is None:
        self_scored_on = held_on
    if self_scored_on is not None and self_scored_on < held_on:
        raise DomainError({"self_scored_on": "Ngày thông qua điểm không thể trước ngày sinh hoạt."})

    meeting = Meeting(
        organization=cell, kind=kind, held_on=held_on, start_time=start_time, end_time=end_time,
        place=place.strip(), chair=chair, minute_taker=minute_taker, topic=topic.strip(),
        content=content.strip(), conclusions=conclusions.strip(),
        resolution_number=resolution_number.strip(), documents=documents.strip(),
        documents_sent_at=documents_sent_at, guests=guests.strip(), upper_attendee=upper_attendee,
        visit=visit, level_only=level_only, counted_count=counted_count,
        present_count=present_count, rubric=rubric if points else None,
        self_score=sum(points) if points else None, self_level=self_level,
        self_scored_on=self_scored_on if self_level else None, level=self_level,
        client_key=client_key or None,
    )  # fmt: skip
    # Read from the database in this transaction (``in_db=False``): the rubric exists, and the
    # table's constraints were checked above; the bulk recording asks nothing per meeting.
    meeting.full_clean(
        exclude=["organization", "chair", "minute_taker", "upper_attendee", "visit",
                 *(() if in_db else ("rubric",))],
        validate_constraints=in_db,
    )  # fmt: skip
    return Checked(meeting, marks, points, roll)


@transaction.atomic
def record_meeting(
    *,
    actor,
    cell: Organization,
    kind: str,
    held_on: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
    chair: Member | None = None,
    minute_taker: Member | None = None,
    topic: str = "",
    content: str = "",
    conclusions: str = "",
    resolution_number: str = "",
    documents: str = "",
    documents_sent_at: dt.datetime | None = None,
    guests: str = "",
    upper_attendee: Member | None = None,
    visit: Visit | None = None,
    attendance: Sequence[Mark] = (),
    self_points: Sequence | None = None,
    self_level: str = "",
    self_scored_on: dt.date | None = None,
    level_only: bool = False,
    counted_count: int | None = None,
    present_count: int | None = None,
    client_key: str | None = None,
) -> Recorded:
    """Record a meeting of ``cell`` with its attendance and self-score in one call.

    Refused, writing nothing: a cell that did not exist that day, a date in the future, a kind
    that is not one, an end before the start, attendance for someone not on the cell's list,
    a member ticked twice, an absence without its reason, points above a criterion's maximum,
    a score with no rubric in force. Flagged but kept: a second regular meeting in the month.
    A resend with the same ``client_key`` returns the meeting already recorded.
    """
    lock(cell)  # one writer per cell: the month's meetings are read under the lock
    if client_key:
        existing = Meeting.objects.filter(organization=cell, client_key=client_key).first()
        if existing is not None:
            return Recorded(existing, [])
    if cell.kind not in CELL_KINDS:
        raise DomainError("Chỉ chi bộ mới ghi buổi sinh hoạt chi bộ.")
    today = timezone.localdate()
    checked = check_meeting(
        cell=cell, kind=kind, held_on=held_on, start_time=start_time, end_time=end_time,
        place=place, chair=chair, minute_taker=minute_taker, topic=topic, content=content,
        conclusions=conclusions, resolution_number=resolution_number, documents=documents,
        documents_sent_at=documents_sent_at, guests=guests, upper_attendee=upper_attendee,
        visit=visit, attendance=attendance, self_points=self_points, self_level=self_level,
        self_scored_on=self_scored_on, level_only=level_only, counted_count=counted_count,
        present_count=present_count, client_key=client_key, today=today,
        roll_of=lambda: selectors.roll_of(cell, held_on),
        rubric_of=lambda: selectors.rubric_for(cell, held_on),
    )  # fmt: skip
    meeting, marks, points, roll = checked.meeting, checked.marks, checked.points, checked.roll
    same_month = list(
        Meeting.objects.filter(organization=cell, voided_at__isnull=True,
                               held_on__year=held_on.year, held_on__month=held_on.month)
        .values_list("kind", flat=True)
    )  # fmt: skip
    meeting.save()
    Attendance.objects.bulk_create([
        Attendance(meeting=meeting, member=m.member, status=m.status, reason=m.reason.strip(),
                   transferred_in=m.member.pk in roll.transferred_in)
        for m in marks.values()
    ])  # fmt: skip
    if points:
        Score.objects.bulk_create([
            Score(meeting=meeting, criterion=c, self_points=p)
            for c, p in zip(meeting.rubric.criteria.all(), points, strict=True)
        ])  # fmt: skip
    findings = rules.regular_meeting_findings(held_on.year, held_on.month, [*same_month, kind])
    findings = [f for f in findings if f.code == "REGULAR_TWICE"]
    # The upper level's confirmation is not yet due when the cell records its meeting.
    findings += [
        f for f in selectors.meeting_findings(meeting, today=today)
        if f.code != "CONFIRMATION_LATE"
    ]  # fmt: skip
    after = snapshot(meeting)
    after["attendance"] = {str(pk): m.status for pk, m in marks.items()}
    if points:
        after["self_points"] = [str(p) for p in points]
    _audit(actor, "meetings.recorded", meeting, cell, after=after,
           note="; ".join(f.text for f in findings))  # fmt: skip
    return Recorded(meeting, findings)


@transaction.atomic
def confirm_score(
    *,
    actor,
    meeting: Meeting,
    confirmed_by: Organization,
    points: Sequence | None = None,
    level: str = "",
    reason: str = "",
    confirmed_on: dt.date | None = None,
) -> Meeting:
    """Record the upper level's score: the cell's own kept, a change explained by ``reason``."""
    original = values(lock(meeting))
    cell = meeting.organization
    if meeting.is_voided:
        raise DomainError("Buổi sinh hoạt đã bị hủy.")
    if not (cell.path or "").startswith(confirmed_by.path or "\0") or confirmed_by.pk == cell.pk:
        raise DomainError({"confirmed_by": "Chỉ cấp ủy cấp trên của chi bộ mới xác nhận điểm."})
    confirmed_on = confirmed_on or timezone.localdate()
    if confirmed_on < meeting.held_on:
        raise DomainError({"confirmed_on": "Ngày xác nhận không thể trước ngày sinh hoạt."})
    if confirmed_on > timezone.localdate():
        raise DomainError({"confirmed_on": "Ngày xác nhận không được ở tương lai."})
    reason = (reason or "").strip()
    scores = list(meeting.scores.select_related("criterion").order_by("criterion__position"))
    total = None
    if points:
        rubric = meeting.rubric or selectors.rubric_for(cell, meeting.held_on)
        if rubric is None:
            raise DomainError({"points": "Chưa có biểu chấm điểm áp dụng: chỉ xác nhận xếp loại."})
        values_ = _check_points(rubric, points, "points")
        computed = level_of(rubric, values_)
        if level and level != computed:
            raise DomainError({"level": (
                f"Tổng điểm xác nhận là mức «{Level(computed).label}», không phải "
                f"«{Level(level).label}»."
            )})  # fmt: skip
        level, total = computed, sum(values_)
        if scores and [s.self_points for s in scores] != values_ and not reason:
            raise DomainError({"reason": "Điểm xác nhận khác điểm chi bộ tự chấm: cần ghi lý do."})
    elif level not in Level.values:
        raise DomainError({"level": "Cần chọn xếp loại hoặc nhập điểm xác nhận."})
    if meeting.self_level and level != meeting.self_level and not reason:
        raise DomainError(
            {"reason": "Xếp loại xác nhận khác xếp loại chi bộ tự đánh giá: cần ghi lý do."}
        )
    before = snapshot(meeting)
    if points:
        if not scores:
            rubric = meeting.rubric or selectors.rubric_for(cell, meeting.held_on)
            meeting.rubric = rubric
            Score.objects.bulk_create([
                Score(meeting=meeting, criterion=c, self_points=Decimal(0), confirmed_points=p)
                for c, p in zip(rubric.criteria.all(), values_, strict=True)
            ])  # fmt: skip
        else:
            for s, p in zip(scores, values_, strict=True):
                s.confirmed_points = p
            Score.objects.bulk_update(scores, ["confirmed_points"])
    meeting.confirmed_score = total
    meeting.confirmed_level = level
    meeting.confirmed_on = confirmed_on
    meeting.confirmed_by = confirmed_by
    meeting.adjustment_reason = reason[:500]
    meeting.level = level
    save_changed(meeting, original, ["rubric_id", "confirmed_score", "confirmed_level",
                                     "confirmed_on", "confirmed_by_id", "adjustment_reason",
                                     "level"])  # fmt: skip
    _audit(actor, "meetings.score_confirmed", meeting, cell, before=before, after=meeting,
           note=reason)  # fmt: skip
    return meeting


@transaction.atomic
def void_meeting(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Mark a meeting entered in error as void (kept, never deleted)."""
    original = values(lock(meeting))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    if meeting.is_voided:
        raise DomainError("Buổi sinh hoạt này đã bị hủy.")
    before = snapshot(meeting)
    meeting.voided_at = timezone.now()
    meeting.voided_reason = reason[:255]
    save_changed(meeting, original, ["voided_at", "voided_reason"])
    _audit(actor, "meetings.voided", meeting, meeting.organization, before=before, after=meeting)
    return meeting


# --------------------------------------------------------------------------
# Rubrics
# --------------------------------------------------------------------------


@transaction.atomic
def create_rubric(
    *,
    actor,
    owner: Organization,
    name: str,
    source: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    criteria: Sequence[tuple[str, object, bool]],
    levels: Sequence[tuple[str, object, object | None, bool]],
    template: Rubric | None = None,
) -> Rubric:
    """Issue ``owner``'s rubric, in force for its subtree from ``valid_from``.

    ``criteria``: (title, max points, must pass); ``levels``: (level, from points, below
    points or None, requires the must-pass criteria). Refused: no criterion, thresholds that
    overlap or leave a score without level, a period overlapping another rubric of the owner.
    """
    lock(owner)
    errors: dict[str, str] = {}
    if owner.kind in CELL_KINDS:
        errors["owner"] = "Biểu chấm điểm do cấp ủy cấp trên chi bộ ban hành."
    if not (name or "").strip():
        errors["name"] = "Cần ghi tên biểu chấm điểm."
    if not (source or "").strip():
        errors["source"] = "Cần ghi văn bản ban hành."
    if valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = "Ngày hết áp dụng phải sau ngày áp dụng."
    if not criteria:
        errors["criteria"] = "Biểu chấm điểm cần ít nhất một tiêu chí."
    parsed = []
    for title, max_points, must_pass in criteria:
        value = _decimal(max_points, "criteria")
        problems = rules.criterion_problems(str(title), value)
        if problems:
            errors["criteria"] = f"Tiêu chí thứ {len(parsed) + 1}: " + " ".join(problems.values())
        parsed.append((str(title).strip(), value, bool(must_pass)))
    bands = []
    for level, low, below, requires in levels:
        if level not in Level.values:
            errors["levels"] = "Xếp loại không hợp lệ."
            break
        bands.append(rules.Band(level, _decimal(low, "levels"),
                                None if below in (None, "") else _decimal(below, "levels"),
                                bool(requires)))  # fmt: skip
    if "levels" not in errors:
        total = sum((p[1] for p in parsed), Decimal(0))
        problems = rules.band_problems(bands, total)
        if {b.level for b in bands} != set(Level.values):
            problems.append("Cần đủ ngưỡng cho bốn mức Tốt, Khá, Trung bình, Kém.")
        if problems:
            errors["levels"] = " ".join(problems)
    if errors:
        raise DomainError(errors)
    clash = (
        Rubric.objects.filter(owner=owner, voided_at__isnull=True)
        .exclude(valid_until__isnull=False, valid_until__lte=valid_from)
    )  # fmt: skip
    if valid_until is not None:
        clash = clash.filter(valid_from__lt=valid_until)
    other = clash.first()
    if other is not None:
        raise DomainError({"valid_from": (
            f"«{owner.name}» đã có biểu «{other.name}» áp dụng từ {fmt_date(other.valid_from)}"
            + (f" đến trước {fmt_date(other.valid_until)}" if other.valid_until else "")
            + ": thời gian áp dụng không được chồng nhau (ghi ngày hết áp dụng cho biểu cũ)."
        )})  # fmt: skip
    rubric = Rubric.objects.create(owner=owner, name=name.strip(), source=source.strip(),
                                   valid_from=valid_from, valid_until=valid_until,
                                   template_of=template)  # fmt: skip
    RubricCriterion.objects.bulk_create([
        RubricCriterion(rubric=rubric, position=i, title=t, max_points=m, must_pass=p)
        for i, (t, m, p) in enumerate(parsed, 1)
    ])  # fmt: skip
    RubricLevel.objects.bulk_create([
        RubricLevel(rubric=rubric, level=b.level, min_points=b.min_points,
                    below_points=b.below_points, requires_must_pass=b.requires_must_pass)
        for b in bands
    ])  # fmt: skip
    after = snapshot(rubric)
    after["criteria"] = [[t, str(m), p] for t, m, p in parsed]
    after["levels"] = [[b.level, str(b.min_points), str(b.below_points), b.requires_must_pass]
                       for b in bands]  # fmt: skip
    _audit(actor, "meetings.rubric_created", rubric, owner, after=after)
    return rubric


def adopt_rubric(
    *, actor, template: Rubric, owner: Organization, valid_from: dt.date,
    valid_until: dt.date | None = None, source: str = "",
) -> Rubric:  # fmt: skip
    """Issue a copy of ``template`` (a published rubric) as ``owner``'s own."""
    return create_rubric(
        actor=actor, owner=owner, name=template.name, source=source or template.source,
        valid_from=valid_from, valid_until=valid_until,
        criteria=[(c.title, c.max_points, c.must_pass) for c in template.criteria.all()],
        levels=[(b.level, b.min_points, b.below_points, b.requires_must_pass)
                for b in template.levels.all()],
        template=template,
    )  # fmt: skip


@transaction.atomic
def void_rubric(*, actor, rubric: Rubric, reason: str) -> Rubric:
    """Void a rubric entered in error (refused once a meeting was scored on it)."""
    original = values(lock(rubric))
    if not (reason or "").strip():
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    if rubric.is_voided:
        raise DomainError("Biểu chấm điểm này đã bị hủy.")
    if Meeting.objects.filter(rubric=rubric, voided_at__isnull=True).exists():
        raise DomainError(
            "Đã có buổi sinh hoạt chấm theo biểu này: ghi ngày hết áp dụng thay vì hủy."
        )
    before = snapshot(rubric)
    rubric.voided_at = timezone.now()
    rubric.voided_reason = reason.strip()[:255]
    save_changed(rubric, original, ["voided_at", "voided_reason"])
    _audit(actor, "meetings.rubric_voided", rubric, rubric.owner or Organization(path=""),
           before=before, after=rubric)  # fmt: skip
    return rubric


# --------------------------------------------------------------------------
# Assignments and visits
# --------------------------------------------------------------------------


@transaction.atomic
def assign_member(
    *, actor, member: Member, committee: Organization, cell: Organization,
    started_on: dt.date, decision_number: str = "",
) -> Assignment:  # fmt: skip
    """Assign a committee member to follow ``cell`` from ``started_on``: a member holding a
    post in ``committee`` that day (``rules.assignment_member_problem``)."""
    lock(cell)
    errors = {}
    if cell.kind not in CELL_KINDS:
        errors["cell"] = "Chỉ phân công phụ trách chi bộ."
    elif not (cell.path or "").startswith(committee.path or "\0") or cell.pk == committee.pk:
        errors["cell"] = f"{cell.name} không thuộc {committee.name}."
    posts = selectors.committee_posts([(member.pk, committee.pk)])[member.pk, committee.pk]
    problem = rules.assignment_member_problem(member.full_name, committee.name, posts, started_on)
    if problem:
        errors["member"] = problem
    if errors:
        raise DomainError(errors)
    if Assignment.objects.filter(member=member, cell=cell, voided_at__isnull=True,
                                 ended_on__isnull=True).exists():  # fmt: skip
        raise DomainError(
            {"member": f"{member.full_name} đang được phân công phụ trách chi bộ này."}
        )
    assignment = Assignment.objects.create(member=member, committee=committee, cell=cell,
                                           started_on=started_on,
                                           decision_number=decision_number.strip())  # fmt: skip
    _audit(actor, "meetings.assignment_made", assignment, cell, after=assignment)
    return assignment


@transaction.atomic
def end_assignment(*, actor, assignment: Assignment, ended_on: dt.date) -> Assignment:
    original = values(lock(assignment))
    if assignment.ended_on is not None:
        raise DomainError("Phân công này đã kết thúc.")
    if ended_on < assignment.started_on:
        raise DomainError({"ended_on": "Ngày kết thúc không thể trước ngày phân công."})
    before = snapshot(assignment)
    assignment.ended_on = ended_on
    save_changed(assignment, original, ["ended_on"])
    _audit(actor, "meetings.assignment_ended", assignment, assignment.cell, before=before,
           after=assignment)  # fmt: skip
    return assignment


@transaction.atomic
def record_visit(
    *, actor, organization: Organization, visited: Organization, visited_on: dt.date,
    group_name: str = "", participants: str = "", note: str = "",
) -> Visit:  # fmt: skip
    """Record the upper level (``organization``) attending a meeting of ``visited``."""
    if (
        not (visited.path or "").startswith(organization.path or "\0")
        or visited.pk == organization.pk
    ):
        raise DomainError({"visited": f"{visited.name} không thuộc {organization.name}."})
    if visited_on > timezone.localdate():
        raise DomainError({"visited_on": "Ngày dự không được ở tương lai."})
    if not selectors.cell_existed_on(visited, visited_on):
        raise DomainError(
            {"visited_on": f"Ngày {fmt_date(visited_on)} {visited.name} không hoạt động."}
        )
    visit = Visit.objects.create(organization=organization, visited=visited, visited_on=visited_on,
                                 group_name=group_name.strip(), participants=participants.strip(),
                                 note=note.strip())  # fmt: skip
    _audit(actor, "meetings.visit_recorded", visit, visited, after=visit)
    return visit


@transaction.atomic
def void_visit(*, actor, visit: Visit, reason: str) -> Visit:
    original = values(lock(visit))
    if not (reason or "").strip():
        raise DomainError({"reason": "Cần ghi lý do hủy."})
    if visit.voided_at is not None:
        raise DomainError("Lượt dự sinh hoạt này đã bị hủy.")
    before = snapshot(visit)
    visit.voided_at = timezone.now()
    visit.voided_reason = reason.strip()[:255]
    save_changed(visit, original, ["voided_at", "voided_reason"])
    _audit(actor, "meetings.visit_voided", visit, visit.visited, before=before, after=visit)
    return visit
