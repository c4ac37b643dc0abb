"""Data-quality checks on member and organization records, as pure functions.

Each check returns ``Problem`` values (a stable code, the field, a Vietnamese
message naming the rule, and a severity) instead of refusing: master data
arrives dirty and the office needs the whole list to clean it. The same
functions judge a row of an import file and a row of the database, so they
take plain values, touch no ORM and stay cheap (an import may hold 500.000
rows).

Sources: Điều lệ Đảng (2011) Đ1 (age 18), Đ5 k1–k2 (12 months of probation,
recognition proposed within 30 working days), Đ21 and Đ24 (at least 3
official members); Quy định thi hành Điều lệ (QĐ 29-QĐ/TW 2016 → QĐ 24-QĐ/TW
2021 → QĐ 232-QĐ/TW 2025, on Đ1 k2: applicants from a full 18 to a full 60
years, counted in months; mục 4.2–4.3: recognition as of the day the 12 months
end, decided within 30 working days, extendable by 30); Chỉ thị 51-CT/TW
(2025) on member cards for official members.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.core.text import fold
from dangbo.members import rules as member_rules
from dangbo.organizations import rules as org_rules

# --------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------

ERROR, WARNING = "error", "warning"
SEVERITIES = {ERROR: "Lỗi", WARNING: "Cảnh báo"}

MISSING_REQUIRED = "missing_required"
IMPOSSIBLE_DATE = "impossible_date"
INCONSISTENT_DATES = "inconsistent_dates"
INVALID_IDENTIFIER = "invalid_identifier"
DUPLICATE_NAME_BIRTH = "duplicate_name_birth"
DUPLICATE_PERSONAL_ID = "duplicate_personal_id"
STATUS_MISMATCH = "status_mismatch"
BELOW_MINIMUM = "below_minimum"

# Every check, in the order pages and reports list them, with its Vietnamese title.
CHECKS: dict[str, str] = {
    MISSING_REQUIRED: "Thiếu thông tin bắt buộc",
    IMPOSSIBLE_DATE: "Ngày không thể có",
    INCONSISTENT_DATES: "Ngày mâu thuẫn",
    INVALID_IDENTIFIER: "Số định danh cá nhân sai cấu trúc",
    DUPLICATE_NAME_BIRTH: "Có thể trùng người (cùng họ tên và ngày sinh)",
    DUPLICATE_PERSONAL_ID: "Trùng số định danh cá nhân",
    STATUS_MISMATCH: "Tình trạng lưu lệch với các sự kiện",
    BELOW_MINIMUM: "Dưới mức tối thiểu 3 đảng viên chính thức",
}

# --------------------------------------------------------------------------
# Dates and numbers the checks use
# --------------------------------------------------------------------------

# No member record is born before this day (the API refuses earlier dates, too).
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# The Party was founded on 03/02/1930; a few communist cells of 1929 predate it,
# so an earlier date is only a warning.
PARTY_FOUNDED_ON = dt.date(1930, 2, 3)
# Điều lệ Đảng Đ1 and the implementing regulation on Đ1 k2: a full 18 years.
MIN_ADMISSION_AGE = member_rules.MIN_ADMISSION_AGE
# The implementing regulation on Đ1 k2 (QĐ 29-QĐ/TW of 25/07/2016, kept by
# QĐ 24 and QĐ 232): up to a full 60 years counted in months; above that only
# with the written consent of the province-level standing committee
# (HD 01-HD/TW 2021, mục 1.1).
MAX_ADMISSION_AGE_MONTHS = 60 * 12
MAX_AGE_RULE_SINCE = dt.date(2016, 7, 25)
# Điều lệ Đảng Đ5 k1: probation lasts 12 months from the admission ceremony,
# and the member is recognized as of the day those 12 months end (mục 4.2.2).
# The guidance's example reads that day as the anniversary (26/07/2015 →
# 26/07/2016); offices that count the first day in read it as the day before.
# Both are accepted.
PROBATION_MONTHS = 12
ONE_DAY = dt.timedelta(days=1)
# The 12 months are judged for admissions under the 2011 Statute (adopted at
# Đại hội XI on 19/01/2011); earlier eras had other lengths (HD 12-HD/BTCTW
# 2022, Phụ lục 1) and are not judged.
PROBATION_RULE_SINCE = dt.date(2011, 1, 19)
# A recognition dated more than 24 months after admission is suspect: twice the
# probation, and the longest probation any Statute era set (2 years, 1951–1960).
LATE_RECOGNITION_MONTHS = 24
# A probationer still waiting after 18 months is overdue: 12 months of probation,
# the ceremony up to 30 working days after the decision (mục 4.1), the cell's
# proposal within 30 working days (Đ5 k2) and the decision within 30 + 30
# working days (mục 4.3.1): about 6 months beyond the 12.
OVERDUE_PROBATION_MONTHS = 18
# Số định danh cá nhân: 12 digits (Nghị định 137/2015/NĐ-CP, Điều 13).
PERSONAL_ID_LENGTH = 12
# Điều lệ Đảng Đ21 k2, Đ24 k1.
MIN_OFFICIAL_MEMBERS = org_rules.MIN_OFFICIAL_MEMBERS

OFFICIAL_STATUSES = frozenset({"OFFICIAL", "EXEMPTED"})
PROBATIONARY = "PROBATIONARY"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a record: a stable code, the field, a Vietnamese message, a severity."""

    check: str
    field: str
    message: str
    severity: str = ERROR


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What a member record says, as plain values (every field optional: a file may lack it).

    Dates are ``datetime.date`` (not ``datetime``); ``sex`` is "M" or "F";
    ``status`` a ``members.models.Status`` value, or None when unknown (an
    import row: then a row with an official date counts as an official member).
    """

    full_name: str | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    personal_id_number: str | None = None
    card_number: str | None = None
    admitted_on: dt.date | None = None
    official_on: dt.date | None = None
    admission_age_exception: str | None = None
    organization_code: str | None = None
    status: str | None = None


def _blank(value: object) -> bool:
    return not value or (value.__class__ is str and value.isspace())


# Required fields of a member record (Mẫu 2-HSĐV, sổ đảng viên Mẫu 7-HSĐV) and their labels.
REQUIRED_MEMBER_FIELDS = (
    ("full_name", "họ và tên"),
    ("date_of_birth", "ngày sinh"),
    ("sex", "giới tính"),
    ("admitted_on", "ngày vào Đảng"),
    ("organization_code", "chi bộ sinh hoạt"),
)


def missing_member_fields(facts: MemberFacts) -> list[Problem]:
    """The register's required fields that are empty (sổ đảng viên, Mẫu 7-HSĐV, cột 2, 3, 7).

    A missing card number is a warning for an official member: cards are
    issued to official members (Chỉ thị 51-CT/TW, 08/08/2025).
    """
    problems = [
        Problem(MISSING_REQUIRED, name, f"Thiếu {label} (thông tin bắt buộc của sổ đảng viên).")
        for name, label in REQUIRED_MEMBER_FIELDS
        if _blank(getattr(facts, name))
    ]
    if facts.official_on is not None and _blank(facts.card_number) and is_official(facts):
        problems.append(Problem(
            MISSING_REQUIRED, "card_number",
            "Đảng viên chính thức chưa có số thẻ đảng viên (thẻ cấp cho đảng viên chính thức, "
            "Chỉ thị 51-CT/TW).",
            WARNING,
        ))  # fmt: skip
    return problems


def is_official(facts: MemberFacts) -> bool:
    """Whether the record is of an official member (status unknown: an official date is given)."""
    if facts.official_on is None:
        return False
    return facts.status is None or facts.status == "" or facts.status in OFFICIAL_STATUSES


def impossible_member_dates(facts: MemberFacts, *, today: dt.date) -> list[Problem]:
    """Dates no record can hold: in the future, a birth before 1900, an admission before 1930."""
    problems: list[Problem] = []
    birth, admitted, official = facts.date_of_birth, facts.admitted_on, facts.official_on
    if birth is not None:
        if birth > today:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "date_of_birth", f"Ngày sinh {fmt_date(birth)} ở tương lai."
            ))  # fmt: skip
        elif birth < EARLIEST_BIRTH:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "date_of_birth",
                f"Ngày sinh {fmt_date(birth)} trước năm {EARLIEST_BIRTH.year}: kiểm tra lại.",
            ))  # fmt: skip
    if admitted is not None:
        if admitted > today:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "admitted_on", f"Ngày vào Đảng {fmt_date(admitted)} ở tương lai."
            ))  # fmt: skip
        elif admitted < PARTY_FOUNDED_ON:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "admitted_on",
                f"Ngày vào Đảng {fmt_date(admitted)} trước ngày thành lập Đảng "
                f"({fmt_date(PARTY_FOUNDED_ON)}): kiểm tra lại.",
                WARNING,
            ))  # fmt: skip
    if official is not None and official > today:
        problems.append(Problem(
            IMPOSSIBLE_DATE, "official_on",
            f"Ngày chính thức {fmt_date(official)} ở tương lai: đảng viên chỉ được công nhận "
            "chính thức sau khi hết 12 tháng dự bị (Điều lệ Đảng, Điều 5).",
        ))  # fmt: skip
    return problems


def _has_age_exception(facts: MemberFacts) -> bool:
    return not _blank(facts.admission_age_exception)


def admission_age_problems(facts: MemberFacts) -> list[Problem]:
    """Điều lệ Đảng Đ1 and the implementing regulation on Đ1 k2: admitted from a full 18 years
    (and, from 25/07/2016, up to a full 60 years counted in months).

    A noted ``admission_age_exception`` (older statutes, wartime admissions, the
    consent of the province-level standing committee above 60) lowers the first
    limit to 16 and silences the second; an admission before birth or before the
    16th birthday is an impossible date whatever the exception
    (``members.rules.dieu_le_dieu_1_admission_age``).
    """
    birth, admitted = facts.date_of_birth, facts.admitted_on
    if birth is None or admitted is None:
        return []
    exception = _has_age_exception(facts)
    refusal = member_rules.dieu_le_dieu_1_admission_age(birth, admitted, age_exception=exception)
    if refusal is None and not exception:
        return _max_admission_age_problems(birth, admitted)
    if refusal is None:
        return []
    if admitted < birth:
        return [Problem(
            IMPOSSIBLE_DATE, "admitted_on",
            f"Ngày vào Đảng {fmt_date(admitted)} trước ngày sinh {fmt_date(birth)}.",
        )]  # fmt: skip
    age = member_rules.age_on(birth, admitted)
    if age < member_rules.MIN_ADMISSION_AGE_WITH_EXCEPTION:
        return [Problem(
            IMPOSSIBLE_DATE, "admitted_on",
            f"Vào Đảng ngày {fmt_date(admitted)} khi chưa đủ "
            f"{member_rules.MIN_ADMISSION_AGE_WITH_EXCEPTION} tuổi (sinh ngày {fmt_date(birth)}): "
            "ngoại lệ tuổi vào Đảng không cho phép kết nạp dưới "
            f"{member_rules.MIN_ADMISSION_AGE_WITH_EXCEPTION} tuổi (Điều lệ Đảng, Điều 1).",
        )]  # fmt: skip
    message = (
        f"Vào Đảng ngày {fmt_date(admitted)} khi chưa đủ {MIN_ADMISSION_AGE} tuổi "
        f"(sinh ngày {fmt_date(birth)}; Điều lệ Đảng, Điều 1). Nếu có căn cứ ngoại lệ, "
        "ghi vào «ngoại lệ tuổi vào Đảng»."
    )
    return [Problem(INCONSISTENT_DATES, "admitted_on", message)]


def _max_admission_age_problems(birth: dt.date, admitted: dt.date) -> list[Problem]:
    """The implementing regulation on Đ1 k2, from 25/07/2016: up to a full 60 years."""
    if (
        admitted >= MAX_AGE_RULE_SINCE
        and member_rules.months_between(birth, admitted) > MAX_ADMISSION_AGE_MONTHS
    ):
        return [Problem(
            INCONSISTENT_DATES, "admitted_on",
            f"Vào Đảng ngày {fmt_date(admitted)} khi đã quá 60 tuổi (sinh ngày {fmt_date(birth)}): "
            "cần văn bản đồng ý của ban thường vụ cấp ủy trực thuộc Trung ương "
            "(Quy định thi hành Điều lệ Đảng về Điều 1 khoản 2; HD 01-HD/TW, mục 1.1); "
            "ghi căn cứ vào «ngoại lệ tuổi vào Đảng».",
            WARNING,
        )]  # fmt: skip
    return []


def probation_problems(facts: MemberFacts, *, today: dt.date) -> list[Problem]:
    """Điều lệ Đảng Đ5: 12 months of probation from the admission ceremony, recognition
    as of the day they end (mục 4.2.2).

    Official on or before the admission day: an error. Fewer than 12 months,
    the anniversary or the day before it being the end (admissions from
    19/01/2011): a warning. More than 24 months after admission: a warning.
    Still probationary 18 months after admission (the cell proposes within 30
    working days, the committee decides within 30 + 30): a warning.
    """
    admitted, official = facts.admitted_on, facts.official_on
    if admitted is None:
        return []
    if official is None:
        probationary = facts.status == PROBATIONARY or _blank(facts.status)
        if probationary and today > add_months(admitted, OVERDUE_PROBATION_MONTHS):
            return [Problem(
                INCONSISTENT_DATES, "official_on",
                f"Vào Đảng ngày {fmt_date(admitted)}, đã quá {OVERDUE_PROBATION_MONTHS} tháng vẫn "
                "là đảng viên dự bị: hết 12 tháng dự bị chi bộ phải xét công nhận chính thức "
                "hoặc đề nghị xóa tên (Điều lệ Đảng, Điều 5).",
                WARNING,
            )]  # fmt: skip
        return []
    if official <= admitted:
        return [Problem(
            INCONSISTENT_DATES, "official_on",
            f"Ngày chính thức {fmt_date(official)} phải sau ngày vào Đảng {fmt_date(admitted)} "
            "(Điều lệ Đảng, Điều 5: 12 tháng dự bị).",
        )]  # fmt: skip
    if (
        admitted >= PROBATION_RULE_SINCE
        and official < add_months(admitted, PROBATION_MONTHS) - ONE_DAY
    ):
        return [Problem(
            INCONSISTENT_DATES, "official_on",
            f"Ngày chính thức {fmt_date(official)} chưa đủ 12 tháng dự bị kể từ ngày vào Đảng "
            f"{fmt_date(admitted)} (Điều lệ Đảng, Điều 5).",
            WARNING,
        )]  # fmt: skip
    if official > add_months(admitted, LATE_RECOGNITION_MONTHS):
        return [Problem(
            INCONSISTENT_DATES, "official_on",
            f"Ngày chính thức {fmt_date(official)} muộn hơn {LATE_RECOGNITION_MONTHS} tháng sau "
            f"ngày vào Đảng {fmt_date(admitted)}: thời kỳ dự bị là 12 tháng và đảng viên được "
            "công nhận chính thức từ ngày hết 12 tháng (Điều lệ Đảng, Điều 5); kiểm tra lại.",
            WARNING,
        )]  # fmt: skip
    return []


def personal_id_problems(facts: MemberFacts) -> list[Problem]:
    """Số định danh cá nhân: exactly 12 digits (an error otherwise).

    Its first six digits are the province of birth registration (001–096),
    the century and sex (0/1: male/female born 1900–1999, 2/3: 2000–2099…)
    and the last two digits of the birth year (Nghị định 137/2015/NĐ-CP,
    Điều 13). A disagreement with the record's sex or birth year is a warning:
    one of them was probably mistyped.
    """
    value = facts.personal_id_number
    if _blank(value):
        return []
    value = value.strip()
    if len(value) != PERSONAL_ID_LENGTH or not value.isascii() or not value.isdigit():
        return [Problem(
            INVALID_IDENTIFIER, "personal_id_number",
            f"Số định danh cá nhân «{value}» không phải 12 chữ số.",
        )]  # fmt: skip
    problems: list[Problem] = []
    province = int(value[:3])
    if not 1 <= province <= 96:
        problems.append(Problem(
            INVALID_IDENTIFIER, "personal_id_number",
            f"Số định danh cá nhân «{value}»: mã tỉnh nơi đăng ký khai sinh «{value[:3]}» không "
            "có (001–096, Nghị định 137/2015/NĐ-CP, Điều 13).",
            WARNING,
        ))  # fmt: skip
    code = int(value[3])
    century_start = 1900 + 100 * (code // 2)
    id_sex = "F" if code % 2 else "M"
    birth = facts.date_of_birth
    if birth is not None and (
        not century_start <= birth.year < century_start + 100 or birth.year % 100 != int(value[4:6])
    ):
        problems.append(Problem(
            INVALID_IDENTIFIER, "personal_id_number",
            f"Số định danh cá nhân «{value}» ứng với năm sinh "
            f"{century_start + int(value[4:6])}, khác năm sinh {birth.year} của hồ sơ "
            "(Nghị định 137/2015/NĐ-CP, Điều 13).",
            WARNING,
        ))  # fmt: skip
    if facts.sex in ("M", "F") and facts.sex != id_sex:
        problems.append(Problem(
            INVALID_IDENTIFIER, "personal_id_number",
            f"Số định danh cá nhân «{value}» ứng với giới tính "
            f"{'nữ' if id_sex == 'F' else 'nam'}, khác giới tính của hồ sơ "
            "(Nghị định 137/2015/NĐ-CP, Điều 13).",
            WARNING,
        ))  # fmt: skip
    return problems


def member_fact_problems(facts: MemberFacts, *, today: dt.date) -> list[Problem]:
    """Every check on one member record: required fields, impossible and inconsistent dates,
    the personal identity number. An empty list for a clean record."""
    problems = missing_member_fields(facts)
    problems += impossible_member_dates(facts, today=today)
    problems += admission_age_problems(facts)
    problems += probation_problems(facts, today=today)
    problems += personal_id_problems(facts)
    return problems


# --------------------------------------------------------------------------
# Probable duplicates
# --------------------------------------------------------------------------


def _strip_marks(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


# Every accented Latin letter (Latin-1 to Latin Extended Additional, where the
# Vietnamese letters are) mapped to its letter without marks, and đ to d.
_FOLD_TABLE = {
    cp: _strip_marks(chr(cp)) for cp in range(0xC0, 0x1F00) if _strip_marks(chr(cp)) != chr(cp)
}
_FOLD_TABLE[ord("đ")] = "d"


def fold_name(name: str) -> str:
    """``core.text.fold`` (lower case, no accents, single spaces), quicker on Vietnamese names.

    A table lookup per character instead of a decomposition; whatever the
    table does not reduce to plain ASCII goes through ``fold`` itself, so the
    result is always the same.
    """
    folded = " ".join(unicodedata.normalize("NFC", name).lower().translate(_FOLD_TABLE).split())
    return folded if folded.isascii() else fold(name)


# How many spellings of one folded name a duplicate message quotes.
MAX_SPELLINGS = 3


def _spelling(name: str) -> str:
    """A name with its accents, in lower case, single-spaced: what tells two spellings apart."""
    return " ".join(unicodedata.normalize("NFC", name).lower().split())


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records that probably describe one person: the shared value and the records' keys."""

    check: str  # DUPLICATE_NAME_BIRTH or DUPLICATE_PERSONAL_ID
    keys: tuple[Hashable, ...]
    full_name: str  # as first seen (for a personal-id group, the first record's name)
    date_of_birth: dt.date | None
    personal_id_number: str | None
    severity: str
    message: str


