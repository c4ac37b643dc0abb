"""The meetings' source of striking-off candidates (``members.striking``).

A member with an unexcused absence in 3 months of the calendar year up to the day asked is
proposed on the ground «bỏ sinh hoạt hoặc không đóng đảng phí 3 tháng trong năm»
(``rules.striking_off_finding``).
"""

from __future__ import annotations

import datetime as dt

from dangbo.members.models import Member
from dangbo.members.striking import StrikingCandidate, register_striking_source
from dangbo.organizations.models import Organization

from . import rules, selectors

GROUND = "MISSED_ACTIVITY_OR_DUES"


@register_striking_source
def missed_meetings(org: Organization, on: dt.date) -> list[StrikingCandidate]:
    months = selectors.unexcused_months(org, dt.date(on.year, 1, 1), on)
    found = {
        pk: f
        for pk, m in months.items()
        if (f := rules.striking_off_finding(on.year, m, on)) is not None
    }
    members = Member.objects.in_bulk(list(found))
    return [StrikingCandidate(members[pk], GROUND, found[pk].text) for pk in found if pk in members]
