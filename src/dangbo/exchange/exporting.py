"""Writing the exchange workbook of a subtree.

What goes in: every organization now under the root ("Trong phạm vi"), every
member who has an event, a position or their current membership there (and
the own record of each user holding a role there), with all their events and
positions; the users holding a role there or linked to one of those members,
and the roles held there. Every organization these
records name (a parent at any time, a cell a member came from or went to, the
other side of a merge, the orgs on the path of a past position) is added as
"Tham chiếu" with its own rows and history, and so on until nothing new is
named: an empty installation can rebuild a consistent tree from the file.

A member who has left the subtree (now held by an organization outside it)
carries only what the subtree held when they left: the events up to the day
they left, the positions held inside the subtree, the records of the modules
dated up to that day, the status, cell and dates those events give, and no
personal data (``members.models.PERSONAL_FIELDS``: the registry keeps no
history of them, so what is there now may have been recorded since).

The file depends only on the records: rows are sorted by codes, keys and
dates (rows equal on those keep their order of entry), days rather than
moments are written, and the workbook's stamp is the export day. Exporting
the same data on the same day gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import heapq
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dangbo.accounts.models import RoleAssignment
from dangbo.admissions.models import Recognition
from dangbo.awards.models import BadgeAward
from dangbo.core.exports import file_slug
from dangbo.core.xlsx import Column, Sheet, write_workbook
from dangbo.members import rules as member_rules
from dangbo.members.models import (
    PERSONAL_FIELDS,
    Member,
    MemberEvent,
    MemberState,
    Position,
    Transfer,
)
from dangbo.organizations.models import Organization, OrgEvent, TreePosition
from dangbo.organizations.selectors import path_range

from . import rows as R
from .format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    INFO,
    INFO_KEYS,
    ROWS_KEY_PREFIX,
    SHEETS,
    SheetSpec,
)
from .records import RECORD_SHEETS
from .records.base import MEMBER, ORGANIZATION, Lookup, RecordSheet

CELL_KINDS = {"date": "date", "int": "int", "decimal": "decimal", "bool": "bool"}
# Rows written between two progress reports.
PROGRESS_EVERY = 2000
# The rows of the "Thông tin" sheet: its values, then the rows of each other sheet.
INFO_ROWS = len(INFO_KEYS) + len(SHEETS) - 1


def exchange_filename(org: Organization, on: dt.date) -> str:
    """Return e.g. "trao-doi-DB1-2026-11-23.xlsx"."""
    return f"trao-doi-{file_slug(org.code)}-{on:%Y-%m-%d}.xlsx"


def _scope(root: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path_range(root.path))


def _members(root: Organization, in_scope: QuerySet) -> QuerySet[Member]:
    linked = (
        Q(organization__in=in_scope)
        | Exists(MemberEvent.objects.filter(member=OuterRef("pk"), organization__in=in_scope))
        | Exists(Position.objects.filter(member=OuterRef("pk"), organization__in=in_scope))
        # The own record of a user who holds a role here (the user's row names it).
        | Exists(RoleAssignment.objects.filter(user=OuterRef("user_id"), organization__in=in_scope))
    )
    if root.parent_id is None:
        # The top of a tree also carries the members no organization names at all.
        linked |= Q(organization__isnull=True) & ~Exists(
            MemberEvent.objects.filter(member=OuterRef("pk"), organization__isnull=False)
        )
    return Member.objects.filter(linked)


# The day a module's record of a member was made, for the members who have left: a record
# dated after they left is not the subtree's. A member's record of a kind not listed here
# is left out for them.
RECORDED_ON: dict[type, str] = {
    BadgeAward: "occasion_on",
    Recognition: "probation_ends_on",
    Transfer: "triggered_on",
}


def _departures(root: Organization, members: QuerySet, in_scope: QuerySet) -> dict[int, Any]:
    """The members now held outside the subtree: the day each left it (None: never in it).

    A member belonged to the subtree while the cell of their period lay under ``root``
    in the tree of that time (a cell moved away takes its members with it).
    """
    gone = list(
        members.filter(organization__isnull=False)
        .exclude(organization__in=in_scope)
        .values_list("pk", flat=True)
    )
    if not gone:
        return {}
    root_spans = list(
        TreePosition.objects.filter(organization=root).values_list(
            "path", "valid_from", "valid_until"
        )
    )
    states = list(
        MemberState.objects.filter(member_id__in=gone, organization__isnull=False).values_list(
            "member_id", "organization_id", "valid_from", "valid_until"
        )
    )
    spans: dict[int, list[tuple]] = {}
    for org_id, path, start, until in TreePosition.objects.filter(
        organization_id__in={s[1] for s in states}
    ).values_list("organization_id", "path", "valid_from", "valid_until"):
        spans.setdefault(org_id, []).append((path, start, until))
    left: dict[int, Any] = dict.fromkeys(gone)
    for member_id, org_id, start, until in states:
        for path, p_start, p_until in spans.get(org_id, ()):
            for r_path, r_start, r_until in root_spans:
                ends = [d for d in (until, p_until, r_until) if d is not None]
                if not path.startswith(r_path) or not ends:
                    continue
                begin, end = max(start, p_start, r_start), min(ends)
                if begin < end and (left[member_id] is None or end > left[member_id]):
                    left[member_id] = end  # the first day outside (the event that moved them)
    return left


def _kept(ids: dict[str, Any], day: Any, owner_fields: list[str], left: dict[int, Any]) -> bool:
    """Whether a member's record goes with the file: always for a member still here, for one
    who has left only when it was made (``day``) by the day they left. ``ids``: the record's
    reference ids by field (``member_id``...)."""
    for name in owner_fields:
        member_id = ids[f"{name}_id"]
        if member_id in left:
            return left[member_id] is not None and day is not None and day <= left[member_id]
    return True


def _derived(events: list[MemberEvent], member: Member) -> dict[str, Any]:
    """Status, cell and dates as the events kept give them (the import derives the same)."""
    records = [
        member_rules.Event(e.kind, e.happened_on, e.organization_id, seq=e.pk,
                           label=e.get_kind_display(), ceremony_on=e.ceremony_on)
        for e in events if e.voided_at is None
    ]  # fmt: skip
    exception = bool((member.admission_age_exception or "").strip())
    states = (
        member_rules.derive_states(
            records, date_of_birth=member.date_of_birth, age_exception=exception
        )
        if records
        else []
    )
    current = states[-1] if states else None
    admitted, official = member_rules.admission_dates(records)
    return {
        "status": current.status if current else "",
        "organization_id": current.organization_id if current else None,
        "admitted_on": admitted,
        "official_on": official,
    }


def _closure(scope_ids: set[int], named: set[int]) -> set[int]:
    """Every organization the records name, with what their own history names, transitively."""
    known = set(scope_ids) | {i for i in named if i}
    todo = set(known)
    while todo:
        batch, todo = todo, set()
        found: set[int] = set()
        for parent_id, path in TreePosition.objects.filter(organization_id__in=batch).values_list(
            "parent_id", "path"
        ):
            found.add(parent_id)
            found.update(R.path_ids(path))
        found.update(
            OrgEvent.objects.filter(organization_id__in=batch).values_list("related_id", flat=True)
        )
        for parent_id, path in Organization.objects.filter(pk__in=batch).values_list(
            "parent_id", "path"
        ):
            found.add(parent_id)
            found.update(R.path_ids(path))
        found.discard(None)
        todo = found - known
        known |= todo
    return known


def _records(
    in_scope: QuerySet, members: QuerySet, left: dict[int, Any], above: list[int]
) -> tuple[dict[str, array], dict[str, set[int]]]:
    """The ids of the records of each record sheet: those of the members, organizations,
    parent records here (of a member who has left, those made by the day they left); for a
    sheet whose records the subtree uses from above (a rubric in force), those of the
    organizations ``above`` too. And the ids of the members (``MEMBER``) and organizations
    (``ORGANIZATION``) these records name.

    Only ids are read here (a compact array per sheet): the records themselves are read
    again, in chunks, as their sheet is written.
    """
    found: dict[str, array] = {}
    named: dict[str, set[int]] = {MEMBER: set(), ORGANIZATION: set()}
    for sheet in RECORD_SHEETS:
        query = Q(pk__in=[])
        for ref in sheet.owner_refs():
            if ref.to == MEMBER:
                query |= Q(**{f"{ref.field}__in": members})
            elif ref.to == ORGANIZATION:
                query |= Q(**{f"{ref.field}__in": in_scope})
                if sheet.from_above:
                    query |= Q(**{f"{ref.field}_id__in": above})
            else:
                query |= Q(**{f"{ref.field}_id__in": list(found[ref.to])})
        owners = [ref.field for ref in sheet.owner_refs() if ref.to == MEMBER]
        ref_fields = [f"{ref.field}_id" for ref in sheet.refs]
        recorded = RECORDED_ON.get(sheet.model)
        fields = ["pk", *ref_fields, *([recorded] if recorded else [])]
        kept = found[sheet.key_name] = array("q")
        records = sheet.model.objects.filter(query).order_by("pk").values_list(*fields)
        for values in records.iterator(chunk_size=CHUNK_ROWS):
            ids = dict(zip(ref_fields, values[1:], strict=False))
            day = values[-1] if recorded else None
            if owners and not _kept(ids, day, owners, left):
                continue
            kept.append(values[0])
            for ref in sheet.refs:
                if ref.to in named:
                    named[ref.to].add(ids[f"{ref.field}_id"])
    for ids in named.values():
        ids.discard(None)
    return found, named


def _sortable(key: tuple) -> tuple:
    return tuple((v is None, "" if v is None else v) for v in key)


# The rows of a record sheet sorted in memory at a time; a longer sheet is sorted in runs
# of this many rows, kept in a temporary file, and merged as it is written.
RUN_ROWS = 50_000
# Rows pickled together in a run's file.
RUN_BLOCK = 1000


def _spill(items: list[tuple]) -> IO[bytes]:
    """A sorted run written to a temporary file, in blocks."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed once merged)
    for at in range(0, len(items), RUN_BLOCK):
        pickle.dump(items[at : at + RUN_BLOCK], handle, protocol=pickle.HIGHEST_PROTOCOL)
    handle.seek(0)
    return handle


