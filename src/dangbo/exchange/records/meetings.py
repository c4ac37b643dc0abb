"""Cell meetings (sinh hoạt chi bộ): rubrics with their criteria and level thresholds, the upper
level's visits, the committee members assigned to cells, the meetings, attendance and scores.

Rubrics travel when a committee of the file owns them, named by their owner and the day they
apply from. The published templates (owned by no committee, seeded in every installation) do
not travel: a rubric copied from one names it by its source document («Văn bản của biểu mẫu
gốc»), a stable key.

A meeting is named by its cell, day, kind and start time: two meetings of one kind on one day
are told apart by their start time (a file without the start time naming them, from before,
still names the only meeting of its cell, day and kind). What the module derives is derived again on
import, never taken from the file: the rubric in force on the meeting's day (the nearest
committee above owning one), each criterion's points placed on it, the totals, the levels from
the points and must-pass criteria, and whether an attendee was temporarily transferred in. A
meeting with no score rows keeps the levels of its row (a cell reporting only its level).
The services' rules apply to every imported record (a cell that did not exist that day,
attendance for someone not on the cell's list that day, points above a criterion's maximum,
overlapping thresholds…): each breach is an error naming the rule, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from dangbo.core.formatting import fmt_date, fmt_decimal
from dangbo.meetings import rules
from dangbo.meetings.models import (
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
)
from dangbo.meetings.selectors import cell_existed_on, committee_posts
from dangbo.meetings.services import cell_closed_message
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberState, Transfer
from dangbo.organizations.models import CELL_KINDS, Organization

from ..spec import DERIVED, Col, SheetSpec
from .base import MEMBER, ORGANIZATION, Issuer, RecordSheet, Ref
from .columns import columns_of, field_columns, naming_columns, voided_columns

CHUNK = 2000
LEVEL_LABELS = dict(Level.choices)


def _org(key: str, header: str, *, required: bool = False, help: str = "") -> Col:
    return Col(key, header, "code", required=required, field=(Organization, "code"), help=help)


def _uid(key: str, header: str, *, required: bool = False, help: str = "") -> Col:
    return Col(key, header, "uuid", required=required, width=38, help=help)


def _chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _orgs(ids: Iterable[int | None]) -> dict[int, Organization]:
    found: dict[int, Organization] = {}
    for chunk in _chunks({i for i in ids if i}):
        found.update(Organization.objects.in_bulk(chunk))
    return found


def _under(org: Organization, above: Organization) -> bool:
    """Whether ``org`` lies strictly below ``above`` in today's tree."""
    return org.pk != above.pk and bool(above.path) and (org.path or "").startswith(above.path)


class _Rubrics:
    """The committees' rubrics (not voided) with their criteria and thresholds, read once:
    which is in force for a cell on a day (``selectors.rubric_for``) and the level of points."""

    def __init__(self) -> None:
        self.rubrics = list(
            Rubric.objects.filter(owner__isnull=False, voided_at__isnull=True)
            .select_related("owner")
            .prefetch_related("criteria", "levels")
        )
        self.by_pk = {r.pk: r for r in self.rubrics}

    def in_force(self, cell: Organization, on: dt.date) -> Rubric | None:
        candidates = [
            r for r in self.rubrics
            if r.valid_from <= on and (r.valid_until is None or r.valid_until > on)
            and r.owner.path and (cell.path or "").startswith(r.owner.path)
        ]  # fmt: skip
        if not candidates:
            return None
        return max(candidates, key=lambda r: (r.owner.depth, r.valid_from, r.pk))

    @staticmethod
    def criteria(rubric: Rubric) -> list[rules.Criterion]:
        return [rules.Criterion(c.max_points, c.must_pass, c.title) for c in rubric.criteria.all()]

    def level(self, rubric: Rubric, points: list[Decimal]) -> str:
        bands = [rules.Band(b.level, b.min_points, b.below_points, b.requires_must_pass)
                 for b in rubric.levels.all()]  # fmt: skip
        return rules.level_from_score(bands, self.criteria(rubric), points)


# -- rubrics ----------------------------------------------------------------------------------

RUBRIC_NAME = ("owner", "valid_from")
RUBRICS_SPEC = SheetSpec(
    key="meeting_rubrics",
    title="Biểu chấm điểm sinh hoạt",
    description=(
        "Biểu chấm điểm chất lượng sinh hoạt chi bộ do cấp ủy trong tệp ban hành, áp dụng cho "
        "các chi bộ trực thuộc từ ngày áp dụng (kể cả biểu của các cấp ủy ở trên cây xuất, để "
        "tham chiếu: biểu áp dụng cho các chi bộ của cây); tiêu chí ở sheet «Tiêu chí chấm điểm», ngưỡng "
        "xếp loại ở sheet «Ngưỡng xếp loại». Biểu mẫu công bố (không thuộc cấp ủy nào, có sẵn "
        "trong mọi hệ thống) không xuất ra: biểu sao từ biểu mẫu gọi biểu mẫu bằng văn bản ban "
        "hành của nó. Khi nhập, ngưỡng xếp loại và thời gian áp dụng được kiểm tra như khi cấp "
        "ủy ban hành biểu trên hệ thống."
    ),
    natural_key="Mã cấp ủy ban hành + Áp dụng từ ngày (+ thứ tự xuất hiện khi trùng)",
    order="theo mã cấp ủy ban hành, rồi ngày áp dụng",
    columns=(
        _org("owner", "Mã cấp ủy ban hành", required=True),
        *columns_of(Rubric, "name", "source", "valid_from", "valid_until"),
        Col(
            "template",
            "Văn bản của biểu mẫu gốc",
            field=(Rubric, "source"),
            width=30,
            help="Biểu mẫu công bố mà biểu này sao từ, gọi bằng văn bản ban hành của biểu mẫu; "
            "trống: biểu do cấp ủy tự xây dựng.",
        ),
        *voided_columns(Rubric),
    ),
)


