"""A real browser takes a file from the cell's vote to the admission ceremony.

The cell secretary records the vote on the file's page; the decision belongs
to the superior committee, so the secretary gets no decision form and the
committee office records it; the ceremony creates the probationary member,
whose end of probation appears on the deadline radar.
"""

import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.admissions import services
from dangbo.admissions.models import Candidate
from dangbo.admissions.tests.factories import COMMITTEE_ON, build_world, ready_for_vote
from dangbo.members.models import Member


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_vote_decision_and_ceremony_in_the_browser(page, live_server):
    world = build_world()
    candidate = ready_for_vote(world.a1, world.members)
    user_with_role(world.a1, Role.CELL_SECRETARY, username="bithu")
    user_with_role(world.top, Role.COMMITTEE_ADMIN, username="vanphong")
    file_url = f"{live_server.url}/admissions/{candidate.pk}/"

    # The cell secretary records the cell's vote in the form of the next step.
    _login(page, live_server, "bithu")
    page.goto(file_url)
    page.fill("#id_held_on", "04/03/2025")
    page.fill("#id_in_favour", "3")
    page.fill("#id_resolution_number", "05-NQ/CB")
    page.click("form[action$='/cell-vote/'] button[type=submit]")
    page.wait_for_load_state()
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.CELL_RESOLUTION
    assert candidate.cell_resolution_on.isoformat() == "2025-03-04"
    services.record_committee_proposal(
        actor=None, candidate=candidate, held_on=COMMITTEE_ON, eligible=9, in_favour=8,
        resolution_number="12-NQ/ĐU",
    )  # fmt: skip
    # The decision is the superior committee's: the secretary's attempt is refused.
    page.goto(f"{live_server.url}/admissions/{candidate.pk}/decision/")
    page.fill("#id_decision_signed_on", "15/04/2025")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click("form[method=post] button[type=submit] >> nth=-1")
    assert refused.value.status == 403
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.COMMITTEE_PROPOSAL

    _login(page, live_server, "vanphong")
    page.goto(f"{live_server.url}/admissions/{candidate.pk}/decision/")
    page.fill("#id_decision_signed_on", "15/04/2025")
    page.fill("#id_decision_number", "101-QĐ/ĐUK")
    page.fill("#id_decision_received_on", "18/04/2025")
    page.select_option("#id_decided_by", str(world.top.pk))
    page.select_option("#id_decided_by_body", "STANDING_COMMITTEE")
    page.click("form[method=post] button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.DECIDED, page.locator("main").inner_text()

    page.goto(f"{live_server.url}/admissions/{candidate.pk}/ceremony/")
    page.fill("#id_ceremony_on", "19/05/2025")
    page.click("form[method=post] button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    member = Member.objects.get(full_name="Hoàng Thị Mai")
    assert member.status == "PROBATIONARY"
    assert member.probation_ends_on.isoformat() == "2026-05-19"
    assert page.locator("text=Hoàng Thị Mai").first.is_visible()