def _unspill(handle: IO[bytes]) -> Iterator[tuple]:
    with handle:
        while True:
            try:
                block = pickle.load(handle)
            except EOFError:
                return
            yield from block


def _run_key(item: tuple) -> tuple:
    return item[:2]


def _record_rows(
    found: dict[str, array], uids: dict[int, str], codes: dict[int, str]
) -> dict[str, Callable[[], Iterable[dict[str, Any]]]]:
    """The rows of each record sheet, by its records' natural key (then their ids), made as
    the sheet is written: its records read in chunks, sorted in runs (``RUN_ROWS``) merged
    from temporary files. What stays between sheets is the naming key of each record another
    sheet names (a meeting, for its attendance)."""
    by_key = {s.key_name: s for s in RECORD_SHEETS}
    referenced = {ref.to for s in RECORD_SHEETS for ref in s.refs if ref.is_record}
    names: dict[str, dict[int, tuple]] = {name: {} for name in referenced}

    def key_of(name: str, pk: int) -> tuple:
        cache = names[name]
        if pk not in cache:  # a record named before its sheet is written
            sheet = by_key[name]
            obj = sheet.model.objects.select_related(*sheet.select_related).get(pk=pk)
            cache[pk] = sheet.naming_key_of(sheet.to_row(obj, lookup))
        return cache[pk]

    lookup = Lookup(uid_of=uids.__getitem__, code_of=codes.__getitem__, key_of=key_of)

    def sheet_rows(sheet: RecordSheet) -> Iterator[dict[str, Any]]:
        name = sheet.key_name
        keys = [c.key for c in sheet.spec.columns]
        cache = names.get(name)
        runs: list[IO[bytes]] = []
        batch: list[tuple] = []
        try:
            for chunk in _in_chunks(found[name]):
                query = sheet.model.objects.filter(pk__in=chunk).order_by("pk")
                if sheet.select_related:
                    query = query.select_related(*sheet.select_related)
                for obj in query:
                    row = sheet.to_row(obj, lookup)
                    if cache is not None:
                        cache[obj.pk] = sheet.naming_key_of(row)
                    values = tuple(row.get(k) for k in keys)
                    batch.append((_sortable(sheet.key_of(row)), obj.pk, values))
                if len(batch) >= RUN_ROWS:
                    batch.sort(key=_run_key)
                    runs.append(_spill(batch))
                    batch = []
            batch.sort(key=_run_key)
            if runs:
                merged = heapq.merge(*(_unspill(r) for r in runs), batch, key=_run_key)
            else:
                merged = iter(batch)
            for _, _, values in merged:
                yield dict(zip(keys, values, strict=True))
        finally:
            for handle in runs:
                handle.close()

    return {s.key_name: (lambda s=s: sheet_rows(s)) for s in RECORD_SHEETS}