def duplicate_groups(
    items: Iterable[tuple[Hashable, str | None, dt.date | None, str | None]],
) -> list[DuplicateGroup]:
    """Group records that share a name and birth date, or a personal identity number.

    ``items`` are ``(key, full_name, date_of_birth, personal_id_number)``;
    ``key`` is whatever identifies the record to the caller (a row number, a
    member id, a tuple). Names compare without accents, case or extra spaces
    ("Nguyễn Văn  Đức" = "nguyen van duc"). Same name and birth date: a
    warning (namesakes exist); same personal identity number: an error (the
    number is unique per citizen). Groups come in the order their first
    record came, keys in the order given, each key once per group.
    """
    # The first record of each name and birth date (or number); the later ones of the
    # few that repeat. Most records are unique, so the first dict holds small tuples.
    first_by_name: dict[tuple[str, dt.date], tuple] = {}
    more_by_name: dict[tuple[str, dt.date], list] = {}
    first_by_id: dict[str, tuple] = {}
    more_by_id: dict[str, list] = {}
    folded_cache: dict[str, str] = {}
    for key, full_name, birth, personal_id in items:
        if full_name and birth is not None:
            folded = folded_cache.get(full_name)
            if folded is None:
                folded = folded_cache[full_name] = fold_name(full_name)
            if folded:
                record = (full_name, personal_id, key)
                seen = first_by_name.setdefault((folded, birth), record)
                if seen is not record:
                    more_by_name.setdefault((folded, birth), []).append((full_name, key))
        if personal_id:
            pid = personal_id.strip().upper()
            if pid:
                record = (full_name or "", birth, key)
                seen = first_by_id.setdefault(pid, record)
                if seen is not record:
                    more_by_id.setdefault(pid, []).append(key)
    groups: list[DuplicateGroup] = []
    # In the order of each group's first record.
    for name_key in [k for k in first_by_name if k in more_by_name] if more_by_name else []:
        more = more_by_name[name_key]
        name, pid, first_key = first_by_name[name_key]
        keys = list(dict.fromkeys([first_key, *(k for _, k in more)]))
        if len(keys) < 2:
            continue
        names = [name]
        for other, _ in more:
            if len(names) < MAX_SPELLINGS and _spelling(other) not in {_spelling(n) for n in names}:
                names.append(other)
        birth = name_key[1]
        if len(names) == 1:
            what = f"cùng họ tên «{name}» và ngày sinh {fmt_date(birth)}"
        else:
            spelled = ", ".join(f"«{n}»" for n in names)
            what = f"cùng ngày sinh {fmt_date(birth)}, họ tên trùng nhau khi bỏ dấu ({spelled})"
        groups.append(DuplicateGroup(
            DUPLICATE_NAME_BIRTH, tuple(keys), name, birth, pid, WARNING,
            f"{len(keys)} hồ sơ {what}: có thể là một người, kiểm tra và hợp nhất nếu trùng.",
        ))  # fmt: skip
    for pid in [k for k in first_by_id if k in more_by_id] if more_by_id else []:
        name, birth, first_key = first_by_id[pid]
        keys = list(dict.fromkeys([first_key, *more_by_id[pid]]))
        if len(keys) < 2:
            continue
        groups.append(DuplicateGroup(
            DUPLICATE_PERSONAL_ID, tuple(keys), name, birth, pid, ERROR,
            f"{len(keys)} hồ sơ cùng số định danh cá nhân {pid}: mỗi công dân có một số "
            "định danh duy nhất.",
        ))  # fmt: skip
    return groups


