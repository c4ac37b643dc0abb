"""Users, roles and API tokens: every write audited."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.audit.services import record, snapshot
from dangbo.core.errors import DomainError
from dangbo.core.locking import lock
from dangbo.organizations.models import Organization

from .models import ApiToken, Module, Role, RoleAssignment

User = get_user_model()


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    validate_password: bool = True,
    organization: Organization | None = None,
):
    """Create a login. The password is checked against the password rules unless told otherwise.

    ``organization``: where the login is made (its first role's), for the audit log.
    """
    username = username.strip()
    if not username:
        raise DomainError({"username": "Tên đăng nhập không được để trống."})
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError({"username": f"Tên đăng nhập «{username}» đã có."})
    user = User(username=username, email=email.strip())
    user.first_name = full_name.strip()[:150]
    if validate_password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise DomainError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        after={"username": user.username, "full_name": user.first_name, "email": user.email},
        org_path=organization.path if organization is not None else "",
    )
    return user


@transaction.atomic
def grant_role(
    *, actor, user, role: str, organization: Organization, modules: list[str] | None = None
) -> RoleAssignment:
    """Give ``user`` a role over ``organization``'s subtree."""
    modules = list(modules or [])
    if role == Role.MODULE_OFFICER and not modules:
        raise DomainError(
            {"modules": "Cán bộ phụ trách phân hệ cần được giao ít nhất một phân hệ."}
        )
    bad = [m for m in modules if m not in Module.values]
    if bad:
        raise DomainError({"modules": f"Phân hệ không hợp lệ: {', '.join(bad)}."})
    if role == Role.CELL_SECRETARY and organization.kind not in (
        "GRASSROOTS_CELL",
        "DEPENDENT_CELL",
    ):
        raise DomainError({"organization": "Bí thư chi bộ chỉ được gán cho một chi bộ."})
    if organization.dissolved_on is not None:
        raise DomainError({"organization": f"«{organization.name}» đã giải thể."})
    assignment = RoleAssignment.objects.create(
        user=user, role=role, organization=organization, modules=modules
    )
    record(
        actor=actor,
        action="accounts.role_granted",
        target=user,
        after=snapshot(assignment),
        org_path=organization.path,
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    """Withdraw a role; the assignment is kept with its end time."""
    lock(assignment)
    if assignment.revoked_at is not None:
        raise DomainError("Quyền này đã được thu hồi.")
    before = snapshot(assignment)
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="accounts.role_revoked",
        target=assignment.user,
        before=before,
        after=snapshot(assignment),
        org_path=assignment.organization.path,
    )
    return assignment


@transaction.atomic
def issue_token(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """Issue an API token; the raw value is returned once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "API", prefix=raw[:10], digest=ApiToken.hash(raw)
    )
    record(
        actor=actor,
        action="accounts.token_issued",
        target=user,
        after={"token": token.prefix, "name": token.name},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    """Withdraw an API token; one already withdrawn keeps its time."""
    lock(token)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="accounts.token_revoked",
        target=token.user,
        after={"token": token.prefix},
    )
    return token


def user_for_token(raw: str):
    """Return the active user behind a raw token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    _mark_used(token)
    return token.user


# A token's last use is kept to the minute: a read through the API writes at most
# once a minute per token, so reads do not queue for the database's write lock.
TOKEN_USE_RESOLUTION = dt.timedelta(seconds=60)


def _mark_used(token: ApiToken) -> None:
    now = timezone.now()
    stale = now - TOKEN_USE_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    # Conditional: of several requests racing past the check above, one writes.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
    ).update(last_used_at=now)
