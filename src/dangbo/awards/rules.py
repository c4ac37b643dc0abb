"""Party badge rules (Huy hiệu Đảng), as pure functions over dates and small records.

Sources (rules digest §8):

- milestones, early award for seriously ill members, posthumous award, award
  occasions, return of the badge: Hướng dẫn 01-HD/TW (28/09/2021), mục 18, on
  the implementing regulation of the Statute;
- party age counted with its gaps: Điều lệ Đảng Đ5 k4, Quy định thi hành Điều lệ
  mục 4.5.1 (``dangbo.members.rules.party_age_days``);
- deferral for discipline: Quy định 29-QĐ/TW (2016) mục 27.3 until 29/07/2021,
  Quy định 24-QĐ/TW from 30/07/2021 (kept by QĐ 232 and QĐ 294: UNCONFIRMED);
- exempted members stay eligible: Quy định 29-QĐ/TW mục 7.2;
- the accompanying gift: Hướng dẫn 56-HD/VPTW (27/10/2015) mục IV.2, a multiple
  of the statutory base salary (Nghị định 38/2019, 24/2023, 73/2024/NĐ-CP).

Nothing here touches the ORM: the selectors and services gather the facts
(admission date, member states, death, disciplines) and these functions judge.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dangbo.core.dates import add_months
from dangbo.core.formatting import fmt_date
from dangbo.members import rules as member_rules
from dangbo.members.rules import State
from dangbo.regulations import citations
from dangbo.regulations.citations import implementing_regulation

# --------------------------------------------------------------------------
# Regulation versions cited in the messages
# --------------------------------------------------------------------------

QD29_FROM = citations.QD_29_ON
QD24_FROM = citations.QD_24_ON
QD232_FROM = citations.QD_232_ON
QD294_FROM = citations.QD_294_ON
HD01_2016_FROM = dt.date(2016, 9, 20)
HD01_2021_FROM = dt.date(2021, 9, 28)
HD56_FROM = dt.date(2015, 10, 27)


def badge_guidance(on: dt.date) -> str:
    """Return the guidance that sets the badge milestones on ``on``.

    Hướng dẫn 01-HD/TW of 28/09/2021 (mục 18), before it the Hướng dẫn
    01-HD/TW of 20/09/2016 and of 05/01/2012. The milestone list is taken as
    unchanged across them (the 2016 and 2012 texts: UNCONFIRMED).
    """
    if on >= HD01_2021_FROM:
        return "Hướng dẫn 01-HD/TW ngày 28/09/2021, mục 18"
    if on >= HD01_2016_FROM:
        return "Hướng dẫn 01-HD/TW ngày 20/09/2016"
    return "Hướng dẫn 01-HD/TW ngày 05/01/2012"


# --------------------------------------------------------------------------
# Milestones and occasions
# --------------------------------------------------------------------------

# HD 01-HD/TW 2021, mục 18: the badge is awarded at these years of party age.
MILESTONES: tuple[int, ...] = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)

# HD 01-HD/TW 2021, mục 18: seriously ill members may be awarded up to 12 months
# early for 30–65 years and up to 24 months early for 70–90 years; a member who
# died up to 12 months short of a milestone may be awarded it posthumously.
EARLY_MONTHS_UP_TO_65 = 12
EARLY_MONTHS_FROM_70 = 24
POSTHUMOUS_EARLY_MONTHS = 12

# The anniversaries the badge is awarded on (month, day) and their names.
OCCASIONS: tuple[tuple[int, int, str], ...] = (
    (2, 3, "Kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam"),
    (5, 19, "Kỷ niệm Ngày sinh Chủ tịch Hồ Chí Minh"),
    (9, 2, "Kỷ niệm Quốc khánh"),
    (11, 7, "Kỷ niệm Cách mạng Tháng Mười Nga"),
)

# Cut-off for which occasion a member falls into (rules digest §8: UNCONFIRMED,
# configurable with the setting "awards.badge_cutoff").
CUTOFF_ON_OCCASION = "on_occasion"
CUTOFF_END_OF_YEAR = "end_of_year"
CUTOFFS = {
    CUTOFF_ON_OCCASION: "đủ tuổi Đảng vào hoặc trước ngày của đợt trao tặng",
    CUTOFF_END_OF_YEAR: "đủ tuổi Đảng trong năm của đợt trao tặng (đến 31/12)",
}

REGULAR, EARLY, POSTHUMOUS = "regular", "early", "posthumous"
BASES = {
    REGULAR: "Đủ tuổi Đảng",
    EARLY: "Xét tặng sớm (nếu ốm nặng)",
    POSTHUMOUS: "Truy tặng",
}


def is_milestone(years: int) -> bool:
    """Return whether ``years`` of party age is a badge milestone (HD 01-HD/TW 2021, mục 18)."""
    return years in MILESTONES


def early_award_months(milestone: int) -> int:
    """Return how many months early a seriously ill member may receive ``milestone``.

    HD 01-HD/TW 2021, mục 18: up to 12 months for 30 to 65 years, up to 24
    months for 70 to 90 years.
    """
    return EARLY_MONTHS_FROM_70 if milestone >= 70 else EARLY_MONTHS_UP_TO_65


def occasion_name(day: dt.date) -> str:
    """Return the name of the anniversary on ``day``, or "" for another occasion."""
    for month, mday, name in OCCASIONS:
        if (day.month, day.day) == (month, mday):
            return name
    return ""


def occasion_label(day: dt.date) -> str:
    """Return "Đợt 03/02/2027 (Kỷ niệm Ngày thành lập Đảng Cộng sản Việt Nam)"."""
    name = occasion_name(day)
    return f"Đợt {fmt_date(day)}" + (f" ({name})" if name else "")


def award_occasions(after: dt.date, count: int) -> list[dt.date]:
    """Return the next ``count`` award occasions on or after ``after``.

    HD 01-HD/TW 2021, mục 18: the badge is awarded on 3/2, 19/5, 2/9 and 7/11
    (other important occasions are decided case by case and not listed here).
    An occasion falling on ``after`` itself is included: its ceremony is still ahead.
    """
    found: list[dt.date] = []
    year = after.year
    while len(found) < count and year <= dt.MAXYEAR:
        for month, day, _ in OCCASIONS:
            occasion = dt.date(year, month, day)
            if occasion >= after and len(found) < count:
                found.append(occasion)
        year += 1
    return found


def award_occasions_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the award occasions from ``start`` to ``end`` (both included)."""
    found = []
    for year in range(start.year, end.year + 1):
        for month, day, _ in OCCASIONS:
            occasion = dt.date(year, month, day)
            if start <= occasion <= end:
                found.append(occasion)
    return found


