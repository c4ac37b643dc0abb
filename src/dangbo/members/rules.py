"""Regulation rules on members, as pure functions over dates and small records.

Sources: Điều lệ Đảng (2011) Đ1, Đ5; Quy định thi hành Điều lệ (QĐ 29-QĐ/TW
2016, QĐ 24-QĐ/TW 2021, QĐ 294-QĐ/TW 2025) mục 4.5 on party age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date

# Event kinds (mirrors MemberEvent.Kind; plain strings keep this module free of the ORM).
ADMITTED = "ADMITTED"
MADE_OFFICIAL = "MADE_OFFICIAL"
TRANSFERRED_IN = "TRANSFERRED_IN"
MOVED = "MOVED"
TRANSFERRED_OUT = "TRANSFERRED_OUT"
EXEMPTED = "EXEMPTED"
EXEMPTION_ENDED = "EXEMPTION_ENDED"
STRUCK_OFF = "STRUCK_OFF"
EXPELLED = "EXPELLED"
DIED = "DIED"
READMITTED = "READMITTED"

PROBATIONARY, OFFICIAL, EXEMPT = "PROBATIONARY", "OFFICIAL", "EXEMPTED"
OUT, STRUCK, EXPEL, DEAD = "TRANSFERRED_OUT", "STRUCK_OFF", "EXPELLED", "DECEASED"
IN_PARTY = {PROBATIONARY, OFFICIAL, EXEMPT}
# Statuses during which party age does not run (mục 4.5.1: expulsion, striking off).
GAP_STATUSES = {STRUCK, EXPEL}

# Điều lệ Đảng Đ1: a citizen of at least 18 may be admitted.
MIN_ADMISSION_AGE = 18
# An exception noted on the record («Ngoại lệ tuổi vào Đảng»: an earlier statute, a wartime
# admission) may lower that limit, never below this age, and never before the member was born.
MIN_ADMISSION_AGE_WITH_EXCEPTION = 16


# Điều lệ Đảng Đ5 k1: probation lasts 12 months from the admission ceremony.
PROBATION_MONTHS = 12


@dataclass(frozen=True)
class Event:
    kind: str
    on: dt.date
    organization_id: int | None = None
    seq: int = 0
    label: str = ""
    ceremony_on: dt.date | None = None


@dataclass(frozen=True)
class State:
    status: str
    organization_id: int | None
    valid_from: dt.date
    valid_until: dt.date | None


def age_on(birth: dt.date, on: dt.date) -> int:
    """Return the age in whole years on ``on``."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def dieu_le_dieu_1_admission_age(
    date_of_birth: dt.date, admitted_on: dt.date, *, age_exception: bool = False
) -> str | None:
    """Điều lệ Đảng Đ1: whether someone born on ``date_of_birth`` may be admitted on
    ``admitted_on``; the reason (Vietnamese) when not, else None.

    A full 18 years, counted to the day (the 18th birthday is the first allowed day).
    With an age exception noted on the record, the limit is lowered to a full 16 years,
    never further: an admission before the 16th birthday, or before birth, is impossible
    whatever the exception says.
    """
    if admitted_on < date_of_birth:
        return f"ngày vào Đảng trước ngày sinh ({fmt_date(date_of_birth)})."
    age = age_on(date_of_birth, admitted_on)
    if age < MIN_ADMISSION_AGE and not age_exception:
        return f"người vào Đảng phải đủ {MIN_ADMISSION_AGE} tuổi (Điều lệ Đảng, Điều 1)."
    if age < MIN_ADMISSION_AGE_WITH_EXCEPTION:
        return (
            f"người vào Đảng chưa đủ {MIN_ADMISSION_AGE_WITH_EXCEPTION} tuổi (sinh ngày "
            f"{fmt_date(date_of_birth)}); ngoại lệ tuổi vào Đảng không cho phép kết nạp dưới "
            f"{MIN_ADMISSION_AGE_WITH_EXCEPTION} tuổi (Điều lệ Đảng, Điều 1)."
        )
    return None


