"""The CLI, the API, the pages and the generated reference all read the same registry."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dangbo.accounts import services as accounts
from dangbo.accounts.models import Role
from dangbo.indicators import docs, registry
from dangbo.indicators.registry import TOTAL

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return scenario.build()


def user_at(org, username="can-bo", role=Role.VIEWER):
    user = accounts.create_user(
        actor=None, username=username, password="x", validate_password=False
    )
    accounts.grant_role(actor=None, user=user, role=role, organization=org)
    return user


def run(*args, **options) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out, **options)
    return out.getvalue()


# --------------------------------------------------------------------------
# The reference document and the registry
# --------------------------------------------------------------------------


def test_docs_indicators_md_is_up_to_date():
    assert docs.DOCS_PATH.read_text(encoding="utf-8") == docs.render(), (
        "docs/indicators.md lệch với danh mục chỉ tiêu: chạy `dangbo indicators --write-docs`."
    )


def test_docs_command_prints_the_reference():
    assert run("--docs") == docs.render()


def test_every_indicator_is_documented():
    for ind in registry.all_indicators():
        assert ind.title, ind.code
        assert len(ind.description) > 40, ind.code
        assert ind.dimension, ind.code
        assert ind.list_records is not None, ind.code


def test_list_command():
    lines = run("--list").splitlines()
    assert lines[0].split(None, 1) == ["org.grassroots_by_kind", "Tổ chức cơ sở đảng, theo loại"]
    assert len(lines) == len(registry.all_indicators())


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def test_cli_prints_a_vietnamese_table(world):
    out = run(org="DUK", at="20/06/2018", code=["members.by_status", "members.share_of_staff"])
    assert out.splitlines() == [
        "Tổ chức DUK (DUK) — số liệu tại ngày 20/06/2018",
        "",
        "Đảng viên, theo tình trạng [members.by_status]",
        "  Dự bị............................ 1",
        "  Chính thức....................... 4",
        "  Miễn công tác và sinh hoạt đảng.. 1",
        "  Tổng số đảng viên................ 6",
        "",
        "Tỷ lệ đảng viên trên số cán bộ, nhân viên của đơn vị [members.share_of_staff]",
        "  (đảng viên/cán bộ, nhân viên = tỷ lệ)",
        "  Cơ quan hành chính nhà nước.. 3/100 = 3,0%",
        "  Đơn vị sự nghiệp công lập.... 2/20 = 10,0%",
        "  Chung........................ 5/120 = 4,2%",
    ]


def test_cli_json_gives_codes_keys_labels_values_and_the_date(world):
    data = json.loads(run(org="DUK", at="2018-06-20", code=["members.by_sex"], json=True))
    assert data["organization"] == {"code": "DUK", "name": "Tổ chức DUK"}
    assert data["on"] == "2018-06-20"
    [figure] = data["indicators"]
    assert figure["code"] == "members.by_sex"
    assert [(r["key"], r["label"], r["value"]) for r in figure["rows"]] == [
        ("M", "Nam", 4),
        ("F", "Nữ", 2),
    ]
    assert figure["total"]["value"] == 6
    assert figure["rows"][1]["drilldown"] == "/o/DUK/members/?sex=F&on=20%2F06%2F2018"


def test_cli_refuses_unknown_organization_code_and_date(world):
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã «XYZ»"):
        run(org="XYZ")
    with pytest.raises(CommandError, match="Không có chỉ tiêu «nope»"):
        run(org="DUK", code=["nope"])
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        run(org="DUK", at="31/02/2018")


# --------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------


def api_client(user) -> Client:
    raw = accounts.issue_token(actor=None, user=user, name="kiểm thử")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_lists_the_registry(world):
    response = api_client(user_at(world.root)).get("/api/v1/indicators")
    assert response.status_code == 200
    body = response.json()
    assert [i["code"] for i in body] == [i.code for i in registry.all_indicators()]
    assert body[0] == {
        "code": "org.grassroots_by_kind",
        "title": "Tổ chức cơ sở đảng, theo loại",
        "description": registry.get("org.grassroots_by_kind").description,
        "unit": "organizations",
        "time": "as_of",
        "dimension": "loại tổ chức",
        "records": "organizations",
        "numerator_label": "",
        "denominator_label": "",
    }
    share = next(i for i in body if i["code"] == "members.share_of_staff")
    assert (share["numerator_label"], share["denominator_label"]) == (
        "Đảng viên", "Cán bộ, nhân viên",
    )  # fmt: skip


def test_api_values_with_drilldown(world):
    client = api_client(user_at(world.root))
    response = client.get(
        "/api/v1/o/DUK/indicators", {"on": "2018-06-20", "code": "org.grassroots_by_kind"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organization"] == {"code": "DUK", "name": "Tổ chức DUK"}
    assert body["on"] == "2018-06-20"
    [figure] = body["indicators"]
    assert [(r["key"], r["value"], r["display"]) for r in figure["rows"]] == [
        ("GRASSROOTS_DANG_BO", 1, "1"), ("GRASSROOTS_CELL", 2, "2"),
    ]  # fmt: skip
    assert (
        figure["total"]["drilldown"]
        == "/o/DUK/indicators/org.grassroots_by_kind/total/?on=20%2F06%2F2018"
    )
    everything = client.get("/api/v1/o/DUK/indicators", {"on": "2018-06-20"}).json()
    assert len(everything["indicators"]) == len(registry.all_indicators())
    share = next(f for f in everything["indicators"] if f["code"] == "members.share_of_staff")
    assert share["total"]["value"] == 4.2
    assert (share["total"]["numerator"], share["total"]["denominator"]) == (5, 120)
    assert (share["numerator_label"], share["denominator_label"]) == (
        "Đảng viên", "Cán bộ, nhân viên",
    )  # fmt: skip


def test_api_scoping_and_errors(world):
    client = api_client(user_at(world.other))
    assert client.get("/api/v1/o/DUK/indicators").status_code == 404
    assert client.get("/api/v1/o/DUK2/indicators").status_code == 200
    bad = client.get("/api/v1/o/DUK2/indicators", {"code": "nope"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["msg"] == "Không có chỉ tiêu «nope»."
    assert Client().get("/api/v1/o/DUK2/indicators").status_code == 401


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_indicators_page_shows_figures_as_links(world):
    client = logged_in(user_at(world.root))
    response = client.get("/o/DUK/indicators/", {"on": "20/06/2018"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu tại ngày 20/06/2018" in html
    assert '<a href="/o/DUK/members/?status=PROBATIONARY&amp;on=20%2F06%2F2018">1</a>' in html
    assert (
        '<a href="/o/DUK/indicators/org.grassroots_by_kind/GRASSROOTS_CELL/?on=20%2F06%2F2018">2</a>'
        in html
    )
    assert "4,2%" in html
    # Each figure is headed by its indicator's title and unit.
    assert (
        "<h2>Tổ chức cơ sở đảng, theo loại</h2>" in html
        or "<h2>" + registry.get("org.grassroots_by_kind").title + "</h2>" in html
    )
    assert "Số tổ chức" in html


def test_indicators_page_with_a_bad_date_falls_back_to_today(world):
    client = logged_in(user_at(world.root))
    response = client.get("/o/DUK/indicators/", {"on": "99/99/2018"})
    assert response.status_code == 200
    assert "Ngày không có thật: 99/99/2018. Đang hiển thị" in response.content.decode()
    response = client.get("/o/DUK/indicators/", {"on": "hôm qua"})
    assert (
        "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy. Đang hiển thị" in response.content.decode()
    )


def test_records_page_lists_the_organizations_behind_a_figure(world):
    client = logged_in(user_at(world.root))
    response = client.get(
        "/o/DUK/indicators/org.grassroots_by_kind/GRASSROOTS_CELL/", {"on": "20/06/2018"}
    )
    assert response.status_code == 200
    assert [o.code for o in response.context["page_obj"]] == ["G2", "G3"]
    # In 2022, G2 stands under DUK2 and G3 has been merged away.
    response = client.get(
        "/o/DUK/indicators/org.grassroots_by_kind/GRASSROOTS_CELL/", {"on": "20/06/2022"}
    )
    assert list(response.context["page_obj"]) == []


def test_records_page_lists_the_members_behind_a_figure(world):
    client = logged_in(user_at(world.root))
    response = client.get(
        "/o/DUK/indicators/members.by_general_education/12/12/", {"on": "20/06/2018"}
    )
    assert response.status_code == 200
    assert [m.full_name for m in response.context["page_obj"]] == ["Lê Thị Một"]
    response = client.get(
        f"/o/DUK/indicators/members.by_party_age_band/{'20_30'}/", {"on": "20/06/2018"}
    )
    assert [m.full_name for m in response.context["page_obj"]] == ["Hoàng Văn Hai", "Vũ Văn Năm"]


def test_records_page_unknown_indicator_or_row_is_404(world):
    client = logged_in(user_at(world.root))
    assert client.get("/o/DUK/indicators/nope/total/").status_code == 404
    assert client.get("/o/DUK/indicators/members.by_sex/X/").status_code == 404
    assert client.get(f"/o/DUK/indicators/members.by_sex/{TOTAL}/").status_code == 200


@pytest.mark.parametrize("path", ["/o/DUK/indicators/", "/o/DUK/indicators/members.by_sex/total/"])
def test_pages_outside_the_users_subtree_are_404(world, path):
    assert logged_in(user_at(world.other)).get(path).status_code == 404


def test_pages_need_login(world):
    response = Client().get("/o/DUK/indicators/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


def test_views_declare_their_capability():
    from dangbo.accounts.permissions import Capability
    from dangbo.indicators import views

    for view in (views.IndicatorsView, views.IndicatorRecordsView):
        assert view.capability == Capability.VIEW_INDICATORS