def previous_occasion(before: dt.date) -> dt.date | None:
    """Return the last award occasion strictly before ``before``."""
    for year in (before.year, before.year - 1):
        if year < dt.MINYEAR:
            return None
        for month, day, _ in reversed(OCCASIONS):
            occasion = dt.date(year, month, day)
            if occasion < before:
                return occasion
    return None


def first_eligible_occasion(
    since: dt.date, cutoff: str = CUTOFF_ON_OCCASION, *, posthumous: bool = False
) -> dt.date:
    """Return the first award occasion at which a milestone reached on ``since`` may be awarded.

    With the default cut-off, the first occasion on or after that day; with
    "end_of_year", the first occasion of its year. A posthumous award (``since``
    the day of death) comes at the first occasion on or after the death.
    """
    start = since
    if cutoff == CUTOFF_END_OF_YEAR and not posthumous:
        start = dt.date(since.year, 1, 1)
    return award_occasions(start, 1)[0]


def milestone_deadline(occasion_on: dt.date, cutoff: str = CUTOFF_ON_OCCASION) -> dt.date:
    """Return the last day by which the milestone must be reached for ``occasion_on``.

    With the default cut-off the milestone is reached on or before the occasion
    itself; with "end_of_year" any day of the occasion's year will do. Which
    one applies is UNCONFIRMED (rules digest §8): setting "awards.badge_cutoff".
    """
    if cutoff == CUTOFF_END_OF_YEAR:
        return dt.date(occasion_on.year, 12, 31)
    return occasion_on


