"""API of the member registry (/o/{code}/members/, /members/{member_id}/…) and of the
re-arrangements that move members with their organization (dissolve, merge).

Members are reached through ``accounts.access.member_for`` and organizations
through ``org_for`` (404 outside the user's subtrees, 403 without the
capability); every write calls a service.
"""

import datetime as dt
import uuid
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import member_for, org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core import codes
from dangbo.core.api import (
    Day,
    Decision,
    Id,
    IdentityNumber,
    InputSchema,
    KeysetPages,
    OrgCode,
    Pages,
    choice,
    decision_dict,
    responses,
    text,
)
from dangbo.core.errors import DomainError
from dangbo.organizations.api import OrgDetailOut, org_detail, referenced_org
from dangbo.organizations.models import org_label

from . import restructuring, selectors, services
from .access import personal_resolver
from .models import Member, MemberEvent, PoliticalTheory, Professional, Sex
from .models import Status as MemberStatus

router = Router(tags=["Đảng viên"])
org_router = Router(tags=["Tổ chức đảng"])

SexCode = choice(Sex)
SexFilter = choice(Sex, blank=True)
ProfessionalCode = choice(Professional, blank=True)
PoliticalTheoryCode = choice(PoliticalTheory, blank=True)
StatusFilter = choice(MemberStatus, blank=True, extra=("active", "all"))
EventKind = choice(MemberEvent.Kind)
EventReason = choice(MemberEvent.Reason, blank=True)
Years = Annotated[int, Field(ge=0, le=150)]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    sex_label: str
    ethnicity: str
    ethnicity_name: str
    organization_code: str | None = Field(
        ..., description="Chi bộ đang sinh hoạt; trên danh sách tại một ngày (on): chi bộ ngày đó."
    )
    organization_name: str | None
    organization_label: str | None = Field(
        None,
        description="Tên tổ chức kèm tên tổ chức cấp trên («Chi bộ Văn phòng – Đảng bộ …»): nhiều chi bộ trùng tên.",
    )
    status: str = Field(
        ...,
        description="Mã tình trạng (PROBATIONARY, OFFICIAL…); rỗng nếu chưa có sự kiện; trên "
        "danh sách tại một ngày (on): tình trạng ngày đó.",
    )
    status_label: str
    admitted_on: dt.date | None
    official_on: dt.date | None
    card_number: str | None
    is_voided: bool

    @staticmethod
    def resolve_sex_label(obj: Member) -> str:
        return obj.get_sex_display()

    @staticmethod
    def resolve_ethnicity_name(obj: Member) -> str:
        return codes.name_of("ethnicity", obj.ethnicity)

    # A list as of a past date (selectors.as_of) gives the status and cell of that day.

    @staticmethod
    def resolve_organization_code(obj: Member) -> str | None:
        if hasattr(obj, "cell_then"):
            return obj.cell_then_code
        return obj.organization.code if obj.organization_id else None

    @staticmethod
    def resolve_organization_name(obj: Member) -> str | None:
        if hasattr(obj, "cell_then"):
            return obj.cell_then_name
        return obj.organization.name if obj.organization_id else None

    @staticmethod
    def resolve_organization_label(obj: Member) -> str | None:
        if hasattr(obj, "cell_then"):
            return (
                org_label(obj.cell_then_name, obj.cell_then_parent_name)
                if obj.cell_then_name
                else None
            )
        return obj.organization.label if obj.organization_id else None

    @staticmethod
    def resolve_status(obj: Member) -> str:
        return (obj.status_then or "") if hasattr(obj, "status_then") else obj.status

    @staticmethod
    def resolve_status_label(obj: Member) -> str:
        if hasattr(obj, "status_then"):
            return MemberStatus(obj.status_then).label if obj.status_then else ""
        return obj.get_status_display()


