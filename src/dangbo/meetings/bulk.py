"""Recording many cells' meetings in one request (a month's reports of a whole province).

Each item is checked by the same rules as ``services.record_meeting`` and answered on its own:
the meeting written (or the one a resend of its ``client_key`` already wrote), or its
field-level refusals; an item refused writes nothing and does not stop the others. Items are
written in chunks of ``CHUNK``, each in its own transaction with its cells locked: what the
checks read (the client keys and the month's meetings already written, each cell's list of
members on the day, the rubric in force) is read once per chunk, each item is checked in memory
(an item with its attendance list, points or chair by ``services.check_meeting`` itself), and
the chunk's meetings, attendance, scores and one compact audit entry per meeting go in with one
COPY (PostgreSQL) or one prepared INSERT (SQLite) per table (``core.bulk``); the chunk's cells'
stored deadlines are recomputed once, at its end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audited_fields, compact_snapshot
from dangbo.core.bulk import insert_objects, insert_rows, reserve_ids
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.deadlines import store as deadline_store
from dangbo.members.models import Member
from dangbo.organizations.models import CELL_KINDS, Organization
from dangbo.organizations.selectors import path_range

from . import rules, selectors, services
from .deadlines import CELL_SUBJECT
from .models import Attendance, Meeting, Score

CHUNK = 1000
# The fields of one item, as ``services.record_meeting`` takes them (members by their number).
PLAIN_FIELDS = ("kind", "held_on", "start_time", "end_time", "place", "topic", "content",
                "conclusions", "resolution_number", "documents", "documents_sent_at", "guests",
                "self_level", "self_scored_on", "level_only", "counted_count", "present_count",
                "client_key")  # fmt: skip


@dataclass
class ItemResult:
    index: int
    meeting: Meeting | None = None
    created: bool = False
    findings: list[rules.Finding] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _is_simple(item: dict) -> bool:
    """Whether the item carries nothing a per-person check must read (the fast path)."""
    return not (item.get("attendance") or item.get("self_points") or item.get("chair_id")
                or item.get("minute_taker_id"))  # fmt: skip


def record_meetings(*, actor, org: Organization, items: Sequence[dict]) -> list[ItemResult]:
    """Record ``items`` (each the single-record payload with ``organization_code``) for cells of
    ``org``'s subtree; return one result per item, in order."""
    results = [ItemResult(i) for i in range(len(items))]
    seen_keys: dict[tuple[str, str], int] = {}  # (cell code, client key) -> first item
    for start in range(0, len(items), CHUNK):
        _chunk(actor, org, items, results, range(start, min(start + CHUNK, len(items))),
               seen_keys)  # fmt: skip
    return results


def _chunk(actor, org, items, results, indexes, seen_keys) -> None:
    today = timezone.localdate()
    codes = {items[i].get("organization_code") for i in indexes}
    cells = {
        c.code: c for c in Organization.objects.filter(path_range(org.path), code__in=codes)
    }  # fmt: skip
    # The cells' deadlines (the radar) are recomputed once, for all the chunk's cells, at the
    # end of its transaction; nothing when it fails.
    with transaction.atomic(), deadline_store.deferred():
        if connection.features.has_select_for_update:
            # One writer per cell, as for one meeting: every row locked, not only the first.
            # (SQLite has no row locks: its transaction holds the database's write lock.)
            list(
                Organization.objects.select_for_update()
                .filter(pk__in=[c.pk for c in cells.values()])
                .values_list("pk", flat=True)
            )
        # What the checks read, under the cells' locks: the keys already written, the
        # months' meetings.
        existing, month_kinds = _written(items, indexes, cells)
        _items(actor, org, items, results, indexes, seen_keys, cells, existing, month_kinds,
               today)  # fmt: skip


def _written(items, indexes, cells):
    """The meetings of the chunk's cells already written: by client key, and the kinds of each
    month the chunk names (one query each)."""
    keyed = [(cells[items[i]["organization_code"]].pk, items[i]["client_key"])
             for i in indexes
             if items[i].get("client_key") and items[i].get("organization_code") in cells]  # fmt: skip
    existing: dict[tuple[int, str], Meeting] = {}
    if keyed:
        wanted = set(keyed)
        for m in Meeting.objects.filter(
            organization_id__in={k[0] for k in keyed}, client_key__in={k[1] for k in keyed}
        ).select_related("organization"):
            if (m.organization_id, m.client_key) in wanted:
                existing[(m.organization_id, m.client_key)] = m
    held = [items[i]["held_on"] for i in indexes if isinstance(items[i].get("held_on"), dt.date)]
    month_kinds: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    if held and cells:
        for org_id, on, kind in Meeting.objects.filter(
            organization_id__in=[c.pk for c in cells.values()], voided_at__isnull=True,
            held_on__gte=min(held).replace(day=1),
            held_on__lte=rules.month_end(max(held).year, max(held).month),
        ).values_list("organization_id", "held_on", "kind"):  # fmt: skip
            month_kinds[(org_id, on.year, on.month)].append(kind)
    return existing, month_kinds


