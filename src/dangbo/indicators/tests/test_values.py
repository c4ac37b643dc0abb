"""Exact values of every indicator, as the tree and the registry stood on the date asked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.http import QueryDict
from django.urls import resolve

from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import TOTAL, Query, Unit
from dangbo.members.forms import MemberFilterForm
from dangbo.members.selectors import members_in
from dangbo.members.views import member_filter

from . import scenario
from .scenario import ON_2018

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return scenario.build()


def values(org, code, on=ON_2018):
    return selectors.figure(org, code, on=on).result.values()


def test_grassroots_by_kind_counts_the_2018_tree(world):
    assert values(world.root, "org.grassroots_by_kind") == {
        "GRASSROOTS_DANG_BO": 1, "GRASSROOTS_CELL": 2, TOTAL: 3,
    }  # fmt: skip


def test_grassroots_by_sector_lists_sectors_with_organizations(world):
    figure = selectors.figure(world.root, "org.grassroots_by_sector", on=ON_2018)
    assert [(r.key, r.label, r.value) for r in figure.result.all_rows] == [
        ("HANH_CHINH", "Cơ quan hành chính nhà nước", 1),
        ("SU_NGHIEP", "Đơn vị sự nghiệp công lập", 1),
        ("none", "Chưa phân loại", 1),
        (TOTAL, "Tổng số", 3),
    ]


def test_dependent_cells_are_split_by_the_level_they_stand_under(world):
    assert values(world.root, "org.dependent_cells") == {
        "under_grassroots": 1,
        "under_sub": 1,
        TOTAL: 2,
    }
    assert values(world.s1, "org.dependent_cells") == {
        "under_grassroots": 0,
        "under_sub": 1,
        TOTAL: 1,
    }


def test_sub_committees(world):
    assert values(world.root, "org.sub_committees") == {TOTAL: 1}
    assert values(world.other, "org.sub_committees") == {TOTAL: 0}


def test_members_by_status(world):
    assert values(world.root, "members.by_status") == {
        "PROBATIONARY": 1, "OFFICIAL": 4, "EXEMPTED": 1, TOTAL: 6,
    }  # fmt: skip


def test_members_by_sex(world):
    assert values(world.root, "members.by_sex") == {"M": 4, "F": 2, TOTAL: 6}


def test_members_by_age_band_counts_whole_years_on_the_date(world):
    assert values(world.root, "members.by_age_band") == {
        "to_30": 2, "31_40": 0, "41_50": 2, "51_60": 1, "over_60": 1, TOTAL: 6,
    }  # fmt: skip
    # The next day m4 is 31.
    assert values(world.root, "members.by_age_band", ON_2018 + dt.timedelta(days=1))["to_30"] == 1


def test_members_by_party_age_band_deducts_the_years_struck_off(world):
    assert values(world.root, "members.by_party_age_band") == {
        "under_10": 3, "10_20": 0, "20_30": 2, "30_40": 0, "40_over": 1, TOTAL: 6,
    }  # fmt: skip
    records = selectors.records(world.root, "members.by_party_age_band", "20_30", on=ON_2018)[1]
    assert {m.full_name for m in records} == {"Hoàng Văn Hai", "Vũ Văn Năm"}
    assert not selectors.records(world.root, "members.by_party_age_band", "30_40", on=ON_2018)[
        1
    ].exists()


def test_members_by_ethnicity(world):
    figure = selectors.figure(world.root, "members.by_ethnicity", on=ON_2018)
    assert [(r.key, r.label, r.value) for r in figure.result.all_rows] == [
        ("01", "Kinh", 5), ("02", "Tày", 1), (TOTAL, "Tổng số đảng viên", 6),
    ]  # fmt: skip
    assert values(world.root, "members.by_ethnic_minority") == {"kinh": 5, "minority": 1, TOTAL: 6}


def test_members_by_qualification(world):
    assert values(world.root, "members.by_political_theory") == {
        "00": 0, "01": 0, "02": 1, "03": 1, "04": 0, "none": 4, TOTAL: 6,
    }  # fmt: skip
    assert values(world.root, "members.by_professional_level") == {
        "00": 0, "01": 0, "02": 0, "03": 0, "04": 1, "05": 1, "06": 0, "07": 0, "none": 4, TOTAL: 6,
    }  # fmt: skip
    figure = selectors.figure(world.root, "members.by_general_education", on=ON_2018)
    assert [(r.key, r.label, r.value) for r in figure.result.all_rows] == [
        ("12/12", "Lớp 12 hệ 12 năm", 1), ("10/10", "Lớp 10 hệ 10 năm", 1),
        ("none", "Chưa cập nhật", 4), (TOTAL, "Tổng số đảng viên", 6),
    ]  # fmt: skip


def test_share_of_staff_per_sector_and_overall(world):
    figure = selectors.figure(world.root, "members.share_of_staff", on=ON_2018)
    rows = [(r.key, r.numerator, r.denominator, r.display) for r in figure.result.all_rows]
    # G1: m1, m2, m3 over 100 staff; G2: m4, m5 over 20; G3 has no headcount and is left out.
    assert rows == [
        ("HANH_CHINH", 3, 100, "3,0%"),
        ("SU_NGHIEP", 2, 20, "10,0%"),
        (TOTAL, 5, 120, "4,2%"),
    ]
    assert figure.result.total.value == Decimal(5) * 100 / Decimal(120)


def test_share_of_staff_reads_each_organizations_path_once_not_per_member(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        figure = selectors.figure(world.root, "members.share_of_staff", on=ON_2018)
    assert figure.result.total.numerator == 5
    # No subquery in the member scan to look up the path of each member's organization.
    scans = [q["sql"] for q in queries if "members_memberstate" in q["sql"]]
    assert scans
    assert all("LIMIT 1" not in sql for sql in scans)


def test_a_2018_question_is_answered_with_the_2018_tree(world):
    # G2 moved to DUK2 on 01/01/2019; G3 merged into C12 on 01/01/2021; m8 admitted in 2019.
    on_2020, on_2022 = dt.date(2020, 6, 20), dt.date(2022, 6, 20)
    assert values(world.root, "org.grassroots_by_kind", on_2020) == {
        "GRASSROOTS_DANG_BO": 1, "GRASSROOTS_CELL": 1, TOTAL: 2,
    }  # fmt: skip
    assert values(world.root, "members.by_status", on_2020)[TOTAL] == 5
    assert values(world.root, "org.grassroots_by_kind", on_2022)[TOTAL] == 1
    assert values(world.root, "members.by_status", on_2022)[TOTAL] == 5
    assert values(world.other, "org.grassroots_by_kind")[TOTAL] == 1
    assert values(world.other, "members.by_status")[TOTAL] == 1
    assert values(world.other, "org.grassroots_by_kind", on_2020)[TOTAL] == 2
    assert values(world.other, "members.by_status", on_2020)[TOTAL] == 3
    # Asked again about 2018 after all of it, the answer has not changed.
    assert values(world.root, "org.grassroots_by_kind") == {
        "GRASSROOTS_DANG_BO": 1, "GRASSROOTS_CELL": 2, TOTAL: 3,
    }  # fmt: skip
    # Before the tree was founded there is nothing to count.
    assert values(world.root, "members.by_status", dt.date(1969, 1, 1))[TOTAL] == 0


def test_drilldown_urls(world):
    by_status = selectors.figure(world.root, "members.by_status", on=ON_2018).result
    assert (
        by_status.row("PROBATIONARY").url == "/o/DUK/members/?status=PROBATIONARY&on=20%2F06%2F2018"
    )
    assert by_status.total.url == "/o/DUK/members/?on=20%2F06%2F2018"
    by_age = selectors.figure(world.root, "members.by_age_band", on=ON_2018).result
    assert by_age.row("31_40").url == "/o/DUK/members/?age_min=31&age_max=40&on=20%2F06%2F2018"
    assert by_age.row("to_30").url == "/o/DUK/members/?age_max=30&on=20%2F06%2F2018"
    by_kind = selectors.figure(world.root, "org.grassroots_by_kind", on=ON_2018).result
    assert by_kind.row("GRASSROOTS_CELL").url == (
        "/o/DUK/indicators/org.grassroots_by_kind/GRASSROOTS_CELL/?on=20%2F06%2F2018"
    )
    minority = selectors.figure(world.root, "members.by_ethnic_minority", on=ON_2018).result
    assert (
        minority.row("minority").url
        == "/o/DUK/indicators/members.by_ethnic_minority/minority/?on=20%2F06%2F2018"
    )


@pytest.mark.parametrize("on", [ON_2018, dt.date(2020, 6, 20), dt.date(2022, 6, 20)])
def test_every_drilldown_lists_as_many_records_as_its_figure(world, on):
    for figure in selectors.figures(world.root, on=on):
        for row in figure.result.all_rows:
            assert row.url, (figure.indicator.code, row.key)
            url = urlsplit(row.url)
            if url.path == "/o/DUK/members/":
                form = MemberFilterForm(QueryDict(url.query))
                listed = members_in(world.root, member_filter(form)).count()
            else:
                match = resolve(unquote(url.path))
                assert match.url_name == "indicator-records"
                code, key = match.kwargs["indicator"], match.kwargs["key"]
                assert (code, key) == (figure.indicator.code, row.key)
                params = parse_qs(url.query)
                if figure.indicator.time == registry.PERIOD:
                    assert params["to"] == [on.strftime("%d/%m/%Y")]
                else:
                    assert params["on"] == [on.strftime("%d/%m/%Y")]
                listed = selectors.records(world.root, code, key, on=on)[1].count()
            if figure.indicator.unit == Unit.PERCENT:
                continue  # the list is the organizations the share is computed over
            assert listed == row.value, (figure.indicator.code, row.key)


def test_share_of_staff_drilldown_lists_the_organizations_counted(world):
    records = selectors.records(world.root, "members.share_of_staff", TOTAL, on=ON_2018)[1]
    assert sorted(o.code for o in records) == ["G1", "G2"]


@pytest.mark.parametrize(
    "code",
    [
        "members.by_age_band",
        "members.by_party_age_band",
        "members.by_status",
        "org.dependent_cells",
    ],
)
def test_an_indicator_is_a_few_aggregate_queries(world, code, django_assert_max_num_queries):
    ind = registry.get(code)
    # Root position, the aggregate, and (party age) the few members with gaps.
    with django_assert_max_num_queries(3):
        ind.compute(Query(world.root, ON_2018))


def test_a_subtree_reaches_only_its_own_figures(world):
    assert values(world.c11, "members.by_status") == {
        "PROBATIONARY": 0,
        "OFFICIAL": 1,
        "EXEMPTED": 0,
        TOTAL: 1,
    }
    assert values(world.c11, "org.grassroots_by_kind")[TOTAL] == 0


def test_a_period_indicator_gets_its_period_and_links_with_from_and_to(world):
    from dangbo.members.models import Member

    seen = []

    def compute(q: Query) -> registry.Result:
        seen.append((q.period_start, q.on))
        return registry.Result([], registry.Row(TOTAL, "Tổng số", 0))

    ind = registry.indicator(
        code="test.period",
        title="Chỉ tiêu thử theo kỳ",
        description="Chỉ dùng trong kiểm thử.",
        unit=Unit.MEMBERS,
        time=registry.PERIOD,
        dimension="không phân tổ",
        records=registry.RecordKind.MEMBERS,
    )(compute)
    ind.records_of(lambda q, key: Member.objects.none())
    try:
        figure = selectors.figure(world.root, "test.period", on=ON_2018)
        assert seen == [(dt.date(2018, 1, 1), ON_2018)]
        assert figure.result.total.url == (
            "/o/DUK/indicators/test.period/total/?from=01%2F01%2F2018&to=20%2F06%2F2018"
        )
        selectors.figure(world.root, "test.period", on=ON_2018, start=dt.date(2017, 7, 1))
        assert seen[-1] == (dt.date(2017, 7, 1), ON_2018)
    finally:
        registry.unregister("test.period")


def test_a_date_in_the_first_centuries_gives_zeros_not_an_error(world):
    for figure in selectors.figures(world.root, on=dt.date(1, 1, 1)):
        assert all(not row.value for row in figure.result.all_rows), figure.indicator.code
