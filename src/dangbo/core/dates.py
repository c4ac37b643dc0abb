"""Calendar arithmetic the rules share."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by whole months, clamped to the month's end (29/02 + 12 → 28/02).

    Past the calendar's end, returns ``date.max``; before its start, ``date.min``.
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    if day.day <= 28:
        return dt.date(year, month0 + 1, day.day)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Return the whole months from ``start`` to ``end`` (a month is complete on the same day number)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end < add_months(start, months):
        months -= 1
    return months