def _template_row(rubric: Rubric) -> Mapping[str, Any]:
    return {"template": rubric.template_of.source if rubric.template_of_id else ""}


def _link_template(rubric: Rubric, values: Mapping[str, Any]) -> None:
    source = values.get("template")
    if source:
        rubric.template_of_id = (
            Rubric.objects.filter(owner__isnull=True, source=source)
            .order_by("voided_at", "pk").values_list("pk", flat=True).first()
        )  # fmt: skip


def _verify_rubrics(records: list[tuple[Rubric, Mapping[str, Any]]], issue: Issuer) -> None:
    """``services.create_rubric``'s rules: issued above the cells, thresholds for the four
    levels covering 0 to the total without overlapping, no overlap with the owner's others."""
    owners = _orgs(r.owner_id for r, _ in records)
    for index, (rubric, values) in enumerate(records):
        owner = owners[rubric.owner_id]
        if owner.kind in CELL_KINDS:
            issue(index, "owner", "Biểu chấm điểm do cấp ủy cấp trên chi bộ ban hành.")
        if values.get("template") and rubric.template_of_id is None:
            issue(index, "template", (
                "Không có biểu mẫu công bố nào có văn bản ban hành này trong hệ thống."
            ))  # fmt: skip
        criteria = list(RubricCriterion.objects.filter(rubric=rubric))
        levels = list(RubricLevel.objects.filter(rubric=rubric))
        if not criteria:
            issue(index, "name", "Biểu chấm điểm cần ít nhất một tiêu chí (sheet «Tiêu chí "
                                 "chấm điểm»).")  # fmt: skip
        problems = rules.band_problems(
            [rules.Band(b.level, b.min_points, b.below_points, b.requires_must_pass)
             for b in levels],
            sum((c.max_points for c in criteria), Decimal(0)),
        )  # fmt: skip
        if {b.level for b in levels} != set(Level.values):
            problems.append("Cần đủ ngưỡng cho bốn mức Tốt, Khá, Trung bình, Kém.")
        if problems:
            issue(index, "name", "Ngưỡng xếp loại (sheet «Ngưỡng xếp loại»): " + " ".join(problems))
        if rubric.voided_at is not None:
            continue
        clash = (
            Rubric.objects.filter(owner_id=rubric.owner_id, voided_at__isnull=True)
            .exclude(pk=rubric.pk)
            .exclude(valid_until__isnull=False, valid_until__lte=rubric.valid_from)
        )
        if rubric.valid_until is not None:
            clash = clash.filter(valid_from__lt=rubric.valid_until)
        other = clash.order_by("valid_from", "pk").first()
        if other is not None:
            issue(index, "valid_from", (
                f"«{owner.name}» đã có biểu «{other.name}» áp dụng từ {fmt_date(other.valid_from)}"
                + (f" đến trước {fmt_date(other.valid_until)}" if other.valid_until else "")
                + ": thời gian áp dụng không được chồng nhau."
            ))  # fmt: skip


RUBRICS = RecordSheet(
    spec=RUBRICS_SPEC,
    model=Rubric,
    key=RUBRIC_NAME,
    owners=("owner",),
    refs=(Ref("owner", "owner", ORGANIZATION),),
    noun="Biểu chấm điểm",
    checks=(
        lambda v: (
            [("valid_until", "Ngày hết áp dụng phải sau ngày áp dụng.")]
            if v.get("valid_until") and v.get("valid_from") and v["valid_until"] <= v["valid_from"]
            else []
        ),
    ),
    extra_row=_template_row,
    complete=_link_template,
    verify=_verify_rubrics,
    from_above=True,
    checked_constraints=("rubric_valid_until_after_from",),
    select_related=("template_of",),
    not_carried=("template_of",),  # as "template", the source document of the template
)

RUBRIC_SUFFIX = "biểu chấm điểm"
RUBRIC_KEY_TEXT = "Mã cấp ủy ban hành + Áp dụng từ ngày của biểu chấm điểm"


def _rubric_columns() -> tuple[Col, ...]:
    return naming_columns(
        RUBRICS_SPEC, RUBRIC_NAME, prefix="rubric", suffix=RUBRIC_SUFFIX, required=True
    )


def _rubric_ref() -> Ref:
    return Ref(
        "rubric_owner",
        "rubric",
        RUBRICS_SPEC.key,
        columns=tuple(f"rubric_{k}" for k in RUBRIC_NAME),
    )


