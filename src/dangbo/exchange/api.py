"""The exchange workbook over the API: GET /api/v1/o/{code}/exchange returns the file."""

from django.http import FileResponse, HttpRequest
from ninja import Router

from dangbo.accounts.access import org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import ERRORS, OrgCode
from dangbo.core.xlsx import XLSX_CONTENT_TYPE

from .views import exchange_download

router = Router(tags=["Tệp trao đổi"])

FILE_RESPONSE = {
    200: {
        "description": "Tệp trao đổi dữ liệu (XLSX) của tổ chức và cây trực thuộc.",
        "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/o/{code}/exchange",
    response=ERRORS,
    summary="Tải tệp trao đổi dữ liệu",
    description=(
        "Tệp XLSX theo định dạng trao đổi (docs/exchange-format.md): tổ chức với lịch sử, đảng "
        "viên với sự kiện và chức vụ, người dùng và vai trò (không có mật khẩu). Cần quyền quản "
        "lý người dùng ở tổ chức."
    ),
    openapi_extra={"responses": FILE_RESPONSE},
)
def download_exchange(request: HttpRequest, code: OrgCode) -> FileResponse:
    org = org_for(request, code, Capability.MANAGE_USERS)
    return exchange_download(org, request.user)
