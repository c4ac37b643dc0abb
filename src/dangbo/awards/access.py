"""Reaching one award: the scoped getter the pages and the API share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import OWN_RECORD_CAPABILITIES, Capability

from . import selectors
from .models import BadgeAward


def award_for(request, pk: int, capability: Capability) -> BadgeAward:
    """Return award ``pk`` if the user reaches its member (else 404) with ``capability`` (else 403).

    A user with the member role sees their own badges.
    """
    scope = scope_of(request)
    own = scope.own_member_id if capability in OWN_RECORD_CAPABILITIES else None
    award = selectors.get_award(scope.paths(), pk, own_member_id=own)
    org = award.member.organization
    if award.member_id == own and (org is None or not scope.covers(org)):
        return award
    if org is None or not scope.can(capability, org):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này với hồ sơ này.")
    return award
