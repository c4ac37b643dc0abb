"""The navigation every page shows: the user's top organizations and the links they may use."""

from django import template
from django.urls import NoReverseMatch, reverse

from dangbo.accounts.access import scope_of
from dangbo.accounts.permissions import Capability
from dangbo.organizations.models import Organization

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_for(context, org=None):
    """Return the top organizations, the organization the links point at and what the user may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {}
    scope = scope_of(request)
    tops = list(Organization.objects.filter(pk__in=scope.roots()).order_by("path"))
    current = (
        org if isinstance(org, Organization) and scope.covers(org) else (tops[0] if tops else None)
    )
    nav = {"tops": tops, "org": current, "own_member_id": scope.own_member_id}
    if current is not None:
        nav.update(
            can_members=scope.can(Capability.VIEW_MEMBERS, current),
            can_audit=scope.can(Capability.VIEW_AUDIT, current),
            can_users=scope.can(Capability.MANAGE_USERS, current),
            can_import=scope.can(Capability.MANAGE_MEMBERS, current),
            can_indicators=scope.can(Capability.VIEW_INDICATORS, current),
            can_admissions=scope.can(Capability.VIEW_ADMISSIONS, current),
            can_transfers=scope.can(Capability.VIEW_TRANSFERS, current),
            can_awards=scope.can(Capability.VIEW_AWARDS, current),
            can_quality=scope.can(Capability.MANAGE_MEMBERS, current),
        )
        try:
            nav["indicators_url"] = reverse("indicators", kwargs={"code": current.code})
        except NoReverseMatch:
            nav["indicators_url"] = ""
    return nav
