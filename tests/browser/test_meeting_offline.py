"""The cell secretary records a meeting with the network cut: it is kept in the browser and shown
as «chưa gửi»; when the network returns it is sent once, and a resend writes no duplicate."""

import pytest
from playwright.sync_api import expect

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.meetings.models import Meeting
from dangbo.meetings.tests.factories import FULL, build_world

STATUS = "[data-outbox-status]"
OUTBOX = "localStorage.getItem('dangbo.meetings.outbox')"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fill(page, live_server, day):
    page.goto(f"{live_server.url}/o/A1/meetings/new/?held_on={day}")
    page.fill("input[name=start_time]", "08:00")
    page.fill("input[name=end_time]", "10:00")
    for position, points in enumerate(FULL, 1):
        page.fill(f"input[name=s{position}]", str(points))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_meeting_entered_offline_is_kept_then_sent_once(page, live_server):
    world = build_world()
    user_with_role(world.a1, Role.CELL_SECRETARY, username="bithu")
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "bithu")
    _fill(page, live_server, "20/05/2024")

    page.context.set_offline(True)
    page.click(".meeting-entry form button[type=submit]")
    status = page.locator(STATUS)
    status.wait_for(state="visible")
    assert status.inner_text() == (
        "Chưa gửi: 1 buổi sinh hoạt đang lưu trên máy này, sẽ tự gửi khi có mạng."
    )
    assert status.get_attribute("data-state") == "unsent"
    assert Meeting.objects.count() == 0
    kept = page.evaluate(f"JSON.parse({OUTBOX})")
    assert len(kept) == 1
    assert len(kept[0]["key"]) == 32
    # The form gets a fresh key: a second meeting entered offline is a second entry.
    assert page.input_value("input[name=client_key]") == ""

    page.context.set_offline(False)  # the "online" event sends what was kept
    expect(status).to_have_attribute("data-state", "sent")
    assert status.inner_text() == "Đã gửi 1 buổi sinh hoạt."
    assert page.evaluate(f"JSON.parse({OUTBOX})") == []
    meeting = Meeting.objects.get()
    assert (meeting.client_key, meeting.held_on.isoformat(), meeting.self_score) == (
        kept[0]["key"], "2024-05-20", 100,
    )  # fmt: skip

    # The answer was lost and the browser sends the same entry again on the next page load:
    # the server's client key returns the meeting already recorded, nothing is written twice.
    page.evaluate("(v) => localStorage.setItem('dangbo.meetings.outbox', JSON.stringify(v))", kept)
    page.reload()
    expect(status).to_have_attribute("data-state", "sent")
    assert page.evaluate(f"JSON.parse({OUTBOX})") == []
    assert Meeting.objects.count() == 1