RUBRIC_CRITERIA = RecordSheet(
    spec=SheetSpec(
        key="rubric_criteria",
        title="Tiêu chí chấm điểm",
        description=(
            "Các tiêu chí của mỗi biểu chấm điểm: thứ tự, tên, điểm tối đa, có bắt buộc đạt điểm "
            "tối đa không. Biểu được gọi bằng hai cột «(biểu chấm điểm)»."
        ),
        natural_key=f"{RUBRIC_KEY_TEXT} + Thứ tự",
        order="theo biểu chấm điểm, rồi thứ tự",
        columns=(
            *_rubric_columns(),
            *columns_of(RubricCriterion, "position", "title", "max_points", "must_pass"),
        ),
    ),
    model=RubricCriterion,
    key=(*(f"rubric_{k}" for k in RUBRIC_NAME), "position"),
    owners=("rubric_owner",),
    refs=(_rubric_ref(),),
    noun="Tiêu chí chấm điểm",
    checked_constraints=("criterion_max_positive",),
    # ``services.create_rubric``'s check of a criterion (an empty cell is refused as such).
    checks=(
        lambda v: [
            (column, message)
            for column, message in rules.criterion_problems(
                v.get("title"), v.get("max_points")
            ).items()
            if v.get(column) not in (None, "")
        ],
    ),
)

RUBRIC_LEVELS = RecordSheet(
    spec=SheetSpec(
        key="rubric_levels",
        title="Ngưỡng xếp loại",
        description=(
            "Ngưỡng điểm của từng mức xếp loại trong mỗi biểu chấm điểm: từ điểm, đến dưới điểm "
            "(trống: không giới hạn trên), có phải đạt tối đa các tiêu chí bắt buộc không (không "
            "đạt thì xuống mức liền dưới). Các ngưỡng không được chồng nhau và phải phủ từ 0 đến "
            "tổng điểm tối đa."
        ),
        natural_key=f"{RUBRIC_KEY_TEXT} + Mã xếp loại",
        order="theo biểu chấm điểm, rồi mã xếp loại",
        columns=(
            *_rubric_columns(),
            *columns_of(RubricLevel, "level", "min_points", "below_points", "requires_must_pass"),
        ),
    ),
    model=RubricLevel,
    key=(*(f"rubric_{k}" for k in RUBRIC_NAME), "level"),
    owners=("rubric_owner",),
    refs=(_rubric_ref(),),
    noun="Ngưỡng xếp loại",
)

# -- visits and assignments ---------------------------------------------------------------------

VISIT_NAME = ("organization", "visited", "visited_on")
VISITS_SPEC = SheetSpec(
    key="meeting_visits",
    title="Cấp trên dự sinh hoạt",
    description=(
        "Các lượt cấp ủy cấp trên (tổ công tác, đoàn công tác) dự sinh hoạt của một chi bộ "
        "hoặc một cấp ủy cấp dưới. Tổ chức được dự phải thuộc cấp ủy cử đi và đang hoạt động "
        "ngày dự."
    ),
    natural_key="Mã cấp ủy cử đi + Mã tổ chức được dự + Ngày dự (+ thứ tự xuất hiện khi trùng)",
    order="theo mã cấp ủy cử đi, mã tổ chức được dự, rồi ngày dự",
    columns=(
        _org("organization", "Mã cấp ủy cử đi", required=True),
        _org("visited", "Mã tổ chức được dự", required=True),
        *columns_of(Visit, "visited_on", "group_name", "participants", "note"),
        *voided_columns(Visit),
    ),
)


def _verify_visits(records: list[tuple[Visit, Mapping[str, Any]]], issue: Issuer) -> None:
    """``services.record_visit``'s rules: the visited organization lies under the one sending,
    existed that day, and the day is not in the future."""
    orgs = _orgs(i for v, _ in records for i in (v.organization_id, v.visited_id))
    today = timezone.localdate()
    for index, (visit, _) in enumerate(records):
        sender, visited = orgs[visit.organization_id], orgs[visit.visited_id]
        if not _under(visited, sender):
            issue(index, "visited", f"{visited.name} không thuộc {sender.name}.")
        if visit.visited_on > today:
            issue(index, "visited_on", "Ngày dự không được ở tương lai.")
        elif not cell_existed_on(visited, visit.visited_on):
            issue(index, "visited_on",
                  f"Ngày {fmt_date(visit.visited_on)} {visited.name} không hoạt động.")  # fmt: skip


VISITS = RecordSheet(
    spec=VISITS_SPEC,
    model=Visit,
    key=VISIT_NAME,
    owners=("visited", "organization"),
    refs=(
        Ref("organization", "organization", ORGANIZATION),
        Ref("visited", "visited", ORGANIZATION),
    ),
    noun="Lượt dự sinh hoạt",
    verify=_verify_visits,
)


def _verify_assignments(records: list[tuple[Assignment, Mapping[str, Any]]], issue: Issuer) -> None:
    """``services.assign_member``'s rules: a cell, under the committee; a member holding a
    post in the committee on the first day (``rules.assignment_member_problem``)."""
    orgs = _orgs(i for a, _ in records for i in (a.committee_id, a.cell_id))
    posts = committee_posts((a.member_id, a.committee_id) for a, _ in records)
    names = _names(a.member_id for a, _ in records)
    for index, (assignment, _) in enumerate(records):
        cell, committee = orgs[assignment.cell_id], orgs[assignment.committee_id]
        if cell.kind not in CELL_KINDS:
            issue(index, "cell", "Chỉ phân công phụ trách chi bộ.")
        elif not _under(cell, committee):
            issue(index, "cell", f"{cell.name} không thuộc {committee.name}.")
        problem = rules.assignment_member_problem(
            names.get(assignment.member_id, ""), committee.name,
            posts.get((assignment.member_id, assignment.committee_id), ()), assignment.started_on,
        )  # fmt: skip
        if problem:
            issue(index, "member", problem)


