"""Reading an office's spreadsheet into the registry: detect, map, check, plan, write.

One code path serves the dry run and the import. ``run`` reads every mapped
sheet (organizations first, so members can name cells the same file creates),
checks each row with the registry's own checks (``members.services.check_draft``,
``organizations.services.found_organization``, ``quality.rules``), matches it
to the records already there and decides: create, update, unchanged, confirm
(matched only by name, birth date and cell) or error. Inside one transaction it
then writes (an import) or rolls everything back (a dry run), so what the dry
run shows is exactly what the import will do.

A member list (no organization sheet) imported with ``Context.pending_reason``
is written in chunks instead, each chunk in its own short transaction so other
writers get the database between them: new members go in marked with that
reason (voided, so no list, count or search shows them) and every update is
noted in ``Context.undo``. The caller then publishes the job's members at once
(``members.services.publish_registered``) or, when the run stops, takes the
chunks back (``members.services.withdraw_registered`` and ``undo_updates``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F, Q

from dangbo.audit.services import keeps_refusals, record_refusal
from dangbo.core import codes, text
from dangbo.core.bulk import AnyOf, pairs_in
from dangbo.core.formatting import fmt_date
from dangbo.core.spreadsheets import Formula, Issue
from dangbo.deadlines import store as deadline_store
from dangbo.members import services as member_services
from dangbo.members.models import Member
from dangbo.organizations import services as org_services
from dangbo.organizations.models import CELL_KINDS, Organization, Sector
from dangbo.organizations.selectors import path_range

from .fields import (
    IGNORED_HEADERS,
    CellError,
    FieldSpec,
    blank,
    fields_for,
    fold_header,
    guess_kind,
    match_header,
)

HEADER_SCAN_ROWS = 30
SAMPLE_ROWS = 3
CHUNK = 2000
ORG_CODE_USED = "Mã tổ chức này đã được dùng; liên hệ cấp ủy cấp trên."
MAX_ISSUES = 100_000  # a file this broken is reported up to here, then summarised
# Between a cell's name and its parent's in a member list: "Chi bộ Văn phòng – Đảng bộ …".
NAME_PARENT_SEPARATOR = re.compile(r"\s+[-–—]\s+")


class Abort(Exception):
    """Raised inside the transaction to roll an all-or-nothing import back."""


# -- detecting the header row and mapping ---------------------------------------------


# Fields whose values are codes of a list of names (core.codes), not choices of the field.
_CODE_LISTS = {
    "ethnicity": "ethnicity",
    "religion": "religion",
    "general_education": "general_education",
}


def _value_text(model: type, key: str, value: Any) -> str:
    """Return a value as the dry run shows it: a choice or a listed code by its name ("Nữ", "Tày")."""
    if value not in (None, "") and key in _CODE_LISTS:
        return codes.name_of(_CODE_LISTS[key], str(value))
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return _as_text(value)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, Formula):
        value = value.value if value.value is not None else value.expression
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return fmt_date(value.date())
    if isinstance(value, dt.date):
        return fmt_date(value)
    return str(value)[:200]


def detect(workbook) -> dict[str, Any]:
    """Find each sheet's header row and kind, map its columns; return the job's ``mapping``."""
    sheets = []
    for name in workbook.sheet_names:
        head: list[tuple[int, list[Any]]] = []
        for number, cells in workbook.rows(name):
            head.append((number, cells))
            if len(head) >= HEADER_SCAN_ROWS:
                break
        best = (None, 0, None, -1)  # kind, matched, row number, index in head
        for index, (number, cells) in enumerate(head):
            kind, matched = guess_kind(cells)
            if kind and matched > best[1]:
                best = (kind, matched, number, index)
        kind, _, header_row, index = best
        if kind is None:
            sheets.append({"name": name, "kind": None, "header_row": None, "columns": []})
            continue
        specs = fields_for(kind)
        headers = head[index][1]
        samples = head[index + 1 : index + 1 + SAMPLE_ROWS]
        columns = []
        used: set[str] = set()
        for col, header in enumerate(headers):
            if blank(header):
                continue
            key = match_header(header, specs)
            if key in used:
                key = None  # a second column for the same field: the user decides
            if key:
                used.add(key)
            columns.append({
                "index": col,
                "header": _as_text(header),
                "field": key,
                "ignored": key is None and fold_header(header) in IGNORED_HEADERS,
                "samples": [_as_text(cells[col]) if col < len(cells) else "" for _, cells in samples],
            })  # fmt: skip
        sheets.append({"name": name, "kind": kind, "header_row": header_row, "columns": columns})
    return {"sheets": sheets}


def mapping_problems(mapping: dict[str, Any]) -> list[str]:
    """What stops the import from starting: no usable sheet, unknown headers, required fields absent."""
    problems = []
    usable = [s for s in mapping.get("sheets", []) if s.get("kind")]
    if not usable:
        problems.append(
            "Không nhận ra trang tính nào: cần một hàng tiêu đề có «Họ và tên» và «Ngày sinh» "
            "(danh sách đảng viên) hoặc «Mã tổ chức» và «Tên tổ chức» (danh sách tổ chức)."
        )
    for sheet in usable:
        mapped = {c["field"] for c in sheet["columns"] if c.get("field")}
        unknown = [
            c["header"] for c in sheet["columns"] if not c.get("field") and not c.get("ignored")
        ]
        if unknown and not sheet.get("confirmed"):
            problems.append(
                f"Trang «{sheet['name']}»: chưa nhận ra cột {', '.join(f'«{h}»' for h in unknown)}."
            )
        needed = {"full_name", "date_of_birth"} if sheet["kind"] == "members" else {"code"}
        missing = needed - mapped
        if missing:
            labels = {s.key: s.label for s in fields_for(sheet["kind"])}
            problems.append(
                f"Trang «{sheet['name']}»: thiếu cột {', '.join(labels[k] for k in sorted(missing))}."
            )
    return problems


# -- results ---------------------------------------------------------------------------------


@dataclass
class RowResult:
    sheet: str
    row: int
    kind: str
    action: str  # CREATE, UPDATE, UNCHANGED, CONFIRM, CONFLICT, ERROR
    label: str
    target_id: int | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # The changes of name, birth date, sex or an identity number, listed apart: {label: [before, after]}.
    identity_changes: dict[str, list[str]] = field(default_factory=dict)
    # A conflict's record and row side by side: [[label, in the registry, in the file], ...].
    comparison: list[list[str]] = field(default_factory=list)


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    by_sheet: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False

    def add(self, result: RowResult) -> None:
        for bucket in (self.counts, self.by_sheet.setdefault(result.sheet, {})):
            bucket[result.action] = bucket.get(result.action, 0) + 1
            bucket["rows"] = bucket.get("rows", 0) + 1
        errors = sum(1 for i in result.issues if i.is_error)
        self.counts["errors"] = self.counts.get("errors", 0) + errors
        self.counts["warnings"] = self.counts.get("warnings", 0) + len(result.issues) - errors

    @property
    def error_rows(self) -> int:
        return self.counts.get("ERROR", 0)


class Sink:
    """Receives every row's result (the dry run stores them; the CLI prints progress)."""

    def row(self, result: RowResult) -> None:  # pragma: no cover - interface
        pass

    def issue(self, issue: Issue) -> None:  # pragma: no cover - interface
        pass


