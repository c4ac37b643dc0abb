"""A real browser logs in, searches a member without accents and opens the member's page."""

import pytest
from playwright.sync_api import expect

from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_a_member_without_accents_and_open_their_page(page, live_server):
    top = bloc(code="KHOI")
    cell = dependent_cell(dang_bo(top, code="DB1"), code="C1", name="Chi bộ Phòng Kế toán")
    MemberFactory(organization=cell, full_name="Nguyễn Văn Hùng")
    MemberFactory(organization=cell, full_name="Trần Thị Bích")
    user_with_role(top, username="vanphong")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/KHOI/deadlines/")

    page.goto(f"{live_server.url}/o/KHOI/members/")
    assert page.locator("#member-results tbody tr").count() == 2
    page.fill("#id_q", "nguyen van hung")
    # htmx swaps only the results once the typing pauses.
    # (expect polls from Playwright's side: the page's Content-Security-Policy forbids the eval
    # a string predicate needs.)
    expect(page.locator("#member-results tbody tr")).to_have_count(1)
    assert page.url.endswith("/o/KHOI/members/?q=nguyen%20van%20hung")
    page.click("#member-results >> text=Nguyễn Văn Hùng")
    page.wait_for_url("**/members/*/")
    assert page.locator("h1").inner_text() == "Nguyễn Văn Hùng"
    assert page.locator("text=Chi bộ Phòng Kế toán").first.is_visible()
