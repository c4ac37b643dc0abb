"""A cell secretary and the superior committee walk a file through the web forms, then the
recognition of the new member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.admissions.models import Candidate, Vote
from dangbo.audit.models import AuditEntry
from dangbo.members.models import Member

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return f.build_world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:4000])
    return response


def test_a_file_walks_from_proposal_to_official_member_through_the_forms(world):
    secretary = client_for(user_with_role(world.a1, Role.CELL_SECRETARY))
    superior = client_for(user_with_role(world.top, Role.COMMITTEE_ADMIN))
    assert secretary.get("/o/A1/admissions/new/").status_code == 200
    response = post_ok(secretary, "/o/A1/admissions/new/", {
        "organization": world.a1.pk, "full_name": "Hoàng Thị Mai", "date_of_birth": "10/05/1996",
        "sex": "F", "ethnicity": "01", "religion": "00", "general_education": "12/12",
        "youth_union_member": "on", "proposed_by": "Đoàn Thanh niên Công ty A",
        "proposed_on": "02/09/2024",
    })  # fmt: skip
    c = Candidate.objects.get()
    file_url = f"/admissions/{c.pk}/"
    assert response["Location"] == file_url
    page = secretary.get(file_url).content.decode()
    assert "Bước tiếp theo: Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng" in page

    post_ok(
        secretary,
        file_url + "certificate/",
        {"issued_on": "15/10/2024", "issuer": "Trung tâm Chính trị quận", "number": "CN-1"},
    )
    post_ok(secretary, file_url + "application/", {"application_on": "04/11/2024"})
    post_ok(
        secretary, file_url + "background-check/", {"checked_on": "02/12/2024", "result": "PASSED"}
    )
    for member in world.members[:2]:
        post_ok(secretary, file_url + "introducers/", {
            "member": member.pk, "relation": "SAME_UNIT", "known_since": "03/01/2023",
            "assigned_on": "09/12/2024",
        })  # fmt: skip
    c.refresh_from_db()
    assert c.stage == "INTRODUCED"

    wrong = secretary.post(
        file_url + "cell-vote/", {"held_on": "04/03/2025", "eligible": "3", "in_favour": "4"}
    )
    assert wrong.status_code == 400
    assert (
        "Số tán thành (4) không được lớn hơn tổng số người có quyền biểu quyết (3)."
        in wrong.content.decode()
    )
    post_ok(
        secretary,
        file_url + "cell-vote/",
        {"held_on": "04/03/2025", "in_favour": "3", "resolution_number": "05-NQ/CB"},
    )
    post_ok(
        secretary,
        file_url + "committee-proposal/",
        {"held_on": "18/03/2025", "eligible": "9", "in_favour": "8"},
    )
    assert Vote.objects.filter(candidate=c).count() == 2

    decision = {"admit": "1", "decision_number": "101-QĐ/ĐUK", "decision_signed_on": "15/04/2025",
                "decided_by": world.top.pk, "decided_by_body": "STANDING_COMMITTEE",
                "decision_received_on": "18/04/2025", "extension_working_days": "0"}  # fmt: skip
    before = AuditEntry.objects.count()
    assert secretary.get(file_url + "decision/").status_code == 200
    assert secretary.post(file_url + "decision/", decision).status_code == 403
    assert AuditEntry.objects.count() == before
    post_ok(superior, file_url + "decision/", decision)
    c.refresh_from_db()
    assert (c.stage, c.decided_by) == ("DECIDED", world.top)

    post_ok(secretary, file_url + "ceremony/", {"ceremony_on": "19/05/2025"})
    c.refresh_from_db()
    member = c.member
    assert (member.status, member.organization, member.admitted_on, member.probation_ends_on) == (
        "PROBATIONARY", world.a1, D(2025, 4, 15), D(2026, 5, 19),
    )  # fmt: skip
    assert "Hồ sơ đảng viên Hoàng Thị Mai" in secretary.get(file_url).content.decode()

    rec_url = f"/members/{member.pk}/recognition/"
    assert "Hồ sơ xét công nhận đảng viên chính thức" in secretary.get(rec_url).content.decode()
    post_ok(
        secretary,
        rec_url + "open/",
        {"mentor": world.members[0].pk, "self_review_on": "15/05/2026"},
    )
    post_ok(
        secretary,
        rec_url + "vote/",
        {"body": "CELL", "proposal": "RECOGNIZE", "held_on": "25/05/2026", "in_favour": "3"},
    )
    post_ok(secretary, rec_url + "vote/", {"body": "GRASSROOTS_COMMITTEE", "proposal": "RECOGNIZE",
                                           "held_on": "01/06/2026", "eligible": "9", "in_favour": "7"})  # fmt: skip
    recognition = {"outcome": "RECOGNIZED", "decision_number": "201-QĐ/ĐUK", "decision_signed_on": "10/06/2026",
                   "decided_by": world.top.pk, "decided_by_body": "STANDING_COMMITTEE",
                   "extension_working_days": "0"}  # fmt: skip
    assert secretary.post(rec_url + "decision/", recognition).status_code == 403
    post_ok(superior, rec_url + "decision/", recognition)
    member = Member.objects.get(pk=member.pk)
    assert (member.status, member.official_on) == ("OFFICIAL", D(2026, 5, 19))


def test_the_file_page_shows_the_deadlines_with_the_overdue_flag(world):
    c = f.decided(world)
    page = (
        client_for(user_with_role(world.a1, Role.VIEWER))
        .get(f"/admissions/{c.pk}/")
        .content.decode()
    )
    assert "Tổ chức lễ kết nạp" in page
    assert "quá hạn" in page  # the clock of the tests is past 2025
    assert "Bước tiếp theo" not in page  # a viewer gets no forms


def test_a_viewer_cannot_record_a_step(world):
    c = f.propose(world.a1)
    viewer = client_for(user_with_role(world.a1, Role.VIEWER))
    assert viewer.get(f"/admissions/{c.pk}/").status_code == 200
    assert (
        viewer.post(
            f"/admissions/{c.pk}/application/", {"application_on": "04/11/2024"}
        ).status_code
        == 403
    )


def test_a_file_outside_the_users_subtree_is_404(world):
    c = f.propose(world.a1)
    other = client_for(user_with_role(world.g, Role.COMMITTEE_ADMIN))
    assert other.get(f"/admissions/{c.pk}/").status_code == 404
    assert other.post(f"/admissions/{c.pk}/void/", {"reason": "x"}).status_code == 404


def test_list_counts_files_by_stage_and_filters(world):
    f.propose(world.a1, full_name="Hoàng Thị Mai")
    f.ready_for_vote(world.a2, world.members, full_name="Lâm Văn Tư")
    client = client_for(user_with_role(world.top, Role.VIEWER))
    response = client.get("/o/TOP/admissions/")
    assert [c.full_name for c in response.context["page_obj"]] == ["Hoàng Thị Mai", "Lâm Văn Tư"]
    stages = {value: n for value, _, n in response.context["stages"]}
    assert (stages["PROPOSED"], stages["INTRODUCED"]) == (1, 1)
    response = client.get("/o/TOP/admissions/", {"stage": "INTRODUCED"})
    assert [c.full_name for c in response.context["page_obj"]] == ["Lâm Văn Tư"]


def test_probation_page_lists_probationers_with_what_is_due(world):
    member = f.admitted(world).member
    response = client_for(user_with_role(world.top, Role.VIEWER)).get("/o/TOP/probation/")
    [(p, due)] = response.context["rows"]
    assert p.member == member
    assert [d.kind for d, _ in due] == ["admissions.recognition_proposal"]


def test_plan_page_and_forms(world):
    f.admitted(world)
    admin = client_for(user_with_role(world.top, Role.COMMITTEE_ADMIN))
    post_ok(admin, "/o/TOP/admission-plan/plan/", {"year": "2025", "planned": "4"})
    post_ok(
        admin,
        "/o/TOP/admission-plan/target/",
        {"first_year": "2025", "last_year": "2030", "target": "20"},
    )
    response = admin.get("/o/TOP/admission-plan/", {"year": "2025"})
    a = response.context["achievement"]
    assert (a.admitted, a.planned, a.target.target) == (1, 4, 20)
    assert "25,0%" in response.content.decode()


def test_decision_documents_download(world):
    c = f.admitted(world)
    client = client_for(user_with_role(world.a1, Role.VIEWER))
    response = client.get(f"/admissions/{c.pk}/decision.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/members/{c.member.pk}/recognition/decision.docx").status_code == 200


def test_recognition_page_shows_the_end_of_probation_as_reached_and_only_the_late_proposal_overdue(
    world, monkeypatch
):
    member = f.admitted(world).member  # probation ends 19/05/2026; the cell proposes by 30/06
    client = client_for(user_with_role(world.top, Role.VIEWER))
    url = f"/members/{member.pk}/recognition/"

    def page_on(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
        return client.get(url).content.decode()

    body = page_on(D(2026, 5, 20))
    assert 'Hết thời kỳ dự bị</strong>: ngày 19/05/2026 <span class="badge">đã đến</span>' in body
    assert "quá hạn" not in body
    assert "hạn cuối 30/06/2026" in body
    body = page_on(D(2026, 6, 30))
    assert "quá hạn" not in body
    body = page_on(D(2026, 7, 1))
    assert body.count('<span class="badge danger">quá hạn</span>') == 1
