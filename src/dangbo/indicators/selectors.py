"""Reading indicator values: the one entry point for pages, the API, the CLI and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dangbo.organizations.models import Organization

from . import registry
from .registry import Indicator, Query, Result


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    query: Query
    result: Result

    def as_dict(self) -> dict:
        return registry.as_dict(self.indicator, self.query, self.result)


def query_for(org: Organization, *, on: dt.date, start: dt.date | None = None) -> Query:
    return Query(org=org, on=on, start=start)


def figures(
    org: Organization,
    *,
    on: dt.date,
    start: dt.date | None = None,
    codes: Iterable[str] | None = None,
) -> list[Figure]:
    """Return the values of the indicators ``codes`` (all by default) for ``org``'s subtree.

    The indicators that read a shared source (the membership on the date) are
    answered from one scan of it (``registry.evaluate_many``). Raises ``registry.UnknownIndicator`` for a code that is not registered.
    """
    indicators = [registry.get(c) for c in codes] if codes else registry.all_indicators()
    q = query_for(org, on=on, start=start)
    results = registry.evaluate_many(indicators, q)
    return [Figure(ind, q, result) for ind, result in zip(indicators, results, strict=True)]


def figure(org: Organization, code: str, *, on: dt.date, start: dt.date | None = None) -> Figure:
    return figures(org, on=on, start=start, codes=[code])[0]


def records(org: Organization, code: str, key: str, *, on: dt.date, start: dt.date | None = None):
    """Return the indicator and the records behind row ``key`` of indicator ``code``."""
    ind = registry.get(code)
    if ind.list_records is None:
        raise registry.UnknownIndicator(code)
    return ind, ind.list_records(query_for(org, on=on, start=start), key)
