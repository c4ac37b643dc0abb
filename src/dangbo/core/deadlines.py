"""A deadline one of the domain apps computed: what is due, for whom, by when, under which rule.

The domain apps return these from their selectors; the deadline radar
(``dangbo.deadlines``) gathers them for a subtree and sorts them, soonest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


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
    # The record the deadline is derived from ("admissions.candidate", "members.member",
    # "members.transfer"…) and its number: the stored radar (``dangbo.deadlines.store``)
    # recomputes the deadlines of one record when its facts change.
    subject_type: str = ""
    subject_id: int | None = None
    # The other end of a transfer: the radar of a subtree holding only that end shows it there.
    other_organization_id: int | None = None
    # The last day the radar still shows it (None: until it is done). A badge never recorded
    # leaves the radar a year after it fell due.
    shown_until: dt.date | None = None
    # The first day the radar shows it (None: at once). A cell's regular meeting of a month
    # becomes something to do on the month's first day, not a year ahead of it; the source
    # still returns it whatever the day asked (the stored rows are read on later days).
    shown_from: dt.date | None = None
    # What ``detail`` says once the deadline is overdue, when that depends on the day (a badge
    # not yet due says when the member reached the milestone; overdue, that it was not recorded).
    late_detail: str = ""

    def detail_on(self, today: dt.date) -> str:
        """``detail`` as it reads on ``today``."""
        return self.late_detail if self.late_detail and today > self.due_on else self.detail

    def is_shown(self, today: dt.date) -> bool:
        """Whether the radar of ``today`` shows it (from ``shown_from`` to ``shown_until``)."""
        return (self.shown_from is None or self.shown_from <= today) and (
            self.shown_until is None or today <= self.shown_until
        )

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days

    def is_overdue(self, today: dt.date) -> bool:
        return not self.milestone and today > self.due_on

    def is_reached(self, today: dt.date) -> bool:
        """Whether its day has come (due today or earlier; overdue unless a milestone)."""
        return today >= self.due_on


# A number no record has, put in the URL once to find where the record's own number goes.
_URL_MARK = 9_876_543_210


def url_maker(name: str, kwarg: str) -> Callable[[object], str]:
    """Return ``pk -> reverse(name, kwargs={kwarg: pk})`` that reverses only once.

    A source of the radar may return tens of thousands of deadlines; reversing
    the URL of each is most of its Python time. The URL is reversed with a
    marker number and the record's number is put in its place.
    """
    head, sep, tail = reverse(name, kwargs={kwarg: _URL_MARK}).rpartition(str(_URL_MARK))
    if not sep:  # a converter that changed the number: reverse each time
        return lambda pk: reverse(name, kwargs={kwarg: pk})
    return lambda pk: f"{head}{pk}{tail}"
