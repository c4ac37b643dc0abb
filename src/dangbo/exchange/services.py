"""Importing an exchange workbook: a restore of records, checked, all or nothing.

Keys: organization code, member UID, username (case-insensitive), sector
code, and for history rows the natural keys of ``format``. For each row:

* absent from the installation: created;
* present and identical: left alone ("unchanged");
* present and different: a conflict, an error. Nothing is overwritten; the
  integrator resolves it and imports again.

Organizations marked "Tham chiếu" and sectors are context, not the file's own
records: if the installation already has them, its version is kept and a
difference is only a warning ("skipped").

An organization already in the installation must match the file with all its
history (tree positions and events): a tree is changed through the
organization services, not by a file. A member, a user already in the
installation may receive new events, positions and roles from the file.

History is written directly, in bulk: tree positions with their paths
rebuilt on this installation's ids from the codes of the file, events as
they are, member states derived again with ``members.rules.derive_states``
and compared with the status, organization and dates the file shows. Any
error and nothing is written; a dry run checks everything (writing inside a
transaction that is rolled back) and keeps nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from dangbo.accounts.models import Module, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import keeps_refusals, snapshot
from dangbo.core import text
from dangbo.core.bulk import insert_rows, reserve_ids
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.models import Code
from dangbo.core.spreadsheets import Issue, SpreadsheetError
from dangbo.deadlines import store as deadline_store
from dangbo.members import lifecycle_rules
from dangbo.members import rules as member_rules
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, MemberState, Position
from dangbo.organizations.models import (
    PATH_SEGMENT_WIDTH,
    Organization,
    OrgEvent,
    Sector,
    TreePosition,
)
from dangbo.quality import rules as quality_rules

from . import rows as R
from .exporting import ExchangeContent, collect, exchange_filename, export_exchange
from .format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    IN_SCOPE,
    MEMBER_EVENTS,
    MEMBERS,
    ORG_EVENTS,
    ORGANIZATIONS,
    POSITIONS,
    REFERENCE,
    ROLES,
    ROWS_KEY_PREFIX,
    SECTORS,
    SHEETS,
    TREE_HISTORY,
    USERS,
    SheetSpec,
)
from .reading import ExchangeData, Row, is_exchange_workbook, read_exchange
from .records import RECORD_SHEETS
from .records.base import MEMBER, ORGANIZATION
from .records.importing import RecordImport

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ExchangeContent",
    "ExchangeData",
    "ExchangeResult",
    "collect",
    "exchange_filename",
    "export_exchange",
    "import_exchange",
    "is_exchange_workbook",
    "read_exchange",
]

COUNT_KEYS = ("created", "unchanged", "conflicts", "skipped")
CHUNK = 500
# Members written (rows and audit entries) per bulk insert.
WRITE_CHUNK = 2000
# Event sequence numbers for events not yet written: after every stored id.
NEW_SEQ = 10**12
MEMBER_COPIED_FIELDS = (
    "full_name", "birth_name", "date_of_birth", "sex", "ethnicity", "religion", "home_town",
    "birth_place", "permanent_address", "phone", "email", "occupation", "general_education",
    "professional_level", "political_theory_level", "admission_age_exception", "voided_reason",
)  # fmt: skip
MEMBER_FIELDS = (
    "id", "uid", "created_at", "updated_at", *MEMBER_COPIED_FIELDS, "personal_id_number",
    "card_number", "background_number", "name_sort_key", "search_name", "status",
    "organization_id", "admitted_on", "official_on", "probation_ends_on", "voided_at", "user_id",
)  # fmt: skip
EVENT_FIELDS = (
    "member_id", "kind", "happened_on", "organization_id", "other_party", "decision_number",
    "decision_signed_on", "decision_issuer", "ceremony_on", "reason_code", "grounds", "note",
    "voided_at", "voided_reason", "recorded_at",
)  # fmt: skip
STATE_FIELDS = ("member_id", "organization_id", "status", "valid_from", "valid_until")
AUDIT_FIELDS = (
    "at", "actor_id", "action", "target_type", "target_id", "target_repr", "org_path", "before",
    "after", "note",
)  # fmt: skip
ADMISSION_KINDS = (MemberEvent.Kind.ADMITTED, MemberEvent.Kind.READMITTED)
UNIQUE_NUMBERS = {
    "card_number": "Số thẻ đảng viên",
    "personal_id_number": "Số định danh cá nhân",
    "background_number": "Số lý lịch",
}


@dataclass
class ExchangeResult:
    """What an import found and did: issues, and per sheet the rows created, unchanged, in conflict."""

    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False
    version: int | None = None
    root_code: str = ""

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def total(self, key: str) -> int:
        return sum(c.get(key, 0) for c in self.counts.values())


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """The values of a row as JSON for the audit log (dates as ISO text, UUIDs as text)."""

    def safe(v: Any) -> Any:
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v) if isinstance(v, uuid.UUID) else v

    return {k: safe(v) for k, v in values.items()}


def _segment(pk: int) -> str:
    # The organizations app's path segment (organizations.services._segment).
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


def _covering(periods: list[tuple[dt.date, dt.date | None]], on: dt.date) -> int | None:
    """Index of the period covering ``on``; else the latest begun by then; else the first."""
    if not periods:
        return None
    begun = None
    for index, (start, end) in enumerate(periods):
        if start <= on and (end is None or on < end):
            return index
        if start <= on:
            begun = index
    return begun if begun is not None else 0


@dataclass(slots=True)
class _NewOrg:
    row: Row
    positions: list[dict[str, Any]]  # values of TREE_HISTORY rows (synthesised if none)
    position_rows: list[Row | None]
    events: list[Row]


# Slotted: an import holds one plan per member of the file until it writes.
@dataclass(slots=True)
class _MemberPlan:
    uid: str
    row: Row | None
    existing: Member | None
    new_events: list[Row] = field(default_factory=list)
    states: list[member_rules.State] | None = None
    derived: dict[str, Any] = field(default_factory=dict)
    probation_ends_on: dt.date | None = None


class _Import:
    def __init__(
        self, data: ExchangeData, result: ExchangeResult, *, actor, filename: str,
        within: Organization | None = None,
    ):  # fmt: skip
        self.data = data
        self.result = result
        self.actor = actor
        self.filename = filename
        self.within = within
        for spec in SHEETS[1:]:
            result.counts[spec.title] = dict.fromkeys(COUNT_KEYS, 0)
        self.done = 0
        self.records = RecordImport(self, RECORD_SHEETS)

    # -- bookkeeping --------------------------------------------------------

    def issue(
        self, spec: SheetSpec, row: Row | None, key: str, message: str, *,
        value: Any = None, warning: bool = False,
    ) -> None:  # fmt: skip
        header = spec.column(key).header if key else ""
        if value is None and row is not None and key:
            value = row.get(key)
        shown = (
            "" if value is None else (fmt_date(value) if isinstance(value, dt.date) else str(value))
        )
        self.result.issues.append(Issue(
            (row.sheet if row else "") or spec.title, row.shown if row else None, header, shown,
            message,
            severity="warning" if warning else "error",
        ))  # fmt: skip

    def count(self, spec: SheetSpec, key: str, n: int = 1) -> None:
        self.result.counts[spec.title][key] += n

    def _differences(
        self, spec: SheetSpec, file_values: dict, db_values: dict, keys: Iterable[str]
    ) -> list[str]:
        parts = []
        present = self.data.columns.get(spec.key, set())
        for key in keys:
            if key not in present:  # a column the file leaves out says nothing
                continue
            a, b = file_values.get(key), db_values.get(key)
            if a != b:
                shown_a = (
                    fmt_date(a)
                    if isinstance(a, dt.date)
                    else (a if a not in (None, "") else "trống")
                )
                shown_b = (
                    fmt_date(b)
                    if isinstance(b, dt.date)
                    else (b if b not in (None, "") else "trống")
                )
                parts.append(f"{spec.column(key).header}: tệp «{shown_a}», hệ thống «{shown_b}»")
        return parts

    # -- planning -----------------------------------------------------------

    def plan(self, progress: Callable[[int], None] | None) -> None:
        for step in (
            self._plan_sectors, self._plan_organizations, self._plan_members,
            self._plan_positions, self._plan_users, self._plan_roles, self.records.plan,
        ):  # fmt: skip
            step()
            if progress:
                progress(self.done)
        if self.within is not None and self.result.ok:
            self._check_within()
        self._check_counts()

    # scope -----------------------------------------------------------------

    def _inside(self, code: str) -> bool:
        """Whether organization ``code`` (in this installation or created by the file) is in scope."""
        within = self.within
        assert within is not None
        if code in self.current_chain:
            return within.code in self.current_chain[code]
        path = self._paths_of({code}).get(code)
        return path is not None and path.startswith(within.path)

    def _paths_of(self, codes: set[str]) -> dict[str, str]:
        known = getattr(self, "_known_paths", None)
        if known is None:
            known = self._known_paths = {c: o.path for c, o in self.existing_orgs.items()}
        missing = codes - set(known)
        for chunk in _chunks(missing):
            known.update(Organization.objects.filter(code__in=chunk).values_list("code", "path"))
        return known

    def _check_within(self) -> None:
        """An import at an organization creates nothing outside its subtree (a superior's task)."""
        name = self.within.name
        outside = f"Nằm ngoài phạm vi của «{name}»: chỉ quản trị cấp trên nhập được dòng này."
        for code, plan in self.new_orgs.items():
            if not self._inside(code):
                self.issue(ORGANIZATIONS, plan.row, "code", outside)
        for row in self.new_sectors:
            self.issue(SECTORS, row, "code", (
                "Loại hình chưa có trong hệ thống: chỉ quản trị hệ thống thêm được loại hình."
            ))  # fmt: skip
        for plan in self.member_plans.values():
            if plan.new_events or (plan.row is not None and plan.existing is None):
                org = plan.derived.get("organization")
                if not org or not self._inside(org):
                    where = plan.row or (plan.new_events[0] if plan.new_events else None)
                    sheet = MEMBERS if plan.row is not None else MEMBER_EVENTS
                    self.issue(sheet, where, "member" if sheet is MEMBER_EVENTS else "uid", (
                        f"Đảng viên không sinh hoạt trong «{name}»: chỉ quản trị cấp trên nhập được."
                    ))  # fmt: skip
        for row in self.new_positions:
            if not self._inside(row["organization"]):
                self.issue(POSITIONS, row, "organization", outside)
        for row in self.new_roles:
            if not self._inside(row["organization"]):
                self.issue(ROLES, row, "organization", outside)
        self.records.check_within(outside)

    def _check_counts(self) -> None:
        for spec in SHEETS[1:]:
            stated = self.data.info.get(ROWS_KEY_PREFIX + spec.key)
            if stated in (None, ""):
                continue
            try:
                stated_n = int(str(stated))
            except ValueError:
                continue
            actual = len(self.data.sheet(spec.key))
            if stated_n != actual:
                self.result.issues.append(Issue(
                    spec.title, None, "", str(actual),
                    f"Sheet «Thông tin» ghi {stated_n} dòng nhưng sheet có {actual} dòng.",
                    severity="warning",
                ))  # fmt: skip

    # sectors ---------------------------------------------------------------------

    def _plan_sectors(self) -> None:
        existing = {s.code: s for s in Sector.objects.all()}
        self.new_sectors: list[Row] = []
        seen: set[str] = set()
        for row in self.data.sheet("sectors"):
            self.done += 1
            code = row["code"]
            if code in seen:
                self.issue(SECTORS, row, "code", "Mã loại hình bị lặp lại trong sheet.")
                continue
            seen.add(code)
            sector = existing.get(code)
            if sector is None:
                self.new_sectors.append(row)
                self.count(SECTORS, "created")
            elif R.clean_text(sector.name) == row["name"]:
                self.count(SECTORS, "unchanged")
            else:
                self.issue(SECTORS, row, "name", (
                    f"Hệ thống đã có loại hình «{code}» với tên «{sector.name}»: giữ tên đang có."
                ), warning=True)  # fmt: skip
                self.count(SECTORS, "skipped")
        self.sector_codes = set(existing) | seen

    # organizations --------------------------------------------------------------------

    def _referenced_org_codes(self) -> set[str]:
        d = self.data
        found: set[str] = set()
        for row in d.sheet("organizations"):
            found.update((row["code"], row["parent"]))
        for row in d.sheet("tree_history"):
            found.update((row["organization"], row["parent"]))
            found.update(R.split_path(row["path"]))
        for row in d.sheet("org_events"):
            found.update((row["organization"], row["related"]))
        for sheet in ("member_events", "positions", "roles"):
            found.update(row["organization"] for row in d.sheet(sheet))
        found.update(row["organization"] for row in d.sheet("members"))
        found.update(self.records.named(ORGANIZATION))
        found.discard("")
        return found

    def _load_codes(self, ids: Iterable[int]) -> None:
        missing = {i for i in ids if i and i not in self.code_of}
        for chunk in _chunks(missing):
            for pk, code in Organization.objects.filter(pk__in=chunk).values_list("pk", "code"):
                self.code_of[pk] = code

    def _plan_organizations(self) -> None:
        d = self.data
        codes = self._referenced_org_codes()
        self.existing_orgs: dict[str, Organization] = {}
        for chunk in _chunks(codes):
            for org in Organization.objects.filter(code__in=chunk).select_related("sector"):
                self.existing_orgs[org.code] = org
        self.code_of: dict[int, str] = {o.pk: o.code for o in self.existing_orgs.values()}
        self.file_orgs: dict[str, Row] = {}
        for row in d.sheet("organizations"):
            self.done += 1
            code = row["code"]
            if code in self.file_orgs:
                self.issue(ORGANIZATIONS, row, "code", "Mã tổ chức bị lặp lại trong sheet.")
                continue
            self.file_orgs[code] = row
        positions: dict[str, list[Row]] = defaultdict(list)
        for row in d.sheet("tree_history"):
            self.done += 1
            if row["organization"] not in self.file_orgs:
                self.issue(TREE_HISTORY, row, "organization", "Tổ chức không có ở sheet «Tổ chức».")
                continue
            positions[row["organization"]].append(row)
        events: dict[str, list[Row]] = defaultdict(list)
        for row in d.sheet("org_events"):
            self.done += 1
            if row["organization"] not in self.file_orgs:
                self.issue(ORG_EVENTS, row, "organization", "Tổ chức không có ở sheet «Tổ chức».")
                continue
            if row["related"] and not self.org_known(row["related"]):
                self.issue(ORG_EVENTS, row, "related", self.unknown_org(row["related"]))
            events[row["organization"]].append(row)

        self.new_orgs: dict[str, _NewOrg] = {}
        existing_in_file = [c for c in self.file_orgs if c in self.existing_orgs]
        self._compare_existing_orgs(existing_in_file, positions, events)
        for code, row in self.file_orgs.items():
            if code in self.existing_orgs:
                continue
            plan = self._check_new_org(row, positions.get(code, []), events.get(code, []))
            if plan is not None:
                self.new_orgs[code] = plan
            self._warn_founded_before_parent(row, positions.get(code, []))
        self._build_chains()

    def _founded_on(self, code: str) -> dt.date | None:
        """The founding date of organization ``code`` (of the file or of this installation)."""
        if code in self.file_orgs:
            return self.file_orgs[code]["established_on"]
        org = self.existing_orgs.get(code)
        return org.established_on if org is not None else None

    def _org_name(self, code: str) -> str:
        if code in self.file_orgs:
            return self.file_orgs[code]["name"]
        org = self.existing_orgs.get(code)
        return org.name if org is not None else code

    def _warn_founded_before_parent(self, row: Row, positions: list[Row]) -> None:
        """History is kept as recorded; a child founded before the parent it was founded under
        (its first position in the tree, else its parent now) is a warning. One moved later
        under a younger organization (a restructuring) is not."""
        first = min(positions, key=lambda p: p["valid_from"] or dt.date.max, default=None)
        parent = first["parent"] if first is not None else row["parent"]
        if not parent or parent == row["code"]:
            return
        problem = quality_rules.founded_before_parent(
            founded=row["established_on"], parent_founded=self._founded_on(parent),
            parent_name=self._org_name(parent),
        )  # fmt: skip
        if problem is not None:
            self.issue(ORGANIZATIONS, row, "established_on", problem.message, warning=True)

    def _warn_placed_before_founding(self, row: Row) -> None:
        """An admission (or move) into an organization before its founding: kept, with a warning."""
        code = row["organization"]
        if not code or not row["happened_on"]:
            return
        problem = quality_rules.placed_before_founding(
            kind=row["kind"], label=dict(MemberEvent.Kind.choices).get(row["kind"], row["kind"]),
            on=row["happened_on"], org_name=self._org_name(code), founded=self._founded_on(code),
        )  # fmt: skip
        if problem is not None:
            self.issue(MEMBER_EVENTS, row, "happened_on", problem.message, warning=True)

    def org_known(self, code: str) -> bool:
        return code in self.file_orgs or code in self.existing_orgs

    @staticmethod
    def unknown_org(code: str) -> str:
        return f"Mã tổ chức «{code}» không có trong tệp và trong hệ thống."

    def _check_new_org(self, row: Row, rows: list[Row], events: list[Row]) -> _NewOrg | None:
        code = row["code"]
        errors_before = len(self.result.errors)
        if row["scope"] not in (IN_SCOPE, REFERENCE):
            self.issue(ORGANIZATIONS, row, "scope", f"Ghi «{IN_SCOPE}» hoặc «{REFERENCE}».")
        if row["parent"] == code:
            self.issue(ORGANIZATIONS, row, "parent", "Tổ chức không thể trực thuộc chính nó.")
        elif row["parent"] and not self.org_known(row["parent"]):
            self.issue(ORGANIZATIONS, row, "parent", self.unknown_org(row["parent"]))
        if row["sector"] and row["sector"] not in self.sector_codes:
            self.issue(
                ORGANIZATIONS, row, "sector", "Mã loại hình không có trong tệp và trong hệ thống."
            )
        if row["dissolved_on"] and row["dissolved_on"] < row["established_on"]:
            self.issue(ORGANIZATIONS, row, "dissolved_on", "Ngày giải thể trước ngày thành lập.")
        if rows:
            ordered = sorted(rows, key=lambda r: (r["valid_from"], r.number))
            values = [dict(r.values) for r in ordered]
        else:
            ordered = [None]
            values = [{
                "organization": code, "valid_from": row["established_on"],
                "valid_until": row["dissolved_on"], "parent": row["parent"], "name": row["name"],
                "kind": row["kind"], "path": "",
            }]  # fmt: skip
        previous: dict | None = None
        for pos_row, pos in zip(ordered, values, strict=True):
            spec_row = pos_row or row
            sheet = TREE_HISTORY if pos_row else ORGANIZATIONS
            if pos["valid_until"] is not None and pos["valid_until"] <= pos["valid_from"]:
                self.issue(sheet, spec_row, "valid_until" if pos_row else "dissolved_on",
                           "Ngày kết thúc giai đoạn phải sau ngày bắt đầu.")  # fmt: skip
            if pos_row is None:
                pass
            elif pos["parent"] == code:
                self.issue(
                    TREE_HISTORY, pos_row, "parent", "Tổ chức không thể trực thuộc chính nó."
                )
            elif pos["parent"] and not self.org_known(pos["parent"]):
                self.issue(TREE_HISTORY, pos_row, "parent", self.unknown_org(pos["parent"]))
            if previous is not None and (
                previous["valid_until"] is None or previous["valid_until"] > pos["valid_from"]
            ):
                self.issue(TREE_HISTORY, pos_row, "valid_from", (
                    "Giai đoạn này chồng lên giai đoạn trước (bắt đầu "
                    f"{fmt_date(previous['valid_from'])}) của cùng tổ chức."
                ))  # fmt: skip
            if pos_row and pos["path"]:
                self._check_path(pos_row, code, pos)
            previous = pos
        last = values[-1]
        mismatch = [
            TREE_HISTORY.column(k).header for k in ("parent", "name", "kind") if last[k] != row[k]
        ]
        if mismatch:
            self.issue(ORGANIZATIONS, row, "code", (
                "Giai đoạn cuối ở sheet «Lịch sử cây» không khớp với thông tin hiện tại của tổ chức "
                f"({', '.join(mismatch)})."
            ))  # fmt: skip
        if len(self.result.errors) > errors_before:
            return None
        self.count(ORGANIZATIONS, "created")
        self.count(TREE_HISTORY, "created", len(rows))
        self.count(ORG_EVENTS, "created", len(events))
        return _NewOrg(
            row, values, ordered, sorted(events, key=lambda e: (e["happened_on"], e.number))
        )

    def _check_path(self, row: Row, code: str, pos: dict) -> None:
        chain = R.split_path(pos["path"])
        expected_parent = chain[-2] if len(chain) > 1 else ""
        if not chain or chain[-1] != code or expected_parent != pos["parent"]:
            self.issue(TREE_HISTORY, row, "path", (
                "Đường dẫn phải kết thúc bằng mã tổ chức cấp trên rồi mã của chính tổ chức."
            ))  # fmt: skip
        elif len(set(chain)) != len(chain):
            self.issue(TREE_HISTORY, row, "path", "Đường dẫn có mã lặp lại.")
        else:
            for part in chain:
                if not self.org_known(part):
                    self.issue(TREE_HISTORY, row, "path", self.unknown_org(part))

    def _compare_existing_orgs(
        self, codes: list[str], positions: dict[str, list[Row]], events: dict[str, list[Row]]
    ) -> None:
        if not codes:
            return
        ids = [self.existing_orgs[c].pk for c in codes]
        db_positions: dict[int, list[TreePosition]] = defaultdict(list)
        db_events: dict[int, list[OrgEvent]] = defaultdict(list)
        needed: set[int] = set()
        for chunk in _chunks(ids):
            for p in TreePosition.objects.filter(organization_id__in=chunk):
                db_positions[p.organization_id].append(p)
                needed.add(p.parent_id)
                needed.update(R.path_ids(p.path))
            for e in OrgEvent.objects.filter(organization_id__in=chunk):
                db_events[e.organization_id].append(e)
                needed.add(e.related_id)
        needed.update(self.existing_orgs[c].parent_id for c in codes)
        self._load_codes(needed)
        check_path = self.data.has_column("tree_history", "path")
        # A file without the history sheets says nothing about history: only its rows are compared.
        org_keys = list(ORGANIZATIONS.data_keys)
        for code in codes:
            org = self.existing_orgs[code]
            row = self.file_orgs[code]
            reference = row["scope"] == REFERENCE
            db_row = R.organization_row(org, self.code_of, in_scope=True)
            diff = self._differences(ORGANIZATIONS, row.values, db_row, org_keys)
            extra = []
            # Tree positions, by start date.
            mine = {
                p.valid_from: R.tree_position_row(p, self.code_of) for p in db_positions[org.pk]
            }
            pos_rows = positions.get(code, [])
            pos_keys = [k for k in TREE_HISTORY.data_keys if k != "path" or check_path]
            matched = set()
            for pos_row in pos_rows:
                db = mine.get(pos_row["valid_from"])
                keys = [k for k in pos_keys if k != "path" or pos_row["path"]]
                if db is None:
                    self._conflict(TREE_HISTORY, pos_row, "valid_from", reference,
                                   "Tổ chức đã có trong hệ thống nhưng không có giai đoạn này.")  # fmt: skip
                    continue
                matched.add(pos_row["valid_from"])
                d = self._differences(TREE_HISTORY, pos_row.values, db, keys)
                if d:
                    self._conflict(TREE_HISTORY, pos_row, "valid_from", reference,
                                   "Giai đoạn khác với hệ thống: " + "; ".join(d) + ".")  # fmt: skip
                else:
                    self.count(TREE_HISTORY, "unchanged")
            if len(mine) - len(matched) and self.data.columns.get("tree_history"):
                extra.append(f"{len(mine) - len(matched)} giai đoạn ở sheet «{TREE_HISTORY.title}»")
            # Events, by (day, kind, occurrence).
            db_ev = self._keyed(
                sorted(db_events[org.pk], key=lambda e: (e.happened_on, e.pk)),
                lambda e: (e.happened_on, e.kind),
                lambda e: R.org_event_row(e, self.code_of),
            )
            file_ev = self._keyed(
                sorted(events.get(code, []), key=lambda r: (r["happened_on"], r.number)),
                lambda r: (r["happened_on"], r["kind"]),
                lambda r: r,
            )
            for key, ev_row in file_ev.items():
                db = db_ev.pop(key, None)
                if db is None:
                    self._conflict(ORG_EVENTS, ev_row, "kind", reference,
                                   "Tổ chức đã có trong hệ thống nhưng không có sự kiện này.")  # fmt: skip
                    continue
                d = self._differences(ORG_EVENTS, ev_row.values, db, ORG_EVENTS.data_keys)
                if d:
                    self._conflict(ORG_EVENTS, ev_row, "kind", reference,
                                   "Sự kiện khác với hệ thống: " + "; ".join(d) + ".")  # fmt: skip
                else:
                    self.count(ORG_EVENTS, "unchanged")
            if db_ev and self.data.columns.get("org_events"):
                extra.append(f"{len(db_ev)} sự kiện ở sheet «{ORG_EVENTS.title}»")
            if diff or extra:
                parts = list(diff) + [f"hệ thống có thêm {e} không có trong tệp" for e in extra]
                message = (
                    "Tổ chức đã có trong hệ thống với thông tin khác: " + "; ".join(parts) + "."
                )
                if reference:
                    message += " Tổ chức tham chiếu: giữ dữ liệu đang có."
                self._conflict(ORGANIZATIONS, row, "code", reference, message)
            else:
                self.count(ORGANIZATIONS, "unchanged")

    def _conflict(self, spec: SheetSpec, row: Row, key: str, reference: bool, message: str) -> None:
        if not reference:
            message += " Cần xử lý chênh lệch rồi nhập lại; không ghi đè dữ liệu đang có."
        self.issue(spec, row, key, message, warning=reference)
        self.count(spec, "skipped" if reference else "conflicts")

    @staticmethod
    def _keyed(items, key_of, value_of) -> dict:
        """Items keyed by (key..., occurrence): the n-th item with the same key gets n."""
        seen: dict[Any, int] = defaultdict(int)
        keyed = {}
        for item in items:
            key = key_of(item)
            keyed[(*key, seen[key])] = value_of(item)
            seen[key] += 1
        return keyed

    # paths -----------------------------------------------------------------

    def _build_chains(self) -> None:
        """The codes from the root to each new organization, now and in each of its periods."""
        self.current_chain: dict[str, list[str]] = {}
        self.position_chains: dict[str, list[list[str]]] = {}
        self._existing_positions: dict[str, list[TreePosition]] = {}
        parents = set()
        for plan in self.new_orgs.values():
            parents.update(p["parent"] for p in plan.positions)
            parents.add(plan.row["parent"])
        existing_parents = [self.existing_orgs[c] for c in parents if c in self.existing_orgs]
        needed: set[int] = set()
        for org in existing_parents:
            needed.update(R.path_ids(org.path))
        for chunk in _chunks([o.pk for o in existing_parents]):
            for p in TreePosition.objects.filter(organization_id__in=chunk).order_by("valid_from"):
                self._existing_positions.setdefault(self.code_of[p.organization_id], []).append(p)
                needed.update(R.path_ids(p.path))
        self._load_codes(needed)
        for code, plan in self.new_orgs.items():
            chain = self._chain_now(code, set())
            if chain is None:
                self.issue(ORGANIZATIONS, plan.row, "parent", (
                    "Không xác định được vị trí trong cây: cấp trên không hợp lệ hoặc tạo thành vòng lặp."
                ))  # fmt: skip
                continue
            self.current_chain[code] = chain
            chains = []
            for index in range(len(plan.positions)):
                chain = self._chain_of_position(code, index, set())
                if chain is None:
                    self.issue(TREE_HISTORY, plan.position_rows[index], "parent", (
                        "Không xác định được đường dẫn của giai đoạn: cấp trên không hợp lệ "
                        "hoặc tạo thành vòng lặp."
                    ))  # fmt: skip
                    break
                chains.append(chain)
            self.position_chains[code] = chains

    def _existing_chain(self, org: Organization) -> list[str]:
        return [self.code_of[i] for i in R.path_ids(org.path)] or [org.code]

    def _chain_now(self, code: str, visiting: set[str]) -> list[str] | None:
        if code in self.current_chain:
            return self.current_chain[code]
        if code in self.existing_orgs:
            return self._existing_chain(self.existing_orgs[code])
        if code in visiting or code not in self.new_orgs:
            return None
        visiting.add(code)
        parent = self.new_orgs[code].row["parent"]
        above = self._chain_now(parent, visiting) if parent else []
        if above is None:
            return None
        self.current_chain[code] = [*above, code]
        return self.current_chain[code]

    def _chain_at(self, code: str, on: dt.date, visiting: set) -> list[str] | None:
        """The codes from the root to ``code`` in its period covering ``on``."""
        if code in self.existing_orgs:
            periods = self._existing_positions.get(code, [])
            index = _covering([(p.valid_from, p.valid_until) for p in periods], on)
            if index is None:
                return self._existing_chain(self.existing_orgs[code])
            return [self.code_of[i] for i in R.path_ids(periods[index].path)]
        plan = self.new_orgs.get(code)
        if plan is None:
            return None
        index = _covering([(p["valid_from"], p["valid_until"]) for p in plan.positions], on)
        return self._chain_of_position(code, index or 0, visiting)

    def _chain_of_position(self, code: str, index: int, visiting: set) -> list[str] | None:
        memo = self.position_chains.get(code)
        if memo is not None and index < len(memo):
            return memo[index]
        position = self.new_orgs[code].positions[index]
        if position["path"]:
            return R.split_path(position["path"])
        if (code, index) in visiting:
            return None
        visiting.add((code, index))
        if not position["parent"]:
            return [code]
        above = self._chain_at(position["parent"], position["valid_from"], visiting)
        return None if above is None else [*above, code]

    # members ----------------------------------------------------------------------------

    def _plan_members(self) -> None:
        d = self.data
        self.file_members: dict[str, Row] = {}
        for row in d.sheet("members"):
            self.done += 1
            if row["uid"] in self.file_members:
                self.issue(MEMBERS, row, "uid", "Mã hồ sơ bị lặp lại trong sheet.")
                continue
            self._normalise_identity(row)
            self.file_members[row["uid"]] = row
        uids = set(self.file_members)
        for sheet in ("member_events", "positions", "users"):
            uids.update(r["member"] for r in d.sheet(sheet) if r["member"])
        uids.update(self.records.named(MEMBER))
        self.existing_members: dict[str, Member] = {}
        for chunk in _chunks(uids):
            # Locked until the import ends: the events read below are all the member has when
            # the file's are added and the state derived (the services lock the same rows).
            for m in Member.objects.select_for_update().filter(uid__in=chunk).order_by("pk"):
                self.existing_members[R.uid_text(m.uid)] = m
        self._load_codes(m.organization_id for m in self.existing_members.values())
        events: dict[str, list[Row]] = defaultdict(list)
        for row in d.sheet("member_events"):
            self.done += 1
            if not self.member_known(row["member"]):
                self.issue(MEMBER_EVENTS, row, "member", self.unknown_member(row["member"]))
                continue
            if row["organization"] and not self.org_known(row["organization"]):
                self.issue(
                    MEMBER_EVENTS, row, "organization", self.unknown_org(row["organization"])
                )
            if row["voided_reason"] and not row["voided_on"]:
                self.issue(MEMBER_EVENTS, row, "voided_on", "Có lý do hủy thì cần ngày hủy.")
            self._check_ceremony(row)
            self._check_reason(row)
            self._warn_placed_before_founding(row)
            events[row["member"]].append(row)
        self._check_unique_numbers()
        self._check_code_lists()
        self.member_plans: dict[str, _MemberPlan] = {}
        existing_events = self._existing_member_events(
            [m for u, m in self.existing_members.items() if u in events or u in self.file_members]
        )
        for uid in sorted(set(self.file_members) | set(events)):
            row = self.file_members.get(uid)
            existing = self.existing_members.get(uid)
            plan = _MemberPlan(uid, row, existing)
            if row is not None:
                self._check_member_row(plan)
            file_events = sorted(events.get(uid, []), key=lambda r: (r["happened_on"], r.number))
            if existing is None:
                plan.new_events = file_events
                self.count(MEMBER_EVENTS, "created", len(file_events))
            else:
                self._compare_member_events(plan, file_events, existing_events.get(existing.pk, []))
            self._derive(plan, existing_events.get(existing.pk, []) if existing else [])
            self.member_plans[uid] = plan

    def _check_ceremony(self, row: Row) -> None:
        ceremony = row.get("ceremony_on")
        if ceremony is None:
            return
        if row["kind"] not in ADMISSION_KINDS:
            self.issue(MEMBER_EVENTS, row, "ceremony_on",
                       "Ngày lễ kết nạp chỉ ghi cho sự kiện kết nạp hoặc kết nạp lại.")  # fmt: skip
        elif ceremony < row["happened_on"]:
            self.issue(MEMBER_EVENTS, row, "ceremony_on", (
                f"Lễ kết nạp ({fmt_date(ceremony)}) không thể trước ngày quyết định kết nạp "
                f"({fmt_date(row['happened_on'])})."
            ))  # fmt: skip

    def _check_reason(self, row: Row) -> None:
        code = row.get("reason_code")
        if not code:
            return
        labels = dict(MemberEvent.Kind.choices)
        errors = lifecycle_rules.reason_errors(
            row["kind"], code, reason_label=R.REASON_LABELS.get(code, code),
            kind_label=labels.get(row["kind"], row["kind"]),
        )  # fmt: skip
        for message in errors.values():
            self.issue(MEMBER_EVENTS, row, "reason_code", message)

    def member_org_code(self, uid: str, *, last: bool = False) -> str:
        """The code of the organization a member of the file or of this installation is in now.

        With ``last``, of a member in none now (transferred out, deceased), the one they
        were last in: the audit files the member's records there.
        """
        plan = self.member_plans.get(uid)
        member = self.existing_members.get(uid)
        if plan is not None:
            code = plan.derived.get("organization") or ""
            if code or not last:
                return code
            for state in reversed(plan.states or []):
                if state.organization_id:
                    return state.organization_id
        elif member is not None and member.organization_id is not None:
            return self.code_of.get(member.organization_id, "")
        if not last or member is None:
            return ""
        found = (
            MemberState.objects.filter(member=member, organization__isnull=False)
            .order_by("-valid_from", "-pk").values_list("organization__code", flat=True).first()
        )  # fmt: skip
        return found or ""

    def org_path_of(self, code: str) -> str:
        """The tree path of organization ``code`` (of the file or of this installation)."""
        if not code:
            return ""
        if code not in self.org_path:
            self.org_path.update(Organization.objects.filter(code=code).values_list("code", "path"))
        return self.org_path.get(code, "")

    def _member_inside(self, member: Member) -> bool:
        """Whether a member of this installation is in the import's subtree now (always, without one)."""
        if self.within is None:
            return True
        code = self.code_of.get(member.organization_id) if member.organization_id else None
        return bool(code) and self._inside(code)

    def member_known(self, uid: str) -> bool:
        return uid in self.file_members or uid in self.existing_members

    @staticmethod
    def unknown_member(uid: str) -> str:
        return f"Mã hồ sơ «{uid}» không có ở sheet «Đảng viên» và trong hệ thống."

    @staticmethod
    def _normalise_identity(row: Row) -> None:
        values = row.values
        values["full_name"] = text.normalize(values["full_name"])
        values["birth_name"] = text.normalize(values["birth_name"])
        for key in UNIQUE_NUMBERS:
            values[key] = values[key].upper()

    def _check_unique_numbers(self) -> None:
        new_rows = [r for u, r in self.file_members.items() if u not in self.existing_members]
        for key, label in UNIQUE_NUMBERS.items():
            owners: dict[str, str] = {}
            for row in self.file_members.values():
                value = row[key]
                if not value:
                    continue
                if value in owners and owners[value] != row["uid"]:
                    self.issue(MEMBERS, row, key, f"{label} trùng với đảng viên khác trong tệp.")
                owners.setdefault(value, row["uid"])
            values = {r[key]: r for r in new_rows if r[key]}
            for chunk in _chunks(values):
                for holder in Member.objects.filter(**{f"{key}__in": chunk}).select_related(
                    "organization"
                ):
                    value = getattr(holder, key)
                    row = values[value]
                    if R.uid_text(holder.uid) != row["uid"]:
                        # Neutral (the holder may lie outside the subtree); logged above it.
                        self.issue(MEMBERS, row, key, member_services.refuse_duplicate(
                            self.actor, holder, key, value, attempt=(
                                f"«{row['full_name']}» (tệp trao đổi {self.filename}, dòng "
                                f"{row.shown}{f' sheet «{row.sheet}»' if row.sheet else ''})"
                            ),
                        ))  # fmt: skip

    def _check_code_lists(self) -> None:
        for key in ("ethnicity", "religion", "general_education"):
            col = MEMBERS.column(key)
            known = set(Code.objects.filter(list=col.code_list).values_list("code", flat=True))
            if not known:
                continue
            for uid, row in self.file_members.items():
                if uid in self.existing_members:
                    continue
                if row[key] and row[key] not in known:
                    self.issue(MEMBERS, row, key, "Mã không có trong danh mục.", warning=True)

    def _check_member_row(self, plan: _MemberPlan) -> None:
        row = plan.row
        assert row is not None
        if plan.existing is not None:
            db = R.member_row(plan.existing, self.code_of)
            diff = self._differences(MEMBERS, row.values, db, MEMBERS.data_keys)
            if diff and not self._member_inside(plan.existing):
                # What the record holds is not shown outside the subtree it belongs to.
                self._conflict(MEMBERS, row, "uid", False,
                               "Đảng viên đã có trong hệ thống với thông tin khác.")  # fmt: skip
            elif diff:
                self._conflict(MEMBERS, row, "uid", False,
                               "Đảng viên đã có trong hệ thống với thông tin khác: " + "; ".join(diff) + ".")  # fmt: skip
            else:
                self.count(MEMBERS, "unchanged")
            return
        errors_before = len(self.result.errors)
        pid = row["personal_id_number"]
        if pid and not (pid.isdigit() and len(pid) == 12):
            self.issue(
                MEMBERS, row, "personal_id_number", "Số định danh cá nhân gồm đúng 12 chữ số."
            )
        if row["date_of_birth"] and row["date_of_birth"] > timezone.localdate():
            self.issue(MEMBERS, row, "date_of_birth", "Ngày sinh không được ở tương lai.")
        if row["voided_reason"] and not row["voided_on"]:
            self.issue(MEMBERS, row, "voided_on", "Có lý do hủy thì cần ngày hủy.")
        if len(self.result.errors) == errors_before:
            self.count(MEMBERS, "created")

    def _existing_member_events(self, members: list[Member]) -> dict[int, list[MemberEvent]]:
        found: dict[int, list[MemberEvent]] = defaultdict(list)
        for chunk in _chunks([m.pk for m in members]):
            for e in MemberEvent.objects.filter(member_id__in=chunk).order_by("happened_on", "id"):
                found[e.member_id].append(e)
        self._load_codes(e.organization_id for evs in found.values() for e in evs)
        return found

    def _compare_member_events(
        self, plan: _MemberPlan, file_events: list[Row], db_events: list[MemberEvent]
    ) -> None:
        db = self._keyed(db_events, lambda e: (e.happened_on, e.kind),
                         lambda e: R.member_event_row(e, plan.uid, self.code_of))  # fmt: skip
        mine = self._keyed(file_events, lambda r: (r["happened_on"], r["kind"]), lambda r: r)
        for key, row in mine.items():
            stored = db.get(key)
            if stored is None:
                plan.new_events.append(row)
                self.count(MEMBER_EVENTS, "created")
                continue
            diff = self._differences(MEMBER_EVENTS, row.values, stored, MEMBER_EVENTS.data_keys)
            if diff:
                self._conflict(MEMBER_EVENTS, row, "kind", False,
                               "Sự kiện khác với hệ thống: " + "; ".join(diff) + ".")  # fmt: skip
            else:
                self.count(MEMBER_EVENTS, "unchanged")

    def _derive(self, plan: _MemberPlan, db_events: list[MemberEvent]) -> None:
        """Derive the member's states from every event (stored and new) and check the file's columns."""
        existing = plan.existing
        if existing is not None and not plan.new_events:
            derived = {
                "status": existing.status or "",
                "organization": self.code_of.get(existing.organization_id, "")
                if existing.organization_id else "",
                "admitted_on": existing.admitted_on,
                "official_on": existing.official_on,
            }  # fmt: skip
        else:
            records = [
                member_rules.Event(e.kind, e.happened_on, self.code_of.get(e.organization_id),
                                   seq=e.pk, label=e.get_kind_display(), ceremony_on=e.ceremony_on)
                for e in db_events if e.voided_at is None
            ]  # fmt: skip
            labels = dict(MemberEvent.Kind.choices)
            records += [
                member_rules.Event(r["kind"], r["happened_on"], r["organization"] or None,
                                   seq=NEW_SEQ + i, label=labels.get(r["kind"], r["kind"]),
                                   ceremony_on=r.get("ceremony_on"))
                for i, r in enumerate(plan.new_events) if not r["voided_on"]
            ]  # fmt: skip
            source = (
                plan.row.values if plan.row is not None else R.member_row(existing, self.code_of)
            )
            exception = bool((source["admission_age_exception"] or "").strip())
            try:
                states = member_rules.derive_states(
                    records, date_of_birth=source["date_of_birth"], age_exception=exception
                )
            except DomainError as exc:
                where = plan.new_events[0] if plan.new_events else None
                message = "; ".join(m for ms in exc.message_dict.values() for m in ms)
                self.issue(MEMBER_EVENTS, where, "member", f"Lịch sử đảng viên không hợp lệ: {message}",
                           value=plan.uid)  # fmt: skip
                return
            current = states[-1] if states else None
            admitted, official = member_rules.admission_dates(records)
            plan.states = states
            derived = {
                "status": current.status if current else "",
                "organization": (current.organization_id or "") if current else "",
                "admitted_on": admitted,
                "official_on": official,
            }
            # Not a column of the file: recomputed, like the states, and stored with them.
            plan.probation_ends_on = member_rules.current_probation_end(records)
        plan.derived = derived
        row = plan.row
        if row is None:
            return
        for key, value in derived.items():
            stated = row.get(key)
            if stated in (None, "") or not self.data.has_column("members", key):
                continue
            if stated != value:
                shown = fmt_date(value) if isinstance(value, dt.date) else (value or "trống")
                self.issue(MEMBERS, row, key, (
                    f"Tính từ các sự kiện đảng viên thì giá trị là «{shown}», khác với tệp."
                ))  # fmt: skip

    # positions -----------------------------------------------------------------------------

    def _plan_positions(self) -> None:
        rows_by_uid: dict[str, list[Row]] = defaultdict(list)
        for row in self.data.sheet("positions"):
            self.done += 1
            if not self.member_known(row["member"]):
                self.issue(POSITIONS, row, "member", self.unknown_member(row["member"]))
                continue
            if not self.org_known(row["organization"]):
                self.issue(POSITIONS, row, "organization", self.unknown_org(row["organization"]))
                continue
            if row["ended_on"] and row["ended_on"] < row["started_on"]:
                self.issue(POSITIONS, row, "ended_on", "Ngày kết thúc trước ngày bắt đầu.")
                continue
            rows_by_uid[row["member"]].append(row)
        self.new_positions: list[Row] = []
        existing_ids = {
            self.existing_members[u].pk: u for u in rows_by_uid if u in self.existing_members
        }
        stored: dict[str, list[Position]] = defaultdict(list)
        for chunk in _chunks(existing_ids):
            for p in Position.objects.filter(member_id__in=chunk).order_by("started_on", "id"):
                stored[existing_ids[p.member_id]].append(p)
        self._load_codes(p.organization_id for ps in stored.values() for p in ps)

        def key_of(r):
            return (r["title"], r["organization"], r["started_on"])

        for uid, rows in rows_by_uid.items():
            db = self._keyed(
                stored.get(uid, []),
                lambda p: (p.title, self.code_of[p.organization_id], p.started_on),
                lambda p, uid=uid: R.position_row(p, uid, self.code_of),
            )
            for key, row in self._keyed(rows, key_of, lambda r: r).items():
                existing = db.get(key)
                if existing is None:
                    self.new_positions.append(row)
                    self.count(POSITIONS, "created")
                    continue
                diff = self._differences(POSITIONS, row.values, existing, POSITIONS.data_keys)
                if diff:
                    self._conflict(POSITIONS, row, "title", False,
                                   "Chức vụ khác với hệ thống: " + "; ".join(diff) + ".")  # fmt: skip
                else:
                    self.count(POSITIONS, "unchanged")

    # users and roles ----------------------------------------------------------------------

    def _plan_users(self) -> None:
        User = get_user_model()
        self.file_users: dict[str, Row] = {}
        names = {r["username"].lower() for r in self.data.sheet("users")}
        names |= {r["username"].lower() for r in self.data.sheet("roles")}
        self.existing_users: dict[str, Any] = {}
        for user in User.objects.all().only(
            "pk", "username", "first_name", "last_name", "email", "is_active"
        ):
            if user.username.lower() in names:
                self.existing_users[user.username.lower()] = user
        linked = dict(
            Member.objects.filter(
                user_id__in=[u.pk for u in self.existing_users.values()]
            ).values_list("user_id", "uid")
        )
        self.new_users: list[Row] = []
        self.links: dict[str, str] = {}  # username (lower) → member uid, for new users
        claimed: dict[str, str] = {}
        for row in self.data.sheet("users"):
            self.done += 1
            name = row["username"].lower()
            if name in self.file_users:
                self.issue(USERS, row, "username", "Tên đăng nhập bị lặp lại trong sheet.")
                continue
            self.file_users[name] = row
            user = self.existing_users.get(name)
            if user is not None:
                db = R.user_row(user, R.uid_text(linked.get(user.pk)))
                diff = self._differences(USERS, row.values, db, USERS.data_keys)
                if diff:
                    self._conflict(USERS, row, "username", False,
                                   "Người dùng đã có trong hệ thống với thông tin khác: " + "; ".join(diff) + ".")  # fmt: skip
                else:
                    self.count(USERS, "unchanged")
                continue
            errors_before = len(self.result.errors)
            try:
                User.username_validator(row["username"])
            except ValidationError:
                self.issue(USERS, row, "username",
                           "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _.")  # fmt: skip
            uid = row["member"]
            if uid:
                member = self.existing_members.get(uid)
                if not self.member_known(uid):
                    self.issue(USERS, row, "member", self.unknown_member(uid))
                elif member is not None and not self._member_inside(member):
                    # Refused before anything about that record (its account) is told.
                    self.issue(USERS, row, "member", (
                        f"Chỉ gắn tài khoản với đảng viên sinh hoạt trong «{self.within.name}»: "
                        "việc này do quản trị cấp trên làm."
                    ))  # fmt: skip
                elif member is not None and member.user_id is not None:
                    self.issue(USERS, row, "member", "Đảng viên này đã gắn với một tài khoản khác.")
                elif uid in claimed:
                    self.issue(
                        USERS,
                        row,
                        "member",
                        "Đảng viên này đã gắn với một tài khoản khác trong tệp.",
                    )
                claimed[uid] = name
            if len(self.result.errors) == errors_before:
                self.new_users.append(row)
                if uid:
                    self.links[name] = uid
                self.count(USERS, "created")

    def _plan_roles(self) -> None:
        rows_by_user: dict[str, list[Row]] = defaultdict(list)
        for row in self.data.sheet("roles"):
            self.done += 1
            name = row["username"].lower()
            if name not in self.file_users and name not in self.existing_users:
                self.issue(
                    ROLES,
                    row,
                    "username",
                    "Tên đăng nhập không có ở sheet «Người dùng» và trong hệ thống.",
                )
                continue
            if not self.org_known(row["organization"]):
                self.issue(ROLES, row, "organization", self.unknown_org(row["organization"]))
                continue
            bad = [m for m in R.split_list(row["modules"]) if m not in Module.values]
            if bad:
                self.issue(ROLES, row, "modules", f"Phân hệ không hợp lệ: {', '.join(bad)}.")
                continue
            if row["revoked_on"] and row["revoked_on"] < row["granted_on"]:
                self.issue(ROLES, row, "revoked_on", "Ngày thu hồi trước ngày cấp.")
                continue
            rows_by_user[name].append(row)
        self.new_roles: list[Row] = []
        users = {n: self.existing_users[n] for n in rows_by_user if n in self.existing_users}
        stored: dict[int, list[RoleAssignment]] = defaultdict(list)
        for a in RoleAssignment.objects.filter(user_id__in=[u.pk for u in users.values()]).order_by(
            "granted_at", "id"
        ):
            stored[a.user_id].append(a)
        self._load_codes(a.organization_id for items in stored.values() for a in items)
        for name, rows in rows_by_user.items():
            user = users.get(name)
            db = {}
            if user is not None:
                db = self._keyed(
                    stored.get(user.pk, []),
                    lambda a: (a.role, self.code_of[a.organization_id], R.local_day(a.granted_at)),
                    lambda a, user=user: R.role_row(a, user.username, self.code_of),
                )
            mine = self._keyed(
                sorted(rows, key=lambda r: (r["granted_on"], r.number)),
                lambda r: (r["role"], r["organization"], r["granted_on"]),
                lambda r: r,
            )
            for key, row in mine.items():
                existing = db.get(key)
                if existing is None:
                    self.new_roles.append(row)
                    self.count(ROLES, "created")
                    continue
                keys = [k for k in ROLES.data_keys if k != "username"]
                diff = self._differences(ROLES, row.values, existing, keys)
                if diff:
                    self._conflict(ROLES, row, "role", False,
                                   "Vai trò khác với hệ thống: " + "; ".join(diff) + ".")  # fmt: skip
                else:
                    self.count(ROLES, "unchanged")

    # -- writing -----------------------------------------------------------------------

    def write(self, progress: Callable[[int], None] | None) -> None:
        now = timezone.now()
        self.audit: list[AuditEntry] = []
        actor_id = self.actor.pk if getattr(self.actor, "pk", None) else None
        self.actor_id = actor_id
        self.now = now
        self.note = f"Nhập từ tệp trao đổi {self.filename}".strip()
        self.audit_rows: list[tuple] = []
        self._write_sectors()
        self._write_organizations()
        if progress:
            progress(self.done)
        user_ids = self._write_users()
        self._write_members(user_ids)
        self._write_positions()
        self._write_roles(user_ids)
        self.records.write()
        AuditEntry.objects.bulk_create(self.audit, batch_size=2000)
        insert_rows(AuditEntry, AUDIT_FIELDS, self.audit_rows)
        if progress:
            progress(self.done)

    def _audit(self, action: str, obj, org_path: str, after: dict | None = None) -> None:
        self.audit.append(AuditEntry(
            actor_id=self.actor_id, action=action, target_type=obj._meta.label_lower,
            target_id=str(obj.pk), target_repr=str(obj)[:300], org_path=org_path or "",
            after=after if after is not None else snapshot(obj), note=self.note,
        ))  # fmt: skip

    def _write_sectors(self) -> None:
        top = max(Sector.objects.values_list("position", flat=True), default=0)
        Sector.objects.bulk_create([
            Sector(code=r["code"], name=r["name"], position=top + i + 1)
            for i, r in enumerate(self.new_sectors)
        ])  # fmt: skip
        self.sector_ids = dict(Sector.objects.values_list("code", "pk"))

    def _write_organizations(self) -> None:
        orgs = []
        for code, plan in self.new_orgs.items():
            r = plan.row
            orgs.append(Organization(
                code=code, name=r["name"], kind=r["kind"], sector_id=self.sector_ids.get(r["sector"]),
                staff_headcount=r["staff_headcount"], hardship_area=r["hardship_area"],
                established_on=r["established_on"], established_decision=r["established_decision"],
                dissolved_on=r["dissolved_on"], dissolved_decision=r["dissolved_decision"],
                address=r["address"], phone=r["phone"], email=r["email"], path=None, depth=0,
                committee_name=r["committee_name"], place_name=r["place_name"],
            ))  # fmt: skip
        Organization.objects.bulk_create(orgs, batch_size=CHUNK)
        # Every organization of this installation the import has met (by the file, or through
        # the stored history of a member it adds events to), and the new ones.
        self.org_id = {code: pk for pk, code in self.code_of.items()}
        self.org_id.update({c: o.pk for c, o in self.existing_orgs.items()})
        self.org_id.update({o.code: o.pk for o in orgs})

        def path_of(chain: list[str]) -> str:
            return "".join(_segment(self.org_id[c]) for c in chain)

        for org in orgs:
            chain = self.current_chain[org.code]
            org.path = path_of(chain)
            org.depth = len(chain) - 1
            parent = self.new_orgs[org.code].row["parent"]
            org.parent_id = self.org_id[parent] if parent else None
        Organization.objects.bulk_update(orgs, ["parent", "path", "depth"], batch_size=CHUNK)
        self.org_path = {o.code: o.path for o in self.existing_orgs.values()}
        self.org_path.update({o.code: o.path for o in orgs})
        positions, events = [], []
        for org in orgs:
            plan = self.new_orgs[org.code]
            for pos, chain in zip(plan.positions, self.position_chains[org.code], strict=True):
                positions.append(TreePosition(
                    organization_id=org.pk, parent_id=self.org_id[pos["parent"]] if pos["parent"] else None,
                    path=path_of(chain), depth=len(chain) - 1, name=pos["name"], kind=pos["kind"],
                    valid_from=pos["valid_from"], valid_until=pos["valid_until"],
                ))  # fmt: skip
            for r in plan.events:
                events.append(OrgEvent(
                    organization_id=org.pk, kind=r["kind"], happened_on=r["happened_on"],
                    decision_number=r["decision_number"], decision_signed_on=r["decision_signed_on"],
                    decision_issuer=r["decision_issuer"],
                    related_id=self.org_id[r["related"]] if r["related"] else None,
                    details=json.loads(r["details"]) if r["details"] else {},
                    note=r["note"],
                ))  # fmt: skip
            self._audit("organizations.imported", org, org.path)
        TreePosition.objects.bulk_create(positions, batch_size=2000)
        OrgEvent.objects.bulk_create(events, batch_size=2000)

    def _write_users(self) -> dict[str, int]:
        User = get_user_model()
        users = []
        for r in self.new_users:
            user = User(username=r["username"], first_name=r["full_name"][:150], last_name="",
                        email=r["email"], is_active=r["is_active"])  # fmt: skip
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users, batch_size=CHUNK)
        ids = {n: u.pk for n, u in self.existing_users.items()}
        ids.update({u.username.lower(): u.pk for u in users})
        for user in users:
            self._audit("accounts.user_imported", user, self._user_org_path(user), after={
                "username": user.username, "full_name": user.first_name, "email": user.email,
                "is_active": user.is_active,
            })  # fmt: skip
        return ids

    def _user_org_path(self, user) -> str:
        """Where a new user's entry is filed: their member's organization, else that of their
        first role in the file, else the organization the import is made at (or the file's root)."""
        name = user.username.lower()
        if name in self.links:
            path = self.org_path_of(self.member_org_code(self.links[name], last=True))
            if path:
                return path
        for row in self.new_roles:
            if row["username"].lower() == name:
                return self.org_path_of(row["organization"])
        if self.within is not None:
            return self.within.path or ""
        return self.org_path_of(self.result.root_code)

    def _write_members(self, user_ids: dict[str, int]) -> None:
        """Members, their events and derived states: many rows, written with ``core.bulk``.

        Written a chunk of ``WRITE_CHUNK`` members at a time (their rows and audit entries), and
        the events and states streamed from the plans: the rows to write never all sit in memory
        beside the plans they are made from.
        """
        link_of = {uid: user_ids[name] for name, uid in self.links.items()}
        plans = [p for p in self.member_plans.values() if p.existing is None and p.row is not None]
        # The audit entries are filed under the member's organization, wherever it is.
        wanted = {p.derived.get("organization") for p in self.member_plans.values()}
        wanted -= set(self.org_path) | {None, ""}
        for chunk in _chunks(wanted):
            self.org_path.update(
                Organization.objects.filter(code__in=chunk).values_list("code", "path")
            )
        ids = reserve_ids(Member, len(plans))
        member_id = {u: m.pk for u, m in self.existing_members.items()}
        for start in range(0, len(plans), WRITE_CHUNK):
            member_rows, audit_rows = [], []
            for pk, plan in zip(
                ids[start : start + WRITE_CHUNK], plans[start : start + WRITE_CHUNK], strict=True
            ):
                member_id[plan.uid] = pk
                values = self._member_values(plan, pk, link_of.get(plan.uid))
                member_rows.append([values[f] for f in MEMBER_FIELDS])
                audit_rows.append(self._audit_row(
                    "members.imported", "members.member", pk, plan.row["full_name"],
                    self.org_path_of(self.member_org_code(plan.uid, last=True)), _json_safe(values),
                ))  # fmt: skip
            insert_rows(Member, MEMBER_FIELDS, member_rows)
            insert_rows(AuditEntry, AUDIT_FIELDS, audit_rows)
        del plans, ids
        for uid, user_id in link_of.items():
            if uid in self.existing_members:
                Member.objects.filter(pk=member_id[uid]).update(user_id=user_id)
        self.member_id = member_id
        rebuilt = [
            p for p in self.member_plans.values() if p.states is not None and p.existing is not None
        ]
        if rebuilt:
            MemberState.objects.filter(member_id__in=[member_id[p.uid] for p in rebuilt]).delete()
            for plan in rebuilt:
                d = plan.derived
                Member.objects.filter(pk=member_id[plan.uid]).update(
                    status=d["status"],
                    admitted_on=d["admitted_on"],
                    official_on=d["official_on"],
                    probation_ends_on=plan.probation_ends_on,
                    organization_id=self.org_id[d["organization"]] if d["organization"] else None,
                )
                self.audit_rows.append(self._audit_row(
                    "members.events_imported", "members.member", plan.existing.pk,
                    plan.existing.full_name,
                    self.org_path_of(self.member_org_code(plan.uid, last=True)),
                    {"events": len(plan.new_events)},
                ))  # fmt: skip
        insert_rows(MemberEvent, EVENT_FIELDS, self._event_rows())
        insert_rows(MemberState, STATE_FIELDS, self._state_rows())

    def _member_values(self, plan: _MemberPlan, pk: int, user_id: int | None) -> dict[str, Any]:
        r, derived = plan.row, plan.derived
        org = derived.get("organization")
        return {
            **{k: r[k] for k in MEMBER_COPIED_FIELDS},
            "id": pk, "uid": uuid.UUID(plan.uid), "created_at": self.now, "updated_at": self.now,
            "personal_id_number": r["personal_id_number"] or None,
            "card_number": r["card_number"] or None,
            "background_number": r["background_number"] or None,
            "name_sort_key": text.name_sort_key(r["full_name"]),
            "search_name": text.fold(r["full_name"]),
            "status": derived.get("status", ""),
            "organization_id": self.org_id[org] if org else None,
            "admitted_on": derived.get("admitted_on"), "official_on": derived.get("official_on"),
            "probation_ends_on": plan.probation_ends_on,
            "voided_at": R.start_of_day(r["voided_on"]), "user_id": user_id,
        }  # fmt: skip

    def _event_rows(self) -> Iterable[tuple]:
        """The new member events as rows, one at a time (``insert_rows`` streams them)."""
        for uid, plan in self.member_plans.items():
            pk = self.member_id[uid]
            for r in plan.new_events:
                yield (
                    pk, r["kind"], r["happened_on"],
                    self.org_id[r["organization"]] if r["organization"] else None,
                    r["other_party"], r["decision_number"], r["decision_signed_on"],
                    r["decision_issuer"], r.get("ceremony_on"), r.get("reason_code", ""),
                    r["grounds"], r["note"],
                    R.start_of_day(r["voided_on"]),
                    r["voided_reason"], self.now,
                )  # fmt: skip

    def _state_rows(self) -> Iterable[tuple]:
        """The derived member states as rows, one at a time."""
        for uid, plan in self.member_plans.items():
            if plan.states is None:
                continue
            pk = self.member_id[uid]
            for s in plan.states:
                yield (
                    pk, self.org_id[s.organization_id] if s.organization_id else None, s.status,
                    s.valid_from, s.valid_until,
                )  # fmt: skip

    def _audit_row(
        self, action: str, target_type: str, pk: int, label: str, org_path: str, after: dict
    ) -> tuple:
        return (
            self.now, self.actor_id, action, target_type, str(pk), str(label)[:300],
            org_path or "", None, after, self.note,
        )  # fmt: skip

    def _write_positions(self) -> None:
        Position.objects.bulk_create([
            Position(member_id=self.member_id[r["member"]], title=r["title"],
                     organization_id=self.org_id[r["organization"]], started_on=r["started_on"],
                     ended_on=r["ended_on"], decision_number=r["decision_number"])
            for r in sorted(self.new_positions, key=lambda r: (r["member"], r["started_on"], r.number))
        ], batch_size=2000)  # fmt: skip

    def _write_roles(self, user_ids: dict[str, int]) -> None:
        roles = [
            RoleAssignment(user_id=user_ids[r["username"].lower()], role=r["role"],
                           organization_id=self.org_id[r["organization"]],
                           modules=R.split_list(r["modules"]),
                           revoked_at=R.start_of_day(r["revoked_on"]))
            for r in self.new_roles
        ]  # fmt: skip
        RoleAssignment.objects.bulk_create(roles, batch_size=CHUNK)
        # granted_at is set on insert; the file's day replaces it.
        for role, r in zip(roles, self.new_roles, strict=True):
            role.granted_at = R.start_of_day(r["granted_on"])
        RoleAssignment.objects.bulk_update(roles, ["granted_at"], batch_size=CHUNK)


