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
