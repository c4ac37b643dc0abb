"""The indicators asked together come from one scan per shared source, with the same figures.

The scenario's tree changes over the years: an organization moves to another
bloc, a cell is merged into another, one is renamed; members are struck off
and readmitted, transferred out, voided. On several dates and for several
subtrees, every indicator evaluated with the others (one scan of the
membership) must give exactly what it gives alone, and each row must count
as many records as its drill-down lists.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.indicators import registry, selectors
from dangbo.indicators.definitions.members import MEMBERSHIP
from dangbo.indicators.registry import Query, Unit
from dangbo.organizations import services as orgs

from . import scenario

pytestmark = pytest.mark.django_db

RENAMED_ON = dt.date(2020, 3, 1)
DATES = [
    dt.date(2017, 1, 1),
    scenario.MOVED_ON - dt.timedelta(days=1),
    scenario.MOVED_ON,
    RENAMED_ON,
    scenario.MERGED_ON,
]


@pytest.fixture
def world():
    world = scenario.build()
    orgs.rename_organization(actor=world.actor, org=world.g1, name="Đảng bộ Sở mới", on=RENAMED_ON)
    return world


def _member_indicators():
    return [
        ind for ind in registry.all_indicators() if ind.reads and ind.reads.source is MEMBERSHIP
    ]


def test_every_as_of_member_indicator_declares_the_membership_it_reads():
    codes = {ind.code for ind in _member_indicators()}
    assert {"members.by_status", "members.by_sex", "members.by_age_band",
            "members.by_party_age_band", "members.by_ethnicity", "members.by_ethnic_minority",
            "members.by_political_theory", "members.by_professional_level",
            "members.by_general_education", "members.share_of_staff"} <= codes  # fmt: skip
    assert all(ind.reads.source is MEMBERSHIP for ind in _member_indicators())


def test_one_pass_equals_each_indicator_alone_on_a_changing_tree(world):
    checked = 0
    for org in (world.root, world.other, world.g1, world.c12):
        for on in DATES:
            q = Query(org=org, on=on)
            together = selectors.figures(org, on=on)
            for figure in together:
                alone = registry.evaluate(figure.indicator, Query(org=org, on=on))
                assert figure.result == alone, (figure.indicator.code, org.code, on)
                if figure.indicator.reads is None or figure.indicator.unit == Unit.PERCENT:
                    continue
                for row in figure.result.all_rows:
                    listed = figure.indicator.list_records(q, row.key).count()
                    assert listed == row.value, (figure.indicator.code, org.code, on, row.key)
                    checked += 1
    assert checked > 300


def test_the_figures_read_the_membership_once(world):
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.figures(world.root, on=scenario.ON_2018)
    scans = [q["sql"] for q in ctx.captured_queries if "WITH membership AS" in q["sql"]]
    assert len(scans) == 1
    assert len(figures) == len(registry.all_indicators())
    by_status = next(f for f in figures if f.indicator.code == "members.by_status")
    assert by_status.result.values()["total"] == 6


def test_a_member_indicator_alone_scans_its_own_groups_only(world):
    with CaptureQueriesContext(connection) as ctx:
        result = selectors.figure(world.root, "members.by_sex", on=scenario.ON_2018).result
    (scan,) = [q["sql"] for q in ctx.captured_queries if "WITH membership AS" in q["sql"]]
    assert scan.count("UNION ALL") == 0
    assert result.values() == {"M": 4, "F": 2, "total": 6}


def test_the_plan_asks_each_source_once_for_the_union_of_the_groups():
    by_sex, by_status = registry.get("members.by_sex"), registry.get("members.by_status")
    assert registry.plan([by_sex, by_status, registry.get("org.sub_committees")]) == {
        MEMBERSHIP: frozenset({"sex", "status"})
    }


def test_bands_are_conditional_aggregates_without_grouping(world):
    four = ["members.by_status", "members.by_sex", "members.by_age_band",
            "members.by_ethnic_minority"]  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.figures(world.root, on=scenario.ON_2018, codes=four)
    (scan,) = [q["sql"] for q in ctx.captured_queries if "WITH membership AS" in q["sql"]]
    assert "GROUP BY" not in scan.split(") SELECT", 1)[1]
    for figure in figures:
        alone = registry.evaluate(figure.indicator, Query(org=world.root, on=scenario.ON_2018))
        assert figure.result == alone
    minority = next(f for f in figures if f.indicator.code == "members.by_ethnic_minority")
    values = minority.result.values()
    assert values["kinh"] + values["minority"] == values["total"] == 6


def test_dimensions_and_the_organization_come_from_one_statement(world):
    with CaptureQueriesContext(connection) as ctx:
        selectors.figures(world.root, on=scenario.ON_2018)
    (scan,) = [q["sql"] for q in ctx.captured_queries if "WITH membership AS" in q["sql"]]
    if connection.vendor == "postgresql":
        assert "GROUPING SETS" in scan
        assert "UNION ALL" not in scan
    else:  # the same two groupings over the membership read once
        assert "MATERIALIZED" in scan
        assert scan.count("UNION ALL") == 1


def test_the_changes_of_the_period_come_from_one_statement(world):
    from dangbo.indicators.definitions.lifecycle import CHANGES

    codes = [
        ind.code for ind in registry.all_indicators() if ind.reads and ind.reads.source is CHANGES
    ]
    assert len(codes) == 6
    with CaptureQueriesContext(connection) as ctx:
        together = selectors.figures(world.root, on=scenario.MERGED_ON, codes=codes)
    assert len([q for q in ctx.captured_queries if "members_memberevent" in q["sql"]]) == 1
    for figure in together:
        assert figure.result == registry.evaluate(figure.indicator, figure.query)
