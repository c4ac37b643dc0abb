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

from . import selectors, services
from .models import AttendanceStatus, Level, Meeting, MeetingKind

router = Router(tags=["Sinh hoạt chi bộ"])

# Points arrive as JSON numbers; the services read them to one decimal place.
Points = Annotated[float, Field(ge=0, le=1000)]


class FindingOut(Schema):
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
        for r in selectors.month_grid(org, filters.year or timezone.localdate().year,
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
