"""The Party badge API: who is due at the next occasions, what was awarded, recording an
award and the actions on one (void, returned, reissue).

Organizations are reached through ``org_for``, members through ``member_for``
and awards through ``access.award_for`` (404 outside the user's subtrees, 403
without the capability); every write calls a service.
"""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import member_for, org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import Day, Id, InputSchema, OrgCode, Pages, number_choice, responses, text

from . import rules, selectors, services
from .access import award_for
from .models import BadgeAward

router = Router(tags=["Huy hiệu Đảng"])

MilestoneYears = Literal[rules.MILESTONES]
# In a query string the milestone arrives as text ("30").
MilestoneFilter = number_choice(rules.MILESTONES)
Basis = Literal[tuple(rules.BASES)]
BasisFilter = Literal[("", *rules.BASES)]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class BadgeAwardOut(Schema):
    id: int
    member_id: int
    member_name: str
    organization_code: str | None = Field(..., description="Chi bộ đảng viên đang sinh hoạt.")
    organization_name: str | None
    milestone: int = Field(..., description="Mốc tuổi Đảng (năm).")
    title: str
    occasion_on: dt.date
    decision_number: str
    decision_signed_on: dt.date
    decided_by: str
    badge_number: str
    ceremony_on: dt.date | None
    early: bool
    posthumous: bool
    gift_amount: int | None = Field(
        ..., description="Tặng phẩm (đồng): hệ số × mức lương cơ sở ngày ký quyết định."
    )
    reissue_of_id: int | None
    returned_on: dt.date | None
    note: str
    is_voided: bool
    voided_at: dt.datetime | None
    voided_reason: str
    url: str

    @staticmethod
    def resolve_member_name(obj: BadgeAward) -> str:
        return obj.member.full_name

    @staticmethod
    def resolve_organization_code(obj: BadgeAward) -> str | None:
        org = obj.member.organization
        return org.code if org else None

    @staticmethod
    def resolve_organization_name(obj: BadgeAward) -> str | None:
        org = obj.member.organization
        return org.name if org else None

    @staticmethod
    def resolve_gift_amount(obj: BadgeAward) -> int | None:
        return int(obj.gift_amount) if obj.gift_amount is not None else None

    @staticmethod
    def resolve_url(obj: BadgeAward) -> str:
        return reverse("badge-detail", kwargs={"badge": obj.pk})


class BadgeDueOut(Schema):
    member_id: int
    member_name: str
    date_of_birth: dt.date
    organization_code: str
    organization_name: str
    admitted_on: dt.date
    milestone: int
    occasion_on: dt.date
    reached_on: dt.date = Field(..., description="Ngày đủ tuổi Đảng của mốc (đã trừ gián đoạn).")
    basis: Basis = Field(
        ...,
        description="regular: đủ tuổi Đảng; early: xét tặng sớm nếu ốm nặng; posthumous: truy tặng.",
    )
    basis_label: str
    overdue: bool = Field(..., description="Đã đủ mốc từ đợt trước mà chưa ghi nhận Huy hiệu.")
    died_on: dt.date | None
    deferred: bool = Field(..., description="Chưa xét vì kỷ luật ở mọi đợt được hỏi.")
    deferred_until: dt.date | None
    note: str
    gift_estimate: int | None
    record_url: str = Field(..., description="Trang ghi nhận Huy hiệu, điền sẵn mốc và đợt.")


def _due_out(d: selectors.BadgeDue) -> dict:
    params = f"?milestone={d.milestone}&occasion_on={d.occasion_on:%d/%m/%Y}"
    if d.basis == rules.EARLY:
        params += "&early=1"
    elif d.basis == rules.POSTHUMOUS:
        params += "&posthumous=1"
    return {
        "member_id": d.member_id, "member_name": d.member_name, "date_of_birth": d.date_of_birth,
        "organization_code": d.organization_code, "organization_name": d.organization_name,
        "admitted_on": d.admitted_on, "milestone": d.milestone, "occasion_on": d.occasion_on,
        "reached_on": d.reached_on, "basis": d.basis, "basis_label": d.basis_label,
        "overdue": d.overdue, "died_on": d.died_on, "deferred": d.deferred,
        "deferred_until": d.deferred_until, "note": d.note,
        "gift_estimate": int(d.gift_estimate) if d.gift_estimate is not None else None,
        "record_url": reverse("badge-add", kwargs={"pk": d.member_id}) + params,
    }  # fmt: skip


class _DuePage:
    """A due list that turns only the requested page into response dicts."""

    def __init__(self, items: list[selectors.BadgeDue]):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: slice) -> list[dict]:
        return [_due_out(d) for d in self.items[index]]


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


class BadgeDueFilterIn(InputSchema):
    occasions: int = Field(
        4, ge=1, le=12, description="Số đợt trao tặng tới (3/2, 19/5, 2/9, 7/11)."
    )
    at: Day | None = Field(None, description="Tính từ ngày này (mặc định: hôm nay).")
    milestone: MilestoneFilter | None = None
    basis: BasisFilter = ""