# --------------------------------------------------------------------------
# Party age reaching a milestone
# --------------------------------------------------------------------------


def anniversary(admitted_on: dt.date, years: int) -> dt.date | None:
    """Return the first day on which ``years`` whole years have passed since ``admitted_on``.

    As ``members.rules.age_on`` counts them: an admission on 29/02 completes
    its years on 01/03 of a common year. None beyond the calendar.
    """
    year = admitted_on.year + years
    if year > dt.MAXYEAR:
        return None
    try:
        return admitted_on.replace(year=year)
    except ValueError:  # 29/02 in a common year
        return dt.date(year, 3, 1)


def milestone_reached_on(
    admitted_on: dt.date | None, states: Sequence[State], years: int
) -> dt.date | None:
    """Return the day the party age reaches ``years`` whole years, gaps counted.

    Điều lệ Đảng Đ5 k4 and the implementing regulation mục 4.5.1: party age
    runs from the first admission decision minus the time struck off or
    expelled (``members.rules.party_age_days``); each day of a gap pushes the
    anniversary back a day. None if the member never reaches it (a gap with no
    end, or beyond the calendar). The result is the first day on which
    ``members.rules.party_age_years`` gives ``years``.
    """
    if admitted_on is None:
        return None
    target = anniversary(admitted_on, years)
    if target is None:
        return None
    if not any(s.status in member_rules.GAP_STATUSES for s in states):
        return target  # no gap: the anniversary itself
    open_gap = next(
        (s.valid_from for s in states
         if s.status in member_rules.GAP_STATUSES and s.valid_until is None),
        None,
    )  # fmt: skip
    reached = target
    # Each round moves past at least one more gap, so this ends within len(states) + 1 rounds.
    for _ in range(len(states) + 2):
        if open_gap is not None and reached > open_gap:
            return None
        gap = (reached - admitted_on).days - member_rules.party_age_days(
            admitted_on, states, reached
        )
        try:
            shifted = target + dt.timedelta(days=gap)
        except OverflowError:
            return None
        if shifted == reached:
            return reached
        reached = shifted
    return reached  # pragma: no cover - the loop above always settles


def milestones_reached(
    admitted_on: dt.date | None, states: Sequence[State], until: dt.date
) -> dict[int, dt.date]:
    """Return {milestone: day reached} for the milestones reached on or before ``until``."""
    reached: dict[int, dt.date] = {}
    for years in MILESTONES:
        day = milestone_reached_on(admitted_on, states, years)
        if day is None or day > until:
            break
        reached[years] = day
    return reached


def died_on(states: Sequence[State]) -> dt.date | None:
    """Return the day of death recorded in the member's states."""
    return next((s.valid_from for s in states if s.status == member_rules.DEAD), None)


# --------------------------------------------------------------------------
# Discipline deferral
# --------------------------------------------------------------------------

REPRIMAND, WARNING, REMOVAL, EXPULSION = "REPRIMAND", "WARNING", "REMOVAL", "EXPULSION"
PENALTIES = {
    REPRIMAND: "khiển trách",
    WARNING: "cảnh cáo",
    REMOVAL: "cách chức",
    EXPULSION: "khai trừ",
}
# Months after the penalty before the badge may be awarded (if the shortcomings are corrected).
# QĐ 29-QĐ/TW mục 27.3: warning 6 months, removal from post 1 year; a reprimand does not defer.
DEFERRAL_MONTHS_QD29 = {REPRIMAND: 0, WARNING: 6, REMOVAL: 12}
# QĐ 24-QĐ/TW (2021): reprimand 6, warning 9, removal from post 12 months (rules digest §8,
# 1 src); assumed kept by QĐ 232 and QĐ 294 (UNCONFIRMED).
DEFERRAL_MONTHS_QD24 = {REPRIMAND: 6, WARNING: 9, REMOVAL: 12}


@dataclass(frozen=True)
class Discipline:
    """A disciplinary penalty as the badge rules need it."""

    penalty: str  # REPRIMAND, WARNING, REMOVAL, EXPULSION
    decided_on: dt.date
    corrected: bool = True  # the cell recognised that the shortcomings were corrected