ASSIGNMENTS = RecordSheet(
    spec=SheetSpec(
        key="meeting_assignments",
        title="Phân công phụ trách chi bộ",
        description=(
            "Cấp ủy viên được phân công phụ trách chi bộ (phân công cấp ủy viên phụ trách), từ "
            "ngày, đến ngày. Chi bộ phải thuộc cấp ủy phân công; người được phân công giữ chức vụ "
            "trong cấp ủy đó (bí thư, phó bí thư, ủy viên ban thường vụ, cấp ủy viên) vào ngày "
            "bắt đầu phân công (sheet «Chức vụ»)."
        ),
        natural_key="Mã hồ sơ cấp ủy viên + Mã chi bộ phụ trách + Từ ngày (+ thứ tự xuất hiện khi trùng)",
        order="theo mã hồ sơ cấp ủy viên, mã chi bộ, rồi từ ngày",
        columns=(
            _uid("member", "Mã hồ sơ cấp ủy viên (UID)", required=True),
            _org("committee", "Mã cấp ủy", required=True),
            _org("cell", "Mã chi bộ phụ trách", required=True),
            *columns_of(Assignment, "started_on", "ended_on", "decision_number"),
            *voided_columns(Assignment),
        ),
    ),
    model=Assignment,
    key=("member", "cell", "started_on"),
    owners=("cell",),
    refs=(
        Ref("member", "member", MEMBER),
        Ref("committee", "committee", ORGANIZATION),
        Ref("cell", "cell", ORGANIZATION),
    ),
    noun="Phân công phụ trách",
    checked_constraints=("assignment_ends_after_start",),
    checks=(
        lambda v: (
            [("ended_on", "Ngày kết thúc không thể trước ngày phân công.")]
            if v.get("ended_on") and v.get("started_on") and v["ended_on"] < v["started_on"]
            else []
        ),
    ),
    verify=_verify_assignments,
)

# -- meetings ------------------------------------------------------------------------------------

MEETING_NAME = ("organization", "held_on", "kind")
# How the attendance and score rows name a meeting: with its start time too.
MEETING_REF = (*MEETING_NAME, "start_time")
MEETINGS_SPEC = SheetSpec(
    key="meetings",
    title="Sinh hoạt chi bộ",
    description=(
        "Các buổi sinh hoạt chi bộ, mỗi buổi một dòng: loại, ngày, giờ, địa điểm, chủ trì, thư "
        "ký, nội dung, kết luận, tài liệu, khách mời, cấp trên dự, xếp loại. Điểm từng tiêu chí "
        "ở sheet «Điểm sinh hoạt», điểm danh ở sheet «Dự sinh hoạt». Khi nhập, biểu chấm điểm "
        "áp dụng, tổng điểm và xếp loại được tính lại từ điểm từng tiêu chí theo biểu đang áp "
        "dụng ngày sinh hoạt (không lấy từ tệp); buổi không có dòng điểm (chi bộ chỉ báo cáo số "
        "liệu và xếp loại) giữ xếp loại ghi trên dòng. Thời điểm gửi tài liệu được ghi đến "
        "phút (giờ Việt Nam)."
    ),
    natural_key="Mã chi bộ + Ngày sinh hoạt + Mã loại sinh hoạt (+ thứ tự xuất hiện khi trùng)",
    order="theo mã chi bộ, ngày sinh hoạt, loại sinh hoạt",
    columns=(
        _org("organization", "Mã chi bộ", required=True),
        *columns_of(Meeting, "kind", "held_on", "start_time", "end_time", "place"),
        _uid("chair", "Mã hồ sơ chủ trì (UID)"),
        _uid("minute_taker", "Mã hồ sơ thư ký (UID)"),
        *columns_of(
            Meeting,
            "topic",
            "content",
            "conclusions",
            "resolution_number",
            "documents",
        ),
        *field_columns(
            Meeting,
            "documents_sent_at",
            kind="datetime",
            help="Đến phút, giờ Việt Nam (giây làm tròn lên phút): tài liệu phải gửi ít nhất "
            "1 ngày trước giờ bắt đầu.",
        ),
        *columns_of(Meeting, "guests"),
        _uid("upper_attendee", "Mã hồ sơ cấp ủy viên cấp trên dự (UID)"),
        *naming_columns(VISITS_SPEC, VISIT_NAME, prefix="visit", suffix="tổ công tác dự"),
        *columns_of(Meeting, "level_only", "counted_count", "present_count"),
        *field_columns(
            Meeting,
            "self_level",
            help="Với buổi có điểm: tính từ điểm tự chấm (phải khớp nếu ghi).",
        ),
        *columns_of(Meeting, "self_scored_on"),
        *columns_of(Meeting, "self_score", role=DERIVED),
        *field_columns(
            Meeting,
            "confirmed_level",
            help="Với buổi có điểm cấp trên: tính từ điểm cấp trên (phải khớp nếu ghi).",
        ),
        *columns_of(Meeting, "confirmed_on"),
        _org("confirmed_by", "Mã cấp ủy xác nhận"),
        *columns_of(Meeting, "adjustment_reason"),
        *columns_of(Meeting, "confirmed_score", "level", role=DERIVED),
        *voided_columns(Meeting),
    ),
)


