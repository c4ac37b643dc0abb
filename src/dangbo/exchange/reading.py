"""Reading an exchange workbook: sheets and columns by their exact titles, cells typed.

The reader is lenient where the format promises it and strict elsewhere:

* a sheet or a column it does not know is reported as a warning and skipped
  (a newer file of the same version may carry more);
* a missing optional sheet means no rows; a missing optional column means
  its default in every row;
* a missing required sheet or column, a newer major version or another
  format refuses the whole file;
* each cell is checked against its column's type, length and code list; a
  bad cell is an error on that cell (sheet, row, column, value).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import re
import unicodedata
import uuid
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dangbo.core.formatting import fmt_date, parse_date
from dangbo.core.spreadsheets import Formula, Issue, SpreadsheetError, open_workbook
from dangbo.core.xlsx import part_title

from . import rows as R
from .format import (
    DATA,
    DERIVED,
    FORMAT_NAME,
    FORMAT_VERSION,
    INFO,
    SHEETS,
    SHEETS_BY_TITLE,
    UPGRADES,
    Col,
    RawSheet,
    SheetSpec,
)

MIN_DAY = dt.date(1900, 1, 1)
MAX_DAY = dt.date(2100, 12, 31)
TRUE_WORDS = {"có", "co", "x", "1", "true", "yes", "đúng", "dung"}
FALSE_WORDS = {"không", "khong", "0", "false", "no", "sai"}
NOT_EXCHANGE = (
    "Tệp không phải tệp trao đổi dữ liệu của dangbo (thiếu sheet «Thông tin» "
    f"với định dạng «{FORMAT_NAME}»)."
)


class RowValues(MutableMapping):
    """The values of one row by column key: a view on the row's cells (see ``Row``).

    The keys are the sheet's columns, the same for every row; a value may be replaced, no key
    added or removed.
    """

    __slots__ = ("_at", "_cells")

    def __init__(self, at: dict[str, int], cells: list[Any]):
        self._at, self._cells = at, cells

    def __getitem__(self, key: str) -> Any:
        return self._cells[self._at[key]]

    def get(self, key: str, default: Any = None) -> Any:
        at = self._at.get(key)
        return default if at is None else self._cells[at]

    def __setitem__(self, key: str, value: Any) -> None:
        self._cells[self._at[key]] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("A row's columns are those of its sheet.")

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __repr__(self) -> str:
        return repr(dict(self))


class Row:
    """One data row: its number as the spreadsheet shows it and its typed values by column key.

    Compact, since an import holds the rows of the file until it writes: the values are a
    list in the order of the sheet's columns, and the positions of the column keys one dict
    shared by every row of the sheet (a dict per row would cost several times the values).
    ``values`` is a mapping onto them.
    """

    __slots__ = ("at", "cells", "line", "number", "sheet")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self, number: int, cells: list[Any], at: dict[str, int], sheet: str = "",
        line: int | None = None,
    ):  # fmt: skip
        self.number = number
        self.cells = cells
        self.at = at
        # A row of a further part of a long sheet ("Sự kiện đảng viên (2)"): that part and the
        # row's number there. ``number`` then goes on from the part before, so it keeps the
        # order of the rows in the whole sheet and names one row.
        self.sheet = sheet
        self.line = line

    @classmethod
    def of(cls, number: int, values: dict[str, Any], sheet: str = "", line: int | None = None):
        """A row of ``values`` by column key (its own key positions)."""
        return cls(number, list(values.values()), {k: i for i, k in enumerate(values)}, sheet, line)

    @property
    def values(self) -> RowValues:
        return RowValues(self.at, self.cells)

    @property
    def shown(self) -> int:
        """The row's number as the spreadsheet shows it (in its part)."""
        return self.number if self.line is None else self.line

    def __getitem__(self, key: str) -> Any:
        return self.cells[self.at[key]]

    def get(self, key: str, default: Any = None) -> Any:
        at = self.at.get(key)
        return default if at is None else self.cells[at]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return (self.number, self.sheet, self.line, dict(self.values)) == (
            other.number, other.sheet, other.line, dict(other.values),
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"Row({self.number}, {self.values!r}, {self.sheet!r}, {self.line!r})"


@dataclass
class ExchangeData:
    """What ``read_exchange`` found: the version, the "Thông tin" values, typed rows, issues."""

    version: int | None = None
    info: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    # The keys of the columns each sheet carries (an absent optional column was filled in).
    columns: dict[str, set[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    def sheet(self, key: str) -> list[Row]:
        return self.rows.get(key, [])

    def has_column(self, sheet_key: str, column_key: str) -> bool:
        return column_key in self.columns.get(sheet_key, set())


# -- opening ------------------------------------------------------------------


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


_PART = re.compile(r"(.+) \((\d+)\)")


def _read_raw(path: Path, filename: str, *, only: set[str] | None = None) -> dict[str, RawSheet]:
    """Every visible sheet (or those named in ``only``): the first non-blank row is the header.

    The numbered parts of a format sheet ("Sự kiện đảng viên (2)", ...: a sheet past the
    XLSX row limit is written so) are joined to it, in order, each with the same header.
    """
    return dict(_raw_sheets(path, filename, only=only))


def _raw_sheets(
    path: Path, filename: str, *, only: set[str] | None = None
) -> Iterator[tuple[str, RawSheet]]:
    """The sheets of ``_read_raw`` one at a time, each once its numbered parts (which follow
    it) are joined to it, so that a caller can let go of a sheet before the next is read."""
    with open_workbook(Path(path), filename=filename) as workbook:
        if workbook.kind != "xlsx":
            raise SpreadsheetError(NOT_EXCHANGE)
        yield from _sheets_of(workbook, only=only)


def _one_sheet(workbook, title: str) -> RawSheet:
    raw: RawSheet | None = None
    for number, cells in workbook.rows(title):
        if _blank(cells):
            continue
        if raw is None:
            headers = [_header_text(c) for c in cells]
            raw = RawSheet(title=title, headers=headers, header_row=number)
            continue
        raw.rows.append((number, cells))
    return raw or RawSheet(title=title, headers=[], header_row=1)


def _part_base(key: str) -> str | None:
    """The format sheet whose further part ``key`` names ("Sự kiện đảng viên (2)"), or None."""
    match = _PART.fullmatch(key)
    if match is None:
        return None
    number = int(match.group(2))
    for title in SHEETS_BY_TITLE:
        if number >= 2 and part_title(title, number) == key:
            return title
    return None


def _join_part(sheet: RawSheet | None, base: str, key: str, part: RawSheet) -> bool:
    """Add the rows of a further part to ``sheet``, the sheet it follows; False if the part
    is out of order (not right after its sheet and the parts before it) or has another
    header: it carries its error then."""
    number = len(sheet.parts) + 2 if sheet is not None else 2
    if sheet is None or key != part_title(base, number):
        part.error = (
            f"Phần tiếp theo của sheet «{base}» không đúng thứ tự: các phần phải nối tiếp "
            "ngay sau sheet đó, đánh số (2), (3)… liên tục."
        )
    elif part.rows and part.headers != sheet.headers:
        part.error = f"Dòng tiêu đề khác với dòng tiêu đề của sheet «{base}»."
    if part.error:
        return False
    sheet.parts.append((len(sheet.rows), part.title))
    sheet.rows.extend(part.rows)
    return True


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        value = value.value
    return unicodedata.normalize("NFC", str(value)).strip()


def is_exchange_workbook(path: str | Path, *, filename: str = "") -> bool:
    """Whether the file is an XLSX workbook whose "Thông tin" sheet names the exchange format.

    Reads only that sheet.
    """
    try:
        raw = _read_raw(Path(path), filename, only={INFO.title})
    except (SpreadsheetError, OSError):
        return False
    info = raw.get(INFO.title)
    if info is None:
        return False
    return _clean_str(_info_values(info).get("format")) == FORMAT_NAME


# -- typing cells ---------------------------------------------------------------


def _clean_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time.min else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return fmt_date(value)
    return R.clean_text(value)


class CellError(ValueError):
    pass


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, dt.date):
        pass
    elif isinstance(value, str):
        try:
            value = parse_date(value)
        except ValueError as exc:
            raise CellError("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy.") from exc
    else:
        raise CellError("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy.")
    if not MIN_DAY <= value <= MAX_DAY:
        raise CellError("Ngày nằm ngoài khoảng 01/01/1900 – 31/12/2100.")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("Cần một số nguyên.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{1,3}([. ]\d{3})*|\d+", value.strip()):
        number = int(re.sub(r"[. ]", "", value.strip()))
    else:
        raise CellError("Cần một số nguyên.")
    if number < 0:
        raise CellError("Cần một số không âm.")
    return number


def _decimal(value: Any) -> decimal.Decimal:
    """A number with at most one decimal (points): 12,5 or 12.5 in text, or a number cell."""
    if isinstance(value, bool):
        raise CellError("Cần một số (ví dụ 12,5).")
    if isinstance(value, (int, float, decimal.Decimal)):
        text = str(value)
    else:
        text = R.clean_text(value).replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise CellError("Cần một số (ví dụ 12,5).") from None
    if not number.is_finite():
        raise CellError("Cần một số (ví dụ 12,5).")
    if number < 0:
        raise CellError("Cần một số không âm.")
    rounded = number.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    if abs(rounded - number) > decimal.Decimal("1e-9"):
        raise CellError("Chỉ ghi tối đa một chữ số thập phân.")
    if rounded >= 10_000:
        raise CellError("Số quá lớn.")
    return rounded


def _time(value: Any) -> str:
    """A time of day as "hh:mm" (a time cell, or text such as 7:30)."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})(?::00)?", R.clean_text(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CellError("Giờ không hợp lệ: ghi theo dạng hh:mm (ví dụ 07:30).")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _moment(value: Any) -> str:
    """A moment to the minute as "dd/mm/yyyy hh:mm" (a date-time or date cell, or text such
    as 05/03/2025 7:30; a day alone is its start)."""
    if isinstance(value, dt.datetime):
        day, time = value.date(), value.time().replace(second=0, microsecond=0)
        if value.second or value.microsecond:
            moment = dt.datetime.combine(day, time) + dt.timedelta(minutes=1)
            day, time = moment.date(), moment.time()
    elif isinstance(value, dt.date):
        day, time = value, dt.time.min
    else:
        text = R.clean_text(value)
        day_text, _, time_text = text.partition(" ")
        day = _day(day_text)
        try:
            time = (
                dt.time.fromisoformat(_time(time_text.strip()))
                if time_text.strip()
                else dt.time.min
            )
        except CellError:
            raise CellError(
                "Ngày giờ không hợp lệ: ghi theo dạng dd/mm/yyyy hh:mm (ví dụ 05/03/2025 07:30)."
            ) from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise CellError("Ngày nằm ngoài khoảng 01/01/1900 – 31/12/2100.")
    return dt.datetime.combine(day, time).strftime(R.MOMENT_FORMAT)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = R.clean_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("Ghi «Có» hoặc «Không».")


def _uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(R.clean_text(value)))
    except ValueError as exc:
        raise CellError("Mã hồ sơ không phải UUID hợp lệ.") from exc


def _json(value: Any) -> str:
    try:
        data = json.loads(R.clean_text(value))
    except ValueError as exc:
        raise CellError("Không phải JSON hợp lệ.") from exc
    if not isinstance(data, dict):
        raise CellError("Cần một đối tượng JSON ({...}).")
    return R.json_text(data)


def type_cell(col: Col, value: Any) -> Any:
    """Return the canonical value of a cell for ``col`` (see ``rows``); raise CellError."""
    if isinstance(value, Formula):
        value = value.value
    if value is None or (isinstance(value, str) and not value.strip()):
        if col.required:
            raise CellError("Ô bắt buộc, không được để trống.")
        return _empty(col)
    kind = col.type
    if kind == "date":
        return _day(value)
    if kind in ("int", "version"):
        return _int(value)
    if kind == "decimal":
        return _decimal(value)
    if kind == "time":
        return _time(value)
    if kind == "datetime":
        return _moment(value)
    if kind == "bool":
        return _bool(value)
    if kind == "uuid":
        return _uuid(value)
    if kind == "json":
        return _json(value)
    text = _clean_str(value)
    if "\x00" in text:
        raise CellError("Ô chứa ký tự NUL không hợp lệ.")
    if kind == "list":
        return R.list_text(R.split_list(text))
    if col.max_length and len(text) > col.max_length:
        raise CellError(f"Dài quá {col.max_length} ký tự.")
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError as exc:
            raise CellError("Địa chỉ thư điện tử không hợp lệ.") from exc
    choices = [c for c, _ in col.choices if c]
    if choices and text not in choices:
        shown = ", ".join(choices[:12]) + (", …" if len(choices) > 12 else "")
        raise CellError(f"Mã «{text}» không hợp lệ; các mã dùng được: {shown}.")
    return text


def _empty(col: Col) -> Any:
    if col.default is not None:
        return col.default
    if col.type in ("date", "int", "decimal", "uuid", "version"):
        return None if col.type != "uuid" else ""
    if col.type == "bool":
        return False
    return ""


# -- the workbook -------------------------------------------------------------------


def _info_values(raw: RawSheet) -> dict[str, Any]:
    try:
        key_at = raw.headers.index(INFO.column("key").header)
        value_at = raw.headers.index(INFO.column("value").header)
    except ValueError:
        return {}
    values: dict[str, Any] = {}
    for _, cells in raw.rows:
        key = _clean_str(cells[key_at] if key_at < len(cells) else None)
        if key:
            values[key] = cells[value_at] if value_at < len(cells) else None
    return values


def _version(value: Any) -> int | None:
    text = _clean_str(value)
    match = re.fullmatch(r"(\d+)(\.\d+)*", text)
    return int(match.group(1)) if match else None


def read_exchange(path: str | Path, *, filename: str = "") -> ExchangeData:
    """Read an exchange workbook. Raises SpreadsheetError if the file is no spreadsheet at all.

    Everything else (another format, a newer version, missing sheets or
    columns, bad cells) is reported in ``issues``; the rows that could be
    typed are returned all the same.

    The sheets are read one after another, and each row is typed as soon as it is read: the
    cells of a sheet are never held, only the typed rows (compact, see ``Row``). A file of an
    older version is read whole first, since its upgrade works on all the sheets at once.
    """
    data = ExchangeData()
    with open_workbook(Path(path), filename=filename) as workbook:
        if workbook.kind != "xlsx":
            raise SpreadsheetError(NOT_EXCHANGE)
        titles = workbook.sheet_names
        info_title = next((t for t in titles if _header_text(t) == INFO.title), None)
        info = _one_sheet(workbook, info_title) if info_title is not None else None
        values = _info_values(info) if info is not None else {}
        if info is None or _clean_str(values.get("format")) != FORMAT_NAME:
            data.issues.append(Issue(INFO.title, None, "", "", NOT_EXCHANGE))
            return data
        version = _version(values.get("version"))
        if version is None or version < 1:
            data.issues.append(Issue(
                INFO.title, None, "Giá trị", _clean_str(values.get("version")),
                "Thiếu hoặc sai phiên bản định dạng (khóa «version»).",
            ))  # fmt: skip
            return data
        if version > FORMAT_VERSION:
            data.issues.append(Issue(
                INFO.title, None, "Giá trị", str(version),
                f"Tệp theo định dạng trao đổi phiên bản {version}, mới hơn phiên bản "
                f"{FORMAT_VERSION} mà hệ thống này đọc được: cần cập nhật dangbo trước khi "
                "nhập tệp này.",
            ))  # fmt: skip
            return data
        data.version = version
        data.info = values
        if version < FORMAT_VERSION:
            raw: dict[str, RawSheet] = {}
            with contextlib.closing(_sheets_of(workbook)) as sheets:
                raw.update(sheets)
            for step in range(version, FORMAT_VERSION):
                upgrade = UPGRADES.get(step)
                if upgrade is None:
                    data.issues.append(Issue(
                        INFO.title, None, "Giá trị", str(version),
                        f"Hệ thống không chuyển được tệp phiên bản {step} sang phiên bản "
                        f"{step + 1}.",
                    ))  # fmt: skip
                    return data
                raw = upgrade(raw)
            sheet_issues, typed = _type_raw(raw)
        else:
            sheet_issues, typed = _stream_sheets(workbook, titles)
    data.issues.extend(sheet_issues)
    for spec in SHEETS:
        found = typed.get(spec.title)
        if found is None:
            if spec.required:
                data.issues.append(Issue(spec.title, None, "", "", "Thiếu sheet bắt buộc."))
            data.rows[spec.key] = []
            data.columns[spec.key] = set()
            continue
        data.issues.extend(found.issues)
        data.rows[spec.key] = found.rows[spec.key]
        data.columns[spec.key] = found.columns[spec.key]
    data.info = _typed_info(data)
    return data


def _sheet_issue(key: str, title: str, header_row: int, error: str) -> Issue | None:
    """The issue of a sheet as a whole: its error, or a warning for a sheet the format lacks."""
    if error:
        return Issue(title, header_row, "", "", error)
    if key not in SHEETS_BY_TITLE:
        return Issue(
            title, None, "", "", "Sheet không thuộc định dạng trao đổi: bỏ qua.", severity="warning"
        )
    return None


def _type_raw(raw: dict[str, RawSheet]) -> tuple[list[Issue], dict[str, ExchangeData]]:
    """Type sheets read whole (of an upgraded file), letting each one's cells go once typed."""
    sheet_issues: list[Issue] = []
    typed: dict[str, ExchangeData] = {}
    for key, sheet in raw.items():
        issue = _sheet_issue(key, sheet.title, sheet.header_row, sheet.error)
        if issue is not None:
            sheet_issues.append(issue)
        else:
            typed[key] = ExchangeData()
            _read_sheet(SHEETS_BY_TITLE[key], sheet, typed[key])
        sheet.rows = []  # typed: the cells are no longer needed
    return sheet_issues, typed


def _sheets_of(workbook, *, only: set[str] | None = None) -> Iterator[tuple[str, RawSheet]]:
    """``_raw_sheets`` on an open workbook."""
    current: tuple[str, RawSheet] | None = None  # the sheet the next parts may continue
    for title in workbook.sheet_names:
        key = _header_text(title)
        base = _part_base(key)
        if only is not None and key not in only and base not in only:
            continue
        raw = _one_sheet(workbook, title)
        if base is not None:
            sheet = current[1] if current is not None and current[0] == base else None
            if _join_part(sheet, base, key, raw):
                continue
            yield key, raw
            continue
        if current is not None:
            yield current
        current = (key, raw)
    if current is not None:
        yield current


def _stream_sheets(workbook, titles: list[str]) -> tuple[list[Issue], dict[str, ExchangeData]]:
    """Type every sheet row by row as the workbook gives them, the numbered parts of a long
    sheet going on in the sheet they follow: no sheet's cells are held. The issues of the
    sheets as wholes come in the order ``_raw_sheets`` gives the sheets."""
    sheet_issues: list[Issue] = []
    typed: dict[str, ExchangeData] = {}
    # The sheet the next parts may continue: its key, its header, its typer, its parts so far,
    # and its own issue (told once no part can follow).
    current: tuple[str, list[str], _Typer | None, list[int], Issue | None] | None = None
    for title in titles:
        key = _header_text(title)
        base = _part_base(key)
        headers, header_row, rows = _stream_sheet(workbook, title)
        with contextlib.closing(rows):
            if base is not None:
                follows = current is not None and current[0] == base
                number = current[3][0] + 2 if follows else 2
                error = ""
                if not follows or key != part_title(base, number):
                    error = (
                        f"Phần tiếp theo của sheet «{base}» không đúng thứ tự: các phần phải "
                        "nối tiếp ngay sau sheet đó, đánh số (2), (3)… liên tục."
                    )
                elif headers != current[1]:
                    first = next(rows, None)
                    if first is not None:
                        error = f"Dòng tiêu đề khác với dòng tiêu đề của sheet «{base}»."
                    else:
                        headers = current[1]  # a part without rows: nothing to compare
                if error:
                    sheet_issues.append(Issue(title, header_row, "", "", error))
                    continue
                current[3][0] += 1
                typer = current[2]
                if typer is not None:
                    for line, cells in rows:
                        typer.feed(line, cells, title)
                continue
            if current is not None and current[4] is not None:
                sheet_issues.append(current[4])
            issue = _sheet_issue(key, title, header_row, "")
            typer = None
            if issue is None:
                typed[key] = ExchangeData()
                typer = _Typer(SHEETS_BY_TITLE[key], headers, header_row, typed[key])
                for line, cells in rows:
                    typer.feed(line, cells, title)
            current = (key, headers, typer, [0], issue)
    if current is not None and current[4] is not None:
        sheet_issues.append(current[4])
    return sheet_issues, typed


def _stream_sheet(workbook, title: str) -> tuple[list[str], int, Iterator[tuple[int, list]]]:
    """A sheet's header (its first non-blank row; none in an empty sheet), that row's number,
    and its further non-blank rows as the workbook reads them."""
    rows = (row for row in workbook.rows(title) if not _blank(row[1]))
    first = next(rows, None)
    if first is None:
        rows.close()
        return [], 1, iter(())
    return [_header_text(c) for c in first[1]], first[0], rows


class _Typer:
    """Types the rows of one format sheet as they come, into ``data``."""

    def __init__(self, spec: SheetSpec, headers: list[str], header_row: int, data: ExchangeData):
        self.spec, self.data = spec, data
        by_header = {c.header: c for c in spec.columns}
        positions: dict[str, int] = {}
        for index, header in enumerate(headers):
            if not header:
                continue
            col = by_header.get(header)
            if col is None:
                data.issues.append(Issue(
                    spec.title, header_row, header, "",
                    "Cột không thuộc định dạng trao đổi: bỏ qua.", severity="warning",
                ))  # fmt: skip
            elif col.key in positions:
                data.issues.append(Issue(spec.title, header_row, header, "", "Cột bị lặp lại."))
            else:
                positions[col.key] = index
        missing = [c.header for c in spec.columns if c.required and c.key not in positions]
        for header in missing:
            data.issues.append(Issue(spec.title, header_row, header, "", "Thiếu cột bắt buộc."))
        data.columns[spec.key] = set(positions)
        self.rows: list[Row] = []
        data.rows[spec.key] = self.rows
        self.skip = bool(missing)
        typed = [c for c in spec.columns if c.role in (DATA, DERIVED) or c.key == "scope"]
        # Codes and UIDs recur from row to row (a member's UID on each of their events), and
        # days too: one object each, not one per cell.
        shared = {c.key for c in typed if c.type in ("code", "uuid") or c.choices}
        self.columns = [
            (c, positions.get(c.key), c.key in shared or c.type == "date") for c in typed
        ]
        self.at = {c.key: i for i, c in enumerate(typed)}  # shared by every row of the sheet
        self.seen: dict[Any, Any] = {}
        self.title = spec.title
        self.previous, self.shift = 0, 0

    def feed(self, line: int, cells: list[Any], title: str) -> None:
        if self.skip:
            return
        if title != self.title:  # the first row of a further part: issues name that part
            self.title = title
            self.shift = self.previous + 1 - line
        number = self.previous = line + self.shift
        data, seen = self.data, self.seen
        values: list[Any] = [None] * len(self.columns)
        for index, (col, at, shared) in enumerate(self.columns):
            cell = cells[at] if at is not None and at < len(cells) else None
            if isinstance(cell, Formula):
                data.issues.append(Issue(
                    title, line, col.header, cell.expression,
                    "Ô chứa công thức: dùng giá trị đã tính.", severity="warning",
                ))  # fmt: skip
            try:
                value = type_cell(col, cell)
                if shared and value.__class__ in (str, dt.date):
                    value = seen.setdefault(value, value)
                values[index] = value
            except CellError as exc:
                data.issues.append(Issue(title, line, col.header, _clean_str(cell), str(exc)))
                values[index] = _empty(col)
        if title == self.spec.title:
            self.rows.append(Row(number, values, self.at))
        else:
            self.rows.append(Row(number, values, self.at, title, line))


def _read_sheet(spec: SheetSpec, sheet: RawSheet, data: ExchangeData) -> None:
    typer = _Typer(spec, sheet.headers, sheet.header_row, data)
    title, parts = spec.title, list(sheet.parts)
    for index, (line, cells) in enumerate(sheet.rows):
        while parts and parts[0][0] == index:
            title = parts.pop(0)[1]
        typer.feed(line, cells, title)


def _typed_info(data: ExchangeData) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for row in data.sheet("info"):
        key, value = row["key"], row["value"]
        result[key] = value
    return result
