"""API of the transfers of party activity and of the striking-off candidates.

Mounted under the members router (``members.api``). A transfer is reached
through ``members.access.transfer_for`` (404 unless one of its ends lies in the
user's subtrees, 403 without the capability there); each write is then
checked on its side: the sending side issues the letter, cancels and records
a return, the receiving side confirms the arrival.
"""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import member_for, org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import Day, Id, InputSchema, OrgCode, Pages, choice, responses, text
from dangbo.core.errors import DomainError
from dangbo.organizations.api import referenced_org
from dangbo.organizations.models import Organization

from . import selectors, transfers
from .access import require_side, transfer_for
from .api import IdentityIn, SexCode
from .models import OPEN_TRANSFER_STATUSES, MemberEvent, Transfer
from .striking import striking_candidates

router = Router(tags=["Chuyển sinh hoạt đảng"])

TransferReason = choice(Transfer.Reason)
TransferStatusFilter = choice(Transfer.Status, extra=("open", "done", "cancelled", "all"))
TransferSide = Literal["", "in", "out", "within"]
TransferKindFilter = choice(Transfer.Kind, blank=True)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class TransferDeadlineOut(Schema):
    kind: str = Field(..., examples=["members.transfer_arrival"])
    title: str
    due_on: dt.date
    rule: str
    overdue: bool


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: choice(Transfer.Kind)
    kind_label: str
    direction: choice(Transfer.Direction)
    direction_label: str
    status: choice(Transfer.Status)
    status_label: str
    from_organization_code: str | None
    from_organization_name: str | None
    from_organization_label: str | None = Field(
        None, description="Tên chi bộ kèm tên tổ chức cấp trên."
    )
    to_organization_code: str | None
    to_organization_name: str | None
    to_organization_label: str | None = Field(
        None, description="Tên chi bộ kèm tên tổ chức cấp trên."
    )
    other_party: str
    reason: TransferReason
    reason_label: str
    triggered_on: dt.date | None
    start_late_explanation: str
    letter_number: str
    letter_on: dt.date | None
    letter_issuer: str
    received_on: dt.date | None
    late_explanation: str
    planned_from: dt.date | None
    planned_until: dt.date | None
    returned_on: dt.date | None
    special_case_ground: str
    cancelled_on: dt.date | None
    cancel_reason: str
    note: str
    member_created: bool
    event_id: int | None
    deadline: TransferDeadlineOut | None = Field(
        None, description="Thời hạn đang chạy (chờ giấy giới thiệu, chờ tiếp nhận, ngày trở về)."
    )
    is_voided: bool
    voided_at: dt.datetime | None
    voided_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_member_name(obj: Transfer) -> str:
        return obj.member.full_name

    @staticmethod
    def resolve_kind_label(obj: Transfer) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_direction_label(obj: Transfer) -> str:
        return obj.get_direction_display()

    @staticmethod
    def resolve_status_label(obj: Transfer) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_reason_label(obj: Transfer) -> str:
        return obj.get_reason_display()

    @staticmethod
    def resolve_from_organization_code(obj: Transfer) -> str | None:
        return obj.from_organization.code if obj.from_organization_id else None

    @staticmethod
    def resolve_from_organization_name(obj: Transfer) -> str | None:
        return obj.from_organization.name if obj.from_organization_id else None

    @staticmethod
    def resolve_to_organization_code(obj: Transfer) -> str | None:
        return obj.to_organization.code if obj.to_organization_id else None

    @staticmethod
    def resolve_to_organization_name(obj: Transfer) -> str | None:
        return obj.to_organization.name if obj.to_organization_id else None

    @staticmethod
    def resolve_from_organization_label(obj: Transfer) -> str | None:
        return obj.from_organization.label if obj.from_organization_id else None

    @staticmethod
    def resolve_to_organization_label(obj: Transfer) -> str | None:
        return obj.to_organization.label if obj.to_organization_id else None

    @staticmethod
    def resolve_deadline(obj: Transfer, context) -> dict | None:
        # One set of working calendars for every transfer of the response.
        request = context["request"]
        calendars = getattr(request, "_transfer_calendars", None)
        if calendars is None:
            calendars = request._transfer_calendars = selectors.Calendars()
        clock = selectors.transfer_clock(obj, calendars)
        if clock is None:
            return None
        return {
            "kind": clock.kind, "title": clock.title, "due_on": clock.due_on, "rule": clock.rule,
            "overdue": clock.is_overdue(timezone.localdate()),
        }  # fmt: skip

    @staticmethod
    def resolve_is_voided(obj: Transfer) -> bool:
        return obj.voided_at is not None


