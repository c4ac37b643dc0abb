"""The demo's meetings: every DEMO cell meets from 2018, and every ``meetings.`` indicator has
a non-zero total for DEMO in 2024, with missed months, late scores, a dispute and members
reaching the striking-off threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.demo import build_demo
from dangbo.indicators import registry, selectors
from dangbo.meetings.models import Meeting
from dangbo.meetings.selectors import cell_findings
from dangbo.members.striking import striking_candidates
from dangbo.organizations.models import CELL_KINDS, Organization

AS_OF = dt.date(2026, 3, 15)
pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_meetings_indicator_a_total_for_2024():
    result = build_demo(members=700, seed=7, as_of=AS_OF).meetings
    assert result.meetings > 1000
    assert result.missed_months > 0
    root = Organization.objects.get(code="DEMO")
    codes = [i.code for i in registry.all_indicators() if i.code.startswith("meetings.")]
    assert len(codes) == 8
    for figure in selectors.figures(root, on=dt.date(2024, 12, 31), codes=codes):
        total = figure.result.total
        assert total.value or total.numerator, figure.indicator.code
    first = Meeting.objects.order_by("held_on").first().held_on
    assert first.year == 2018
    assert Meeting.objects.exclude(adjustment_reason="").count() == 1
    struck = [c for c in striking_candidates(root, dt.date(2024, 12, 31))
              if c.source == "missed_meetings"]  # fmt: skip
    assert len(struck) >= 1
    late = [
        f.code
        for cell in Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True)[:40]
        for f in cell_findings(cell, 2024, AS_OF)
    ]
    assert "SELF_SCORE_LATE" in late
    assert "REGULAR_MISSING" in late or result.missed_months > 0