def _meetings_of(ids: Iterable[int]) -> dict[int, Meeting]:
    found: dict[int, Meeting] = {}
    for chunk in _chunks(set(ids)):
        found.update(Meeting.objects.select_related("organization").in_bulk(chunk))
    return found


def _scores_by_meeting(ids: Iterable[int]) -> dict[int, list[Score]]:
    found: dict[int, list[Score]] = defaultdict(list)
    for chunk in _chunks(set(ids)):
        for score in (
            Score.objects.filter(meeting_id__in=chunk).select_related("criterion")
            .order_by("meeting_id", "criterion__position")
        ):  # fmt: skip
            found[score.meeting_id].append(score)
    return found


def _refresh_meetings(meetings: list[Meeting]) -> None:
    """Derive the rubric, totals and levels of each meeting from its score rows."""
    rubrics = _Rubrics()
    scores = _scores_by_meeting(m.pk for m in meetings)
    fields = [
        "rubric_id",
        "self_score",
        "self_level",
        "confirmed_score",
        "confirmed_level",
        "level",
    ]
    changed: dict[tuple, list[int]] = defaultdict(list)
    for meeting in meetings:
        before = tuple(getattr(meeting, f) for f in fields)
        rows = scores.get(meeting.pk, [])
        meeting.rubric_id = None
        meeting.self_score = meeting.confirmed_score = None
        if rows:
            rubric = rubrics.by_pk.get(rows[0].criterion.rubric_id) or Rubric.objects.get(
                pk=rows[0].criterion.rubric_id
            )
            meeting.rubric_id = rubric.pk
            complete = len(rows) == len(rubric.criteria.all())
            own = [s.self_points for s in rows]
            upper = [s.confirmed_points for s in rows]
            # Points the upper level gave a meeting the cell reported only its level for.
            only_upper = all(p == 0 for p in own) and all(p is not None for p in upper)
            if complete and not only_upper:
                meeting.self_score = sum(own, Decimal(0))
                meeting.self_level = rubrics.level(rubric, own)
            if complete and all(p is not None for p in upper):
                meeting.confirmed_score = sum(upper, Decimal(0))
                meeting.confirmed_level = rubrics.level(rubric, upper)
        meeting.level = meeting.confirmed_level or meeting.self_level
        after = tuple(getattr(meeting, f) for f in fields)
        if after != before:
            changed[after].append(meeting.pk)
    # One statement per set of values (few: the levels and totals repeat), not one per row.
    for after, ids in changed.items():
        for chunk in _chunks(ids):
            Meeting.objects.filter(pk__in=chunk).update(**dict(zip(fields, after, strict=True)))


def _verify_meetings(records: list[tuple[Meeting, Mapping[str, Any]]], issue: Issuer) -> None:
    """``services.record_meeting`` and ``confirm_score``'s rules."""
    orgs = _orgs(i for m, _ in records for i in (m.organization_id, m.confirmed_by_id))
    today = timezone.localdate()
    rolls = _Rolls([(m.organization_id, m.held_on) for m, _ in records])
    people = _names(i for m, _ in records for i in (m.chair_id, m.minute_taker_id))
    rubrics = _Rubrics()
    for index, (meeting, values) in enumerate(records):
        cell = orgs[meeting.organization_id]
        if cell.kind not in CELL_KINDS:
            issue(index, "organization", "Chỉ chi bộ mới ghi buổi sinh hoạt chi bộ.")
            continue
        if meeting.held_on > today:
            issue(index, "held_on", "Ngày sinh hoạt không được ở tương lai.")
        elif not cell_existed_on(cell, meeting.held_on):
            issue(index, "held_on", cell_closed_message(cell, meeting.held_on))
        if meeting.start_time and meeting.end_time and meeting.end_time <= meeting.start_time:
            issue(index, "end_time", "Giờ kết thúc phải sau giờ bắt đầu.")
        listed = rolls.listed(meeting.organization_id, meeting.held_on)
        for column in ("chair", "minute_taker"):
            person = getattr(meeting, f"{column}_id")
            if person is not None and person not in listed:
                issue(index, column, (
                    f"{people.get(person, '')} không sinh hoạt tại chi bộ ngày "
                    f"{fmt_date(meeting.held_on)}."
                ))  # fmt: skip
        if meeting.self_scored_on is not None and meeting.self_scored_on < meeting.held_on:
            issue(index, "self_scored_on", "Ngày thông qua điểm không thể trước ngày sinh hoạt.")
        if meeting.confirmed_on is not None:
            if meeting.confirmed_on < meeting.held_on:
                issue(index, "confirmed_on", "Ngày xác nhận không thể trước ngày sinh hoạt.")
            elif meeting.confirmed_on > today:
                issue(index, "confirmed_on", "Ngày xác nhận không được ở tương lai.")
        if meeting.confirmed_by_id and not _under(cell, orgs[meeting.confirmed_by_id]):
            issue(index, "confirmed_by", "Chỉ cấp ủy cấp trên của chi bộ mới xác nhận điểm.")
        if (meeting.confirmed_level or meeting.confirmed_on) and not meeting.confirmed_by_id:
            issue(index, "confirmed_by", "Điểm, xếp loại cấp trên xác nhận cần cấp ủy xác nhận.")
        if (
            meeting.self_level and meeting.confirmed_level
            and meeting.confirmed_level != meeting.self_level
            and not meeting.adjustment_reason.strip()
        ):  # fmt: skip
            issue(index, "adjustment_reason", (
                "Xếp loại xác nhận khác xếp loại chi bộ tự đánh giá: cần ghi lý do."
            ))  # fmt: skip
        if meeting.rubric_id is None:
            continue
        rubric = rubrics.by_pk.get(meeting.rubric_id)
        for column, stated, derived in (
            ("self_level", values.get("self_level"), meeting.self_level),
            ("confirmed_level", values.get("confirmed_level"), meeting.confirmed_level),
        ):
            if stated and derived and stated != derived:
                issue(index, column, (
                    f"Theo điểm từng tiêu chí và biểu «{rubric.name if rubric else ''}» thì "
                    f"xếp loại là «{LEVEL_LABELS[derived]}», không phải «{LEVEL_LABELS[stated]}»."
                ))  # fmt: skip