class StrikingCandidateOut(Schema):
    member_id: int
    full_name: str
    organization_code: str | None
    organization_name: str | None
    ground_code: choice(MemberEvent.Reason)
    ground_label: str
    detail: str


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class TransferFilterIn(InputSchema):
    status: TransferStatusFilter = Field(
        "open", description="open (mặc định): đang giải quyết; done; cancelled; all; hoặc một mã."
    )
    side: TransferSide = Field(
        "", description="in: chuyển đến; out: chuyển đi; within: giữa các chi bộ trong cây."
    )
    kind: TransferKindFilter = ""
    q: text(100) = Field("", description="Tên đảng viên (không phân biệt dấu).")
    overdue: bool = Field(False, description="Chỉ những lần đang quá hạn.")


class OfficialTransferIn(InputSchema):
    to_organization: OrgCode | None = Field(
        None, description="Mã chi bộ nơi đến trong hệ thống; bỏ trống khi chuyển ra ngoài."
    )
    other_party: text(255) = Field("", description="Tổ chức đảng nơi đến ngoài hệ thống.")
    reason: TransferReason
    triggered_on: Day = Field(
        ...,
        description="Ngày quyết định có hiệu lực hoặc ngày chuyển nơi ở (mốc 60 ngày làm việc).",
    )
    note: text(2000) = ""


class TemporaryTransferIn(InputSchema):
    to_organization: OrgCode | None = Field(
        None, description="Mã chi bộ nơi sinh hoạt tạm thời trong hệ thống."
    )
    other_party: text(255) = Field(
        "", description="Tổ chức đảng nơi sinh hoạt tạm thời ngoài hệ thống."
    )
    reason: TransferReason
    planned_from: Day
    planned_until: Day = Field(..., description="Ngày dự kiến trở về.")
    special_case_ground: text(255) = Field(
        "", description="Căn cứ trường hợp đặc biệt (khi thời gian ngoài quy định)."
    )
    note: text(2000) = ""


class LetterIn(InputSchema):
    letter_number: text(100) = Field(..., examples=["15-GGT/ĐU"])
    letter_on: Day
    letter_issuer: text(200)
    start_late_explanation: text(2000) = ""


class ArrivalIn(InputSchema):
    received_on: Day
    late_explanation: text(2000) = ""


class TransferReasonIn(InputSchema):
    reason: text(255)


class ReturnIn(InputSchema):
    returned_on: Day


class IncomingTransferIn(IdentityIn):
    full_name: text(150, min_length=1)
    date_of_birth: Day
    sex: SexCode
    organization: OrgCode | None = Field(
        None, description="Mã chi bộ tiếp nhận (mặc định: tổ chức trong đường dẫn)."
    )
    received_on: Day
    other_party: text(255) = Field(..., description="Tổ chức đảng nơi đi (ngoài hệ thống).")
    reason: TransferReason
    letter_number: text(100)
    letter_on: Day
    letter_issuer: text(200)
    late_explanation: text(2000) = ""
    admitted_on: Day | None = Field(
        None, description="Ngày vào Đảng: bắt buộc với người chưa có hồ sơ trong hệ thống."
    )
    official_on: Day | None = None
    admission_decision: text(100) = ""
    note: text(2000) = ""


# --------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------


def _destination(code: str | None) -> Organization | None:
    if not code:
        return None
    org = selectors.organization_by_code(code)
    if org is None:
        raise DomainError({"to_organization": f"Không tìm thấy tổ chức có mã «{code}»."})
    return org


@router.get(
    "/o/{code}/transfers",
    response=responses(list[TransferOut]),
    summary="Các lần chuyển sinh hoạt đảng đi và đến của cây",
)
@paginate(Pages)
def list_transfers(request: HttpRequest, code: OrgCode, filters: Query[TransferFilterIn]):
    org = org_for(request, code, Capability.VIEW_TRANSFERS)
    f = filters.dict()
    qs = selectors.transfers_in(org, status=f["status"], side=f["side"], kind=f["kind"], q=f["q"])
    if f["overdue"]:
        today = timezone.localdate()
        calendars = selectors.Calendars()
        overdue = [
            t.pk
            for t in qs.filter(status__in=OPEN_TRANSFER_STATUSES)
            if (c := selectors.transfer_clock(t, calendars)) is not None and c.is_overdue(today)
        ]
        qs = qs.filter(pk__in=overdue)
    return qs


