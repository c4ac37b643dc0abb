"""The member endpoints: scoping, capabilities, validation, filters, paging, events."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import add_member, as_user, build_tree, field_error
from dangbo.members.models import Member, MemberEvent

pytestmark = pytest.mark.django_db

NEW_MEMBER = {
    "full_name": "Nguyễn Thị Hồng Nhung",
    "date_of_birth": "1990-04-30",
    "sex": "F",
    "admitted_on": "2015-09-02",
    "official_on": "2016-09-02",
    "card_number": "12345678",
    "political_theory_level": "02",
}


@pytest.fixture
def tree():
    return build_tree()


def test_create_member_in_a_cell_records_events_and_audit(tree):
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.post("/o/A1/members/", NEW_MEMBER)

    assert response.status_code == 201
    body = response.body
    assert body["full_name"] == "Nguyễn Thị Hồng Nhung"
    assert (body["status"], body["status_label"]) == ("OFFICIAL", "Chính thức")
    assert (body["admitted_on"], body["official_on"]) == ("2015-09-02", "2016-09-02")
    assert body["organization_code"] == "A1"
    assert body["political_theory_level_label"] == "Trung cấp"
    assert body["sex_label"] == "Nữ"
    member = Member.objects.get(pk=body["id"])
    assert [e.kind for e in member.events.all()] == ["ADMITTED", "MADE_OFFICIAL"]
    entry = AuditEntry.objects.get(action="members.created", target_id=str(member.pk))
    assert entry.actor.username == "bithu"
    assert entry.org_path == tree.a1.path


def test_official_date_before_admission_is_refused_with_the_field(tree):
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.post("/o/A1/members/", {**NEW_MEMBER, "official_on": "2015-01-01"})

    assert response.body == {
        "detail": [
            {
                "loc": ["body", "official_on"],
                "msg": "Ngày chính thức (01/01/2015) phải sau ngày vào Đảng (02/09/2015).",
                "type": "value_error",
            }
        ]
    }
    assert not Member.objects.exists()


def test_duplicate_card_number_is_refused(tree):
    add_member(tree.b1, "Lê Văn Tám", card_number="12345678")
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.post("/o/A1/members/", NEW_MEMBER)

    assert field_error(response) == {
        "card_number": "Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."
    }
    assert "Lê Văn Tám" not in response.content.decode()
    assert Member.objects.count() == 1
    [entry] = AuditEntry.objects.filter(action="members.duplicate_refused")
    assert entry.org_path == tree.b1.path
    assert entry.actor.username == "bithu"


def test_member_cannot_be_created_outside_a_cell(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post("/o/A/members/", NEW_MEMBER)

    assert list(field_error(response)) == ["organization"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Nguyễn\x00Văn"),
        ("home_town", "\x00"),
        ("card_number", "1\x002"),
        ("full_name", "x" * 151),
        ("sex", "X"),
        ("political_theory_level", "99"),
        ("date_of_birth", "30/04/1990"),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(tree, field, value):
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.post("/o/A1/members/", {**NEW_MEMBER, field: value})

    assert response.status_code == 422
    assert response.body["detail"][0]["loc"] == ["body", "payload", field]
    assert not Member.objects.exists()


def test_nul_byte_in_patch_is_refused(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.patch(f"/members/{member.pk}/", {"occupation": "Kỹ sư\x00"})

    assert response.status_code == 422
    member.refresh_from_db()
    assert member.occupation == ""


def test_sibling_members_are_not_found(tree):
    sibling = add_member(tree.b1, "Lê Văn Tám")
    event = sibling.events.get()
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    for method, path, data in [
        ("get", f"/members/{sibling.pk}/", None),
        ("patch", f"/members/{sibling.pk}/", {"occupation": "X"}),
        ("get", f"/members/{sibling.pk}/events/", None),
        ("post", f"/members/{sibling.pk}/events/", {"kind": "DIED", "happened_on": "2020-01-01"}),
        ("post", f"/members/{sibling.pk}/events/{event.pk}/void", {"reason": "nhầm"}),
        ("post", f"/members/{sibling.pk}/events/{event.pk}/restore", None),
        ("post", f"/members/{sibling.pk}/void", {"reason": "nhầm"}),
        ("post", f"/members/{sibling.pk}/restore", None),
        ("get", "/members/999999/", None),
    ]:
        response = client.request(method, path, data)
        assert response.status_code == 404, (method, path)
        assert response.body == {"detail": "Không tìm thấy."}
    sibling.refresh_from_db()
    assert (sibling.occupation, sibling.voided_at, sibling.status) == ("", None, "PROBATIONARY")


def test_viewer_cannot_change_members(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    event = member.events.get()
    client = as_user("xem", Role.VIEWER, tree.a)

    for method, path, data in [
        ("post", "/o/A1/members/", NEW_MEMBER),
        ("patch", f"/members/{member.pk}/", {"occupation": "X"}),
        ("post", f"/members/{member.pk}/events/", {"kind": "DIED", "happened_on": "2020-01-01"}),
        ("post", f"/members/{member.pk}/events/{event.pk}/void", {"reason": "nhầm"}),
        ("post", f"/members/{member.pk}/void", {"reason": "nhầm"}),
    ]:
        response = client.request(method, path, data)
        assert response.status_code == 403, (method, path)
    assert client.get(f"/members/{member.pk}/").status_code == 200
    assert Member.objects.count() == 1
    member.refresh_from_db()
    assert (member.occupation, member.voided_at, member.status) == ("", None, "PROBATIONARY")


def test_out_of_range_ids_are_422_not_500(tree):
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    assert client.get("/members/99999999999999999999999/").status_code == 422
    assert client.get("/members/0/").status_code == 422


def test_member_list_filters_and_pages(tree):
    add_member(tree.a1, "Nguyễn Văn Hùng", date_of_birth=dt.date(1970, 1, 1))
    add_member(tree.a1, "Trần Thị Mai", sex="F")
    add_member(tree.a2, "Lê Văn An")
    add_member(tree.a2, "Nguyễn Văn Bình", admitted_on=dt.date(2020, 1, 1))
    add_member(tree.b1, "Nguyễn Văn Hưng")
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    everyone = client.get("/o/A/members/").body
    page_two = client.get("/o/A/members/", {"page_size": 3, "page": 2}).body
    by_name = client.get("/o/A/members/", {"q": "nguyen van hung"}).body
    women = client.get("/o/A/members/", {"sex": "F"}).body
    older = client.get("/o/A/members/", {"age_min": 50}).body
    young_in_party = client.get("/o/A/members/", {"party_age_max": 9}).body
    cell = client.get("/o/A2/members/").body
    in_2015 = client.get("/o/A/members/", {"on": "2015-01-01"}).body

    assert everyone["count"] == 4
    assert [m["full_name"] for m in everyone["items"]] == [
        "Lê Văn An", "Nguyễn Văn Bình", "Nguyễn Văn Hùng", "Trần Thị Mai",
    ]  # fmt: skip
    assert [m["full_name"] for m in page_two["items"]] == ["Trần Thị Mai"]
    assert page_two["count"] == 4
    assert [m["full_name"] for m in by_name["items"]] == ["Nguyễn Văn Hùng"]
    assert [m["full_name"] for m in women["items"]] == ["Trần Thị Mai"]
    assert [m["full_name"] for m in older["items"]] == ["Nguyễn Văn Hùng"]
    assert [m["full_name"] for m in young_in_party["items"]] == ["Nguyễn Văn Bình"]
    assert [m["full_name"] for m in cell["items"]] == ["Lê Văn An", "Nguyễn Văn Bình"]
    assert in_2015["count"] == 3


def test_member_list_pages_by_cursor(tree):
    for name in ("An", "Bình", "Chi", "Dũng", "Giang"):
        add_member(tree.a1, f"Nguyễn Văn {name}")
    add_member(tree.a1, "Trần Thị Mai", sex="F")
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    first = client.get("/o/A/members/", {"page_size": 2, "sex": "M"}).body
    second = client.get("/o/A/members/", {"page_size": 2, "sex": "M", "after": first["next"]}).body
    third = client.get("/o/A/members/", {"page_size": 2, "sex": "M", "after": second["next"]}).body

    names = [m["full_name"] for page in (first, second, third) for m in page["items"]]
    assert names == [f"Nguyễn Văn {n}" for n in ("An", "Bình", "Chi", "Dũng", "Giang")]
    assert third["next"] is None
    assert first["count"] == third["count"] == 5
    assert first["approximate"] is False
    bad = client.get("/o/A/members/", {"after": "không-phải-con-trỏ"})
    assert bad.status_code == 422
    assert bad.body["detail"][0]["loc"] == ["query", "after"]
    assert bad.body["detail"][0]["msg"].startswith("Con trỏ trang không hợp lệ")


def test_member_list_refuses_unknown_filter_values(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    assert client.get("/o/A/members/", {"status": "GONE"}).status_code == 422
    assert client.get("/o/A/members/", {"age_min": -1}).status_code == 422
    assert client.get("/o/A/members/", {"on": "hôm qua"}).status_code == 422


def test_detail_and_patch(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng", official_on=dt.date(2011, 3, 2))
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    detail = client.get(f"/members/{member.pk}/").body
    patched = client.patch(
        f"/members/{member.pk}/", {"occupation": "Kỹ sư", "card_number": None, "home_town": None}
    )
    too_young = client.patch(f"/members/{member.pk}/", {"date_of_birth": "2000-01-01"})
    null_name = client.patch(f"/members/{member.pk}/", {"full_name": None})

    assert detail["ethnicity_name"] == "Kinh"
    assert detail["party_age_years"] >= 14
    assert detail["status"] == "OFFICIAL"
    assert patched.status_code == 200
    assert patched.body["occupation"] == "Kỹ sư"
    assert field_error(too_young) == {
        "date_of_birth": (
            "Với ngày sinh này, đảng viên vào Đảng ngày 02/03/2010: "
            "người vào Đảng phải đủ 18 tuổi (Điều lệ Đảng, Điều 1)."
        )
    }
    assert field_error(null_name) == {"full_name": "Giá trị không được để trống (null)."}
    assert (
        AuditEntry.objects.filter(action="members.updated", target_id=str(member.pk)).count() == 1
    )


def test_events_are_recorded_voided_and_restored(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    made_official = client.post(
        f"/members/{member.pk}/events/",
        {"kind": "MADE_OFFICIAL", "happened_on": "2011-03-02", "decision_number": "7-QĐ/ĐU"},
    )
    event_id = made_official.body["id"]
    voided = client.post(f"/members/{member.pk}/events/{event_id}/void", {"reason": "Nhập nhầm"})
    after_void = client.get(f"/members/{member.pk}/").body["status"]
    restored = client.post(f"/members/{member.pk}/events/{event_id}/restore")
    events = client.get(f"/members/{member.pk}/events/").body

    assert made_official.status_code == 201
    assert made_official.body["kind_label"] == "Công nhận đảng viên chính thức"
    assert voided.body["is_voided"] is True
    assert after_void == "PROBATIONARY"
    assert restored.body["is_voided"] is False
    assert [e["kind"] for e in events["items"]] == ["ADMITTED", "MADE_OFFICIAL"]
    assert events["count"] == 2
    member.refresh_from_db()
    assert member.status == "OFFICIAL"


def test_event_that_breaks_the_history_is_refused_on_happened_on(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    response = client.post(
        f"/members/{member.pk}/events/", {"kind": "MADE_OFFICIAL", "happened_on": "2009-01-01"}
    )

    assert field_error(response) == {
        "happened_on": "Ngày chính thức (01/01/2009) phải sau ngày vào Đảng (02/03/2010)."
    }
    assert member.events.count() == 1


def test_move_to_a_cell_out_of_reach_is_a_field_error(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)

    refused = client.post(
        f"/members/{member.pk}/events/",
        {"kind": "MOVED", "happened_on": "2020-01-01", "organization": "B1"},
    )
    moved = client.post(
        f"/members/{member.pk}/events/",
        {"kind": "MOVED", "happened_on": "2020-01-01", "organization": "A2"},
    )

    assert field_error(refused) == {"organization": "Không tìm thấy tổ chức có mã «B1»."}
    assert moved.status_code == 201
    assert moved.body["organization_code"] == "A2"
    member.refresh_from_db()
    assert member.organization == tree.a2


def test_member_void_and_restore(tree):
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = as_user("bithu", Role.CELL_SECRETARY, tree.a1)

    blank_reason = client.post(f"/members/{member.pk}/void", {"reason": " "})
    voided = client.post(f"/members/{member.pk}/void", {"reason": "Trùng hồ sơ"})
    listed = client.get("/o/A1/members/").body["count"]
    restored = client.post(f"/members/{member.pk}/restore")

    assert field_error(blank_reason) == {"reason": "Cần ghi lý do hủy hồ sơ."}
    assert (voided.body["is_voided"], voided.body["voided_reason"]) == (True, "Trùng hồ sơ")
    assert listed == 0
    assert restored.body["is_voided"] is False
    assert MemberEvent.objects.filter(member=member).count() == 1


def test_member_list_query_count_does_not_grow_with_the_page(tree):
    client = as_user("dangbo_a", Role.COMMITTEE_ADMIN, tree.a)
    counts = []
    for name in ("An", "Bình", "Chi", "Dũng", "Giang", "Hà"):
        add_member(tree.a1, f"Nguyễn Văn {name}")
        client.get("/o/A/members/")  # warm the per-process caches (code lists)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/o/A/members/").status_code == 200
        counts.append(len(queries))

    assert len(set(counts)) == 1, counts