MEETINGS = RecordSheet(
    spec=MEETINGS_SPEC,
    model=Meeting,
    key=MEETING_NAME,
    ref_key=MEETING_REF,
    ref_optional=("start_time",),
    owners=("organization",),
    refs=(
        Ref("organization", "organization", ORGANIZATION),
        Ref("chair", "chair", MEMBER),
        Ref("minute_taker", "minute_taker", MEMBER),
        Ref("upper_attendee", "upper_attendee", MEMBER),
        Ref(
            "visit_visited_on",
            "visit",
            VISITS_SPEC.key,
            columns=tuple(f"visit_{k}" for k in VISIT_NAME),
        ),
        Ref("confirmed_by", "confirmed_by", ORGANIZATION),
    ),
    noun="Buổi sinh hoạt",
    checked_constraints=("meeting_present_within_counted",),
    checks=(
        lambda v: (
            [("present_count", "Số có mặt không được lớn hơn số đảng viên phải dự.")]
            if v.get("present_count") is not None
            and v.get("counted_count") is not None
            and v["present_count"] > v["counted_count"]
            else []
        ),
        lambda v: (
            [("adjustment_reason", "Có lý do điều chỉnh thì cần cấp ủy xác nhận.")]
            if v.get("adjustment_reason") and not v.get("confirmed_by")
            else []
        ),
    ),
    refresh=_refresh_meetings,
    verify=_verify_meetings,
    # The rubric is the one in force on the meeting's day; the client's key stays with it.
    not_carried=("rubric", "client_key"),
    choice_lists=(
        ("Mã loại sinh hoạt", MeetingKind),
        ("Mã xếp loại (sinh hoạt, ngưỡng xếp loại)", Level),
    ),
)

MEETING_SUFFIX = "buổi sinh hoạt"
MEETING_KEY_TEXT = "Mã chi bộ + Ngày sinh hoạt + Mã loại sinh hoạt + Bắt đầu của buổi sinh hoạt"


def _meeting_columns() -> tuple[Col, ...]:
    columns = naming_columns(
        MEETINGS_SPEC, MEETING_REF, prefix="meeting", suffix=MEETING_SUFFIX, required=True
    )
    return tuple(
        replace(c, help=(
            "Giờ bắt đầu của buổi sinh hoạt, để phân biệt hai buổi cùng loại trong một ngày "
            "của chi bộ; trống: buổi duy nhất cùng loại trong ngày."
        )) if c.key == "meeting_start_time" else c
        for c in columns
    )  # fmt: skip


def _meeting_ref() -> Ref:
    return Ref(
        "meeting_held_on", "meeting", MEETINGS_SPEC.key,
        columns=tuple(f"meeting_{k}" for k in MEETING_REF),
    )  # fmt: skip


# -- attendance ------------------------------------------------------------------------------


