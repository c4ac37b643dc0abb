"""The stored deadlines: derived from the facts by the sources, one record at a time or all at once.

The rules live in the sources (``sources.SOURCES``: pure functions of the
facts, asked for a subtree). This module only stores what they return:

- ``refresh({subject type: numbers})`` recomputes the rows of the records
  given (a member, an admission file, a transfer) inside the caller's
  transaction, after locking those records. The signals in ``signals`` call it
  whenever a model the rules read is saved, so every service that writes the
  facts keeps the rows true in the same transaction.
- ``rebuild()`` recomputes every row (``dangbo deadlines --rebuild``); the bulk
  paths (imports, the exchange workbook, the demo builder, a restore) call
  ``rebuild_if_enabled()`` after they wrote.

The rows are derived for one day (``DeadlineStore.derived_on``) and reach
``STORE_DAYS`` ahead; the radar reads them for any day from that one on whose
horizon they reach (``covering``), and computes the deadlines itself otherwise.
A rebuild moves the window forward: the task worker (``dangbo worker``) asks
``keep_current`` every hour, which builds the store on a new or upgraded
installation and rebuilds it once fewer than ``KEEP_AHEAD_DAYS`` remain (the
window is two years wide and the radar looks one year ahead at most).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import itertools
import logging
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.deadlines import Deadline
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range

from . import sources
from .models import DeadlineStore, OpenDeadline

logger = logging.getLogger(__name__)

# How far ahead of the day they were derived for the rows reach.
STORE_DAYS = 2 * 366
BATCH = 2000

# The records a stored deadline may be derived from, by subject type.
SUBJECT_MODELS: dict[str, str] = {
    "admissions.candidate": "admissions.Candidate",
    "members.member": "members.Member",
    "members.transfer": "members.Transfer",
    # A cell's meetings (``dangbo.meetings.deadlines``): the cell's own row is locked.
    "meetings.cell": "organizations.Organization",
}

Subjects = dict[str, list[int]]


def enabled() -> bool:
    """Whether the writes keep the stored deadlines (``DANGBO_DEADLINE_STORE``)."""
    return bool(getattr(settings, "DANGBO_DEADLINE_STORE", True))


def current() -> DeadlineStore | None:
    """Return the store's window (None: never built, the radar computes everything)."""
    return DeadlineStore.objects.order_by("pk").first()


def covering(today: dt.date, until: dt.date) -> DeadlineStore | None:
    """Return the store when its rows hold the radar of ``today`` up to ``until``, else None."""
    if not enabled():
        return None
    state = current()
    if state is None or not state.derived_on <= today:
        return None
    if until > state.reaches_until:
        logger.warning(
            "Thời hạn lưu sẵn chỉ tính đến ngày %s: radar phải tính trực tiếp. "
            "Chạy «dangbo deadlines --rebuild» để dời khoảng tính.",
            state.reaches_until.strftime("%d/%m/%Y"),
        )
        return None
    return state


def derive(on: dt.date, until: dt.date, only: Subjects | None = None) -> Iterator[Deadline]:
    """Yield what the stored sources compute for the whole tree (or the records of ``only``)."""
    roots = Organization.objects.filter(parent__isnull=True).order_by("path")
    seen: set[tuple] = set()
    for root in roots:
        for fn in sources.stored_sources():
            found = fn(root, on, until) if only is None else fn(root, on, until, only=only)
            for d in found:
                if not d.subject_type or d.subject_id is None:
                    continue  # nothing to recompute it from: not stored
                key = (d.kind, d.subject_type, d.subject_id, d.due_on, d.title, d.detail)
                if key in seen:  # a transfer between two trees is found from both
                    continue
                seen.add(key)
                yield d


# The columns of a stored deadline, in the order ``_row`` gives them.
ROW_FIELDS = (
    "kind", "title", "subject", "organization_id", "other_organization_id", "due_on",
    "shown_until", "shown_from", "is_milestone", "rule", "detail", "late_detail", "url",
    "subject_type", "subject_id",
)  # fmt: skip


def _row(d: Deadline) -> tuple:
    return (
        d.kind, d.title[:300], d.subject[:300], d.organization_id, d.other_organization_id,
        d.due_on, d.shown_until, d.shown_from, d.milestone, d.rule, d.detail, d.late_detail,
        d.url[:300], d.subject_type, d.subject_id,
    )  # fmt: skip


def _insert(found: Iterable[Deadline]) -> int:
    """Write the rows of ``found`` as plain rows (COPY on PostgreSQL, ``core.bulk``): a whole
    rebuild writes tens of thousands, which model instances and ``bulk_create`` made slow.

    By batches: ``found`` reads the database as it goes, which it cannot do during a COPY."""
    from dangbo.core.bulk import insert_rows

    rows = map(_row, found)
    count = 0
    while batch := list(itertools.islice(rows, BATCH)):
        count += insert_rows(OpenDeadline, ROW_FIELDS, batch)
    return count


