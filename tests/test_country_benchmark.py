"""The synthetic national registry of the country benchmark (``benchmarks.country``) is consistent.

The benchmark loads its rows with COPY on PostgreSQL; here a small country goes in through
the ORM on both databases, and the registry must count exactly the members the generated
periods say are in the party on the day, for the country and for a province.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

import pytest
from benchmarks import country

from dangbo.indicators.selectors import figures
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberState
from dangbo.organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Organization, TreePosition

ON = dt.date(2026, 6, 30)
MEMBERS = 1_500


def _objects(model, columns, lines):
    fields = {f.column: f for f in model._meta.concrete_fields}
    for line in lines:
        values = {}
        for column, raw in zip(columns, line.split("\t"), strict=True):
            value = None if raw == "\\N" else raw
            values[fields[column].attname] = fields[column].to_python(value)
        yield model(**values)


@pytest.fixture
def generated(db):
    from dangbo.organizations.models import Sector

    sectors = list(Sector.objects.values_list("pk", flat=True))
    tree = country.plan_tree(MEMBERS, random.Random(7), sectors)
    people = country.People(random.Random(8))
    members = list(country.member_rows(MEMBERS, tree, ON, people))
    return tree, members


def test_the_tree_has_the_34_provinces_and_the_countrys_proportions(generated):
    tree, _ = generated
    by_id = {row[0]: row for row in tree.rows}
    kinds = Counter(row[3] for row in tree.rows)
    assert kinds["CENTRAL"] == 1
    assert kinds["PROVINCIAL"] == len(tree.provinces) == 34
    assert kinds["GRASSROOTS_DANG_BO"] + kinds["GRASSROOTS_CELL"] == tree.grassroots
    assert tree.grassroots == max(round(MEMBERS * 52_000 / 5_600_000), 34)
    assert kinds["DEPENDENT_CELL"] == tree.cells
    for pk, _code, _name, _kind, parent, path, depth, _sector, _staff in tree.rows:
        parent_path = by_id[parent][5] if parent else ""
        assert path == f"{parent_path}{pk:08d}."
        assert depth == path.count(".") - 1
    assert {by_id[unit][3] for unit, _ in tree.units} <= {str(k) for k in CELL_KINDS}


def test_each_members_periods_follow_each_other_and_end_in_the_members_state(generated):
    _, members = generated
    column = {name: i for i, name in enumerate(country.MEMBER_COLUMNS)}
    for line, states in members:
        values = line.split("\t")
        periods = [s.split("\t") for s in states]
        assert periods[0][4] == values[column["admitted_on"]]
        assert periods[0][3] == "PROBATIONARY"
        for before, after in itertools.pairwise(periods):
            assert before[5] == after[4]
            assert before[4] < before[5]
        last = periods[-1]
        assert last[5] == "\\N"
        assert last[3] == values[column["status"]]
        assert last[2] == values[column["organization_id"]]


def test_the_registry_counts_the_members_the_periods_put_in_the_party(generated):
    tree, members = generated
    Organization.objects.bulk_create(
        _objects(Organization, country.ORG_COLUMNS, country.org_lines(tree))
    )
    TreePosition.objects.bulk_create(
        _objects(TreePosition, country.POSITION_COLUMNS, country.position_lines(tree))
    )
    Member.objects.bulk_create(
        _objects(Member, country.MEMBER_COLUMNS, (line for line, _ in members)), batch_size=500
    )
    MemberState.objects.bulk_create(
        _objects(MemberState, country.STATE_COLUMNS, (s for _, states in members for s in states)),
        batch_size=2000,
    )
    province_of = dict(tree.units)
    expected, in_province = Counter(), Counter()
    largest = Counter(p for _, p in tree.units).most_common(1)[0][0]
    for _, states in members:
        for _id, _member, org, status, start, until in (s.split("\t") for s in states):
            valid = dt.date.fromisoformat(start) <= ON and (
                until == "\\N" or dt.date.fromisoformat(until) > ON
            )
            if valid and status in ACTIVE_STATUSES:
                expected[status] += 1
                if province_of[int(org)] == largest:
                    in_province[status] += 1
    assert sum(expected.values()) > MEMBERS * 0.8
    assert expected["PROBATIONARY"]
    assert expected["EXEMPTED"]
    codes = country.as_of_member_codes()
    assert "members.by_status" in codes
    assert "members.by_age_band" in codes
    root = Organization.objects.get(code="TW")
    province = Organization.objects.get(pk=tree.provinces[largest])
    for org, counts in ((root, expected), (province, in_province)):
        values = {f.indicator.code: f.result.values() for f in figures(org, on=ON, codes=codes)}
        status = values["members.by_status"]
        assert {s: status[s] for s in ACTIVE_STATUSES} == {s: counts[s] for s in ACTIVE_STATUSES}
        assert values["members.by_sex"]["total"] == sum(counts.values())
    assert Organization.objects.filter(kind__in=GRASSROOTS_KINDS).count() == tree.grassroots
