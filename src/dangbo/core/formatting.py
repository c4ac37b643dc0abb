"""Numbers, percentages and dates the Vietnamese way: 6.731; 96,7%; 20/06/2018.

Every figure shown to a user, written to a document or exported goes through
these functions, so that the format is decided in one place.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal


def fmt_int(value: int | None) -> str:
    """Return 6731 as "6.731"."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def fmt_decimal(value: float | Decimal | None, places: int = 1) -> str:
    """Return 96.66 as "96,7" (half up, thousands with dots)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    text = fmt_int(int(whole))
    return sign + (f"{text},{frac}" if frac else text)


def fmt_percent(numerator: float | None, denominator: float | None = None, places: int = 1) -> str:
    """Return a share as "96,7%"; with one argument it is already a percentage."""
    if numerator is None:
        return ""
    if denominator is not None:
        if not denominator:
            return ""
        numerator = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    return fmt_decimal(numerator, places) + "%"


def fmt_date(value: dt.date | None) -> str:
    """Return a date as "20/06/2018"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: dt.datetime | None) -> str:
    """Return an aware datetime in Vietnam time as "14:05 20/06/2018"."""
    if value is None:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def parse_date(text: str) -> dt.date:
    """Parse "20/06/2018" (also 20-06-2018 and ISO 2018-06-20)."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(text)