class MemberDetailOut(MemberOut):
    birth_name: str
    religion: str
    religion_name: str
    home_town: str
    birth_place: str
    permanent_address: str
    personal_id_number: str | None
    phone: str
    email: str
    occupation: str
    background_number: str | None
    general_education: str
    general_education_name: str
    professional_level: str
    professional_level_label: str
    political_theory_level: str
    political_theory_level_label: str
    admission_age_exception: str
    uid: uuid.UUID
    age_years: int
    party_age_years: int | None
    voided_at: dt.datetime | None
    voided_reason: str

    resolve_personal_id_number = personal_resolver("personal_id_number")
    resolve_phone = personal_resolver("phone")
    resolve_email = personal_resolver("email")
    resolve_permanent_address = personal_resolver("permanent_address")

    @staticmethod
    def resolve_religion_name(obj: Member) -> str:
        return codes.name_of("religion", obj.religion)

    @staticmethod
    def resolve_general_education_name(obj: Member) -> str:
        return codes.name_of("general_education", obj.general_education)

    @staticmethod
    def resolve_professional_level_label(obj: Member) -> str:
        return obj.get_professional_level_display()

    @staticmethod
    def resolve_political_theory_level_label(obj: Member) -> str:
        return obj.get_political_theory_level_display()

    @staticmethod
    def resolve_age_years(obj: Member) -> int:
        return selectors.age_years(obj)

    @staticmethod
    def resolve_party_age_years(obj: Member) -> int | None:
        return selectors.party_age_years(obj) if obj.admitted_on else None


class MemberEventOut(Schema):
    id: int
    kind: EventKind
    kind_label: str
    happened_on: dt.date
    organization_code: str | None
    organization_name: str | None
    organization_label: str | None = Field(
        None,
        description="Tên tổ chức kèm tên tổ chức cấp trên («Chi bộ Văn phòng – Đảng bộ …»): nhiều chi bộ trùng tên.",
    )
    other_party: str
    decision_number: str
    decision_signed_on: dt.date | None
    decision_issuer: str
    reason_code: EventReason
    reason_label: str
    grounds: str
    note: str
    is_voided: bool
    voided_at: dt.datetime | None
    voided_reason: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: MemberEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_reason_label(obj: MemberEvent) -> str:
        return obj.get_reason_code_display() if obj.reason_code else ""

    @staticmethod
    def resolve_organization_code(obj: MemberEvent) -> str | None:
        return obj.organization.code if obj.organization_id else None

    @staticmethod
    def resolve_organization_name(obj: MemberEvent) -> str | None:
        return obj.organization.name if obj.organization_id else None

    @staticmethod
    def resolve_organization_label(obj: MemberEvent) -> str | None:
        return obj.organization.label if obj.organization_id else None

    @staticmethod
    def resolve_is_voided(obj: MemberEvent) -> bool:
        return obj.voided_at is not None


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class MemberFilterIn(InputSchema):
    q: text(100) = Field(
        "",
        description="Tên (không phân biệt dấu), số thẻ, số lý lịch, hoặc số định danh "
        "(với người được xem dữ liệu cá nhân).",
    )
    status: StatusFilter = Field(
        "", description="Mặc định: đang sinh hoạt (active); all: mọi tình trạng."
    )
    sex: SexFilter = ""
    ethnicity: text(10) = ""
    political_theory_level: PoliticalTheoryCode = ""
    professional_level: ProfessionalCode = ""
    age_min: Years | None = None
    age_max: Years | None = None
    party_age_min: Years | None = None
    party_age_max: Years | None = None
    on: Day | None = Field(None, description="Danh sách như tại ngày này.")


class IdentityIn(InputSchema):
    """Identity and qualification fields shared by create and update."""

    birth_name: text(150) = ""
    ethnicity: text(10) = "01"
    religion: text(10) = "00"
    home_town: text(255) = ""
    birth_place: text(255) = ""
    permanent_address: text(255) = ""
    personal_id_number: IdentityNumber | None = None
    phone: text(30) = ""
    email: text(254) = ""
    occupation: text(200) = ""
    card_number: text(20) | None = None
    background_number: text(20) | None = None
    general_education: text(10) = ""
    professional_level: ProfessionalCode = ""
    political_theory_level: PoliticalTheoryCode = ""
    admission_age_exception: text(255) = ""


