"""Every list of the UI as a file: the list's own URL with ``?export=xlsx`` (or ``csv``).

A list view mixes in ``ExportableListMixin`` and says what its file holds
(``get_export``): the same queryset, filters and order as the page, every
row rather than the current page. The export *is* the page, so it needs the
page's capability and the organization in the URL is resolved the same way
(404 outside the user's subtrees). The link keeps the filters in force::

    {% include "includes/export_links.html" %}            {# Xuất Excel #}
    {% include "includes/export_links.html" with csv=True %}  {# and Xuất CSV #}

A workbook starts with a few lines saying what the list is (title,
organization, date, filters in force, who exported it and when), so a
printed file explains itself; the header row under them is frozen. A CSV
file has the header on its first line and nothing above it, so that it can be
read back as it is.

Rows are generators over ``QuerySet.iterator(chunk_size=CHUNK_SIZE)``: a
list of a hundred thousand members is written without holding it in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import FileResponse, Http404
from django.utils import timezone

from .formatting import fmt_date, fmt_datetime
from .xlsx import Column, Sheet, csv_response, xlsx_response

EXPORT_PARAM = "export"
XLSX = "xlsx"
CSV = "csv"
# Rows fetched per database round trip while writing a file.
CHUNK_SIZE = 2000
# Excel keeps at most 32,767 characters in a cell.
MAX_CELL_TEXT = 32_000


@dataclass
class Export:
    """What a list's file holds: a name (without extension), a sheet, its columns and rows."""

    name: str
    sheet_title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    preamble: Sequence[str] = field(default_factory=tuple)


def file_slug(value: str) -> str:
    """Return ``value`` without accents, safe in a file name: "Đảng bộ DB1" -> "Dang-bo-DB1"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9_]+", "-", plain).strip("-") or "danh-sach"


def export_name(kind: str, org_code: str, on: dt.date) -> str:
    """Return a file name without extension, e.g. "dang-vien-DB1-2026-11-23"."""
    return f"{kind}-{file_slug(org_code)}-{on:%Y-%m-%d}"


def export_response(fmt: str, export: Export) -> FileResponse:
    """Return the download of ``export`` as XLSX (with its preamble) or CSV (header first)."""
    if fmt == CSV:
        return csv_response(f"{export.name}.csv", export.columns, export.rows)
    sheet = Sheet(export.sheet_title, export.columns, export.rows, preamble=export.preamble)
    return xlsx_response(f"{export.name}.xlsx", [sheet])


def preamble(
    title: str,
    org,
    *,
    on: dt.date | None = None,
    filters: Sequence[str] = (),
    user=None,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the lines above a workbook's header.

    "Danh sách đảng viên — Đảng bộ X (mã DB1) — tại ngày 23/11/2026", then
    the filters in force, any ``extra`` line, and who exported the list when.
    """
    head = f"{title} — {org.name} (mã {org.code})"
    if on is not None:
        head += f" — tại ngày {fmt_date(on)}"
    lines = [head]
    lines.append("Điều kiện lọc: " + ("; ".join(filters) if filters else "không"))
    lines.extend(extra)
    stamp = f"Xuất lúc {fmt_datetime(timezone.now())}"
    if user is not None and user.is_authenticated:
        name = user.get_full_name() or user.get_username()
        stamp += f" bởi {name}"
    lines.append(stamp + ".")
    return lines


def describe_filters(
    form: forms.BaseForm, *, labels: dict[str, str] | None = None, skip: Iterable[str] = ()
) -> list[str]:
    """Return "Label: value" for each filter of a bound ``form`` that holds a valid value."""
    labels = labels or {}
    skip = set(skip)
    if not form.is_bound or not form.is_valid():
        data = getattr(form, "cleaned_data", {}) if form.is_bound else {}
    else:
        data = form.cleaned_data
    lines = []
    for name, form_field in form.fields.items():
        if name in skip:
            continue
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        lines.append(f"{labels.get(name, form_field.label)}: {_display(form_field, value)}")
    return lines


def _display(form_field: forms.Field, value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        names = {str(k): v for k, v in form_field.choices if not isinstance(v, (list, tuple))}
        return str(names.get(str(value), value))
    return str(value)


def cell_text(value: Any) -> str:
    """Return ``value`` as cell text, cut to what a spreadsheet cell holds."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL_TEXT:
        return text[:MAX_CELL_TEXT] + "…"
    return text


class ExportableListMixin:
    """A list page whose URL with ``?export=<format>`` downloads the list as a file.

    The view defines ``get_export(fmt) -> Export`` from the same queryset,
    filters and order the page shows. ``export_formats`` lists what it
    offers; another value of ``export`` gives 404.
    """

    export_formats: tuple[str, ...] = (XLSX,)

    def requested_export(self) -> str | None:
        return self.request.GET.get(EXPORT_PARAM) or None  # type: ignore[attr-defined]

    def get(self, request, *args, **kwargs):
        fmt = self.requested_export()
        if fmt is None:
            return super().get(request, *args, **kwargs)  # type: ignore[misc]
        if fmt not in self.export_formats:
            raise Http404("Danh sách này không xuất được theo định dạng đó.")
        return export_response(fmt, self.get_export(fmt))

    def get_export(self, fmt: str) -> Export:  # pragma: no cover - every list defines it
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["export_formats"] = self.export_formats
        return context
