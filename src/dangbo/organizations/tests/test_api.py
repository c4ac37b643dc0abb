"""The organization endpoints: scoping, capabilities, validation, paging, history."""

import datetime as dt

import pytest

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import (
    ApiClient,
    add_member,
    as_user,
    build_tree,
    field_error,
    found,
)
from dangbo.organizations.models import Organization, OrgEvent, OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return build_tree()


def test_top_orgs_are_the_roots_of_the_users_grants(tree):
    committee = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    grassroots = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    assert committee.get("/orgs/").body == {
        "items": [
            {
                "code": "000",
                "name": "Đảng ủy Khối",
                "kind": "BLOC",
                "kind_label": "Đảng ủy khối",
                "parent_code": None,
                "sector": None,
                "sector_name": None,
                "depth": 0,
                "established_on": "2000-01-01",
                "dissolved_on": None,
                "is_active": True,
            }
        ],
        "count": 1,
        "approximate": False,
    }
    assert [o["code"] for o in grassroots.get("/orgs/").body["items"]] == ["A"]


def test_detail_has_parent_kind_ancestors_and_counts(tree):
    client = as_user("vanphong", Role.VIEWER, tree.root)

    body = client.get("/o/A/").body

    assert body["parent_code"] == "000"
    assert body["kind"] == "GRASSROOTS_DANG_BO"
    assert body["kind_label"] == "Đảng bộ cơ sở"
    assert body["ancestors"] == [{"code": "000", "name": "Đảng ủy Khối"}]
    assert body["counts"] == {"children": 2, "organizations": 3, "cells": 2}


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/o/B/", None),
        ("get", "/o/B/children/", None),
        ("get", "/o/B/tree/", None),
        ("get", "/o/B/events/", None),
        ("get", "/o/B1/members/", None),
        (
            "post",
            "/o/B/children/",
            {"code": "B9", "name": "X", "kind": "DEPENDENT_CELL", "established_on": "2020-01-01"},
        ),
        ("patch", "/o/B/", {"address": "Hà Nội"}),
        ("post", "/o/B/rename", {"name": "X", "happened_on": "2020-01-01"}),
        ("post", "/o/B1/move", {"new_parent": "A", "happened_on": "2020-01-01"}),
        ("post", "/o/B1/dissolve", {"happened_on": "2020-01-01"}),
        ("post", "/o/B1/restore", {"happened_on": "2020-01-01"}),
        ("post", "/o/B/change-kind", {"kind": "GRASSROOTS_CELL", "happened_on": "2020-01-01"}),
        ("post", "/o/B1/merge", {"target": "A1", "happened_on": "2020-01-01"}),
        (
            "post",
            "/o/B1/members/",
            {
                "full_name": "X",
                "date_of_birth": "1980-01-01",
                "sex": "M",
                "admitted_on": "2010-01-01",
            },
        ),
        ("get", "/o/NO-SUCH-CODE/", None),
    ],
)
def test_sibling_subtree_is_not_found(tree, method, path, data):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.request(method, path, data)

    assert response.status_code == 404
    assert response.body == {"detail": "Không tìm thấy."}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/o/A/children/",
            {"code": "A9", "name": "X", "kind": "DEPENDENT_CELL", "established_on": "2020-01-01"},
        ),
        ("/o/A/rename", {"name": "Tên mới", "happened_on": "2020-01-01"}),
        ("/o/A1/move", {"new_parent": "A", "happened_on": "2020-01-01"}),
        ("/o/A1/dissolve", {"happened_on": "2020-01-01"}),
        ("/o/A/change-kind", {"kind": "GRASSROOTS_CELL", "happened_on": "2020-01-01"}),
        ("/o/A1/merge", {"target": "A2", "happened_on": "2020-01-01"}),
    ],
)
def test_viewer_cannot_change_the_tree(tree, path, data):
    client = as_user("xem", Role.VIEWER, tree.a)
    audit_before = AuditEntry.objects.count()

    response = client.post(path, data)

    assert response.status_code == 403
    assert response.body == {"detail": "Bạn không có quyền thực hiện thao tác này ở tổ chức này."}
    assert AuditEntry.objects.count() == audit_before
    assert Organization.objects.get(code="A").name == "Đảng bộ A"


def test_viewer_cannot_edit_descriptive_fields(tree):
    client = as_user("xem", Role.VIEWER, tree.a)

    assert client.patch("/o/A/", {"address": "Hà Nội"}).status_code == 403
    assert Organization.objects.get(code="A").address == ""


