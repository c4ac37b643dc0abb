"""Capabilities, and what a user may see and do where.

A user's scope is the union of their role assignments: each gives a set of
capabilities over the subtree of its organization. Every view and endpoint
declares the capability it needs; the organization in the URL must lie in a
subtree the user holds (else 404), and the capability must be granted there
(else 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dangbo.organizations.models import Organization

from .models import Module, Role, RoleAssignment


class Capability(StrEnum):
    VIEW_ORGS = "view_orgs"
    MANAGE_ORGS = "manage_orgs"
    # The registry: names, party data, status, cell and events of the members.
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    # Identity number, phone, address, email (members.models.PERSONAL_FIELDS).
    VIEW_PERSONAL_DATA = "view_personal_data"
    # Transfers of party activity and their letters (written with MANAGE_MEMBERS).
    VIEW_TRANSFERS = "view_transfers"
    # Admission files, plans, probation and recognition as official member.
    VIEW_ADMISSIONS = "view_admissions"
    MANAGE_ADMISSIONS = "manage_admissions"
    # Party badges.
    VIEW_AWARDS = "view_awards"
    MANAGE_AWARDS = "manage_awards"
    # Cell meetings, attendance and scores; rubrics, assignments and visits of the upper level.
    VIEW_MEETINGS = "view_meetings"
    MANAGE_MEETINGS = "manage_meetings"
    VIEW_INDICATORS = "view_indicators"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"


C = Capability
# What reading a subtree means for a viewer: everything but personal data, the audit log,
# imports and the exchange workbook.
VIEW = {C.VIEW_ORGS, C.VIEW_MEMBERS, C.VIEW_TRANSFERS, C.VIEW_ADMISSIONS, C.VIEW_AWARDS,
        C.VIEW_MEETINGS, C.VIEW_INDICATORS}  # fmt: skip
# What each module gives a module officer, on top of seeing the tree (MODULE_OFFICER_BASE):
# the data its work reads and the operations it performs. A module not built yet gives the
# member list its work will start from (no personal data).
MODULE_OFFICER_BASE = {C.VIEW_ORGS}
MODULE_CAPABILITIES: dict[str, set[Capability]] = {
    Module.REGISTRY: {C.VIEW_MEMBERS, C.MANAGE_MEMBERS, C.VIEW_PERSONAL_DATA, C.MANAGE_ORGS,
                      C.VIEW_TRANSFERS, C.VIEW_AUDIT},
    Module.INDICATORS: {C.VIEW_MEMBERS, C.VIEW_INDICATORS},
    Module.ADMISSIONS: {C.VIEW_MEMBERS, C.VIEW_ADMISSIONS, C.MANAGE_ADMISSIONS},
    Module.AWARDS: {C.VIEW_MEMBERS, C.VIEW_AWARDS, C.MANAGE_AWARDS},
    Module.MEETINGS: {C.VIEW_MEMBERS, C.VIEW_MEETINGS, C.MANAGE_MEETINGS},
    Module.EVALUATION: {C.VIEW_MEMBERS},
    Module.INSPECTION: {C.VIEW_MEMBERS},
    Module.EDUCATION: {C.VIEW_MEMBERS},
    Module.COMMITMENTS: {C.VIEW_MEMBERS},
    Module.DUES: {C.VIEW_MEMBERS},
}  # fmt: skip
ROLE_CAPABILITIES: dict[str, set[Capability]] = {
    Role.COMMITTEE_ADMIN: set(Capability),
    Role.VIEWER: set(VIEW),
    # The cell's own work: its registry (personal data included), admissions, badges, meetings.
    Role.CELL_SECRETARY: VIEW | {C.MANAGE_MEMBERS, C.VIEW_PERSONAL_DATA, C.MANAGE_ADMISSIONS,
                                 C.MANAGE_AWARDS, C.MANAGE_MEETINGS},
    Role.MODULE_OFFICER: set(MODULE_OFFICER_BASE),  # plus the capabilities of the modules named
    Role.MEMBER: set(),  # own record only
}  # fmt: skip
# What a member reads of their own record, whatever their roles.
OWN_RECORD_CAPABILITIES = frozenset({C.VIEW_MEMBERS, C.VIEW_PERSONAL_DATA, C.VIEW_ADMISSIONS,
                                     C.VIEW_AWARDS})  # fmt: skip


def capabilities_of(assignment: RoleAssignment) -> frozenset[Capability]:
    caps = set(ROLE_CAPABILITIES.get(assignment.role, set()))
    if assignment.role == Role.MODULE_OFFICER:
        for module in assignment.modules or []:
            caps |= MODULE_CAPABILITIES.get(module, set())
    return frozenset(caps)


@dataclass
class Grant:
    path: str
    org_id: int
    capabilities: frozenset[Capability]


@dataclass
class Scope:
    """What one user may reach: subtrees with capabilities, and their own member record."""

    grants: list[Grant] = field(default_factory=list)
    own_member_id: int | None = None
    is_superuser: bool = False

    @classmethod
    def for_user(cls, user) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        assignments = (
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("organization")
            .exclude(organization__path__isnull=True)
        )
        scope = cls(is_superuser=user.is_superuser)
        for a in assignments:
            if a.role == Role.MEMBER:
                continue
            scope.grants.append(Grant(a.organization.path, a.organization_id, capabilities_of(a)))
        member = getattr(user, "member", None) if hasattr(user, "member") else None
        if member is not None:
            scope.own_member_id = member.pk
        return scope

    def paths(self, capability: Capability | None = None) -> list[str]:
        """Return the subtree paths where ``capability`` (any, if None) is granted."""
        return [g.path for g in self.grants if capability is None or capability in g.capabilities]

    def covers(self, org: Organization) -> bool:
        return any(org.path and org.path.startswith(g.path) for g in self.grants)

    def can(self, capability: Capability, org: Organization) -> bool:
        return any(
            org.path and org.path.startswith(g.path) and capability in g.capabilities
            for g in self.grants
        )

    def roots(self) -> list[int]:
        """Return the organizations at the top of the user's subtrees (nested grants folded in)."""
        paths = sorted({g.path for g in self.grants})
        tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        return [g.org_id for g in self.grants if g.path in tops]