def discipline_rule(occasion_on: dt.date) -> str:
    """Return the regulation whose deferral periods apply at ``occasion_on`` (for messages)."""
    if occasion_on < QD24_FROM:
        return "Quy định 29-QĐ/TW, mục 27.3"
    return implementing_regulation(occasion_on)


def badge_deferral_months(penalty: str, occasion_on: dt.date) -> int | None:
    """Return the months a ``penalty`` defers the badge when considered at ``occasion_on``.

    QĐ 29-QĐ/TW mục 27.3 (considerations up to 29/07/2021): a warning defers 6
    months, removal from post 1 year, a reprimand not at all. QĐ 24-QĐ/TW (from
    30/07/2021, assumed kept by QĐ 232 and QĐ 294): reprimand 6, warning 9,
    removal from post 12 months. None for expulsion: no badge at all.
    """
    table = DEFERRAL_MONTHS_QD29 if occasion_on < QD24_FROM else DEFERRAL_MONTHS_QD24
    return table.get(penalty)


def badge_eligible_from_after_discipline(
    penalty: str, penalty_on: dt.date, occasion_on: dt.date
) -> dt.date | None:
    """Return the first day a member disciplined with ``penalty`` on ``penalty_on`` may be
    awarded the badge, under the rule in force at ``occasion_on``.

    QĐ 29-QĐ/TW mục 27.3, then QĐ 24-QĐ/TW (see ``badge_deferral_months``);
    the award also needs the shortcomings corrected and recognised by the cell.
    None for an expulsion.
    """
    months = badge_deferral_months(penalty, occasion_on)
    if months is None:
        return None
    return add_months(penalty_on, months)


@dataclass(frozen=True)
class Deferral:
    """Why a member cannot be awarded at an occasion: until a day, or (until None) until corrected."""

    discipline: Discipline
    until: dt.date | None
    rule: str

    def message(self) -> str:
        label = PENALTIES.get(self.discipline.penalty, self.discipline.penalty.lower())
        head = f"Đảng viên bị kỷ luật {label} ngày {fmt_date(self.discipline.decided_on)}"
        if self.until is None:
            if self.discipline.penalty == EXPULSION:
                return f"{head}: không xét tặng Huy hiệu Đảng ({self.rule})."
            return (
                f"{head}: chỉ xét tặng Huy hiệu Đảng khi đã sửa chữa khuyết điểm và được chi bộ "
                f"công nhận ({self.rule})."
            )
        return (
            f"{head}: chưa xét tặng Huy hiệu Đảng trước ngày {fmt_date(self.until)} ({self.rule})."
        )


def discipline_deferral(disciplines: Iterable[Discipline], occasion_on: dt.date) -> Deferral | None:
    """Return what holds the badge back at ``occasion_on``, or None if nothing does.

    Only penalties decided on or before the occasion count. A penalty defers
    the badge for its period (``badge_eligible_from_after_discipline``), and
    after it until the cell recognises the shortcomings as corrected; the
    longest hold wins.
    """
    rule = discipline_rule(occasion_on)
    worst: Deferral | None = None
    for d in disciplines:
        if d.decided_on > occasion_on:
            continue
        ends = badge_eligible_from_after_discipline(d.penalty, d.decided_on, occasion_on)
        if ends is not None and ends <= d.decided_on:
            continue  # this penalty does not defer the badge under this rule
        if ends is None or not d.corrected:
            return Deferral(d, None, rule)
        if occasion_on < ends and (worst is None or (worst.until and ends > worst.until)):
            worst = Deferral(d, ends, rule)
    return worst


# --------------------------------------------------------------------------
# Judging one award
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRecord:
    """What the badge rules need to know about a member."""

    admitted_on: dt.date | None
    states: tuple[State, ...]
    disciplines: tuple[Discipline, ...] = ()

    @property
    def died_on(self) -> dt.date | None:
        return died_on(self.states)

    def status_on(self, day: dt.date) -> str | None:
        state = member_rules.status_on(self.states, day)
        return state.status if state else None


