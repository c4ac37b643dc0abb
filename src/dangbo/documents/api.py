"""The outgoing register through the API: every document the subtree's committees issued."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangbo.accounts.access import org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import Day, InputSchema, OrgCode, Pages, choice, responses, text

from . import selectors, services
from .models import CommitteeTerm, IssuedDocument
from .rules import DocType, IssuingBody

router = Router(tags=["Sổ đăng ký văn bản đi"])


class IssuedDocumentOut(Schema):
    id: int
    number: int = Field(..., description="Số thứ tự trong loại văn bản và nhiệm kỳ (từ 01).")
    number_text: str = Field(..., description="Số và ký hiệu: «07-QĐ/ĐUK».")
    symbol: str
    doc_type: choice(DocType)
    doc_type_label: str
    issued_on: dt.date
    summary: str = Field(..., description="Trích yếu.")
    issuer_code: str = Field(..., description="Mã tổ chức có cấp ủy ban hành.")
    issuer_committee: str = Field(..., description="Tên cấp ủy ban hành.")
    issuing_body: choice(IssuingBody)
    issuing_body_label: str
    signer: str
    term: str | None = Field(..., description="Nhiệm kỳ cấp ủy (trống: chưa ghi nhiệm kỳ).")
    external: bool = Field(..., description="Số đã cấp ngoài hệ thống, được ghi vào sổ.")
    file_url: str | None = Field(..., description="Đường dẫn tải văn bản do hệ thống lập.")

    @staticmethod
    def resolve_doc_type_label(obj: IssuedDocument) -> str:
        return obj.get_doc_type_display()

    @staticmethod
    def resolve_issuer_code(obj: IssuedDocument) -> str:
        return obj.issuer.code

    @staticmethod
    def resolve_issuer_committee(obj: IssuedDocument) -> str:
        return obj.issuer.committee

    @staticmethod
    def resolve_issuing_body_label(obj: IssuedDocument) -> str:
        return obj.get_issuing_body_display()

    @staticmethod
    def resolve_term(obj: IssuedDocument) -> str | None:
        return obj.term.label if obj.term_id else None

    @staticmethod
    def resolve_file_url(obj: IssuedDocument) -> str | None:
        return selectors.file_url(obj) or None


class RegisterFilterIn(InputSchema):
    doc_type: choice(DocType, blank=True) = ""
    year: int | None = Field(None, ge=1930, le=2100, description="Năm ban hành.")


@router.get(
    "/o/{code}/documents",
    response=responses(list[IssuedDocumentOut]),
    summary="Sổ đăng ký văn bản đi của cây tổ chức",
)
@paginate(Pages)
def list_register(request: HttpRequest, code: OrgCode, filters: Query[RegisterFilterIn]):
    """The documents the committees of the subtree issued, newest first, each with its number."""
    org = org_for(request, code, Capability.VIEW_MEMBERS)
    return selectors.register_under(org, doc_type=filters.doc_type, year=filters.year)


class CommitteeTermOut(Schema):
    id: int
    label: str
    starts_on: dt.date = Field(..., description="Ngày sau ngày bế mạc đại hội.")
    ends_on: dt.date | None = Field(
        ..., description="Ngày bế mạc đại hội sau (trống: đang diễn ra)."
    )


class CommitteeTermIn(InputSchema):
    label: text(50, min_length=1) = Field(..., description="Nhiệm kỳ, ví dụ 2025–2030.")
    starts_on: Day = Field(
        ..., description="Ngày sau ngày bế mạc đại hội: số văn bản bắt đầu lại từ 01."
    )
    ends_on: Day | None = Field(None, description="Ngày bế mạc đại hội nhiệm kỳ sau.")


@router.get(
    "/o/{code}/committee-terms",
    response=responses(list[CommitteeTermOut]),
    summary="Các nhiệm kỳ của cấp ủy",
)
def list_terms(request: HttpRequest, code: OrgCode):
    org = org_for(request, code, Capability.VIEW_MEMBERS)
    return CommitteeTerm.objects.filter(organization=org).order_by("-starts_on")


@router.post(
    "/o/{code}/committee-terms",
    response=responses(CommitteeTermOut, 201),
    summary="Ghi một nhiệm kỳ của cấp ủy (số văn bản bắt đầu lại từ 01)",
)
def record_term(request: HttpRequest, code: OrgCode, payload: CommitteeTermIn):
    org = org_for(request, code, Capability.MANAGE_ORGS)
    term = services.record_term(actor=request.user, organization=org, **payload.dict())
    return Status(201, term)
