"""The pages speak Vietnamese: as each of the demo's users, walk the pages reachable from the home
page and read the text a person sees, looking for codes and English (an audit action code, a
module code, a choice's code, words of a library's English)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangbo.accounts.models import Module
from dangbo.audit import actions
from dangbo.audit.models import AuditEntry
from dangbo.demo import build_demo
from dangbo.organizations.models import Organization

AS_OF = dt.date(2026, 1, 15)
USERS = ["admin", "tochuc", "xem", "coso", "bithu", "dangvien"]
PAGES_PER_USER = 45
SAME_PAGE_KIND = 2  # pages whose paths differ only by numbers: visit this many of each

# English a page must not show (whole words, case as written).
ENGLISH = {
    "Django", "AXES", "Axes", "Task", "Tasks", "Results", "Sheet", "None", "True", "False",
    "null", "Error", "Page", "Next", "Previous", "Search", "Submit", "Login", "Logout",
    "Password", "Username", "Status", "Export", "Import", "Delete", "Save", "Cancel", "Dashboard",
    "members", "organizations", "registry", "indicators", "admissions", "awards", "dues",
}  # fmt: skip
# A choice's stored code: GRASSROOTS_CELL, AWAITING_LETTER...
ENUM_CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")
WORD = re.compile(r"[A-Za-z]+")
# A choice's one-letter code shown where its label belongs ("Giới tính: F").
SEX_CODE = re.compile(r"Giới tính:?\s+[FM]\b")
SKIP = ("/logout", "/admin", "/api/", "/static/", "/media/", "export=", "/file", "/download",
        "/document", ".docx", ".xlsx", ".pdf")  # fmt: skip


class _Page(HTMLParser):
    """The visible text of a page and its links (scripts, styles and hidden inputs left out)."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.code: list[str] = []  # identifiers shown on purpose, in <code>: the API's names
        self.links: list[str] = []
        self._hidden = 0
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "code":
            self._in_code += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if tag == "code" and self._in_code:
            self._in_code -= 1

    def handle_data(self, data):
        if not self._hidden:
            (self.code if self._in_code else self.text).append(data)


def raw_words(text: str, code: str = "") -> list[str]:
    """Return the codes and English words found in a page's visible text.

    ``code`` is text shown as an identifier (in <code>): an indicator's name for the API is
    one, an audit action's code never is.
    """
    found = [c for c in DOTTED.findall(code) if actions.known_label(c) is not None]
    found += ENUM_CODE.findall(code)
    found += [w for w in WORD.findall(text) if w in ENGLISH]
    found += ENUM_CODE.findall(text)
    found += [c for c in DOTTED.findall(text) if actions.known_label(c) is not None]
    found += SEX_CODE.findall(text)
    return found


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _walk(client: Client) -> tuple[int, dict[str, list[str]]]:
    """Visit the pages reachable from the home page; return how many, and {url: raw words}."""
    queue, seen, kinds, found = ["/"], set(), Counter(), {}
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or any(s in url for s in SKIP) or kinds[_kind(path)] >= SAME_PAGE_KIND:
            continue
        seen.add(url)
        kinds[_kind(path)] += 1
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        words = raw_words(" ".join(page.text), " ".join(page.code))
        if words:
            found[url] = sorted(set(words))
        base = response.redirect_chain[-1][0] if response.redirect_chain else url
        for href in page.links:
            target = urljoin(base, href)
            if target.startswith("/") and "#" not in target and "?page=" not in target:
                queue.append(target)
    return len(seen), found


def test_the_scan_finds_what_it_looks_for():
    assert "members.transfer_started" in raw_words("Thao tác: members.transfer_started")
    assert raw_words("Thao tác: demo.built") == ["demo.built"]
    assert raw_words("Phân hệ: registry") == ["registry"]
    assert raw_words("Giới tính: F → M") == ["Giới tính: F"]
    assert raw_words("Loại: GRASSROOTS_CELL") == ["GRASSROOTS_CELL"]
    assert raw_words("Trang quản trị cho Django") == ["Django"]
    assert raw_words("Đảng viên Nguyễn Văn An, 96,7%", "members.by_sex") == []
    assert raw_words("Thao tác:", "members.transfer_started") == ["members.transfer_started"]
    assert {str(m.value) for m in Module} >= {"registry", "admissions", "awards"}


@pytest.mark.django_db
def test_no_page_shows_codes_or_english_to_any_of_the_demos_users():
    build_demo(members=150, seed=7, as_of=AS_OF)
    found, visited = {}, {}
    for username in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        visited[username], words = _walk(client)
        if words:
            found[username] = words
    assert found == {}
    # The walk reached the pages (it is not silently empty): a member sees their own only.
    assert visited["admin"] == PAGES_PER_USER
    assert visited["dangvien"] >= 3

    # The audit log, the page the codes showed on first, names the demo's own entry.
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    entry = AuditEntry.objects.get(action="demo.built")
    root = Organization.objects.get(pk=entry.target_id)
    page = _Page()
    page.feed(client.get(f"/o/{root.code}/audit/", {"action": "demo.built"}).content.decode())
    shown = " ".join(" ".join(page.text + page.code).split())
    assert f"Hệ thống Dựng dữ liệu mẫu {root.name}" in shown  # the entry's line
    assert "demo.built" not in shown
