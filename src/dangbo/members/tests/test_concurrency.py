"""Writers racing on one member through a live server: no update is lost, the row follows its events.

The requests are real HTTP requests from several threads to pytest-django's live
server, which serves each one in its own thread with its own database connection,
so the services' transactions really overlap.

On SQLite the suite then runs on a file test database (the ``parallel_writers``
marker, see the root conftest): with Django's in-memory test database the live
server hands one shared connection to all its threads, and two requests would
interleave statements inside one transaction instead of taking turns on the write
lock as they do in production. With the file, each thread has its own connection
and ``BEGIN IMMEDIATE`` (the project's ``transaction_mode``) orders the writers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from dangbo.accounts.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.core.tests.api_helpers import API, add_member, build_tree, make_user, token_for
from dangbo.members import rules
from dangbo.members.models import Member, MemberEvent
from dangbo.members.services import age_check

pytestmark = [pytest.mark.parallel_writers, pytest.mark.usefixtures("reference_data")]

ROUNDS = 20


@dataclass
class Writer:
    """One API client: its token and the requests that came back 200/201, in order."""

    base: str
    token: str
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    def send(self, method: str, path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.base}{API}{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                json.load(response)
                self.accepted.append(body)
        except urllib.error.HTTPError as exc:
            self.refused.append((exc.code, exc.read().decode(errors="replace")))


def race(*runs: Callable[[], None]) -> None:
    """Run the callables in threads released together; re-raise the first failure."""
    start = threading.Barrier(len(runs))
    errors: list[BaseException] = []

    def go(run: Callable[[], None]) -> None:
        start.wait()
        try:
            run()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if errors:
        raise errors[0]


def derived(member: Member) -> list[rules.State]:
    events = [
        rules.Event(e.kind, e.happened_on, e.organization_id, seq=e.pk, ceremony_on=e.ceremony_on)
        for e in member.events.filter(voided_at__isnull=True)
    ]
    return rules.derive_states(events, **age_check(member))


def assert_row_follows_events(member: Member) -> None:
    states = derived(member)
    stored = [
        (s.status, s.organization_id, s.valid_from, s.valid_until)
        for s in member.states.order_by("valid_from")
    ]
    assert stored == [(s.status, s.organization_id, s.valid_from, s.valid_until) for s in states]
    assert (member.status, member.organization_id) == (
        states[-1].status,
        states[-1].organization_id,
    )


def member_after(entry: AuditEntry) -> dict[str, Any]:
    return entry.after["member"] if entry.action.startswith("members.event.") else entry.after


def assert_audit_chains(member: Member) -> list[AuditEntry]:
    """Each entry's ``before`` is the row the previous one left (the creation starts the chain)."""
    entries = list(
        AuditEntry.objects.filter(target_type="members.member", target_id=str(member.pk)).order_by(
            "pk"
        )
    )
    assert entries[0].action == "members.created"
    for previous, entry in itertools.pairwise(entries):
        assert entry.before == member_after(previous), (entry.pk, entry.action)
    return entries


def history(entries: list[AuditEntry], name: str) -> list[Any]:
    """The successive values of one field through the log, repeats folded."""
    values = [entries[0].before[name]]
    for entry in entries:
        if entry.after[name] != values[-1]:
            values.append(entry.after[name])
    return values


@pytest.fixture
def world(live_server):
    tree = build_tree()
    member = add_member(tree.a1, "Lê Văn Đồng Thời", official_on=dt.date(2011, 3, 2))
    writers = [
        Writer(live_server.url, token_for(make_user(f"vanphong{i}", Role.COMMITTEE_ADMIN, tree.a)))
        for i in (1, 2)
    ]
    return tree, member, writers


def test_two_clients_patching_different_fields_lose_no_update(world):
    _tree, member, (phones, jobs) = world
    path = f"/members/{member.pk}/"

    race(
        lambda: [phones.send("PATCH", path, {"phone": f"09120000{i:02d}"}) for i in range(ROUNDS)],
        lambda: [jobs.send("PATCH", path, {"occupation": f"Kỹ sư bậc {i}"}) for i in range(ROUNDS)],
    )

    assert phones.refused == []
    assert jobs.refused == []
    member.refresh_from_db()
    assert member.phone == phones.accepted[-1]["phone"]
    assert member.occupation == jobs.accepted[-1]["occupation"]
    entries = assert_audit_chains(member)
    updates = [e for e in entries if e.action == "members.updated"]
    assert len(updates) == 2 * ROUNDS
    # Every accepted PATCH shows in the log as a change of its own field only.
    changed = [{k for k in e.after if e.after[k] != e.before[k]} - {"updated_at"} for e in updates]
    assert changed.count({"phone"}) == ROUNDS
    assert changed.count({"occupation"}) == ROUNDS
    # Read in the log's order, each field only ever takes its client's next value.
    assert history(updates, "phone") == ["", *(body["phone"] for body in phones.accepted)]
    assert history(updates, "occupation") == ["", *(b["occupation"] for b in jobs.accepted)]


def test_a_move_racing_identity_patches_leaves_the_row_in_the_new_cell(world, live_server):
    tree, member, (mover, phones) = world
    cells = [tree.a2, tree.a1]
    moves = [
        {
            "kind": MemberEvent.Kind.MOVED,
            "happened_on": (dt.date(2020, 1, 6) + dt.timedelta(days=7 * i)).isoformat(),
            "organization": cells[i % 2].code,
        }
        for i in range(ROUNDS // 2 + 1)
    ]
    path = f"/members/{member.pk}/"

    race(
        lambda: [mover.send("POST", f"{path}events/", move) for move in moves],
        lambda: [phones.send("PATCH", path, {"phone": f"09130000{i:02d}"}) for i in range(ROUNDS)],
    )

    assert mover.refused == []
    assert phones.refused == []
    member.refresh_from_db()
    assert member.organization_id == tree.a2.pk  # the last move (an odd number of them)
    assert member.phone == phones.accepted[-1]["phone"]
    assert_row_follows_events(member)
    assert_audit_chains(member)
    # The new cell's secretary manages him; the old cell's no longer sees him.
    new_cell = Writer(
        live_server.url, token_for(make_user("bithu_a2", Role.CELL_SECRETARY, tree.a2))
    )
    old_cell = Writer(
        live_server.url, token_for(make_user("bithu_a1", Role.CELL_SECRETARY, tree.a1))
    )
    new_cell.send("PATCH", path, {"email": "dongthoi@example.vn"})
    old_cell.send("PATCH", path, {"email": "khac@example.vn"})
    assert new_cell.accepted
    assert not new_cell.refused
    assert [code for code, _ in old_cell.refused] == [404]
