"""The stored deadlines equal what the rules compute from scratch, and the radar read from them
equals the radar computed by asking the sources."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from dangbo.awards import services as award_services
from dangbo.demo import build_demo
from dangbo.members import transfers
from dangbo.members.models import Member, Status, Transfer
from dangbo.organizations.models import Organization

from .. import sources, store
from ..models import DeadlineStore, OpenDeadline
from ..selectors import _computed_radar, radar, stored_radar
from .fakes import FakeSource, deadline

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 1, 15)


def row_key(d) -> tuple:
    return (
        d.kind, d.title, d.subject, d.organization_id, d.other_organization_id, d.due_on,
        d.shown_until, d.shown_from, d.milestone, d.rule, d.detail, d.late_detail, d.url, d.subject_type,
        d.subject_id,
    )  # fmt: skip


def stored_keys() -> list[tuple]:
    return sorted(
        OpenDeadline.objects.values_list(
            "kind", "title", "subject", "organization_id", "other_organization_id", "due_on",
            "shown_until", "shown_from", "is_milestone", "rule", "detail", "late_detail", "url", "subject_type",
            "subject_id",
        )
    )  # fmt: skip


def computed_keys() -> list[tuple]:
    """What the sources compute from scratch for the store's day and window."""
    state = store.current()
    return sorted(row_key(d) for d in store.derive(state.derived_on, state.reaches_until))


@pytest.fixture
def store_on(settings):
    settings.DANGBO_DEADLINE_STORE = True


@pytest.fixture
def demo(store_on):
    return build_demo(members=300, seed=11, as_of=AS_OF)


def same_radar(stored, computed) -> None:
    assert stored.counts is not None
    assert computed.counts is None
    assert list(stored.items) == list(computed.items)
    assert (stored.total, stored.overdue, stored.soon, stored.upcoming) == (
        computed.total, computed.overdue, computed.soon, computed.upcoming,
    )  # fmt: skip
    assert stored.available_kinds == computed.available_kinds
    assert stored.by_kind == computed.by_kind
    assert stored.by_org == computed.by_org


def test_the_demo_builds_the_store_and_it_equals_the_rules(demo):
    state = store.current()
    assert state.derived_on == AS_OF
    assert state.reaches_until == AS_OF + dt.timedelta(days=store.STORE_DAYS)
    keys = stored_keys()
    assert keys == computed_keys()
    kinds = {k[0] for k in keys}
    assert {"admissions.decision", "awards.badge", "members.transfer_start"} <= kinds
    # The demo's missed months, quarters without a thematic meeting and late scores.
    assert {"meetings.regular_missing", "meetings.thematic_missing",
            "meetings.confirmation"} <= kinds  # fmt: skip
    # The months and quarters still ahead are stored, shown from their first day.
    ahead = {k[0] for k in keys if k[7] is not None and k[7] > AS_OF}
    assert ahead == {"meetings.regular_missing", "meetings.thematic_missing"}


@pytest.mark.parametrize("horizon", [0, 30, 90, 366])
def test_the_radar_read_from_the_store_equals_the_radar_computed(demo, horizon):
    orgs = [Organization.objects.get(code="DEMO")]
    orgs += list(Organization.objects.filter(parent=orgs[0]).order_by("path")[:2])
    orgs += [Organization.objects.filter(depth__gte=2).order_by("-path").first()]
    for org in orgs:
        stored = stored_radar(org, AS_OF, horizon)
        same_radar(stored, _computed_radar(org, AS_OF, horizon, None, False, None))
        assert all(d.shown_from is None or d.shown_from <= AS_OF for d in stored.items)


