"""The member pages through the test client."""

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.members import services
from dangbo.members.models import Member, MemberEvent, Status
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations import services as org_services
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell, grassroots_cell

pytestmark = pytest.mark.django_db


def _tree():
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    c1 = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    c2 = dependent_cell(db1, code="C2", name="Chi bộ Phân xưởng")
    g1 = grassroots_cell(top, code="G1", name="Chi bộ Trường học")
    return top, db1, c1, c2, g1


def _login(client, org, role=Role.COMMITTEE_ADMIN, **kwargs):
    user = user_with_role(org, role, **kwargs)
    client.force_login(user)
    return user


def _names(response):
    return [m.full_name for m in response.context["page_obj"]]


def _add_form(org, **overrides):
    data = {
        "full_name": "Lê Thị Hoa", "date_of_birth": "12/08/1990", "sex": "F", "ethnicity": "01",
        "religion": "00", "organization": str(org.pk), "admitted_on": "03/02/2015",
        "official_on": "03/02/2016", "card_number": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_member_list_is_in_vietnamese_name_order_and_searches_without_accents(client):
    top, _db1, c1, _c2, _g1 = _tree()
    for name in ["Nguyễn Văn Hùng", "Trần Thị An", "Đỗ Văn Đức", "Nguyễn Văn Hưng", "Lê Văn Dũng"]:
        MemberFactory(organization=c1, full_name=name)
    _login(client, top)

    listing = client.get(f"/o/{top.code}/members/")
    assert listing.status_code == 200
    assert _names(listing) == [
        "Trần Thị An",
        "Lê Văn Dũng",
        "Đỗ Văn Đức",
        "Nguyễn Văn Hùng",
        "Nguyễn Văn Hưng",
    ]

    assert _names(client.get(f"/o/{top.code}/members/", {"q": "nguyen van hung"})) == [
        "Nguyễn Văn Hùng",
        "Nguyễn Văn Hưng",
    ]
    assert _names(client.get(f"/o/{top.code}/members/", {"q": "duc"})) == ["Đỗ Văn Đức"]
    assert _names(client.get(f"/o/{top.code}/members/", {"q": "d"})) == [
        "Lê Văn Dũng",
        "Đỗ Văn Đức",
    ]


def test_member_list_filters_are_the_member_filter_fields(client):
    top, db1, c1, c2, g1 = _tree()
    MemberFactory(
        organization=c1,
        full_name="Phạm Thị Lan",
        sex="F",
        date_of_birth=dt.date(1995, 1, 1),
        admitted_on=dt.date(2015, 5, 1),
        official_on=dt.date(2016, 5, 1),
    )
    MemberFactory(
        organization=c2, full_name="Vũ Văn Nam", sex="M", date_of_birth=dt.date(1960, 1, 1)
    )
    MemberFactory(
        organization=g1, full_name="Hồ Văn Sơn", official_on=None, admitted_on=dt.date(2025, 6, 1)
    )
    _login(client, top)
    url = f"/o/{top.code}/members/"
    assert _names(client.get(url, {"sex": "F"})) == ["Phạm Thị Lan"]
    assert _names(client.get(url, {"age_min": "60"})) == ["Vũ Văn Nam"]
    assert _names(client.get(url, {"status": Status.PROBATIONARY})) == ["Hồ Văn Sơn"]
    assert _names(client.get(f"/o/{db1.code}/members/")) == ["Phạm Thị Lan", "Vũ Văn Nam"]
    assert _names(client.get(url, {"on": "01/01/2012"})) == ["Vũ Văn Nam"]
    bad = client.get(url, {"age_min": "nhiều"})
    assert bad.status_code == 200
    assert bad.context["filter_form"].errors["age_min"] == ["Nhập một số nguyên."]
    assert len(_names(bad)) == 3


def test_member_list_pages_by_50(client):
    top, _db1, c1, _c2, _g1 = _tree()
    for i in range(51):
        MemberFactory(organization=c1, full_name=f"Nguyễn Văn Thử {i:02d}")
    _login(client, top)
    first = client.get(f"/o/{top.code}/members/")
    assert len(first.context["page_obj"]) == 50
    second = client.get(f"/o/{top.code}/members/", {"page": "2"})  # an older link
    assert _names(second) == ["Nguyễn Văn Thử 50"]


def test_member_list_follows_its_cursor_both_ways_keeping_the_filter(client):
    top, _db1, c1, _c2, _g1 = _tree()
    for i in range(53):
        MemberFactory(organization=c1, full_name=f"Nguyễn Văn Thử {i:02d}")
    MemberFactory(organization=c1, full_name="Nguyễn Văn Khác", sex="F")
    _login(client, top)
    url = f"/o/{top.code}/members/"
    first = client.get(url, {"sex": "M"})
    assert "Tìm thấy <strong>53</strong> đảng viên" in first.content.decode()
    page = first.context["page_obj"]
    assert not page.has_previous
    assert page.has_next
    for m in list(page)[:12]:  # ids of one and two digits and more: each row links to its member
        assert f'<a href="/members/{m.pk}/">{m.full_name}</a>' in first.content.decode()
    second = client.get(url, {"sex": "M", "after": page.next_cursor})
    assert _names(second) == [f"Nguyễn Văn Thử {i}" for i in (50, 51, 52)]
    body = second.content.decode()
    assert "Dòng 51–53" in body
    assert ">51<" in body
    assert 'rel="prev"' in body
    assert 'rel="next"' not in body
    back = client.get(url, {"sex": "M", "before": second.context["page_obj"].previous_cursor})
    assert _names(back) == _names(first)
    assert client.get(url, {"sex": "M", "after": "hỏng"}).context["page_obj"].start_index == 1


def test_member_list_says_about_for_a_long_list(client, monkeypatch):
    from dangbo.core import paging

    monkeypatch.setattr(paging, "EXACT_UP_TO", 2)
    top, _db1, c1, _c2, _g1 = _tree()
    for i in range(3):
        MemberFactory(organization=c1, full_name=f"Nguyễn Văn Thử {i}")
    _login(client, top)
    body = client.get(f"/o/{top.code}/members/").content.decode()
    assert "Tìm thấy <strong>khoảng 3</strong> đảng viên" in body


def test_htmx_search_swaps_only_the_results(client):
    top, _db1, c1, _c2, _g1 = _tree()
    MemberFactory(organization=c1, full_name="Nguyễn Văn Hùng")
    _login(client, top)
    response = client.get(f"/o/{top.code}/members/", {"q": "hung"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Nguyễn Văn Hùng" in body
    assert "Tìm thấy <strong>1</strong> đảng viên" in body


def test_member_page_shows_identity_party_data_and_history(client):
    top, _db1, c1, _c2, _g1 = _tree()
    member = MemberFactory(
        organization=c1,
        full_name="Nguyễn Văn Hùng",
        card_number="12345678",
        date_of_birth=dt.date(1980, 5, 17),
        admitted_on=dt.date(2010, 3, 1),
    )
    _login(client, top)
    response = client.get(f"/members/{member.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn Hùng" in body
    assert "17/05/1980" in body
    assert "01/03/2010" in body
    assert "Kết nạp vào Đảng" in body
    assert "Công nhận đảng viên chính thức" in body
    today = timezone.localdate()
    assert response.context["age"] == today.year - 1980 - ((today.month, today.day) < (5, 17))
    assert response.context["party_age"] == today.year - 2010 - ((today.month, today.day) < (3, 1))
    assert [a.code for a in response.context["ancestors"]] == ["KHOI", "DB1"]


def test_member_role_user_sees_only_their_own_record(client):
    _top, _db1, c1, _c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    other = MemberFactory(organization=c1)
    user = user_with_role(c1, Role.MEMBER)
    Member.objects.filter(pk=member.pk).update(user=user)
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"/members/{member.pk}/"
    assert client.get(f"/members/{member.pk}/").status_code == 200
    assert client.get(f"/members/{other.pk}/").status_code == 404
    assert client.get(f"/members/{member.pk}/edit/").status_code == 404
    assert client.get(f"/o/{c1.code}/members/").status_code == 404


def test_member_outside_the_subtree_is_404_and_without_capability_403(client):
    _top, db1, c1, _c2, g1 = _tree()
    inside = MemberFactory(organization=c1)
    outside = MemberFactory(organization=g1)
    _login(client, db1, Role.VIEWER)
    assert client.get(f"/members/{inside.pk}/").status_code == 200
    assert client.get(f"/members/{outside.pk}/").status_code == 404
    assert client.get(f"/members/{inside.pk}/edit/").status_code == 403
    assert client.post(f"/members/{inside.pk}/events/new/", {}).status_code == 403
    assert client.get(f"/o/{db1.code}/members/new/").status_code == 403


def test_add_member(client):
    _top, db1, c1, _c2, _g1 = _tree()
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c1, card_number="99887766"))
    member = Member.objects.get(card_number="99887766")
    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.pk}/"
    assert (member.status, member.organization_id, member.official_on) == (
        Status.OFFICIAL,
        c1.pk,
        dt.date(2016, 2, 3),
    )
    assert AuditEntry.objects.filter(action="members.created", target_id=str(member.pk)).exists()


def test_add_member_with_official_date_before_admission_gives_a_field_error_and_saves_nothing(
    client,
):
    _top, db1, c1, _c2, _g1 = _tree()
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c1, official_on="01/01/2015"))
    assert response.status_code == 400
    assert response.context["form"].errors["official_on"] == [
        "Ngày chính thức (01/01/2015) phải sau ngày vào Đảng (03/02/2015)."
    ]
    assert not Member.objects.exists()