STATUS_OUT_OF_PARTY = {
    member_rules.STRUCK: "bị xóa tên",
    member_rules.EXPEL: "bị khai trừ",
}


def badge_award_refusal(
    record: PartyRecord,
    *,
    milestone: int,
    occasion_on: dt.date,
    early: bool = False,
    posthumous: bool = False,
    cutoff: str = CUTOFF_ON_OCCASION,
) -> tuple[str, str] | None:
    """Return (field, message) if the badge for ``milestone`` cannot be awarded at ``occasion_on``.

    HD 01-HD/TW 2021 mục 18: party age (gaps deducted) reaches the milestone by
    the occasion (cut-off per ``milestone_deadline``); a seriously ill member
    up to 12 months early for 30–65 years and 24 months for 70–90 years
    (``early``); a member who died up to 12 months short of it, posthumously
    (``posthumous``, only for the dead); never a member struck off or expelled
    at the occasion. Members exempted from work and party activity remain
    eligible (QĐ 29-QĐ/TW mục 7.2). A disciplined member waits
    (``discipline_deferral``).
    """
    guidance = badge_guidance(occasion_on)
    if not is_milestone(milestone):
        listed = ", ".join(str(m) for m in MILESTONES)
        return "milestone", (
            f"{milestone} năm không phải là mốc xét tặng Huy hiệu Đảng; các mốc là {listed} năm "
            f"tuổi Đảng ({guidance})."
        )
    if early and posthumous:
        return "early", "Chỉ chọn một trong hai: xét tặng sớm hoặc truy tặng."
    if record.admitted_on is None:
        return "milestone", "Đảng viên chưa có ngày vào Đảng: không tính được tuổi Đảng."
    status = record.status_on(occasion_on)
    if status in STATUS_OUT_OF_PARTY:
        return "__all__", (
            f"Vào ngày {fmt_date(occasion_on)} đảng viên đã {STATUS_OUT_OF_PARTY[status]}, "
            f"không còn là đảng viên: không xét tặng Huy hiệu Đảng ({guidance})."
        )
    death = record.died_on
    dead_at_occasion = death is not None and death <= occasion_on
    if posthumous and not dead_at_occasion:
        if death is None:
            return (
                "posthumous",
                f"Chỉ truy tặng Huy hiệu Đảng cho đảng viên đã từ trần ({guidance}).",
            )
        return "posthumous", (
            f"Đảng viên từ trần ngày {fmt_date(death)}, sau đợt {fmt_date(occasion_on)}: "
            f"không truy tặng ở đợt này ({guidance})."
        )
    if dead_at_occasion and not posthumous:
        return "posthumous", (
            f"Đảng viên đã từ trần ngày {fmt_date(death)}: Huy hiệu trao sau ngày từ trần là "
            f"truy tặng ({guidance})."
        )
    reached = milestone_reached_on(record.admitted_on, record.states, milestone)
    reached_text = (
        f"ngày đủ {milestone} năm tuổi Đảng (đã trừ thời gian gián đoạn) là {fmt_date(reached)}"
        if reached
        else f"đảng viên chưa thể đủ {milestone} năm tuổi Đảng"
    )
    if posthumous:
        assert death is not None
        limit = add_months(death, POSTHUMOUS_EARLY_MONTHS)
        if reached is None or reached > limit:
            return "posthumous", (
                f"Chỉ truy tặng khi đảng viên từ trần lúc còn thiếu không quá "
                f"{POSTHUMOUS_EARLY_MONTHS} tháng để đủ {milestone} năm tuổi Đảng: đảng viên từ "
                f"trần ngày {fmt_date(death)}, {reached_text} ({guidance})."
            )
    else:
        deadline = milestone_deadline(occasion_on, cutoff)
        on_time = reached is not None and reached <= deadline
        if early and on_time:
            return "early", (
                f"Đảng viên đã đủ {milestone} năm tuổi Đảng từ ngày {fmt_date(reached)}: "
                f"không phải xét tặng sớm."
            )
        if early:
            months = early_award_months(milestone)
            if reached is None or reached > add_months(deadline, months):
                return "early", (
                    f"Xét tặng sớm chỉ được sớm tối đa {months} tháng đối với mốc {milestone} năm: "
                    f"đến đợt {fmt_date(occasion_on)}, {reached_text} ({guidance})."
                )
        elif not on_time:
            return "milestone", (
                f"Đến đợt {fmt_date(occasion_on)} đảng viên chưa đủ {milestone} năm tuổi Đảng: "
                f"{reached_text} ({guidance})."
            )
    deferral = discipline_deferral(record.disciplines, occasion_on)
    if deferral is not None:
        return "__all__", deferral.message()
    return None