def test_a_transfer_is_on_the_radar_of_either_end_once(demo):
    """A row is found through its organization or through its other end (two branches), never
    twice: at each end, at a subtree holding one end, and at one holding both."""
    transfers_ = OpenDeadline.objects.filter(other_organization__isnull=False).select_related(
        "organization", "other_organization"
    )
    assert transfers_.exists()
    orgs = set()
    for row in transfers_[:5]:
        orgs |= {row.organization, row.other_organization, row.other_organization.parent}
        common = Organization.objects.filter(
            path__in=[row.organization.path[:n] for n in range(1, len(row.organization.path) + 1)]
        )
        orgs |= {org for org in common if row.other_organization.path.startswith(org.path)}
    window = [r for r in OpenDeadline.objects.select_related("organization", "other_organization")
              if r.due_on <= AS_OF + dt.timedelta(days=366)
              and (r.shown_until is None or r.shown_until >= AS_OF)
              and (r.shown_from is None or r.shown_from <= AS_OF)]  # fmt: skip
    through_other_end = 0
    for org in sorted((o for o in orgs if o is not None), key=lambda o: o.path):
        stored = stored_radar(org, AS_OF, 366)
        through_other_end += sum(
            not r.organization.path.startswith(org.path)
            and r.other_organization.path.startswith(org.path)
            for r in window
            if r.other_organization
        )
        expected = sorted(
            (r.subject_type, r.subject_id, r.kind, r.due_on)
            for r in window
            if r.organization.path.startswith(org.path)
            or (r.other_organization and r.other_organization.path.startswith(org.path))
        )
        keys = [(d.subject_type, d.subject_id, d.kind, d.due_on) for d in stored.items]
        assert sorted(keys) == expected
        assert stored.total == len(expected)
    assert through_other_end


def test_the_filters_and_a_later_day_read_the_store_as_computed(demo):
    root = Organization.objects.get(code="DEMO")
    later = AS_OF + dt.timedelta(days=200)
    for today, kinds, overdue_only in [
        (AS_OF, ["awards.badge"], False),
        (AS_OF, None, True),
        (AS_OF, ["admissions.decision", "nothing.such"], True),
        (later, None, False),
    ]:
        same_radar(
            stored_radar(root, today, 90, kinds, overdue_only, lambda k: k != "members.x"),
            _computed_radar(root, today, 90, kinds, overdue_only, lambda k: k != "members.x"),
        )
    hidden = stored_radar(root, AS_OF, visible=lambda k: not k.startswith("awards."))
    assert hidden.total
    assert not any(d.kind == "awards.badge" for d in hidden.items)


def test_a_page_of_items_is_read_by_slices(demo):
    root = Organization.objects.get(code="DEMO")
    result = stored_radar(root, AS_OF, 366)
    everything = list(result.items)
    assert len(everything) == result.total > 5
    assert result.items[2:5] == everything[2:5]
    assert result.items[-1] == everything[-1]
    assert result.items[result.total : result.total + 3] == []


def test_radar_reads_the_store_only_when_it_covers_the_day(demo):
    root = Organization.objects.get(code="DEMO")
    assert radar(root, AS_OF).counts is not None  # from the store
    before = AS_OF - dt.timedelta(days=1)
    assert radar(root, before).counts is None  # a day before the store's: computed
    far = AS_OF + dt.timedelta(days=store.STORE_DAYS)
    assert radar(root, far, horizon_days=1).counts is None  # past its window: computed


def test_a_live_source_makes_the_radar_compute(demo, monkeypatch):
    root = Organization.objects.get(code="DEMO")
    source = FakeSource([deadline(root, AS_OF, subject="Việc của nguồn trực tiếp")])
    sources.register(source)
    try:
        result = radar(root, AS_OF)
    finally:
        sources.unregister(source)
    assert result.counts is None
    assert "Việc của nguồn trực tiếp" in {d.subject for d in result.items}