@keeps_refusals
def import_exchange(
    path: str | Path,
    *,
    actor,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    filename: str = "",
    within: Organization | None = None,
) -> ExchangeResult:
    """Import an exchange workbook (all or nothing); with ``dry_run``, check it and keep nothing.

    ``progress`` is called with the number of rows handled so far. The result
    lists every issue (sheet, row, column, value, message) and, per sheet,
    the rows created (or to be created), unchanged, in conflict and skipped.

    ``within``: the organization the import is made at (the web page, the
    API). Then nothing may be created outside its subtree: no organization,
    role, position or member (by their organization now), and no sector. A
    whole-installation import (the command line, a system administrator)
    passes None.
    """
    result = ExchangeResult(dry_run=dry_run)
    filename = filename or Path(path).name
    try:
        data = read_exchange(path, filename=filename)
    except SpreadsheetError as exc:
        result.issues.append(Issue("", None, "", "", exc.text))
        return result
    result.issues.extend(data.issues)
    result.version = data.version
    result.root_code = R.clean_text(data.info.get("root_code"))
    if not data.ok:
        return result
    job = _Import(data, result, actor=actor, filename=filename, within=within)
    try:
        with transaction.atomic():
            job.plan(progress)
            if not result.ok or not result.total("created"):
                return result
            # The rows go in without recomputing each record's deadlines; all are recomputed
            # once, in the same transaction (``deadlines.store``).
            with deadline_store.deferred(rebuild_all=True) as deadlines:
                job.write(progress)
                if not result.ok or dry_run:
                    deadlines.cancel()
            if not result.ok:  # what the domain derives from the written records disagrees
                transaction.set_rollback(True)
                return result
            _summary(job, result)
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        result.issues.append(Issue("", None, "", "", (
            f"Cơ sở dữ liệu từ chối dữ liệu của tệp ({exc.__class__.__name__}): "
            f"{str(exc)[:300]}. Không có gì được ghi."
        )))  # fmt: skip
        return result
    result.written = not dry_run
    return result


def _summary(job: _Import, result: ExchangeResult) -> None:
    root = (
        job.existing_orgs.get(result.root_code)
        or Organization.objects.filter(code=result.root_code).first()
    )
    AuditEntry.objects.create(
        actor_id=job.actor_id, action="exchange.imported",
        target_type=root._meta.label_lower if root else "exchange.workbook",
        target_id=str(root.pk) if root else "", target_repr=str(root)[:300] if root else job.filename,
        org_path=root.path if root else (job.within.path if job.within else ""),
        after={"file": job.filename, "version": result.version, "counts": result.counts},
        note=f"Nhập từ tệp trao đổi {job.filename}".strip(),
    )  # fmt: skip
