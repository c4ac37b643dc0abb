"""API of the organization tree: /api/v1/orgs/ and /api/v1/o/{code}/…

Every organization is reached through ``accounts.access.org_for`` (404
outside the user's subtrees, 403 without the capability); every write calls
a service. Dissolving and merging move members, so they live in
``members/api.py`` beside the restructuring services.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.api import (
    Day,
    Decision,
    InputSchema,
    OrgCode,
    Pages,
    choice,
    decision_dict,
    responses,
    text,
)
from dangbo.core.errors import DomainError

from . import selectors, services
from .models import CELL_KINDS, Organization, OrgEvent, OrgKind, Sector, TreePosition

router = Router(tags=["Tổ chức đảng"])

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
CODE_MESSAGE = "Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ hoặc số."


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


class OrgRef(Schema):
    code: str
    name: str


class OrgOut(Schema):
    code: str
    name: str
    kind: OrgKind
    kind_label: str
    parent_code: str | None
    sector: str | None = Field(None, description="Mã loại hình (khối) của tổ chức cơ sở đảng.")
    sector_name: str | None
    depth: int
    established_on: dt.date
    dissolved_on: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: Organization) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_sector(obj: Organization) -> str | None:
        return obj.sector.code if obj.sector_id else None

    @staticmethod
    def resolve_sector_name(obj: Organization) -> str | None:
        return obj.sector.name if obj.sector_id else None


class OrgCounts(Schema):
    children: int = Field(..., description="Tổ chức trực thuộc trực tiếp đang hoạt động.")
    organizations: int = Field(
        ..., description="Tổ chức đang hoạt động trong cây (kể cả tổ chức này)."
    )
    cells: int = Field(..., description="Chi bộ (cơ sở và trực thuộc) đang hoạt động trong cây.")


class OrgDetailOut(OrgOut):
    committee_name: str = Field(..., description="Tên cấp ủy như đã ghi (trống: suy ra từ tên).")
    committee: str = Field(
        ..., description="Tên cấp ủy ký văn bản: như đã ghi, hoặc suy ra từ loại và tên tổ chức."
    )
    place_name: str = Field(..., description="Địa danh ghi trên văn bản, như đã ghi.")
    document_place: str = Field(
        ...,
        description="Địa danh dùng trên văn bản: của tổ chức, hoặc của tổ chức cấp trên gần nhất.",
    )
    staff_headcount: int | None
    hardship_area: bool
    established_decision: str
    dissolved_decision: str
    address: str
    phone: str
    email: str
    ancestors: list[OrgRef]
    counts: OrgCounts

    @staticmethod
    def resolve_document_place(obj: Organization) -> str:
        return obj.document_place()


class TreeNodeOut(Schema):
    code: str
    name: str = Field(..., description="Tên tại ngày được hỏi.")
    kind: OrgKind
    kind_label: str
    parent_code: str | None
    depth: int
    valid_from: dt.date
    valid_until: dt.date | None

    @staticmethod
    def resolve_code(obj: TreePosition) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_kind_label(obj: TreePosition) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: TreePosition) -> str | None:
        return obj.parent.code if obj.parent_id else None


class OrgEventOut(Schema):
    id: int
    kind: choice(OrgEvent.Kind)
    kind_label: str
    happened_on: dt.date
    decision_number: str
    decision_signed_on: dt.date | None
    decision_issuer: str
    related_code: str | None
    related_name: str | None
    details: dict[str, Any]
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: OrgEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_related_code(obj: OrgEvent) -> str | None:
        return obj.related.code if obj.related_id else None

    @staticmethod
    def resolve_related_name(obj: OrgEvent) -> str | None:
        return obj.related.name if obj.related_id else None


def org_detail(org: Organization) -> Organization:
    """Return ``org`` ready for ``OrgDetailOut``: with its ancestors and counts attached."""
    subtree = selectors.orgs_under(org)
    org.ancestors = [{"code": a.code, "name": a.name} for a in selectors.ancestors_of(org)]
    org.counts = {
        "children": selectors.children_of(org).count(),
        "organizations": subtree.count(),
        "cells": subtree.filter(kind__in=CELL_KINDS).count(),
    }
    return org


# --------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------


COMMITTEE_DESCRIPTION = (
    "Tên cấp ủy ký văn bản («Tỉnh ủy Lạc Hồng» của «Đảng bộ tỉnh Lạc Hồng»); trống: suy ra từ tên."
)
PLACE_DESCRIPTION = "Địa danh ghi trên văn bản; trống: dùng địa danh của tổ chức cấp trên."


class FoundIn(InputSchema):
    code: text(30, min_length=1, pattern=CODE_PATTERN, message=CODE_MESSAGE)
    name: text(255, min_length=1)
    kind: OrgKind
    established_on: Day
    decision: Decision | None = None
    sector: text(30) | None = Field(
        None, description="Mã loại hình tổ chức cơ sở đảng (XA_PHUONG, HANH_CHINH…)."
    )
    staff_headcount: int | None = Field(None, ge=0, le=10_000_000)
    hardship_area: bool = False
    committee_name: text(255) = Field("", description=COMMITTEE_DESCRIPTION)
    place_name: text(100) = Field("", description=PLACE_DESCRIPTION)
    address: text(255) = ""
    phone: text(30) = ""
    email: text(254) = ""


class OrgPatchIn(InputSchema):
    sector: text(30) | None = None
    staff_headcount: int | None = Field(None, ge=0, le=10_000_000)
    hardship_area: bool | None = None
    committee_name: text(255) | None = Field(None, description=COMMITTEE_DESCRIPTION)
    place_name: text(100) | None = Field(None, description=PLACE_DESCRIPTION)
    address: text(255) | None = None
    phone: text(30) | None = None
    email: text(254) | None = None
    established_decision: text(100) | None = None


class RenameIn(InputSchema):
    name: text(255, min_length=1)
    happened_on: Day
    decision: Decision | None = None


class MoveIn(InputSchema):
    new_parent: OrgCode = Field(..., description="Mã tổ chức cấp trên mới.")
    happened_on: Day
    decision: Decision | None = None


class ChangeKindIn(InputSchema):
    kind: OrgKind
    happened_on: Day
    decision: Decision | None = None


class RestoreIn(InputSchema):
    happened_on: Day
    note: text(1000) = ""


class TreeQuery(InputSchema):
    on: Day | None = Field(None, description="Ngày cần xem cây tổ chức (mặc định: hôm nay).")


class ChildrenQuery(InputSchema):
    include_dissolved: bool = False


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def referenced_org(
    request: HttpRequest, code: str, capability: Capability, field: str
) -> Organization:
    """Return an organization named in the request body; unknown or out of reach is a 422 on ``field``."""
    try:
        return org_for(request, code, capability)
    except Http404:
        raise DomainError({field: f"Không tìm thấy tổ chức có mã «{code}»."}) from None
    except PermissionDenied:
        raise PermissionDenied(
            f"Bạn không có quyền thực hiện thao tác này ở tổ chức «{code}»."
        ) from None


def _sector(code: str | None) -> Sector | None:
    if not code:
        return None
    sector = Sector.objects.filter(code=code, is_active=True).first()
    if sector is None:
        raise DomainError({"sector": f"Không có loại hình «{code}»."})
    return sector


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------


@router.get(
    "/orgs/", response=responses(list[OrgOut]), summary="Các tổ chức cao nhất người dùng được giao"
)
@paginate(Pages)
def list_top_orgs(request: HttpRequest):
    roots = scope_of(request).roots()
    return (
        Organization.objects.filter(pk__in=roots)
        .select_related("parent", "sector")
        .order_by("path")
    )


@router.get("/o/{code}/", response=responses(OrgDetailOut), summary="Thông tin một tổ chức")
def get_org(request: HttpRequest, code: OrgCode):
    return org_detail(org_for(request, code, Capability.VIEW_ORGS))


@router.get(
    "/o/{code}/children/", response=responses(list[OrgOut]), summary="Các tổ chức trực thuộc"
)
@paginate(Pages)
def list_children(request: HttpRequest, code: OrgCode, filters: Query[ChildrenQuery]):
    org = org_for(request, code, Capability.VIEW_ORGS)
    return selectors.children_of(org, include_dissolved=filters.include_dissolved)


@router.get(
    "/o/{code}/tree/", response=responses(list[TreeNodeOut]), summary="Cây tổ chức tại một ngày"
)
@paginate(Pages)
def tree_on(request: HttpRequest, code: OrgCode, filters: Query[TreeQuery]):
    org = org_for(request, code, Capability.VIEW_ORGS)
    on = filters.on or timezone.localdate()
    return (
        selectors.positions_under(org, on).select_related("parent").order_by("path", "valid_from")
    )


@router.get(
    "/o/{code}/events/", response=responses(list[OrgEventOut]), summary="Các sự kiện của tổ chức"
)
@paginate(Pages)
def list_events(request: HttpRequest, code: OrgCode):
    return selectors.events_of(org_for(request, code, Capability.VIEW_ORGS))


# --------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------


@router.post(
    "/o/{code}/children/",
    response=responses(OrgDetailOut, 201),
    summary="Thành lập tổ chức trực thuộc",
)
def found_child(request: HttpRequest, code: OrgCode, payload: FoundIn):
    parent = org_for(request, code, Capability.MANAGE_ORGS)
    data = payload.dict(exclude={"decision", "sector"})
    org = services.found_organization(
        actor=request.user, parent=parent, decision=decision_dict(payload.decision),
        sector=_sector(payload.sector), **data,
    )  # fmt: skip
    return Status(201, org_detail(org))


@router.patch(
    "/o/{code}/", response=responses(OrgDetailOut), summary="Sửa thông tin mô tả của tổ chức"
)
def update_org(request: HttpRequest, code: OrgCode, payload: OrgPatchIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    changes = payload.dict(exclude_unset=True)
    if "sector" in changes:
        changes["sector"] = _sector(changes["sector"])
    for field in ("address", "phone", "email", "established_decision", "hardship_area",
                  "committee_name", "place_name"):  # fmt: skip
        if field in changes and changes[field] is None:
            raise DomainError({field: "Giá trị không được để trống (null)."})
    org = services.update_organization(actor=request.user, org=org, **changes)
    return org_detail(org)


@router.post("/o/{code}/rename", response=responses(OrgDetailOut), summary="Đổi tên tổ chức")
def rename_org(request: HttpRequest, code: OrgCode, payload: RenameIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    org = services.rename_organization(
        actor=request.user, org=org, name=payload.name, on=payload.happened_on,
        decision=decision_dict(payload.decision),
    )  # fmt: skip
    return org_detail(org)


@router.post(
    "/o/{code}/move",
    response=responses(OrgDetailOut),
    summary="Chuyển tổ chức sang trực thuộc tổ chức khác",
)
def move_org(request: HttpRequest, code: OrgCode, payload: MoveIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    new_parent = referenced_org(request, payload.new_parent, Capability.MANAGE_ORGS, "new_parent")
    org = services.move_organization(
        actor=request.user, org=org, new_parent=new_parent, on=payload.happened_on,
        decision=decision_dict(payload.decision),
    )  # fmt: skip
    return org_detail(org)


@router.post(
    "/o/{code}/change-kind", response=responses(OrgDetailOut), summary="Chuyển loại tổ chức"
)
def change_org_kind(request: HttpRequest, code: OrgCode, payload: ChangeKindIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    org = services.change_kind(
        actor=request.user, org=org, kind=payload.kind, on=payload.happened_on,
        decision=decision_dict(payload.decision),
    )  # fmt: skip
    return org_detail(org)


@router.post(
    "/o/{code}/restore",
    response=responses(OrgDetailOut),
    summary="Khôi phục tổ chức đã giải thể do nhầm",
)
def restore_org(request: HttpRequest, code: OrgCode, payload: RestoreIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    org = services.restore_organization(
        actor=request.user, org=org, on=payload.happened_on, note=payload.note
    )
    return org_detail(org)