# Rows fetched from the database at a time while a long sheet is written.
CHUNK_ROWS = 2000
# Ids sent in one ``IN (...)`` list.
IDS_PER_QUERY = 5000


def _text_order(name: str):
    """Order by a text column as Python compares strings (by code point), on any database:
    PostgreSQL compares text by the database's collation unless told "C"."""
    from django.db import connection
    from django.db.models import F
    from django.db.models.functions import Collate

    if connection.vendor == "postgresql":
        return Collate(name, "C").asc()
    return F(name).asc()


def _in_chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(ids)
    for at in range(0, len(ids), IDS_PER_QUERY):
        yield ids[at : at + IDS_PER_QUERY]


def _uids_of(ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _in_chunks(ids):
        found.update(
            (pk, R.uid_text(uid))
            for pk, uid in Member.objects.filter(pk__in=chunk).values_list("pk", "uid")
        )
    return found


@dataclass
class ExchangeContent:
    """What the exchange workbook of ``root`` on ``on`` holds: the rows of each sheet.

    ``sheets`` gives the rows of a sheet (column key → value), in file order, as an
    iterable that fetches them from the database as it goes: the long sheets (members,
    their events and positions, users) are never held whole. ``rows`` counts the rows of
    each sheet as they are written; ``counts`` names them by sheet title.
    """

    root: Organization
    on: dt.date
    sheets: dict[str, Callable[[], Iterable[dict[str, Any]]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    # The rows each sheet will have, counted in the database before writing (progress).
    expected: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {spec.title: self.rows.get(spec.key, 0) for spec in SHEETS[1:]}

    def rows_of(self, key: str) -> Iterable[dict[str, Any]]:
        source = self.sheets.get(key)
        return source() if source is not None else ()


def collect(root: Organization, *, on: dt.date | None = None) -> ExchangeContent:
    """Plan the rows of the exchange workbook of ``root``'s subtree.

    What holds across sheets (the organizations the records name, the members who have
    left, the module records) is worked out here with set-based queries and id sets;
    the long sheets are read from the database in chunks as they are written.
    """
    on = on or timezone.localdate()
    content = ExchangeContent(root=root, on=on)
    in_scope = _scope(root)
    scope_ids = set(in_scope.values_list("pk", flat=True))
    members = _members(root, in_scope)
    left = _departures(root, members, in_scope)
    above = [pk for pk in R.path_ids(root.path) if pk != root.pk]
    records, named_by_records = _records(in_scope, members, left, above)
    # The members the records name (an introducer, a mentor) come with the file.
    named_members = named_by_records[MEMBER]
    present: set[int] = set()
    for chunk in _in_chunks(named_members):
        present.update(members.filter(pk__in=chunk).values_list("pk", flat=True))
    extra = named_members - present
    if extra:
        members = Member.objects.filter(Q(pk__in=members.values("pk")) | Q(pk__in=sorted(extra)))
    # Members of elsewhere the records name (an introducer): their history, which makes them
    # the members the records say, but not their personal data.
    elsewhere = set(
        Member.objects.filter(pk__in=sorted(extra), organization__isnull=False)
        .exclude(organization__in=in_scope)
        .values_list("pk", flat=True)
    )
    gone = sorted(left)
    # Of a member who has left: the events up to the day they left, the posts held here.
    events_left: dict[int, list[MemberEvent]] = {}
    for chunk in _in_chunks(gone):
        for e in MemberEvent.objects.filter(member_id__in=chunk):
            if left[e.member_id] is not None and e.happened_on <= left[e.member_id]:
                events_left.setdefault(e.member_id, []).append(e)
    departed: dict[int, dict[str, Any]] = {}
    for chunk in _in_chunks(gone):
        for m in Member.objects.filter(pk__in=chunk):
            departed[m.pk] = _derived(events_left.get(m.pk, []), m)

    staying_events = MemberEvent.objects.filter(member__in=members).exclude(member_id__in=gone)
    kept_positions = Position.objects.filter(member__in=members).filter(
        ~Q(member_id__in=gone) | Q(organization__in=in_scope)
    )
    named: set[int] = set(named_by_records[ORGANIZATION])
    named.update(staying_events.values_list("organization_id", flat=True).distinct())
    named.update(e.organization_id for events in events_left.values() for e in events)
    named.update(kept_positions.values_list("organization_id", flat=True).distinct())
    named.update(members.exclude(pk__in=gone).values_list("organization_id", flat=True).distinct())
    named.update(then["organization_id"] for then in departed.values())
    named.discard(None)
    org_ids = _closure(scope_ids, named)

    orgs = list(Organization.objects.filter(pk__in=org_ids).select_related("sector"))
    codes = {o.pk: o.code for o in orgs}
    names = {o.pk: o.name for o in orgs}

    def chain(org: Organization) -> tuple[str, ...]:
        return tuple(codes[i] for i in R.path_ids(org.path)) or (org.code,)

    orgs.sort(key=chain)
    org_rows = [R.organization_row(o, codes, in_scope=o.pk in scope_ids) for o in orgs]
    sectors = {(o.sector.code, o.sector.name) for o in orgs if o.sector_id}
    sector_rows = [R.sector_row(c, n) for c, n in sorted(sectors)]
    positions = sorted(
        TreePosition.objects.filter(organization_id__in=org_ids),
        key=lambda p: (codes[p.organization_id], p.valid_from, p.pk),
    )
    tree_rows = [R.tree_position_row(p, codes) for p in positions]
    events = sorted(
        OrgEvent.objects.filter(organization_id__in=org_ids),
        key=lambda e: (codes[e.organization_id], e.happened_on, e.pk),
    )
    org_event_rows = [R.org_event_row(e, codes) for e in events]
    del orgs, positions, events

    def member_rows() -> Iterable[dict[str, Any]]:
        query = members.order_by("uid")
        for m in query.iterator(chunk_size=CHUNK_ROWS):
            if m.pk in departed:
                then = departed[m.pk]
                m.status, m.organization_id = then["status"], then["organization_id"]
                m.admitted_on, m.official_on = then["admitted_on"], then["official_on"]
            if m.pk in departed or m.pk in elsewhere:
                for name in PERSONAL_FIELDS:
                    setattr(m, name, None if name == "personal_id_number" else "")
            row = R.member_row(m, codes)
            row["organization_name"] = names.get(m.organization_id, "") if m.organization_id else ""
            yield row

    def member_event_rows() -> Iterable[dict[str, Any]]:
        query = (
            MemberEvent.objects.filter(member__in=members)
            .annotate(member_uid=F("member__uid"))
            .order_by("member__uid", "happened_on", "pk")
        )
        for e in query.iterator(chunk_size=CHUNK_ROWS):
            if e.member_id in left and (
                left[e.member_id] is None or e.happened_on > left[e.member_id]
            ):
                continue
            yield R.member_event_row(e, R.uid_text(e.member_uid), codes)

    def position_rows() -> Iterable[dict[str, Any]]:
        query = (
            kept_positions.annotate(member_uid=F("member__uid"))
            .order_by("member__uid", "started_on", _text_order("title"),
                      _text_order("organization__code"), "pk")
        )  # fmt: skip
        for p in query.iterator(chunk_size=CHUNK_ROWS):
            yield R.position_row(p, R.uid_text(p.member_uid), codes)

    User = get_user_model()
    # Not the account of a member who has left or of a member of elsewhere (its e-mail is
    # theirs), unless it holds a role here.
    users = User.objects.filter(
        Q(roles__organization__in=in_scope)
        | Q(member__in=members.exclude(pk__in=sorted(set(departed) | elsewhere)))
    ).distinct()

    def user_rows() -> Iterable[dict[str, Any]]:
        query = (
            User.objects.filter(pk__in=users.values("pk"))
            .annotate(member_uid=Subquery(Member.objects.filter(user=OuterRef("pk")).values("uid")[:1]))
            .order_by(_text_order("username"))
        )  # fmt: skip
        for u in query.iterator(chunk_size=CHUNK_ROWS):
            yield R.user_row(u, R.uid_text(u.member_uid))

    role_list = list(RoleAssignment.objects.filter(organization_id__in=scope_ids))
    usernames = dict(
        User.objects.filter(pk__in={r.user_id for r in role_list}).values_list("pk", "username")
    )
    role_list.sort(
        key=lambda r: (usernames[r.user_id], R.local_day(r.granted_at), r.granted_at, r.pk)
    )
    role_rows = [R.role_row(r, usernames[r.user_id], codes) for r in role_list]
    del role_list

    fixed = {
        "organizations": org_rows, "sectors": sector_rows, "tree_history": tree_rows,
        "org_events": org_event_rows, "roles": role_rows,
    }  # fmt: skip
    for key, rows in fixed.items():
        content.sheets[key] = lambda rows=rows: rows
        content.expected[key] = len(rows)
    content.sheets.update(_record_rows(records, _uids_of(named_members), codes))
    content.expected.update({key: len(ids) for key, ids in records.items()})
    content.sheets.update({
        "members": member_rows, "member_events": member_event_rows,
        "positions": position_rows, "users": user_rows,
    })  # fmt: skip
    kept_left_events = sum(len(events) for events in events_left.values())
    content.expected.update({
        "members": members.count(),
        "member_events": staying_events.count() + kept_left_events,
        "positions": kept_positions.count(),
        "users": users.count(),
    })  # fmt: skip
    content.sheets["info"] = lambda: _info_rows(content)
    return content


def _info_rows(content: ExchangeContent) -> list[dict[str, Any]]:
    values = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "root_code": content.root.code,
        "root_name": content.root.name,
        "as_of": content.on,
    }
    rows = [{"label": label, "key": key, "value": values[key]} for key, label, _ in INFO_KEYS]
    for spec in SHEETS[1:]:
        rows.append({
            "label": f"Số dòng sheet «{spec.title}»",
            "key": ROWS_KEY_PREFIX + spec.key,
            "value": content.rows.get(spec.key, 0),
        })  # fmt: skip
    return rows


def _cell(value: Any) -> Any:
    return None if value == "" else value


def sheet_of(
    spec: SheetSpec, rows: Iterable[dict[str, Any]], *, filled_last: int | None = None
) -> Sheet:
    columns = [
        Column(c.header, CELL_KINDS.get(c.type, "text"), width=c.width) for c in spec.columns
    ]
    keys = [c.key for c in spec.columns]
    if spec is INFO:
        # The value column holds text, a number and a date: each cell keeps its own kind.
        columns[2] = Column(INFO.columns[2].header, "text", width=INFO.columns[2].width)
    rows = ([_cell(row.get(k)) for k in keys] for row in rows)
    return Sheet(spec.title, columns, rows, filled_last=filled_last)


def _counted(
    key: str,
    content: ExchangeContent,
    progress: Callable[[int], None] | None,
    done: list[int],
) -> Iterable[dict[str, Any]]:
    """Yield the rows of sheet ``key``, counting them in ``content.rows``; tell ``progress``
    the rows written so far every ``PROGRESS_EVERY``."""
    count = 0
    for row in content.rows_of(key):
        yield row
        count += 1
        done[0] += 1
        if progress and done[0] % PROGRESS_EVERY == 0:
            progress(done[0])
    content.rows[key] = count


def write_content(
    content: ExchangeContent,
    target: str | Path | IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the workbook, one sheet after another, each as its rows come from the database.

    The "Thông tin" sheet comes first in the file but is filled last, with the rows each
    sheet was written with. ``progress`` (if given) hears how many rows are written so far.
    """
    stamp = dt.datetime.combine(content.on, dt.time.min)
    done = [0]
    sheets = [
        sheet_of(
            spec,
            _counted(spec.key, content, progress, done),
            filled_last=INFO_ROWS if spec is INFO else None,
        )
        for spec in SHEETS
    ]
    write_workbook(target, sheets, stamp=stamp)
    if progress:
        progress(done[0])


def total_rows(content: ExchangeContent) -> int:
    """The rows the workbook will have (counted before writing), the info sheet's included."""
    return sum(content.expected.values()) + INFO_ROWS


def export_exchange(
    org: Organization,
    target: str | Path | IO[bytes],
    *,
    on: dt.date | None = None,
    actor=None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> ExchangeContent:
    """Write the exchange workbook of ``org``'s subtree to ``target``; return what it holds.

    ``on`` is the day written as the export date and the workbook's stamp
    (default: today in Vietnam time). The export is recorded in the audit log
    (the file carries personal data and accounts). ``progress`` (if given) hears the phase
    ("collect", then "write"), the rows written and the rows in all.
    """
    from dangbo.audit.services import record

    if progress:
        progress("collect", 0, None)
    content = collect(org, on=on)
    total = total_rows(content)
    write_content(
        content,
        target,
        progress=(lambda done: progress("write", done, total)) if progress else None,
    )
    record(
        actor=actor, action="exchange.exported", target=org, org_path=org.path or "",
        after={"as_of": content.on.isoformat(), "rows": content.counts},
    )  # fmt: skip
    return content
