"""The meetings indicators: exact values, and each count's records are as many as it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL, RecordKind, Unit
from dangbo.meetings import services
from dangbo.meetings.models import AttendanceStatus as S
from dangbo.meetings.models import MeetingKind as K
from dangbo.meetings.services import Mark

from .factories import FAILS_MUST_PASS, FULL, build_world

pytestmark = pytest.mark.django_db
d = dt.date
ON = d(2024, 6, 30)
CODES = [
    "meetings.held_by_kind", "meetings.held_vs_expected", "meetings.by_level",
    "meetings.attendance_rate", "meetings.members_repeated_absence", "meetings.visited",
    "meetings.without_upper_attendee", "meetings.cells_by_year_level",
]  # fmt: skip


@pytest.fixture
def w():
    w = build_world()
    lazy = w.members[3]

    def marks(absent=None):
        return [Mark(m, S.UNEXCUSED if m == absent else S.PRESENT) for m in w.members]

    def meet(on, kind=K.REGULAR, **kw):
        services.record_meeting(actor=None, cell=w.a1, kind=kind, held_on=on,
                                start_time=dt.time(8), end_time=dt.time(10), **kw)  # fmt: skip

    meet(d(2024, 1, 12), attendance=marks(), self_points=FULL, upper_attendee=w.g_members[0])
    meet(d(2024, 3, 12), K.COMBINED, attendance=marks(lazy), self_points=FAILS_MUST_PASS)
    meet(d(2024, 5, 12), attendance=marks(lazy))
    meet(d(2024, 6, 12), attendance=marks(lazy))
    services.record_meeting(actor=None, cell=w.g, kind=K.REGULAR, held_on=d(2024, 2, 5),
                            level_only=True, self_level="FAIR", counted_count=2,
                            present_count=1)  # fmt: skip
    for visited, on in ((w.a, d(2024, 4, 2)), (w.g, d(2024, 4, 3)), (w.a1, d(2024, 4, 4)),
                        (w.a1, d(2024, 5, 12))):  # fmt: skip
        services.record_visit(actor=None, organization=w.top, visited=visited, visited_on=on)
    return w


def _values(w, code, on=ON):
    return selectors.figure(w.top, code, on=on).result.values()


def test_meetings_held_by_kind(w):
    assert _values(w, "meetings.held_by_kind") == {
        "REGULAR": 4, "THEMATIC": 0, "COMBINED": 1, "EXTRAORDINARY": 0, TOTAL: 5,
    }  # fmt: skip


def test_held_against_expected_by_kind(w):
    result = selectors.figure(w.top, "meetings.held_vs_expected", on=ON).result
    # A1 and G owe 6 months, A2 (founded 01/03/2024) 4; each owes the two quarters.
    assert [(r.key, r.numerator, r.denominator) for r in result.all_rows] == [
        ("REGULAR", 5, 16), ("THEMATIC", 1, 6), (TOTAL, 6, 22),
    ]  # fmt: skip
    assert result.row("REGULAR").value == Decimal(5) * 100 / 16


def test_share_of_meetings_by_level_and_kind_of_cell(w):
    result = selectors.figure(w.top, "meetings.by_level", on=ON).result
    got = {r.key: (r.numerator, r.denominator) for r in result.all_rows if r.numerator}
    assert got == {
        "GRASSROOTS_CELL.FAIR": (1, 1), "DEPENDENT_CELL.GOOD": (1, 4),
        "DEPENDENT_CELL.FAIR": (1, 4), "DEPENDENT_CELL.UNSCORED": (2, 4), TOTAL: (1, 5),
    }  # fmt: skip


def _year_shares(w, on):
    result = selectors.figure(w.top, "meetings.cells_by_year_level", on=on).result
    return {r.key: (r.numerator, r.denominator) for r in result.all_rows if r.numerator
            or r.key == TOTAL}  # fmt: skip


def test_cells_by_their_year_level_and_kind_of_cell(w):
    # On 31/01 A1 has its one month Tốt; G missed January; A2 is founded on 01/03.
    assert _year_shares(w, d(2024, 1, 31)) == {
        "DEPENDENT_CELL.GOOD": (1, 1), "GRASSROOTS_CELL.POOR": (1, 1), TOTAL: (1, 2),
    }  # fmt: skip
    # On 31/03 A1 is Tốt, missing, Khá: a missing month keeps it at Khá, 2 of 3 months reach it.
    assert _year_shares(w, d(2024, 3, 31)) == {
        "DEPENDENT_CELL.FAIR": (1, 2), "DEPENDENT_CELL.POOR": (1, 2),
        "GRASSROOTS_CELL.POOR": (1, 1), TOTAL: (0, 3),
    }  # fmt: skip
    # On 30/06 A1 has 2 of 6 months scored Khá or better: Kém.
    assert _year_shares(w, ON) == {
        "DEPENDENT_CELL.POOR": (2, 2), "GRASSROOTS_CELL.POOR": (1, 1), TOTAL: (0, 3),
    }  # fmt: skip
    ind, records = selectors.records(w.top, "meetings.cells_by_year_level",
                                     "DEPENDENT_CELL.FAIR", on=d(2024, 3, 31))  # fmt: skip
    assert ind.records == RecordKind.ORGANIZATIONS
    assert [o.code for o in records] == ["A1"]


def test_attendance_adds_persons_and_counts(w):
    result = selectors.figure(w.top, "meetings.attendance_rate", on=ON).result
    assert [(r.key, r.numerator, r.denominator, r.display) for r in result.all_rows] == [
        ("persons", 13, 16, "81,3%"), ("counts", 1, 2, "50,0%"), (TOTAL, 14, 18, "77,8%"),
    ]  # fmt: skip


def test_repeated_absence_visits_and_upper_attendee(w):
    assert _values(w, "meetings.members_repeated_absence") == {
        "UNEXCUSED_3_MONTHS": 1, "EXCUSED_RUN": 0, TOTAL: 1,
    }  # fmt: skip
    assert _values(w, "meetings.members_repeated_absence", d(2024, 5, 31))[TOTAL] == 0
    assert _values(w, "meetings.visited") == {"committees": 1, "cells": 2, TOTAL: 3}
    assert _values(w, "meetings.without_upper_attendee") == {"without": 4, "with": 1, TOTAL: 5}


@pytest.mark.parametrize("on", [d(2023, 12, 31), ON])
def test_every_count_lists_as_many_records_as_its_figure(w, on):
    for code in CODES:
        figure = selectors.figure(w.top, code, on=on)
        for row in figure.result.all_rows:
            assert row.url, (code, row.key)
            listed = selectors.records(w.top, code, row.key, on=on)[1].count()
            if figure.indicator.unit != Unit.PERCENT:
                assert listed == row.value, (code, row.key, on)
            elif code in ("meetings.by_level", "meetings.cells_by_year_level"):
                assert listed == row.numerator, (code, row.key, on)


def test_meeting_records_render_with_a_link_to_the_meeting(w):
    ind, records = selectors.records(w.top, "meetings.held_by_kind", "COMBINED", on=ON)
    assert ind.records == RecordKind.MEETINGS
    [meeting] = records
    html = render_to_string("meetings/_indicator_records.html",
                            {"page_obj": Paginator(records, 50).get_page(1)})  # fmt: skip
    assert f'<a href="/o/A1/meetings/{meeting.pk}/">12/03/2024</a>' in html
    assert "Thường kỳ kết hợp chuyên đề" in html


def test_the_indicators_are_registered_and_documented():
    for code in CODES:
        ind = registry.get(code)
        assert ind.list_records is not None
        assert len(ind.description) > 40
