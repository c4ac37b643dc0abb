"""A real browser on a 390 px phone: the cell secretary records the month's meeting with its
attendance and score sheet, then the superior committee confirms the score with a reason."""

import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.meetings.models import Meeting
from dangbo.meetings.tests.factories import FULL, build_world


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_secretary_records_a_meeting_on_a_phone_and_the_committee_confirms(page, live_server):
    world = build_world()
    user_with_role(world.a1, Role.CELL_SECRETARY, username="bithu")
    user_with_role(world.a, Role.COMMITTEE_ADMIN, username="dangbo")
    page.set_viewport_size({"width": 390, "height": 844})

    _login(page, live_server, "bithu")
    page.goto(f"{live_server.url}/o/A1/meetings/new/?held_on=20/05/2024")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=start_time]", "08:00")
    page.fill("input[name=end_time]", "10:00")
    dung = world.members[3]
    page.wait_for_load_state()
    # The roll is found by the member's name, as the secretary finds it; if it is not there,
    # say what the page showed instead of waiting out the timeout.
    mark = page.locator(f"select[aria-label='{dung.full_name}']")
    assert mark.count() == 1, page.inner_text("body")[:3000]
    mark.select_option("EXCUSED")
    # Field names carry the member's number unformatted (a1809, never a1.809).
    assert mark.get_attribute("name") == f"a{dung.pk}"
    page.fill(f"input[name=r{dung.pk}]", "Đi công tác")
    for position, points in enumerate(FULL, 1):
        page.fill(f"input[name=s{position}]", str(points))
    page.click(".meeting-entry form button[type=submit]")
    page.wait_for_url("**/o/A1/meetings/*/")  # the entry is sent by the page's script
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/o/A1/meetings/{meeting.pk}/")
    assert "Có mặt 3/4 (75,0%)" in page.content()
    assert (meeting.level, meeting.self_score) == ("GOOD", 100)

    _login(page, live_server, "dangbo")
    page.goto(f"{live_server.url}/o/A1/meetings/{meeting.pk}/")
    page.fill("input[name=s4]", "14")
    page.fill("input[name=reason]", "Ít ý kiến thảo luận")
    page.click(f"form[action$='/{meeting.pk}/confirm/'] button[type=submit]")
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert (meeting.self_level, meeting.confirmed_level) == ("GOOD", "FAIR")
    assert "Ít ý kiến thảo luận" in page.content()
