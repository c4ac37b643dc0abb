"""Under the Content-Security-Policy (no inline script, no eval, no inline style) the key pages
load without a single violation, and their htmx interactions still work."""

import re

import pytest
from playwright.sync_api import expect

from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

# Every violation the browser reports, gathered in the page before any of its scripts runs.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
KEY_PAGES = (
    "/o/KHOI/", "/o/KHOI/tree/", "/o/KHOI/members/", "/o/KHOI/deadlines/", "/o/KHOI/imports/",
    "/o/KHOI/admissions/", "/o/KHOI/badges/", "/o/KHOI/quality/", "/o/KHOI/audit/",
    "/o/KHOI/users/", "/account/tokens/", "/api/v1/docs", "/admin/",
)  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_key_pages_load_without_csp_violations_and_htmx_still_works(page, live_server):
    top = bloc(code="KHOI")
    db1 = dang_bo(top, code="DB1", name="Đảng bộ Công ty Một")
    cell = dependent_cell(db1, code="C1", name="Chi bộ Phòng Kế toán")
    MemberFactory(organization=cell, full_name="Nguyễn Văn Hùng")
    MemberFactory(organization=cell, full_name="Trần Thị Bích")
    user_with_role(top, username="vanphong")

    console = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(WATCH_VIOLATIONS)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "vanphong")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/o/KHOI/deadlines/")

    for url in KEY_PAGES:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.cspViolations") == [], url

    # htmx: the tree opens a branch on demand.
    page.goto(f"{live_server.url}/o/KHOI/tree/")
    page.click("summary:has-text('Đảng bộ Công ty Một')")
    page.wait_for_selector("text=Chi bộ Phòng Kế toán")

    # htmx: the member search swaps the results; the script file drops the empty filters.
    page.goto(f"{live_server.url}/o/KHOI/members/")
    page.fill("#id_q", "nguyen van hung")
    # (expect polls from Playwright's side: the page's Content-Security-Policy forbids the eval
    # a string predicate needs.)
    expect(page.locator("#member-results tbody tr")).to_have_count(1)
    assert page.url.endswith("/o/KHOI/members/?q=nguyen%20van%20hung")

    # htmx: the deadline radar refreshes on a filter change, with only the filter chosen.
    page.goto(f"{live_server.url}/o/KHOI/deadlines/")
    with page.expect_response(lambda r: "/o/KHOI/deadlines/?" in r.url):
        page.check("#id_overdue")
    expect(page).to_have_url(re.compile(r"/o/KHOI/deadlines/\?horizon=\d+&overdue=1$"))

    assert page.evaluate("window.cspViolations") == []
    problems = [
        line for line in console if "Content Security Policy" in line or "pageerror" in line
    ]
    assert problems == []