def test_services_keep_the_store_equal_to_the_rules(demo):
    # A badge recorded, a transfer cancelled, a member renamed, a member's event recorded.
    badge = next(row for row in OpenDeadline.objects.filter(kind="awards.badge").order_by("pk"))
    member = Member.objects.get(pk=badge.subject_id)
    milestone = int("".join(ch for ch in badge.title if ch.isdigit()) or 30)
    award_services.record_award(
        actor=None, member=member, milestone=milestone, occasion_on=badge.due_on,
        decision_number="12-QĐ/TU", decision_signed_on=badge.due_on,
    )  # fmt: skip
    assert not OpenDeadline.objects.filter(pk=badge.pk).exists()
    transfer = Transfer.objects.filter(
        status__in=[Transfer.Status.AWAITING_LETTER, Transfer.Status.AWAITING_ARRIVAL],
        voided_at__isnull=True,
    ).first()
    transfers.cancel_transfer(actor=None, transfer=transfer, reason="Đổi ý")
    assert not OpenDeadline.objects.filter(subject_type="members.transfer", subject_id=transfer.pk)
    probationer = Member.objects.filter(status=Status.PROBATIONARY).order_by("pk").first()
    probationer.full_name = "Tên Mới Hẳn"
    probationer.save()
    assert stored_keys() == computed_keys()
    assert "Tên Mới Hẳn" in set(OpenDeadline.objects.values_list("subject", flat=True))


def test_meeting_services_keep_the_store_equal_to_the_rules(demo):
    from django.utils import timezone

    from dangbo.meetings import services as meeting_services
    from dangbo.meetings.models import Level, Meeting, MeetingKind

    # A month without its regular meeting (overdue on the store's day): recorded, it leaves.
    gap = (
        OpenDeadline.objects.filter(kind="meetings.regular_missing", due_on__lt=AS_OF)
        .order_by("-due_on", "pk")
        .first()
    )
    assert gap is not None
    cell = Organization.objects.get(pk=gap.subject_id)
    held_on = gap.due_on.replace(day=10)
    recorded = meeting_services.record_meeting(
        actor=None, cell=cell, kind=MeetingKind.REGULAR, held_on=held_on, level_only=True,
        counted_count=5, present_count=5, self_level=Level.GOOD, self_scored_on=held_on,
    ).meeting  # fmt: skip
    assert not OpenDeadline.objects.filter(pk=gap.pk).exists()
    assert stored_keys() == computed_keys()
    # The new meeting's score awaits the upper level; confirmed, it leaves the radar.
    pending = OpenDeadline.objects.filter(kind="meetings.confirmation", subject_id=cell.pk)
    assert any(f"/meetings/{recorded.pk}/" in row.url for row in pending)
    meeting_services.confirm_score(
        actor=None, meeting=Meeting.objects.get(pk=recorded.pk), confirmed_by=cell.parent,
        level=Level.GOOD, confirmed_on=min(timezone.localdate(), gap.due_on),
    )  # fmt: skip
    assert not any(
        f"/meetings/{recorded.pk}/" in row.url
        for row in OpenDeadline.objects.filter(kind="meetings.confirmation", subject_id=cell.pk)
    )
    assert stored_keys() == computed_keys()
    # Voided, the month is missing again.
    meeting_services.void_meeting(actor=None, meeting=recorded, reason="Ghi nhầm tháng")
    assert OpenDeadline.objects.filter(
        kind="meetings.regular_missing", subject_id=cell.pk, due_on=gap.due_on
    ).exists()
    assert stored_keys() == computed_keys()


def test_the_rebuild_command_and_a_subtree_rebuild(demo, capsys):
    OpenDeadline.objects.all().delete()
    call_command("deadlines", "--rebuild", "--on", AS_OF.isoformat())
    assert "Đã tính lại" in capsys.readouterr().out
    assert stored_keys() == computed_keys()
    grassroots = Organization.objects.filter(parent__code="DEMO").order_by("path").first()
    OpenDeadline.objects.filter(organization__path__startswith=grassroots.path).delete()
    call_command("deadlines", "--rebuild", "--org", grassroots.code)
    assert stored_keys() == computed_keys()


