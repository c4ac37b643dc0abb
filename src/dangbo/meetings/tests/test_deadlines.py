"""The meetings' deadlines on the radar: due dates at their boundaries (the day before, of and
after), closed by the fact, scoped to the subtree and the reader's modules, stored as computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.models import Module, Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.deadlines import store
from dangbo.deadlines.models import OpenDeadline
from dangbo.deadlines.selectors import _computed_radar, radar, stored_radar
from dangbo.meetings import services
from dangbo.meetings.deadlines import (
    CELL_SUBJECT,
    CONFIRMATION,
    REGULAR_MISSING,
    THEMATIC_MISSING,
    deadlines_under,
)  # fmt: skip
from dangbo.meetings.models import Level
from dangbo.meetings.models import MeetingKind as K
from dangbo.regulations.models import Setting

from .factories import build_world

pytestmark = pytest.mark.django_db
d = dt.date
ONE = dt.timedelta(days=1)


@pytest.fixture
def w():
    return build_world()


def _record(w, held_on, kind=K.REGULAR, cell=None):
    return services.record_meeting(
        actor=None, cell=cell or w.a1, kind=kind, held_on=held_on, level_only=True,
        counted_count=4, present_count=4, self_level=Level.GOOD, self_scored_on=held_on,
    ).meeting  # fmt: skip


def _items(org, today, kind, horizon=0):
    return [d for d in radar(org, today, horizon).items if d.kind == kind]


def test_a_month_without_its_regular_meeting_is_due_on_its_last_day(w):
    due = d(2025, 3, 31)
    for today, overdue in [(due - ONE, False), (due, False), (due + ONE, True)]:
        found = [x for x in _items(w.a1, today, REGULAR_MISSING, 1) if x.due_on == due]
        assert len(found) == 1, today
        item = found[0]
        assert item.title == "Chi bộ chưa ghi sinh hoạt thường kỳ tháng 03/2025"
        assert item.rule == "Điều lệ Đảng, Điều 24 khoản 2"
        assert item.is_overdue(today) is overdue
        assert item.url == "/o/A1/meetings/?year=2025"
    # A regular (or combined) meeting in the month closes it; a thematic one does not.
    _record(w, d(2025, 3, 12), kind=K.THEMATIC)
    assert [x for x in _items(w.a1, due, REGULAR_MISSING) if x.due_on == due]
    _record(w, d(2025, 3, 20), kind=K.COMBINED)
    assert not [x for x in _items(w.a1, due, REGULAR_MISSING) if x.due_on == due]


def test_no_month_is_due_before_the_cell_was_founded(w):
    # A2 was founded on 01/03/2024: March is due, February is not.
    dues = {x.due_on for x in deadlines_under(w.a2, d(2024, 4, 1), d(2024, 4, 30))
            if x.kind == REGULAR_MISSING}  # fmt: skip
    assert d(2024, 3, 31) in dues
    assert d(2024, 2, 29) not in dues
    assert d(2024, 4, 30) in dues  # upcoming: the month is not over yet


def test_a_quarter_without_a_thematic_meeting_is_due_on_its_last_day(w):
    due = d(2025, 6, 30)
    for today, overdue in [(due - ONE, False), (due, False), (due + ONE, True)]:
        found = [x for x in _items(w.g, today, THEMATIC_MISSING, 1) if x.due_on == due]
        assert [x.title for x in found] == ["Chi bộ chưa ghi sinh hoạt chuyên đề quý 2/2025"]
        assert found[0].rule == "Hướng dẫn 12-HD/BTCTW ngày 06/07/2018"
        assert found[0].is_overdue(today) is overdue
    _record(w, d(2025, 4, 8), kind=K.COMBINED, cell=w.g)
    assert not [x for x in _items(w.g, due, THEMATIC_MISSING) if x.due_on == due]
    # Before HD 12 (06/07/2018) no quarter owes a thematic meeting; from the third quarter on.
    dues = {x.due_on for x in deadlines_under(w.g, d(2018, 6, 1), d(2018, 12, 31))
            if x.kind == THEMATIC_MISSING}  # fmt: skip
    assert dues == {d(2018, 9, 30), d(2018, 12, 31)}


def test_a_score_is_due_for_confirmation_after_the_month_and_leaves_once_confirmed(w):
    meeting = _record(w, d(2025, 3, 10))
    due = d(2025, 4, 10)  # 31/03 + 10 days (the default of meetings.confirm_days)
    for today, overdue in [(due - ONE, False), (due, False), (due + ONE, True)]:
        found = _items(w.a1, today, CONFIRMATION, 1)
        assert [x.due_on for x in found] == [due]
        assert found[0].is_overdue(today) is overdue
        assert found[0].url == f"/o/A1/meetings/{meeting.pk}/"
        assert found[0].detail == "Sinh hoạt thường kỳ ngày 10/03/2025; chi bộ tự xếp loại Tốt."
    # The committee's own period, in force at the month's end, moves the due date.
    Setting.objects.create(key="meetings.confirm_days", organization=w.top, value=5,
                           effective_on=d(2025, 1, 1))  # fmt: skip
    assert [x.due_on for x in _items(w.a1, due, CONFIRMATION, 30)] == [d(2025, 4, 5)]
    services.confirm_score(actor=None, meeting=meeting, confirmed_by=w.a, level=Level.GOOD,
                           confirmed_on=d(2025, 4, 20))  # fmt: skip
    assert not _items(w.a1, due, CONFIRMATION, 30)


def test_an_extraordinary_or_voided_meeting_awaits_no_confirmation(w):
    _record(w, d(2025, 3, 10), kind=K.EXTRAORDINARY)
    assert not _items(w.a1, d(2025, 4, 1), CONFIRMATION, 30)
    meeting = _record(w, d(2025, 3, 11))
    assert _items(w.a1, d(2025, 4, 1), CONFIRMATION, 30)
    services.void_meeting(actor=None, meeting=meeting, reason="Ghi nhầm")
    assert not _items(w.a1, d(2025, 4, 1), CONFIRMATION, 30)


def test_the_radar_of_a_subtree_holds_only_its_cells(w):
    today = d(2025, 4, 1)
    under_a = {x.subject for x in radar(w.a, today, 30).items if x.kind.startswith("meetings.")}
    assert under_a == {"Chi bộ Phòng Kỹ thuật", "Chi bộ Phòng Kinh doanh"}
    under_g = {x.subject for x in radar(w.g, today, 30).items if x.kind.startswith("meetings.")}
    assert under_g == {"Chi bộ Trường Tiểu học"}


def test_the_page_shows_them_to_readers_of_the_subtree_with_the_meetings_module(w):
    def subjects(user, code="A"):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("deadlines", kwargs={"code": code}), {"horizon": "30"})
        if response.status_code != 200:
            return response.status_code
        return {x.subject for x in response.context["radar"].items
                if x.kind.startswith("meetings.")}  # fmt: skip

    viewer = user_with_role(w.a, Role.VIEWER)
    assert subjects(viewer) == {"Chi bộ Phòng Kỹ thuật", "Chi bộ Phòng Kinh doanh"}
    assert subjects(viewer, "G") in (403, 404)  # another subtree
    officer = user_with_role(w.a, Role.MODULE_OFFICER, modules=[Module.MEETINGS])
    assert subjects(officer) == {"Chi bộ Phòng Kỹ thuật", "Chi bộ Phòng Kinh doanh"}
    awards_only = user_with_role(w.a, Role.MODULE_OFFICER, modules=[Module.AWARDS])
    assert subjects(awards_only) == set()


def test_the_stored_rows_equal_what_the_source_computes_and_follow_the_writes(w, settings):
    settings.DANGBO_DEADLINE_STORE = True
    on = timezone.localdate()
    store.rebuild(on)

    def stored():
        return sorted(
            OpenDeadline.objects.filter(kind__startswith="meetings.").values_list(
                "kind", "title", "subject", "organization_id", "due_on", "shown_until", "shown_from",
                "rule", "detail", "url", "subject_type", "subject_id",
            )
        )  # fmt: skip

    def computed():
        state = store.current()
        return sorted(
            (x.kind, x.title, x.subject, x.organization_id, x.due_on, x.shown_until, x.shown_from,
             x.rule, x.detail, x.url, x.subject_type, x.subject_id)
            for x in store.derive(state.derived_on, state.reaches_until)
            if x.kind.startswith("meetings.")
        )  # fmt: skip

    assert stored() == computed()
    kinds = {row[0] for row in stored()}
    assert kinds == {REGULAR_MISSING, THEMATIC_MISSING}
    assert {row[10] for row in stored()} == {CELL_SUBJECT}
    last_month = on.replace(day=1) - ONE
    meeting = _record(w, last_month.replace(day=5))
    assert stored() == computed()
    assert CONFIRMATION in {row[0] for row in stored()}
    services.confirm_score(actor=None, meeting=meeting, confirmed_by=w.a, level=Level.GOOD,
                           confirmed_on=on)  # fmt: skip
    assert stored() == computed()
    Setting.objects.create(key="meetings.confirm_days", organization=w.top, value=3,
                           effective_on=d(2020, 1, 1))  # fmt: skip
    _record(w, last_month.replace(day=9), cell=w.g)
    assert stored() == computed()
    w.a2.dissolved_on = on.replace(day=1)
    w.a2.save()
    assert stored() == computed()
    # The radar read from the rows equals the radar computed, on the day before, of and after
    # a month's end.
    end = last_month + dt.timedelta(days=40)
    end = end.replace(day=1) - ONE
    for today in (end - ONE, end, end + ONE):
        for org in (w.top, w.a, w.g):
            for horizon in (0, 30):
                a = stored_radar(org, today, horizon)
                b = _computed_radar(org, today, horizon, None, False, None)
                assert list(a.items) == list(b.items)
                assert (a.total, a.overdue, a.soon) == (b.total, b.overdue, b.soon)
                assert a.by_kind == b.by_kind
                assert a.by_org == b.by_org


def test_a_month_ahead_is_stored_but_shown_only_from_its_first_day(w, settings):
    """On a month's last day the cell's radar does not list the next month's regular meeting
    (nor the next quarter's thematic one); on the next month's first day it does. The same
    from the stored rows and computed."""
    settings.DANGBO_DEADLINE_STORE = True
    store.rebuild(d(2025, 1, 1))
    april, q2 = d(2025, 4, 30), d(2025, 6, 30)
    # Stored from the rebuild's day on, whatever the day asked: shown from the first day.
    stored = set(
        OpenDeadline.objects.filter(organization=w.a1, due_on__in=[april, q2]).values_list(
            "kind", "due_on", "shown_from"
        )
    )
    assert stored == {
        (REGULAR_MISSING, april, d(2025, 4, 1)),
        (REGULAR_MISSING, q2, d(2025, 6, 1)),
        (THEMATIC_MISSING, q2, d(2025, 4, 1)),
    }
    assert store.covering(d(2025, 3, 31), d(2025, 3, 31) + dt.timedelta(days=90)) is not None

    def seen(org, today):
        a = stored_radar(org, today, 90)
        b = _computed_radar(org, today, 90, None, False, None)
        assert a.counts is not None
        assert b.counts is None
        assert list(a.items) == list(b.items)
        assert (a.total, a.overdue, a.soon) == (b.total, b.overdue, b.soon)
        assert a.by_kind == b.by_kind
        assert a.by_org == b.by_org
        assert a.total == len(list(a.items)) == sum(k.total for k in a.by_kind)
        return {(x.kind, x.due_on) for x in a.items}

    for org in (w.a1, w.a):
        on_last_day = seen(org, d(2025, 3, 31))
        assert (REGULAR_MISSING, d(2025, 3, 31)) in on_last_day
        assert (THEMATIC_MISSING, d(2025, 3, 31)) in on_last_day
        assert (REGULAR_MISSING, april) not in on_last_day
        assert (THEMATIC_MISSING, q2) not in on_last_day
        on_first_day = seen(org, d(2025, 4, 1))
        assert (REGULAR_MISSING, april) in on_first_day
        assert (THEMATIC_MISSING, q2) in on_first_day
        assert (REGULAR_MISSING, d(2025, 5, 31)) not in on_first_day
    # Nothing of the months ahead on the cell's 90-day radar: only this month's and the past.
    assert max(x.due_on for x in radar(w.a1, d(2025, 4, 1), 90).items
               if x.kind == REGULAR_MISSING) == april  # fmt: skip


def test_the_migration_fills_shown_from_of_the_rows_stored_before_it(w, settings):
    """Rows stored before the column existed get what the source now sets."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("dangbo.deadlines.migrations.0002_deadline_shown_from")
    settings.DANGBO_DEADLINE_STORE = True
    store.rebuild(d(2025, 1, 1))
    rows = OpenDeadline.objects.filter(kind__in=[REGULAR_MISSING, THEMATIC_MISSING])
    expected = sorted(rows.values_list("pk", "shown_from"))
    assert expected
    assert all(shown_from is not None for _, shown_from in expected)
    OpenDeadline.objects.update(shown_from=None)
    migration.fill_shown_from(apps, SimpleNamespace(connection=connection))
    assert sorted(rows.values_list("pk", "shown_from")) == expected
    others = OpenDeadline.objects.exclude(kind__in=[REGULAR_MISSING, THEMATIC_MISSING])
    assert not others.exclude(shown_from=None).exists()  # a score to confirm: shown at once