def _items(actor, org, items, results, indexes, seen_keys, cells, existing, month_kinds,
           today) -> None:  # fmt: skip
    # An item with its attendance list, points or chair is checked against the lists of
    # members and the rubrics read once for the chunk (``selectors.listed_on``, ``rubrics_on``).
    full = [(cells[items[i]["organization_code"]], items[i]) for i in indexes
            if not _is_simple(items[i]) and items[i].get("organization_code") in cells]  # fmt: skip
    listed = selectors.listed_on((cell.pk, item["held_on"]) for cell, item in full)
    rubrics = selectors.rubrics_on((cell, item["held_on"]) for cell, item in full
                                   if item.get("self_points"))  # fmt: skip
    people = _people(full)
    pending: list[_Pending] = []
    copies: list[tuple[ItemResult, ItemResult]] = []
    for i in indexes:
        item, result = items[i], results[i]
        cell = cells.get(item.get("organization_code"))
        if cell is None or cell.kind not in CELL_KINDS:
            result.errors = {"organization_code": [
                f"Không có chi bộ mã «{item.get('organization_code')}» trong phạm vi "
                f"{org.name}."
            ]}  # fmt: skip
            continue
        key = item.get("client_key") or None
        if key:
            if (cell.code, key) in seen_keys:  # the same entry twice in one request
                copies.append((result, results[seen_keys[(cell.code, key)]]))
                continue
            seen_keys[(cell.code, key)] = i
            if (cell.pk, key) in existing:
                result.meeting = existing[(cell.pk, key)]
                continue
        checked = None
        if _is_simple(item):
            meeting = _checked(cell, item, result, today)
        else:
            at = (cell.pk, item["held_on"])
            checked = _checked_full(cell, item, result, today, listed[at], rubrics.get(at), people)
            meeting = checked.meeting if checked is not None else None
        if meeting is None:
            continue
        kinds = month_kinds[(cell.pk, meeting.held_on.year, meeting.held_on.month)]
        kinds.append(meeting.kind)
        found = [f for f in rules.regular_meeting_findings(meeting.held_on.year,
                                                           meeting.held_on.month, kinds)
                 if f.code == "REGULAR_TWICE"]  # fmt: skip
        count = (_count(meeting) if checked is None or meeting.level_only
                 else rules.attendance_count(m.status for m in checked.marks.values()))  # fmt: skip
        found += [f for f in selectors.meeting_findings(meeting, today=today, count=count)
                  if f.code != "CONFIRMATION_LATE"]  # fmt: skip
        pending.append(_Pending(result, meeting, found, item, checked))
    _flush(actor, pending)
    for result, first in copies:  # answered as the first, once that one is written
        result.meeting, result.errors = first.meeting, first.errors


@dataclass
class _Pending:
    result: ItemResult
    meeting: Meeting
    found: list[rules.Finding]
    item: dict
    checked: services.Checked | None  # None: an item of figures and level only


def _people(full: list[tuple[Organization, dict]]) -> dict[int, Member]:
    """The members the chunk's items name (attendance, chair, minute-taker), by number."""
    ids: set[int] = set()
    for _, item in full:
        ids.update(m["member_id"] for m in item.get("attendance") or ())
        ids.update(i for i in (item.get("chair_id"), item.get("minute_taker_id")) if i)
    found: dict[int, Member] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 5000):  # within every database's count of parameters
        for member in Member.objects.filter(pk__in=wanted[start : start + 5000]).only(
            "id", "full_name"
        ):  # fmt: skip
            found[member.pk] = member
    return found


