"""The synthetic province of the month grid benchmark (``benchmarks.meetings``, ``--suite
grid``) loads with COPY, and the grid and the year roll-up computed on it agree with the
hand-written statements the benchmark compares them with (cells established and dissolved
during the year, months missing or held twice)."""

from __future__ import annotations

import random

import pytest
from benchmarks import meetings as bench
from django.db import connection
from django.utils import timezone

from dangbo.meetings.months import month_grid
from dangbo.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY: PostgreSQL only")
def test_the_synthetic_province_agrees_with_the_statements():
    today = timezone.localdate()
    orgs, meetings = bench.plan_cells(400, today.year - 1, random.Random(7))
    assert bench.load_cells(connection, orgs, meetings) == 2 * len(orgs) + len(meetings)
    root = Organization.objects.get(code="LT")
    result = bench.run(root, today, lambda fn: (1.0, fn()), every_indicator=False)
    assert result["grid_agree"]
    assert result["rollup_agree"]
    rows = month_grid(root, today.year - 1)
    assert len(rows) == result["grid_cells"] == 400
    assert any(not all(r.expected) for r in rows)  # established or dissolved in the year
    assert any(r.missing for r in rows)
