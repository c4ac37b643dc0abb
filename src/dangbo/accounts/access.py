"""Resolving what a request may reach: the one place views and the API check access.

The organization named in the URL must lie in a subtree the user holds
(404 otherwise, the same answer as for a code that does not exist), and the
capability the view declares must be granted there (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangbo.members.models import Member
from dangbo.members.selectors import get_member
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import get_org

from .permissions import OWN_RECORD_CAPABILITIES, Capability, Scope


def scope_of(request) -> Scope:
    """Return the request user's scope, computed once per request."""
    scope = getattr(request, "_dangbo_scope", None)
    if scope is None:
        scope = Scope.for_user(getattr(request, "user", None))
        request._dangbo_scope = scope
    return scope


def org_for(request, code: str, capability: Capability) -> Organization:
    """Return the organization ``code`` if the user reaches it (else 404) with ``capability`` (else 403)."""
    scope = scope_of(request)
    org = get_org(scope.paths(), code)
    if not scope.can(capability, org):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này ở tổ chức này.")
    return org


def member_for(request, pk: int, capability: Capability) -> Member:
    """Return member ``pk`` if the user reaches them (else 404) with ``capability`` (else 403).

    A user with the member role reaches their own record for viewing only
    (``OWN_RECORD_CAPABILITIES``).
    """
    scope = scope_of(request)
    own = scope.own_member_id if capability in OWN_RECORD_CAPABILITIES else None
    member = get_member(scope.paths(), pk, own_member_id=own)
    if member.pk == own and not scope.covers(member.organization):
        return member
    if member.organization is None or not scope.can(capability, member.organization):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này với hồ sơ này.")
    return member


def check(request, capability: Capability, org: Organization) -> None:
    """Raise 404 if ``org`` is outside the user's subtrees, 403 without ``capability`` there."""
    scope = scope_of(request)
    if not scope.covers(org):
        raise Http404("Không tìm thấy tổ chức.")
    if not scope.can(capability, org):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này ở tổ chức này.")
