"""A deadline one of the domain apps computed: what is due, for whom, by when, under which rule.

The domain apps return these from their selectors; the deadline radar
(``dangbo.deadlines``) gathers them for a subtree and sorts them, soonest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    kind: str  # stable code, "admissions.decision", "members.transfer_presentation"...
    title: str  # what is due, in Vietnamese: "Quyết định kết nạp"
    subject: str  # whom it concerns: the member's or candidate's name
    organization_id: int  # the organization (usually the cell) the record belongs to
    organization_name: str
    organization_path: str
    due_on: dt.date  # the last day allowed (the deadline itself is still in time)
    rule: str  # the regulation that sets the limit: "QĐ 294-QĐ/TW, mục 4.3.1"
    url: str  # the page of the record behind it
    detail: str = ""  # one line more: "Chi bộ họp ngày 05/03/2026; gia hạn 30 ngày làm việc"
    # A milestone is a day on which something falls due (the end of probation), not a limit
    # that can be missed: from that day on it is due, never overdue. What must then be done by
    # when is a deadline of its own (the cell's proposal within 30 working days).
    milestone: bool = False

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days

    def is_overdue(self, today: dt.date) -> bool:
        return not self.milestone and today > self.due_on

    def is_reached(self, today: dt.date) -> bool:
        """Whether its day has come (due today or earlier; overdue unless a milestone)."""
        return today >= self.due_on
