"""Recognition of probationary members, and plans: each step and each refusal, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.admissions import services
from dangbo.admissions.models import AdmissionPlan, AdmissionTarget, Recognition

from . import factories as f
from .test_services import actions, messages, refused

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return f.build_world()


# --------------------------------------------------------------------------
# Recognition as an official member
# --------------------------------------------------------------------------

END = D(2026, 5, 19)


@pytest.fixture
def probationer(world):
    return f.admitted(world).member


def test_open_recognition_copies_the_probation_end(world, probationer):
    r = services.open_recognition(actor=None, member=probationer, mentor=world.members[0])
    assert (r.probation_ends_on, r.outcome, r.mentor) == (END, "PENDING", world.members[0])


def test_open_recognition_for_an_official_member_is_refused(world):
    with refused() as exc:
        services.open_recognition(actor=None, member=world.members[0])
    assert messages(exc) == {"": [
        "Nguyễn Văn An không phải là đảng viên dự bị: không có việc xét công nhận đảng viên chính thức."
    ]}  # fmt: skip


def test_recognition_vote_before_the_probation_ends_is_refused(world, probationer):
    r = services.open_recognition(actor=None, member=probationer)
    with refused() as exc:
        services.record_recognition_vote(
            actor=None, recognition=r, held_on=D(2026, 5, 18), in_favour=3
        )
    assert messages(exc) == {"held_on": [
        "Thời kỳ dự bị 12 tháng kết thúc ngày 19/05/2026: chi bộ chỉ xét công nhận khi hết thời kỳ dự "
        "bị (Điều lệ Đảng, Điều 5 khoản 2)."
    ]}  # fmt: skip


def test_three_failed_votes_escalate_to_the_superior_committee(world, probationer):
    r = services.open_recognition(actor=None, member=probationer)
    for day in (D(2026, 5, 20), D(2026, 5, 27), D(2026, 6, 3)):
        assert r.outcome == "PENDING"
        services.record_recognition_vote(actor=None, recognition=r, held_on=day, in_favour=1)
    assert r.outcome == "ESCALATED"
    with refused() as exc:
        services.record_recognition_vote(
            actor=None, recognition=r, held_on=D(2026, 6, 10), in_favour=3
        )
    assert messages(exc) == {"": [
        "Chi bộ đã biểu quyết 3 lần chưa đạt: báo cáo cấp ủy cấp trên trực tiếp xem xét, quyết định "
        "(Quy định 294-QĐ/TW, mục 4.2.3)."
    ]}  # fmt: skip
    services.record_recognition_decision(
        actor=None, recognition=r, outcome="RECOGNIZED", decision_number="201-QĐ/ĐUK",
        decision_signed_on=D(2026, 6, 20), decided_by=world.top, decided_by_body="STANDING_COMMITTEE",
    )  # fmt: skip
    assert r.outcome == "RECOGNIZED"


def recognized_by_cell(world, member, proposal="RECOGNIZE") -> Recognition:
    r = services.open_recognition(actor=None, member=member)
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 5, 25), in_favour=3,
                                     proposal=proposal)  # fmt: skip
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 6, 1), in_favour=7,
                                     eligible=9, body="GRASSROOTS_COMMITTEE", proposal=proposal)  # fmt: skip
    return r


def recognize(r, world, **kwargs):
    values = {"outcome": "RECOGNIZED", "decision_number": "201-QĐ/ĐUK",
              "decision_signed_on": D(2026, 6, 10), "decided_by": world.top,
              "decided_by_body": "STANDING_COMMITTEE"}  # fmt: skip
    values.update(kwargs)
    return services.record_recognition_decision(actor=None, recognition=r, **values)


def test_recognition_makes_the_member_official_as_of_the_probation_end(world, probationer):
    r = recognized_by_cell(world, probationer)
    assert r.cell_resolution_on == D(2026, 5, 25)
    recognize(r, world)
    probationer.refresh_from_db()
    assert (r.outcome, probationer.status, probationer.official_on) == (
        "RECOGNIZED",
        "OFFICIAL",
        END,
    )
    event = probationer.events.get(kind="MADE_OFFICIAL")
    assert (event.happened_on, event.decision_number, event.decision_signed_on) == (
        END, "201-QĐ/ĐUK", D(2026, 6, 10),
    )  # fmt: skip


def test_recognition_decision_before_the_probation_ends_is_refused(world, probationer):
    r = services.open_recognition(actor=None, member=probationer)
    with refused() as exc:
        recognize(r, world, decision_signed_on=D(2026, 5, 18))
    assert messages(exc) == {"decision_signed_on": [
        "Thời kỳ dự bị kết thúc ngày 19/05/2026: chưa quyết định công nhận được trước ngày đó (Điều lệ "
        "Đảng, Điều 5 khoản 1)."
    ]}  # fmt: skip


def test_a_decision_against_the_cells_proposal_is_refused(world, probationer):
    r = recognized_by_cell(world, probationer, proposal="NOT_RECOGNIZE")
    with refused() as exc:
        recognize(r, world)
    assert list(messages(exc)) == ["outcome"]


def test_not_recognized_strikes_the_probationer_off(world, probationer):
    r = recognized_by_cell(world, probationer, proposal="NOT_RECOGNIZE")
    recognize(r, world, outcome="NOT_RECOGNIZED")
    probationer.refresh_from_db()
    event = probationer.events.get(kind="STRUCK_OFF")
    assert (probationer.status, event.happened_on, event.grounds) == (
        "STRUCK_OFF", D(2026, 6, 10),
        "Không được công nhận đảng viên chính thức (Điều lệ Đảng, Điều 5)",
    )  # fmt: skip


def test_recognition_decision_by_another_committee_is_refused(world, probationer):
    r = recognized_by_cell(world, probationer)
    with refused() as exc:
        recognize(r, world, decided_by=world.a, decided_by_body="GRASSROOTS_COMMITTEE")
    assert messages(exc) == {"decided_by": [
        "Quyết định công nhận đảng viên chính thức thuộc thẩm quyền của ban thường vụ cấp ủy cấp trên "
        "«Đảng ủy Khối Thử nghiệm» (Quy định 294-QĐ/TW, mục 4.3.2)."
    ]}  # fmt: skip


# --------------------------------------------------------------------------
# Plans and targets
# --------------------------------------------------------------------------


def test_set_plan_replaces_the_years_plan(world):
    services.set_plan(actor=None, organization=world.top, year=2025, planned=10)
    services.set_plan(actor=None, organization=world.top, year=2025, planned=12, note="Điều chỉnh")
    assert list(AdmissionPlan.objects.values_list("year", "planned")) == [(2025, 12)]
    assert actions()[-2:] == ["admissions.plan_set", "admissions.plan_set"]


def test_overlapping_term_targets_are_refused(world):
    services.set_target(
        actor=None, organization=world.top, first_year=2020, last_year=2025, target=50
    )
    with refused() as exc:
        services.set_target(
            actor=None, organization=world.top, first_year=2025, last_year=2030, target=60
        )
    assert messages(exc) == {"first_year": ["Đã có chỉ tiêu nhiệm kỳ 2020–2025 trùng thời gian."]}
    services.set_target(
        actor=None, organization=world.top, first_year=2020, last_year=2025, target=55
    )
    assert AdmissionTarget.objects.get().target == 55