# --------------------------------------------------------------------------
# Stored status against the events
# --------------------------------------------------------------------------

STATUS_LABELS = {
    "PROBATIONARY": "Dự bị",
    "OFFICIAL": "Chính thức",
    "EXEMPTED": "Miễn công tác và sinh hoạt đảng",
    "TRANSFERRED_OUT": "Chuyển đi",
    "STRUCK_OFF": "Xóa tên",
    "EXPELLED": "Khai trừ",
    "DECEASED": "Từ trần",
    "": "(trống)",
}


def _simple_history(events: Sequence) -> tuple | None:
    """(status, organization, admitted, official) of the two commonest histories, or None.

    An admission alone gives a probationer of the admitting cell; an admission
    followed by a later recognition, an official member of that cell. The
    same as ``members.rules.derive_states`` gives, without its general walk.
    """
    if len(events) == 1:
        (first,) = events
        if first.kind == member_rules.ADMITTED:
            return member_rules.PROBATIONARY, first.organization_id, first.on, None
    elif len(events) == 2:
        first, second = events
        if first.kind == member_rules.MADE_OFFICIAL:
            first, second = second, first
        if (
            first.kind == member_rules.ADMITTED
            and second.kind == member_rules.MADE_OFFICIAL
            and second.on > first.on
        ):
            return member_rules.OFFICIAL, first.organization_id, first.on, second.on
    return None


