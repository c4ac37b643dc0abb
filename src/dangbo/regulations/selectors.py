"""Reading regulations and the values a committee has set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q

from dangbo.organizations.models import Organization

from .models import Regulation, Setting


def regulation_in_force(number: str, symbol: str, on: dt.date) -> Regulation | None:
    """Return the regulation with this number and symbol that was in force on ``on``.

    Numbers restart every term, so the date picks the right document.
    """
    return (
        Regulation.objects.filter(number=number, symbol=symbol, effective_on__lte=on)
        .filter(Q(repealed_on__isnull=True) | Q(repealed_on__gt=on))
        .order_by("-effective_on")
        .first()
    )


def setting_value(key: str, *, org: Organization | None, on: dt.date, default: Any) -> Any:
    """Return the value of ``key`` for ``org`` on ``on``.

    The row of the nearest organization above (or at) ``org`` wins, then the
    installation-wide row, then ``default``; among rows of one organization,
    the latest effective on or before ``on``.
    """
    return setting_values(key, on=on, default=default)(org)


def setting_values(key: str, *, on: dt.date, default: Any) -> Callable[[Organization | None], Any]:
    """Return ``org -> setting_value(key, org=org, on=on, default=default)``, reading the rows
    once: for a list that needs the value for many organizations."""
    rows = list(
        Setting.objects.filter(key=key, effective_on__lte=on)
        .select_related("organization")
        .order_by("-effective_on", "-id")
    )

    def value_for(org: Organization | None) -> Any:
        best: tuple[int, Any] | None = None
        for row in rows:
            if row.organization is None:
                depth = -1
            elif (
                org is not None and org.path and org.path.startswith(row.organization.path or "\0")
            ):
                depth = row.organization.depth
            else:
                continue
            if best is None or depth > best[0]:
                best = (depth, row.value)
        return default if best is None else best[1]

    return value_for