# --------------------------------------------------------------------------
# Who is due at the coming occasions
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _occasion_frame(
    occasions: tuple[dt.date, ...], cutoff: str
) -> tuple[list[dt.date], list[dt.date], dt.date | None, dt.date | None]:
    """Return the occasions sorted, their deadlines, the occasion before and its deadline."""
    ordered = sorted(set(occasions))
    before = previous_occasion(ordered[0])
    return (
        ordered,
        [milestone_deadline(o, cutoff) for o in ordered],
        before,
        milestone_deadline(before, cutoff) if before else None,
    )


@dataclass(frozen=True)
class DueMilestone:
    """A milestone a member may be awarded at an occasion."""

    milestone: int
    occasion_on: dt.date
    reached_on: dt.date
    basis: str  # REGULAR, EARLY, POSTHUMOUS
    overdue: bool = False  # could have been awarded at an earlier occasion
    deferral: Deferral | None = None  # held back at every occasion asked about


def due_milestones(
    record: PartyRecord,
    occasions: Sequence[dt.date],
    *,
    awarded: Iterable[int] = (),
    cutoff: str = CUTOFF_ON_OCCASION,
    include_early: bool = True,
    include_posthumous: bool = True,
) -> list[DueMilestone]:
    """Return the milestones ``record``'s member may be awarded at the ``occasions`` (sorted).

    For a living member: any milestone reached by an occasion asked about, at
    the first occasion it may be awarded; when the next milestone is not that
    close (nor within its early-award window from the first occasion), the
    highest milestone already reached without a badge (flagged overdue when it
    was reached by the occasion before the first); with ``include_early``, a
    milestone still ahead but within the early-award window at an occasion
    (HD 01-HD/TW 2021 mục 18: 12 months for 30–65 years, 24 for 70–90; only for
    the seriously ill, which the office judges). For a member who died: the
    highest milestone reached up to 12 months after death, posthumously at the
    first occasion after the death. Milestones at or below one already awarded are left out. A member
    held back by discipline at an occasion moves to the next one; held back at
    all of them, the item carries the deferral.
    """
    if not occasions or record.admitted_on is None:
        return []
    occasions, deadlines, before, before_deadline = _occasion_frame(tuple(occasions), cutoff)
    top_awarded = max(awarded, default=0)
    death = record.died_on
    items: list[DueMilestone] = []

    def place(milestone: int, reached: dt.date, basis: str, fits, overdue: bool) -> None:
        """Put ``milestone`` at the first occasion where ``fits`` and no discipline holds it."""
        held: Deferral | None = None
        first: dt.date | None = None
        for occasion, deadline in zip(occasions, deadlines, strict=True):
            if not fits(occasion, deadline):
                continue
            first = first or occasion
            held = discipline_deferral(record.disciplines, occasion)
            if held is None:
                items.append(DueMilestone(milestone, occasion, reached, basis, overdue))
                return
        if first is not None:
            items.append(DueMilestone(milestone, first, reached, basis, overdue, held))

    if death is not None and death <= occasions[-1]:
        if not include_posthumous:
            return []
        limit = add_months(death, POSTHUMOUS_EARLY_MONTHS)
        reached_all = milestones_reached(record.admitted_on, record.states, limit)
        if not reached_all:
            return []
        milestone = max(reached_all)
        if milestone <= top_awarded:
            return []
        overdue = before is not None and before >= death
        place(milestone, reached_all[milestone], POSTHUMOUS, lambda o, d: o >= death, overdue)
        return items

    if record.status_on(occasions[-1]) in STATUS_OUT_OF_PARTY:
        return []
    horizon = add_months(deadlines[-1], EARLY_MONTHS_FROM_70)
    reached_all = milestones_reached(record.admitted_on, record.states, horizon)
    by_first = [m for m, day in reached_all.items() if day <= deadlines[0]]
    regular = [m for m, day in reached_all.items() if deadlines[0] < day <= deadlines[-1]]
    next_soon = any(
        deadlines[0] < day <= max(deadlines[-1], add_months(deadlines[0], early_award_months(m)))
        for m, day in reached_all.items()
    )
    if by_first and not next_soon:  # a milestone passed, the next one not within reach
        regular = [max(by_first)]
    for milestone in regular:
        if milestone <= top_awarded:
            continue
        reached = reached_all[milestone]
        overdue = before_deadline is not None and reached <= before_deadline
        place(milestone, reached, REGULAR, lambda o, d, r=reached: r <= d, overdue)
    if include_early:
        for milestone, reached in reached_all.items():
            if reached <= deadlines[-1] or milestone <= top_awarded:
                continue
            months = early_award_months(milestone)
            if reached <= add_months(deadlines[-1], months):
                place(
                    milestone, reached, EARLY,
                    lambda o, d, r=reached, n=months: r <= add_months(d, n), False,
                )  # fmt: skip
    return items


