"""A member who has left the subtree: its workbook carries what it held when they left."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from dangbo.accounts.tests.factories import UserFactory
from dangbo.awards import services as award_services
from dangbo.awards.tests.factories import add_event, member_admitted
from dangbo.exchange.format import SHEETS_BY_KEY
from dangbo.exchange.records import RECORD_SHEETS
from dangbo.exchange.services import import_exchange
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Position
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

from .helpers import export_bytes, wipe, write_file

pytestmark = pytest.mark.django_db

d = dt.date
FOUNDED = d(1970, 1, 1)
PERSONAL = {
    "personal_id_number": "001080012345",
    "phone": "0912345678",
    "email": "binh@example.vn",
    "permanent_address": "Số 9, phố Mới",
}


def _rows(content: bytes, key: str) -> list[dict[str, Any]]:
    spec = next(
        (s for s in SHEETS_BY_KEY.values() if s.key == key),
        next((r.spec for r in RECORD_SHEETS if r.key_name == key), None),
    )
    headers = {c.header: c.key for c in spec.columns}
    ws = load_workbook(io.BytesIO(content))[spec.title]
    rows = list(ws.iter_rows(values_only=True))
    return [{headers.get(h, h): v for h, v in zip(rows[0], r, strict=True)} for r in rows[1:]]


@pytest.fixture
def world():
    top = bloc(code="TOP", established_on=FOUNDED)
    a = dang_bo(top, code="A", established_on=FOUNDED)
    a1 = dependent_cell(a, code="A1", established_on=FOUNDED)
    b = dang_bo(top, code="B", established_on=FOUNDED)
    b1 = dependent_cell(b, code="B1", established_on=FOUNDED)
    b2 = dependent_cell(b, code="B2", established_on=FOUNDED)
    binh = member_admitted(a1, d(1979, 3, 1), full_name="Lê Văn Bình")
    stays = member_admitted(a1, d(1992, 3, 1), full_name="Trần Văn Ở", **PERSONAL | {
        "personal_id_number": "001080054321", "email": "o@example.vn"})  # fmt: skip
    member_services.assign_position(
        actor=None, member=binh, title=Position.Title.SECRETARY, organization=a1,
        started_on=d(2015, 1, 1), ended_on=d(2019, 12, 31),
    )  # fmt: skip
    award_services.record_award(
        actor=None, member=binh, milestone=30, occasion_on=d(2010, 2, 3),
        decision_number="1-QĐ/TU", decision_signed_on=d(2010, 1, 20),
    )  # fmt: skip
    # Binh leaves A for B1 in 2021; B records a post, a move to B2, a badge and new contacts.
    add_event(binh, MemberEvent.Kind.MOVED, d(2021, 6, 1), b1)
    member_services.assign_position(
        actor=None, member=binh, title=Position.Title.SECRETARY, organization=b1,
        started_on=d(2022, 1, 1),
    )  # fmt: skip
    add_event(binh, MemberEvent.Kind.MOVED, d(2024, 3, 1), b2)
    award_services.record_award(
        actor=None, member=binh, milestone=40, occasion_on=d(2025, 2, 3),
        decision_number="2-QĐ/TU", decision_signed_on=d(2025, 1, 20),
    )  # fmt: skip
    member_services.update_member(actor=None, member=binh, **PERSONAL)
    account = UserFactory(username="levanbinh", email="binh@example.vn")
    Member.objects.filter(pk=binh.pk).update(user=account)
    return {"binh": binh, "stays": stays}


def test_a_member_who_left_carries_only_what_the_subtree_held(world):
    content = export_bytes("A")
    members = {r["full_name"]: r for r in _rows(content, "members")}
    binh, stays = members["Lê Văn Bình"], members["Trần Văn Ở"]
    for field in PERSONAL:
        assert not binh[field], field  # recorded since, by B
    assert stays["personal_id_number"] == "001080054321"  # a member still here keeps them
    # The cell the move of 2021 took them to, not where B placed them since.
    assert binh["organization"] == "B1"
    assert binh["status"] == "OFFICIAL"
    events = [r for r in _rows(content, "member_events") if r["member"] == binh["uid"]]
    assert [(e["kind"], e["happened_on"].date()) for e in events] == [
        ("ADMITTED", d(1979, 3, 1)), ("MADE_OFFICIAL", d(1980, 3, 1)), ("MOVED", d(2021, 6, 1)),
    ]  # fmt: skip
    posts = [r for r in _rows(content, "positions") if r["member"] == binh["uid"]]
    assert [p["organization"] for p in posts] == ["A1"]
    badges = [r for r in _rows(content, "badge_awards") if r["member"] == binh["uid"]]
    assert [b["milestone"] for b in badges] == [30]
    codes = {r["code"] for r in _rows(content, "organizations")}
    assert "B2" not in codes
    assert "levanbinh" not in {r["username"] for r in _rows(content, "users")}


def test_the_subtree_where_the_member_is_now_carries_everything(world):
    content = export_bytes("B")
    binh = next(r for r in _rows(content, "members") if r["full_name"] == "Lê Văn Bình")
    assert binh["personal_id_number"] == PERSONAL["personal_id_number"]
    assert binh["organization"] == "B2"
    badges = [r for r in _rows(content, "badge_awards") if r["member"] == binh["uid"]]
    assert sorted(b["milestone"] for b in badges) == [30, 40]
    assert "levanbinh" in {r["username"] for r in _rows(content, "users")}


def test_a_workbook_with_a_member_who_left_round_trips(world, tmp_path):
    content = export_bytes("A")
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == [], result.errors[:5]
    assert export_bytes("A") == content
