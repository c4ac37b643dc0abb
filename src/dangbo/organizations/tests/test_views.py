"""The organization pages through the test client."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations import services
from dangbo.organizations.models import Organization, OrgEvent, OrgKind, TreePosition
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

pytestmark = pytest.mark.django_db


def _tree():
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    db2 = dang_bo(top, code="DB2", name="Đảng bộ Công ty Hai")
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Phân xưởng")
    g1 = grassroots_cell(top, code="G1", name="Chi bộ Trường học")
    for _ in range(3):
        MemberFactory(organization=c1)
    for _ in range(2):
        MemberFactory(organization=c2)
    MemberFactory(organization=g1)
    return top, db1, db2, c1, c2, g1


def _login(client, org, role=Role.COMMITTEE_ADMIN, **kwargs):
    user = user_with_role(org, role, **kwargs)
    client.force_login(user)
    return user


def test_tree_page_shows_children_with_member_and_grassroots_counts(client):
    top, _db1, _db2, _c1, _c2, _g1 = _tree()
    _login(client, top)
    response = client.get(f"/o/{top.code}/tree/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["rows"]}
    assert list(rows) == ["DB1", "DB2", "G1"]
    assert (rows["DB1"]["members"], rows["DB1"]["grassroots"], rows["DB1"]["has_children"]) == (
        5,
        1,
        True,
    )
    assert (rows["DB2"]["members"], rows["DB2"]["grassroots"], rows["DB2"]["has_children"]) == (
        0,
        1,
        False,
    )
    assert (rows["G1"]["members"], rows["G1"]["grassroots"]) == (1, 1)
    assert "5 đảng viên" in response.content.decode()


def test_tree_counts_take_the_same_queries_for_more_children(client):
    top, *_ = _tree()
    _login(client, top)
    client.get(f"/o/{top.code}/tree/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/o/{top.code}/tree/")
    for i in range(4):
        cell = grassroots_cell(top, code=f"GX{i}")
        MemberFactory(organization=cell)
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/o/{top.code}/tree/")
    assert len(response.context["rows"]) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_htmx_expand_returns_only_the_children_rows(client):
    top, db1, *_ = _tree()
    _login(client, top)
    response = client.get(f"/o/{db1.code}/tree/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Chi bộ Phòng Kế toán" in body
    assert "3 đảng viên" in body


def test_tree_as_of_a_past_date_shows_the_tree_of_that_date(client):
    top, db1, db2, _c1, c2, _g1 = _tree()
    services.move_organization(actor=None, org=c2, new_parent=db2, on=dt.date(2020, 1, 1))
    _login(client, top)

    now = {r["code"]: r for r in client.get(f"/o/{top.code}/tree/").context["rows"]}
    assert (now["DB1"]["members"], now["DB2"]["members"]) == (3, 2)

    then = client.get(f"/o/{top.code}/tree/", {"on": "31/12/2019"})
    rows = {r["code"]: r for r in then.context["rows"]}
    assert (rows["DB1"]["members"], rows["DB2"]["members"]) == (5, 0)
    assert rows["DB2"]["has_children"] is False
    assert "Đang xem cây tổ chức như tại ngày" in then.content.decode()

    expanded = client.get(f"/o/{db1.code}/tree/", {"on": "31/12/2019"}, HTTP_HX_REQUEST="true")
    assert [r["code"] for r in expanded.context["rows"]] == ["C1", "C2"]


def test_tree_before_the_organization_existed_says_so(client):
    top, db1, *_ = _tree()
    _login(client, top)
    response = client.get(f"/o/{db1.code}/tree/", {"on": "01/01/1990"})
    assert response.context["rows"] is None
    assert "chưa tồn tại hoặc đã giải thể vào ngày 01/01/1990" in response.content.decode()


def test_organization_page_shows_details_warnings_and_events(client):
    top, _db1, _db2, _c1, _c2, g1 = _tree()
    _login(client, top)
    response = client.get(f"/o/{g1.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert [w.code for w in response.context["warnings"]] == ["below_minimum"]
    assert "Có 1 đảng viên chính thức, ít hơn mức tối thiểu 3" in body
    assert "Thành lập" in body
    assert [a.code for a in response.context["ancestors"]] == ["KHOI"]


def test_organization_outside_the_users_subtree_is_404_and_without_capability_403(client):
    _top, db1, _db2, c1, _c2, g1 = _tree()
    other = bloc(code="KHAC", name="Đảng ủy Khối Khác")
    _login(client, db1, Role.VIEWER)
    assert client.get(f"/o/{db1.code}/").status_code == 200
    response = client.get(f"/o/{other.code}/")
    assert response.status_code == 404
    assert "nằm ngoài phạm vi bạn được giao" in response.content.decode()
    assert client.get(f"/o/{g1.code}/").status_code == 404
    assert client.get(f"/o/{c1.code}/rename/").status_code == 403
    assert client.get(f"/o/{db1.code}/audit/").status_code == 403


def test_anonymous_user_is_sent_to_login(client):
    top, *_ = _tree()
    response = client.get(f"/o/{top.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_found_a_child_organization(client):
    top, db1, *_ = _tree()
    _login(client, top)
    response = client.post(f"/o/{db1.code}/found/", {
        "code": "C3", "name": "Chi bộ Kho vận", "kind": OrgKind.DEPENDENT_CELL, "established_on": "15/03/2021",
        "decision_number": "12-QĐ/ĐU",
    })  # fmt: skip
    assert response.status_code == 302
    child = db1.children.get(code="C3")
    assert child.established_on == dt.date(2021, 3, 15)
    assert child.events.get().decision_number == "12-QĐ/ĐU"


def test_the_committee_name_and_place_are_edited_and_shown_on_the_organization_page(client):
    top, db1, *_ = _tree()
    _login(client, top)
    response = client.post(f"/o/{top.code}/edit/", {
        "committee_name": "", "place_name": "Lạc Hồng", "staff_headcount": "",
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post(f"/o/{db1.code}/edit/", {
        "committee_name": "Đảng ủy Công ty Cổ phần Một", "place_name": "", "staff_headcount": "",
    })  # fmt: skip
    assert response.status_code == 302
    db1.refresh_from_db()
    assert (db1.committee, db1.document_place()) == ("Đảng ủy Công ty Cổ phần Một", "Lạc Hồng")
    page = client.get(f"/o/{db1.code}/").content.decode()
    assert "Đảng ủy Công ty Cổ phần Một" in page
    assert 'Lạc Hồng <span class="muted">(theo tổ chức cấp trên)</span>' in page
    page = client.get("/o/C1/").content.decode()
    assert 'Chi bộ Phòng Kế toán <span class="muted">(suy ra từ tên tổ chức)</span>' in page
    found = client.post(f"/o/{db1.code}/found/", {
        "code": "C3", "name": "Chi bộ Kho vận", "kind": OrgKind.DEPENDENT_CELL,
        "established_on": "15/03/2021", "place_name": "Tân An",
    })  # fmt: skip
    assert found.status_code == 302
    assert db1.children.get(code="C3").document_place() == "Tân An"


def test_found_a_child_of_a_kind_that_cannot_nest_is_refused_with_nothing_saved(client):
    top, db1, *_ = _tree()
    _login(client, top)
    response = client.post(f"/o/{db1.code}/found/", {
        "code": "X1", "name": "Sai loại", "kind": OrgKind.BLOC, "established_on": "15/03/2021",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Đảng ủy khối không thể trực thuộc Đảng bộ cơ sở vào ngày 15/03/2021 (theo quy tắc cấp tổ chức đang áp dụng)."
    ]
    assert not Organization.objects.filter(code="X1").exists()


def test_a_move_that_would_make_a_cycle_is_refused(client):
    top, db1, _db2, _c1, _c2, _g1 = _tree()
    _login(client, top)
    positions = TreePosition.objects.count()
    response = client.post(
        f"/o/{db1.code}/move/", {"new_parent": "C1", "happened_on": "01/02/2022"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["new_parent"] == [
        "Không thể chuyển «Đảng bộ Công ty Một» vào chính nó hoặc vào một tổ chức trực thuộc nó."
    ]
    db1.refresh_from_db()
    assert db1.parent_id == top.pk
    assert TreePosition.objects.count() == positions


def test_move_to_a_parent_outside_the_scope_is_refused(client):
    _top, db1, _db2, c1, _c2, _g1 = _tree()
    other = bloc(code="KHAC")
    _login(client, db1)
    response = client.post(
        f"/o/{c1.code}/move/", {"new_parent": other.code, "happened_on": "01/02/2022"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["new_parent"] == [
        "Không có tổ chức mã «KHAC» trong phạm vi bạn quản lý."
    ]


def test_move_rename_and_dissolve_with_members_moved(client):
    top, _db1, db2, c1, c2, _g1 = _tree()
    _login(client, top)
    assert (
        client.post(
            f"/o/{c2.code}/move/", {"new_parent": "DB2", "happened_on": "01/02/2022"}
        ).status_code
        == 302
    )
    c2.refresh_from_db()
    assert c2.parent_id == db2.pk
    assert (
        client.post(
            f"/o/{c2.code}/rename/", {"name": "Chi bộ Xưởng Hai", "happened_on": "01/03/2022"}
        ).status_code
        == 302
    )
    c2.refresh_from_db()
    assert c2.name == "Chi bộ Xưởng Hai"
    refused = client.post(f"/o/{c1.code}/dissolve/", {"happened_on": "01/04/2022"})
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() == [
        "Còn 3 đảng viên đang sinh hoạt: chuyển sinh hoạt trước khi giải thể."
    ]
    response = client.post(
        f"/o/{c1.code}/dissolve/", {"happened_on": "01/04/2022", "move_members_to": "C2"}
    )
    assert response.status_code == 302
    c1.refresh_from_db()
    assert c1.dissolved_on == dt.date(2022, 4, 1)
    assert c2.members.count() == 5
    assert OrgEvent.objects.filter(organization=c1, kind=OrgEvent.Kind.DISSOLVED).exists()
    restored = client.post(
        f"/o/{c1.code}/restore/", {"happened_on": "01/05/2022", "note": "Ghi nhầm"}
    )
    assert restored.status_code == 302


def test_audit_log_lists_only_the_subtree(client):
    _top, db1, _db2, _c1, _c2, _g1 = _tree()
    _login(client, db1)
    response = client.get(f"/o/{db1.code}/audit/")
    assert response.status_code == 200
    paths = {e.org_path for e in response.context["page_obj"]}
    assert paths
    assert all(p.startswith(db1.path) for p in paths)


def test_audit_log_pages_newest_first_by_cursor(client, monkeypatch):
    from dangbo.audit.models import AuditEntry
    from dangbo.core import views as core_views

    _top, db1, _db2, _c1, _c2, _g1 = _tree()
    _login(client, db1)
    monkeypatch.setattr(core_views, "PAGE_SIZE", 3)
    expected = list(
        AuditEntry.objects.filter(org_path__startswith=db1.path)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
    )
    assert len(expected) > 3
    seen, after = [], None
    while True:
        page = client.get(f"/o/{db1.code}/audit/", {"after": after} if after else {})
        seen += [e.id for e in page.context["page_obj"]]
        after = page.context["page_obj"].next_cursor
        if after is None:
            break
    assert seen == expected
