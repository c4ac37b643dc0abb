"""Every audit action the code writes has a Vietnamese label; recorded values read as words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib import admin

from dangbo.audit import actions
from dangbo.exchange.records import RECORD_SHEETS
from dangbo.members.models import MemberEvent

SRC = Path(actions.__file__).resolve().parent.parent

# The helpers that prefix the verb they are given: (file pattern, helper, prefix).
HELPERS = [
    ("members/services.py", "_audit", "members."),
    ("members/transfers.py", "_audit", "members.transfer_"),
    ("organizations/services.py", "_audit", "organizations."),
    ("awards/services.py", "_audit", "awards."),
    ("admissions/services/*.py", "audit", "admissions."),
    ("imports/services.py", "_audit", "imports."),
    ("exchange/jobs.py", "_audit", "exchange."),
    ("documents/services.py", "_audit", "documents."),
]
# Where an action is built from a variable: each file has its helper (or family) above.
BUILT_ACTIONS = {
    "members/services.py", "members/transfers.py", "organizations/services.py",
    "awards/services.py", "admissions/services/_common.py", "imports/services.py",
    "exchange/jobs.py", "audit/admin_site.py", "documents/services.py",
}  # fmt: skip
LITERAL = re.compile(r"""(?:action=|_audit\(|_audit_row\(\s*)"([a-z_]+(?:\.[a-z_]+)+)\"""")
DUPLICATE = re.compile(r"""refuse_duplicate\([^)]*?action="([a-z_]+)\"""", re.S)


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def _codes_in_the_code() -> set[str]:
    codes: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        codes.update(LITERAL.findall(text))
        codes.update(f"{app}.duplicate_refused" for app in DUPLICATE.findall(text))
        codes.add("members.duplicate_refused")  # refuse_duplicate's default
    for pattern, helper, prefix in HELPERS:
        for path in SRC.glob(pattern):
            calls = re.finditer(
                rf"(?<![\w.]){helper}\(\s*[\w.]+,\s*((?:\"\w+\"|\s|if|else|[\w.]+)+?),",
                path.read_text(encoding="utf-8"),
            )
            for call in calls:
                verbs = re.findall(r'"(\w+)"', call.group(1))
                codes.update(prefix + verb for verb in verbs)
    # Families named from what they touch.
    codes.update(f"members.event.{kind.lower()}" for kind in MemberEvent.Kind.values)
    codes.update(sheet.action for sheet in RECORD_SHEETS)
    for model in admin.site._registry:
        codes.update(f"{model._meta.label_lower}.{verb}" for verb in actions.ADMIN_VERBS)
    return codes


def test_every_action_the_code_writes_has_a_vietnamese_label():
    codes = _codes_in_the_code()
    assert len(codes) > 100  # the scan finds the actions (it is not silently empty)
    for sample in ("members.transfer_started", "demo.built", "admissions.plan_set",
                   "organizations.renamed", "imports.refused"):  # fmt: skip
        assert sample in codes
    missing = sorted(c for c in codes if actions.known_label(c) is None)
    assert missing == []


def test_actions_are_built_from_variables_only_where_the_scan_knows_the_helper():
    built = {
        str(p.relative_to(SRC))
        for p in _sources()
        if re.search(r'action=f"', p.read_text(encoding="utf-8"))
    }
    assert built <= BUILT_ACTIONS


def test_labels_are_vietnamese_sentences_not_codes():
    for code, label in actions.all_labels().items():
        assert label, code
        assert label.strip() == label, code
        assert "." not in label, code
        assert "_" not in label, code
    assert actions.action_label("members.transfer_started") == "Bắt đầu chuyển sinh hoạt đảng"
    assert actions.action_label("members.event.struck_off") == "Ghi sự kiện «Xóa tên» của đảng viên"
    assert actions.action_label("auth.user.admin_changed") == "Sửa người dùng qua trang quản trị"
    assert actions.action_label("awards.badgeaward_imported").startswith("Nhập ")
    assert actions.action_label("no.such_thing") == actions.UNKNOWN


def test_register_actions_refuses_an_empty_label():
    with pytest.raises(ValueError, match=r"x\.y"):
        actions.register_actions({"x.y": " "})


@pytest.mark.django_db
def test_changes_name_fields_and_choices_in_vietnamese():
    before = {"sex": "F", "full_name": "Lê Thị A", "date_of_birth": "1990-02-03",
              "search_name": "le thi a", "status": "PROBATIONARY"}  # fmt: skip
    after = {**before, "sex": "M", "date_of_birth": "1990-03-02", "search_name": "x",
             "status": "OFFICIAL"}  # fmt: skip
    assert actions.changes("members.member", before, after) == [
        ("Giới tính", "Nữ", "Nam"),
        ("Ngày sinh", "03/02/1990", "02/03/1990"),
        ("Tình trạng", "Dự bị", "Chính thức"),
    ]
    assert actions.changes("members.member", None, after) == []
    roles_before = {"modules": ["registry"]}
    roles_after = {"modules": ["registry", "admissions"]}
    [(_label, old, new)] = actions.changes("accounts.roleassignment", roles_before, roles_after)
    assert (old, new) == ("Tổ chức và đảng viên", "Tổ chức và đảng viên, Phát triển đảng viên")
    # A JSON value (an import's decisions) is shown as it is, never a crash.
    [(_label, old, new)] = actions.changes(
        "imports.importjob", {"decisions": {}}, {"decisions": {"Đảng viên:3": "same"}}
    )
    assert (old, new) == ("—", "Đảng viên:3: same")


def test_the_filter_offers_every_labelled_action_and_member_event_by_its_label():
    choices = dict(actions.action_choices())
    assert choices["demo.built"] == "Dựng dữ liệu mẫu"
    assert choices["members.event.admitted"] == "Ghi sự kiện «Kết nạp vào Đảng» của đảng viên"
    assert list(choices.values()) == sorted(choices.values())
