"""A real browser: a committee issues its own rubric on the page, without code; a first try
with overlapping thresholds is refused on the thresholds, the second is issued."""

import pytest

from dangbo.accounts.models import Role
from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.meetings.models import Rubric
from dangbo.meetings.tests.factories import build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committee_issues_its_rubric_through_the_page(page, live_server):
    world = build_world()
    user_with_role(world.a, Role.COMMITTEE_ADMIN, username="dangbo")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "dangbo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/o/A/meetings/")
    page.click("a[href='/o/A/meetings/rubrics/']")
    page.click("a[href='/o/A/meetings/rubrics/new/']")
    page.fill("input[name=name]", "Biểu chấm điểm Đảng bộ Công ty A")
    page.fill("input[name=source]", "Hướng dẫn 05-HD/ĐU")
    page.fill("input[name=valid_from]", "01/01/2025")
    page.fill("input[name=c1_title]", "Chuẩn bị sinh hoạt")
    page.fill("input[name=c1_max]", "40")
    page.fill("input[name=c2_title]", "Nội dung sinh hoạt")
    page.fill("input[name=c2_max]", "60")
    page.check("input[name=c2_must]")
    page.fill("input[name=FAIR_below]", "95")  # Khá up to 95 overlaps Tốt from 90
    page.click(".rubric-form button[type=submit]")
    page.wait_for_load_state()
    assert "chồng" in page.inner_text(".rubric-form fieldset.has-error")
    assert not Rubric.objects.filter(owner=world.a).exists()

    page.fill("input[name=FAIR_below]", "90")
    page.click(".rubric-form button[type=submit]")
    page.wait_for_url("**/o/A/meetings/rubrics/")
    rubric = Rubric.objects.get(owner=world.a)
    assert [c.title for c in rubric.criteria.all()] == ["Chuẩn bị sinh hoạt", "Nội dung sinh hoạt"]
    assert "Biểu chấm điểm Đảng bộ Công ty A" in page.content()