class KeptRows:
    """A member list's rows as its check parsed and judged them, kept chunk by chunk in a
    temporary file (the memory stays flat however long the file), for the import that follows
    to write from: the file is read and checked once.

    Each row is kept as parsed (values, the cells, the issues of its cells) and, for a row the
    check found new, what checking it gave (``MemberRows._new``). The import still matches
    every row against the registry as it is then, chunk by chunk, and decides it again.
    """

    def __init__(self) -> None:
        # Closed (and so removed) by ``close``, or by leaving a ``with`` block.
        self.file = tempfile.TemporaryFile(prefix="dangbo-import-")  # noqa: SIM115
        self.chunks: dict[str, list[int]] = {}  # sheet -> where its chunks start in the file

    def add(self, sheet: str, rows: list[tuple]) -> None:
        self.file.seek(0, 2)
        self.chunks.setdefault(sheet, []).append(self.file.tell())
        pickle.dump(rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def has(self, sheet: str) -> bool:
        return sheet in self.chunks

    def read(self, sheet: str) -> Iterator[list[tuple]]:
        for start in self.chunks.get(sheet, []):
            self.file.seek(start)
            yield pickle.load(self.file)  # written by this process, moments before

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> KeptRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the run ------------------------------------------------------------------------------


@dataclass
class Context:
    root: Organization
    actor: Any
    file_label: str
    write: bool
    valid_only: bool
    confirm_matches: bool
    today: dt.date
    progress: Callable[[int], None] | None = None
    # Set for a chunked import of a member list: the mark its new members carry until published.
    pending_reason: str = ""
    # What a chunked import changed on existing members: (member id, values before).
    undo: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # Called inside the transaction of each such change, to keep it where a restart finds it.
    keep_undo: Callable[[int, dict[str, Any]], None] | None = None
    # The user's decisions on conflicting rows: {decision_key(sheet, row): SAME_PERSON | DIFFERENT_PERSON}.
    decisions: dict[str, str] = field(default_factory=dict)
    # A check of a member list before its chunked import keeps its rows here (``keep``); the
    # import then writes from them (``replay``) instead of reading and checking the file again.
    keep: KeptRows | None = None
    replay: KeptRows | None = None


# A row matched by a card or identity number whose name, birth date or sex disagrees with the
# record: a conflict, decided row by row.
SAME_PERSON = "same"
DIFFERENT_PERSON = "different"
DECISIONS = {SAME_PERSON: "Cùng một người: cập nhật", DIFFERENT_PERSON: "Khác người: báo lỗi"}


def decision_key(sheet: str, row: int) -> str:
    """The key of a row's decision: "sheet:row"."""
    return f"{sheet}:{row}"


def writes_in_chunks(mapping: dict[str, Any]) -> bool:
    """Whether an import of ``mapping`` can be written chunk by chunk (member lists only)."""
    kinds = {s["kind"] for s in mapping.get("sheets", []) if s.get("kind")}
    return kinds == {"members"}


@keeps_refusals
def run(workbook, mapping: dict[str, Any], ctx: Context, sink: Sink) -> Outcome:
    """Check (and, when ``ctx.write``, import) every mapped sheet inside one transaction,
    or chunk by chunk for a member list given ``ctx.pending_reason``."""
    outcome = Outcome()
    sheets = [s for s in mapping.get("sheets", []) if s.get("kind")]
    sheets.sort(key=lambda s: 0 if s["kind"] == "organizations" else 1)
    chunked = ctx.write and bool(ctx.pending_reason) and writes_in_chunks(mapping)
    stop_at_error = chunked and not ctx.valid_only
    # The rows go in without recomputing each member's deadlines; all are recomputed once
    # the import is kept (``deadlines.store``).
    with deadline_store.deferred(rebuild_all=True) as deadlines:
        _run_sheets(workbook, sheets, ctx, sink, outcome, chunked, stop_at_error)
        # A chunked import keeps the chunks written before it stopped.
        if not ctx.write or (not chunked and not outcome.written):
            deadlines.cancel()
    return outcome


def _run_sheets(workbook, sheets, ctx: Context, sink: Sink, outcome: Outcome, chunked: bool,
                stop_at_error: bool) -> None:  # fmt: skip
    try:
        with contextlib.nullcontext() if chunked else transaction.atomic():
            orgs = OrgIndex(ctx.root)
            done = 0
            for sheet in sheets:
                importer_class = (
                    OrganizationRows if sheet["kind"] == "organizations" else MemberRows
                )
                importer = importer_class(ctx, orgs)
                importer.sheet_name = sheet["name"]
                for result in importer.process(_mapped_rows(workbook, sheet)):
                    outcome.add(result)
                    sink.row(result)
                    for issue in result.issues:
                        sink.issue(issue)
                    done += 1
                    if ctx.progress and done % 500 == 0:
                        ctx.progress(done)
                    if stop_at_error and result.action in ("ERROR", "CONFLICT"):
                        raise Abort  # the file was clean when checked: something changed since
                importer.finish()
            if ctx.progress:
                ctx.progress(done)
            if not ctx.write:
                raise Abort
            if (outcome.error_rows or outcome.counts.get("CONFLICT")) and not ctx.valid_only:
                raise Abort
            outcome.written = True
    except Abort:
        outcome.written = False


def _mapped_rows(
    workbook, sheet: dict[str, Any]
) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
    """Yield (row number, {field: raw value}, {field: header}) for the rows under the header."""
    columns = [(c["index"], c["field"], c["header"]) for c in sheet["columns"] if c.get("field")]
    headers = {key: header for _, key, header in columns}
    header_row = sheet["header_row"] or 0
    for number, cells in workbook.rows(sheet["name"]):
        if number <= header_row:
            continue
        values = {key: cells[index] if index < len(cells) else None for index, key, _ in columns}
        if all(blank(v) for v in values.values()):
            continue
        yield number, values, headers


def _parse_row(
    specs: dict[str, FieldSpec],
    sheet: str,
    number: int,
    raw: dict[str, Any],
    headers: dict[str, str],
) -> tuple[dict[str, Any], list[Issue]]:
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for key, value in raw.items():
        if blank(value):
            continue
        try:
            values[key] = specs[key].parse(value)
        except CellError as exc:
            issues.append(Issue(sheet, number, headers[key], _as_text(value), str(exc)))
    return values, issues


def _domain_issues(
    exc: ValidationError, sheet: str, number: int, headers: dict[str, str], raw: dict[str, Any],
    field_of: dict[str, str],
) -> list[Issue]:  # fmt: skip
    issues = []
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            target = field_of.get(key, key)
            for message in messages:
                issues.append(
                    Issue(
                        sheet, number, headers.get(target, ""), _as_text(raw.get(target)), message
                    )
                )
    else:
        for message in exc.messages:
            issues.append(Issue(sheet, number, "", "", message))
    return issues


def _shown_value(key: str, value: Any) -> str:
    """A member field's value as a page shows it (a choice or a listed code by its name)."""
    return _value_text(Member, key, value)


def _shown(member: Member, key: str) -> str:
    return _shown_value(key, getattr(member, key))


# -- organizations ---------------------------------------------------------------------


class OrgIndex:
    """The organizations an import may name: the scope's subtree, plus those it creates."""

    def __init__(self, root: Organization):
        self.root = root
        self.by_code: dict[str, Organization] = {}
        self.cells_by_name: dict[str, list[Organization]] = {}
        for org in Organization.objects.filter(path_range(root.path)).select_related("parent"):
            self.add(org)

    def add(self, org: Organization) -> None:
        self.by_code[org.code.upper()] = org
        if org.kind in CELL_KINDS:
            self.cells_by_name.setdefault(fold_header(org.name), []).append(org)

    def cells_named(self, written: str) -> list[Organization]:
        """The cells of the subtree a file names by ``written``: their name alone, or their name
        and their parent's, "Chi bộ Văn phòng – Đảng bộ Hội Nông dân tỉnh" (with "-", "–" or
        "—" between spaces; a cell's own name may hold such a dash, so each is tried)."""
        found = self.cells_by_name.get(fold_header(written), [])
        if found:
            return found
        for match in NAME_PARENT_SEPARATOR.finditer(written):
            name, parent = written[: match.start()], written[match.end() :]
            folded_parent = fold_header(parent)
            found = [
                cell for cell in self.cells_by_name.get(fold_header(name), [])
                if cell.parent is not None and fold_header(cell.parent.name) == folded_parent
            ]  # fmt: skip
            if found:
                return found
        return []

    def outside(self, code: str) -> Organization | None:
        """The organization outside the subtree that holds ``code``, if any."""
        return Organization.objects.filter(code__iexact=code).first()


ORG_COMPARED = (
    "sector",
    "staff_headcount",
    "hardship_area",
    "address",
    "phone",
    "email",
    "established_decision",
    "committee_name",
    "place_name",
)


class OrganizationRows:
    """Rows of an organization list: matched by code; new ones founded under their parent."""

    kind = "organizations"

    def __init__(self, ctx: Context, orgs: OrgIndex):
        self.ctx = ctx
        self.orgs = orgs
        self.specs = {s.key: s for s in fields_for("organizations")}
        self.sectors = {}
        for sector in Sector.objects.all():
            self.sectors[fold_header(sector.code)] = sector
            self.sectors[fold_header(sector.name)] = sector
        self.seen: dict[str, int] = {}

    def process(self, rows) -> Iterator[RowResult]:
        # Parents first: a file may list a cell before its đảng bộ.
        pending = list(rows)
        order = {}
        for number, raw, _ in pending:
            code = raw.get("code")
            if not blank(code):
                order[str(_as_text(code)).strip().upper()] = number
        done: set[int] = set()
        while True:
            progressed = False
            for number, raw, headers in pending:
                if number in done:
                    continue
                parent = _as_text(raw.get("parent")).strip().upper()
                if parent in order and order[parent] not in done and order[parent] != number:
                    continue
                done.add(number)
                progressed = True
                yield self.one(number, raw, headers)
            if not progressed:
                break
        for number, raw, headers in pending:  # a cycle of parents in the file
            if number not in done:
                yield RowResult(self.sheet_name, number, self.kind, "ERROR", _as_text(raw.get("name")), issues=[
                    Issue(self.sheet_name, number, headers.get("parent", ""), _as_text(raw.get("parent")),
                          "Tổ chức cấp trên tạo thành vòng lặp trong tệp.")
                ])  # fmt: skip

    sheet_name = ""

    def finish(self) -> None:
        pass

    def one(self, number: int, raw: dict[str, Any], headers: dict[str, str]) -> RowResult:
        sheet = self.sheet_name
        values, issues = _parse_row(self.specs, sheet, number, raw, headers)
        code = values.get("code", "")
        label = f"{code} {values.get('name', '')}".strip()
        result = RowResult(sheet, number, self.kind, "ERROR", label, issues=issues)
        if not code:
            if "code" not in {i.column for i in issues}:
                issues.append(
                    Issue(sheet, number, headers.get("code", "Mã tổ chức"), "", "Thiếu mã tổ chức.")
                )
            return result
        if code in self.seen:
            issues.append(
                Issue(
                    sheet,
                    number,
                    headers["code"],
                    code,
                    f"Mã tổ chức trùng với dòng {self.seen[code]}.",
                )
            )
            return result
        self.seen[code] = number
        sector = None
        if "sector" in values:
            sector = self.sectors.get(fold_header(values["sector"]))
            if sector is None:
                issues.append(
                    Issue(
                        sheet,
                        number,
                        headers["sector"],
                        values["sector"],
                        "Loại hình không có trong danh mục.",
                    )
                )
        if any(i.is_error for i in issues):
            return result
        existing = self.orgs.by_code.get(code)
        holder = self.orgs.outside(code) if existing is None else None
        if holder is not None:
            record_refusal(
                actor=self.ctx.actor, action="organizations.duplicate_refused", target=holder,
                org_path=holder.path or "", after={"field": "code", "value": code},
                note=f"Từ chối tạo tổ chức mã {code} (đã dùng cho tổ chức này) từ tệp "
                f"{self.ctx.file_label} tại «{self.ctx.root.name}».",
            )  # fmt: skip
            issues.append(Issue(sheet, number, headers["code"], code, ORG_CODE_USED))
            return result
        fields = {k: values[k] for k in ORG_COMPARED if k in values and k != "sector"}
        if sector is not None:
            fields["sector"] = sector
        if existing is not None:
            return self._update(existing, values, fields, result, headers)
        return self._create(values, fields, result, headers, number)

    def _update(self, org, values, fields, result: RowResult, headers) -> RowResult:
        sheet, number = result.sheet, result.row
        result.target_id = org.pk
        for key, current in (("name", org.name), ("kind", org.kind)):
            if key in values and values[key] != current:
                shown = org.get_kind_display() if key == "kind" else current
                result.issues.append(Issue(sheet, number, headers[key], _as_text(values[key]), (
                    f"Khác với hồ sơ («{shown}»): đổi tên, đổi loại tổ chức là sự kiện có ngày hiệu lực, "
                    "ghi trên trang của tổ chức."
                )))  # fmt: skip
        if "parent" in values and (org.parent.code if org.parent_id else "") != values["parent"]:
            result.issues.append(Issue(sheet, number, headers["parent"], values["parent"], (
                f"Khác với cấp trên hiện tại ({org.parent.code if org.parent_id else 'không có'}): "
                "chuyển trực thuộc là sự kiện có ngày hiệu lực, ghi trên trang của tổ chức."
            )))  # fmt: skip
        if "established_on" in values and values["established_on"] != org.established_on:
            result.issues.append(Issue(sheet, number, headers["established_on"], fmt_date(values["established_on"]),
                                       f"Khác với ngày thành lập trong hồ sơ ({fmt_date(org.established_on)})."))  # fmt: skip
        if result.issues:
            return result
        changes = {}
        for key, value in fields.items():
            current = getattr(org, key)
            if (current or "") != (value or "") and current != value:
                changes[key] = value
        if not changes:
            result.action = "UNCHANGED"
            return result
        result.action = "UPDATE"
        labels = {s.key: s.label for s in self.specs.values()}
        result.changes = {
            labels[k]: [
                _value_text(Organization, k, getattr(org, k)),
                _value_text(Organization, k, v),
            ]
            for k, v in changes.items()
        }
        try:
            with transaction.atomic():
                org_services.update_organization(actor=self.ctx.actor, org=org, **changes)
        except ValidationError as exc:
            result.action = "ERROR"
            result.issues.extend(_domain_issues(exc, sheet, number, headers, values, {}))
        return result

    def _create(self, values, fields, result: RowResult, headers, number) -> RowResult:
        sheet = result.sheet
        for key in ("name", "kind", "established_on", "parent"):
            if key not in values and not any(i.column == headers.get(key) for i in result.issues):
                label = {s.key: s.label for s in self.specs.values()}[key]
                result.issues.append(
                    Issue(sheet, number, headers.get(key, label), "", f"Tổ chức mới cần «{label}».")
                )
        if result.issues:
            return result
        parent = self.orgs.by_code.get(values["parent"])
        if parent is None:
            # The same words whether the code exists outside the subtree or nowhere.
            message = "Không có tổ chức cấp trên với mã này trong phạm vi quản lý (hoặc trong tệp)."
            result.issues.append(Issue(sheet, number, headers["parent"], values["parent"], message))
            return result
        try:
            with transaction.atomic():
                org = org_services.found_organization(
                    actor=self.ctx.actor, code=values["code"], name=values["name"], kind=values["kind"],
                    parent=parent, established_on=values["established_on"],
                    decision={"number": values.get("established_decision", "")},
                    **{k: v for k, v in fields.items() if k != "established_decision"},
                )  # fmt: skip
        except ValidationError as exc:
            field_of = {"kind": "kind", "parent": "parent", "established_on": "established_on"}
            result.issues.extend(_domain_issues(exc, sheet, number, headers, values, field_of))
            return result
        self.orgs.add(org)
        result.action = "CREATE"
        result.target_id = org.pk
        return result


# -- members -------------------------------------------------------------------------


@dataclass
class ParsedMember:
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]
    headers: dict[str, str]
    issues: list[Issue]
    org: Organization | None = None
    folded_name: str = ""  # the name as a record's ``search_name`` holds it
    # What the check before the import found of a new member: (the issues the quality rules
    # added, ``checked_values``, the periods); the import reuses it (``Context.replay``).
    checked: tuple | None = None

    def kept(self, parsed: list[Issue]) -> tuple:
        """The row as ``KeptRows`` keeps it: as parsed (``parsed``, its cells' issues) and checked."""
        return (self.number, self.values, self.raw, self.headers, parsed, self.checked)


