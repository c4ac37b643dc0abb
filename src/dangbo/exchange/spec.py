"""The pieces the exchange format is described with: columns, sheets and their roles.

``format`` puts them together into the sheets of the workbook; the record
sheets of the domain modules (``records``) are described with them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Column roles: "data" is imported and compared; "derived" is computed by dangbo
# from other columns (written for readers, checked on import when filled);
# "label" is the name of a code, written for readers and ignored on import;
# "meta" describes the row in this file (not stored).
DATA, DERIVED, LABEL, META = "data", "derived", "label", "meta"

# Values of the "Phạm vi" column of the "Tổ chức" sheet.
IN_SCOPE = "Trong phạm vi"
REFERENCE = "Tham chiếu"
PATH_SEPARATOR = " / "

TYPE_NAMES = {
    "text": "chữ",
    "code": "mã",
    "date": "ngày (ô ngày, hoặc chữ dd/mm/yyyy)",
    "int": "số nguyên",
    "decimal": "số, tối đa một chữ số thập phân (12,5)",
    "time": "giờ (hh:mm)",
    "datetime": "ngày giờ theo giờ Việt Nam (ô ngày giờ, hoặc chữ dd/mm/yyyy hh:mm; chỉ ghi ngày: 00:00)",
    "bool": "Có / Không",
    "uuid": "UUID",
    "json": "JSON (đối tượng)",
    "list": "danh sách mã, cách nhau bởi dấu phẩy",
    "email": "địa chỉ thư điện tử",
    "version": "số nguyên",
}


@dataclass(frozen=True)
class Col:
    """One column: stable key, exact Vietnamese header, type, whether it must be present and filled."""

    key: str
    header: str
    type: str = "text"
    required: bool = False
    role: str = DATA
    # (model, field name): the maximum length and the allowed values come from the model.
    field: tuple[type, str] | None = None
    # A reference list of core.models.Code (an unknown code is a warning, not an error).
    code_list: str = ""
    # What an absent column or an empty cell means.
    default: Any = None
    help: str = ""
    width: float | None = None

    @property
    def model_field(self):
        if self.field is None:
            return None
        model, name = self.field
        return model._meta.get_field(name)

    @property
    def max_length(self) -> int | None:
        f = self.model_field
        return getattr(f, "max_length", None) if f is not None else None

    @property
    def choices(self) -> list[tuple[str, str]]:
        f = self.model_field
        return list(f.choices) if f is not None and f.choices else []


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    columns: tuple[Col, ...]
    description: str
    natural_key: str
    required: bool = False
    order: str = ""

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    @property
    def data_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.role == DATA]


def decision_columns(model) -> tuple[Col, ...]:
    return (
        Col("decision_number", "Số quyết định", field=(model, "decision_number")),
        Col("decision_signed_on", "Ngày ký quyết định", "date"),
        Col("decision_issuer", "Cơ quan ban hành", field=(model, "decision_issuer")),
    )