def status_problems(
    *,
    status: str,
    organization_id: int | None,
    admitted_on: dt.date | None,
    official_on: dt.date | None,
    events: Sequence[member_rules.Event],
    org_names: Mapping[int, str] | None = None,
) -> list[Problem]:
    """Compare what the record stores (status, organization, admission and official dates)
    with what its events give (``members.rules.derive_states``).

    The stored values are derived from the events; a difference means they
    drifted (an edit outside the services, a half-finished import). Events
    that contradict each other are an error of their own. The age rule is
    left to ``admission_age_problems``. ``events`` may be any objects with
    the attributes of ``members.rules.Event``.
    """
    simple = _simple_history(events)
    if simple is not None:
        if simple == (status, organization_id, admitted_on, official_on):
            return []
        derived_status, derived_org, derived_admitted, derived_official = simple
    else:
        try:
            states = member_rules.derive_states(events)
        except DomainError as exc:
            reasons = "; ".join(exc.messages)
            return [Problem(
                STATUS_MISMATCH, "events", f"Các sự kiện mâu thuẫn nhau: {reasons}"
            )]  # fmt: skip
        current = states[-1] if states else None
        derived_status = current.status if current else ""
        derived_org = current.organization_id if current else None
        derived_admitted, derived_official = member_rules.admission_dates(events)
    return _drift(
        (status, organization_id, admitted_on, official_on),
        (derived_status, derived_org, derived_admitted, derived_official),
        org_names or {},
    )