def _lock_table() -> None:
    """Keep other writers of the rows waiting until this transaction ends (PostgreSQL).

    SQLite writes one transaction at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{OpenDeadline._meta.db_table}" IN EXCLUSIVE MODE')


@transaction.atomic
def rebuild(on: dt.date | None = None) -> int:
    """Recompute every stored deadline for ``on`` (today by default); return how many rows."""
    on = on or timezone.localdate()
    until = on + dt.timedelta(days=STORE_DAYS)
    _lock_table()
    OpenDeadline.objects.all()._raw_delete(OpenDeadline.objects.db)
    count = _insert(derive(on, until))
    DeadlineStore.objects.all().delete()
    DeadlineStore.objects.create(derived_on=on, reaches_until=until, rebuilt_at=timezone.now())
    logger.info("Đã tính lại %s thời hạn (ngày %s)", count, on)
    return count


# The window is moved forward once fewer days than this remain ahead of today: the radar looks
# at most a year ahead, so it always reads stored rows, and the rebuild runs about once a year.
KEEP_AHEAD_DAYS = 400


def keep_current(today: dt.date | None = None) -> int | None:
    """Build the store when it was never built, or move its window forward when fewer than
    ``KEEP_AHEAD_DAYS`` remain (the task worker asks this every hour); return the rows written,
    or None when nothing had to be done."""
    if not enabled():
        return None
    today = today or timezone.localdate()
    state = current()
    if state is not None and state.reaches_until >= today + dt.timedelta(days=KEEP_AHEAD_DAYS):
        return None
    return rebuild(today)


def rebuild_if_enabled(on: dt.date | None = None) -> int | None:
    """``rebuild`` after a bulk write, when the store is in use (``enabled``)."""
    if not enabled():
        return None
    return rebuild(on)


def refresh(subjects: Subjects) -> None:
    """Recompute the stored deadlines of the records in ``subjects`` ({type: numbers}).

    Runs inside the caller's transaction (the facts it just wrote are seen),
    after locking the records in number order, so two writers of one record's
    facts leave the rows of the last one. Does nothing before the first build.
    """
    subjects = {t: sorted({int(i) for i in ids if i is not None}) for t, ids in subjects.items()}
    subjects = {t: ids for t, ids in subjects.items() if ids}
    if not subjects or not enabled():
        return
    state = current()
    if state is None:
        return
    with transaction.atomic():
        for subject_type, ids in sorted(subjects.items()):
            model = apps.get_model(SUBJECT_MODELS[subject_type])
            list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        for subject_type, ids in subjects.items():
            OpenDeadline.objects.filter(subject_type=subject_type, subject_id__in=ids).delete()
        _insert(derive(state.derived_on, state.reaches_until, only=subjects))


def changed(subjects: Subjects) -> None:
    """The facts of these records changed: recompute their rows now, or at the end of the
    ``deferred()`` block in force."""
    collected = _deferred.get()
    if collected is None:
        refresh(subjects)
        return
    for subject_type, ids in subjects.items():
        collected.setdefault(subject_type, set()).update(i for i in ids if i is not None)


def changed_everywhere() -> None:
    """A fact many records read changed (a working calendar, a setting): recompute every row,
    now or at the end of the ``deferred()`` block in force."""
    collected = _deferred.get()
    if collected is None:
        refresh_all()
    else:
        collected.setdefault("*", set())


def refresh_all() -> None:
    """Recompute every row for the store's day (a change that touches many records: a
    working calendar, a setting)."""
    if not enabled():
        return
    state = current()
    if state is not None:
        rebuild(state.derived_on)


def rebuild_subtree(org: Organization) -> int:
    """Recompute the stored deadlines of the records of ``org``'s subtree (those stored there now
    and those the sources find there); return how many rows they have now."""
    state = current()
    if state is None:
        return rebuild()
    subjects: dict[str, set[int]] = {}
    with transaction.atomic():
        stored = OpenDeadline.objects.filter(
            path_range(org.path, "organization__path")
            | path_range(org.path, "other_organization__path")
        ).values_list("subject_type", "subject_id")
        for subject_type, subject_id in stored:
            subjects.setdefault(subject_type, set()).add(subject_id)
        for fn in sources.stored_sources():
            for d in fn(org, state.derived_on, state.reaches_until):
                if d.subject_type and d.subject_id is not None:
                    subjects.setdefault(d.subject_type, set()).add(d.subject_id)
        wanted = {t: sorted(ids) for t, ids in subjects.items()}
        refresh(wanted)
        return sum(
            OpenDeadline.objects.filter(subject_type=t, subject_id__in=ids).count()
            for t, ids in wanted.items()
        )


_deferred: contextvars.ContextVar[Deferred | None] = contextvars.ContextVar(
    "deadlines_deferred", default=None
)


class Deferred(dict):
    """The records saved in a ``deferred()`` block ({subject type: numbers})."""

    cancelled = False
    rebuild_all = False  # everything is recomputed at the end: nothing to collect

    def cancel(self) -> None:
        """Recompute nothing at the end (nothing was kept: a check, a dry run)."""
        self.cancelled = True


def deferred_subjects() -> Deferred | None:
    """The records saved while ``deferred()`` is in force (None: not deferred)."""
    return _deferred.get()


@contextlib.contextmanager
def deferred(*, rebuild_all: bool = False, on: dt.date | None = None):
    """Write many records without recomputing each one's deadlines at each save; at the end,
    recompute those of the records saved (or, with ``rebuild_all``, every row: for the bulk
    paths that write without saving models, COPY and ``bulk_create``). Nothing is recomputed
    when the block fails or calls ``cancel()`` on what it is given."""
    collected = Deferred()
    collected.rebuild_all = rebuild_all
    token = _deferred.set(collected)
    try:
        yield collected
    finally:
        _deferred.reset(token)
    if collected.cancelled:
        return
    if collected.rebuild_all or "*" in collected:
        rebuild_if_enabled(on)
    else:
        refresh({t: list(ids) for t, ids in collected.items()})
