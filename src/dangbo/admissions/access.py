"""Reaching an admission file from a request: the scoped getter the pages and the API share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.organizations.models import Organization

from . import selectors
from .models import Candidate


def candidate_for(request, pk: int, capability: Capability) -> Candidate:
    """Return file ``pk`` if its cell lies in the user's subtrees (else 404) and ``capability``
    is granted there (else 403)."""
    scope = scope_of(request)
    candidate = selectors.get_candidate(scope.paths(), pk)
    if not scope.can(capability, candidate.organization):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này với hồ sơ này.")
    return candidate


def check_can_decide(request, decided_by: Organization) -> None:
    """Refuse (403) recording a decision on behalf of a committee the user does not manage."""
    if not scope_of(request).can(Capability.MANAGE_ADMISSIONS, decided_by):
        raise PermissionDenied(
            f"Chỉ cán bộ có quyền quản lý đảng viên tại «{decided_by.name}» (cấp ủy quyết định) "
            f"mới ghi được quyết định này."
        )


def sees_personal_data(request, candidate: Candidate) -> bool:
    """Return whether the user may see the applicant's personal data (``PERSONAL_FIELDS``):
    those who see members' personal data there, and those who keep the admission file."""
    scope = scope_of(request)
    return any(
        scope.can(capability, candidate.organization)
        for capability in (Capability.VIEW_PERSONAL_DATA, Capability.MANAGE_ADMISSIONS)
    )