def _org_label(org_names: Mapping[int, str], pk: int | None) -> str:
    if pk is None:
        return "—"
    try:
        return org_names[pk]
    except KeyError:
        return f"tổ chức số {pk}"


def _drift(stored: tuple, derived: tuple, org_names: Mapping[int, str]) -> list[Problem]:
    status, organization_id, admitted_on, official_on = stored
    derived_status, derived_org, derived_admitted, derived_official = derived
    problems: list[Problem] = []
    if (status or "") != derived_status:
        problems.append(Problem(
            STATUS_MISMATCH, "status",
            f"Tình trạng lưu là «{STATUS_LABELS.get(status or '', status)}», theo các sự kiện là "
            f"«{STATUS_LABELS.get(derived_status, derived_status)}».",
        ))  # fmt: skip
    if organization_id != derived_org:
        problems.append(Problem(
            STATUS_MISMATCH, "organization",
            f"Tổ chức sinh hoạt lưu là «{_org_label(org_names, organization_id)}», "
            f"theo các sự kiện là «{_org_label(org_names, derived_org)}».",
        ))  # fmt: skip
    for field, label, kept, given in (
        ("admitted_on", "Ngày vào Đảng", admitted_on, derived_admitted),
        ("official_on", "Ngày chính thức", official_on, derived_official),
    ):
        if kept != given:
            problems.append(Problem(
                STATUS_MISMATCH, field,
                f"{label} lưu là {fmt_date(kept) or '(trống)'}, theo các sự kiện là "
                f"{fmt_date(given) or '(trống)'}.",
            ))  # fmt: skip
    return problems