def months_between(start: dt.date, end: dt.date) -> int:
    """Return the whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def _refuse(event: Event, message: str) -> DomainError:
    return DomainError(
        {"happened_on": f"{event.label or event.kind} ngày {fmt_date(event.on)}: {message}"}
    )


def derive_states(
    events: Sequence[Event], *, date_of_birth: dt.date | None = None, age_exception: bool = False
) -> list[State]:
    """Derive a member's periods of status and organization from their events.

    Refuses an impossible history, naming the event: a first event that is
    not an admission or a transfer in, an official recognition of someone not
    on probation or dated before the admission, a change after death, and an
    admission before the age of 18, or with ``age_exception`` before 16 or before birth
    (``dieu_le_dieu_1_admission_age``).
    """
    ordered = sorted(events, key=lambda e: (e.on, e.seq))
    first_admission = min((e.on for e in ordered if e.kind == ADMITTED), default=None)
    for event in ordered:
        if event.kind == MADE_OFFICIAL and first_admission and event.on <= first_admission:
            raise DomainError({"official_on": (
                f"Ngày chính thức ({fmt_date(event.on)}) phải sau ngày vào Đảng ({fmt_date(first_admission)})."
            )})  # fmt: skip
    states: list[State] = []
    status: str | None = None
    org: int | None = None
    status_before_exemption: str | None = None
    admitted_on: dt.date | None = None

    def open_state(new_status: str, new_org: int | None, on: dt.date) -> None:
        nonlocal status, org
        if states and states[-1].valid_until is None:
            last = states[-1]
            if last.valid_from == on:
                states.pop()
            else:
                states[-1] = State(last.status, last.organization_id, last.valid_from, on)
        states.append(State(new_status, new_org, on, None))
        status, org = new_status, new_org

    for event in ordered:
        if status == DEAD:
            raise _refuse(event, "đảng viên đã từ trần trước ngày này.")
        kind = event.kind
        if kind in (ADMITTED, READMITTED):
            if kind == ADMITTED and admitted_on is not None:
                raise _refuse(
                    event,
                    "đảng viên đã có ngày vào Đảng; dùng «Kết nạp lại» nếu đây là lần kết nạp lại.",
                )
            if kind == READMITTED and status not in (STRUCK, EXPEL):
                raise _refuse(event, "chỉ kết nạp lại người đã bị xóa tên hoặc khai trừ.")
            if date_of_birth:
                refusal = dieu_le_dieu_1_admission_age(
                    date_of_birth, event.on, age_exception=age_exception
                )
                if refusal:
                    raise _refuse(event, refusal)
            admitted_on = admitted_on or event.on
            open_state(PROBATIONARY, event.organization_id, event.on)
        elif status is None and kind == TRANSFERRED_IN:
            raise _refuse(event, "cần ghi ngày vào Đảng trước khi ghi chuyển sinh hoạt đến.")
        elif status is None:
            raise _refuse(event, "sự kiện đầu tiên phải là kết nạp vào Đảng.")
        elif kind == MADE_OFFICIAL:
            if status != PROBATIONARY:
                raise _refuse(event, "chỉ đảng viên dự bị mới được công nhận chính thức.")
            if admitted_on and event.on <= admitted_on:
                raise DomainError({"official_on": (
                    f"Ngày chính thức ({fmt_date(event.on)}) phải sau ngày vào Đảng ({fmt_date(admitted_on)})."
                )})  # fmt: skip
            open_state(OFFICIAL, org, event.on)
        elif kind in (TRANSFERRED_IN, MOVED):
            if kind == TRANSFERRED_IN and not (
                status == OUT or (org is None and status in IN_PARTY)
            ):
                raise _refuse(
                    event, "đảng viên đang sinh hoạt trong hệ thống, dùng chuyển sinh hoạt nội bộ."
                )
            if kind == MOVED and status not in IN_PARTY:
                raise _refuse(event, "chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt.")
            if event.organization_id is None:
                raise _refuse(event, "cần chọn tổ chức nơi đến.")
            if kind == MOVED and event.organization_id == org:
                raise _refuse(event, "tổ chức nơi đến trùng với nơi đang sinh hoạt.")
            if status == OUT:
                status = status_before_exemption or OFFICIAL
            open_state(status, event.organization_id, event.on)
        elif kind == TRANSFERRED_OUT:
            if status not in IN_PARTY:
                raise _refuse(event, "chỉ chuyển đi đảng viên đang sinh hoạt.")
            status_before_exemption = status if status != EXEMPT else status_before_exemption
            open_state(OUT, org, event.on)
        elif kind == EXEMPTED:
            if status not in (PROBATIONARY, OFFICIAL):
                raise _refuse(event, "chỉ miễn công tác cho đảng viên đang sinh hoạt.")
            status_before_exemption = status
            open_state(EXEMPT, org, event.on)
        elif kind == EXEMPTION_ENDED:
            if status != EXEMPT:
                raise _refuse(event, "đảng viên không trong thời gian miễn công tác và sinh hoạt.")
            open_state(status_before_exemption or OFFICIAL, org, event.on)
        elif kind in (STRUCK_OFF, EXPELLED):
            if status not in IN_PARTY:
                raise _refuse(event, "chỉ áp dụng cho đảng viên đang sinh hoạt.")
            open_state(STRUCK if kind == STRUCK_OFF else EXPEL, org, event.on)
        elif kind == DIED:
            open_state(DEAD, org, event.on)
        else:  # pragma: no cover - guarded by the model's choices
            raise _refuse(event, "loại sự kiện không hợp lệ.")
    return states


def admission_dates(events: Sequence[Event]) -> tuple[dt.date | None, dt.date | None]:
    """Return (admitted_on, official_on): the first admission and the latest recognition."""
    admitted = min((e.on for e in events if e.kind == ADMITTED), default=None)
    official = max((e.on for e in events if e.kind == MADE_OFFICIAL), default=None)
    return admitted, official


def probation_ends_on(ceremony_on: dt.date) -> dt.date:
    """Return the day the probation ends and a qualified member becomes official.

    Điều lệ Đảng (2011) Đ5 k1: probation lasts 12 months counted from the day
    of the admission ceremony; the implementing regulation (QĐ 24, QĐ 232 and
    QĐ 294-QĐ/TW mục 4.2.2) recognises a qualified member as of the exact day
    the 12 months end, however late the cell or the committee acted.
    """
    return add_months(ceremony_on, PROBATION_MONTHS)


def current_probation_end(events: Sequence[Event]) -> dt.date | None:
    """Return the probation end of the latest admission or readmission (the ceremony, else the
    admission date when no ceremony was recorded)."""
    admissions = [e for e in events if e.kind in (ADMITTED, READMITTED)]
    if not admissions:
        return None
    latest = max(admissions, key=lambda e: (e.on, e.seq))
    return probation_ends_on(latest.ceremony_on or latest.on)


def party_age_days(admitted_on: dt.date | None, states: Sequence[State], on: dt.date) -> int:
    """Return the days of party age on ``on``.

    Điều lệ Đảng Đ5 k4 and the implementing regulation (QĐ 29 and QĐ 24 mục
    4.5.1, carried into QĐ 294): party age runs from the date of the first
    admission decision, minus the time struck off the list or expelled.
    """
    if admitted_on is None or on < admitted_on:
        return 0
    total = (on - admitted_on).days
    for state in states:
        if state.status in GAP_STATUSES:
            start = max(state.valid_from, admitted_on)
            end = min(state.valid_until or on, on)
            if end > start:
                total -= (end - start).days
    return max(total, 0)


def party_age_years(admitted_on: dt.date | None, states: Sequence[State], on: dt.date) -> int:
    """Return the whole years of party age on ``on`` (see ``party_age_days``).

    A year is counted when the anniversary is reached: without gaps this is
    the calendar difference, with gaps the gap days push the anniversary back.
    """
    if admitted_on is None or on < admitted_on:
        return 0
    gap = (on - admitted_on).days - party_age_days(admitted_on, states, on)
    return age_on(admitted_on, on - dt.timedelta(days=gap))


def status_on(states: Sequence[State], on: dt.date) -> State | None:
    """Return the state in force on ``on``."""
    for state in states:
        if state.valid_from <= on and (state.valid_until is None or on < state.valid_until):
            return state
    return None
