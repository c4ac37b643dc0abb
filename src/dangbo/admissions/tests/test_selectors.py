"""Reads other apps rely on: the deadlines of a subtree, plans against admissions, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from dangbo.admissions import rules, selectors, services
from dangbo.members.tests.factories import MemberFactory
from dangbo.regulations.workdays import work_calendar

from . import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return f.build_world()


def test_deadlines_under_lists_every_open_item_due_by_until_overdue_included(world):
    voted = f.ready_for_vote(world.a1, world.members, full_name="Bùi Thị Một")
    services.record_cell_vote(actor=None, candidate=voted, held_on=f.CELL_VOTE_ON, in_favour=3)
    f.decided(world, full_name="Cao Văn Hai")
    stale = f.propose(world.a2, full_name="Đặng Văn Ba")
    services.record_awareness_certificate(
        actor=None, candidate=stale, issued_on=D(2020, 6, 1), issuer="TTCT"
    )
    services.record_application(actor=None, candidate=stale, application_on=D(2024, 5, 2))
    probationer = MemberFactory(organization=world.a2, full_name="Lý Văn Bốn", admitted_on=D(2024, 5, 2),
                                official_on=None)  # fmt: skip
    f.propose(world.g, full_name="Ở Nơi Khác")  # another subtree: not listed under A

    today, until = D(2025, 5, 20), D(2025, 6, 30)
    found = selectors.deadlines_under(world.a, today, until)
    calendar = work_calendar(world.a, years=range(2022, 2028))
    expected = sorted([
        ("admissions.dossier", "Đặng Văn Ba", D(2025, 5, 2)),
        ("admissions.probation_end", "Lý Văn Bốn", D(2025, 5, 2)),
        ("admissions.certificate", "Đặng Văn Ba", D(2025, 6, 1)),
        ("admissions.decision", "Bùi Thị Một", rules.admission_decision_due_on(f.CELL_VOTE_ON, 0, calendar)),
        ("admissions.ceremony", "Cao Văn Hai", rules.ceremony_due_on(f.RECEIVED_ON, calendar)),
        ("admissions.recognition_proposal", "Lý Văn Bốn",
         rules.recognition_proposal_due_on(D(2025, 5, 2), calendar)),
    ], key=lambda d: (d[2], d[0], d[1]))  # fmt: skip
    assert [(d.kind, d.subject, d.due_on) for d in found] == expected
    decision = next(d for d in found if d.kind == "admissions.decision")
    assert (decision.url, decision.organization_name, decision.rule, decision.detail) == (
        f"/admissions/{voted.pk}/", "Chi bộ Phòng Kỹ thuật", "Quy định 232-QĐ/TW, mục 4.3.1",
        "Chi bộ có nghị quyết ngày 04/03/2025.",
    )  # fmt: skip
    assert next(d for d in found if d.kind == "admissions.probation_end").url == (
        f"/members/{probationer.pk}/recognition/"
    )
    # The stale dossier is overdue; the end of probation is due, never overdue.
    assert [(d.kind, d.is_overdue(today)) for d in found[:2]] == [
        ("admissions.dossier", True), ("admissions.probation_end", False),
    ]  # fmt: skip
    # Nothing of A2 is due before 01/05/2025.
    assert selectors.deadlines_under(world.a2, D(2025, 1, 1), D(2025, 4, 30)) == []


def test_end_of_probation_is_due_and_the_cells_proposal_overdue_only_after_30_working_days(world):
    from dangbo.deadlines.selectors import days_text, radar

    MemberFactory(organization=world.a2, full_name="Lý Văn Bốn", admitted_on=D(2025, 4, 20),
                  official_on=None)  # fmt: skip
    end = D(2026, 4, 20)
    limit = rules.recognition_proposal_due_on(end, work_calendar(world.a, years=range(2025, 2028)))
    assert limit == D(2026, 6, 4)  # the holidays of April and May 2026 counted out

    RECOGNITION_PROPOSAL = "admissions.recognition_proposal"

    def standing(today):
        found = {d.kind: d for d in selectors.deadlines_under(world.a, today, today)}
        ending, proposal = (
            found["admissions.probation_end"],
            found.get("admissions.recognition_proposal"),
        )
        # The admission files' deadlines only (the cells' meetings have theirs).
        seen = radar(world.a, today, horizon_days=0, kinds=[ending.kind, RECOGNITION_PROPOSAL])
        return (ending.due_on, ending.is_overdue(today), days_text(ending, today),
                proposal.is_overdue(today) if proposal else None, seen.overdue)  # fmt: skip

    assert standing(end) == (end, False, "đến hạn hôm nay", None, 0)
    assert standing(end + dt.timedelta(days=1)) == (end, False, "đến hạn từ 1 ngày trước", None, 0)
    assert standing(limit - dt.timedelta(days=1))[1:] == (
        False,
        "đến hạn từ 44 ngày trước",
        None,
        0,
    )
    assert standing(limit)[1:] == (False, "đến hạn từ 45 ngày trước", False, 0)
    assert standing(limit + dt.timedelta(days=1))[1:] == (
        False,
        "đến hạn từ 46 ngày trước",
        True,
        1,
    )
    # The day before the probation ends nothing is due yet.
    assert (
        selectors.deadlines_under(world.a, end - dt.timedelta(days=1), end - dt.timedelta(days=1))
        == []
    )
    [ending, proposal] = selectors.deadlines_under(world.a, end, limit)
    assert (ending.rule, ending.milestone) == ("Điều lệ Đảng, Điều 5 khoản 1", True)
    assert (proposal.due_on, proposal.rule, proposal.milestone) == (
        limit, "Điều lệ Đảng, Điều 5 khoản 2; Quy định 294-QĐ/TW, mục 4.2.1", False,
    )  # fmt: skip
    assert "đến hết ngày 04/06/2026" in ending.detail


def test_deadlines_of_a_recognition_follow_its_votes(world):
    member = f.admitted(world).member
    today = D(2026, 5, 20)
    kinds = [d.kind for d in selectors.deadlines_under(world.a1, today, D(2026, 8, 1))]
    assert kinds == ["admissions.probation_end", "admissions.recognition_proposal"]
    r = services.open_recognition(actor=None, member=member)
    services.record_recognition_vote(actor=None, recognition=r, held_on=D(2026, 5, 25), in_favour=3)
    [decision] = selectors.deadlines_under(world.a1, today, D(2026, 8, 1))
    calendar = work_calendar(world.a1, years=range(2023, 2029))
    assert (decision.kind, decision.due_on) == (
        "admissions.recognition_decision", rules.recognition_decision_due_on(D(2026, 5, 25), 0, calendar),
    )  # fmt: skip


def test_plan_achievement_counts_the_years_admissions_against_plan_and_term(world):
    f.admitted(world)
    services.set_plan(actor=None, organization=world.top, year=2025, planned=2)
    services.set_target(
        actor=None, organization=world.top, first_year=2021, last_year=2025, target=10
    )
    a = selectors.plan_achievement(world.top, 2025)
    assert (a.admitted, a.planned, a.share, a.verdict, a.shortfall) == (
        1,
        2,
        Decimal(50),
        "below",
        1,
    )
    assert (a.term_admitted, a.target_share) == (1, Decimal(10))
    assert selectors.plan_achievement(world.top, 2010).admitted == 5  # the members of the tree
    children = {
        p.organization.code: p.admitted for p in selectors.plans_of_children(world.top, 2025)
    }
    assert children == {"A": 1, "G": 0}


def test_get_candidate_is_404_outside_the_scope(world):
    c = f.propose(world.a1)
    assert selectors.get_candidate([world.a.path], c.pk) == c
    with pytest.raises(Http404):
        selectors.get_candidate([world.g.path], c.pk)


def test_stage_counts_and_candidate_filters(world):
    f.propose(world.a1, full_name="Hoàng Thị Mai")
    withdrawn = f.propose(world.a2, full_name="Trịnh Văn Dừng")
    services.withdraw_candidate(
        actor=None, candidate=withdrawn, withdrawn_on=D(2024, 10, 1), reason="x"
    )
    counts = selectors.stage_counts(world.a)
    assert (counts["PROPOSED"], counts["WITHDRAWN"], counts["ADMITTED"]) == (1, 1, 0)

    def names(**kw):
        return [
            c.full_name for c in selectors.candidates_in(world.a, selectors.CandidateFilter(**kw))
        ]

    assert names() == ["Hoàng Thị Mai"]
    assert names(stage="all") == ["Trịnh Văn Dừng", "Hoàng Thị Mai"]
    assert names(stage="WITHDRAWN", q="trinh") == ["Trịnh Văn Dừng"]
    # Each typed word starts a word of the name: "ai" is inside "mai", not at its start.
    assert names(stage="all", q="ai") == []
    assert names(stage="all", q="thi ma") == ["Hoàng Thị Mai"]


def test_command_lists_the_deadlines_of_a_subtree(world):
    from io import StringIO

    from django.core.management import call_command

    f.decided(world)
    out = StringIO()
    call_command("admissions", org="A", today="20/05/2025", until="30/06/2025", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Đảng bộ Công ty A (A) — thời hạn đến ngày 30/06/2025, hôm nay 20/05/2025: 1 việc"
    )
    assert lines[1].endswith(
        "Tổ chức lễ kết nạp — Hoàng Thị Mai (Chi bộ Phòng Kỹ thuật); Quy định 232-QĐ/TW, mục 4.1"
    )


def test_probationers_ending_by_a_day_are_chosen_in_sql_with_their_recognitions(world):
    """The radar asks only for the probations ending by its horizon; the database chooses them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    early = MemberFactory(organization=world.a1, full_name="Sớm Văn Một", admitted_on=D(2024, 5, 2),
                          official_on=None)  # fmt: skip
    MemberFactory(organization=world.a2, full_name="Muộn Văn Hai", admitted_on=D(2025, 5, 2),
                  official_on=None)  # fmt: skip
    r = services.open_recognition(actor=None, member=early)
    everyone = selectors.probationers_in(world.a)
    assert [p.member.full_name for p in everyone] == ["Sớm Văn Một", "Muộn Văn Hai"]
    with CaptureQueriesContext(connection) as queries:
        [chosen] = selectors.probationers_in(world.a, ending_by=D(2025, 5, 2))
    assert (chosen.member.pk, chosen.recognition.pk) == (early.pk, r.pk)
    assert chosen.member.organization.path == world.a1.path
    assert len(queries) == 3  # the members, the recognitions, their votes
    assert '"probation_ends_on" <=' in queries[0]["sql"]
    # The day before the first probation ends, nobody.
    assert selectors.probationers_in(world.a, ending_by=D(2025, 5, 1)) == []
