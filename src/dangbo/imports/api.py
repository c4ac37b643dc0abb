"""Imports through the API: upload a file, read the dry run, map columns, confirm, follow progress."""

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from dangbo.accounts.access import check, org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.api import (
    ERRORS,
    NO_NUL_PATTERN,
    Id,
    InputSchema,
    OrgCode,
    Pages,
    choice,
    responses,
    text,
)
from dangbo.core.errors import DomainError
from dangbo.core.xlsx import XLSX_CONTENT_TYPE

from . import reports, services, tasks
from .models import ImportIssue, ImportJob, ImportRow
from .selectors import get_job, jobs_under, rows_of

router = Router(tags=["Nhập dữ liệu"])

COLUMN_MESSAGE = "Chỉ số cột phải là số."
# An empty file part never reaches the view (Django drops it): declared non-empty.
UploadFile = Annotated[
    UploadedFile,
    WithJsonSchema({"type": "string", "format": "binary", "minLength": 1}),
]

XLSX_RESPONSE = {"responses": {200: {
    "description": "Báo cáo lỗi (XLSX).",
    "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}}}  # fmt: skip


class ImportColumnOut(Schema):
    index: int
    header: str
    field: str | None = None
    ignored: bool = False
    samples: list[str] = []


class ImportSheetOut(Schema):
    name: str
    kind: str | None = None
    header_row: int | None = None
    columns: list[ImportColumnOut] = []


class ImportProgressOut(Schema):
    phase: str = ""
    done: int = 0
    total: int | None = None


class ImportJobOut(Schema):
    id: int
    organization_code: str
    original_name: str
    file_kind: str
    size: int
    sha256: str
    status: str
    status_label: str
    mode: str
    confirm_matches: bool
    dry_run_only: bool
    decisions: dict[str, str]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    created_by: str | None
    sheets: list[ImportSheetOut]
    mapping_problems: list[str]
    summary: dict[str, Any]
    result: dict[str, Any]
    message: str
    file_removed_at: dt.datetime | None
    progress: ImportProgressOut

    @staticmethod
    def resolve_organization_code(obj: ImportJob) -> str:
        # Never empty here: a job without organization (the command line into an empty
        # installation) is in no one's scope until the file's tree holds it.
        return obj.organization.code if obj.organization is not None else ""

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_sheets(obj: ImportJob) -> list[dict]:
        return obj.mapping.get("sheets", [])

    @staticmethod
    def resolve_mapping_problems(obj: ImportJob) -> list[str]:
        from .engine import mapping_problems

        return mapping_problems(obj.mapping) if obj.status == ImportJob.Status.MAPPING else []

    @staticmethod
    def resolve_progress(obj: ImportJob) -> dict:
        return services.progress_of(obj)


class ImportIssueOut(Schema):
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str


class ImportRowOut(Schema):
    sheet: str
    row: int
    kind: str
    action: str
    label: str
    target_id: int | None
    changes: dict[str, list[str]]
    identity_changes: dict[str, list[str]]
    comparison: list[list[str]]


ColumnIndex = text(5, pattern=r"^[0-9]+$", message=COLUMN_MESSAGE)
# Declared by hand: pydantic would turn the keys' pattern into patternProperties.
SHEETS_SCHEMA = {
    "type": "object",
    "maxProperties": 50,
    "propertyNames": {"type": "string", "maxLength": 100, "pattern": NO_NUL_PATTERN},
    "additionalProperties": {
        "type": "object",
        "propertyNames": {"type": "string", "maxLength": 5, "pattern": "^[0-9]+$"},
        "additionalProperties": {"type": "string", "maxLength": 40, "pattern": NO_NUL_PATTERN},
    },
}


class ImportMappingIn(InputSchema):
    """For each sheet, by name: column index (as a string) → field key, or "" to skip the column."""

    sheets: Annotated[
        dict[text(100), dict[ColumnIndex, text(40)]], WithJsonSchema(SHEETS_SCHEMA)
    ] = Field(..., max_length=50)


class ImportConfirmIn(InputSchema):
    mode: choice(ImportJob.Mode) = ImportJob.Mode.ALL
    confirm_matches: bool = False


DECISIONS_SCHEMA = {
    "type": "object",
    "maxProperties": 1000,
    "propertyNames": {"type": "string", "maxLength": 120, "pattern": NO_NUL_PATTERN},
    "additionalProperties": {"type": "string", "enum": ["same", "different", ""]},
}


class ImportDecisionsIn(InputSchema):
    """The decision on each conflicting row, by "sheet:row": "same" (the same person as the
    member the row matched: update), "different" (someone else: an error), "" (take it back)."""

    decisions: Annotated[
        dict[text(120), Literal["same", "different", ""]],
        WithJsonSchema(DECISIONS_SCHEMA),
    ] = Field(..., max_length=1000)


class ImportRowsFilter(InputSchema):
    action: choice(ImportRow.Action, blank=True) = ""


def _job(request: HttpRequest, job_id: Id, capability=Capability.MANAGE_MEMBERS) -> ImportJob:
    job = get_job(scope_of(request).paths(), job_id)
    check(request, capability, job.organization)
    return job


def _check_kinds(request, job: ImportJob) -> None:
    for capability in services.capabilities_needed(job):
        check(request, capability, job.organization)


@router.post(
    "/o/{code}/imports",
    response=responses(ImportJobOut, 201),
    summary="Tải tệp lên để nhập (chạy thử trước)",
)
def upload(request: HttpRequest, code: OrgCode, file: File[UploadFile]):
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    from django.conf import settings

    if file.size > settings.DANGBO_MAX_UPLOAD_BYTES:
        raise DomainError(
            {"file": f"Tệp lớn quá {settings.DANGBO_MAX_UPLOAD_BYTES // (1024 * 1024)} MB."}
        )
    with tempfile.TemporaryDirectory() as folder:
        path = services.copy_upload(file, Path(folder))
        job = services.upload(
            actor=request.user, organization=org, path=path, filename=file.name or "tep"
        )
    if job.status == ImportJob.Status.QUEUED:
        tasks.enqueue_analysis(job)
        job.refresh_from_db()
    return Status(201, job)


@router.get(
    "/o/{code}/imports", response=responses(list[ImportJobOut]), summary="Các lần nhập trong cây"
)
@paginate(Pages)
def list_jobs(request: HttpRequest, code: OrgCode):
    org = org_for(request, code, Capability.MANAGE_MEMBERS)
    return jobs_under(org)


@router.get(
    "/imports/{job_id}",
    response=responses(ImportJobOut),
    summary="Một lần nhập: trạng thái, kết quả, tiến độ",
)
def get_job_detail(request: HttpRequest, job_id: Id):
    return _job(request, job_id)


@router.get(
    "/imports/{job_id}/issues",
    response=responses(list[ImportIssueOut]),
    summary="Lỗi và cảnh báo theo dòng",
)
@paginate(Pages)
def list_issues(request: HttpRequest, job_id: Id) -> Any:
    return ImportIssue.objects.filter(job=_job(request, job_id)).order_by("sheet", "row", "id")


@router.get(
    "/imports/{job_id}/rows",
    response=responses(list[ImportRowOut]),
    summary="Kế hoạch xử lý từng dòng",
)
@paginate(Pages)
def list_rows(request: HttpRequest, job_id: Id, filters: Query[ImportRowsFilter]) -> Any:
    return rows_of(_job(request, job_id), filters.action)


@router.post(
    "/imports/{job_id}/mapping", response=responses(ImportJobOut), summary="Ghép cột không nhận ra"
)
def set_mapping(request: HttpRequest, job_id: Id, payload: ImportMappingIn):
    job = _job(request, job_id)
    choices: dict[str, dict[int, str]] = {}
    for sheet, columns in payload.sheets.items():
        try:
            choices[sheet] = {int(index): key for index, key in columns.items()}
        except ValueError:
            raise DomainError({"sheets": COLUMN_MESSAGE}) from None
    job = services.set_mapping(actor=request.user, job=job, choices=choices)
    tasks.enqueue_analysis(job)
    job.refresh_from_db()
    return job


@router.post(
    "/imports/{job_id}/decisions",
    response=responses(ImportJobOut),
    summary="Quyết định các dòng xung đột",
    description=(
        "Dòng xung đột: trùng số thẻ hoặc số định danh với một đảng viên đã có nhưng khác họ tên, "
        "ngày sinh hoặc giới tính. Với mỗi dòng («trang:dòng»): «same» (cùng một người, cập nhật), "
        "«different» (khác người, coi là lỗi) hoặc chuỗi rỗng (bỏ quyết định). Tệp được kiểm tra lại."
    ),
)
def decide(request: HttpRequest, job_id: Id, payload: ImportDecisionsIn):
    job = _job(request, job_id)
    job = services.decide(actor=request.user, job=job, decisions=dict(payload.decisions))
    if job.status == ImportJob.Status.QUEUED:
        tasks.enqueue_analysis(job)
    job.refresh_from_db()
    return job


@router.post(
    "/imports/{job_id}/confirm", response=responses(ImportJobOut), summary="Xác nhận và nhập"
)
def confirm(request: HttpRequest, job_id: Id, payload: ImportConfirmIn):
    job = _job(request, job_id)
    _check_kinds(request, job)
    job = services.confirm(
        actor=request.user, job=job, mode=payload.mode, confirm_matches=payload.confirm_matches
    )
    tasks.enqueue_import(job)
    job.refresh_from_db()
    return job


@router.post(
    "/imports/{job_id}/cancel", response=responses(ImportJobOut), summary="Hủy, không nhập"
)
def cancel(request: HttpRequest, job_id: Id):
    return services.cancel(actor=request.user, job=_job(request, job_id))


@router.get(
    "/imports/{job_id}/report",
    response=ERRORS,
    summary="Báo cáo lỗi (Excel, lỗi ghi cạnh từng dòng)",
    description="Tệp XLSX: các trang của tệp đã tải lên, mỗi dòng kèm cột «Lỗi», và danh sách mọi lỗi.",
    openapi_extra=XLSX_RESPONSE,
)
def report(request: HttpRequest, job_id: Id) -> FileResponse:
    return reports.report_response(_job(request, job_id))
