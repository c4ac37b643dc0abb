"""Reading spreadsheets safely: XLSX and CSV files as offices produce them.

(The reader is filled in below; ``Issue``, ``Formula`` and ``SpreadsheetError``
are the shared vocabulary of imports, the exchange workbook and data quality.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import DomainError


class SpreadsheetError(DomainError):
    """A file that cannot be read as a spreadsheet (message in Vietnamese, on the field ``file``)."""

    def __init__(self, message: str):
        super().__init__({"file": message})
        self.text = message


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its expression and the value Excel last computed (None if never)."""

    expression: str
    value: Any = None


@dataclass(frozen=True)
class Issue:
    """One finding about one place in a file: sheet, row as Excel numbers it, column, value, message."""

    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str = "error"  # "error" refuses the row; "warning" is shown and the row goes in

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
