"""Which kinds of deadline a reader sees: those of the modules their role reaches."""

from __future__ import annotations

from collections.abc import Callable

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.organizations.models import Organization

# A deadline's kind starts with the app that computes it; the radar shows it to a reader
# holding that app's reading capability at the organization asked. Any other kind needs
# the radar's own capability (the member list).
KIND_CAPABILITIES: dict[str, Capability] = {
    "admissions": Capability.VIEW_ADMISSIONS,
    "members": Capability.VIEW_TRANSFERS,
    "awards": Capability.VIEW_AWARDS,
    "meetings": Capability.VIEW_MEETINGS,
}
RADAR_CAPABILITY = Capability.VIEW_MEMBERS


def visible_kinds(request, org: Organization) -> Callable[[str], bool]:
    """Return a test ``kind -> bool``: whether the request's user may see that kind under ``org``."""
    scope = scope_of(request)
    allowed = {app: scope.can(capability, org) for app, capability in KIND_CAPABILITIES.items()}

    def visible(kind: str) -> bool:
        return allowed.get(kind.split(".", 1)[0], True)

    return visible
