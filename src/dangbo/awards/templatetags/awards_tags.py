"""``{% member_badges member %}``: the member's Party badges on the member page.

The members app sits below awards (the domain map), so its view does not
import this app; its template loads this tag, which reads the awards itself::

    {% load awards_tags %}
    {% member_badges member %}
"""

from django import template

from dangbo.awards.selectors import awards_of, badge_outlook

register = template.Library()


@register.inclusion_tag("awards/_member_badges.html", takes_context=True)
def member_badges(context, member):
    """Render the member's badges, the milestone reached without one and the next milestone."""
    return {
        "member": member,
        "badges": awards_of(member),
        "badge_outlook": badge_outlook(member) if member.admitted_on else None,
        "can_manage": context.get("can_manage_awards", False),
        "request": context.get("request"),
    }
