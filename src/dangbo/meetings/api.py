"""The cell-meeting API: the subtree's meetings and month grid, recording a meeting with its
attendance and self-score in one call, the upper level's confirmation.

Organizations are reached through ``org_for`` (404 outside the user's subtrees, 403 without
the capability); a meeting is looked up inside the organization's subtree; every write calls
a service, whose refusals come back as field-level Vietnamese 422s.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BaseModel

from dangbo.accounts.access import org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.api import (
    Clock,
    Day,
    Id,
    InputSchema,
    Moment,
    OrgCode,
    Pages,
    choice,
    responses,
    text,
)
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.members.models import Member

from . import months, selectors, services
from .models import AttendanceStatus, Level, Meeting, MeetingKind

router = Router(tags=["Sinh hoạt chi bộ"])

# Points arrive as JSON numbers; the services read them to one decimal place.
Points = Annotated[float, Field(ge=0, le=1000)]


# Built from plain values (``_finding``, the bulk answer's lines): pydantic models, without
# ninja's reading of attributes, which cost more than the bulk write itself.
class FindingOut(BaseModel):
    code: str
    message: str
    citation: str


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str
    reason: str
    transferred_in: bool


class MeetingOut(Schema):
    id: int
    organization_code: str
    organization_name: str
    kind: str
    held_on: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    place: str
    level_only: bool
    counted_count: int | None
    present_count: int | None
    self_score: Decimal | None
    self_level: str
    confirmed_score: Decimal | None
    confirmed_level: str
    adjustment_reason: str
    level: str = Field(..., description="Xếp loại: cấp trên xác nhận, nếu chưa thì chi bộ tự chấm.")
    is_voided: bool
    url: str

    @staticmethod
    def resolve_organization_code(obj: Meeting) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_organization_name(obj: Meeting) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_url(obj: Meeting) -> str:
        return reverse("meeting-detail", kwargs={"code": obj.organization.code, "meeting": obj.pk})


class MeetingDetailOut(MeetingOut):
    attendance: list[AttendanceOut]
    self_points: list[Decimal]
    confirmed_points: list[Decimal | None]
    findings: list[FindingOut]


class RecordedOut(Schema):
    meeting: MeetingOut
    findings: list[FindingOut] = Field(..., description="Điều cần lưu ý (đã ghi, không từ chối).")


class GridRowOut(Schema):
    code: str
    name: str
    kind: str
    months: list[str | None] = Field(
        ..., description='Mỗi tháng: xếp loại, "" chưa xếp loại, null chưa sinh hoạt.'
    )
    expected: list[bool]
    missing: int
    quarters: list[str | None] = Field(
        ..., description="Kết quả từng quý theo quy định tổng hợp của cấp ủy có biểu chấm điểm "
        "(meetings.period_rule); null: quý không có tháng phải sinh hoạt."
    )  # fmt: skip
    year: str | None = Field(
        ..., description="Kết quả cả năm của chi bộ (từ các tháng đã đến hạn), cùng quy định; "
        "null: không có tháng phải sinh hoạt."
    )  # fmt: skip


class MeetingFilterIn(InputSchema):
    year: int | None = Field(None, ge=1930, le=2100)
    month: int | None = Field(None, ge=1, le=12)


class GridIn(InputSchema):
    year: int | None = Field(None, ge=1930, le=2100, description="Mặc định: năm nay.")


class MarkIn(InputSchema):
    member_id: Id
    status: choice(AttendanceStatus)
    reason: text(255) = ""


class MeetingIn(InputSchema):
    kind: choice(MeetingKind)
    held_on: Day
    start_time: Clock | None = None
    end_time: Clock | None = None
    place: text(255) = ""
    chair_id: Id | None = None
    minute_taker_id: Id | None = None
    topic: text(255) = ""
    content: text(10000) = ""
    conclusions: text(10000) = ""
    resolution_number: text(100) = ""
    documents: text(2000) = ""
    documents_sent_at: Moment | None = None
    guests: text(2000) = ""
    attendance: list[MarkIn] = Field(default_factory=list, max_length=2000)
    self_points: list[Points] | None = Field(
        None, max_length=50, description="Điểm tự chấm theo thứ tự tiêu chí của biểu áp dụng."
    )
    self_level: choice(Level, blank=True) = ""
    level_only: bool = Field(False, description="Chi bộ chỉ báo cáo số liệu và xếp loại.")
    counted_count: int | None = Field(None, ge=0, le=100000)
    present_count: int | None = Field(None, ge=0, le=100000)
    client_key: text(64) | None = Field(
        None, description="Mã do máy khách đặt: gửi lại cùng mã không tạo bản ghi trùng."
    )


class ConfirmIn(InputSchema):
    points: list[Points] | None = Field(None, max_length=50)
    level: choice(Level, blank=True) = ""
    reason: text(500) = ""
    confirmed_on: Day | None = None


def _finding(f) -> dict:
    return {"code": f.code, "message": f.message, "citation": f.citation}


def _meeting(request, code: str, meeting_id: int, capability: Capability) -> Meeting:
    org = org_for(request, code, capability)
    return selectors.get_meeting([org.path], meeting_id)


def _people(cell, held_on: dt.date, ids: set[int]) -> dict[int, Member]:
    """Return the members ``ids`` from the cell's list that day; any other is refused without
    saying who it is (a member outside the user's subtree stays unseen)."""
    listed = {m.pk: m for m in selectors.roll_of(cell, held_on).members}
    stray = ids - set(listed)
    if stray:
        raise DomainError({"attendance": (
            f"Đảng viên số {min(stray)} không có trong danh sách của chi bộ ngày "
            f"{fmt_date(held_on)}: không điểm danh được."
        )})  # fmt: skip
    return {pk: listed[pk] for pk in ids}


@router.get("/o/{code}/meetings", response=responses(list[MeetingOut]),
            summary="Các buổi sinh hoạt chi bộ trong cây tổ chức")  # fmt: skip
@paginate(Pages)
def list_meetings(request: HttpRequest, code: OrgCode, filters: Query[MeetingFilterIn]):
    """The meetings (not voided) of the subtree's cells, latest first; by year and month."""
    org = org_for(request, code, Capability.VIEW_MEETINGS)
    qs = selectors.meetings_in(org)
    if filters.year:
        qs = qs.filter(held_on__year=filters.year)
    if filters.month:
        qs = qs.filter(held_on__month=filters.month)
    return qs


@router.get("/o/{code}/meetings/grid", response=responses(list[GridRowOut]),
            summary="Bảng sinh hoạt theo tháng: chi bộ × tháng")  # fmt: skip
def meeting_grid(request: HttpRequest, code: OrgCode, filters: Query[GridIn]):
    """Each cell's regular-meeting level per month of the year; null where a due month has none."""
    org = org_for(request, code, Capability.VIEW_MEETINGS)
    return [
        {"code": r.cell.code, "name": r.cell.name, "kind": r.cell.kind, "months": r.months,
         "expected": r.expected, "missing": r.missing, "quarters": r.quarters, "year": r.year}
        for r in months.month_grid(org, filters.year or timezone.localdate().year,
                                      until=timezone.localdate())
    ]  # fmt: skip


@router.post("/o/{code}/meetings", response=responses(RecordedOut, 201),
             summary="Ghi buổi sinh hoạt chi bộ, điểm danh và điểm tự chấm")  # fmt: skip
def record_meeting(request: HttpRequest, code: OrgCode, payload: MeetingIn):
    """Refused (422, nothing written) with the rule named: a cell not in existence that day,
    attendance for someone not on the cell's list, a score above a criterion's maximum...
    A second regular meeting in the month is recorded and flagged in ``findings``."""
    cell = org_for(request, code, Capability.MANAGE_MEETINGS)
    data = payload.dict()
    ids = {m["member_id"] for m in data["attendance"]}
    ids |= {i for i in (data["chair_id"], data["minute_taker_id"]) if i}
    people = _people(cell, data["held_on"], ids)
    marks = [services.Mark(people[m["member_id"]], m["status"], m["reason"])
             for m in data.pop("attendance")]  # fmt: skip
    chair = people.get(data.pop("chair_id") or 0)
    taker = people.get(data.pop("minute_taker_id") or 0)
    done = services.record_meeting(actor=request.user, cell=cell, attendance=marks, chair=chair,
                                   minute_taker=taker, **data)  # fmt: skip
    return Status(201, {"meeting": done.meeting, "findings": [_finding(f) for f in done.findings]})


@router.get("/o/{code}/meetings/{int:meeting_id}", response=responses(MeetingDetailOut),
            summary="Một buổi sinh hoạt: điểm danh, điểm, điều cần lưu ý")  # fmt: skip
def get_meeting(request: HttpRequest, code: OrgCode, meeting_id: Id):
    meeting = _meeting(request, code, meeting_id, Capability.VIEW_MEETINGS)
    scores = list(meeting.scores.select_related("criterion"))
    meeting.attendance = [
        {"member_id": a.member_id, "member_name": a.member.full_name, "status": a.status,
         "reason": a.reason, "transferred_in": a.transferred_in}
        for a in meeting.attendances.select_related("member")
    ]  # fmt: skip
    meeting.self_points = [s.self_points for s in scores]
    meeting.confirmed_points = [s.confirmed_points for s in scores]
    meeting.findings = [_finding(f) for f in selectors.meeting_findings(
        meeting, today=timezone.localdate(),
        confirm_days=selectors.confirm_days(meeting.organization, meeting.held_on),
    )]  # fmt: skip
    return meeting


@router.post("/o/{code}/meetings/{int:meeting_id}/confirm", response=responses(MeetingOut),
             summary="Cấp trên xác nhận hoặc điều chỉnh điểm, xếp loại")  # fmt: skip
def confirm_meeting(request: HttpRequest, code: OrgCode, meeting_id: Id, payload: ConfirmIn):
    """The cell's direct superior committee confirms; a change needs its ``reason``."""
    meeting = _meeting(request, code, meeting_id, Capability.MANAGE_MEETINGS)
    upper = meeting.organization.parent
    if upper is None or not scope_of(request).can(Capability.MANAGE_MEETINGS, upper):
        raise PermissionDenied("Chỉ cấp ủy cấp trên của chi bộ mới xác nhận điểm.")
    return services.confirm_score(actor=request.user, meeting=meeting, confirmed_by=upper,
                                  **payload.dict())  # fmt: skip


# --------------------------------------------------------------------------
# Rubrics, assignments, visits
# --------------------------------------------------------------------------


class CriterionIO(InputSchema):
    title: text(255, min_length=1)
    max_points: float = Field(..., gt=0, le=1000)
    must_pass: bool = False


class BandIO(InputSchema):
    level: choice(Level)
    min_points: float = Field(..., ge=0, le=1000)
    below_points: float | None = Field(None, ge=0, le=1000)
    requires_must_pass: bool = False


class RubricOut(Schema):
    id: int
    owner_code: str | None
    name: str
    source: str
    valid_from: dt.date
    valid_until: dt.date | None
    criteria: list[CriterionIO]
    levels: list[BandIO]

    @staticmethod
    def resolve_owner_code(obj) -> str | None:
        return obj.owner.code if obj.owner_id else None

    @staticmethod
    def resolve_criteria(obj) -> list[dict]:
        return [{"title": c.title, "max_points": c.max_points, "must_pass": c.must_pass}
                for c in obj.criteria.all()]  # fmt: skip

    @staticmethod
    def resolve_levels(obj) -> list[dict]:
        return [{"level": b.level, "min_points": b.min_points, "below_points": b.below_points,
                 "requires_must_pass": b.requires_must_pass} for b in obj.levels.all()]  # fmt: skip


class RubricIn(InputSchema):
    name: text(255, min_length=1)
    source: text(255, min_length=1)
    valid_from: Day
    valid_until: Day | None = None
    # Empty lists reach the service, which names what is missing.
    criteria: list[CriterionIO] = Field(..., max_length=50)
    levels: list[BandIO] = Field(..., max_length=4)


class VisitIn(InputSchema):
    visited_code: OrgCode
    visited_on: Day
    group_name: text(255) = ""
    participants: text(2000) = ""
    note: text(2000) = ""


class VisitOut(Schema):
    id: int
    organization_code: str
    visited_code: str
    visited_name: str
    visited_on: dt.date
    group_name: str

    @staticmethod
    def resolve_organization_code(obj) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_visited_code(obj) -> str:
        return obj.visited.code

    @staticmethod
    def resolve_visited_name(obj) -> str:
        return obj.visited.name


@router.get("/o/{code}/meetings/rubrics", response=responses(list[RubricOut]),
            summary="Biểu chấm điểm áp dụng cho tổ chức và các biểu mẫu")  # fmt: skip
def list_rubrics(request: HttpRequest, code: OrgCode):
    """The rubrics of the committees above (or at) the organization, and the published
    templates (``owner_code`` null) a committee may adopt."""
    org = org_for(request, code, Capability.VIEW_MEETINGS)
    return selectors.rubrics_for(org)


@router.post("/o/{code}/meetings/rubrics", response=responses(RubricOut, 201),
             summary="Ban hành biểu chấm điểm của cấp ủy")  # fmt: skip
def create_rubric(request: HttpRequest, code: OrgCode, payload: RubricIn):
    """Refused (422) with the rule named: thresholds that overlap or leave a score without a
    level, a period overlapping another rubric of the committee, a cell as owner."""
    owner = org_for(request, code, Capability.MANAGE_MEETINGS)
    data = payload.dict()
    rubric = services.create_rubric(
        actor=request.user, owner=owner, name=data["name"], source=data["source"],
        valid_from=data["valid_from"], valid_until=data["valid_until"],
        criteria=[(c["title"], c["max_points"], c["must_pass"]) for c in data["criteria"]],
        levels=[(b["level"], b["min_points"], b["below_points"], b["requires_must_pass"])
                for b in data["levels"]],
    )  # fmt: skip
    return Status(201, rubric)


@router.post("/o/{code}/meetings/visits", response=responses(VisitOut, 201),
             summary="Ghi lượt cấp trên dự sinh hoạt của chi bộ, cấp ủy cấp dưới")  # fmt: skip
def record_visit(request: HttpRequest, code: OrgCode, payload: VisitIn):
    org = org_for(request, code, Capability.MANAGE_MEETINGS)
    visited = org_for(request, payload.visited_code, Capability.VIEW_MEETINGS)
    data = payload.dict()
    data.pop("visited_code")
    return Status(201, services.record_visit(actor=request.user, organization=org,
                                             visited=visited, **data))  # fmt: skip


class ReasonIn(InputSchema):
    reason: text(255, min_length=1)


@router.post("/o/{code}/meetings/{int:meeting_id}/void", response=responses(MeetingOut),
             summary="Hủy buổi sinh hoạt ghi nhầm (giữ lại, ghi lý do)")  # fmt: skip
def void_meeting(request: HttpRequest, code: OrgCode, meeting_id: Id, payload: ReasonIn):
    meeting = _meeting(request, code, meeting_id, Capability.MANAGE_MEETINGS)
    return services.void_meeting(actor=request.user, meeting=meeting, reason=payload.reason)


@router.post("/o/{code}/meetings/rubrics/{int:rubric_id}/void", response=responses(RubricOut),
             summary="Hủy biểu chấm điểm ghi nhầm")  # fmt: skip
def void_rubric(request: HttpRequest, code: OrgCode, rubric_id: Id, payload: ReasonIn):
    """Only a rubric issued by the organization or a committee below it; refused once a
    meeting was scored on it (give it an end date instead)."""
    org = org_for(request, code, Capability.MANAGE_MEETINGS)
    rubric = selectors.get_rubric(org, rubric_id)
    return services.void_rubric(actor=request.user, rubric=rubric, reason=payload.reason)


class AssignmentOut(Schema):
    id: int
    member_id: int
    member_name: str
    committee_code: str
    cell_code: str
    cell_name: str
    started_on: dt.date
    ended_on: dt.date | None
    decision_number: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.full_name

    @staticmethod
    def resolve_committee_code(obj) -> str:
        return obj.committee.code

    @staticmethod
    def resolve_cell_code(obj) -> str:
        return obj.cell.code

    @staticmethod
    def resolve_cell_name(obj) -> str:
        return obj.cell.name


class AssignmentFilterIn(InputSchema):
    current: bool = Field(False, description="Chỉ các phân công chưa kết thúc.")


class AssignmentIn(InputSchema):
    member_id: Id = Field(..., description="Cấp ủy viên (đảng viên trong cây tổ chức).")
    cell_code: OrgCode
    started_on: Day
    decision_number: text(100) = ""


class EndAssignmentIn(InputSchema):
    ended_on: Day


@router.get("/o/{code}/meetings/assignments", response=responses(list[AssignmentOut]),
            summary="Phân công cấp ủy viên phụ trách các chi bộ trong cây tổ chức")  # fmt: skip
@paginate(Pages)
def list_assignments(request: HttpRequest, code: OrgCode, filters: Query[AssignmentFilterIn]):
    org = org_for(request, code, Capability.VIEW_MEETINGS)
    return selectors.assignments_in(org, current=filters.current)


@router.post("/o/{code}/meetings/assignments", response=responses(AssignmentOut, 201),
             summary="Phân công cấp ủy viên của tổ chức phụ trách một chi bộ")  # fmt: skip
def create_assignment(request: HttpRequest, code: OrgCode, payload: AssignmentIn):
    """The committee is the organization ``code``; the member and the cell lie in its subtree
    (a number or code outside it is refused without saying whether it exists), and the member
    holds a post on that committee (bí thư, phó bí thư, ủy viên ban thường vụ, cấp ủy viên) on
    ``started_on``: otherwise a field error on ``member``."""
    committee = org_for(request, code, Capability.MANAGE_MEETINGS)
    member = selectors.members_under(committee).filter(pk=payload.member_id).first()
    cell = (
        selectors.cells_under(committee, dt.date.min, dt.date.max)
        .filter(code=payload.cell_code)
        .first()
    )
    errors = {}
    if member is None:
        errors["member_id"] = f"Không có đảng viên số {payload.member_id} trong {committee.name}."
    if cell is None:
        errors["cell_code"] = f"Không có chi bộ mã «{payload.cell_code}» thuộc {committee.name}."
    if errors:
        raise DomainError(errors)
    assignment = services.assign_member(
        actor=request.user, member=member, committee=committee, cell=cell,
        started_on=payload.started_on, decision_number=payload.decision_number,
    )  # fmt: skip
    return Status(201, assignment)


@router.post("/o/{code}/meetings/assignments/{int:assignment_id}/end",
             response=responses(AssignmentOut), summary="Kết thúc phân công phụ trách")  # fmt: skip
def end_assignment(
    request: HttpRequest, code: OrgCode, assignment_id: Id, payload: EndAssignmentIn
):
    org = org_for(request, code, Capability.MANAGE_MEETINGS)
    assignment = selectors.get_assignment(org, assignment_id)
    return services.end_assignment(actor=request.user, assignment=assignment,
                                   ended_on=payload.ended_on)  # fmt: skip


class VisitFilterIn(InputSchema):
    year: int | None = Field(None, ge=1930, le=2100)


@router.get("/o/{code}/meetings/visits", response=responses(list[VisitOut]),
            summary="Các lượt cấp trên dự sinh hoạt tại tổ chức trong cây")  # fmt: skip
@paginate(Pages)
def list_visits(request: HttpRequest, code: OrgCode, filters: Query[VisitFilterIn]):
    org = org_for(request, code, Capability.VIEW_MEETINGS)
    qs = selectors.visits_of(org).filter(voided_at__isnull=True)
    if filters.year:
        qs = qs.filter(visited_on__year=filters.year)
    return qs


@router.post("/o/{code}/meetings/visits/{int:visit_id}/void", response=responses(VisitOut),
             summary="Hủy lượt dự sinh hoạt ghi nhầm")  # fmt: skip
def void_visit(request: HttpRequest, code: OrgCode, visit_id: Id, payload: ReasonIn):
    org = org_for(request, code, Capability.MANAGE_MEETINGS)
    visit = selectors.get_visit(org, visit_id)
    return services.void_visit(actor=request.user, visit=visit, reason=payload.reason)


# --------------------------------------------------------------------------
# Many cells' meetings in one request
# --------------------------------------------------------------------------


class BulkMeetingIn(MeetingIn):
    organization_code: OrgCode = Field(..., description="Mã chi bộ (trong cây tổ chức).")


class BulkIn(InputSchema):
    meetings: list[BulkMeetingIn] = Field(..., max_length=30000)


class BulkItemOut(BaseModel):
    index: int = Field(..., description="Vị trí của bản ghi trong danh sách gửi lên (từ 0).")
    id: int | None = Field(..., description="Số của buổi sinh hoạt đã ghi; null khi bị từ chối.")
    created: bool = Field(
        ..., description="false: bản ghi bị từ chối, hoặc đã ghi từ trước với cùng client_key."
    )
    findings: list[FindingOut]
    errors: dict[str, list[str]] = Field(..., description="Lỗi theo trường, bằng tiếng Việt.")


class BulkOut(BaseModel):
    created: int
    existing: int
    refused: int
    items: list[BulkItemOut]


@router.post("/o/{code}/meetings/bulk", response=responses(BulkOut),
             summary="Ghi buổi sinh hoạt của nhiều chi bộ trong một yêu cầu")  # fmt: skip
def record_meetings_bulk(request: HttpRequest, code: OrgCode, payload: BulkIn):
    """Each item is the single-record payload with its cell's ``organization_code``, checked
    by the same rules; the answer has one line per item: the meeting's ``id`` or its
    field-level ``errors`` (a refused item does not stop the others). Sending again with the
    same ``client_key`` answers with the meeting already recorded, never a duplicate."""
    org = org_for(request, code, Capability.MANAGE_MEETINGS)
    from .bulk import record_meetings

    results = record_meetings(actor=request.user, org=org,
                              items=[m.dict() for m in payload.meetings])  # fmt: skip
    items = [
        {"index": r.index, "id": r.meeting.pk if r.meeting else None, "created": r.created,
         "findings": [_finding(f) for f in r.findings], "errors": r.errors}
        for r in results
    ]  # fmt: skip
    created = sum(1 for r in results if r.created)
    refused = sum(1 for r in results if r.meeting is None)
    return {"created": created, "existing": len(results) - created - refused,
            "refused": refused, "items": items}  # fmt: skip