class BadgeAwardFilterIn(InputSchema):
    year: int | None = Field(None, ge=1900, le=2100, description="Năm của đợt trao tặng.")
    milestone: MilestoneFilter | None = None
    include_voided: bool = False


class BadgeAwardIn(InputSchema):
    milestone: MilestoneYears
    occasion_on: Day = Field(..., description="Ngày của đợt trao tặng.")
    decision_number: text(100, min_length=1)
    decision_signed_on: Day
    decided_by: text(200) = ""
    badge_number: text(30) = ""
    ceremony_on: Day | None = None
    early: bool = Field(False, description="Xét tặng sớm cho đảng viên ốm nặng.")
    posthumous: bool = Field(False, description="Truy tặng cho đảng viên đã từ trần.")
    note: text(2000) = ""


class BadgeVoidIn(InputSchema):
    reason: text(255, min_length=1)


class BadgeReturnedIn(InputSchema):
    returned_on: Day
    note: text(255) = ""


class BadgeReissueIn(InputSchema):
    reason: text(255, min_length=1)
    badge_number: text(30) = ""
    decision_number: text(100) = ""
    decision_signed_on: Day | None = None
    decided_by: text(200) = ""
    ceremony_on: Day | None = None


# --------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------


@router.get(
    "/o/{code}/badges/due",
    response=responses(list[BadgeDueOut]),
    summary="Đảng viên đến hạn xét tặng Huy hiệu Đảng ở các đợt tới",
)
@paginate(Pages)
def badges_due(request: HttpRequest, code: OrgCode, filters: Query[BadgeDueFilterIn]):
    """The members of the subtree whose party age (gaps deducted) reaches a milestone by one
    of the next ``occasions`` award occasions and who have no badge for it, each at the first
    occasion it may be awarded; early candidates (seriously ill) and posthumous awards are
    flagged by ``basis``."""
    org = org_for(request, code, Capability.VIEW_AWARDS)
    occasions = rules.award_occasions(filters.at or timezone.localdate(), filters.occasions)
    items = [
        d for d in selectors.badges_due(org, occasions)
        if (filters.milestone is None or d.milestone == filters.milestone)
        and (not filters.basis or d.basis == filters.basis)
    ]  # fmt: skip
    return _DuePage(items)


@router.get(
    "/o/{code}/badges",
    response=responses(list[BadgeAwardOut]),
    summary="Huy hiệu Đảng đã tặng trong cây tổ chức",
)
@paginate(Pages)
def list_badges(request: HttpRequest, code: OrgCode, filters: Query[BadgeAwardFilterIn]):
    """The badges recorded for members now in the subtree, latest occasion first."""
    org = org_for(request, code, Capability.VIEW_AWARDS)
    return selectors.awards_in(org, selectors.AwardFilter(**filters.dict()))


@router.post(
    "/members/{member_id}/badges",
    response=responses(BadgeAwardOut, 201),
    summary="Ghi nhận Huy hiệu Đảng cho đảng viên",
)
def record_badge(request: HttpRequest, member_id: Id, payload: BadgeAwardIn):
    """Refused (422) with the rule named: a milestone already recorded, a party age short of
    it at the occasion (or beyond the early or posthumous window), a member out of the Party."""
    member = member_for(request, member_id, Capability.MANAGE_AWARDS)
    award = services.record_award(actor=request.user, member=member, **payload.dict())
    return Status(201, award)


@router.get("/badges/{badge_id}", response=responses(BadgeAwardOut), summary="Một Huy hiệu")
def get_badge(request: HttpRequest, badge_id: Id):
    return award_for(request, badge_id, Capability.VIEW_AWARDS)


@router.post(
    "/badges/{badge_id}/void", response=responses(BadgeAwardOut), summary="Hủy bản ghi ghi nhầm"
)
def void_badge(request: HttpRequest, badge_id: Id, payload: BadgeVoidIn):
    award = award_for(request, badge_id, Capability.MANAGE_AWARDS)
    return services.void_award(actor=request.user, award=award, reason=payload.reason)


@router.post(
    "/badges/{badge_id}/returned",
    response=responses(BadgeAwardOut),
    summary="Ghi nhận nộp lại Huy hiệu (đảng viên ra khỏi Đảng)",
)
def return_badge(request: HttpRequest, badge_id: Id, payload: BadgeReturnedIn):
    award = award_for(request, badge_id, Capability.MANAGE_AWARDS)
    return services.mark_returned(
        actor=request.user, award=award, returned_on=payload.returned_on, note=payload.note
    )


@router.post(
    "/badges/{badge_id}/reissue",
    response=responses(BadgeAwardOut, 201),
    summary="Cấp lại Huy hiệu bị mất",
)
def reissue_badge(request: HttpRequest, badge_id: Id, payload: BadgeReissueIn):
    award = award_for(request, badge_id, Capability.MANAGE_AWARDS)
    return Status(201, services.reissue_award(actor=request.user, award=award, **payload.dict()))
