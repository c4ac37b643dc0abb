"""The data-quality API: a subtree's report (totals, counts per organization) and findings."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dangbo.accounts.access import org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.api import InputSchema, OrgCode, Pages, responses

from .contrib import all_checks, record_types
from .selectors import MEMBER, ORGANIZATION, Finding, findings_under

router = Router(tags=["Chất lượng dữ liệu"])

# The report's checks and those the apps add (registered when the apps are ready).
CheckCode = Literal[tuple(all_checks())]
CheckFilter = Literal[("", *all_checks())]
RecordType = Literal[(MEMBER, ORGANIZATION, *record_types())]


class QualityOrgOut(Schema):
    code: str
    name: str


class QualityCheckOut(Schema):
    code: CheckCode
    title: str
    count: int


class QualityOrgCountsOut(Schema):
    code: str
    name: str
    depth: int = Field(..., description="Số cấp dưới tổ chức được kiểm tra (0: chính nó).")
    parent_name: str = Field(..., description="Tên tổ chức cấp trên.")
    counts: dict[str, int] = Field(..., description="Số phát hiện theo mã nội dung kiểm tra.")
    total: int


class QualityReportOut(Schema):
    organization: QualityOrgOut
    checked_on: dt.date
    members_checked: int
    organizations_checked: int
    total: int
    errors: int
    warnings: int
    checks: list[QualityCheckOut]
    organizations: list[QualityOrgCountsOut] = Field(
        ...,
        description="Các tổ chức có phát hiện, theo thứ tự cây; đếm trên hồ sơ của chính tổ chức.",
    )


class QualityFindingOut(Schema):
    check: CheckCode
    check_title: str
    severity: Literal["error", "warning"]
    record_type: RecordType
    record_id: int
    record_label: str
    organization_code: str
    organization_name: str
    organization_label: str = Field(
        ..., description="Tên tổ chức kèm tên tổ chức cấp trên (nhiều chi bộ trùng tên)."
    )
    field: str
    field_label: str
    message: str
    url: str = Field(..., description="Trang của hồ sơ (đảng viên, tổ chức, buổi sinh hoạt).")


class FindingsFilterIn(InputSchema):
    check: CheckFilter = Field("", description="Chỉ lấy phát hiện của nội dung kiểm tra này.")


@router.get(
    "/o/{code}/quality",
    response=responses(QualityReportOut),
    summary="Chất lượng dữ liệu của cây tổ chức",
)
def quality_report(request: HttpRequest, code: OrgCode):
    """Totals per check and counts per organization for the subtree at ``code``: required
    fields missing, impossible or inconsistent dates, personal identity numbers, probable
    duplicates, status disagreeing with the events, cells below 3 official members."""
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    return _report(request, org).as_dict()


def _report(request: HttpRequest, org):
    """The report with the checks of the modules the caller holds at ``org``."""
    scope = scope_of(request)
    return findings_under(org, today=timezone.localdate(), can=lambda c: scope.can(c, org))


def _finding_out(f: Finding) -> dict:
    if f.url:
        return {**f.as_dict(), "url": f.url}
    url = (
        reverse("member-detail", kwargs={"pk": f.record_id})
        if f.record_type == MEMBER
        else reverse("org-detail", kwargs={"code": f.org_code})
    )
    return {**f.as_dict(), "url": url}


class _FindingPage:
    """A list of findings that turns only the requested page into response dicts."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, index: slice) -> list[dict]:
        return [_finding_out(f) for f in self.findings[index]]


@router.get(
    "/o/{code}/quality/findings",
    response=responses(list[QualityFindingOut]),
    summary="Danh sách phát hiện về chất lượng dữ liệu",
)
@paginate(Pages)
def quality_findings(request: HttpRequest, code: OrgCode, filters: Query[FindingsFilterIn]):
    """The findings of the subtree at ``code`` (of one check with ``check``), each with the
    record it is about and a link to its page, in check, tree and name order."""
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    report = _report(request, org)
    return _FindingPage(report.findings_for(filters.check))
