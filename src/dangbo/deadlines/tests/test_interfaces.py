"""The page, its files, the API and the command show the same radar, scoped to the user."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.core.tests.api_helpers import ApiClient, build_tree, token_for
from dangbo.core.tests.export_helpers import Table, read_csv

from .fakes import deadline

pytestmark = pytest.mark.django_db


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


@pytest.fixture
def tree(fake_source):
    tree = build_tree()
    fake_source.deadlines = [
        deadline(tree.a1, day(-3), subject="Nguyễn Văn An", url="/members/11/"),
        deadline(
            tree.a1, day(12), kind="test.badge_proposal", title="Đề nghị Huy hiệu Đảng",
            subject="Trần Thị Bình", rule="QĐ 94-QĐ/TW", detail="Đủ 40 năm tuổi đảng",
        ),
        deadline(tree.a2, day(45), subject="Lê Văn Cường"),
        deadline(tree.b1, day(0), subject="Phạm Thị Dung"),
    ]  # fmt: skip
    tree.source = fake_source
    return tree


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(code: str) -> str:
    return reverse("deadlines", kwargs={"code": code})


# --------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------


def test_committee_sees_the_subtree_with_counts_per_organization(tree):
    client = logged_in(user_with_role(tree.root, Role.COMMITTEE_ADMIN))
    response = client.get(url("000"))
    assert response.status_code == 200
    assert tree.source.calls[-1][0] == "000"
    radar = response.context["radar"]
    assert (radar.total, radar.overdue, radar.soon, radar.upcoming) == (4, 1, 2, 3)
    html = response.content.decode()
    assert [(r.code, r.total) for r in response.context["org_rows"]] == [("A", 3), ("B", 1)]
    assert f'<a href="{url("A")}?">Đảng bộ A</a>' in html
    assert f'<a href="{url("B")}?">Đảng bộ B</a>' in html
    # The list, soonest first: due date, days, what, whom (linked), organization, rule.
    rows = [r.deadline.subject for r in response.context["page_obj"]]
    assert rows == ["Nguyễn Văn An", "Phạm Thị Dung", "Trần Thị Bình", "Lê Văn Cường"]
    assert day(-3).strftime("%d/%m/%Y") in html
    assert '<span class="badge danger">quá hạn 3 ngày</span>' in html
    assert "còn 12 ngày" in html
    assert "hết hạn hôm nay" in html
    assert '<a href="/members/11/">Nguyễn Văn An</a>' in html
    assert f'<a href="{url("A1")}">Chi bộ A1 – Đảng bộ A</a>' in html
    assert "QĐ 94-QĐ/TW" in html
    assert "Đủ 40 năm tuổi đảng" in html


def test_cell_secretary_sees_only_the_cells_deadlines(tree):
    client = logged_in(user_with_role(tree.a1, Role.CELL_SECRETARY))
    response = client.get(url("A1"))
    assert response.status_code == 200
    # The sources are asked for the cell, not for anything above it.
    assert tree.source.calls == [("A1", timezone.localdate(), day(90))]
    subjects = [r.deadline.subject for r in response.context["page_obj"]]
    assert subjects == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert response.context["org_rows"] == []
    assert "Lê Văn Cường" not in response.content.decode()
    # Outside their subtree: not found.
    assert client.get(url("A")).status_code == 404
    assert client.get(url("A2")).status_code == 404


def test_filters_kind_horizon_and_overdue(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    subjects = lambda params: [  # noqa: E731
        r.deadline.subject for r in client.get(url("A"), params).context["page_obj"]
    ]
    assert subjects({}) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert subjects({"horizon": "30"}) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert subjects({"kind": "test.badge_proposal"}) == ["Trần Thị Bình"]
    assert subjects({"overdue": "1"}) == ["Nguyễn Văn An"]
    # An unknown horizon falls back to 90 days, an unknown kind finds nothing.
    assert subjects({"horizon": "7"}) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert subjects({"kind": "nope"}) == []
    html = client.get(url("A"), {"kind": "test.badge_proposal", "horizon": "60"}).content.decode()
    assert '<option value="test.badge_proposal" selected>Đề nghị Huy hiệu Đảng</option>' in html
    assert '<option value="60" selected>60 ngày tới</option>' in html


def test_htmx_filter_gets_only_the_results(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    response = client.get(url("A"), {"overdue": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="deadline-results">')
    assert "<html" not in html
    assert "Nguyễn Văn An" in html
    assert "Trần Thị Bình" not in html


def test_a_long_radar_builds_rows_for_the_page_shown_only(tree):
    tree.source.deadlines = [
        deadline(tree.a1 if i % 2 else tree.b1, day(i % 80), subject=f"Đảng viên {i:03d}",
                 url=f"/members/{i}/")
        for i in range(120)
    ]  # fmt: skip
    client = logged_in(user_with_role(tree.root, Role.COMMITTEE_ADMIN))
    first = client.get(url("000"))
    radar = first.context["radar"]
    page = first.context["page_obj"]
    assert radar.total == page.paginator.count == len(radar.items) == 120
    assert sum(r.total for r in first.context["org_rows"]) == radar.total
    assert sum(k.total for k in radar.by_kind) == radar.total
    assert [r.deadline for r in page] == radar.items[:50]
    assert {r.org_code for r in page} == {"A1", "B1"}
    # The codes are read for the organizations of the page, not for every item.
    assert "org_codes" not in radar.__dict__
    last = client.get(url("000"), {"page": "3"}).context["page_obj"]
    assert [r.deadline.subject for r in last] == [
        d.subject for d in last.paginator.object_list[100:]
    ]
    assert all(r.org_code == ("A1" if r.deadline.organization_id == tree.a1.pk else "B1")
               for r in last)  # fmt: skip


def test_empty_radar_says_so(tree):
    tree.source.deadlines = []
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    html = client.get(url("A")).content.decode()
    assert "Không có việc nào đến hạn." in html


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def test_workbook_lists_the_filtered_radar(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN, full_name="Hoàng Thu"))
    table = Table(client.get(url("A"), {"export": "xlsx", "horizon": "30"}))
    assert table.filename == f"thoi-han-A-{timezone.localdate():%Y-%m-%d}.xlsx"
    assert table.preamble[0] == (
        f"Danh sách việc đến hạn — Đảng bộ A (mã A) — tại ngày {day(0):%d/%m/%Y}"
    )
    assert table.preamble[1] == "Điều kiện lọc: Trong vòng: 30 ngày tới"
    assert table.column("Đối tượng") == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert table.column("Hạn cuối") == [day(-3), day(12)]
    assert table.column("Số ngày còn lại") == [-3, 12]
    assert table.column("Tình trạng") == ["quá hạn 3 ngày", "còn 12 ngày"]
    assert table.column("Mã tổ chức") == ["A1", "A1"]
    assert table.column("Đường dẫn")[0] == "http://testserver/members/11/"


def test_csv_lists_the_radar(tree):
    client = logged_in(user_with_role(tree.a, Role.COMMITTEE_ADMIN))
    _, rows = read_csv(client.get(url("A"), {"export": "csv", "kind": "test.badge_proposal"}))
    assert rows[0][:5] == ["STT", "Hạn cuối", "Số ngày còn lại", "Tình trạng", "Việc cần làm"]
    assert rows[1][:6] == [
        "1", day(12).strftime("%d/%m/%Y"), "12", "còn 12 ngày", "Đề nghị Huy hiệu Đảng",
        "Trần Thị Bình",
    ]  # fmt: skip
    assert len(rows) == 2


# --------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------


def test_api_returns_items_and_counts(tree):
    api = ApiClient(token_for(user_with_role(tree.root, Role.VIEWER)))
    response = api.get("/o/000/deadlines", {"horizon_days": 30})
    assert response.status_code == 200
    body = response.body
    assert body["organization"] == {"code": "000", "name": "Đảng ủy Khối"}
    assert body["horizon_days"] == 30
    assert body["until"] == day(30).isoformat()
    assert (body["total"], body["overdue"], body["due_soon"], body["upcoming"]) == (3, 1, 2, 2)
    assert [(o["code"], o["own"], o["total"], o["overdue"]) for o in body["organizations"]] == [
        ("A", False, 2, 1),
        ("B", False, 1, 0),
    ]
    assert [(k["kind"], k["total"]) for k in body["kinds"]] == [
        ("test.badge_proposal", 1),
        ("admissions.decision", 2),
    ]
    first = body["items"][0]
    assert first == {
        "kind": "admissions.decision",
        "title": "Quyết định kết nạp",
        "subject": "Nguyễn Văn An",
        "organization_code": "A1",
        "organization_name": "Chi bộ A1",
        "organization_label": "Chi bộ A1 – Đảng bộ A",
        "due_on": day(-3).isoformat(),
        "days_left": -3,
        "overdue": True,
        "milestone": False,
        "status": "quá hạn 3 ngày",
        "rule": "QĐ 294-QĐ/TW, mục 4.3.1",
        "detail": "",
        "url": "/members/11/",
    }


def test_api_filters_and_scope(tree):
    api = ApiClient(token_for(user_with_role(tree.a1, Role.CELL_SECRETARY)))
    body = api.get("/o/A1/deadlines", {"overdue_only": "true"}).body
    assert [i["subject"] for i in body["items"]] == ["Nguyễn Văn An"]
    assert tree.source.calls[-1][0] == "A1"
    body = api.get("/o/A1/deadlines", {"kind": "test.badge_proposal"}).body
    assert [i["subject"] for i in body["items"]] == ["Trần Thị Bình"]
    assert api.get("/o/A/deadlines").status_code == 404
    assert api.get("/o/A1/deadlines", {"horizon_days": 400}).status_code == 422


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def test_command_prints_the_radar(tree):
    out = StringIO()
    call_command("deadlines", "--org", "A", "--horizon-days", "60", stdout=out)
    text = out.getvalue()
    assert tree.source.calls[-1] == ("A", timezone.localdate(), day(60))
    assert "Thời hạn cần theo dõi: Đảng bộ A (A)" in text
    assert "Quá hạn: 1; đến hạn trong 30 ngày: 1; đến hạn trong 60 ngày tới: 2." in text
    assert "Chi bộ A1 (A1): 2 việc, 1 quá hạn" in text
    lines = [line for line in text.splitlines() if line.startswith("  ") and "—" in line]
    assert lines[0].startswith(f"  {day(-3):%d/%m/%Y}  quá hạn 3 ngày")
    assert "Quyết định kết nạp — Nguyễn Văn An (Chi bộ A1) [QĐ 294-QĐ/TW, mục 4.3.1]" in lines[0]
    assert len(lines) == 3


def test_command_json_and_overdue_only(tree):
    out = StringIO()
    call_command("deadlines", "--org", "000", "--overdue-only", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [i["subject"] for i in data["items"]] == ["Nguyễn Văn An"]
    assert data["overdue"] == 1
    assert data["items"][0]["due_on"] == day(-3).isoformat()


def test_api_and_command_show_a_reached_milestone_as_due_not_overdue(tree):
    tree.source.deadlines = [
        deadline(tree.a1, day(-2), kind="admissions.probation_end", title="Hết thời kỳ dự bị",
                 subject="Võ Thị Em", rule="Điều lệ Đảng, Điều 5 khoản 1", milestone=True),
    ]  # fmt: skip
    api = ApiClient(token_for(user_with_role(tree.root, Role.VIEWER)))
    body = api.get("/o/A1/deadlines").body
    assert (body["overdue"], body["due_soon"]) == (0, 1)
    [item] = body["items"]
    assert (item["overdue"], item["milestone"], item["status"], item["days_left"]) == (
        False, True, "đến hạn từ 2 ngày trước", -2,
    )  # fmt: skip
    out = StringIO()
    call_command("deadlines", "--org", "A1", stdout=out)
    text = out.getvalue()
    assert "Quá hạn: 0; đến hạn trong 30 ngày: 1;" in text
    assert f"  {day(-2):%d/%m/%Y}  đến hạn từ 2 ngày trước Hết thời kỳ dự bị — Võ Thị Em" in text


def test_command_refuses_an_unknown_organization(tree):
    with pytest.raises(CommandError, match=r"Không tìm thấy tổ chức mã «ZZ»\."):
        call_command("deadlines", "--org", "ZZ")


def test_the_page_the_api_and_the_file_name_each_cell_with_its_parent(tree):
    from dangbo.organizations.models import Organization

    # Two cells of one name, under two đảng bộ.
    Organization.objects.filter(pk__in=[tree.a1.pk, tree.b1.pk]).update(name="Chi bộ Văn phòng")
    user = user_with_role(tree.root, Role.COMMITTEE_ADMIN)

    page = logged_in(user).get(url("000")).content.decode()
    body = ApiClient(token_for(user)).get("/o/000/deadlines").body
    table = Table(logged_in(user).get(url("000") + "?export=xlsx"))

    for label in ("Chi bộ Văn phòng – Đảng bộ A", "Chi bộ Văn phòng – Đảng bộ B"):
        assert label in page
        assert label in {item["organization_label"] for item in body["items"]}
        assert label in table.column("Tổ chức")
