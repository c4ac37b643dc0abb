"""The shared export mechanism: every list's URL with ``?export=`` is the list as a file,
reachable exactly as the page is."""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.core.exports import (
    CSV,
    XLSX,
    ExportableListMixin,
    cell_text,
    describe_filters,
    export_name,
    file_slug,
    preamble,
)
from dangbo.core.tests.export_helpers import Table, read_csv
from dangbo.deadlines import sources as deadline_sources
from dangbo.deadlines.tests.fakes import FakeSource, deadline
from dangbo.documents import services as documents
from dangbo.indicators import registry
from dangbo.members import transfers
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell


def _exportable_routes():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                yield p

    for pattern in walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if view is not None and issubclass(view, ExportableListMixin):
            for fmt in view.export_formats:
                yield pattern.name, tuple(sorted(pattern.pattern.regex.groupindex)), fmt


ROUTES = sorted(set(_exportable_routes()))


def test_every_list_of_the_ui_exports():
    assert {name for name, _, _ in ROUTES} == {
        "member-list", "org-tree", "audit", "users", "indicators", "indicator-records",
        "deadlines", "badges", "outgoing-register", "meetings",
    }  # fmt: skip
    assert {name for name, _, fmt in ROUTES if fmt == CSV} == {"member-list", "deadlines"}


@pytest.fixture
def world(db, monkeypatch):
    top = bloc(code="TOP")
    a = dang_bo(top, code="A", name="Đảng bộ A")
    b = dang_bo(top, code="B")
    cell = dependent_cell(a, code="A1")
    dependent_cell(b, code="B1")
    MemberFactory(organization=cell, full_name="Nguyễn Thị Ánh")
    # Admitted elsewhere in 1975, here since 2020: due a Party badge (the badges list has a row).
    transfers.receive_from_outside(
        actor=None, organization=cell, received_on=dt.date(2020, 3, 2), other_party="Tỉnh khác",
        reason="RESIDENCE", letter_number="12-GGT/TU", letter_on=dt.date(2020, 2, 24),
        letter_issuer="Ban Tổ chức Tỉnh ủy", admitted_on=dt.date(1975, 1, 6),
        official_on=dt.date(1976, 1, 6), full_name="Lê Văn Lão", date_of_birth=dt.date(1950, 1, 1),
        sex="M",
    )  # fmt: skip
    # The outgoing register lists the numbers given: one decision of A's committee.
    documents.take_number(actor=None, issuer=a, doc_type="QD", issued_on=dt.date(2026, 3, 2),
                          summary="Quyết định kết nạp đảng viên")  # fmt: skip
    # The deadline radar lists what its sources give: one fake deadline in the cell.
    monkeypatch.setattr(deadline_sources, "SOURCES", [])
    source = deadline_sources.register(FakeSource([deadline(cell, timezone.localdate())]))
    yield {
        "code": a.code,
        "indicator": "members.by_sex",
        "key": registry.TOTAL,
        "sibling_admin": user_with_role(b, Role.COMMITTEE_ADMIN),
        "admin": user_with_role(a, Role.COMMITTEE_ADMIN),
    }
    deadline_sources.unregister(source)


def _url(world, name, keys, fmt):
    return reverse(name, kwargs={k: world[k] for k in keys}) + f"?export={fmt}"


@pytest.mark.parametrize(("name", "keys", "fmt"), ROUTES, ids=[f"{r[0]}-{r[2]}" for r in ROUTES])
def test_export_is_the_page_for_whoever_may_see_the_page(client, world, name, keys, fmt):
    url = _url(world, name, keys, fmt)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(world["sibling_admin"])
    assert client.get(url).status_code == 404
    client.force_login(world["admin"])
    response = client.get(url)
    if fmt == XLSX:
        table = Table(response)
        assert table.rows, "the export has rows"
        assert table.preamble[0].startswith(
            (
                "Danh sách",
                "Nhật ký",
                "Người dùng",
                "Chỉ tiêu",
                "Đảng viên, theo giới tính",
                "Sổ đăng ký văn bản đi",
                "Xếp loại sinh hoạt chi bộ",
            )
        )
        assert "Đảng bộ A (mã A)" in table.preamble[0]
        assert table.preamble[1].startswith("Điều kiện lọc: ")
        assert table.sheet.freeze_panes == f"A{len(table.preamble) + 2}"
        assert all(table.headers)
        assert table.sheet["A1"].value == table.preamble[0]
    else:
        _, rows = read_csv(response)
        assert len(rows) >= 2


@pytest.mark.django_db
def test_an_unknown_export_format_is_not_found(client, world):
    client.force_login(world["admin"])
    assert client.get("/o/A/tree/?export=pdf").status_code == 404
    assert client.get("/o/A/audit/?export=csv").status_code == 404


def test_file_names_have_no_accents_nor_separators():
    assert file_slug("Đảng bộ Công ty Một") == "Dang-bo-Cong-ty-Mot"
    assert file_slug("members.by_sex") == "members-by_sex"
    assert file_slug("../..") == "danh-sach"
    assert export_name("dang-vien", "DB1", dt.date(2026, 11, 23)) == "dang-vien-DB1-2026-11-23"


class _Filters(forms.Form):
    q = forms.CharField(label="Tìm", required=False)
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—"), ("F", "Nữ")], required=False)
    on = forms.DateField(label="Tại ngày", required=False, input_formats=["%d/%m/%Y"])
    age = forms.IntegerField(label="Tuổi", required=False)


def test_describe_filters_names_each_filter_in_force_with_its_vietnamese_value():
    form = _Filters({"q": "hoa", "sex": "F", "on": "01/06/2020", "age": ""})
    assert describe_filters(form) == ["Tìm: hoa", "Giới tính: Nữ", "Tại ngày: 01/06/2020"]
    assert describe_filters(form, labels={"q": "Tên"}, skip=["on"]) == ["Tên: hoa", "Giới tính: Nữ"]
    # An invalid filter is left out, as the list leaves it out.
    assert describe_filters(_Filters({"sex": "X", "age": "abc", "q": "an"})) == ["Tìm: an"]
    assert describe_filters(_Filters()) == []


@pytest.mark.django_db
def test_preamble_says_what_the_list_is():
    org = bloc(code="KHOI", name="Đảng ủy Khối")
    lines = preamble(
        "Danh sách đảng viên", org, on=dt.date(2026, 11, 23), filters=["Giới tính: Nữ"],
        user=AnonymousUser(), extra=["Ghi chú."],
    )  # fmt: skip
    assert lines[:3] == [
        "Danh sách đảng viên — Đảng ủy Khối (mã KHOI) — tại ngày 23/11/2026",
        "Điều kiện lọc: Giới tính: Nữ",
        "Ghi chú.",
    ]
    assert lines[3].startswith("Xuất lúc ")
    assert "bởi" not in lines[3]
    assert preamble("Nhật ký", org)[1] == "Điều kiện lọc: không"


def test_cell_text_is_cut_to_what_a_cell_holds():
    assert cell_text(None) == ""
    assert cell_text("abc") == "abc"
    assert len(cell_text("x" * 40_000)) == 32_001
