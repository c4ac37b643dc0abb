"""API of the signed-in user: who they are, their roles and what they may reach."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from dangbo.core.api import Day, InputSchema, choice, responses, text
from dangbo.organizations.api import CODE_MESSAGE, CODE_PATTERN, OrgRef
from dangbo.organizations.models import Organization, OrgKind

from . import setup
from .access import scope_of
from .models import Role, RoleAssignment

router = Router(tags=["Tài khoản"])


class RoleOut(Schema):
    id: int
    role: choice(Role)
    role_label: str
    organization: OrgRef
    modules: list[str]
    granted_at: dt.datetime


class GrantOut(Schema):
    organization: OrgRef
    capabilities: list[str]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_superuser: bool
    member_id: int | None
    roles: list[RoleOut]
    scope: list[GrantOut]


def _role(assignment: RoleAssignment) -> dict:
    org = assignment.organization
    return {
        "id": assignment.pk,
        "role": assignment.role,
        "role_label": assignment.get_role_display(),
        "organization": {"code": org.code, "name": org.name},
        "modules": list(assignment.modules or []),
        "granted_at": assignment.granted_at,
    }


@router.get("/me", response=responses(MeOut), summary="Người dùng hiện tại, vai trò và phạm vi")
def me(request: HttpRequest):
    user = request.user
    scope = scope_of(request)
    assignments = (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("organization")
        .order_by("granted_at", "id")
    )
    orgs = Organization.objects.in_bulk([g.org_id for g in scope.grants])
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.first_name,
        "email": user.email,
        "is_superuser": user.is_superuser,
        "member_id": scope.own_member_id,
        "roles": [_role(a) for a in assignments],
        "scope": [
            {
                "organization": {"code": orgs[g.org_id].code, "name": orgs[g.org_id].name},
                "capabilities": sorted(g.capabilities),
            }
            for g in scope.grants
            if g.org_id in orgs
        ],
    }


class SetupIn(InputSchema):
    code: text(30, min_length=1, pattern=CODE_PATTERN, message=CODE_MESSAGE)
    name: text(255, min_length=1)
    kind: OrgKind
    established_on: Day
    place_name: text(100, min_length=1)
    committee_name: text(255) = ""
    username: text(150, min_length=1)
    full_name: text(150, min_length=1)
    password: text(128, min_length=1)
    email: text(254) = ""


class SetupOut(Schema):
    organization: OrgRef
    username: str


@router.post(
    "/setup",
    response=responses(SetupOut, 201),
    summary="Khởi tạo hệ thống chưa có dữ liệu: tổ chức cao nhất và quản trị cấp ủy đầu tiên",
    description=(
        "Chỉ quản trị hệ thống (superuser), chỉ khi hệ thống chưa có tổ chức nào; như lệnh "
        "`dangbo init` và trang «Khởi tạo hệ thống». Đã khởi tạo rồi thì trả về 403."
    ),
)
def set_up(request: HttpRequest, payload: SetupIn):
    if not request.user.is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống được khởi tạo hệ thống.")
    if not setup.is_empty():
        raise PermissionDenied("Hệ thống đã được khởi tạo; khởi tạo không dùng được nữa.")
    done = setup.set_up_installation(actor=request.user, **payload.dict())
    org = done.organization
    return Status(201, {"organization": {"code": org.code, "name": org.name},
                        "username": done.user.username})  # fmt: skip