class MemberCreateIn(IdentityIn):
    full_name: text(150, min_length=1)
    date_of_birth: Day
    sex: SexCode
    admitted_on: Day
    official_on: Day | None = None
    admission_decision: text(100) = ""
    official_decision: text(100) = ""


class MemberPatchIn(InputSchema):
    full_name: text(150, min_length=1) | None = None
    birth_name: text(150) | None = None
    date_of_birth: Day | None = None
    sex: SexCode | None = None
    ethnicity: text(10) | None = None
    religion: text(10) | None = None
    home_town: text(255) | None = None
    birth_place: text(255) | None = None
    permanent_address: text(255) | None = None
    personal_id_number: IdentityNumber | None = None
    phone: text(30) | None = None
    email: text(254) | None = None
    occupation: text(200) | None = None
    card_number: text(20) | None = None
    background_number: text(20) | None = None
    general_education: text(10) | None = None
    admission_age_exception: text(255) | None = None
    professional_level: ProfessionalCode | None = None
    political_theory_level: PoliticalTheoryCode | None = None


class EventIn(InputSchema):
    kind: EventKind
    happened_on: Day
    organization: OrgCode | None = Field(
        None, description="Mã chi bộ nơi đến (kết nạp, chuyển đến, chuyển nội bộ)."
    )
    other_party: text(255) = ""
    decision_number: text(100) = ""
    decision_signed_on: Day | None = None
    decision_issuer: text(200) = ""
    reason_code: EventReason = Field(
        "", description="Lý do xóa tên hoặc căn cứ miễn công tác và sinh hoạt đảng."
    )
    grounds: text(255) = ""
    note: text(2000) = ""


class VoidIn(InputSchema):
    reason: text(255)


class DissolveIn(InputSchema):
    happened_on: Day
    decision: Decision | None = None
    move_members_to: OrgCode | None = Field(
        None, description="Mã chi bộ nhận các đảng viên còn sinh hoạt."
    )


class MergeIn(InputSchema):
    target: OrgCode = Field(..., description="Mã tổ chức tiếp nhận.")
    happened_on: Day
    decision: Decision | None = None


NON_NULL_FIELDS = {"full_name", "date_of_birth", "sex"}
NULLABLE_FIELDS = {"personal_id_number", "card_number", "background_number"}


# --------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------


@org_router.get(
    "/o/{code}/members/",
    response=responses(list[MemberOut]),
    summary="Danh sách đảng viên trong cây",
)
@paginate(KeysetPages, keys=selectors.MEMBER_LIST_KEYS)
def list_members(request: HttpRequest, code: OrgCode, filters: Query[MemberFilterIn]):
    org = org_for(request, code, Capability.VIEW_MEMBERS)
    personal = scope_of(request).can(Capability.VIEW_PERSONAL_DATA, org)
    return selectors.members_in(org, selectors.MemberFilter(**filters.dict(), personal=personal))


@org_router.post(
    "/o/{code}/members/",
    response=responses(MemberDetailOut, 201),
    summary="Thêm đảng viên vào chi bộ",
)
def create_member(request: HttpRequest, code: OrgCode, payload: MemberCreateIn):
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    member = services.create_member(actor=request.user, organization=org, **payload.dict())
    return Status(201, member)


@router.get(
    "/members/{member_id}/", response=responses(MemberDetailOut), summary="Hồ sơ một đảng viên"
)
def get_member(request: HttpRequest, member_id: Id):
    return member_for(request, member_id, Capability.VIEW_MEMBERS)


