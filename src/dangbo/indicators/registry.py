"""The indicator registry: every figure dangbo shows is an indicator declared here.

An indicator is a named, documented, tested query over the recorded facts for
(an organization's subtree, an as-of date or a period). Reports, dashboards,
the API and the CLI read indicators through ``evaluate``; none of them sums
numbers on its own. Every row of a result carries the link to the records
behind it (drill-down).

Adding an indicator
-------------------
Put it in a module of ``dangbo.indicators.definitions``, one module per domain
area (``organizations``, ``members``; later ``admissions``, ``meetings``...).
Every module of that package is imported when the app is ready, so a new
module needs no other wiring. The indicators app sits above the domain apps
(DESIGN.md, domain map), so the definitions import the domain apps'
selectors, never the other way round::

    from dangbo.indicators.registry import PERIOD, Query, RecordKind, Result, Row, Unit, indicator

    @indicator(
        code="admissions.admitted_by_sex",       # stable: the API, reports and docs use it
        title="Đảng viên mới kết nạp, theo giới tính",
        description="Đếm các sự kiện «Kết nạp vào Đảng» trong kỳ ... (căn cứ: ...).",
        unit=Unit.MEMBERS,
        time=PERIOD,                              # or AS_OF
        dimension="giới tính",
        records=RecordKind.MEMBERS,               # what the drill-down lists
        # A percentage (unit=Unit.PERCENT) also names what it divides by what:
        # numerator_label="Được kết nạp", denominator_label="Kế hoạch kết nạp",
        # and may say why a row has no value: missing_label="chưa đặt kế hoạch".
    )
    def admitted_by_sex(q: Query) -> Result:
        counts = ...  # one aggregate query (GROUP BY), never a loop over members
        rows = [Row(key, label, counts.get(key, 0)) for key, label in ...]
        return Result(rows, total=Row(TOTAL, "Tổng số", sum(...)))

    @admitted_by_sex.records_of
    def admitted_by_sex_records(q: Query, key: str) -> QuerySet:
        ...  # the records behind row ``key`` (``TOTAL`` for the total): their count is the value

An indicator over the membership on a date does not write its own query: it
declares the groups it reads from the shared source and derives its rows from
their counts, so that the registry scans the membership once for all of them
(``evaluate_many``; docs/architecture.md, "Indicators in one pass")::

    @indicator(code="members.by_sex", ..., reads=MEMBERSHIP.reading("sex"))
    def by_sex(q: Query, scanned: dict) -> Result:
        counts = scanned["sex"]  # {key: members}
        ...

A row whose records the member list can show exactly sets ``member_params``
(MemberFilter field names); its drill-down is then ``/o/<code>/members/?...``.
Any other row links to ``/o/<code>/indicators/<indicator>/<key>/``, which
lists ``records_of(q, key)``. Then:

* test the exact values in ``indicators/tests/`` (the generic test checks that
  every row's drill-down lists as many records as the figure says);
* regenerate the reference: ``dangbo indicators --write-docs`` (a test fails
  while docs/indicators.md is out of date).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from django.db.models import QuerySet

from dangbo.core.formatting import fmt_date, fmt_int, fmt_percent

TOTAL = "total"


class Unit(StrEnum):
    ORGANIZATIONS = "organizations"
    MEMBERS = "members"
    PERCENT = "percent"
    PERSONS = "persons"  # people who are not (yet) members: admission candidates
    MEETINGS = "meetings"  # cell meetings (meetings.models.Meeting)

    @property
    def label(self) -> str:
        return {
            "organizations": "tổ chức", "members": "đảng viên", "percent": "%", "persons": "người",
            "meetings": "buổi sinh hoạt",
        }[self.value]  # fmt: skip


class TimeKind(StrEnum):
    AS_OF = "as_of"
    PERIOD = "period"

    @property
    def label(self) -> str:
        return {"as_of": "tại một ngày", "period": "trong một kỳ (từ ngày – đến ngày)"}[self.value]


AS_OF = TimeKind.AS_OF
PERIOD = TimeKind.PERIOD


class RecordKind(StrEnum):
    MEMBERS = "members"
    ORGANIZATIONS = "organizations"
    CANDIDATES = "candidates"  # admissions.models.Candidate
    MEETINGS = "meetings"  # meetings.models.Meeting

    @property
    def label(self) -> str:
        return {
            "members": "danh sách đảng viên", "organizations": "danh sách tổ chức đảng",
            "candidates": "danh sách hồ sơ kết nạp đảng viên",
            "meetings": "danh sách buổi sinh hoạt chi bộ",
        }[self.value]  # fmt: skip


@dataclass(frozen=True)
class Query:
    """What a figure is asked for: an organization's subtree on a date, or over a period.

    ``on`` is the as-of date (for a period indicator, the period's last day);
    ``start`` the period's first day (by default 1 January of ``on``'s year).
    """

    org: Any  # organizations.models.Organization
    on: dt.date
    start: dt.date | None = None

    @property
    def period_start(self) -> dt.date:
        return self.start or self.on.replace(month=1, day=1)

    @cached_property
    def tree(self) -> QuerySet:
        """The positions of the subtree as it stood on ``on`` (computed once per query)."""
        from dangbo.organizations.selectors import positions_under

        return positions_under(self.org, self.on)

    @cached_property
    def positions_held(self) -> list[tuple[str, dt.date, dt.date | None]]:
        """The positions (path, from, until) ``org`` held from the day before the period's
        first day to ``on`` (read once per query, shared by the period indicators)."""
        from django.db.models import Q

        from dangbo.organizations.models import TreePosition

        return list(
            TreePosition.objects.filter(organization=self.org, valid_from__lte=self.on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.period_start))
            .order_by("valid_from")
            .values_list("path", "valid_from", "valid_until")
        )

    @cached_property
    def org_ids(self) -> QuerySet:
        return self.tree.values("organization_id")


@dataclass(frozen=True)
class Row:
    """One figure: the key of its category, the Vietnamese label, the value.

    For a percentage, ``value`` is the percentage and ``numerator`` and
    ``denominator`` the counts it comes from. ``member_params`` (MemberFilter
    field names) makes the drill-down the member list; ``url`` and ``display``
    are filled in by ``evaluate``.
    """

    key: str
    label: str
    value: int | Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    member_params: dict[str, Any] | None = None
    url: str = ""
    display: str = ""


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    total: Row | None = None

    def row(self, key: str) -> Row:
        for row in self.all_rows:
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]

    def values(self) -> dict[str, int | Decimal | None]:
        """Return {key: value}, the total under ``TOTAL`` (handy in tests and reports)."""
        return {row.key: row.value for row in self.all_rows}


@dataclass(frozen=True)
class Source:
    """A shared read that many indicators can be answered from (the planner's unit).

    ``scan(q, groups)`` reads the source once for ``q`` and returns, for each
    name in ``groups``, the counts grouped by that breakdown ({key: count}).
    An indicator that reads a source declares which groups it needs
    (``reads=SOURCE.reading("sex", ...)``) and computes its result from them
    (``derive(q, scanned)``); the registry then scans the source once for all
    the indicators asked for together.
    """

    name: str
    scan: Callable[[Query, frozenset[str]], dict[str, dict]] = field(repr=False, compare=False)
    groups: frozenset[str] = frozenset()
    label: str = field(default="", compare=False)  # in Vietnamese, for docs/indicators.md

    def reading(self, *groups: str) -> Reads:
        unknown = set(groups) - self.groups
        if unknown:
            raise ValueError(f"{self.name} has no group {sorted(unknown)}")
        return Reads(self, frozenset(groups))


@dataclass(frozen=True)
class Reads:
    """What one indicator reads: the groups it needs from a shared source."""

    source: Source
    groups: frozenset[str]


@dataclass
class Indicator:
    code: str
    title: str
    description: str
    unit: Unit
    time: TimeKind
    dimension: str
    records: RecordKind
    compute: Callable[[Query], Result]
    list_records: Callable[[Query, str], QuerySet] | None = field(default=None, repr=False)
    # A percentage's own words for its two counts (the column heads, the drill-down's
    # sentence, the export): "Được kết nạp" / "Kế hoạch kết nạp", never a unit's default.
    numerator_label: str = ""
    denominator_label: str = ""
    # What a row without a value shows instead (a percentage whose denominator is missing).
    missing_label: str = "–"
    # What the indicator reads, when it is answered from a shared source (see ``Source``);
    # ``derive`` then computes the result from the scanned groups.
    reads: Reads | None = field(default=None, repr=False)
    derive: Callable[[Query, dict[str, dict]], Result] | None = field(default=None, repr=False)
    # An indicator is callable; templates must read its attributes, not call it.
    do_not_call_in_templates: ClassVar[bool] = True

    def __post_init__(self) -> None:
        check_labels(self)

    @property
    def value_label(self) -> str:
        """The head of the value column: "Tỷ lệ" for a percentage, else "Số đảng viên"..."""
        return "Tỷ lệ" if self.unit == Unit.PERCENT else f"Số {self.unit.label}"

    def records_of(self, fn: Callable[[Query, str], QuerySet]) -> Callable[[Query, str], QuerySet]:
        """Declare the function returning the records behind a row (used as a decorator)."""
        self.list_records = fn
        return fn

    def __call__(self, q: Query) -> Result:
        return self.compute(q)


def _from_source(reads: Reads, derive: Callable[[Query, dict[str, dict]], Result]):
    """Return the indicator's own compute: scan its source for its groups alone, then derive."""

    def compute(q: Query) -> Result:
        return derive(q, reads.source.scan(q, reads.groups))

    return compute


def check_labels(ind: Indicator) -> None:
    """Refuse an indicator whose labels would not say what its figures are."""
    if not (ind.title.strip() and ind.dimension.strip() and ind.missing_label.strip()):
        raise ValueError(f"{ind.code}: title, dimension and missing_label must not be empty")
    labels = (ind.numerator_label.strip(), ind.denominator_label.strip())
    if ind.unit == Unit.PERCENT:
        if not all(labels) or labels[0].lower() == labels[1].lower():
            raise ValueError(f"{ind.code}: a percentage needs two distinct count labels")
    elif any(labels):
        raise ValueError(f"{ind.code}: only a percentage has numerator and denominator labels")


_REGISTRY: dict[str, Indicator] = {}


class UnknownIndicator(KeyError):
    pass


def register(ind: Indicator) -> Indicator:
    if ind.code in _REGISTRY and _REGISTRY[ind.code].compute is not ind.compute:
        raise ValueError(f"Indicator code already registered: {ind.code}")
    _REGISTRY[ind.code] = ind
    return ind


def unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def indicator(
    *,
    code: str,
    title: str,
    description: str,
    unit: Unit,
    time: TimeKind,
    dimension: str,
    records: RecordKind,
    numerator_label: str = "",
    denominator_label: str = "",
    missing_label: str = "–",
    reads: Reads | None = None,
) -> Callable[[Callable[..., Result]], Indicator]:
    """Declare and register an indicator computed by the decorated function.

    Without ``reads`` the function takes the query and returns the result. With
    ``reads`` (what the indicator reads from a shared ``Source``) it takes the
    query and the scanned groups, so that the registry can answer many
    indicators from one scan (``evaluate_many``).
    """

    def decorate(fn: Callable[..., Result]) -> Indicator:
        compute = fn if reads is None else _from_source(reads, fn)
        return register(Indicator(
            code=code, title=title, description=" ".join(description.split()), unit=unit,
            time=time, dimension=dimension, records=records, compute=compute,
            numerator_label=numerator_label, denominator_label=denominator_label,
            missing_label=missing_label, reads=reads, derive=fn if reads else None,
        ))  # fmt: skip

    return decorate


def load() -> None:
    """Import every module of ``dangbo.indicators.definitions`` (idempotent)."""
    from dangbo.indicators import definitions

    names = sorted(info.name for info in pkgutil.iter_modules(definitions.__path__))
    first = [n for n in definitions.ORDER if n in names]
    for name in first + [n for n in names if n not in first]:
        importlib.import_module(f"{definitions.__name__}.{name}")


def all_indicators() -> list[Indicator]:
    load()
    return list(_REGISTRY.values())


def get(code: str) -> Indicator:
    load()
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownIndicator(code) from None


# --------------------------------------------------------------------------
# Evaluation: values, display and drill-down links.
# --------------------------------------------------------------------------


def display(unit: Unit, value: int | Decimal | None) -> str:
    if value is None:
        return ""
    if unit == Unit.PERCENT:
        return fmt_percent(value)
    return fmt_int(int(value))


def member_list_url(org_code: str, params: dict[str, Any]) -> str:
    """Return the member list of ``org_code`` filtered by MemberFilter ``params``."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/o/{org_code}/members/" + (f"?{query}" if query else "")


def records_url(ind: Indicator, q: Query, key: str) -> str:
    """Return the list of the records behind row ``key`` of ``ind``."""
    params = {"on": fmt_date(q.on)}
    if ind.time == PERIOD:
        params = {"from": fmt_date(q.period_start), "to": fmt_date(q.on)}
    return f"/o/{q.org.code}/indicators/{ind.code}/{quote(key, safe='/')}/?{urlencode(params)}"


def _drilldown(ind: Indicator, q: Query, row: Row) -> str:
    if row.member_params is not None:
        return member_list_url(q.org.code, {**row.member_params, "on": fmt_date(q.on)})
    if ind.list_records is None:
        return ""
    return records_url(ind, q, row.key)


def plan(indicators: list[Indicator]) -> dict[Source, frozenset[str]]:
    """Return the shared reads of ``indicators``: each source once, with every group they need."""
    needs: dict[Source, set[str]] = {}
    for ind in indicators:
        if ind.reads is not None:
            needs.setdefault(ind.reads.source, set()).update(ind.reads.groups)
    return {source: frozenset(groups) for source, groups in needs.items()}


def evaluate_many(indicators: list[Indicator], q: Query) -> list[Result]:
    """Evaluate ``indicators`` for one query: each shared source scanned once for all of them.

    An indicator that declares what it reads is derived from its source's
    scan; any other is computed on its own. The results are the ones
    ``evaluate`` gives for each indicator alone.
    """
    scanned = {source: source.scan(q, groups) for source, groups in plan(indicators).items()}
    results = []
    for ind in indicators:
        if ind.reads is not None and ind.derive is not None:
            results.append(evaluate(ind, q, ind.derive(q, scanned[ind.reads.source])))
        else:
            results.append(evaluate(ind, q))
    return results


def evaluate(ind: Indicator, q: Query, result: Result | None = None) -> Result:
    """Compute ``ind`` for ``q`` and fill in each row's display and drill-down link.

    A row without a value (a percentage of a missing plan) shows the indicator's
    ``missing_label``, so that its link, to the records counted all the same, is never empty.
    ``result``, when given, is the value already computed (``evaluate_many``).
    """
    if result is None:
        result = ind.compute(q)

    def finish(row: Row) -> Row:
        shown = ind.missing_label if row.value is None else display(ind.unit, row.value)
        return replace(row, url=_drilldown(ind, q, row), display=shown)

    return Result([finish(r) for r in result.rows], finish(result.total) if result.total else None)


def as_dict(ind: Indicator, q: Query, result: Result) -> dict[str, Any]:
    """Return a result as plain data (the API and ``--json`` share this shape)."""

    def row(r: Row) -> dict[str, Any]:
        value: Any = r.value
        if isinstance(value, Decimal):
            value = float(value.quantize(Decimal("0.1")))
        return {
            "key": r.key, "label": r.label, "value": value, "display": r.display,
            "numerator": r.numerator, "denominator": r.denominator, "drilldown": r.url,
        }  # fmt: skip

    return {
        "code": ind.code,
        "title": ind.title,
        "unit": ind.unit.value,
        "numerator_label": ind.numerator_label,
        "denominator_label": ind.denominator_label,
        "dimension": ind.dimension,
        "on": q.on.isoformat(),
        "start": q.period_start.isoformat() if ind.time == PERIOD else None,
        "rows": [row(r) for r in result.rows],
        "total": row(result.total) if result.total else None,
    }