def _names(ids: Iterable[int | None]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks({i for i in ids if i}):
        found.update(Member.objects.filter(pk__in=chunk).values_list("pk", "full_name"))
    return found


class _Rolls:
    """The attendance lists of cells on days, read in one pass (``selectors.roll_of``): the
    members active in the cell that day, and those temporarily transferred in."""

    def __init__(self, pairs: list[tuple[int, dt.date]]) -> None:
        cells = {c for c, _ in pairs}
        self.states: dict[int, list[tuple]] = defaultdict(list)
        self.temporary: dict[int, list[tuple]] = defaultdict(list)
        for chunk in _chunks(cells):
            for row in MemberState.objects.filter(
                organization_id__in=chunk, status__in=ACTIVE_STATUSES,
                member__voided_at__isnull=True,
            ).values_list("organization_id", "member_id", "valid_from", "valid_until"):  # fmt: skip
                self.states[row[0]].append(row[1:])
            for row in Transfer.objects.filter(
                kind=Transfer.Kind.TEMPORARY, to_organization_id__in=chunk,
                voided_at__isnull=True, cancelled_on__isnull=True, planned_from__isnull=False,
                member__voided_at__isnull=True,
            ).values_list("to_organization_id", "member_id", "planned_from", "returned_on"):  # fmt: skip
                self.temporary[row[0]].append(row[1:])
        self._cache: dict[tuple[int, dt.date], tuple[set[int], set[int]]] = {}

    def _of(self, cell: int, on: dt.date) -> tuple[set[int], set[int]]:
        key = (cell, on)
        if key not in self._cache:
            members = {
                m for m, since, until in self.states.get(cell, ())
                if since <= on and (until is None or until > on)
            }  # fmt: skip
            visiting = {
                m for m, since, back in self.temporary.get(cell, ())
                if since <= on and (back is None or back > on)
            }  # fmt: skip
            self._cache[key] = (members | visiting, visiting - members)
        return self._cache[key]

    def listed(self, cell: int, on: dt.date) -> set[int]:
        return self._of(cell, on)[0]

    def transferred_in(self, cell: int, on: dt.date) -> set[int]:
        return self._of(cell, on)[1]


def _refresh_attendance(rows: list[Attendance]) -> None:
    """Whether each attendee was temporarily transferred in, from the cell's list that day."""
    meetings = _meetings_of(a.meeting_id for a in rows)
    rolls = _Rolls([(m.organization_id, m.held_on) for m in meetings.values()])
    changed: dict[bool, list[int]] = defaultdict(list)
    for row in rows:
        meeting = meetings[row.meeting_id]
        value = row.member_id in rolls.transferred_in(meeting.organization_id, meeting.held_on)
        if value != row.transferred_in:
            row.transferred_in = value
            changed[value].append(row.pk)
    for value, ids in changed.items():
        for chunk in _chunks(ids):
            Attendance.objects.filter(pk__in=chunk).update(transferred_in=value)


def _verify_attendance(records: list[tuple[Attendance, Mapping[str, Any]]], issue: Issuer) -> None:
    """``services.record_meeting``'s rules for the list: only the cell's members that day, and
    no list for a meeting reported only by its figures."""
    meetings = _meetings_of(a.meeting_id for a, _ in records)
    rolls = _Rolls([(m.organization_id, m.held_on) for m in meetings.values()])
    names = _names(a.member_id for a, _ in records)
    for index, (row, _) in enumerate(records):
        meeting = meetings[row.meeting_id]
        if meeting.level_only:
            issue(index, "meeting_held_on",
                  "Bản ghi chỉ có số liệu không kèm danh sách điểm danh.")  # fmt: skip
        if row.member_id not in rolls.listed(meeting.organization_id, meeting.held_on):
            issue(index, "member", (
                f"{names.get(row.member_id, '')} không phải đảng viên của chi bộ ngày "
                f"{fmt_date(meeting.held_on)}: không điểm danh được."
            ))  # fmt: skip


ATTENDANCE = RecordSheet(
    spec=SheetSpec(
        key="meeting_attendance",
        title="Dự sinh hoạt",
        description=(
            "Điểm danh từng đảng viên ở mỗi buổi sinh hoạt: có mặt, vắng có lý do, vắng không lý "
            "do, không tính. Buổi sinh hoạt được gọi bằng bốn cột «(buổi sinh hoạt)» (giờ bắt "
            "đầu phân biệt hai buổi cùng loại trong một ngày). Chỉ điểm danh "
            "được đảng viên sinh hoạt tại chi bộ ngày đó (kể cả sinh hoạt tạm thời); cột «Sinh "
            "hoạt tạm thời» được tính lại khi nhập."
        ),
        natural_key=f"{MEETING_KEY_TEXT} + Mã hồ sơ đảng viên",
        order="theo buổi sinh hoạt, rồi mã hồ sơ đảng viên",
        columns=(
            *_meeting_columns(),
            _uid("member", "Mã hồ sơ đảng viên (UID)", required=True),
            *columns_of(Attendance, "status", "reason"),
            *columns_of(Attendance, "transferred_in", role=DERIVED),
        ),
    ),
    model=Attendance,
    key=(*(f"meeting_{k}" for k in MEETING_REF), "member"),
    owners=("meeting_held_on",),
    refs=(_meeting_ref(), Ref("member", "member", MEMBER)),
    noun="Điểm danh",
    select_related=("member",),
    checks=(
        lambda v: (
            [("reason", "Cần ghi lý do vắng hoặc không tính.")]
            if v.get("status") in (AttendanceStatus.EXCUSED, AttendanceStatus.NOT_COUNTED)
            and not (v.get("reason") or "").strip()
            else []
        ),
    ),
    refresh=_refresh_attendance,
    verify=_verify_attendance,
    choice_lists=(("Mã dự sinh hoạt", AttendanceStatus),),
)

# -- scores ----------------------------------------------------------------------------------


def _criterion_row(score: Score) -> Mapping[str, Any]:
    return {"criterion": score.criterion.position}


def _place_scores(objs: list[Score], values: list[Mapping[str, Any]], issue: Issuer) -> set[int]:
    """Put each row's points on the criterion of that number in the rubric in force for the
    meeting's cell on its day; refuse points above the criterion's maximum."""
    meetings = _meetings_of(s.meeting_id for s in objs)
    rubrics = _Rubrics()
    refused: set[int] = set()
    for index, (score, row) in enumerate(zip(objs, values, strict=True)):
        meeting = meetings[score.meeting_id]
        rubric = rubrics.in_force(meeting.organization, meeting.held_on)
        if rubric is None:
            issue(index, "criterion", (
                f"Chưa có biểu chấm điểm của cấp ủy áp dụng ngày {fmt_date(meeting.held_on)} cho "
                f"{meeting.organization.name}: chỉ ghi được xếp loại."
            ))  # fmt: skip
            refused.add(index)
            continue
        criterion = next(
            (c for c in rubric.criteria.all() if c.position == row.get("criterion")), None
        )
        if criterion is None:
            issue(index, "criterion", (
                f"Biểu «{rubric.name}» có {len(rubric.criteria.all())} tiêu chí; không có tiêu chí "
                f"thứ {row.get('criterion')}."
            ))  # fmt: skip
            refused.add(index)
            continue
        score.criterion_id = criterion.pk
        for column in ("self_points", "confirmed_points"):
            value = getattr(score, column)
            if value is not None and value > criterion.max_points:
                issue(index, column, (
                    f"Điểm tiêu chí «{criterion.title}» ({fmt_decimal(value)}) vượt điểm tối đa "
                    f"{fmt_decimal(criterion.max_points)}."
                ))  # fmt: skip
    return refused


def _verify_scores(records: list[tuple[Score, Mapping[str, Any]]], issue: Issuer) -> None:
    """Every criterion scored once; the upper level's points for all or none, and a reason
    when they differ from the cell's."""
    by_meeting: dict[int, list[int]] = defaultdict(list)
    for index, (score, _) in enumerate(records):
        by_meeting[score.meeting_id].append(index)
    meetings = _meetings_of(by_meeting)
    scores = _scores_by_meeting(by_meeting)
    counts = dict(
        RubricCriterion.objects.filter(
            rubric_id__in={m.rubric_id for m in meetings.values() if m.rubric_id}
        ).order_by().values("rubric_id").annotate(n=Count("pk")).values_list("rubric_id", "n")
    )  # fmt: skip
    for meeting_id, indexes in by_meeting.items():
        meeting, rows = meetings[meeting_id], scores[meeting_id]
        first = indexes[0]
        if meeting.level_only:
            issue(first, "meeting_held_on",
                  "Bản ghi chỉ có số liệu và xếp loại không kèm điểm từng tiêu chí.")  # fmt: skip
        expected = counts.get(meeting.rubric_id, 0)
        if len(rows) != expected:
            issue(first, "criterion", (
                f"Biểu chấm điểm áp dụng có {expected} tiêu chí; buổi sinh hoạt có {len(rows)} "
                "dòng điểm."
            ))  # fmt: skip
        upper = [s.confirmed_points for s in rows]
        if any(p is not None for p in upper) and any(p is None for p in upper):
            issue(
                first,
                "confirmed_points",
                "Điểm cấp trên cần ghi cho mọi tiêu chí hoặc bỏ trống cả.",
            )
        own = [s.self_points for s in rows]
        if (
            all(p is not None for p in upper) and upper != own and any(own)
            and not meeting.adjustment_reason.strip()
        ):  # fmt: skip
            issue(first, "confirmed_points", "Điểm xác nhận khác điểm chi bộ tự chấm: cần ghi lý "
                                             "do điều chỉnh ở sheet «Sinh hoạt chi bộ».")  # fmt: skip


SCORES = RecordSheet(
    spec=SheetSpec(
        key="meeting_scores",
        title="Điểm sinh hoạt",
        description=(
            "Điểm từng tiêu chí của mỗi buổi sinh hoạt: chi bộ tự chấm và cấp trên xác nhận. Tiêu "
            "chí được gọi bằng thứ tự của nó trong biểu chấm điểm áp dụng cho chi bộ ngày sinh "
            "hoạt (biểu của cấp ủy gần nhất ở trên, đang áp dụng ngày đó); mỗi tiêu chí một dòng. "
            "Điểm không được vượt điểm tối đa của tiêu chí."
        ),
        natural_key=f"{MEETING_KEY_TEXT} + Thứ tự tiêu chí",
        order="theo buổi sinh hoạt, rồi thứ tự tiêu chí",
        columns=(
            *_meeting_columns(),
            Col(
                "criterion",
                "Thứ tự tiêu chí",
                "int",
                required=True,
                help="Thứ tự của tiêu chí trong biểu chấm điểm áp dụng.",
            ),
            *columns_of(Score, "self_points", "confirmed_points"),
        ),
    ),
    model=Score,
    key=(*(f"meeting_{k}" for k in MEETING_REF), "criterion"),
    owners=("meeting_held_on",),
    refs=(_meeting_ref(),),
    noun="Điểm tiêu chí",
    checked_constraints=("score_not_negative",),  # the cell type takes no negative number
    extra_row=_criterion_row,
    prepare=_place_scores,
    verify=_verify_scores,
    select_related=("criterion",),
    not_carried=("criterion",),  # as "criterion", its number in the rubric in force
)

SHEETS: tuple[RecordSheet, ...] = (
    RUBRICS, RUBRIC_CRITERIA, RUBRIC_LEVELS, VISITS, ASSIGNMENTS, MEETINGS, ATTENDANCE, SCORES,
)  # fmt: skip
