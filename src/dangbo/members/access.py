"""Reaching a transfer of party activity from a request: either end may see it, each acts on its side.

A transfer is visible to the users whose subtree holds its sending or its
receiving cell (404 otherwise, as for one that does not exist); the
capability must be granted at one of those ends (403). What each end may do is
checked on top: the sending side issues the letter, cancels and records the
return; the receiving side confirms the arrival.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.organizations.models import Organization

from .models import Transfer
from .selectors import get_transfer


def transfer_for(request, pk: int, capability: Capability) -> Transfer:
    """Return transfer ``pk`` if the user reaches one of its ends (else 404) with ``capability`` there (else 403)."""
    scope = scope_of(request)
    transfer = get_transfer(scope.paths(), pk)
    ends = [o for o in (transfer.from_organization, transfer.to_organization) if o is not None]
    if not any(scope.can(capability, o) for o in ends):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này với lần chuyển này.")
    return transfer


def sending_side(transfer: Transfer) -> Organization | None:
    """The end that owns the transfer: the cell the member leaves (the receiving cell for one from outside)."""
    if transfer.direction == Transfer.Direction.INCOMING:
        return transfer.to_organization
    return transfer.from_organization


def can_act(request, transfer: Transfer, side: str) -> bool:
    """Return whether the user manages members at the ``side`` ("sending" or "receiving") end."""
    org = sending_side(transfer) if side == "sending" else transfer.to_organization
    return org is not None and scope_of(request).can(Capability.MANAGE_MEMBERS, org)


SIDE_REFUSALS = {
    "sending": "Chỉ cấp ủy nơi đi (quản lý chi bộ đảng viên đang sinh hoạt) thực hiện thao tác này.",
    "receiving": "Chỉ cấp ủy nơi đến (quản lý chi bộ tiếp nhận) xác nhận tiếp nhận đảng viên.",
}


def require_side(request, transfer: Transfer, side: str) -> None:
    """Raise 403 unless the user manages members at the ``side`` end of ``transfer``."""
    if not can_act(request, transfer, side):
        raise PermissionDenied(SIDE_REFUSALS[side])


def sees_personal_data(request, member) -> bool:
    """Return whether the user may see ``member``'s personal data (``PERSONAL_FIELDS``).

    The member sees their own; others need VIEW_PERSONAL_DATA over the member's
    (current or last) organization.
    """
    scope = scope_of(request)
    if member.pk is not None and member.pk == scope.own_member_id:
        return True
    org = member.organization
    return org is not None and scope.can(Capability.VIEW_PERSONAL_DATA, org)


def masked(value):
    """What a personal field shows to those who may not see it: nothing."""
    return None if value is None else ""


def personal_resolver(field: str, sees=None):
    """A resolver that serves ``field`` to those who may see the record's personal data
    (``sees(request, obj)``, by default ``members.access.sees_personal_data``) and
    masks it for the others."""
    check = sees or sees_personal_data

    def resolve(obj, context):
        value = getattr(obj, field)
        request = (context or {}).get("request")
        return value if request is not None and check(request, obj) else masked(value)

    return staticmethod(resolve)
