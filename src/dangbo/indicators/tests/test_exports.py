"""The indicator figures and the records behind a figure download as XLSX."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangbo.accounts import services as accounts
from dangbo.accounts.models import Role
from dangbo.core.tests.export_helpers import Table
from dangbo.indicators import selectors
from dangbo.indicators.views import INDICATOR_EXPORT_COLUMNS
from dangbo.members.exports import MEMBER_EXPORT_HEADERS, member_export_columns
from dangbo.organizations.exports import ORG_EXPORT_HEADERS

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return scenario.build()


def client_at(org, username="can-bo", role=Role.VIEWER) -> Client:
    user = accounts.create_user(
        actor=None, username=username, password="x", validate_password=False
    )
    accounts.grant_role(actor=None, user=user, role=role, organization=org)
    client = Client()
    client.force_login(user)
    return client


def test_figures_export_has_one_line_per_row_of_every_indicator(world):
    client = client_at(world.root)
    table = Table(client.get("/o/DUK/indicators/", {"on": "20/06/2018", "export": "xlsx"}))
    assert table.headers == [c.header for c in INDICATOR_EXPORT_COLUMNS]
    assert table.sheet.freeze_panes == "A6"
    assert table.preamble[0] == "Chỉ tiêu — Tổ chức DUK (mã DUK) — tại ngày 20/06/2018"
    assert table.filename == "chi-tieu-DUK-2018-06-20.xlsx"
    figures = selectors.figures(world.root, on=dt.date(2018, 6, 20))
    assert len(table.rows) == sum(len(f.result.all_rows) for f in figures)
    lines = {(r[0], r[3]): dict(zip(table.headers, r, strict=True)) for r in table.rows}
    assert lines[("members.by_status", "Dự bị")]["Số lượng"] == 1
    assert lines[("members.by_status", "Tổng số đảng viên")]["Số lượng"] == 6
    share = lines[("members.share_of_staff", "Chung")]
    assert share["Số lượng"] is None
    assert (share["Tử số là"], share["Mẫu số là"]) == ("Đảng viên", "Cán bộ, nhân viên")
    assert share["Tử số"] * 100 / share["Mẫu số"] == pytest.approx(share["Tỷ lệ"] * 100)
    index = [(r[0], r[3]) for r in table.rows].index(("members.share_of_staff", "Chung"))
    assert table.cell(index, "Tỷ lệ").number_format == "0.0%"
    assert "export=xlsx" in client.get("/o/DUK/indicators/").content.decode()


def test_records_export_of_organizations_lists_them_as_the_page_does(world):
    client = client_at(world.root)
    url = "/o/DUK/indicators/org.grassroots_by_kind/GRASSROOTS_CELL/"
    page = client.get(url, {"on": "20/06/2018"})
    table = Table(client.get(url, {"on": "20/06/2018", "export": "xlsx"}))
    assert table.headers == list(ORG_EXPORT_HEADERS)
    assert table.column("Mã tổ chức") == [o.code for o in page.context["page_obj"]] == ["G2", "G3"]
    assert table.column("Số đảng viên") == [2, 1]  # on 20/06/2018
    assert table.preamble[0].startswith("Tổ chức cơ sở đảng, theo loại: Chi bộ cơ sở — Tổ chức DUK")
    assert table.preamble[2] == "Số liệu: 2."
    assert table.filename == ("chi-tieu-org-grassroots_by_kind-GRASSROOTS_CELL-DUK-2018-06-20.xlsx")
    assert "export=xlsx" in page.content.decode()


def test_records_export_of_members_shows_that_days_cell_and_party_age(world):
    client = client_at(world.root)
    url = "/o/DUK/indicators/members.by_party_age_band/20_30/"
    table = Table(client.get(url, {"on": "20/06/2018", "export": "xlsx"}))
    # A viewer's file leaves the personal columns out; an administrator's has every column.
    assert table.headers == [c.header for c in member_export_columns(personal=False)]
    admin = client_at(world.root, "quan-tri", Role.COMMITTEE_ADMIN)
    full = Table(admin.get(url, {"on": "20/06/2018", "export": "xlsx"}))
    assert full.headers == list(MEMBER_EXPORT_HEADERS)
    assert table.column("Họ và tên") == ["Hoàng Văn Hai", "Vũ Văn Năm"]
    assert table.column("Tuổi") == [48, 58]
    assert table.column("Tuổi đảng") == [23, 23]  # Vũ Văn Năm: ten years struck off
    assert table.column("Mã chi bộ") == ["C12", "G2"]  # G2 was still under DUK then


def test_exports_outside_the_users_subtree_are_404(world):
    client = client_at(world.other)
    assert client.get("/o/DUK/indicators/", {"export": "xlsx"}).status_code == 404
    assert (
        client.get("/o/DUK/indicators/members.by_sex/total/", {"export": "xlsx"}).status_code == 404
    )