# --------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgFacts:
    """What an organization record says, as plain values."""

    code: str | None = None
    name: str | None = None
    kind: str | None = None
    is_grassroots: bool = False
    sector_code: str | None = None
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None


def org_fact_problems(facts: OrgFacts, *, today: dt.date) -> list[Problem]:
    """Required fields and dates of an organization record.

    Name, kind and founding date are required; a grassroots organization
    without a sector (loại hình) is a warning, since the statistics and the
    review criteria group by it. Founding in the future or dissolution before
    founding: errors; founding before the Party's founding day (03/02/1930):
    a warning.
    """
    problems = [
        Problem(MISSING_REQUIRED, name, f"Thiếu {label} của tổ chức.")
        for name, label in (
            ("name", "tên"), ("kind", "loại tổ chức"), ("established_on", "ngày thành lập"),
        )
        if _blank(getattr(facts, name))
    ]  # fmt: skip
    if facts.is_grassroots and _blank(facts.sector_code):
        problems.append(Problem(
            MISSING_REQUIRED, "sector",
            "Tổ chức cơ sở đảng chưa ghi loại hình (cần cho thống kê và tiêu chí đánh giá, "
            "xếp loại theo loại hình).",
            WARNING,
        ))  # fmt: skip
    founded, dissolved = facts.established_on, facts.dissolved_on
    if founded is not None:
        if founded > today:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "established_on",
                f"Ngày thành lập {fmt_date(founded)} ở tương lai.",
            ))  # fmt: skip
        elif founded < PARTY_FOUNDED_ON:
            problems.append(Problem(
                IMPOSSIBLE_DATE, "established_on",
                f"Ngày thành lập {fmt_date(founded)} trước ngày thành lập Đảng "
                f"({fmt_date(PARTY_FOUNDED_ON)}): kiểm tra lại.",
                WARNING,
            ))  # fmt: skip
        if dissolved is not None and dissolved < founded:
            problems.append(Problem(
                INCONSISTENT_DATES, "dissolved_on",
                f"Ngày giải thể {fmt_date(dissolved)} trước ngày thành lập {fmt_date(founded)}.",
            ))  # fmt: skip
    if dissolved is not None and dissolved > today:
        problems.append(Problem(
            IMPOSSIBLE_DATE, "dissolved_on", f"Ngày giải thể {fmt_date(dissolved)} ở tương lai."
        ))  # fmt: skip
    return problems


