"""Columns of a record sheet from the model's fields: header from the verbose name, type, required.

A field with choices gives two columns: "Mã <tên>" (the code, imported) and
"<Tên>" (its label, for readers). Headers follow the model's verbose names, so
the file reads like the forms of the module.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ..spec import DATA, DERIVED, LABEL, Col, SheetSpec

UNSET: Any = object()


def _header(model_field: models.Field) -> str:
    name = str(model_field.verbose_name)
    return name[:1].upper() + name[1:]


def _type(model_field: models.Field) -> str:
    if model_field.choices and not isinstance(model_field, models.IntegerField):
        return "code"
    if isinstance(model_field, models.TimeField):
        return "time"
    if isinstance(model_field, models.DecimalField) and model_field.decimal_places:
        return "decimal"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.BooleanField):
        return "bool"
    if isinstance(model_field, models.IntegerField | models.DecimalField):
        return "int"
    if isinstance(model_field, models.EmailField):
        return "email"
    return "text"


def field_columns(
    model: type[models.Model], name: str, *, key: str = "", header: str = "",
    role: str = DATA, required: bool | None = None, help: str = "", width: float | None = None,
    code_list: str = "", default: Any = UNSET, kind: str = "",
) -> tuple[Col, ...]:  # fmt: skip
    """The column of a model field (and the label column of a field with choices)."""
    f = model._meta.get_field(name)
    key = key or name
    kind = kind or _type(f)
    if required is None:
        required = not (f.blank or f.null or f.has_default())
    if default is UNSET:
        default = f.default if f.has_default() and not callable(f.default) else None
    if role == DERIVED:  # an empty cell says nothing: the value is computed
        default = None
    if kind in ("text", "code") and default == "":
        default = None
    title = header or _header(f)
    if f.choices:
        code = Col(
            key, f"Mã {title[:1].lower()}{title[1:]}", kind, required=required, role=role,
            field=(model, name), help=help, default=default, code_list=code_list,
        )  # fmt: skip
        return (code, Col(f"{key}_label", title, role=LABEL, width=width or 30))
    width = width or (30 if kind == "text" and (f.max_length or 1000) > 100 else None)
    return (
        Col(key, title, kind, required=required, role=role, field=(model, name), help=help,
            default=default, width=width, code_list=code_list),
    )  # fmt: skip


def columns_of(model: type[models.Model], *names: str, role: str = DATA) -> tuple[Col, ...]:
    """The columns of several model fields, in order."""
    return tuple(c for name in names for c in field_columns(model, name, role=role))


def voided_columns(model: type[models.Model]) -> tuple[Col, ...]:
    return (
        Col("voided_on", "Ngày hủy", "date", help="Trống: bản ghi có hiệu lực."),
        Col("voided_reason", "Lý do hủy", field=(model, "voided_reason")),
    )


def naming_columns(
    parent: SheetSpec, key: tuple[str, ...], *, prefix: str, suffix: str, required: bool = False
) -> tuple[Col, ...]:
    """The columns a row uses to name a record of ``parent`` by ``key``: "<header> (<suffix>)"."""
    result = []
    for name in key:
        col = parent.column(name)
        header = (
            f"{col.header[:-1]}, {suffix})"
            if col.header.endswith(")")
            else f"{col.header} ({suffix})"
        )
        result.append(Col(
            f"{prefix}_{name}", header, col.type,
            required=required and col.required, field=col.field, width=col.width,
        ))  # fmt: skip
    return tuple(result)
