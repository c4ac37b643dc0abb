"""The README stays true to the code it describes: the quick start, the roles, the API docs."""

from __future__ import annotations

import re
from pathlib import Path

from dangbo.accounts.models import Module, Role
from dangbo.accounts.permissions import ROLE_CAPABILITIES, C

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_quick_start_is_make_demo_and_make_test():
    commands = re.findall(r"^    (\S.*?)\s+#", _section("Quick start"), flags=re.M)
    assert commands == ["make demo", "make test"]


def test_the_roles_table_names_every_role_and_module_and_no_other():
    rows = re.findall(
        r"^\| `([A-Z_]+)` ([^|]+)\| (.+) \|$", _section("Bắt đầu với dữ liệu thật"), re.M
    )
    assert sorted(code for code, _, _ in rows) == sorted(Role.values)
    officer = next(text for code, _, text in rows if code == Role.MODULE_OFFICER)
    assert set(re.findall(r"`([a-z]+)`", officer)) == set(Module.values)
    # Who may see personal data is said of each role: only those holding the capability.
    for code, _, text in rows:
        if code in (Role.MODULE_OFFICER, Role.MEMBER):
            continue
        assert ("no personal data" in text) is (C.VIEW_PERSONAL_DATA not in ROLE_CAPABILITIES[code])


def test_the_api_documentation_page_is_linked():
    assert "`/api/v1/docs`" in README
    for step in ("dangbo init", "dangbo import", "dangbo createuser"):
        assert step in _section("Bắt đầu với dữ liệu thật")