class MemberRows:
    """Rows of a member register: matched by card, then identity number, then name + birth + cell."""

    kind = "members"
    sheet_name = ""

    def __init__(self, ctx: Context, orgs: OrgIndex):
        self.ctx = ctx
        self.orgs = orgs
        self.specs = {s.key: s for s in fields_for("members")}
        self.labels = {s.key: s.label for s in self.specs.values()}
        # The records the current chunk's rows may match (``_lookup``): one query per chunk.
        self.by_card: dict[str, tuple[int, str]] = {}
        self.by_pid: dict[str, tuple[int, str]] = {}
        self.by_background: dict[str, int] = {}
        self.by_name: dict[tuple[str, dt.date, int], list[int]] = {}
        self.seen_card: dict[str, int] = {}
        self.seen_pid: dict[str, int] = {}
        self.seen_background: dict[str, int] = {}
        self.seen_name: dict[tuple[str, dt.date, int], int] = {}
        self.drafts: list[member_services.MemberDraft] = []
        self.default_org = ctx.root if ctx.root.kind in CELL_KINDS else None

    def finish(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if self.drafts and self.ctx.write:
            member_services.register_members(
                actor=self.ctx.actor, drafts=self.drafts, pending_reason=self.ctx.pending_reason
            )
        self.drafts = []

    def process(self, rows) -> Iterator[RowResult]:
        replay = self.ctx.replay
        if replay is not None and replay.has(self.sheet_name):
            # The rows the check kept: not read nor parsed again (``KeptRows``).
            for kept in replay.read(self.sheet_name):
                yield from self._chunk([
                    ParsedMember(number, values, raw, headers, list(parsed), checked=checked)
                    for number, values, raw, headers, parsed, checked in kept
                ])  # fmt: skip
            return
        chunk: list[ParsedMember] = []
        for number, raw, headers in rows:
            values, issues = _parse_row(self.specs, self.sheet_name, number, raw, headers)
            chunk.append(ParsedMember(number, values, raw, headers, issues))
            if len(chunk) >= CHUNK:
                yield from self._chunk(chunk)
                chunk = []
        if chunk:
            yield from self._chunk(chunk)

    def _issue(self, row: ParsedMember, key: str, message: str, severity: str = "error") -> Issue:
        return Issue(self.sheet_name, row.number, row.headers.get(key, self.labels.get(key, "")),
                     _as_text(row.raw.get(key)), message, severity)  # fmt: skip

    def _refuse(self, row: ParsedMember, key: str, holder_pk: int) -> str:
        """The neutral message for a number another record holds; the attempt logged above it."""
        holder = Member.objects.select_related("organization").filter(pk=holder_pk).first()
        name = row.values.get("full_name") or f"dòng {row.number}"
        return member_services.refuse_duplicate(
            self.ctx.actor, holder, key, row.values[key],
            attempt=f"«{name}» (tệp {self.ctx.file_label}, dòng {row.number}) tại «{self.ctx.root.name}»",
        )  # fmt: skip

    def _resolve_org(self, row: ParsedMember) -> None:
        values = row.values
        code = values.get("organization_code")
        if code:
            org = self.orgs.by_code.get(code)
            if org is None:
                # The same words whether the code exists outside the subtree or nowhere.
                message = "Không có chi bộ với mã này trong phạm vi quản lý."
                row.issues.append(self._issue(row, "organization_code", message))
                return
            row.org = org
            return
        name = values.get("organization")
        if name:
            org = self.orgs.by_code.get(name.upper())
            if org is None:
                found = self.orgs.cells_named(name)
                active = [o for o in found if o.dissolved_on is None] or found
                if len(active) == 1:
                    org = active[0]
                elif len(active) > 1:
                    names = "; ".join(f"«{o.label}»" for o in active[:10])
                    more = f" và {len(active) - 10} chi bộ khác" if len(active) > 10 else ""
                    row.issues.append(self._issue(row, "organization", (
                        f"Có {len(active)} chi bộ cùng tên trong phạm vi: {names}{more}. Ghi tên chi bộ "
                        f"kèm tên tổ chức cấp trên, ví dụ «{active[0].label}»."
                    )))  # fmt: skip
                    return
            if org is None:
                row.issues.append(
                    self._issue(
                        row, "organization", "Không tìm thấy chi bộ này trong phạm vi quản lý."
                    )
                )
                return
            row.org = org
            return
        row.org = self.default_org

    def _lookup(self, chunk: list[ParsedMember]) -> None:
        """Load the records the rows of ``chunk`` may match, by card, identity or background
        number, or by name and birth date, in one query (and not the whole registry)."""
        cards, pids, backgrounds, names, named = set(), set(), set(), set(), []
        for row in chunk:
            values = row.values
            if values.get("card_number"):
                cards.add(values["card_number"])
            if values.get("personal_id_number"):
                pids.add(values["personal_id_number"])
            if values.get("background_number"):
                backgrounds.add(values["background_number"])
            if "full_name" in values and "date_of_birth" in values:
                row.folded_name = text.fold(values["full_name"])
                names.add(row.folded_name)
                named.append((row.folded_name, values["date_of_birth"]))
        self.by_card, self.by_pid, self.by_background, self.by_name = {}, {}, {}, {}
        # One array parameter per list (``AnyOf``), not one parameter per value.
        wanted = Q(pk__in=[])
        for name, found in (("card_number", cards), ("personal_id_number", pids),
                            ("background_number", backgrounds)):  # fmt: skip
            if found:
                wanted |= Q(AnyOf(F(name), sorted(found)))
        if named:  # each (name, birth date) of the chunk, not every name with every date
            wanted |= pairs_in(Member, "search_name", "date_of_birth", named)
        records = Member.objects.filter(wanted).order_by()
        if self.ctx.pending_reason:
            # This import's own rows, written by its earlier chunks: the file's duplicates
            # are found among the file's rows (``seen_*``), not here.
            records = records.exclude(
                voided_at__isnull=False, voided_reason=self.ctx.pending_reason
            )
        rows = records.values_list(
            "pk", "card_number", "personal_id_number", "background_number", "search_name",
            "date_of_birth", "organization_id", "organization__path", "voided_at",
        )  # fmt: skip
        root_path = self.ctx.root.path
        for pk, card, pid, background, name, born_on, org_id, path, voided in rows:
            where = path or ""
            if card in cards:
                self.by_card[card] = (pk, where)
            if pid in pids:
                self.by_pid[pid] = (pk, where)
            if background in backgrounds:
                self.by_background[background] = pk
            if org_id and not voided and where.startswith(root_path) and name in names:
                # A record voided (entered in error, or an import taken back) is nobody's
                # likely match by name; its numbers still match, with "restore it first".
                self.by_name.setdefault((name, born_on, org_id), []).append(pk)

    def _chunk(self, chunk: list[ParsedMember]) -> Iterator[RowResult]:
        keep = self.ctx.keep
        # The issues of the cells alone, before the checks below add theirs.
        parsed = [list(row.issues) for row in chunk] if keep is not None else []
        self._lookup(chunk)
        matched: dict[int, int] = {}  # row number -> member pk
        matched_by: dict[int, str] = {}  # row number -> the number that matched (field key)
        confirm: set[int] = set()
        for row in chunk:
            self._resolve_org(row)
            values = row.values
            target = None
            for key, table, seen in (("card_number", self.by_card, self.seen_card),
                                     ("personal_id_number", self.by_pid, self.seen_pid)):  # fmt: skip
                value = values.get(key)
                if not value:
                    continue
                if value in seen:
                    row.issues.append(
                        self._issue(row, key, f"Trùng với dòng {seen[value]} của tệp.")
                    )
                    continue
                seen[value] = row.number
                if target is None and value in table:
                    pk, where = table[value]
                    if not where.startswith(self.ctx.root.path):
                        row.issues.append(self._issue(row, key, self._refuse(row, key, pk)))
                        continue
                    target = pk
                    matched_by[row.number] = key
            background = values.get("background_number")
            if background:
                if background in self.seen_background:
                    row.issues.append(
                        self._issue(
                            row,
                            "background_number",
                            f"Trùng với dòng {self.seen_background[background]} của tệp.",
                        )
                    )
                self.seen_background.setdefault(background, row.number)
            if "full_name" in values and "date_of_birth" in values and row.org is not None:
                key = (row.folded_name, values["date_of_birth"], row.org.pk)
                if key in self.seen_name:
                    row.issues.append(self._issue(row, "full_name", (
                        f"Trùng họ tên, ngày sinh và chi bộ với dòng {self.seen_name[key]} của tệp."
                    )))  # fmt: skip
                else:
                    self.seen_name[key] = row.number
                    if target is None and len(self.by_name.get(key, [])) == 1:
                        target = self.by_name[key][0]
                        confirm.add(row.number)
            if target is not None:
                matched[row.number] = target
        members = {
            m.pk: m for m in Member.objects.select_related("organization")
            .filter(AnyOf(F("pk"), set(matched.values()))).order_by()
        } if matched else {}  # fmt: skip
        for row in chunk:
            member = members.get(matched.get(row.number))
            if member is not None:
                result = self._existing(
                    row, member, row.number in confirm, matched_by.get(row.number, "")
                )
            else:
                result = self._new(row)
            yield result
        if keep is not None:
            keep.add(self.sheet_name, [row.kept(p) for row, p in zip(chunk, parsed, strict=True)])
        if len(self.drafts) >= CHUNK:
            self._flush()

    def _disagreement(self, row: ParsedMember, member: Member) -> list[str]:
        """The fields of who the person is (folded name, birth date, sex) on which the row and
        the record it matched by a number disagree."""
        values = row.values
        found = []
        if "full_name" in values and text.fold(values["full_name"]) != text.fold(member.full_name):
            found.append("full_name")
        if "date_of_birth" in values and values["date_of_birth"] != member.date_of_birth:
            found.append("date_of_birth")
        if "sex" in values and values["sex"] != member.sex:
            found.append("sex")
        return found

    def _comparison(self, row: ParsedMember, member: Member, key: str) -> list[list[str]]:
        names = ["full_name", "date_of_birth", "sex", key]
        return [
            [self.labels.get(n, n), _shown(member, n), _shown_value(n, row.values[n])]
            for n in names
            if n in row.values
        ]

    def _existing(
        self, row: ParsedMember, member: Member, by_name: bool, matched_key: str = ""
    ) -> RowResult:
        result = RowResult(self.sheet_name, row.number, self.kind, "ERROR", member.full_name,
                           target_id=member.pk, issues=row.issues)  # fmt: skip
        values = row.values
        if member.is_voided:
            row.issues.append(
                self._issue(
                    row, "full_name", "Hồ sơ khớp với dòng này đã bị hủy: khôi phục trước khi nhập."
                )
            )
        for key, current in (
            ("admitted_on", member.admitted_on),
            ("official_on", member.official_on),
        ):
            if key in values and values[key] != current:
                row.issues.append(self._issue(row, key, (
                    f"Khác với hồ sơ ({fmt_date(current) if current else 'chưa có'}): ngày vào Đảng, ngày chính thức "
                    "đi theo sự kiện, sửa trên trang của đảng viên."
                )))  # fmt: skip
        if row.org is not None and member.organization_id and row.org.pk != member.organization_id:
            key = "organization_code" if "organization_code" in values else "organization"
            row.issues.append(self._issue(row, key, (
                f"Đảng viên đang sinh hoạt tại «{member.organization.name}»: chuyển sinh hoạt là sự kiện "
                "có ngày hiệu lực, ghi trên trang của đảng viên."
            )))  # fmt: skip
        conflict = [] if by_name else self._disagreement(row, member)
        decision = self.ctx.decisions.get(decision_key(self.sheet_name, row.number), "")
        if conflict:
            result.comparison = self._comparison(row, member, matched_key)
            if decision not in (SAME_PERSON, DIFFERENT_PERSON):
                shown = "; ".join(f"{label}: hệ thống «{a}», tệp «{b}»"
                                  for label, a, b in result.comparison if a != b)  # fmt: skip
                row.issues.append(self._issue(row, matched_key, (
                    f"Trùng {self.labels[matched_key].lower()} với đảng viên «{member.full_name}» nhưng "
                    f"có thể là người khác ({shown}): chưa cập nhật; cần quyết định cùng một người "
                    "hay khác người."
                ), "warning"))  # fmt: skip
            if decision == DIFFERENT_PERSON:
                what = ", ".join(self.labels[k].lower() for k in conflict)
                row.issues.append(self._issue(row, matched_key, (
                    f"Đã xác định là người khác với đảng viên «{member.full_name}» đang có "
                    f"{self.labels[matched_key].lower()} này (khác {what}): sửa số trong tệp."
                )))  # fmt: skip
        if any(i.is_error for i in row.issues):
            return result
        changes = {}
        for key in member_services.IDENTITY_FIELDS:
            if key in values:
                new = values[key]
                current = getattr(member, key)
                if key == "full_name":
                    new = text.normalize(new)
                if (current or "") != (new or ""):
                    changes[key] = new
        result.changes = {
            self.labels.get(k, k): [_shown(member, k), _shown_value(k, v)]
            for k, v in changes.items()
        }
        result.identity_changes = {
            self.labels.get(k, k): [_shown(member, k), _shown_value(k, v)]
            for k, v in changes.items()
            if k in member_services.PERSON_FIELDS
        }
        if conflict and decision != SAME_PERSON:
            # Never written until the user says the row and the record are the same person.
            result.action = "CONFLICT"
            if not self.ctx.write:
                self._check_update(result, row, member, changes)  # an error still shows as one
            return result
        if by_name:
            result.action = "CONFIRM"
            result.changes = {"Ghép theo": ["", "họ tên, ngày sinh và chi bộ"], **result.changes}
            if not self.ctx.confirm_matches:
                return result
        if not changes:
            result.action = "UNCHANGED" if not by_name else "CONFIRM"
            return result
        if not by_name:
            result.action = "UPDATE"
        if not self.ctx.write:
            self._check_update(result, row, member, changes)
            return result
        before = {key: getattr(member, key) for key in changes}
        try:
            with transaction.atomic():
                member_services.update_member(actor=self.ctx.actor, member=member, **changes)
                if self.ctx.keep_undo is not None:
                    self.ctx.keep_undo(member.pk, before)
        except ValidationError as exc:
            result.action = "ERROR"
            result.issues.extend(
                _domain_issues(exc, self.sheet_name, row.number, row.headers, row.raw, {})
            )
            return result
        self.ctx.undo.append((member.pk, before))
        return result

    def _check_update(
        self, result: RowResult, row: ParsedMember, member: Member, changes: dict[str, Any]
    ) -> None:
        """The checks of update_member, without writing."""
        if not changes:
            return
        try:
            with transaction.atomic():
                member_services.update_member(actor=self.ctx.actor, member=member, **changes)
                transaction.set_rollback(True)
        except ValidationError as exc:
            result.action = "ERROR"
            result.issues.extend(
                _domain_issues(exc, self.sheet_name, row.number, row.headers, row.raw, {})
            )

    def _quality(self, row: ParsedMember) -> None:
        """Add the quality rules' findings on a new member's facts to the row's issues."""
        from dangbo.quality import rules as quality_rules

        values = row.values
        facts = quality_rules.MemberFacts(
            full_name=values.get("full_name"), date_of_birth=values.get("date_of_birth"),
            sex=values.get("sex"), personal_id_number=values.get("personal_id_number"),
            card_number=values.get("card_number"), admitted_on=values.get("admitted_on"),
            official_on=values.get("official_on"),
            admission_age_exception=values.get("admission_age_exception") or "",
            organization_code=row.org.code if row.org else None,
        )  # fmt: skip
        reported = {(i.column) for i in row.issues}
        for problem in quality_rules.member_fact_problems(facts, today=self.ctx.today):
            if problem.check == "missing_required" and problem.severity == "error":
                continue  # said above, in the import's own words
            issue = self._issue(row, problem.field, problem.message, problem.severity)
            if issue.is_error and issue.column in reported:
                continue
            row.issues.append(issue)

    def _new(self, row: ParsedMember) -> RowResult:
        values = row.values
        label = values.get("full_name", "") or f"Dòng {row.number}"
        result = RowResult(
            self.sheet_name, row.number, self.kind, "ERROR", label, issues=row.issues
        )
        for key in ("full_name", "date_of_birth", "sex", "admitted_on"):
            if key not in values and not any(
                i.column == row.headers.get(key) and i.is_error for i in row.issues
            ):
                row.issues.append(self._issue(row, key, f"Đảng viên mới cần «{self.labels[key]}»."))
        if row.org is None and not any(
            i.column in (row.headers.get("organization"), row.headers.get("organization_code"))
            for i in row.issues
        ):
            row.issues.append(
                self._issue(row, "organization", "Đảng viên mới cần «Chi bộ» (mã hoặc tên chi bộ).")
            )
        background = values.get("background_number")
        if background in self.by_background and self.seen_background.get(background) == row.number:
            # (A second row of the file with the number was told so above.)
            holder = self.by_background[values["background_number"]]
            row.issues.append(
                self._issue(
                    row, "background_number", self._refuse(row, "background_number", holder)
                )
            )
        # Checked by the check before this import, on the same day and for the same cell: its
        # findings are reused, and only the cell's state is checked again (``check_draft_again``).
        checked = row.checked
        row.checked = None
        if checked is not None and checked[:2] != (self.ctx.today, row.org and row.org.pk):
            checked = None
        found_before = len(row.issues)
        if checked is not None:
            row.issues.extend(checked[2])
        else:
            self._quality(row)
        if any(i.is_error for i in row.issues):
            return result
        identity = {k: values[k] for k in member_services.IDENTITY_FIELDS if k in values}
        draft = member_services.MemberDraft(
            identity=identity, organization=row.org, admitted_on=values["admitted_on"],
            official_on=values.get("official_on"), note=f"Nhập từ tệp {self.ctx.file_label}, trang {self.sheet_name}, dòng {row.number}.",
        )  # fmt: skip
        try:
            if checked is not None:
                draft.checked = member_services.check_draft_again(
                    draft, identity=checked[3], states=checked[4]
                )
            else:
                draft.checked = member_services.check_draft(draft, today=self.ctx.today)
        except ValidationError as exc:
            field_of = {
                "happened_on": "admitted_on",
                "organization": "organization_code"
                if "organization_code" in values
                else "organization",
            }
            result.issues.extend(
                _domain_issues(exc, self.sheet_name, row.number, row.headers, row.raw, field_of)
            )
            return result
        if self.ctx.keep is not None:
            row.checked = (
                self.ctx.today, row.org.pk, row.issues[found_before:],
                member_services.checked_values(draft.checked), draft.states,
            )  # fmt: skip
        self.drafts.append(draft)
        result.action = "CREATE"
        return result