def _checked_full(cell: Organization, item: dict, result: ItemResult, today: dt.date,
                  listed: selectors.Listed, rubric, people: dict[int, Member],
                  ) -> services.Checked | None:  # fmt: skip
    """Check an item with its attendance list, points or chair by ``services.check_meeting``
    (the single record's checks) against the cell's list that day and the rubric in force;
    return what to write, or None with the item's errors set."""
    ids = {m["member_id"] for m in item.get("attendance") or ()}
    ids |= {i for i in (item.get("chair_id"), item.get("minute_taker_id")) if i}
    stray = ids - listed.ids
    if stray:
        result.errors = {"attendance": [
            f"Đảng viên số {min(stray)} không có trong danh sách của chi bộ ngày "
            f"{fmt_date(item['held_on'])}: không điểm danh được."
        ]}  # fmt: skip
        return None
    data: dict[str, Any] = {k: item[k] for k in PLAIN_FIELDS if k in item}
    try:
        return services.check_meeting(
            cell=cell, today=today,
            attendance=[services.Mark(people[m["member_id"]], m["status"], m.get("reason", ""))
                        for m in item.get("attendance") or ()],
            chair=people.get(item.get("chair_id") or 0),
            minute_taker=people.get(item.get("minute_taker_id") or 0),
            self_points=item.get("self_points"), roll_of=lambda: listed,
            rubric_of=lambda: rubric, in_db=False, **data,
        )  # fmt: skip
    except ValidationError as exc:
        result.errors = _errors_of(exc)
        return None


def _count(meeting: Meeting) -> rules.AttendanceCount:
    if meeting.level_only:
        return rules.AttendanceCount(meeting.counted_count or 0, meeting.present_count or 0,
                                     0, 0, 0)  # fmt: skip
    return rules.AttendanceCount(0, 0, 0, 0, 0)


def _checked(cell: Organization, item: dict, result: ItemResult, today: dt.date) -> Meeting | None:
    """Check a figures-and-level item by ``services.record_meeting``'s rules; return the meeting
    to write, or None with the item's errors set."""
    held_on = item["held_on"]
    errors = services._header_errors(cell, item["kind"], held_on, item.get("start_time"),
                                     item.get("end_time"), today)  # fmt: skip
    self_level = item.get("self_level") or ""
    if item.get("level_only"):
        errors.update(services._level_only_errors((), self_level, item.get("counted_count"),
                                                  item.get("present_count")))  # fmt: skip
    else:
        counted, present = item.get("counted_count"), item.get("present_count")
        if counted is not None and present is not None and present > counted:
            errors["present_count"] = services.PRESENT_ABOVE_COUNTED
        if self_level and self_level not in services.LEVELS:
            errors["self_level"] = "Xếp loại không hợp lệ."
    scored_on = item.get("self_scored_on")
    if self_level and scored_on is None:
        scored_on = held_on
    if not errors and scored_on is not None and scored_on < held_on:
        errors["self_scored_on"] = "Ngày thông qua điểm không thể trước ngày sinh hoạt."
    if errors:
        result.errors = {k: [v] for k, v in errors.items()}
        return None
    sent = item.get("documents_sent_at")
    if sent is not None and timezone.is_naive(sent):
        sent = timezone.make_aware(sent)
    return Meeting(
        organization=cell, kind=item["kind"], held_on=held_on,
        start_time=item.get("start_time"), end_time=item.get("end_time"),
        place=(item.get("place") or "").strip(), topic=(item.get("topic") or "").strip(),
        content=(item.get("content") or "").strip(),
        conclusions=(item.get("conclusions") or "").strip(),
        resolution_number=(item.get("resolution_number") or "").strip(),
        documents=(item.get("documents") or "").strip(), documents_sent_at=sent,
        guests=(item.get("guests") or "").strip(), level_only=bool(item.get("level_only")),
        counted_count=item.get("counted_count"), present_count=item.get("present_count"),
        self_level=self_level, self_scored_on=scored_on if self_level else None,
        level=self_level, client_key=item.get("client_key") or None,
    )  # fmt: skip


def _flush(actor, pending: list[_Pending]) -> None:
    """Write the chunk's meetings, their attendance, scores and audit entries: numbers
    reserved, then one COPY (PostgreSQL) or one prepared INSERT (SQLite) per table."""
    if not pending:
        return
    now = timezone.now()
    meetings = [p.meeting for p in pending]
    for meeting, pk in zip(meetings, reserve_ids(Meeting, len(meetings)), strict=True):
        meeting.pk = pk
        meeting.created_at = meeting.updated_at = now
    try:
        with transaction.atomic():
            insert_objects(Meeting, meetings)
    except IntegrityError:
        # Another request wrote one of these client keys meanwhile: one at a time, each
        # answered with what is there now.
        for p in pending:
            p.meeting.pk = None
            if p.checked is None:
                _one_written(actor, p.meeting, p.result, p.found)
            else:
                _one(actor, p.meeting.organization, p.item, p.result)
        return
    full = [p for p in pending if p.checked is not None]
    if full:
        insert_rows(Attendance, ATTENDANCE_FIELDS, (
            (p.meeting.pk, pk, m.status, m.reason.strip(), pk in p.checked.roll.transferred_in)
            for p in full for pk, m in p.checked.marks.items()
        ))  # fmt: skip
        insert_rows(Score, SCORE_FIELDS, (
            (p.meeting.pk, c.pk, points, None)
            for p in full if p.checked.points
            for c, points in zip(p.meeting.rubric.criteria.all(), p.checked.points, strict=True)
        ))  # fmt: skip
    insert_rows(AuditEntry, AUDIT_FIELDS, (_entry(actor, p.meeting, p.found, now, p.checked)
                                           for p in pending))  # fmt: skip
    # The cells' deadlines are recomputed at the end of the chunk (``store.deferred``).
    deadline_store.changed({CELL_SUBJECT: list({m.organization_id for m in meetings})})
    for p in pending:
        p.meeting._state.adding, p.meeting._state.db = False, Meeting.objects.db
        p.result.meeting, p.result.created, p.result.findings = p.meeting, True, p.found