# Events that place a member in an organization (mirrors members.rules; no ORM here).
PLACING_EVENTS = frozenset({"ADMITTED", "READMITTED", "MOVED", "TRANSFERRED_IN"})


def founded_before_parent(
    *, founded: dt.date | None, parent_founded: dt.date | None, parent_name: str
) -> Problem | None:
    """An organization founded before the organization it belongs to: history kept as
    recorded (a parent re-founded, merged, renamed), but worth a look. A warning."""
    if founded is None or parent_founded is None or founded >= parent_founded:
        return None
    return Problem(
        INCONSISTENT_DATES, "established_on",
        f"Ngày thành lập {fmt_date(founded)} trước ngày thành lập của tổ chức cấp trên "
        f"«{parent_name}» ({fmt_date(parent_founded)}): kiểm tra lại.",
        WARNING,
    )  # fmt: skip


def placed_before_founding(
    *, kind: str, label: str, on: dt.date, org_name: str, founded: dt.date | None
) -> Problem | None:
    """A member admitted into (or moved, transferred to) an organization before the day it
    was founded: the form refuses it, an imported history keeps it, as a warning."""
    if kind not in PLACING_EVENTS or founded is None or on >= founded:
        return None
    return Problem(
        INCONSISTENT_DATES, "admitted_on" if kind == "ADMITTED" else "events",
        f"{label} ngày {fmt_date(on)} vào «{org_name}», trước ngày thành lập tổ chức này "
        f"({fmt_date(founded)}): kiểm tra lại.",
        WARNING,
    )  # fmt: skip


def below_minimum_problems(
    *, kind: str, member_count: int, official_count: int, is_cell: bool, is_grassroots_dang_bo: bool
) -> list[Problem]:
    """Điều lệ Đảng Đ21 k2, Đ24 k1: a cell or a grassroots đảng bộ has at least 3 official members.

    The same judgement as the organization page's warnings
    (``organizations.rules.structure_warnings``), kept to this one rule.
    """
    return [
        Problem(BELOW_MINIMUM, "official_members", w.message, WARNING)
        for w in org_rules.structure_warnings(
            kind=kind, member_count=member_count, official_count=official_count,
            is_cell=is_cell, is_grassroots_cell=False, is_grassroots_dang_bo=is_grassroots_dang_bo,
        )
        if w.code == BELOW_MINIMUM
    ]  # fmt: skip
