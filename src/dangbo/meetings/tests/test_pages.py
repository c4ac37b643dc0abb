"""The rubric, assignment, visit and voiding pages: each form's happy path and refusal on the
right field in Vietnamese, nothing half-saved, audit entries, another subtree's record a 404."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.audit.models import AuditEntry
from dangbo.meetings import services
from dangbo.meetings.models import Assignment, Meeting, Rubric, Visit
from dangbo.members import services as member_services
from dangbo.members.models import Position

from .factories import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def _rubric_form(**extra):
    form = {
        "name": "Biểu chấm điểm của Đảng bộ Công ty A", "source": "Hướng dẫn 05-HD/ĐU",
        "valid_from": "01/01/2025", "valid_until": "",
        "c1_title": "Chuẩn bị sinh hoạt", "c1_max": "40",
        "c2_title": "Nội dung sinh hoạt", "c2_max": "60", "c2_must": "on",
        "GOOD_min": "90", "GOOD_below": "", "GOOD_must": "on",
        "FAIR_min": "70", "FAIR_below": "90", "AVERAGE_min": "50", "AVERAGE_below": "70",
        "POOR_min": "0", "POOR_below": "50",
    }  # fmt: skip
    form.update(extra)
    return form


def test_grid_links_to_the_new_pages_and_the_rubric_list_shows_the_rubric_in_force(client, w):
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    grid = client.get("/o/A/meetings/").content.decode()
    for url in ("/o/A/meetings/rubrics/", "/o/A/meetings/assignments/", "/o/A/meetings/visits/"):
        assert url in grid
    page = client.get("/o/A1/meetings/rubrics/").content.decode()
    assert w.rubric.name in page
    assert "Đang áp dụng" in page
    assert "Biểu mẫu đã công bố" in page


def test_committee_creates_its_rubric_without_code_and_it_applies_from_its_date(client, w):
    admin = user_with_role(w.a, Role.COMMITTEE_ADMIN)
    client.force_login(admin)
    assert client.get("/o/A/meetings/rubrics/new/").status_code == 200
    response = client.post("/o/A/meetings/rubrics/new/", _rubric_form(c1_max="40,0"))
    assert response.status_code == 302, response.content.decode()
    rubric = Rubric.objects.get(owner=w.a)
    assert [(c.title, c.max_points, c.must_pass) for c in rubric.criteria.all()] == [
        ("Chuẩn bị sinh hoạt", 40, False), ("Nội dung sinh hoạt", 60, True)
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="meetings.rubric_created", target_id=str(rubric.pk))
    assert entry.actor == admin
    from dangbo.meetings import selectors

    assert selectors.rubric_for(w.a1, dt.date(2025, 1, 1)) == rubric
    assert selectors.rubric_for(w.a1, dt.date(2024, 12, 31)) == w.rubric


def test_rubric_form_refusals_land_on_their_fields_and_write_nothing(client, w):
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    overlapping = client.post("/o/A/meetings/rubrics/new/", _rubric_form(FAIR_below="95"))
    assert overlapping.status_code == 400
    errors = overlapping.context["form"].errors
    assert list(errors) == ["levels"]
    assert "chồng" in errors["levels"][0]
    half = client.post("/o/A/meetings/rubrics/new/", _rubric_form(c3_title="Kết quả", c3_max=""))
    assert half.context["form"].errors == {"c3_max": ["Cần điểm tối đa của tiêu chí này."]}
    bad = client.post("/o/A/meetings/rubrics/new/", _rubric_form(c1_max="bốn mươi"))
    assert bad.context["form"].errors == {"c1_max": ["Nhập một số, ví dụ 12,5."]}
    none = client.post("/o/A/meetings/rubrics/new/", _rubric_form(
        c1_title="", c1_max="", c2_title="", c2_max=""))  # fmt: skip
    assert none.context["form"].errors == {"criteria": ["Biểu chấm điểm cần ít nhất một tiêu chí."]}
    client.post("/o/A/meetings/rubrics/new/", _rubric_form())
    clash = client.post("/o/A/meetings/rubrics/new/", _rubric_form(valid_from="01/06/2025"))
    assert "không được chồng nhau" in clash.context["form"].errors["valid_from"][0]
    dates = client.post("/o/A/meetings/rubrics/new/", _rubric_form(
        valid_from="01/01/2027", valid_until="01/01/2026"))  # fmt: skip
    assert dates.context["form"].errors["valid_until"] == [
        "Ngày hết áp dụng phải sau ngày áp dụng."
    ]
    assert Rubric.objects.filter(owner=w.a).count() == 1
    # A cell issues no rubric: the page says so, nothing is written.
    cell = client.post("/o/A1/meetings/rubrics/new/", _rubric_form(valid_from="01/01/2030"))
    assert cell.status_code == 400
    assert cell.context["form"].non_field_errors() == [
        "Biểu chấm điểm do cấp ủy cấp trên chi bộ ban hành."
    ]
    assert Rubric.objects.filter(owner=w.a1).count() == 0


def test_rubric_is_voided_with_a_reason_by_its_owner_only(client, w):
    rubric = services.create_rubric(
        actor=None, owner=w.a, name="Biểu nhầm", source="QĐ 1", valid_from=dt.date(2025, 1, 1),
        criteria=[("Một", 100, False)],
        levels=[("GOOD", 90, None, False), ("FAIR", 70, 90, False), ("AVERAGE", 50, 70, False),
                ("POOR", 0, 50, False)],
    )  # fmt: skip
    client.force_login(user_with_role(w.a1, Role.COMMITTEE_ADMIN))
    assert client.get(f"/o/A1/meetings/rubrics/{rubric.pk}/void/").status_code == 403
    client.force_login(user_with_role(w.g, Role.COMMITTEE_ADMIN))
    assert client.get(f"/o/G/meetings/rubrics/{rubric.pk}/void/").status_code == 404
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    url = f"/o/A/meetings/rubrics/{rubric.pk}/void/"
    refused = client.post(url, {"reason": ""})
    assert refused.context["form"].errors == {"reason": ["Cần ghi lý do hủy."]}
    assert client.post(url, {"reason": "Ban hành nhầm"}).status_code == 302
    rubric.refresh_from_db()
    assert rubric.voided_reason == "Ban hành nhầm"
    assert AuditEntry.objects.filter(action="meetings.rubric_voided").count() == 1
    # The template is adopted instead, from a chosen day.
    template = Rubric.objects.filter(owner=None).first()
    adopted = client.post(f"/o/A/meetings/rubrics/{template.pk}/adopt/",
                          {"valid_from": "01/01/2025"})  # fmt: skip
    assert adopted.status_code == 302
    assert Rubric.objects.filter(owner=w.a, template_of=template, voided_at=None).count() == 1


def test_assignment_is_made_listed_and_ended(client, w):
    member, outsider = w.members[0], w.g_members[0]
    for person, number in ((member, "91000001"), (outsider, "91000002")):
        person.card_number = number
        person.save(update_fields=["card_number"])
    member_services.assign_position(actor=None, member=member,
                                   title=Position.Title.COMMITTEE_MEMBER, organization=w.a,
                                   started_on=dt.date(2023, 1, 1))  # fmt: skip
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    page = client.get("/o/A/meetings/assignments/new/").content.decode()
    assert f'value="{member.card_number}"' in page
    refused = client.post("/o/A/meetings/assignments/new/", {
        "card_number": outsider.card_number, "cell_code": "G", "started_on": "02/01/2024",
    })  # fmt: skip
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "card_number": [f"Không có đảng viên số thẻ «{outsider.card_number}» đang sinh "
                        "hoạt trong Đảng bộ Công ty A."],
        "cell_code": ["Không có chi bộ mã «G» thuộc Đảng bộ Công ty A."],
    }  # fmt: skip
    form = {"card_number": member.card_number, "cell_code": "A1", "started_on": "02/01/2024",
            "decision_number": "12-QĐ/ĐU"}  # fmt: skip
    assert client.post("/o/A/meetings/assignments/new/", form).status_code == 302
    again = client.post("/o/A/meetings/assignments/new/", form)
    assert again.context["form"].errors == {
        "card_number": [f"{member.full_name} đang được phân công phụ trách chi bộ này."]
    }
    assignment = Assignment.objects.get()
    listing = client.get("/o/A/meetings/assignments/").content.decode()
    assert member.full_name in listing
    end_url = f"/o/A/meetings/assignments/{assignment.pk}/end/"
    early = client.post(end_url, {"ended_on": "01/01/2023"})
    assert early.context["form"].errors == {
        "ended_on": ["Ngày kết thúc không thể trước ngày phân công."]
    }
    assert client.post(end_url, {"ended_on": "30/06/2024"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == dt.date(2024, 6, 30)
    client.get("/o/A/meetings/assignments/")  # the message of the end is shown once
    assert member.full_name not in client.get("/o/A/meetings/assignments/").content.decode()
    assert member.full_name in client.get("/o/A/meetings/assignments/?all=1").content.decode()
    assert {e.action for e in AuditEntry.objects.filter(action__startswith="meetings.assign")} == {
        "meetings.assignment_made", "meetings.assignment_ended"}  # fmt: skip
    client.force_login(user_with_role(w.g, Role.COMMITTEE_ADMIN))
    assert client.get(f"/o/G/meetings/assignments/{assignment.pk}/end/").status_code == 404


def test_visit_to_several_organizations_is_recorded_whole_or_not_at_all_and_voided(client, w):
    client.force_login(user_with_role(w.top, Role.COMMITTEE_ADMIN))
    url = "/o/TOP/meetings/visits/new/"
    form = {"visited_codes": "A, A1\nG", "visited_on": "20/05/2024",
            "group_name": "Tổ công tác số 2", "participants": "Đồng chí Phó Bí thư"}  # fmt: skip
    # A2 did not exist in 2023: the whole visit is refused, nothing written.
    refused = client.post(url, {**form, "visited_codes": "A1, A2", "visited_on": "20/05/2023"})
    assert refused.status_code == 400
    assert "không hoạt động" in refused.context["form"].errors["visited_on"][0]
    assert Visit.objects.count() == 0
    unknown = client.post(url, {**form, "visited_codes": "A1 KHAC"})
    assert unknown.context["form"].errors == {
        "visited_codes": ["Không có tổ chức mã «KHAC» thuộc Đảng ủy Khối Thử nghiệm."]
    }
    assert client.post(url, form).status_code == 302
    assert sorted(v.visited.code for v in Visit.objects.all()) == ["A", "A1", "G"]
    assert AuditEntry.objects.filter(action="meetings.visit_recorded").count() == 3
    listing = client.get("/o/TOP/meetings/visits/").content.decode()
    assert "Tổ công tác số 2" in listing
    visit = Visit.objects.get(visited__code="G")
    client.force_login(user_with_role(w.a, Role.COMMITTEE_ADMIN))
    assert client.get(f"/o/A/meetings/visits/{visit.pk}/void/").status_code == 404
    client.force_login(user_with_role(w.top, Role.COMMITTEE_ADMIN))
    done = client.post(f"/o/TOP/meetings/visits/{visit.pk}/void/", {"reason": "Nhầm chi bộ"})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.voided_reason == "Nhầm chi bộ"
    assert AuditEntry.objects.filter(action="meetings.visit_voided").count() == 1


def test_meeting_is_voided_from_its_page_with_a_reason(client, w):
    meeting = services.record_meeting(actor=None, cell=w.a1, kind="REGULAR",
                                      held_on=dt.date(2024, 5, 20), level_only=True,
                                      self_level="GOOD").meeting  # fmt: skip
    client.force_login(user_with_role(w.a1, Role.VIEWER))
    assert "Hủy buổi sinh hoạt" not in client.get(f"/o/A1/meetings/{meeting.pk}/").content.decode()
    assert client.post(f"/o/A1/meetings/{meeting.pk}/void/", {"reason": "x"}).status_code == 403
    client.force_login(user_with_role(w.g, Role.COMMITTEE_ADMIN))
    assert client.get(f"/o/G/meetings/{meeting.pk}/void/").status_code == 404
    client.force_login(user_with_role(w.a1, Role.CELL_SECRETARY))
    detail = client.get(f"/o/A1/meetings/{meeting.pk}/").content.decode()
    assert f"/o/A1/meetings/{meeting.pk}/void/" in detail
    url = f"/o/A1/meetings/{meeting.pk}/void/"
    assert client.post(url, {"reason": " "}).context["form"].errors == {
        "reason": ["Cần ghi lý do hủy."]
    }
    assert client.post(url, {"reason": "Ghi trùng"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.voided_reason == "Ghi trùng"
    assert AuditEntry.objects.filter(action="meetings.voided").count() == 1
    again = client.post(url, {"reason": "Lần nữa"})
    assert again.context["form"].non_field_errors() == ["Buổi sinh hoạt này đã bị hủy."]
    assert Meeting.objects.get().voided_reason == "Ghi trùng"
