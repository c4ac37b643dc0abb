"""The meetings indicators evaluated from their shared sources give the figures of the previous
per-indicator computation (``meetings_reference``), on the demo, for several subtrees and
periods; asked together they read each source once, in a number of statements that does not
grow with the subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.demo import build_demo
from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL, Query
from dangbo.meetings import months
from dangbo.organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Organization, TreePosition
from dangbo.organizations.selectors import valid_on

from . import meetings_reference as reference

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 15)
PERIODS = [  # (first day or None: 1 January, last day)
    (None, dt.date(2024, 12, 31)),
    (None, dt.date(2024, 6, 30)),
    (dt.date(2024, 4, 15), dt.date(2024, 9, 30)),  # starts mid-month, mid-quarter
    (dt.date(2023, 2, 10), dt.date(2025, 5, 31)),  # over three years
    (None, AS_OF),  # the current month is not over
]
CODES = ["meetings.held_vs_expected", "meetings.cells_by_year_level",
         "meetings.attendance_rate", "meetings.members_repeated_absence"]  # fmt: skip


@pytest.fixture
def demo():
    """The demo's top organization, a grassroots committee with cells, and one of its cells."""
    build_demo(members=500, seed=7, as_of=AS_OF)
    root = Organization.objects.get(code="DEMO")
    # in the tree at the end of 2024, the year whose figures must not be empty
    standing = TreePosition.objects.filter(valid_on(dt.date(2024, 12, 31))).values(
        "organization_id"
    )
    committees = Organization.objects.filter(kind__in=GRASSROOTS_KINDS, pk__in=standing)
    for grassroots in committees.exclude(kind__in=CELL_KINDS).order_by("path"):
        cell = (
            Organization.objects.filter(kind__in=CELL_KINDS, path__startswith=grassroots.path,
                                        pk__in=standing)
            .order_by("path").first()
        )  # fmt: skip
        if cell is not None:
            return [root, grassroots, cell]
    raise AssertionError("the demo has a grassroots committee with cells")


def _meetings_indicators():
    return [i for i in registry.all_indicators() if i.code.startswith("meetings.")]


def test_every_meetings_indicator_reads_a_shared_source():
    indicators = _meetings_indicators()
    assert len(indicators) == 8
    unshared = [i.code for i in indicators if i.reads is None]
    assert unshared == ["meetings.visited"]  # one statement of its own, over the visits


def test_the_shared_sources_give_the_previous_figures(demo):
    checked = 0
    for org in demo:
        for start, on in PERIODS:
            q = Query(org=org, on=on, start=start)
            together = {f.indicator.code: f.result for f in selectors.figures(
                org, on=on, start=start, codes=[i.code for i in _meetings_indicators()])}  # fmt: skip
            for code, result in together.items():
                assert result == registry.evaluate(registry.get(code), q), (code, org.code, on)
            held = reference.held_vs_expected(q)
            got = together["meetings.held_vs_expected"]
            for key in ("REGULAR", "THEMATIC"):
                assert (got.row(key).numerator, got.row(key).denominator) == held[key]
            levels = reference.year_levels(q)
            by_level = together["meetings.cells_by_year_level"]
            for row in by_level.rows:
                kind, _, level = row.key.partition(".")
                assert row.numerator == sum(1 for v in levels.values() if v == (kind, level))
            assert by_level.row(TOTAL).denominator == len(levels)
            attendance = reference.attendance(q)
            rate = together["meetings.attendance_rate"]
            for key in ("persons", "counts"):
                assert (rate.row(key).numerator, rate.row(key).denominator) == attendance[key]
            absent = reference.absentees(q)
            values = together["meetings.members_repeated_absence"].values()
            assert values == {**{k: len(v) for k, v in absent.items()},
                              TOTAL: len(set().union(*absent.values()))}  # fmt: skip
            checked += 1
            if org != demo[2] and start is None and on.year == 2024:
                assert rate.row(TOTAL).denominator
                assert by_level.row(TOTAL).denominator
                assert held["REGULAR"][1]
            if org == demo[0] and start is None and on.year == 2024:
                assert values[TOTAL]  # the demo's truants and its run of excused absences
    assert checked == len(demo) * len(PERIODS)
    _statements_do_not_grow_with_the_subtree(demo)


def test_the_month_grid_is_the_previous_grid(demo):
    for org in demo:
        for year, until in ((2019, None), (2024, None), (2026, AS_OF), (2026, None)):
            new = months.month_grid(org, year, until=until)
            old = reference.month_grid(org, year, until=until)
            assert [(r.cell.pk, r.months, r.expected, r.quarters, r.year) for r in new] == [
                (r.cell.pk, r.months, r.expected, r.quarters, r.year) for r in old
            ]
            assert new or org.kind in CELL_KINDS


def _statements_do_not_grow_with_the_subtree(demo):
    codes = [i.code for i in _meetings_indicators()]
    counts = []
    for org in demo:
        with CaptureQueriesContext(connection) as ctx:
            selectors.figures(org, on=dt.date(2024, 12, 31), codes=codes)
        counts.append(len(ctx.captured_queries))
    # a fixed number of statements, whatever the subtree: the tree, the meetings and their
    # attendance, the cells and their months, the rubrics and settings of the year's rule, the
    # absences (and the runs and the members found, when there are candidates), the visits
    assert max(counts) <= 11, counts
    assert counts[0] == 11, counts  # the province has candidates for every statement


def test_an_organization_outside_the_tree_on_the_day_has_empty_figures(demo):
    root = demo[0]
    before = root.established_on - dt.timedelta(days=1)
    codes = [i.code for i in _meetings_indicators()]
    for figure in selectors.figures(root, on=before, codes=codes):
        assert not figure.result.total.value, figure.indicator.code
        assert not figure.result.total.numerator, figure.indicator.code
