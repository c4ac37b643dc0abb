"""Record sheets: the records of a domain module in the exchange workbook, declared as data.

A module's sheet is one ``RecordSheet``: its columns (a ``SheetSpec``), its
model, the columns that name other records (``Ref``: a member by UID, an
organization by code, a record of another record sheet by that sheet's key),
its natural key and its owners. From that alone:

* the export takes the records of the subtree (those of the members in the
  file, of the organizations in scope, or of the parent records exported),
  writes one row per record (days rather than moments, codes with their label
  next to them, the voided ones with their voided day and reason), puts the
  members they name in the file and the organizations they name in the
  "Tham chiếu" closure;
* the import plans each row as the other history sheets are planned (created
  when no stored record of the same owner has its key; unchanged when the
  stored one has the same values; a conflict listing the differing columns
  otherwise), then writes the created ones in bulk, one audit entry each.

Conversions between a model value and a cell value follow the column's type
(``rows`` gives the canonical values): a moment is written as its day in
Vietnam time and read back as the start of that day (a "datetime" column: to the minute); a code column and its
``<key>_label`` column carry the code and its label.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .. import rows as R
from ..spec import DATA, DERIVED, LABEL, Col, SheetSpec

MEMBER = "member"
ORGANIZATION = "organization"

# A row check: the row's values (column key → canonical value) → (column key, message) pairs.
RowCheck = Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]]
# Tells the import of a row's problem: (index of the record, column key, Vietnamese message).
Issuer = Callable[[int, str, str], None]
# Column keys whose model field has another name.
FIELD_OF_COLUMN = {"voided_on": "voided_at"}


@dataclass(frozen=True)
class Ref:
    """Columns naming another record: a member (UID), an organization (code), a parent record.

    ``to`` is ``MEMBER``, ``ORGANIZATION`` or the key of a record sheet. For a
    parent record, ``columns`` carry the parent's ``ref_key`` (in its order);
    they may be columns the row has anyway (a reissued badge names its
    original by the member and milestone of its own row). ``column`` says
    whether there is a reference: empty, or «Không» for a Có/Không column,
    means none.
    """

    column: str
    field: str
    to: str
    columns: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.columns or (self.column,)

    @property
    def is_record(self) -> bool:
        return self.to not in (MEMBER, ORGANIZATION)

    def present(self, values: Mapping[str, Any]) -> bool:
        value = values.get(self.column)
        return bool(value) if isinstance(value, bool) else value not in (None, "")


@dataclass(frozen=True)
class Lookup:
    """How the export and the import turn ids into file values: UIDs, codes, parent keys."""

    uid_of: Callable[[int], str]
    code_of: Callable[[int], str]
    key_of: Callable[[str, int], tuple]


@dataclass(frozen=True)
class RecordSheet:
    """One module's sheet: its columns, model, references, natural key and owners.

    ``owners`` are ref columns: a record belongs to the member, organization or
    parent record one of them names. The export takes the records of the
    subtree's owners; the import compares a row with the stored records of the
    same owner: the n-th row with a ``key`` matches the n-th stored record with
    it, in order of entry. ``ref_key`` (default: ``key``) is how the rows of
    other sheets name one of these records, among those ``referable`` accepts;
    a live record is preferred to voided ones with the same ``ref_key``.
    ``refresh`` recomputes, after an import wrote records, what the domain
    derives from them (the ``DERIVED`` columns).
    """

    spec: SheetSpec
    model: type[models.Model]
    key: tuple[str, ...]
    owners: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    noun: str = ""
    ref_key: tuple[str, ...] = ()
    # Columns of ``ref_key`` a row of another sheet may leave empty, or a file made before
    # they named the record may not carry: the one record agreeing on the other columns is
    # named then (two such records: the row is refused as ambiguous).
    ref_optional: tuple[str, ...] = ()
    referable: Callable[[Mapping[str, Any]], bool] | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    checks: tuple[RowCheck, ...] = ()
    refresh: Callable[[list[models.Model]], None] | None = None
    # Tidy a row of the file in place before it is checked (e.g. the spacing of a name).
    normalize: Callable[[dict[str, Any]], None] | None = None
    # Values of the columns the model does not store as such (from a stored record).
    extra_row: Callable[[models.Model], Mapping[str, Any]] | None = None
    # Complete a record built from a row before it is written (computed fields, links).
    complete: Callable[[models.Model, Mapping[str, Any]], None] | None = None
    # Complete a batch of records built from rows, with what the database says (a record
    # another sheet does not name, e.g. a criterion of the rubric in force): the records,
    # their rows' values, and ``issue(index, column, message)``; returns the indexes refused.
    prepare: Callable[[list[models.Model], list[Mapping[str, Any]], Issuer], set[int]] | None = None
    # After every sheet is written and derived: the domain's own checks of the records created
    # (the rules the module's services apply), as ``(record, values)`` pairs and an issuer.
    verify: Callable[[list[tuple[models.Model, Mapping[str, Any]]], Issuer], None] | None = None
    select_related: tuple[str, ...] = ()
    # Model fields the sheet does not carry as a column (computed again, or carried otherwise).
    not_carried: tuple[str, ...] = ()
    # The records of the organizations above the subtree travel too (for reference): what the
    # subtree applies from above, e.g. the rubric in force for its cells.
    from_above: bool = False
    # Check constraints of the model the sheet's own checks (or the cell types) already hold:
    # not asked of the database once per row.
    checked_constraints: tuple[str, ...] = ()
    # Code lists shown in the documentation: (title, TextChoices).
    choice_lists: tuple[tuple[str, Any], ...] = ()

    @property
    def key_name(self) -> str:
        return self.spec.key

    @property
    def naming_key(self) -> tuple[str, ...]:
        return self.ref_key or self.key

    @property
    def action(self) -> str:
        """The audit action of an imported record, e.g. "admissions.candidate_imported"."""
        meta = self.model._meta
        return f"{meta.app_label}.{meta.model_name}_imported"

    def ref(self, column: str) -> Ref | None:
        return next((r for r in self.refs if r.column == column), None)

    def owner_refs(self) -> list[Ref]:
        return [r for r in self.refs if r.column in self.owners]

    def field_name(self, column: str) -> str | None:
        """The model field (not a relation) a column is stored in; None: a column of the file only."""
        name = self.fields.get(column) or FIELD_OF_COLUMN.get(column, column)
        try:
            model_field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return None if model_field.is_relation else name

    def stored_columns(self, role: str = DATA) -> list[Col]:
        """The columns of ``role`` stored in a model field (the references aside)."""
        return [c for c in self.spec.columns if c.role == role and self.field_name(c.key)]

    def key_of(self, values: Mapping[str, Any]) -> tuple:
        return tuple(values.get(k) for k in self.key)

    def naming_key_of(self, values: Mapping[str, Any]) -> tuple:
        return tuple(values.get(k) for k in self.naming_key)

    def loose_key_of(self, name: tuple) -> tuple:
        """A naming key without its ``ref_optional`` columns."""
        return tuple(v for k, v in zip(self.naming_key, name, strict=True)
                     if k not in self.ref_optional)  # fmt: skip

    def can_be_named(self, values: Mapping[str, Any]) -> bool:
        return self.referable is None or self.referable(values)

    # -- a record as a row ---------------------------------------------------------

    def to_row(self, obj: models.Model, lookup: Lookup) -> dict[str, Any]:
        """Return the row of a stored record (column key → canonical value)."""
        row: dict[str, Any] = {}
        for col in (*self.stored_columns(), *self.stored_columns(DERIVED)):
            row[col.key] = cell_value(col, getattr(obj, self.field_name(col.key)))
        for ref in self.refs:
            if ref.is_record:
                continue
            pk = getattr(obj, f"{ref.field}_id")
            if ref.to == MEMBER:
                row[ref.column] = lookup.uid_of(pk) if pk else ""
            else:
                row[ref.column] = lookup.code_of(pk) if pk else ""
        for ref in self.refs:
            if not ref.is_record:
                continue
            pk = getattr(obj, f"{ref.field}_id")
            if ref.column not in ref.key_columns:
                row[ref.column] = pk is not None
            named = lookup.key_of(ref.to, pk) if pk else None
            for index, column in enumerate(ref.key_columns):
                value = named[index] if named else empty_value(self.spec.column(column))
                row.setdefault(column, value)
        if self.extra_row is not None:
            row.update(self.extra_row(obj))
        for col in self.spec.columns:
            if col.role == LABEL and col.key.endswith("_label"):
                code_col = self.spec.column(col.key.removesuffix("_label"))
                row[col.key] = dict(code_col.choices).get(row.get(code_col.key), "")
        return row

    def build(self, values: Mapping[str, Any], ids: Mapping[str, int | None]) -> models.Model:
        """Return an unsaved record from a row; ``ids`` gives the id of each ref (by its column)."""
        obj = self.model()
        for col in self.stored_columns():
            name = self.field_name(col.key)
            value = model_value(self.model._meta.get_field(name), col, values.get(col.key))
            setattr(obj, name, value)
        for ref in self.refs:
            setattr(obj, f"{ref.field}_id", ids.get(ref.column))
        return obj


def empty_value(col: Col) -> Any:
    """The canonical value of an empty cell of ``col``."""
    if col.type in ("date", "int", "decimal"):
        return None
    if col.type == "bool":
        return False
    return ""


def cell_value(col: Col, value: Any) -> Any:
    """The canonical file value of a model value for ``col``."""
    kind = col.type
    if kind == "date":
        if isinstance(value, dt.datetime):
            return R.local_day(value)
        return value
    if kind == "int":
        return None if value is None else int(value)
    if kind == "decimal":
        return None if value is None else decimal.Decimal(value).quantize(decimal.Decimal("0.1"))
    if kind == "time":
        return value.strftime("%H:%M") if value else ""
    if kind == "datetime":
        return R.local_minute(value)
    if kind == "bool":
        return bool(value)
    if kind == "uuid":
        return R.uid_text(value)
    if kind == "json":
        return R.json_text(value)
    if kind == "list":
        return R.list_text(value)
    return R.clean_text(value)


def model_value(model_field: models.Field, col: Col, value: Any) -> Any:
    """The model value of a canonical file value for ``col``."""
    if isinstance(model_field, models.DateTimeField):
        return R.moment_of(value) if col.type == "datetime" else R.start_of_day(value)
    if isinstance(model_field, models.TimeField):
        return dt.time.fromisoformat(value) if value else None
    if isinstance(model_field, models.DecimalField):
        return None if value is None else decimal.Decimal(value)
    if isinstance(model_field, models.UUIDField):
        return (
            uuid.UUID(value)
            if value
            else (model_field.get_default() if model_field.has_default() else None)
        )
    if isinstance(model_field, models.JSONField):
        if col.type == "list":
            return R.split_list(value)
        return json.loads(value) if value else model_field.get_default()
    if value == "" and model_field.null:
        return None
    return value