def test_without_the_setting_nothing_is_stored_or_read(settings, db):
    settings.DANGBO_DEADLINE_STORE = False
    build_demo(members=60, seed=3, as_of=AS_OF)
    assert not DeadlineStore.objects.exists()
    assert not OpenDeadline.objects.exists()
    assert radar(Organization.objects.get(code="DEMO"), AS_OF).counts is None


def test_an_import_rebuilds_the_store_once_it_is_kept(store_on):
    from django.utils import timezone

    from dangbo.imports import engine
    from dangbo.imports.tests.test_engine import HEADER, Book, Collect
    from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

    top = bloc(code="KHOI")
    cell = dependent_cell(
        dang_bo(top, code="DB1", name="Đảng bộ Một"), code="C1", name="Chi bộ Một"
    )
    store.rebuild()
    built = store.current().rebuilt_at
    admitted = timezone.localdate() - dt.timedelta(days=200)
    row = [1, "Lê Thị Mới Vào", "12/03/1995", "Nữ", "Kinh", None, None,
           admitted.strftime("%d/%m/%Y"), None, cell.code, None]  # fmt: skip
    book = Book(S=[["DANH SÁCH ĐẢNG VIÊN", None], [None], HEADER, row])

    def run(write: bool):
        ctx = engine.Context(root=top, actor=None, file_label="ds.xlsx", write=write,
                             valid_only=False, confirm_matches=False,
                             today=timezone.localdate(), decisions={})  # fmt: skip
        return engine.run(book, engine.detect(book), ctx, Collect())

    assert not run(write=False).written
    assert store.current().rebuilt_at == built  # a check keeps nothing: nothing recomputed
    assert run(write=True).written
    assert store.current().rebuilt_at > built
    assert "Lê Thị Mới Vào" in set(OpenDeadline.objects.values_list("subject", flat=True))
    assert stored_keys() == computed_keys()


def test_the_page_api_and_exports_read_from_the_store_as_computed(demo, settings):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from dangbo.core.tests.api_helpers import ApiClient

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    api = ApiClient(client=client)
    page = reverse("deadlines", kwargs={"code": "DEMO"})

    def read() -> tuple:
        body = api.get("/o/DEMO/deadlines", {"horizon_days": 366}).body
        csv = b"".join(client.get(page, {"horizon": "180", "export": "csv"}).streaming_content)
        html = client.get(page, {"page": "2"})
        rows = [(r.deadline, r.days, r.org_code) for r in html.context["page_obj"]]
        return body, csv, rows, html.context["radar"].counts is not None

    stored = read()
    settings.DANGBO_DEADLINE_STORE = False
    computed = read()
    assert stored[3]
    assert not computed[3]
    assert stored[0]["total"] > 50
    assert stored[:3] == computed[:3]


def test_the_worker_keeps_the_window_ahead_of_today(store_on, db):
    """``keep_current`` (run every hour by the worker) builds a store never built, leaves one
    that reaches far enough, and moves it forward once fewer than KEEP_AHEAD_DAYS remain."""
    build_demo(members=60, seed=3, as_of=AS_OF)
    DeadlineStore.objects.all().delete()
    OpenDeadline.objects.all().delete()
    assert store.keep_current(AS_OF) is not None  # an upgraded installation: built
    assert store.current().derived_on == AS_OF
    assert stored_keys() == computed_keys()
    last_quiet = store.current().reaches_until - dt.timedelta(days=store.KEEP_AHEAD_DAYS)
    assert store.keep_current(last_quiet) is None  # the day the window still reaches far enough
    assert store.current().derived_on == AS_OF
    moved = last_quiet + dt.timedelta(days=1)
    assert store.keep_current(moved) is not None  # the day after: rebuilt for that day
    assert store.current().derived_on == moved
    assert store.current().reaches_until == moved + dt.timedelta(days=store.STORE_DAYS)
    assert stored_keys() == computed_keys()


def test_the_worker_keeps_nothing_without_the_setting(settings, db):
    settings.DANGBO_DEADLINE_STORE = False
    assert store.keep_current(AS_OF) is None
    assert not DeadlineStore.objects.exists()
