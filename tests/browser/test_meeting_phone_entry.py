"""A 25-member cell's meeting, with its attendance and self-score, recorded on a 390 px phone in
under a minute.

A person's time is not measured by a machine's clock: the walk is done in a real Chromium, and
each thing the secretary does on the way is counted with the keystroke-level model (Card, Moran
and Newell) in values for a phone: a tap (pointing included) 1,1 s, a keystroke on the on-screen
keyboard 0,5 s, a moment to decide before each field 1,35 s, a swipe to the next screen 1,0 s.
The page's answers are counted at what they took in this run. The estimate must stay under
60 seconds: a page that asks for more (a field per member, a score per member, a required text)
fails this test, whatever the machine.
"""

from __future__ import annotations

import time

import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.meetings.models import Attendance, AttendanceStatus, Meeting
from dangbo.meetings.tests.factories import FULL, build_world
from dangbo.members.tests.factories import MemberFactory

TAP, KEY, THINK, SWIPE = 1.1, 0.5, 1.35, 1.0
PHONE = {"width": 390, "height": 844}


class Secretary:
    """Drives the page and adds up what each step costs a person."""

    def __init__(self, page):
        self.page = page
        self.seconds = 0.0
        self.steps: list[str] = []
        self.waited = 0.0

    def _cost(self, what: str, seconds: float) -> None:
        self.seconds += seconds
        self.steps.append(what)

    def _into_view(self, selector: str) -> None:
        """A swipe for each screen the field is below what is on screen now."""
        below = self.page.evaluate(
            "s => document.querySelector(s).getBoundingClientRect().bottom - innerHeight", selector
        )
        while below > 0:
            self.page.mouse.wheel(0, PHONE["height"] * 0.8)
            self._cost("vuốt", SWIPE)
            below -= PHONE["height"] * 0.8
        self.page.locator(selector).scroll_into_view_if_needed()

    def type(self, selector: str, text: str, *, keys: int | None = None) -> None:
        """Type ``text`` (``keys`` keystrokes: a time field takes 0800 for 08:00)."""
        keys = len(text) if keys is None else keys
        self._into_view(selector)
        self._cost(f"nghĩ, chạm, gõ {keys} ký tự", THINK + TAP + KEY * keys)
        self.page.fill(selector, text)

    def choose(self, selector: str, value: str) -> None:
        self._into_view(selector)
        self._cost("nghĩ, chạm, chọn", THINK + TAP + TAP)
        self.page.select_option(selector, value)

    def send(self, selector: str) -> None:
        self._into_view(selector)
        self._cost("chạm nút gửi", TAP)
        began = time.perf_counter()
        self.page.click(selector)
        self.page.wait_for_url("**/meetings/*/")
        self.waited += time.perf_counter() - began


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_25_member_cell_records_its_meeting_on_a_phone_in_under_a_minute(page, live_server):
    world = build_world()
    members = world.members + [
        MemberFactory(organization=world.a1, full_name=f"Hoàng Văn Thành {n:02d}")
        for n in range(21)
    ]
    assert len(members) == 25
    user_with_role(world.a1, Role.CELL_SECRETARY, username="bithu")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bithu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    began = time.perf_counter()
    page.goto(f"{live_server.url}/o/A1/meetings/new/?held_on=20/05/2024")
    loaded = time.perf_counter() - began
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every member is on the roll, present unless the secretary says otherwise.
    assert page.locator(".attendee select").count() == 25

    secretary = Secretary(page)
    secretary.type("input[name=start_time]", "08:00", keys=4)
    secretary.type("input[name=end_time]", "10:00", keys=4)
    sick, away = members[7], members[19]
    secretary.choose(f"select[name=a{sick.pk}]", AttendanceStatus.EXCUSED)
    secretary.type(f"input[name=r{sick.pk}]", "Ốm")
    secretary.choose(f"select[name=a{away.pk}]", AttendanceStatus.UNEXCUSED)
    for position, points in enumerate(FULL, 1):
        secretary.type(f"input[name=s{position}]", str(points))
    secretary.send(".meeting-entry form button[type=submit]")

    meeting = Meeting.objects.get()
    assert meeting.self_score == sum(FULL)
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert len(marks) == 25
    assert marks[sick.pk] == AttendanceStatus.EXCUSED
    assert marks[away.pk] == AttendanceStatus.UNEXCUSED
    assert sum(1 for s in marks.values() if s == AttendanceStatus.PRESENT) == 23

    estimate = secretary.seconds + loaded + secretary.waited
    assert estimate < 60, (estimate, secretary.steps)