def test_add_member_with_a_duplicate_card_number_gives_a_field_error_and_saves_nothing(client):
    _top, db1, c1, c2, _g1 = _tree()
    MemberFactory(organization=c2, card_number="11112222")
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c1, card_number="11112222"))
    assert response.status_code == 400
    assert response.context["form"].errors["card_number"] == [
        "Số thẻ đảng viên này đã được dùng; liên hệ cấp ủy cấp trên."
    ]
    assert Member.objects.count() == 1
    [entry] = AuditEntry.objects.filter(action="members.duplicate_refused")
    assert entry.org_path == c2.path


def test_add_member_with_a_badly_typed_date_gives_a_field_error(client):
    _top, db1, c1, _c2, _g1 = _tree()
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c1, date_of_birth="mùng 5"))
    assert response.status_code == 400
    assert response.context["form"].errors["date_of_birth"] == [
        "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."
    ]
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    "typed", ["31/02/2000", "29/02/2001", "31-04-2000", "2000-02-31", "1/13/2000"]
)
def test_add_member_with_a_day_the_calendar_lacks_names_it_as_the_import_does(client, typed):
    _top, db1, c1, _c2, _g1 = _tree()
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c1, date_of_birth=typed))
    assert response.status_code == 400
    assert response.context["form"].errors["date_of_birth"] == [f"Ngày không có thật: {typed}."]
    assert not Member.objects.exists()


