"""The exchange workbook over the API: ask an export, follow it, download its file.

POST /api/v1/o/{code}/exchange/exports queues the export (the task worker writes the file),
GET /api/v1/exchange/exports/{id} tells its state and progress, and
GET /api/v1/exchange/exports/{id}/file returns the file once it is done.
"""

import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from dangbo.accounts.access import check, org_for, scope_of
from dangbo.accounts.permissions import Capability
from dangbo.core.api import ERRORS, OrgCode, responses
from dangbo.core.xlsx import XLSX_CONTENT_TYPE

from . import jobs
from .models import ExportJob
from .selectors import get_export

router = Router(tags=["Tệp trao đổi"])

FILE_RESPONSE = {
    200: {
        "description": "Tệp trao đổi dữ liệu (XLSX) của tổ chức và cây trực thuộc.",
        "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


class ExportProgressOut(Schema):
    phase: str = ""
    done: int = 0
    total: int | None = None


class ExportJobOut(Schema):
    id: int
    organization_code: str
    as_of: dt.date
    status: str
    status_label: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    created_by: str | None
    filename: str
    size: int
    counts: dict[str, int]
    message: str
    progress: ExportProgressOut
    file_url: str | None

    @staticmethod
    def resolve_organization_code(obj: ExportJob) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_status_label(obj: ExportJob) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj: ExportJob) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_progress(obj: ExportJob) -> dict:
        return jobs.progress_of(obj)

    @staticmethod
    def resolve_file_url(obj: ExportJob) -> str | None:
        return (
            f"/api/v1/exchange/exports/{obj.pk}/file"
            if obj.status == ExportJob.Status.DONE
            else None
        )


def _export(request: HttpRequest, job_id: int) -> ExportJob:
    job = get_export(scope_of(request).paths(), job_id)
    check(request, Capability.MANAGE_USERS, job.organization)
    return job


@router.post(
    "/o/{code}/exchange/exports",
    response=responses(ExportJobOut, 201),
    summary="Xuất tệp trao đổi dữ liệu (chạy nền)",
    description=(
        "Bắt đầu xuất tệp XLSX theo định dạng trao đổi (docs/exchange-format.md): tổ chức với lịch "
        "sử, đảng viên với sự kiện và chức vụ, người dùng và vai trò (không có mật khẩu). Tệp được "
        "ghi ở tiến trình xử lý nền; theo dõi trạng thái rồi tải tệp khi xong. Cần quyền quản lý "
        "người dùng ở tổ chức."
    ),
)
def start_export(request: HttpRequest, code: OrgCode):
    org = org_for(request, code, Capability.MANAGE_USERS)
    job = jobs.request_export(actor=request.user, organization=org)
    job.refresh_from_db()
    return Status(201, job)


@router.get(
    "/exchange/exports/{job_id}",
    response=responses(ExportJobOut),
    summary="Một lần xuất tệp trao đổi: trạng thái, tiến độ",
)
def get_export_status(request: HttpRequest, job_id: int):
    return _export(request, job_id)


@router.get(
    "/exchange/exports/{job_id}/file",
    response=ERRORS,
    summary="Tải tệp trao đổi đã xuất",
    description="Tệp XLSX của một lần xuất đã xong; mỗi lần tải được ghi vào nhật ký thay đổi.",
    openapi_extra={"responses": FILE_RESPONSE},
)
def download_export(request: HttpRequest, job_id: int) -> FileResponse:
    return jobs.download(actor=request.user, job=_export(request, job_id))
