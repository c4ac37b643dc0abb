"""The deadline radar API: what falls due in a subtree, soonest first, with the counts."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangbo.accounts.access import org_for
from dangbo.core.api import InputSchema, OrgCode, responses, text

from .access import RADAR_CAPABILITY, visible_kinds
from .selectors import DEFAULT_HORIZON, Radar, days_text, radar

router = Router(tags=["Theo dõi thời hạn"])

MAX_HORIZON_DAYS = 366


class RadarOrgOut(Schema):
    code: str
    name: str


class DeadlineOut(Schema):
    kind: str = Field(..., description="Mã loại việc, ví dụ «admissions.decision».")
    title: str = Field(..., description="Việc cần làm.")
    subject: str = Field(..., description="Đối tượng: họ tên đảng viên, quần chúng…")
    organization_code: str
    organization_name: str
    organization_label: str = Field(
        ..., description="Tên tổ chức kèm tên tổ chức cấp trên (nhiều chi bộ trùng tên)."
    )
    due_on: dt.date = Field(..., description="Hạn cuối (ngày đó vẫn còn trong hạn).")
    days_left: int = Field(..., description="Số ngày còn lại; số âm là số ngày đã quá hạn.")
    overdue: bool
    milestone: bool = Field(
        ...,
        description="Đúng: một mốc (như ngày hết thời kỳ dự bị), từ ngày đó là đến hạn, không bao "
        "giờ quá hạn; thời hạn phải làm sau mốc là một việc riêng.",
    )
    status: str = Field(
        ...,
        description="«quá hạn 3 ngày», «hết hạn hôm nay», «còn 12 ngày»; với một mốc: "
        "«đến hạn hôm nay», «đến hạn từ 3 ngày trước».",
    )
    rule: str = Field(..., description="Văn bản quy định thời hạn.")
    detail: str
    url: str = Field(..., description="Trang của hồ sơ liên quan.")


class RadarCountOut(Schema):
    kind: str
    label: str
    total: int
    overdue: int


class RadarOrgCountOut(Schema):
    code: str
    name: str
    own: bool = Field(
        ..., description="Đúng: hồ sơ trực tiếp của tổ chức được hỏi; sai: một tổ chức trực thuộc."
    )
    total: int
    overdue: int
    due_soon: int = Field(..., description="Chưa quá hạn, đến hạn trong 30 ngày.")


class RadarOut(Schema):
    organization: RadarOrgOut
    today: dt.date
    horizon_days: int
    until: dt.date
    total: int
    overdue: int
    due_soon: int = Field(..., description="Chưa quá hạn, đến hạn trong 30 ngày.")
    upcoming: int = Field(..., description="Chưa quá hạn, đến hạn trong khoảng đã chọn.")
    kinds: list[RadarCountOut]
    organizations: list[RadarOrgCountOut] = Field(
        ...,
        description="Theo từng tổ chức trực thuộc trực tiếp (và hồ sơ trực tiếp của chính tổ chức), "
        "theo thứ tự cây; chỉ các tổ chức có việc.",
    )
    items: list[DeadlineOut] = Field(..., description="Quá hạn trước, rồi theo hạn cuối.")


class RadarFilterIn(InputSchema):
    horizon_days: int = Field(
        DEFAULT_HORIZON, ge=0, le=MAX_HORIZON_DAYS, description="Số ngày tính từ hôm nay."
    )
    kind: text(100) = Field("", description="Chỉ lấy loại việc này.")
    overdue_only: bool = Field(False, description="Chỉ lấy việc đã quá hạn.")


def radar_out(result: Radar) -> dict:
    today = result.today
    return {
        "organization": {"code": result.org.code, "name": result.org.name},
        "today": today,
        "horizon_days": result.horizon_days,
        "until": result.until,
        "total": result.total,
        "overdue": result.overdue,
        "due_soon": result.soon,
        "upcoming": result.upcoming,
        "kinds": [vars(k) for k in result.by_kind],
        "organizations": [
            {
                "code": r.code,
                "name": r.name,
                "own": r.is_self,
                "total": r.total,
                "overdue": r.overdue,
                "due_soon": r.soon,
            }
            for r in result.by_org
        ],
        "items": [
            {
                "kind": d.kind,
                "title": d.title,
                "subject": d.subject,
                "organization_code": result.org_codes.get(d.organization_id, ""),
                "organization_name": d.organization_name,
                "organization_label": result.org_labels.get(d.organization_id, d.organization_name),
                "due_on": d.due_on,
                "days_left": d.days_left(today),
                "overdue": d.is_overdue(today),
                "milestone": d.milestone,
                "status": days_text(d, today),
                "rule": d.rule,
                "detail": d.detail,
                "url": d.url,
            }
            for d in result.items
        ],
    }


@router.get(
    "/o/{code}/deadlines",
    response=responses(RadarOut),
    summary="Thời hạn cần theo dõi của cây tổ chức",
)
def deadline_radar(request: HttpRequest, code: OrgCode, filters: Query[RadarFilterIn]):
    """What falls due in the subtree at ``code`` within ``horizon_days`` (overdue included):
    admissions, transfers, Party badges…, the most overdue first, then by due date; with the
    counts per kind and per organization directly under ``code``."""
    org = org_for(request, code, RADAR_CAPABILITY)
    result = radar(
        org,
        timezone.localdate(),
        horizon_days=filters.horizon_days,
        kinds=[filters.kind] if filters.kind else None,
        overdue_only=filters.overdue_only,
        visible=visible_kinds(request, org),
    )
    return radar_out(result)
