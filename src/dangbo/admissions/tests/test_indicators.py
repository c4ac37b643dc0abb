"""The admission indicators: exact values, and each figure's records are as many as it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import resolve

from dangbo.admissions import services
from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL, RecordKind, Unit

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
CODES = ["admissions.candidates_by_stage", "admissions.awareness_class", "admissions.admitted",
         "admissions.plan", "admissions.made_official"]  # fmt: skip


@pytest.fixture
def world():
    w = f.build_world()
    f.propose(w.a1, full_name="Một Người Mới")  # PROPOSED from 02/09/2024
    f.ready_for_vote(
        w.a1, w.members, full_name="Hai Văn Giới", sex="M"
    )  # INTRODUCED from 09/12/2024
    voted = f.ready_for_vote(w.a2, w.members, full_name="Ba Thị Xét")
    services.record_cell_vote(
        actor=None, candidate=voted, held_on=f.CELL_VOTE_ON, in_favour=4, eligible=5
    )
    f.propose(w.a1, full_name="Bốn Sau Này", proposed_on=D(2025, 4, 1))
    late = f.propose(w.a1, full_name="Năm Dừng Lại")
    services.withdraw_candidate(
        actor=None, candidate=late, withdrawn_on=D(2025, 1, 2), reason="Chuyển đi"
    )
    f.admitted(w, full_name="Sáu Kết Nạp")  # cell resolution 04/03/2025, decided 15/04/2025
    f.propose(w.g, full_name="Bảy Nơi Khác")
    services.set_plan(actor=None, organization=w.top, year=2025, planned=2)
    services.set_plan(actor=None, organization=w.a, year=2025, planned=1)
    return w


def values(org, code, on, start=None):
    return selectors.figure(org, code, on=on, start=start).result.values()


def test_candidates_by_stage_counts_the_files_in_progress_on_the_date(world):
    assert values(world.a, "admissions.candidates_by_stage", D(2025, 3, 10)) == {
        "PROPOSED": 1, "AWARENESS_CLASS": 0, "DOSSIER": 0, "INTRODUCED": 1, "CELL_RESOLUTION": 2,
        "COMMITTEE_PROPOSAL": 0, "DECIDED": 0, TOTAL: 4,
    }  # fmt: skip
    assert values(world.a, "admissions.candidates_by_stage", D(2025, 6, 1)) == {
        "PROPOSED": 2, "AWARENESS_CLASS": 0, "DOSSIER": 0, "INTRODUCED": 1, "CELL_RESOLUTION": 1,
        "COMMITTEE_PROPOSAL": 0, "DECIDED": 0, TOTAL: 4,
    }  # fmt: skip
    assert values(world.top, "admissions.candidates_by_stage", D(2025, 3, 10))[TOTAL] == 5
    assert values(world.a, "admissions.candidates_by_stage", D(2024, 9, 1))[TOTAL] == 0


def test_awareness_class_counts_certificates_issued_in_the_period_by_sex(world):
    assert values(world.a, "admissions.awareness_class", D(2024, 12, 31)) == {
        "M": 1,
        "F": 2,
        TOTAL: 3,
    }
    assert values(world.a, "admissions.awareness_class", D(2024, 10, 14))[TOTAL] == 0


def test_admitted_counts_admissions_by_decision_date_in_the_period(world):
    assert values(world.top, "admissions.admitted", D(2025, 12, 31)) == {
        "ADMITTED": 1, "READMITTED": 0, TOTAL: 1,
    }  # fmt: skip
    assert values(world.top, "admissions.admitted", D(2025, 4, 14))[TOTAL] == 0
    assert values(world.a, "admissions.admitted", D(2010, 12, 31))[TOTAL] == 3
    assert values(world.g, "admissions.admitted", D(2025, 12, 31))[TOTAL] == 0


def test_plan_share_for_the_organization_and_its_children_with_a_plan(world):
    result = selectors.figure(world.top, "admissions.plan", on=D(2025, 12, 31)).result
    assert [(r.key, r.value, r.numerator, r.denominator) for r in result.all_rows] == [
        ("A", Decimal(100), 1, 1),
        (TOTAL, Decimal(50), 1, 2),
    ]
    assert (
        selectors.figure(world.g, "admissions.plan", on=D(2025, 12, 31)).result.total.value is None
    )


def test_made_official_counts_recognitions_where_the_member_was(world):
    assert values(world.a, "admissions.made_official", D(2011, 12, 31)) == {TOTAL: 3}
    assert values(world.top, "admissions.made_official", D(2011, 12, 31)) == {TOTAL: 5}
    assert values(world.g, "admissions.made_official", D(2012, 12, 31)) == {TOTAL: 0}


@pytest.mark.parametrize("on", [D(2011, 12, 31), D(2024, 12, 31), D(2025, 3, 10), D(2025, 12, 31)])
def test_every_drilldown_lists_as_many_records_as_its_figure(world, on):
    for code in CODES:
        figure = selectors.figure(world.top, code, on=on)
        for row in figure.result.all_rows:
            url = urlsplit(row.url)
            match = resolve(unquote(url.path))
            assert (match.url_name, match.kwargs["indicator"], match.kwargs["key"]) == (
                "indicator-records", code, row.key,
            )  # fmt: skip
            dates = parse_qs(url.query)
            assert dates.get("on", dates.get("to")) == [on.strftime("%d/%m/%Y")]
            listed = selectors.records(world.top, code, row.key, on=on)[1].count()
            expected = row.numerator if figure.indicator.unit == Unit.PERCENT else row.value
            assert listed == expected, (code, row.key, on)


def test_candidate_records_render_with_a_link_to_the_file(world, rf):
    ind, records = selectors.records(
        world.a, "admissions.candidates_by_stage", "INTRODUCED", on=D(2025, 3, 10)
    )
    assert ind.records == RecordKind.CANDIDATES
    [candidate] = records
    html = render_to_string("admissions/_indicator_records.html",
                            {"page_obj": Paginator(records, 50).get_page(1)})  # fmt: skip
    assert f'<a href="/admissions/{candidate.pk}/">Hai Văn Giới</a>' in html
    assert "Đủ người giới thiệu" in html


def test_the_indicators_are_registered_and_documented():
    for code in CODES:
        ind = registry.get(code)
        assert ind.list_records is not None
        assert len(ind.description) > 40


def test_candidate_records_export_rows(world):
    from dangbo.admissions.exports import CANDIDATE_EXPORT_COLUMNS, candidate_rows

    records = selectors.records(
        world.a, "admissions.candidates_by_stage", TOTAL, on=D(2025, 3, 10)
    )[1]
    rows = list(candidate_rows(records))
    assert [r[1] for r in rows] == ["Hai Văn Giới", "Một Người Mới", "Sáu Kết Nạp", "Ba Thị Xét"]
    assert len(rows[0]) == len(CANDIDATE_EXPORT_COLUMNS)
    assert rows[0][6] == "Đủ người giới thiệu"


@pytest.mark.parametrize("on", [D(2011, 12, 31), D(2025, 12, 31)])
def test_the_admission_figures_read_the_events_once_together(world, on):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.indicators.definitions.admissions import ADMISSION_EVENTS

    codes = ["admissions.admitted", "admissions.plan", "admissions.made_official"]
    assert all(registry.get(c).reads.source is ADMISSION_EVENTS for c in codes)
    with CaptureQueriesContext(connection) as ctx:
        together = selectors.figures(world.top, on=on, codes=codes)
    scans = [q["sql"] for q in ctx.captured_queries if "members_memberevent" in q["sql"]]
    assert len(scans) == 1  # one statement for the three, whatever the number of children
    assert scans[0].count("UNION ALL") == 1
    for figure in together:
        assert figure.result == registry.evaluate(figure.indicator, figure.query)
