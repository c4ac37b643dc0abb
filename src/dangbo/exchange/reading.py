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
from collections.abc import Iterator
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


@dataclass(slots=True)
class Row:
    """One data row: its number as the spreadsheet shows it and its typed values by column key.

    Slotted: an import holds every row of the file, so each row's own size counts.
    """

    number: int
    values: dict[str, Any]
    # A row of a further part of a long sheet ("Sự kiện đảng viên (2)"): that part and the
    # row's number there. ``number`` then goes on from the part before, so it keeps the order
    # of the rows in the whole sheet and names one row.
    sheet: str = ""
    line: int | None = None

    @property
    def shown(self) -> int:
        """The row's number as the spreadsheet shows it (in its part)."""
        return self.number if self.line is None else self.line

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


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

    The sheets are read one after another, and each is typed as soon as it is read (its
    cells are let go then): only the typed rows stay. A file of an older version is read
    whole first, since its upgrade works on all the sheets at once.
    """
    data = ExchangeData()
    with contextlib.closing(_raw_sheets(Path(path), filename)) as sheets:
        raw: dict[str, RawSheet] = {}
        for key, sheet in sheets:
            raw[key] = sheet
            if key == INFO.title:
                break
        info = raw.get(INFO.title)
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
        if version < FORMAT_VERSION:
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
        data.info = values
        sheet_issues: list[Issue] = []
        typed: dict[str, ExchangeData] = {}

        def take(key: str, sheet: RawSheet) -> None:
            if sheet.error:
                sheet_issues.append(Issue(sheet.title, sheet.header_row, "", "", sheet.error))
            elif key not in SHEETS_BY_TITLE:
                sheet_issues.append(Issue(
                    sheet.title, None, "", "", "Sheet không thuộc định dạng trao đổi: bỏ qua.",
                    severity="warning",
                ))  # fmt: skip
            else:
                typed[key] = ExchangeData()
                _read_sheet(SHEETS_BY_TITLE[key], sheet, typed[key])
            sheet.rows = []  # typed: the cells are no longer needed

        for key, sheet in raw.items():
            take(key, sheet)
        for key, sheet in sheets:
            take(key, sheet)
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


def _read_sheet(spec: SheetSpec, sheet: RawSheet, data: ExchangeData) -> None:
    by_header = {c.header: c for c in spec.columns}
    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        col = by_header.get(header)
        if col is None:
            data.issues.append(Issue(
                spec.title, sheet.header_row, header, "",
                "Cột không thuộc định dạng trao đổi: bỏ qua.", severity="warning",
            ))  # fmt: skip
        elif col.key in positions:
            data.issues.append(Issue(spec.title, sheet.header_row, header, "", "Cột bị lặp lại."))
        else:
            positions[col.key] = index
    missing = [c.header for c in spec.columns if c.required and c.key not in positions]
    for header in missing:
        data.issues.append(Issue(spec.title, sheet.header_row, header, "", "Thiếu cột bắt buộc."))
    data.columns[spec.key] = set(positions)
    rows: list[Row] = []
    data.rows[spec.key] = rows
    if missing:
        return
    typed = [c for c in spec.columns if c.role in (DATA, DERIVED) or c.key == "scope"]
    # Codes and UIDs recur from row to row (a member's UID on each of their events): one
    # string object each, not one per cell.
    shared = {c.key for c in typed if c.type in ("code", "uuid") or c.choices}
    seen: dict[str, str] = {}
    title, parts = spec.title, list(sheet.parts)
    previous, shift = 0, 0
    for index, (line, cells) in enumerate(sheet.rows):
        while parts and parts[0][0] == index:
            title = parts.pop(0)[1]  # the rows of a further part: issues name that part
            shift = previous + 1 - line
        number, previous = line + shift, line + shift
        values: dict[str, Any] = {}
        for col in typed:
            at = positions.get(col.key)
            cell = cells[at] if at is not None and at < len(cells) else None
            if isinstance(cell, Formula):
                data.issues.append(Issue(
                    title, line, col.header, cell.expression,
                    "Ô chứa công thức: dùng giá trị đã tính.", severity="warning",
                ))  # fmt: skip
            try:
                value = type_cell(col, cell)
                if col.key in shared and value.__class__ is str:
                    value = seen.setdefault(value, value)
                values[col.key] = value
            except CellError as exc:
                data.issues.append(Issue(title, line, col.header, _clean_str(cell), str(exc)))
                values[col.key] = _empty(col)
        if title == spec.title:
            rows.append(Row(number, values))
        else:
            rows.append(Row(number, values, title, line))


def _typed_info(data: ExchangeData) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for row in data.sheet("info"):
        key, value = row["key"], row["value"]
        result[key] = value
    return result
