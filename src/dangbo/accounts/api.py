"""API of the signed-in user: who they are, their roles and what they may reach."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from dangbo.core.api import choice, responses
from dangbo.organizations.api import OrgRef
from dangbo.organizations.models import Organization

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