def test_found_child_creates_it_with_its_event_and_audit_entry(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.post("/o/A/children/", {
        "code": "A3", "name": "Chi bộ Kỹ thuật", "kind": "DEPENDENT_CELL", "established_on": "2021-03-15",
        "decision": {"number": "12-QĐ/ĐU", "signed_on": "2021-03-10", "issuer": "Đảng ủy A"},
        "address": "Số 1, phố Huế",
    })  # fmt: skip

    assert response.status_code == 201
    assert response.body["code"] == "A3"
    assert response.body["parent_code"] == "A"
    assert response.body["established_decision"] == "12-QĐ/ĐU"
    org = Organization.objects.get(code="A3")
    assert org.parent == tree.a
    event = OrgEvent.objects.get(organization=org)
    assert (event.kind, event.happened_on, event.decision_issuer) == (
        "FOUNDED",
        dt.date(2021, 3, 15),
        "Đảng ủy A",
    )
    entry = AuditEntry.objects.get(action="organizations.founded", target_id=str(org.pk))
    assert entry.actor.username == "dangbo_a"


def test_found_child_refuses_a_kind_that_cannot_nest(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.post("/o/A1/children/", {
        "code": "X1", "name": "Không hợp lệ", "kind": "DEPENDENT_CELL", "established_on": "2021-03-15",
    })  # fmt: skip

    assert field_error(response) == {
        "parent": "Chi bộ trực thuộc không thể trực thuộc Chi bộ trực thuộc vào ngày 15/03/2021 "
        "(theo quy tắc cấp tổ chức đang áp dụng)."
    }
    assert not Organization.objects.filter(code="X1").exists()


def test_found_child_refuses_a_duplicate_code(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.post("/o/A/children/", {
        "code": "B1", "name": "Trùng mã", "kind": "DEPENDENT_CELL", "established_on": "2021-03-15",
    })  # fmt: skip

    errors = field_error(response)
    assert list(errors) == ["code"]
    assert "Mã tổ chức" in errors["code"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Chi bộ\x00"),
        ("name", "x" * 256),
        ("name", ""),
        ("code", "A/3"),
        ("address", "\x00"),
    ],
)
def test_found_child_refuses_bad_strings(tree, field, value):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)
    data = {
        "code": "A3",
        "name": "Chi bộ",
        "kind": "DEPENDENT_CELL",
        "established_on": "2021-03-15",
    }

    response = client.post("/o/A/children/", {**data, field: value})

    assert response.status_code == 422
    assert response.body["detail"][0]["loc"] == ["body", "payload", field]
    assert not Organization.objects.filter(code__in=["A3", "A/3"]).exists()


def test_nul_byte_message_is_vietnamese(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.post("/o/A/rename", {"name": "Tên\x00", "happened_on": "2021-01-01"})

    assert response.status_code == 422
    assert response.body["detail"][0]["msg"] == "Không được chứa ký tự NUL."


def test_children_are_paged(tree):
    for i in range(3, 6):
        found(f"A{i}", OrgKind.DEPENDENT_CELL, tree.a)
    client = as_user("vanphong", Role.VIEWER, tree.root)

    first = client.get("/o/A/children/", {"page_size": 2})
    last = client.get("/o/A/children/", {"page_size": 2, "page": 3})
    too_big = client.get("/o/A/children/", {"page_size": 201})

    assert first.body["count"] == 5
    assert [o["code"] for o in first.body["items"]] == ["A1", "A2"]
    assert [o["code"] for o in last.body["items"]] == ["A5"]
    assert too_big.status_code == 422
    assert too_big.body["detail"][0]["loc"] == ["query", "page_size"]


def test_patch_changes_only_descriptive_fields(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.patch(
        "/o/A/", {"sector": "HANH_CHINH", "staff_headcount": 120, "phone": "024 3825 1234"}
    )
    unknown_sector = client.patch("/o/A/", {"sector": "KHONG_CO"})

    assert response.status_code == 200
    assert (response.body["sector"], response.body["sector_name"]) == (
        "HANH_CHINH",
        "Cơ quan hành chính nhà nước",
    )
    assert response.body["staff_headcount"] == 120
    assert field_error(unknown_sector) == {"sector": "Không có loại hình «KHONG_CO»."}
    assert (
        AuditEntry.objects.filter(action="organizations.updated", target_id=str(tree.a.pk)).count()
        == 1
    )


def test_rename_keeps_the_old_name_in_the_tree_of_an_earlier_date(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post(
        "/o/A1/rename", {"name": "Chi bộ Văn phòng", "happened_on": "2022-01-01"}
    )
    before = client.get("/o/A/tree/", {"on": "2021-12-31"}).body
    after = client.get("/o/A/tree/", {"on": "2022-01-01"}).body

    assert response.body["name"] == "Chi bộ Văn phòng"
    assert [(n["code"], n["name"]) for n in before["items"]] == [
        ("A", "Đảng bộ A"), ("A1", "Chi bộ A1"), ("A2", "Chi bộ A2"),
    ]  # fmt: skip
    assert [(n["code"], n["name"]) for n in after["items"]][1] == ("A1", "Chi bộ Văn phòng")
    events = client.get("/o/A1/events/").body
    assert [e["kind"] for e in events["items"]] == ["RENAMED", "FOUNDED"]
    assert events["items"][0]["details"] == {
        "old_name": "Chi bộ A1",
        "new_name": "Chi bộ Văn phòng",
    }


def test_rename_before_the_last_change_is_refused(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post("/o/A1/rename", {"name": "Mới", "happened_on": "1999-01-01"})

    assert field_error(response) == {
        "happened_on": "Ngày hiệu lực trước ngày thành lập tổ chức (01/01/2000)."
    }


def test_tree_before_the_organization_existed_is_empty(tree):
    client = as_user("vanphong", Role.VIEWER, tree.root)

    assert client.get("/o/A/tree/", {"on": "1999-12-31"}).body == {
        "items": [], "count": 0, "approximate": False,
    }  # fmt: skip


def test_move_places_the_subtree_under_the_new_parent(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post("/o/A1/move", {"new_parent": "B", "happened_on": "2022-01-01"})

    assert response.status_code == 200
    assert response.body["parent_code"] == "B"
    assert [o["code"] for o in client.get("/o/B/children/").body["items"]] == ["A1", "B1"]


def test_move_to_an_organization_out_of_reach_is_a_field_error(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    response = client.post("/o/A1/move", {"new_parent": "B", "happened_on": "2022-01-01"})

    assert field_error(response) == {"new_parent": "Không tìm thấy tổ chức có mã «B»."}
    assert Organization.objects.get(code="A1").parent == tree.a


def test_change_kind(tree):
    cell = found("C", OrgKind.GRASSROOTS_CELL, tree.root)
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post(
        "/o/C/change-kind", {"kind": "GRASSROOTS_DANG_BO", "happened_on": "2022-01-01"}
    )

    assert response.body["kind"] == "GRASSROOTS_DANG_BO"
    cell.refresh_from_db()
    assert cell.kind == OrgKind.GRASSROOTS_DANG_BO


def test_dissolve_with_members_left_is_refused_and_moving_them_first_works(tree):
    member = add_member(tree.a2, "Nguyễn Văn Hùng")
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    refused = client.post("/o/A2/dissolve", {"happened_on": "2022-01-01"})
    dissolved = client.post(
        "/o/A2/dissolve", {"happened_on": "2022-01-01", "move_members_to": "A1"}
    )
    restored = client.post("/o/A2/restore", {"happened_on": "2022-02-01", "note": "Giải thể nhầm"})

    assert field_error(refused) == {
        "__all__": "Còn 1 đảng viên đang sinh hoạt: chuyển sinh hoạt trước khi giải thể."
    }
    assert dissolved.status_code == 200
    assert dissolved.body["dissolved_on"] == "2022-01-01"
    assert dissolved.body["is_active"] is False
    member.refresh_from_db()
    assert member.organization == tree.a1
    assert restored.body["is_active"] is True


def test_merge_moves_members_and_ends_the_source(tree):
    member = add_member(tree.a2, "Trần Thị Mai", sex="F")
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post(
        "/o/A2/merge", {"target": "A1", "happened_on": "2022-01-01", "decision": {"number": "5-QĐ"}}
    )

    assert response.status_code == 200
    assert response.body["code"] == "A1"
    member.refresh_from_db()
    assert member.organization == tree.a1
    tree.a2.refresh_from_db()
    assert tree.a2.dissolved_on == dt.date(2022, 1, 1)
    assert OrgEvent.objects.filter(organization=tree.a1, kind="ABSORBED", related=tree.a2).exists()


def test_list_endpoints_need_a_token(tree):
    assert ApiClient().get("/o/A/children/").status_code == 401


def test_the_committee_name_and_the_place_are_recorded_and_shown_as_used(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    before = client.get("/o/A1/").body
    assert (before["committee_name"], before["committee"], before["document_place"]) == (
        "", "Chi bộ A1", "",
    )  # fmt: skip
    assert client.patch("/o/000/", {"place_name": " Lạc Hồng "}).status_code == 200
    changed = client.patch("/o/A/", {"committee_name": "Đảng ủy Công ty A"}).body
    assert (changed["committee"], changed["document_place"]) == ("Đảng ủy Công ty A", "Lạc Hồng")
    assert client.get("/o/A1/").body["document_place"] == "Lạc Hồng"  # inherited from the top
    assert client.get("/o/B/").body["committee"] == "Đảng ủy B"  # derived from "Đảng bộ B"
    assert field_error(client.patch("/o/A/", {"place_name": None})) == {
        "place_name": "Giá trị không được để trống (null)."
    }
    founded = client.post("/o/A/children/", {
        "code": "A9", "name": "Chi bộ Kho", "kind": "DEPENDENT_CELL", "established_on": "2020-01-01",
        "place_name": "Tân An",
    })  # fmt: skip
    assert founded.status_code == 201
    assert (founded.body["place_name"], founded.body["document_place"]) == ("Tân An", "Tân An")