ATTENDANCE_FIELDS = ("meeting_id", "member_id", "status", "reason", "transferred_in")
SCORE_FIELDS = ("meeting_id", "criterion_id", "self_points", "confirmed_points")
AUDIT_FIELDS = ("at", "actor_id", "action", "target_type", "target_id", "target_repr", "org_path",
                "before", "after", "note")  # fmt: skip
# Kept out of a bulk-recorded meeting's audit entry: the entry's own time and target.
_AUDITED = audited_fields(Meeting)


def _recorded(meeting: Meeting, checked: services.Checked | None = None) -> dict[str, Any]:
    """A bulk-recorded meeting's audit entry: its values that hold something, with its
    attendance and points."""
    entry = compact_snapshot(meeting, _AUDITED)
    entry["attendance"] = {} if checked is None else {
        str(pk): m.status for pk, m in checked.marks.items()
    }  # fmt: skip
    if checked is not None and checked.points:
        entry["self_points"] = [str(p) for p in checked.points]
    return entry


def _entry(actor, meeting: Meeting, found: list[rules.Finding], at: dt.datetime,
           checked: services.Checked | None = None) -> tuple:  # fmt: skip
    return (
        at, actor.pk if getattr(actor, "pk", None) else None, "meetings.recorded",
        Meeting._meta.label_lower, str(meeting.pk), str(meeting)[:300],
        meeting.organization.path or "", None, _recorded(meeting, checked),
        "; ".join(f.text for f in found),
    )  # fmt: skip


def _one_written(actor, meeting: Meeting, result: ItemResult, found) -> None:
    try:
        with transaction.atomic():
            meeting.pk = None
            meeting.save()
            insert_rows(AuditEntry, AUDIT_FIELDS, [_entry(actor, meeting, found, timezone.now())])
    except IntegrityError:
        result.meeting = Meeting.objects.filter(
            organization=meeting.organization, client_key=meeting.client_key
        ).first()
        return
    result.meeting, result.created, result.findings = meeting, True, found


def _one(actor, cell: Organization, item: dict, result: ItemResult) -> None:
    """An item with its attendance list or points, when its chunk could not be written at once:
    ``services.record_meeting`` in a savepoint."""
    data: dict[str, Any] = {k: item[k] for k in PLAIN_FIELDS if k in item}
    started = timezone.now()
    try:
        with transaction.atomic():
            roll = {m.pk: m for m in selectors.roll_of(cell, item["held_on"]).members}
            ids = {m["member_id"] for m in item.get("attendance") or ()}
            ids |= {i for i in (item.get("chair_id"), item.get("minute_taker_id")) if i}
            stray = ids - set(roll)
            if stray:
                raise DomainError({"attendance": (
                    f"Đảng viên số {min(stray)} không có trong danh sách của chi bộ ngày "
                    f"{fmt_date(item['held_on'])}: không điểm danh được."
                )})  # fmt: skip
            done = services.record_meeting(
                actor=actor, cell=cell,
                attendance=[services.Mark(roll[m["member_id"]], m["status"], m.get("reason", ""))
                            for m in item.get("attendance") or ()],
                chair=roll.get(item.get("chair_id") or 0),
                minute_taker=roll.get(item.get("minute_taker_id") or 0),
                self_points=item.get("self_points"), **data,
            )  # fmt: skip
    except ValidationError as exc:
        result.errors = _errors_of(exc)
        return
    # A key already written was answered before this call; one written meanwhile by another
    # request comes back without findings, as the existing meeting.
    result.meeting, result.findings = done.meeting, done.findings
    result.created = done.meeting.created_at >= started
