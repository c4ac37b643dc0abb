"""Working days (ngày làm việc): the deadlines the regulations count in them.

Many time limits of the implementing regulation of the Statute are counted in
working days (QĐ 294-QĐ/TW mục 4.1, 4.3.1, 6.3.1: 30 or 60 working days).
A working day is a weekday that is not a public holiday under Bộ luật Lao động
2019 Điều 112, or a Saturday or Sunday the yearly schedule turns into a
working day (a make-up day for a swapped holiday). The holidays come from the
``holidays`` library's Vietnamese calendar (Tết included, with its yearly swaps
and substitutions), never from a hand-made list; a committee adds what the
library does not know (a day off decided locally, a newly decreed holiday, a
library holiday that turned out not to be one) as ``CalendarDay`` rows.

``WorkCalendar`` and the counting functions are pure; ``work_calendar`` builds
the calendar that applies to an organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

SATURDAY = 5


@dataclass(frozen=True)
class WorkCalendar:
    """Days off and working weekend days that override the plain Monday–Friday week."""

    days_off: frozenset[dt.date] = frozenset()
    working_weekend_days: frozenset[dt.date] = frozenset()
    names: tuple[tuple[dt.date, str], ...] = ()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_weekend_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < SATURDAY

    def name_of(self, day: dt.date) -> str:
        return dict(self.names).get(day, "")


def add_working_days(start: dt.date, count: int, calendar: WorkCalendar) -> dt.date:
    """Return the last day of a limit of ``count`` working days counted from ``start``.

    The day of the fact itself is not counted: "within 30 working days of the
    decision" ends on the 30th working day after the decision's date. With
    ``count`` 0 the answer is ``start``.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    # The answers are kept on the calendar: a list of thousands of limits (the deadline radar of
    # a province) counts from far fewer distinct days.
    known = calendar.__dict__.setdefault("_added", {})
    if (start, count) in known:
        return known[start, count]
    day = start
    left = count
    while left:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    known[start, count] = day
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """Return how many working days lie after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start`` (the working days from ``end`` to ``start``).
    """
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def vietnam_calendar(
    years: Iterable[int], *, extra: Iterable[tuple[dt.date, bool, str]] = ()
) -> WorkCalendar:
    """Return the Vietnamese working calendar of ``years``.

    ``extra`` are (day, is_working, name) overrides a committee recorded: a
    day off added, or a day made a working day (even one the library lists as
    a holiday).
    """
    years = sorted(set(years))
    vn = holidays.country_holidays("VN", years=years, language="vi")
    days_off = set(vn.keys())
    working = {d for d in getattr(vn, "weekend_workdays", set()) if d.year in years}
    names = {d: str(name) for d, name in vn.items()}
    for day, is_working, name in extra:
        if is_working:
            days_off.discard(day)
            if day.weekday() >= SATURDAY:
                working.add(day)
        else:
            working.discard(day)
            days_off.add(day)
        names[day] = name or names.get(day, "")
    return WorkCalendar(frozenset(days_off), frozenset(working), tuple(sorted(names.items())))


def work_calendar(org=None, *, years: Iterable[int]) -> WorkCalendar:
    """Return the working calendar for ``org`` over ``years``: the library's holidays plus
    the days recorded for the whole installation or for ``org`` and the organizations above it."""
    from django.db.models import Q

    from .models import CalendarDay

    years = sorted(set(years))
    rows = CalendarDay.objects.filter(day__year__in=years, voided_at__isnull=True)
    if org is not None and org.path:
        prefixes = [org.path[:i] for i in range(len(org.path) + 1) if i and org.path[i - 1] == "."]
        rows = rows.filter(Q(organization__isnull=True) | Q(organization__path__in=prefixes))
    else:
        rows = rows.filter(organization__isnull=True)
    extra = [(r.day, r.is_working_day, r.name) for r in rows.order_by("day", "id")]
    return vietnam_calendar(years, extra=extra)


def calendar_around(org, *days: dt.date | None, span_years: int = 1) -> WorkCalendar:
    """Return ``work_calendar`` covering the given days and the year after the latest."""
    known = [d for d in days if d is not None]
    if not known:
        import django.utils.timezone as tz

        known = [tz.localdate()]
    first, last = min(d.year for d in known), max(d.year for d in known) + span_years
    return work_calendar(org, years=range(first, last + 1))