@router.patch(
    "/members/{member_id}/", response=responses(MemberDetailOut), summary="Sửa lý lịch đảng viên"
)
def update_member(request: HttpRequest, member_id: Id, payload: MemberPatchIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field in NON_NULL_FIELDS:
            raise DomainError({field: "Giá trị không được để trống (null)."})
        if value is None and field not in NULLABLE_FIELDS:
            changes[field] = ""
    member = services.update_member(actor=request.user, member=member, **changes)
    return member


@router.post(
    "/members/{member_id}/void", response=responses(MemberDetailOut), summary="Hủy hồ sơ nhập nhầm"
)
def void_member(request: HttpRequest, member_id: Id, payload: VoidIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    return services.void_member(actor=request.user, member=member, reason=payload.reason)


@router.post(
    "/members/{member_id}/restore",
    response=responses(MemberDetailOut),
    summary="Khôi phục hồ sơ đã hủy",
)
def restore_member(request: HttpRequest, member_id: Id):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    return services.restore_member(actor=request.user, member=member)


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


def _rekeyed(exc: DomainError, names: dict[str, str]) -> DomainError:
    """Return ``exc`` with its fields named as in this endpoint's body (a rule may say official_on)."""
    return DomainError(
        {names.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


def _event(member: Member, event_id: int) -> MemberEvent:
    event = selectors.events_of(member).filter(pk=event_id).first()
    if event is None:
        raise Http404("Không tìm thấy sự kiện.")
    event.member = member
    return event


@router.get(
    "/members/{member_id}/events/",
    response=responses(list[MemberEventOut]),
    summary="Các sự kiện của đảng viên",
)
@paginate(Pages)
def list_member_events(request: HttpRequest, member_id: Id):
    return selectors.events_of(member_for(request, member_id, Capability.VIEW_MEMBERS))


@router.post(
    "/members/{member_id}/events/",
    response=responses(MemberEventOut, 201),
    summary="Ghi một sự kiện",
)
def record_event(request: HttpRequest, member_id: Id, payload: EventIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    data: dict[str, Any] = payload.dict()
    code = data.pop("organization")
    organization = (
        referenced_org(request, code, Capability.MANAGE_MEMBERS, "organization") if code else None
    )
    try:
        event = services.record_event(
            actor=request.user, member=member, organization=organization, **data
        )
    except DomainError as exc:
        if not hasattr(exc, "error_dict") or "official_on" not in exc.error_dict:
            raise
        raise _rekeyed(exc, {"official_on": "happened_on"}) from exc
    return Status(201, event)


@router.post(
    "/members/{member_id}/events/{event_id}/void",
    response=responses(MemberEventOut),
    summary="Hủy sự kiện ghi nhầm",
)
def void_event(request: HttpRequest, member_id: Id, event_id: Id, payload: VoidIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    return services.void_event(
        actor=request.user, event=_event(member, event_id), reason=payload.reason
    )


@router.post(
    "/members/{member_id}/events/{event_id}/restore",
    response=responses(MemberEventOut),
    summary="Khôi phục sự kiện đã hủy",
)
def restore_event(request: HttpRequest, member_id: Id, event_id: Id):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    return services.restore_event(actor=request.user, event=_event(member, event_id))


# --------------------------------------------------------------------------
# Re-arranging organizations together with their members
# --------------------------------------------------------------------------


@org_router.post("/o/{code}/dissolve", response=responses(OrgDetailOut), summary="Giải thể tổ chức")
def dissolve_org(request: HttpRequest, code: OrgCode, payload: DissolveIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    target = None
    if payload.move_members_to:
        target = referenced_org(
            request, payload.move_members_to, Capability.MANAGE_ORGS, "move_members_to"
        )
    org = restructuring.dissolve_organization(
        actor=request.user, org=org, on=payload.happened_on, decision=decision_dict(payload.decision),
        move_members_to=target,
    )  # fmt: skip
    return org_detail(org)


@org_router.post(
    "/o/{code}/merge", response=responses(OrgDetailOut),
    summary="Sáp nhập tổ chức này vào tổ chức tiếp nhận (trả về tổ chức tiếp nhận)",
)  # fmt: skip
def merge_org(request: HttpRequest, code: OrgCode, payload: MergeIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    target = referenced_org(request, payload.target, Capability.MANAGE_ORGS, "target")
    target = restructuring.merge_organizations(
        actor=request.user, sources=[org], target=target, on=payload.happened_on,
        decision=decision_dict(payload.decision),
    )  # fmt: skip
    target.refresh_from_db()
    return org_detail(target)


# The transfers of party activity have their own router (and tag), mounted here so
# that /api/v1/ gets them with the rest of the members' endpoints. Imported last:
# it builds its schemas on the ones above.
from .api_transfers import router as transfers_router  # noqa: E402

router.add_router("", transfers_router)
