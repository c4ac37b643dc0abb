"""The columns an import understands, the headers offices write for them, and their parsers.

A header matches a field when, folded (no accents, lower case, single spaces,
punctuation dropped, common abbreviations spelled out), it equals one of the
field's names. Offices write "Ngày vào Đảng", "Ngày kết nạp", "NGÀY VÀO ĐẢNG",
"Số thẻ ĐV" or "Số thẻ đảng viên" for the same column; all of them match.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dangbo.core import text
from dangbo.core.formatting import fmt_date
from dangbo.core.spreadsheets import Formula

# Excel counts days from 30/12/1899 (with its 1900 leap-year bug folded in).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST_DATE = dt.date(1900, 1, 1)


class CellError(ValueError):
    """A value that cannot be read for its field; the message is Vietnamese."""


@dataclass(frozen=True)
class FieldSpec:
    """A column an import understands."""

    key: str
    label: str
    names: tuple[str, ...]  # header spellings, matched after folding
    parse: Callable[[Any], Any]
    required: bool = False  # required for a new record
    help: str = ""


# -- header folding ------------------------------------------------------------------

# Abbreviations offices use in headers, spelled out before matching (folded form).
ABBREVIATIONS = {
    "dv": "dang vien",
    "đv": "dang vien",
    "llct": "ly luan chinh tri",
    "gdpt": "giao duc pho thong",
    "cmnd": "cccd",
    "cccd/cmnd": "cccd",
    "cmnd/cccd": "cccd",
    "sdt": "dien thoai",
    "ns": "ngay sinh",
    "qd": "quyet dinh",
    "tccs": "to chuc co so dang",
    "tcd": "to chuc dang",
    "cb": "chi bo",
    "stt": "so thu tu",
    "nv": "nhan vien",
    "cbnv": "can bo nhan vien",
}


@functools.lru_cache(maxsize=65536)
def _fold_text(value: str) -> str:
    value = text.fold(value).lower()
    value = re.sub(r"\(.*?\)", " ", value)  # "Ngày sinh (dd/mm/yyyy)"
    value = re.sub(r"[^0-9a-z/]+", " ", value)
    words = [ABBREVIATIONS.get(w, w) for w in value.split()]
    return " ".join(" ".join(words).split())


def fold_header(header: Any) -> str:
    """Return the comparable form of a header: folded, punctuation dropped, abbreviations expanded."""
    if header is None:
        return ""
    return _fold_text(str(header))


# -- value parsers ---------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Formula):
        if value.value is None or value.value == "":
            raise CellError(
                f"Ô chứa công thức ({value.expression}) chưa có giá trị: "
                "mở tệp bằng Excel và lưu lại, hoặc dán giá trị thay cho công thức."
            )
        return value.value
    return value


def blank(value: Any) -> bool:
    if value is None:
        return True
    if value.__class__ is str:
        return not value.strip()
    value = value.value if isinstance(value, Formula) and value.value is not None else value
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        value = _plain(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = fmt_date(value.date())
        elif isinstance(value, dt.date):
            value = fmt_date(value)
        result = " ".join(unicodedata.normalize("NFC", str(value)).split())
        if "\x00" in result:
            raise CellError("Không được chứa ký tự NUL.")
        if len(result) > max_length:
            raise CellError(f"Dài quá {max_length} ký tự.")
        return result

    return parse


def parse_identifier(max_length: int) -> Callable[[Any], str]:
    """A card or record number: text, upper case, no spaces; an Excel number loses its ".0"."""
    as_text = parse_text(max_length)

    def parse(value: Any) -> str:
        return as_text(value).replace(" ", "").upper()

    return parse


def parse_personal_id(value: Any) -> str:
    """The 12-digit personal identification number; Excel drops leading zeros of numbers."""
    value = _plain(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if len(digits) < 12:
            digits = digits.zfill(12)
    else:
        digits = re.sub(r"[\s.\-]", "", str(value))
    if not (digits.isdigit() and len(digits) == 12):
        raise CellError("Số định danh cá nhân gồm đúng 12 chữ số.")
    return digits


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YEAR_TEXT = re.compile(r"^(\d{4})$")


def _make_date(year: int, month: int, day: int, raw: Any) -> dt.date:
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày không có thật: {raw}.") from None
    if result < EARLIEST_DATE:
        raise CellError(f"Ngày trước năm 1900: {raw}.")
    return result


def parse_date_value(value: Any, *, year_only: bool = False) -> tuple[dt.date, bool]:
    """Return (date, only_year_given). Text dd/mm/yyyy, Excel date cells or serials, ISO dates."""
    value = _plain(value)
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, bool):
        raise CellError("Không phải ngày tháng.")
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and 1900 <= number <= 2100:
            if not year_only:
                raise CellError(f"Chỉ có năm ({int(number)}): cần ghi đủ ngày/tháng/năm.")
            return dt.date(int(number), 1, 1), True
        if 1 <= number < 80000:
            return _make_date_from_serial(number), False
        raise CellError(f"Không phải ngày tháng: {value}.")
    return _parse_date_text(str(value).strip(), year_only)


@functools.lru_cache(maxsize=1 << 16)
def _parse_date_text(raw: str, year_only: bool) -> tuple[dt.date, bool]:
    """A date written as text (a register repeats many of them: each is read once)."""
    match = _DATE_TEXT.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _make_date(year, month, day, raw), False
    match = _ISO_TEXT.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, raw), False
    match = _YEAR_TEXT.match(raw)
    if match:
        if not year_only:
            raise CellError(f"Chỉ có năm ({raw}): cần ghi đủ ngày/tháng/năm.")
        return _make_date(int(raw), 1, 1, raw), True
    raise CellError(f"Ngày không đọc được: «{raw}» (ghi theo dạng dd/mm/yyyy).")


def _make_date_from_serial(number: float) -> dt.date:
    result = EXCEL_EPOCH + dt.timedelta(days=int(number))
    if result < EARLIEST_DATE:
        raise CellError("Ngày trước năm 1900.")
    return result


def parse_date(value: Any) -> dt.date:
    return parse_date_value(value)[0]


def parse_date_or_year(value: Any) -> dt.date:
    return parse_date_value(value, year_only=True)[0]


def parse_int(value: Any) -> int:
    value = _plain(value)
    if isinstance(value, bool):
        raise CellError("Không phải số nguyên.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"Không phải số nguyên: {value}.")
        value = int(value)
    if isinstance(value, str):
        raw = value.strip().replace(".", "").replace(" ", "")
        if not raw.isdigit():
            raise CellError(f"Không phải số nguyên: «{value}».")
        value = int(raw)
    if not isinstance(value, int) or value < 0 or value > 10_000_000:
        raise CellError(f"Số không hợp lệ: {value}.")
    return value


YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"khong", "0", "false", "no", "sai", ""}


def parse_bool(value: Any) -> bool:
    value = _plain(value)
    if isinstance(value, bool):
        return value
    folded = text.fold(str(value)).lower().strip()
    if isinstance(value, (int, float)):
        folded = str(int(value))
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError(f"Ghi «Có» hoặc «Không», không phải «{value}».")


def parse_choice(choices: dict[str, str], what: str) -> Callable[[Any], str]:
    """A value from a fixed list, given by its code or its name (accents and case ignored)."""
    lookup: dict[str, str] = {}
    for code, name in choices.items():
        lookup[fold_header(code)] = code
        lookup[fold_header(name)] = code

    def parse(value: Any) -> str:
        value = _plain(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = fold_header(value)
        if key in lookup:
            return lookup[key]
        if isinstance(value, int) and fold_header(f"{value:02d}") in lookup:
            return lookup[fold_header(f"{value:02d}")]
        raise CellError(f"{what} không có trong danh mục: «{value}».")

    return parse


@dataclass
class CodeListParser:
    """A value of a reference code list (core.Code), given by code, name or another name."""

    list_name: str
    what: str
    _lookup: dict[str, str] | None = field(default=None, repr=False)

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            from dangbo.core.models import Code

            table: dict[str, str] = {}
            for code, name, others in Code.objects.filter(list=self.list_name).values_list(
                "code", "name", "other_names"
            ):
                for spelling in [code, name, *others.split(";")]:
                    if spelling.strip():
                        table.setdefault(fold_header(spelling), code)
                if code.isdigit():
                    table.setdefault(str(int(code)), code)
            self._lookup = table
        return self._lookup

    def __call__(self, value: Any) -> str:
        value = _plain(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = fold_header(value)
        table = self.lookup()
        if key in table:
            return table[key]
        raise CellError(f"{self.what} không có trong danh mục: «{value}».")


# -- the field sets ------------------------------------------------------------------


def member_fields() -> list[FieldSpec]:
    """The member register's columns (a fresh list: code-list lookups are cached per import)."""
    from dangbo.members.models import PoliticalTheory, Professional, Sex

    sex = parse_choice({**dict(Sex.choices), "M": "Nam", "F": "Nữ"}, "Giới tính")
    return [
        FieldSpec("full_name", "Họ và tên", ("ho va ten", "ho ten", "ho ten dang vien", "ten dang vien", "ho va ten dang vien", "ho va ten dang dung"), parse_text(150), required=True),
        FieldSpec("birth_name", "Họ và tên khai sinh", ("ho va ten khai sinh", "ho ten khai sinh", "ten khai sinh"), parse_text(150)),
        FieldSpec("date_of_birth", "Ngày sinh", ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay sinh dd/mm/yyyy"), parse_date, required=True),
        FieldSpec("sex", "Giới tính", ("gioi tinh", "nam/nu", "nam nu", "phai"), sex, required=True),
        FieldSpec("ethnicity", "Dân tộc", ("dan toc",), CodeListParser("ethnicity", "Dân tộc")),
        FieldSpec("religion", "Tôn giáo", ("ton giao",), CodeListParser("religion", "Tôn giáo")),
        FieldSpec("home_town", "Quê quán", ("que quan", "nguyen quan"), parse_text(255)),
        FieldSpec("birth_place", "Nơi sinh", ("noi sinh",), parse_text(255)),
        FieldSpec("permanent_address", "Nơi thường trú", ("noi thuong tru", "dia chi thuong tru", "thuong tru", "dia chi", "noi o hien nay"), parse_text(255)),
        FieldSpec("personal_id_number", "Số định danh cá nhân", ("so dinh danh ca nhan", "so dinh danh", "so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "can cuoc cong dan"), parse_personal_id),
        FieldSpec("phone", "Điện thoại", ("dien thoai", "so dien thoai"), parse_text(30)),
        FieldSpec("email", "Thư điện tử", ("thu dien tu", "email", "e mail"), parse_text(254)),
        FieldSpec("occupation", "Nghề nghiệp", ("nghe nghiep", "nghe nghiep hien nay", "chuc vu nghe nghiep"), parse_text(200)),
        FieldSpec("card_number", "Số thẻ đảng viên", ("so the dang vien", "so the", "the dang vien", "so the dang"), parse_identifier(20)),
        FieldSpec("background_number", "Số lý lịch", ("so ly lich", "so ly lich dang vien", "so ll"), parse_identifier(20)),
        FieldSpec("admitted_on", "Ngày vào Đảng", ("ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay ket nap vao dang", "vao dang"), parse_date, required=True),
        FieldSpec("official_on", "Ngày chính thức", ("ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay dang vien chinh thuc", "chinh thuc"), parse_date),
        FieldSpec("organization_code", "Mã chi bộ", ("ma chi bo", "ma to chuc sinh hoat", "ma chi bo sinh hoat"), parse_identifier(30)),
        FieldSpec("organization", "Chi bộ", ("chi bo", "chi bo sinh hoat", "ten chi bo", "noi sinh hoat", "to chuc dang", "to chuc sinh hoat", "chi bo dang sinh hoat"), parse_text(255)),
        FieldSpec("general_education", "Giáo dục phổ thông", ("giao duc pho thong", "trinh do giao duc pho thong", "trinh do van hoa", "van hoa"), CodeListParser("general_education", "Trình độ giáo dục phổ thông")),
        FieldSpec("professional_level", "Chuyên môn", ("chuyen mon", "trinh do chuyen mon", "chuyen mon nghiep vu", "trinh do chuyen mon nghiep vu"), parse_choice(dict(Professional.choices), "Trình độ chuyên môn")),
        FieldSpec("political_theory_level", "Lý luận chính trị", ("ly luan chinh tri", "trinh do ly luan chinh tri"), parse_choice(dict(PoliticalTheory.choices), "Trình độ lý luận chính trị")),
        FieldSpec("admission_age_exception", "Ngoại lệ tuổi vào Đảng", ("ngoai le tuoi vao dang", "ngoai le tuoi", "can cu ngoai le tuoi"), parse_text(255)),
    ]  # fmt: skip


def organization_fields() -> list[FieldSpec]:
    from dangbo.organizations.models import OrgKind

    kinds = dict(OrgKind.choices)
    # Names offices use for the kinds, beside the registry's own labels.
    kinds_extra = {
        "Đảng bộ cơ sở": OrgKind.GRASSROOTS_DANG_BO, "Chi bộ cơ sở": OrgKind.GRASSROOTS_CELL,
        "Chi bộ trực thuộc": OrgKind.DEPENDENT_CELL, "Đảng bộ bộ phận": OrgKind.SUB_DANG_BO,
        "Đảng ủy khối": OrgKind.BLOC, "Đảng bộ cấp trên cơ sở": OrgKind.SUPERIOR,
        "Tỉnh ủy": OrgKind.PROVINCIAL, "Huyện ủy": OrgKind.DISTRICT,
    }  # fmt: skip
    kind_parser = parse_choice(kinds, "Loại tổ chức")
    extra_parser = parse_choice({str(v): k for k, v in kinds_extra.items()}, "Loại tổ chức")

    def parse_kind(value: Any) -> str:
        try:
            return kind_parser(value)
        except CellError:
            return extra_parser(value)

    return [
        FieldSpec("code", "Mã tổ chức", ("ma to chuc", "ma", "ma don vi", "ma to chuc dang", "ma tcd"), parse_identifier(30), required=True),
        FieldSpec("name", "Tên tổ chức", ("ten to chuc", "ten", "ten to chuc dang", "ten don vi", "to chuc dang", "ten tcd"), parse_text(255), required=True),
        FieldSpec("kind", "Loại tổ chức", ("loai to chuc", "loai", "cap to chuc", "loai to chuc dang"), parse_kind, required=True),
        FieldSpec("parent", "Mã tổ chức cấp trên", ("ma to chuc cap tren", "ma cap tren", "cap tren", "truc thuoc", "ma to chuc truc thuoc", "to chuc cap tren"), parse_identifier(30)),
        FieldSpec("sector", "Loại hình", ("loai hinh", "loai hinh to chuc co so dang", "loai hinh to chuc", "khoi", "linh vuc"), parse_text(200)),
        FieldSpec("established_on", "Ngày thành lập", ("ngay thanh lap", "nam thanh lap", "thanh lap"), parse_date_or_year, required=True),
        FieldSpec("established_decision", "Quyết định thành lập", ("quyet dinh thanh lap", "so quyet dinh thanh lap", "so quyet dinh"), parse_text(100)),
        FieldSpec("staff_headcount", "Số cán bộ, nhân viên", ("so can bo nhan vien", "so can bo, nhan vien", "so can bo nhan vien cua don vi", "bien che", "so lao dong", "tong so can bo nhan vien"), parse_int),
        FieldSpec("hardship_area", "Vùng khó khăn", ("vung kho khan", "vung cao vung sau bien gioi hai dao", "vung dac biet kho khan"), parse_bool),
        FieldSpec("address", "Địa chỉ", ("dia chi", "tru so"), parse_text(255)),
        FieldSpec("phone", "Điện thoại", ("dien thoai", "so dien thoai"), parse_text(30)),
        FieldSpec("email", "Thư điện tử", ("thu dien tu", "email", "e mail"), parse_text(254)),
        FieldSpec("committee_name", "Tên cấp ủy", ("ten cap uy", "cap uy", "ten cap uy ky van ban"), parse_text(255)),
        FieldSpec("place_name", "Địa danh ghi trên văn bản", ("dia danh ghi tren van ban", "dia danh", "dia danh van ban"), parse_text(100)),
    ]  # fmt: skip


# Columns that are read-only in an export (derived or counted): recognised so a
# re-imported export maps cleanly, and ignored.
IGNORED_HEADERS = {
    fold_header(h)
    for h in (
        "STT", "Số thứ tự", "Tuổi", "Tuổi đảng", "Tình trạng", "Số đảng viên",
        "Ngày giải thể", "Ghi chú", "Lỗi",
    )
}  # fmt: skip

KINDS = {"members": "Đảng viên", "organizations": "Tổ chức đảng"}


def fields_for(kind: str) -> list[FieldSpec]:
    return member_fields() if kind == "members" else organization_fields()


def match_header(header: Any, specs: list[FieldSpec]) -> str | None:
    """Return the key of the field ``header`` names, or None."""
    folded = fold_header(header)
    if not folded:
        return None
    for spec in specs:
        if folded == fold_header(spec.label) or folded in spec.names:
            return spec.key
    return None


def guess_kind(headers: list[Any]) -> tuple[str | None, int]:
    """Return the kind of records a header row describes and how many headers matched."""
    best: tuple[str | None, int] = (None, 0)
    for kind in ("members", "organizations"):
        specs = fields_for(kind)
        matched = {match_header(h, specs) for h in headers} - {None}
        # A member sheet must name people; an organization sheet must carry codes.
        if kind == "members" and not {"full_name", "date_of_birth"} <= matched:
            continue
        if kind == "organizations" and not {"code", "name"} <= matched:
            continue
        if len(matched) > best[1]:
            best = (kind, len(matched))
    return best