def test_add_member_into_a_dissolved_cell_is_refused(client):
    _top, db1, _c1, c2, _g1 = _tree()
    org_services.dissolve_organization(actor=None, org=c2, on=dt.date(2014, 1, 1))
    _login(client, db1)
    response = client.post(f"/o/{db1.code}/members/new/", _add_form(c2))
    assert response.status_code == 400
    assert response.context["form"].errors["organization"] == [
        "«Chi bộ Phân xưởng» đã giải thể từ ngày 01/01/2014."
    ]
    assert not Member.objects.exists()


def test_record_an_event(client):
    _top, db1, c1, c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    _login(client, db1)
    response = client.post(f"/members/{member.pk}/events/new/", {
        "kind": MemberEvent.Kind.MOVED, "happened_on": "01/06/2020", "organization": str(c2.pk),
        "decision_number": "45-QĐ/ĐU",
    })  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization_id == c2.pk
    follow = client.get(response["Location"])
    assert "Đã ghi sự kiện «Chuyển sinh hoạt nội bộ» ngày 01/06/2020." in follow.content.decode()


def test_moving_a_member_into_a_dissolved_cell_is_refused(client):
    _top, db1, c1, c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    org_services.dissolve_organization(actor=None, org=c2, on=dt.date(2019, 1, 1))
    _login(client, db1)
    response = client.post(f"/members/{member.pk}/events/new/", {
        "kind": MemberEvent.Kind.MOVED, "happened_on": "01/06/2020", "organization": str(c2.pk),
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["organization"] == [
        "«Chi bộ Phân xưởng» đã giải thể từ ngày 01/01/2019."
    ]
    assert member.events.count() == 2


def test_an_impossible_event_is_refused_on_its_date(client):
    _top, db1, c1, _c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    _login(client, db1)
    response = client.post(f"/members/{member.pk}/events/new/", {
        "kind": MemberEvent.Kind.MADE_OFFICIAL, "happened_on": "01/06/2020",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["happened_on"] == [
        "Công nhận đảng viên chính thức ngày 01/06/2020: chỉ đảng viên dự bị mới được công nhận chính thức."
    ]


def test_void_and_restore_an_event(client):
    _top, db1, c1, c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    event = services.record_event(
        actor=None,
        member=member,
        kind=MemberEvent.Kind.MOVED,
        happened_on=dt.date(2020, 6, 1),
        organization=c2,
    )
    _login(client, db1)
    response = client.post(
        f"/members/{member.pk}/events/{event.pk}/void/", {"reason": "Ghi nhầm chi bộ"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization_id == c1.pk
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "<s>Chuyển sinh hoạt nội bộ</s>" in page
    assert "Đã hủy: Ghi nhầm chi bộ" in page
    assert client.post(f"/members/{member.pk}/events/{event.pk}/restore/").status_code == 302
    member.refresh_from_db()
    assert member.organization_id == c2.pk


def test_void_and_restore_a_member(client):
    _top, db1, c1, _c2, _g1 = _tree()
    member = MemberFactory(organization=c1)
    _login(client, db1)
    empty = client.post(f"/members/{member.pk}/void/", {"reason": " "})
    assert empty.status_code == 400
    assert client.post(f"/members/{member.pk}/void/", {"reason": "Trùng hồ sơ"}).status_code == 302
    member.refresh_from_db()
    assert member.is_voided
    assert _names(client.get(f"/o/{db1.code}/members/")) == []
    assert client.post(f"/members/{member.pk}/restore/").status_code == 302
    member.refresh_from_db()
    assert not member.is_voided


def test_edit_identity_and_positions(client):
    _top, db1, c1, _c2, _g1 = _tree()
    member = MemberFactory(organization=c1, full_name="Nguyen Van Hung")
    _login(client, db1)
    form = client.get(f"/members/{member.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(full_name="Nguyễn Văn Hùng", date_of_birth="17/05/1980")
    assert client.post(f"/members/{member.pk}/edit/", data).status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn Hùng"
    response = client.post(f"/members/{member.pk}/positions/new/", {
        "title": "SECRETARY", "organization": str(c1.pk), "started_on": "01/01/2021",
    })  # fmt: skip
    assert response.status_code == 302
    position = member.positions.get()
    bad = client.post(
        f"/members/{member.pk}/positions/{position.pk}/end/", {"ended_on": "01/01/2020"}
    )
    assert bad.context["form"].errors["ended_on"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    assert (
        client.post(
            f"/members/{member.pk}/positions/{position.pk}/end/", {"ended_on": "01/01/2023"}
        ).status_code
        == 302
    )
