"""Importing the record sheets of the domain modules (see ``base``), inside an exchange import.

Planned like the other history sheets, in the order of ``RECORD_SHEETS`` (a
parent sheet before the sheets naming its records):

* each row's references must name a member of the file or of this
  installation (UID), an organization of the file or of this installation
  (code), a record of the parent sheet in the file or in this installation
  (its naming key, one record only); then the row checks: the model's own
  validation of each stored column and its check constraints, a voided reason
  needs its voided day, and the sheet's own checks;
* the stored records compared with the file are those of the same owners: the
  n-th row with a key and the n-th stored record with it are the same record,
  unchanged when every column the file carries is equal, a conflict listing
  the differences otherwise; any other row is created.

Writing (after members and organizations): the created records of each sheet
in bulk, in the order of the file's rows (a record naming another record of
the same sheet after it), one audit entry each; then the sheet's ``refresh``
recomputes what the domain derives from them, checked against the file's
derived columns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, prefetch_related_objects

from dangbo.core.formatting import fmt_date
from dangbo.core.models import Code
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from .. import rows as R
from ..reading import Row
from ..spec import DERIVED
from .base import MEMBER, ORGANIZATION, Lookup, RecordSheet, Ref, cell_value

if TYPE_CHECKING:
    from ..services import _Import

CHUNK = 500
AMBIGUOUS = object()


@dataclass(eq=False, slots=True)
class _Record:
    """One record of a sheet: a row of the file, a stored record, or both (matched).

    Slotted: an import holds one per row of the module sheets (attendance...) until it writes.
    """

    values: Mapping[str, Any]
    row: Row | None = None
    stored: models.Model | None = None
    created: bool = False
    pk: int | None = None

    @property
    def live(self) -> bool:
        return not self.values.get("voided_on")


@dataclass
class _SheetPlan:
    sheet: RecordSheet
    records: list[_Record] = field(default_factory=list)
    stored_by_pk: dict[int, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[tuple, list[_Record]] = field(default_factory=lambda: defaultdict(list))
    # By the naming key without its optional columns (``RecordSheet.ref_optional``).
    by_loose_name: dict[tuple, list[_Record]] = field(default_factory=lambda: defaultdict(list))

    def add(self, record: _Record) -> None:
        self.records.append(record)
        if self.sheet.can_be_named(record.values):
            name = self.sheet.naming_key_of(record.values)
            self.by_name[name].append(record)
            if self.sheet.ref_optional:
                self.by_loose_name[self.sheet.loose_key_of(name)].append(record)

    def find(self, name: tuple, *, loose: bool = False) -> Any:
        """The record named by ``name``: the live one, else the only one; None; or AMBIGUOUS.

        An optional column of the name left empty names any record agreeing on the others
        when none has it empty, or always with ``loose`` (the file does not carry it)."""
        found = self.by_name.get(name, [])
        sheet = self.sheet
        if sheet.ref_optional and (loose or not found) and any(
            v in (None, "") for k, v in zip(sheet.naming_key, name, strict=True)
            if k in sheet.ref_optional
        ):  # fmt: skip
            found = self.by_loose_name.get(sheet.loose_key_of(name), [])
        live = [r for r in found if r.live]
        if len(live) == 1 or (not live and len(found) == 1):
            return (live or found)[0]
        return AMBIGUOUS if found else None


def _chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def prefetch_in_chunks(objs: list, *lookups: str) -> None:
    """``prefetch_related_objects`` a chunk at a time: Django writes the keys of thousands of
    objects as a chain of conditions too deep for SQLite (its limit is 1.000)."""
    for chunk in _chunks(objs):
        prefetch_related_objects(chunk, *lookups)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return fmt_date(value) if isinstance(value, dt.date) else str(value)


class RecordImport:
    """The record sheets' part of one exchange import (``services._Import`` is ``job``)."""

    def __init__(self, job: _Import, sheets: tuple[RecordSheet, ...]):
        self.job = job
        self.sheets = sheets
        self.by_key = {s.key_name: s for s in sheets}
        self.plans: dict[str, _SheetPlan] = {}
        self.uid_by_id: dict[int, str] = {}

    # -- what the file names -----------------------------------------------------------

    def naming_columns(self, sheet: RecordSheet, to: str) -> list[str]:
        """The columns of ``sheet`` naming a member (``to=MEMBER``) or an organization, also
        through the naming key of a parent record."""
        found = [r.column for r in sheet.refs if r.to == to]
        for ref in sheet.refs:
            if ref.is_record and ref.to != sheet.key_name:
                parent = self.by_key[ref.to]
                names = self.naming_columns(parent, to)
                found += [
                    c for k, c in zip(parent.naming_key, ref.key_columns, strict=True) if k in names
                ]  # fmt: skip
        return found

    def named(self, to: str) -> set[str]:
        """Every member UID (``to=MEMBER``) or organization code the record sheets name."""
        found: set[str] = set()
        for sheet in self.sheets:
            columns = self.naming_columns(sheet, to)
            for row in self.job.data.sheet(sheet.key_name):
                found.update(row.get(c) for c in columns)
        found.discard("")
        found.discard(None)
        return found

    # -- planning ------------------------------------------------------------------------

    def plan(self) -> None:
        for sheet in self.sheets:
            self._plan(sheet)

    def _plan(self, sheet: RecordSheet) -> None:
        job = self.job
        plan = self.plans[sheet.key_name] = _SheetPlan(sheet)
        rows = job.data.sheet(sheet.key_name)
        self._check_code_lists(sheet, rows)
        good: list[Row] = []
        for row in rows:
            job.done += 1
            if sheet.normalize is not None:
                sheet.normalize(row.values)
            before = len(job.result.errors)
            self._check_refs(sheet, row, own=False)
            self._check_values(sheet, row)
            if len(job.result.errors) == before:
                good.append(row)
        stored = self._load_stored(sheet, good)
        self._match(sheet, plan, rows, good, stored)
        # A record naming another record of the same sheet (a reissue its original).
        for row in rows:
            self._check_refs(sheet, row, own=True)

    def _check_refs(self, sheet: RecordSheet, row: Row, *, own: bool) -> None:
        job, spec = self.job, sheet.spec
        for ref in sheet.refs:
            if (ref.to == sheet.key_name) != own:
                continue
            if not ref.present(row.values):
                if not sheet.model._meta.get_field(ref.field).null:
                    job.issue(spec, row, ref.column, "Ô bắt buộc, không được để trống.")
                continue
            value = row.get(ref.column)
            if ref.to == MEMBER:
                if not job.member_known(value):
                    job.issue(spec, row, ref.column, job.unknown_member(value))
                continue
            if ref.to == ORGANIZATION:
                if not job.org_known(value):
                    job.issue(spec, row, ref.column, job.unknown_org(value))
                continue
            parent = self.by_key[ref.to]
            named = tuple(row.get(c) for c in ref.key_columns)
            empty = [
                c for c, k in zip(ref.key_columns, parent.naming_key, strict=True)
                if row.get(c) in (None, "") and parent.spec.column(k).required
            ]  # fmt: skip
            if empty:
                job.issue(spec, row, empty[0], "Ô bắt buộc, không được để trống.")
                continue
            optional = [
                (c, k) for c, k in zip(ref.key_columns, parent.naming_key, strict=True)
                if k in parent.ref_optional
            ]  # fmt: skip
            loose = any(not job.data.has_column(sheet.key_name, c) for c, _ in optional)
            found = self.plans[ref.to].find(named, loose=loose)
            shown = " – ".join(_shown(v) for v in named)
            if isinstance(found, _Record):
                # The name completed from the record (a file without the optional columns).
                for column, key in optional:
                    if row.get(column) in (None, ""):
                        row.values[column] = found.values.get(key)
            if found is None:
                job.issue(spec, row, ref.column, (
                    f"Không có {parent.noun.lower()} này ở sheet «{parent.spec.title}» "
                    "và trong hệ thống."
                ), value=shown)  # fmt: skip
            elif found is AMBIGUOUS:
                hint = ", ".join(f"«{spec.column(c).header}»" for c, _ in optional)
                job.issue(spec, row, ref.column, (
                    f"Có nhiều {parent.noun.lower()} cùng thông tin này (chưa hủy) ở sheet "
                    f"«{parent.spec.title}» hoặc trong hệ thống: không xác định được bản ghi."
                    + (f" Ghi {hint} để phân biệt." if hint else "")
                ), value=shown)  # fmt: skip
            elif found.row is row:
                job.issue(spec, row, ref.column, "Bản ghi không thể tham chiếu chính nó.")

    def _check_code_lists(self, sheet: RecordSheet, rows: list[Row]) -> None:
        """A code missing from the installation's code list is a warning, as on the members sheet."""
        for col in sheet.spec.columns:
            if not col.code_list or not rows:
                continue
            known = set(Code.objects.filter(list=col.code_list).values_list("code", flat=True))
            if not known:
                continue
            for row in rows:
                if row.get(col.key) and row.get(col.key) not in known:
                    self.job.issue(sheet.spec, row, col.key, "Mã không có trong danh mục.",
                                   warning=True)  # fmt: skip

    def _check_values(self, sheet: RecordSheet, row: Row) -> None:
        job, spec = self.job, sheet.spec
        if row.get("voided_reason") and not row.get("voided_on"):
            job.issue(spec, row, "voided_on", "Có lý do hủy thì cần ngày hủy.")
        # The model's own validation of the stored columns (lengths, choices, check constraints).
        obj = sheet.build(row.values, {})
        columns = {sheet.field_name(c.key): c.key for c in sheet.stored_columns()}
        exclude = {f.name for f in sheet.model._meta.fields} - set(columns)
        errors: dict[str, list[str]] = defaultdict(list)
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[name] += messages
        for constraint in sheet.model._meta.constraints:
            if (
                not isinstance(constraint, models.CheckConstraint)
                or constraint.name in sheet.checked_constraints
            ):
                continue
            try:
                constraint.validate(sheet.model, obj, exclude=exclude)
            except ValidationError as exc:
                errors["__all__"] += exc.messages
        for name, messages in errors.items():
            column = columns.get(name, sheet.key[0])
            for message in messages:
                job.issue(spec, row, column, message)
        for check in sheet.checks:
            for column, message in check(row.values):
                job.issue(spec, row, column, message)

    # stored records --------------------------------------------------------------------

    def _owner_id(self, ref: Ref, values: dict[str, Any]) -> int | None:
        job = self.job
        if ref.to == MEMBER:
            member = job.existing_members.get(values.get(ref.column))
            return member.pk if member else None
        if ref.to == ORGANIZATION:
            org = job.existing_orgs.get(values.get(ref.column))
            return org.pk if org else None
        if ref.to not in self.plans:
            return None
        found = self.plans[ref.to].find(tuple(values.get(c) for c in ref.key_columns))
        return found.pk if isinstance(found, _Record) else None

    def _load_stored(self, sheet: RecordSheet, rows: list[Row]) -> list[tuple[models.Model, dict]]:
        """The stored records of the owners the rows name, and of those other rows name."""
        naming = [
            (child_ref, row) for child in self.sheets for child_ref in child.refs
            if child_ref.to == sheet.key_name
            for row in self.job.data.sheet(child.key_name) if child_ref.present(row.values)
        ]  # fmt: skip
        query = Q(pk__in=[])
        for ref in sheet.owner_refs():
            if ref.to == sheet.key_name:
                continue
            ids = {self._owner_id(ref, r.values) for r in rows}
            if ref.column in sheet.naming_key:
                for child_ref, row in naming:
                    values = dict(
                        zip(
                            sheet.naming_key,
                            (row.get(c) for c in child_ref.key_columns),
                            strict=True,
                        )
                    )
                    ids.add(self._owner_id(ref, values))
            ids.discard(None)
            for chunk in _chunks(ids):
                query |= Q(**{f"{ref.field}_id__in": chunk})
        objs = list(sheet.model.objects.filter(query).order_by("pk"))
        return self._rows_of(sheet, objs)

    def _rows_of(
        self, sheet: RecordSheet, objs: list[models.Model]
    ) -> list[tuple[models.Model, dict]]:
        """The rows of stored records, with the UIDs, codes and parent keys they name loaded."""
        job = self.job
        plan = self.plans[sheet.key_name]
        for ref in sheet.refs:
            ids = {getattr(o, f"{ref.field}_id") for o in objs} - {None}
            if ref.to == MEMBER:
                missing = ids - set(self.uid_by_id)
                for chunk in _chunks(missing):
                    for pk, uid in Member.objects.filter(pk__in=chunk).values_list("pk", "uid"):
                        self.uid_by_id[pk] = R.uid_text(uid)
            elif ref.to == ORGANIZATION:
                job._load_codes(ids)
            else:
                known = self.plans[ref.to].stored_by_pk
                missing = ids - set(known) - {o.pk for o in objs}
                if missing:
                    parent = self.by_key[ref.to]
                    parents = list(parent.model.objects.filter(pk__in=missing))
                    self._rows_of(parent, parents)
        pending = {o.pk: o for o in objs}

        def key_of(name: str, pk: int) -> tuple:
            parent = self.by_key[name]
            values = self.plans[name].stored_by_pk.get(pk)
            if values is None:  # a record of the same sheet, not converted yet
                values = convert(pending.pop(pk))
            return parent.naming_key_of(values)

        lookup = Lookup(
            uid_of=self.uid_by_id.__getitem__, code_of=job.code_of.__getitem__, key_of=key_of
        )

        def convert(obj: models.Model) -> dict[str, Any]:
            values = sheet.to_row(obj, lookup)
            plan.stored_by_pk[obj.pk] = values
            return values

        result = []
        for obj in objs:
            values = plan.stored_by_pk.get(obj.pk)
            if values is None:
                pending.pop(obj.pk, None)
                values = convert(obj)
            result.append((obj, values))
        return result

    # matching ------------------------------------------------------------------------

    def _match(
        self, sheet: RecordSheet, plan: _SheetPlan, rows: list[Row], good: list[Row],
        stored: list[tuple[models.Model, dict]],
    ) -> None:  # fmt: skip
        job, spec = self.job, sheet.spec
        db = job._keyed(stored, lambda s: sheet.key_of(s[1]), lambda s: s)
        mine = job._keyed(
            sorted(good, key=lambda r: r.number), lambda r: sheet.key_of(r.values), lambda r: r
        )
        matched: dict[int, tuple[models.Model, dict]] = {}
        for key, row in mine.items():
            item = db.get(key)
            if item is None:
                job.count(spec, "created")
                continue
            matched[row.number] = item
            diff = job._differences(spec, row.values, item[1], spec.data_keys)
            if diff:
                job._conflict(spec, row, sheet.key[0], False,
                              f"{sheet.noun} khác với hệ thống: " + "; ".join(diff) + ".")  # fmt: skip
            else:
                job.count(spec, "unchanged")
        good_numbers = {r.number for r in good}
        for row in rows:
            item = matched.get(row.number)
            plan.add(_Record(
                row.values, row, stored=item[0] if item else None,
                created=item is None and row.number in good_numbers,
                pk=item[0].pk if item else None,
            ))  # fmt: skip
        taken = {item[0].pk for item in matched.values()}
        for obj, values in stored:
            if obj.pk not in taken:
                plan.add(_Record(values, None, stored=obj, pk=obj.pk))

    # scope -----------------------------------------------------------------------------

    def org_code(self, sheet: RecordSheet, values: dict[str, Any], *, last: bool = False) -> str:
        """The organization a record belongs to: its owner's (a member's organization now; with
        ``last``, the one a member in none now was last in)."""
        for ref in sheet.owner_refs():
            if not ref.present(values):
                continue
            if ref.to == MEMBER:
                return self.job.member_org_code(values[ref.column], last=last)
            if ref.to == ORGANIZATION:
                return values[ref.column]
            found = self.plans[ref.to].find(tuple(values.get(c) for c in ref.key_columns))
            if isinstance(found, _Record):
                return self.org_code(self.by_key[ref.to], found.values, last=last)
        return ""

    def check_within(self, outside: str) -> None:
        job = self.job
        name = job.within.name
        for sheet in self.sheets:
            for record in self.plans[sheet.key_name].records:
                if not record.created:
                    continue
                code = self.org_code(sheet, record.values)
                if code and job._inside(code):
                    continue
                column = sheet.owners[0]
                ref = sheet.ref(column)
                message = outside
                if ref is not None and ref.to == MEMBER:
                    message = f"Đảng viên không sinh hoạt trong «{name}»: chỉ quản trị cấp trên nhập được."
                job.issue(sheet.spec, record.row, column, message)

    # -- writing ----------------------------------------------------------------------------

    def _id(self, ref: Ref, values: dict[str, Any]) -> int | None:
        if not ref.present(values):
            return None
        if ref.to == MEMBER:
            return self.job.member_id[values[ref.column]]
        if ref.to == ORGANIZATION:
            return self.job.org_id[values[ref.column]]
        found = self.plans[ref.to].find(tuple(values.get(c) for c in ref.key_columns))
        assert isinstance(found, _Record)
        assert found.pk is not None
        return found.pk

    def _ready(self, sheet: RecordSheet, record: _Record) -> bool:
        """Whether the records of the same sheet this one names are written."""
        for ref in sheet.refs:
            if ref.to == sheet.key_name and ref.present(record.values):
                found = self.plans[ref.to].find(
                    tuple(record.values.get(c) for c in ref.key_columns)
                )
                if isinstance(found, _Record) and found.pk is None:
                    return False
        return True

    def write(self) -> None:
        for sheet in self.sheets:
            plan = self.plans[sheet.key_name]
            pending = sorted((r for r in plan.records if r.created), key=lambda r: r.row.number)
            while pending:
                ready = [r for r in pending if self._ready(sheet, r)]
                pending = [r for r in pending if r not in ready]
                objs = []
                for record in ready:
                    ids = {ref.column: self._id(ref, record.values) for ref in sheet.refs}
                    obj = sheet.build(record.values, ids)
                    if sheet.complete is not None:
                        sheet.complete(obj, record.values)
                    objs.append(obj)
                if sheet.prepare is not None:
                    refused = sheet.prepare(
                        objs, [r.values for r in ready], self._issuer(sheet, ready)
                    )
                    for index in refused:  # not written: the import is refused anyway
                        ready[index].created = False
                    objs = [o for i, o in enumerate(objs) if i not in refused]
                    ready = [r for i, r in enumerate(ready) if i not in refused]
                sheet.model.objects.bulk_create(objs, batch_size=CHUNK)
                for record, obj in zip(ready, objs, strict=True):
                    record.pk = obj.pk
                    record.stored = obj
        touched = self._touched()
        for sheet in self.sheets:
            if sheet.refresh is not None and touched[sheet.key_name]:
                sheet.refresh([r.stored for r in touched[sheet.key_name]])
        for sheet in self.sheets:
            created = [r for r in self.plans[sheet.key_name].records if r.created]
            if sheet.verify is not None and created:
                sheet.verify([(r.stored, r.values) for r in created], self._issuer(sheet, created))
            self._audit(sheet, created)
            self._check_derived(sheet, [r for r in touched[sheet.key_name] if r.row is not None])

    def _issuer(self, sheet: RecordSheet, records: list[_Record]):
        def issue(index: int, column: str, message: str) -> None:
            self.job.issue(sheet.spec, records[index].row, column, message)

        return issue

    def _touched(self) -> dict[str, list[_Record]]:
        """The records written, and the records of other sheets they name (derived from them)."""
        touched: dict[str, dict[int, _Record]] = {s.key_name: {} for s in self.sheets}
        for sheet in self.sheets:
            for record in self.plans[sheet.key_name].records:
                if not record.created:
                    continue
                touched[sheet.key_name][id(record)] = record
                for ref in sheet.refs:
                    if ref.is_record and ref.present(record.values):
                        found = self.plans[ref.to].find(
                            tuple(record.values.get(c) for c in ref.key_columns)
                        )
                        touched[ref.to][id(found)] = found
        for name, records in touched.items():
            model = self.by_key[name].model
            missing = [r for r in records.values() if r.stored is None]
            fresh = model.objects.in_bulk([r.pk for r in missing])
            for record in missing:
                record.stored = fresh[record.pk]
        return {name: list(records.values()) for name, records in touched.items()}

    def _audit(self, sheet: RecordSheet, records: list[_Record]) -> None:
        job = self.job
        codes = [self.org_code(sheet, r.values, last=True) for r in records]
        missing = set(codes) - set(job.org_path) - {""}
        for chunk in _chunks(missing):
            job.org_path.update(
                Organization.objects.filter(code__in=chunk).values_list("code", "path")
            )
        if sheet.select_related:  # what the records' names read, a query per chunk each
            prefetch_in_chunks([r.stored for r in records], *sheet.select_related)
        for record, code in zip(records, codes, strict=True):
            job._audit(sheet.action, record.stored, job.org_path.get(code, ""))

    def _check_derived(self, sheet: RecordSheet, records: list[_Record]) -> None:
        """Compare what ``refresh`` derived with the derived columns the file fills."""
        job, spec = self.job, sheet.spec
        columns = [
            c for c in sheet.stored_columns(DERIVED) if job.data.has_column(sheet.key_name, c.key)
        ]
        if not columns:
            return
        fresh = sheet.model.objects.in_bulk([r.pk for r in records])
        for record in records:
            obj = fresh[record.pk]
            for col in columns:
                stated = record.values.get(col.key)
                if stated in (None, ""):
                    continue
                value = cell_value(col, getattr(obj, sheet.field_name(col.key)))
                if value != stated:
                    shown = _shown(value) or "trống"
                    job.issue(spec, record.row, col.key, (
                        f"Tính từ các dòng đã nhập thì giá trị là «{shown}», khác với tệp."
                    ))  # fmt: skip