@router.post(
    "/members/{member_id}/transfers",
    response=responses(TransferOut, 201),
    summary="Bắt đầu chuyển sinh hoạt đảng chính thức",
)
def start_transfer(request: HttpRequest, member_id: Id, payload: OfficialTransferIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    data = payload.dict()
    transfer = transfers.start_transfer(
        actor=request.user, member=member, reason=data["reason"],
        to_organization=_destination(data["to_organization"]), other_party=data["other_party"],
        triggered_on=data["triggered_on"], note=data["note"],
    )  # fmt: skip
    return Status(201, transfer)


@router.post(
    "/members/{member_id}/transfers/temporary",
    response=responses(TransferOut, 201),
    summary="Chuyển sinh hoạt đảng tạm thời",
)
def start_temporary_transfer(request: HttpRequest, member_id: Id, payload: TemporaryTransferIn):
    member = member_for(request, member_id, Capability.MANAGE_MEMBERS)
    data = payload.dict()
    data["to_organization"] = _destination(data["to_organization"])
    transfer = transfers.start_temporary_transfer(actor=request.user, member=member, **data)
    return Status(201, transfer)


@router.get(
    "/transfers/{transfer_id}",
    response=responses(TransferOut),
    summary="Một lần chuyển sinh hoạt đảng",
)
def get_transfer(request: HttpRequest, transfer_id: Id):
    return transfer_for(request, transfer_id, Capability.VIEW_TRANSFERS)


def _for_side(request: HttpRequest, transfer_id: int, side: str) -> Transfer:
    transfer = transfer_for(request, transfer_id, Capability.MANAGE_MEMBERS)
    require_side(request, transfer, side)
    return transfer


@router.post(
    "/transfers/{transfer_id}/letter",
    response=responses(TransferOut),
    summary="Ghi giấy giới thiệu sinh hoạt đảng (nơi đi)",
)
def issue_letter(request: HttpRequest, transfer_id: Id, payload: LetterIn):
    transfer = _for_side(request, transfer_id, "sending")
    return transfers.issue_transfer_letter(actor=request.user, transfer=transfer, **payload.dict())


@router.post(
    "/transfers/{transfer_id}/arrival",
    response=responses(TransferOut),
    summary="Xác nhận tiếp nhận đảng viên (nơi đến)",
)
def confirm_arrival(request: HttpRequest, transfer_id: Id, payload: ArrivalIn):
    transfer = _for_side(request, transfer_id, "receiving")
    return transfers.confirm_arrival(actor=request.user, transfer=transfer, **payload.dict())


@router.post(
    "/transfers/{transfer_id}/cancel",
    response=responses(TransferOut),
    summary="Hủy bỏ lần chuyển chưa hoàn thành (nơi đi)",
)
def cancel_transfer(request: HttpRequest, transfer_id: Id, payload: TransferReasonIn):
    transfer = _for_side(request, transfer_id, "sending")
    return transfers.cancel_transfer(actor=request.user, transfer=transfer, reason=payload.reason)


@router.post(
    "/transfers/{transfer_id}/return",
    response=responses(TransferOut),
    summary="Ghi ngày trở về sau sinh hoạt tạm thời",
)
def end_temporary_transfer(request: HttpRequest, transfer_id: Id, payload: ReturnIn):
    transfer = _for_side(request, transfer_id, "sending")
    return transfers.end_temporary_transfer(
        actor=request.user, transfer=transfer, returned_on=payload.returned_on
    )


@router.post(
    "/transfers/{transfer_id}/void",
    response=responses(TransferOut),
    summary="Hủy lần chuyển ghi nhầm (cùng sự kiện đã ghi)",
)
def void_transfer(request: HttpRequest, transfer_id: Id, payload: TransferReasonIn):
    transfer = _for_side(request, transfer_id, "sending")
    return transfers.void_transfer(actor=request.user, transfer=transfer, reason=payload.reason)


@router.post(
    "/o/{code}/transfers/incoming",
    response=responses(TransferOut, 201),
    summary="Tiếp nhận đảng viên chuyển đến từ ngoài hệ thống",
)
def receive_from_outside(request: HttpRequest, code: OrgCode, payload: IncomingTransferIn):
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    data = payload.dict()
    target = data.pop("organization")
    if target:
        org = referenced_org(request, target, Capability.MANAGE_MEMBERS, "organization")
    transfer = transfers.receive_from_outside(actor=request.user, organization=org, **data)
    return Status(201, transfer)


@router.get(
    "/o/{code}/striking-candidates",
    response=responses(list[StrikingCandidateOut]),
    summary="Đảng viên cần xem xét xóa tên (tổng hợp từ các phân hệ)",
)
def list_striking_candidates(request: HttpRequest, code: OrgCode):
    org = org_for(request, code, Capability.VIEW_MEMBERS)
    return [_candidate(c) for c in striking_candidates(org, timezone.localdate())]


def _candidate(c) -> dict:
    org = c.member.organization
    return {
        "member_id": c.member.pk, "full_name": c.member.full_name,
        "organization_code": org.code if org is not None else None,
        "organization_name": org.name if org is not None else None,
        "ground_code": c.ground_code, "ground_label": c.ground_label, "detail": c.detail,
    }  # fmt: skip
