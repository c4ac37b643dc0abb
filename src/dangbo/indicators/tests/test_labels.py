"""Every word an indicator shows says what its figure is: column heads, the drill-down's sentence,
the export, the links (none empty, none without a target)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from dangbo.accounts import services as accounts
from dangbo.accounts.models import Role
from dangbo.admissions import services as admissions
from dangbo.admissions.tests import factories as af
from dangbo.core.text import fold
from dangbo.indicators import registry, selectors
from dangbo.indicators.registry import AS_OF, RecordKind, Unit

D = dt.date
UNIT_WORDS = {u.label for u in Unit}


@pytest.mark.parametrize("ind", registry.all_indicators(), ids=lambda i: i.code)
def test_every_label_of_every_indicator_is_meaningful_for_its_unit(ind):
    assert ind.title.strip()
    assert ind.dimension.strip()
    assert ind.missing_label.strip()
    if ind.unit != Unit.PERCENT:
        assert (ind.numerator_label, ind.denominator_label) == ("", "")
        assert ind.value_label == f"Số {ind.unit.label}"
        return
    assert ind.value_label == "Tỷ lệ"
    numerator, denominator = ind.numerator_label, ind.denominator_label
    assert numerator.strip()
    assert denominator.strip()
    assert fold(numerator) != fold(denominator)
    assert "%" not in numerator + denominator
    # Each count is one the description explains (the plan's denominator is the plan,
    # not the staff of another ratio, nor a bare unit word the description never divides by).
    for label in (numerator, denominator):
        assert fold(label) in fold(ind.description), (ind.code, label)


def test_the_plan_divides_the_admitted_by_the_plan():
    plan = registry.get("admissions.plan")
    assert (plan.numerator_label, plan.denominator_label) == ("Được kết nạp", "Kế hoạch kết nạp")
    assert plan.denominator_label.lower() not in UNIT_WORDS
    staff = registry.get("members.share_of_staff")
    assert (staff.numerator_label, staff.denominator_label) == ("Đảng viên", "Cán bộ, nhân viên")


@pytest.mark.parametrize(
    ("unit", "labels"),
    [
        (Unit.PERCENT, {}),
        (Unit.PERCENT, {"numerator_label": "Đảng viên"}),
        (Unit.PERCENT, {"numerator_label": "Đảng viên", "denominator_label": "đảng viên"}),
        (Unit.MEMBERS, {"numerator_label": "Đảng viên", "denominator_label": "Người"}),
        (Unit.MEMBERS, {"missing_label": " "}),
    ],
)
def test_an_indicator_without_the_words_its_unit_needs_is_refused(unit, labels):
    declare = registry.indicator(
        code="test.labels", title="Thử", description="Thử.", unit=unit, time=AS_OF,
        dimension="không phân tổ", records=RecordKind.MEMBERS, **labels,
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"test\.labels"):
        declare(lambda q: registry.Result([]))
    with pytest.raises(registry.UnknownIndicator):
        registry.get("test.labels")


@pytest.fixture
def world(db):
    w = af.build_world()
    af.admitted(w, full_name="Sáu Kết Nạp")  # decided 15/04/2025
    admissions.set_plan(actor=None, organization=w.a, year=2025, planned=4)
    return w


def _rows(org, on):
    for figure in selectors.figures(org, on=on):
        for row in figure.result.all_rows:
            yield figure.indicator, row


@pytest.mark.parametrize("on", [D(2024, 12, 31), D(2025, 12, 31)])
def test_every_row_has_a_label_and_every_link_a_figure_and_a_page(world, on):
    seen_missing = 0
    for org in (world.top, world.a, world.g):
        for ind, row in _rows(org, on):
            assert row.label.strip(), (ind.code, row.key)
            assert row.display.strip(), (ind.code, row.key)
            if row.value is None:
                assert row.display == ind.missing_label, (ind.code, row.key)
                seen_missing += 1
            assert row.url, (ind.code, row.key)
            assert resolve(unquote(urlsplit(row.url).path)).url_name in (
                "member-list", "indicator-records",
            )  # fmt: skip
    assert seen_missing  # the top and G set no plan, no organization records its staff


def _client(org) -> Client:
    user = accounts.create_user(actor=None, username="xem", password="x", validate_password=False)
    accounts.grant_role(actor=None, user=user, role=Role.VIEWER, organization=org)
    client = Client()
    client.force_login(user)
    return client


EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>")
NO_TARGET = re.compile(r"<a\b(?![^>]*\bhref=\"[^\"]+\")[^>]*>")


def test_the_plan_page_names_its_own_counts_and_has_no_empty_link(world):
    client = _client(world.top)
    html = client.get("/o/TOP/indicators/", {"on": "31/12/2025"}).content.decode()
    section = html[html.index('id="admissions.plan"') :]
    section = section[: section.index("</section>")]
    assert '<th scope="col" class="num">Được kết nạp</th>' in section
    assert '<th scope="col" class="num">Kế hoạch kết nạp</th>' in section
    assert "Cán bộ, nhân viên" not in section
    assert "Đảng ủy Khối Thử nghiệm (năm 2025)" in section
    assert "chưa đặt kế hoạch" in section
    assert not EMPTY_LINK.search(html)
    assert not NO_TARGET.search(html)

    html = client.get(
        "/o/TOP/indicators/admissions.plan/A/", {"from": "01/01/2025", "to": "31/12/2025"}
    ).content.decode()
    assert "<strong>25,0%</strong> (được kết nạp 1 / kế hoạch kết nạp 4)" in html
    html = client.get(
        "/o/TOP/indicators/admissions.plan/total/", {"from": "01/01/2025", "to": "31/12/2025"}
    ).content.decode()
    assert "<strong>chưa đặt kế hoạch</strong> (được kết nạp 1 / kế hoạch kết nạp –)" in html


def test_the_export_names_each_ratios_counts(world):
    from dangbo.indicators.views import INDICATOR_EXPORT_COLUMNS, figure_rows

    headers = [c.header for c in INDICATOR_EXPORT_COLUMNS]
    lines = [
        dict(zip(headers, r, strict=True))
        for r in figure_rows(selectors.figures(world.top, on=D(2025, 12, 31)))
    ]
    [a] = [line for line in lines if line["Mã chỉ tiêu"] == "admissions.plan"
           and line["Nhóm"] == "Đảng bộ Công ty A"]  # fmt: skip
    assert (a["Tử số"], a["Tử số là"], a["Mẫu số"], a["Mẫu số là"]) == (
        1, "Được kết nạp", 4, "Kế hoạch kết nạp",
    )  # fmt: skip
    counts = [line for line in lines if line["Mã chỉ tiêu"] == "members.by_sex"]
    assert counts
    assert {(line["Tử số là"], line["Mẫu số là"]) for line in counts} == {(None, None)}