# --------------------------------------------------------------------------
# The accompanying gift
# --------------------------------------------------------------------------

# HD 56-HD/VPTW (27/10/2015) mục IV.2: the gift as a multiple of the base salary.
# 45, 85 and 90 years are not listed in any source seen (UNCONFIRMED): the setting
# "awards.gift_multiple.<years>" supplies them (or overrides any other).
GIFT_MULTIPLES: dict[int, Decimal] = {
    30: Decimal("1.5"),
    40: Decimal("2.0"),
    50: Decimal("3.0"),
    55: Decimal("3.5"),
    60: Decimal("5.0"),
    65: Decimal("6.0"),
    70: Decimal("8.0"),
    75: Decimal("10.0"),
    80: Decimal("15.0"),
}

# The statutory base salary (mức lương cơ sở), VND per month, by effective date.
BASE_SALARIES: tuple[tuple[dt.date, Decimal, str], ...] = (
    (dt.date(2019, 7, 1), Decimal(1_490_000), "Nghị định 38/2019/NĐ-CP"),
    (dt.date(2023, 7, 1), Decimal(1_800_000), "Nghị định 24/2023/NĐ-CP"),
    (dt.date(2024, 7, 1), Decimal(2_340_000), "Nghị định 73/2024/NĐ-CP"),
)


def base_salary_on(day: dt.date) -> Decimal | None:
    """Return the statutory base salary in force on ``day`` (None before 01/07/2019: not tabled).

    1.490.000 đồng from 01/07/2019 (NĐ 38/2019/NĐ-CP), 1.800.000 from
    01/07/2023 (NĐ 24/2023/NĐ-CP), 2.340.000 from 01/07/2024 (NĐ 73/2024/NĐ-CP).
    """
    amount = None
    for since, value, _ in BASE_SALARIES:
        if day >= since:
            amount = value
    return amount


def gift_multiple(milestone: int) -> Decimal | None:
    """Return the gift multiple for ``milestone`` (HD 56-HD/VPTW 2015, mục IV.2), None if unlisted."""
    return GIFT_MULTIPLES.get(milestone)


def badge_gift(
    milestone: int, decided_on: dt.date, *, multiple: Decimal | None = None
) -> Decimal | None:
    """Return the gift that accompanies the badge: multiple × base salary on the decision date.

    HD 56-HD/VPTW (27/10/2015) mục IV.2; ``multiple`` overrides the table (a
    committee's setting). None when the decision predates HD 56, when no base
    salary is tabled for that date, or when no multiple is known (45, 85 and
    90 years: UNCONFIRMED).
    """
    if decided_on < HD56_FROM:
        return None
    multiple = multiple if multiple is not None else gift_multiple(milestone)
    salary = base_salary_on(decided_on)
    if multiple is None or salary is None:
        return None
    return (Decimal(multiple) * salary).quantize(Decimal(1))
