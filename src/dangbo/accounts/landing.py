"""Where a user lands after signing in: the page of their work, by role.

The cell secretary lands on the cell's deadlines (the members one click away),
a committee's office on its subtree's deadlines, a module officer on the list
of their module's work (the admission files for the admissions officer), a
viewer on the indicators, a member on their own record.
"""

from __future__ import annotations

from django.urls import reverse

from .models import Module, Role, RoleAssignment

# The page of each role's work (an URL name taking the organization's code).
ROLE_PAGES: dict[str, str] = {
    Role.COMMITTEE_ADMIN: "deadlines",
    Role.CELL_SECRETARY: "deadlines",
    Role.VIEWER: "indicators",
}
# A module officer's page: the first of their modules in this order.
MODULE_PAGES: tuple[tuple[str, str], ...] = (
    (Module.ADMISSIONS, "admission-list"),
    (Module.REGISTRY, "member-list"),
    (Module.AWARDS, "badges"),
    (Module.INDICATORS, "indicators"),
)
# Which role decides when one user holds several over the same organization.
ROLE_ORDER = (Role.COMMITTEE_ADMIN, Role.MODULE_OFFICER, Role.CELL_SECRETARY, Role.VIEWER)


def page_of(role: str, modules: list[str] | None) -> str:
    """Return the URL name of the page of ``role``'s work (``org-detail`` when none fits)."""
    if role == Role.MODULE_OFFICER:
        held = set(modules or ())
        return next((page for module, page in MODULE_PAGES if module in held), "member-list")
    return ROLE_PAGES.get(role, "org-detail")


def landing_url(assignments: list[RoleAssignment]) -> str | None:
    """Return the page a user holding ``assignments`` (active, not the member role) lands on:
    that of the assignment highest in the tree (the strongest role there), or None."""
    held = [a for a in assignments if a.role in ROLE_ORDER and a.organization.path]
    if not held:
        return None
    top = min(held, key=lambda a: (a.organization.path, ROLE_ORDER.index(a.role)))
    return reverse(page_of(top.role, top.modules), kwargs={"code": top.organization.code})
