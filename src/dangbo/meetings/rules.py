"""Cell-meeting rules (sinh hoạt chi bộ), as pure functions over dates and small records.

Sources (rules digest §5 and §1.4):

- a regular meeting every month: Điều lệ Đảng Đ24 k2 (all dates);
- the guidance on meeting quality in force on the meeting's date: Hướng dẫn 09-HD/BTCTW
  (02/03/2012), Hướng dẫn 12-HD/BTCTW (06/07/2018), Hướng dẫn 42-HD/BTCTW (28/10/2025);
- a thematic meeting at least once a quarter, at least 90 minutes, attendance over 85% with no
  unexcused absence and no member excused more than 3 times in a row in the year: HD 12 (2018),
  kept by HD 42; 120 minutes for a combined meeting and documents sent at least 1 day ahead:
  HD 42 (2025);
- absence from activity without good reason for 3 months in a year is a ground for striking a
  name off the list: the implementing regulation of the Statute in force (mục 8.1);
- levels from a score: the rubric in force on the meeting's date (data, ``models.Rubric``);
- the member the superior committee assigns to follow a cell (phân công cấp ủy viên phụ trách;
  the superior committee's liaison of rules digest §5.2) sits on that committee.

Nothing here touches the ORM: the selectors gather the facts and these functions judge.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dangbo.core.formatting import fmt_date, fmt_decimal
from dangbo.members.models import Position
from dangbo.regulations.citations import implementing_regulation

from .models import AttendanceStatus, Level, MeetingKind

HD09_FROM = dt.date(2012, 3, 2)
HD12_FROM = dt.date(2018, 7, 6)
HD42_FROM = dt.date(2025, 10, 28)
STATUTE_MONTHLY = "Điều lệ Đảng, Điều 24 khoản 2"

LEVEL_ORDER = (Level.GOOD, Level.FAIR, Level.AVERAGE, Level.POOR)


def meeting_guidance(on: dt.date) -> str:
    """Return the guidance on cell meetings in force on ``on``."""
    if on >= HD42_FROM:
        return "Hướng dẫn 42-HD/BTCTW ngày 28/10/2025"
    if on >= HD12_FROM:
        return "Hướng dẫn 12-HD/BTCTW ngày 06/07/2018"
    return "Hướng dẫn 09-HD/BTCTW ngày 02/03/2012"


@dataclass(frozen=True)
class Finding:
    """Something a check found, named by a stable code, with its Vietnamese text and source."""

    code: str
    message: str
    citation: str

    @property
    def text(self) -> str:
        return f"{self.message} ({self.citation})."


# --------------------------------------------------------------------------
# How many meetings are expected
# --------------------------------------------------------------------------

REGULAR_KINDS = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_KINDS = (MeetingKind.THEMATIC, MeetingKind.COMBINED)


def thematic_quarterly_required(on: dt.date) -> bool:
    """Return whether a thematic meeting is due each quarter under the guidance of ``on`` (HD 12
    of 2018, kept by HD 42; before 06/07/2018 the quarterly rule is not taken as binding)."""
    return on >= HD12_FROM


def quarter_of(on: dt.date) -> tuple[int, int]:
    return on.year, (on.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)


def month_end(year: int, month: int) -> dt.date:
    """The month's last day (31/12/9999 too: the next month's first day is not computed)."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def expected_meetings(year: int, month: int) -> dict[str, int]:
    """Return the meetings a cell owes for the month, by kind: one regular every month
    (Điều lệ Đ24 k2), one thematic in the quarter's last month when the guidance in force on
    that day asks for one each quarter."""
    expected = {MeetingKind.REGULAR.value: 1, MeetingKind.THEMATIC.value: 0}
    if month % 3 == 0 and thematic_quarterly_required(month_end(year, month)):
        expected[MeetingKind.THEMATIC.value] = 1
    return expected


def regular_meeting_findings(year: int, month: int, kinds: Sequence[str]) -> list[Finding]:
    """Judge the month's meetings of one cell (``kinds``: the kind of each meeting held)."""
    regular = sum(1 for k in kinds if k in REGULAR_KINDS)
    label = f"tháng {month:02d}/{year}"
    if regular == 0:
        return [Finding("REGULAR_MISSING", f"Không có buổi sinh hoạt thường kỳ trong {label}",
                        STATUTE_MONTHLY)]  # fmt: skip
    if regular > 1:
        return [Finding(
            "REGULAR_TWICE",
            f"Có {regular} buổi sinh hoạt thường kỳ trong {label}: mỗi tháng sinh hoạt thường kỳ "
            "một lần, kiểm tra lại loại sinh hoạt",
            STATUTE_MONTHLY,
        )]  # fmt: skip
    return []


def thematic_meeting_findings(year: int, quarter: int, kinds: Sequence[str]) -> list[Finding]:
    """Judge a quarter: a thematic (or combined) meeting is due when the rule is in force on the
    quarter's last day."""
    end = quarter_end(year, quarter)
    if not thematic_quarterly_required(end):
        return []
    if any(k in THEMATIC_KINDS for k in kinds):
        return []
    return [Finding("THEMATIC_MISSING",
                    f"Không có buổi sinh hoạt chuyên đề trong quý {quarter}/{year}",
                    meeting_guidance(end))]  # fmt: skip


# --------------------------------------------------------------------------
# One meeting: duration and preparation
# --------------------------------------------------------------------------


def minimum_minutes(kind: str, on: dt.date) -> int | None:
    """Return the shortest a meeting of ``kind`` may last on ``on`` (None: no minimum).

    90 minutes from HD 12 (06/07/2018); 120 for a combined meeting from HD 42 (28/10/2025).
    An extraordinary meeting has no minimum.
    """
    if on < HD12_FROM or kind == MeetingKind.EXTRAORDINARY:
        return None
    if kind == MeetingKind.COMBINED and on >= HD42_FROM:
        return 120
    return 90


def duration_minutes(start: dt.time | None, end: dt.time | None) -> int | None:
    if start is None or end is None:
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def duration_findings(
    kind: str, on: dt.date, start: dt.time | None, end: dt.time | None
) -> list[Finding]:
    minutes = duration_minutes(start, end)
    minimum = minimum_minutes(kind, on)
    if minutes is None or minimum is None or minutes >= minimum:
        return []
    return [Finding("TOO_SHORT", f"Buổi sinh hoạt kéo dài {minutes} phút, dưới {minimum} phút",
                    meeting_guidance(on))]  # fmt: skip


def documents_lead_findings(
    on: dt.date, start: dt.time | None, sent_at: dt.datetime | None
) -> list[Finding]:
    """From HD 42 (28/10/2025) the documents go to members at least 1 day before the meeting.

    ``sent_at`` is local time; a meeting without a start time is taken to start at 00:00.
    """
    if on < HD42_FROM:
        return []
    starts = dt.datetime.combine(on, start or dt.time(0, 0))
    if sent_at is not None and sent_at.replace(tzinfo=None) <= starts - dt.timedelta(days=1):
        return []
    when = "chưa ghi thời điểm gửi" if sent_at is None else f"gửi lúc {sent_at:%H:%M %d/%m/%Y}"
    return [Finding("DOCUMENTS_LATE",
                    f"Tài liệu sinh hoạt phải gửi đảng viên ít nhất 1 ngày trước ({when})",
                    meeting_guidance(on))]  # fmt: skip


# --------------------------------------------------------------------------
# Attendance
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCount:
    counted: int  # members who must attend (not exempted, not on special duty)
    present: int
    excused: int
    unexcused: int
    not_counted: int

    @property
    def rate(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.present) * 100 / self.counted).quantize(Decimal("0.1"))


def attendance_count(statuses: Iterable[str]) -> AttendanceCount:
    """Count a meeting's attendance; the rate is over the members counted (HD 12 of 2018)."""
    tally = {s.value: 0 for s in AttendanceStatus}
    for status in statuses:
        tally[status] += 1
    counted = tally["PRESENT"] + tally["EXCUSED"] + tally["UNEXCUSED"]
    return AttendanceCount(counted, tally["PRESENT"], tally["EXCUSED"], tally["UNEXCUSED"],
                           tally["NOT_COUNTED"])  # fmt: skip


MIN_ATTENDANCE_RATE = Decimal(85)
MAX_CONSECUTIVE_EXCUSED = 3


def attendance_findings(on: dt.date, count: AttendanceCount) -> list[Finding]:
    """A meeting of quality has more than 85% of the counted members present and no unexcused
    absence (HD 12 from 06/07/2018, kept by HD 42)."""
    if on < HD12_FROM:
        return []
    found = []
    rate = count.rate
    if rate is not None and rate <= MIN_ATTENDANCE_RATE:
        found.append(Finding("ATTENDANCE_LOW",
                             f"Tỷ lệ đảng viên dự sinh hoạt {fmt_decimal(rate)}%, chưa trên 85%",
                             meeting_guidance(on)))  # fmt: skip
    if count.unexcused:
        found.append(Finding("UNEXCUSED_ABSENCE",
                             f"Có {count.unexcused} đảng viên vắng không lý do",
                             meeting_guidance(on)))  # fmt: skip
    return found


def longest_excused_run(statuses: Sequence[str]) -> int:
    """Return the longest run of excused absences in a member's meetings of one year, in order
    (meetings where the member was not counted do not break the run)."""
    best = run = 0
    for status in statuses:
        if status == AttendanceStatus.EXCUSED:
            run += 1
            best = max(best, run)
        elif status != AttendanceStatus.NOT_COUNTED:
            run = 0
    return best


def excused_run_findings(year: int, statuses: Sequence[str]) -> list[Finding]:
    run = longest_excused_run(statuses)
    on = dt.date(year, 12, 31)
    if on < HD12_FROM or run <= MAX_CONSECUTIVE_EXCUSED:
        return []
    return [Finding("EXCUSED_RUN",
                    f"Vắng có lý do {run} lần liên tiếp trong năm {year}, quá 3 lần",
                    meeting_guidance(on))]  # fmt: skip


STRIKING_MONTHS = 3


def striking_off_finding(year: int, months_absent: Iterable[int], on: dt.date) -> Finding | None:
    """A member absent from activity without good reason in 3 months of a calendar year is a
    candidate for striking off (implementing regulation of the Statute in force on ``on``,
    mục 8.1; rules digest §3.2). ``months_absent``: the months with an unexcused absence."""
    months = sorted(set(months_absent))
    if len(months) < STRIKING_MONTHS:
        return None
    listed = ", ".join(f"{m:02d}" for m in months)
    return Finding(
        "STRIKING_OFF",
        f"Bỏ sinh hoạt đảng không có lý do {len(months)} tháng trong năm {year} (tháng {listed})",
        f"{implementing_regulation(on)}, mục 8.1",
    )


# --------------------------------------------------------------------------
# Rubrics and levels
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    level: str
    min_points: Decimal
    below_points: Decimal | None = None
    requires_must_pass: bool = False

    def holds(self, score: Decimal) -> bool:
        return score >= self.min_points and (self.below_points is None or score < self.below_points)


@dataclass(frozen=True)
class Criterion:
    max_points: Decimal
    must_pass: bool = False
    title: str = ""


def criterion_problems(title: str | None, max_points: Decimal | None) -> dict[str, str]:
    """Return {field: why} for a rubric criterion that cannot be: no title, or a maximum not
    above 0 (every published rubric gives each criterion its points; §5.4)."""
    problems = {}
    if not (title or "").strip():
        problems["title"] = "Cần ghi tên tiêu chí."
    if max_points is None or max_points <= 0:
        problems["max_points"] = "Điểm tối đa của tiêu chí phải lớn hơn 0."
    return problems


def band_problems(bands: Sequence[Band], max_total: Decimal) -> list[str]:
    """Return why the level thresholds cannot judge a score from 0 to ``max_total``: a level
    twice, a band empty, two bands overlapping, a score no band covers."""
    problems = []
    labels = {level.value: level.label for level in Level}
    seen = [b.level for b in bands]
    for level in {lv for lv in seen if seen.count(lv) > 1}:
        problems.append(f"Xếp loại «{labels[level]}» có hai ngưỡng.")
    for b in bands:
        if b.below_points is not None and b.below_points <= b.min_points:
            problems.append(f"Ngưỡng «{labels[b.level]}»: «đến dưới» phải lớn hơn «từ điểm».")
    ordered = sorted(bands, key=lambda b: b.min_points)
    for low, high in itertools.pairwise(ordered):
        top = low.below_points
        if top is None or top > high.min_points:
            problems.append(
                f"Ngưỡng «{labels[low.level]}» và «{labels[high.level]}» chồng lên nhau: "
                f"một số điểm thuộc cả hai mức."
            )
        elif top < high.min_points:
            problems.append(
                f"Số điểm từ {fmt_decimal(top)} đến dưới {fmt_decimal(high.min_points)} "
                f"không thuộc mức xếp loại nào."
            )
    if ordered and ordered[0].min_points > 0:
        problems.append(f"Số điểm dưới {fmt_decimal(ordered[0].min_points)} không thuộc mức nào.")
    if ordered and ordered[-1].below_points is not None and ordered[-1].below_points <= max_total:
        problems.append(
            f"Số điểm từ {fmt_decimal(ordered[-1].below_points)} trở lên không thuộc mức nào."
        )
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    by_points = [b.level for b in sorted(bands, key=lambda b: -b.min_points)]
    if by_points != sorted(by_points, key=lambda lv: order[lv]):
        problems.append("Mức xếp loại cao hơn phải có ngưỡng điểm cao hơn.")
    return problems


def points_problems(criteria: Sequence[Criterion], points: Sequence[Decimal]) -> dict[int, str]:
    """Return {criterion index: why} for points below 0 or above the criterion's maximum."""
    found = {}
    for i, (criterion, value) in enumerate(zip(criteria, points, strict=True)):
        if value < 0:
            found[i] = f"Điểm tiêu chí «{criterion.title}» không được âm."
        elif value > criterion.max_points:
            found[i] = (
                f"Điểm tiêu chí «{criterion.title}» ({fmt_decimal(value)}) vượt điểm tối đa "
                f"{fmt_decimal(criterion.max_points)}."
            )
    return found


def level_from_score(
    bands: Sequence[Band], criteria: Sequence[Criterion], points: Sequence[Decimal]
) -> str:
    """Return the level of a meeting scored ``points`` under the rubric (bands and criteria).

    The band holding the total gives the level; a band requiring the must-pass criteria at
    their maximum, when one is short, gives the next level down (Bình Thuận bloc rubric:
    ≥ 90 failing a must-pass criterion is Khá).
    """
    total = sum(points, Decimal(0))
    must_pass_met = all(
        value >= c.max_points for c, value in zip(criteria, points, strict=True) if c.must_pass
    )
    ordered = sorted(bands, key=lambda b: -b.min_points)
    for i, band in enumerate(ordered):
        if band.holds(total):
            if band.requires_must_pass and not must_pass_met:
                return ordered[i + 1].level if i + 1 < len(ordered) else band.level
            return band.level
    raise ValueError(f"No band holds {total}")


def score_level_findings(
    total: Decimal | None, level: str, bands: Sequence[Band], citation: str, *, whose: str
) -> list[Finding]:
    """A level recorded with its total score must follow from it under the meeting's rubric: the
    level of the band holding the total, or, for a band that requires the must-pass criteria at
    their maximum, the next level down (``level_from_score``). ``whose``: "chi bộ tự chấm" or
    "cấp trên xác nhận"; ``citation``: the rubric's source document."""
    if total is None or not level or not bands:
        return []
    ordered = sorted(bands, key=lambda b: -b.min_points)
    allowed = set()
    for i, band in enumerate(ordered):
        if band.holds(total):
            allowed.add(band.level)
            if band.requires_must_pass and i + 1 < len(ordered):
                allowed.add(ordered[i + 1].level)
    if not allowed or level in allowed:
        return []
    labels = {lv.value: lv.label for lv in Level}
    expected = " hoặc ".join(labels[lv] for lv in LEVEL_ORDER if lv in allowed)
    return [Finding(
        "SCORE_LEVEL_MISMATCH",
        f"Điểm {whose} {fmt_decimal(total)} ứng với mức {expected}, nhưng ghi xếp loại "
        f"{labels[level]}",
        citation,
    )]  # fmt: skip


# --------------------------------------------------------------------------
# When the scores are due
# --------------------------------------------------------------------------

CONFIRM_DAYS_AFTER_MONTH = 10  # UNCONFIRMED: a committee sets its own ("meetings.confirm_days")


def self_score_due_on(held_on: dt.date) -> dt.date:
    """The cell adopts its self-score with the minutes (Nghệ An QĐ 08-QĐ/TU; Bình Thuận bloc:
    "monthly scoring after each meeting"): due by the last day of the meeting's month."""
    return month_end(held_on.year, held_on.month)


def confirmation_due_on(held_on: dt.date, days: int = CONFIRM_DAYS_AFTER_MONTH) -> dt.date:
    """The upper level confirms within ``days`` after the month (a committee's setting)."""
    return month_end(held_on.year, held_on.month) + dt.timedelta(days=days)


def scoring_findings(
    held_on: dt.date, self_scored_on: dt.date | None, confirmed_on: dt.date | None,
    today: dt.date, confirm_days: int = CONFIRM_DAYS_AFTER_MONTH,
) -> list[Finding]:  # fmt: skip
    found = []
    due = self_score_due_on(held_on)
    if (self_scored_on or today) > due:
        found.append(Finding(
            "SELF_SCORE_LATE",
            f"Chi bộ tự chấm điểm {'ngày ' + fmt_date(self_scored_on) if self_scored_on else 'chưa có'}"
            f", hạn {fmt_date(due)}",
            "biểu chấm điểm của cấp ủy",
        ))  # fmt: skip
    cdue = confirmation_due_on(held_on, confirm_days)
    if (confirmed_on or today) > cdue:
        when = f"ngày {fmt_date(confirmed_on)}" if confirmed_on else "chưa có"
        found.append(Finding("CONFIRMATION_LATE",
                             f"Cấp trên xác nhận điểm {when}, hạn {fmt_date(cdue)}",
                             "quy định của cấp ủy (meetings.confirm_days)"))  # fmt: skip
    return found


# --------------------------------------------------------------------------
# Month → quarter → year: a cell's result over a period
# --------------------------------------------------------------------------

PERIOD_RULE_SETTING = "meetings.period_rule"
PERIOD_RULE_SOURCE = (
    "kết quả sinh hoạt hằng tháng là căn cứ xếp loại chi bộ cuối năm (biểu chấm điểm của Đảng "
    "ủy Khối tỉnh Bình Thuận; cách tổng hợp do cấp ủy có biểu chấm điểm quy định, tham số "
    "meetings.period_rule)"
)


@dataclass(frozen=True)
class PeriodRule:
    """How the months of a quarter or a year give the cell's result for it.

    UNCONFIRMED (rules digest §5.4 says only that monthly results feed the year-end
    classification; the aggregation is the rubric owner's): the defaults are that a level is
    reached when at least ``share`` percent of the months due reached it or better, and a month
    at Kém or without its regular meeting keeps the period at ``cap_after_poor`` at best. A
    committee sets its own with the setting ``meetings.period_rule``
    (``{"share": 50, "cap_after_poor": "FAIR"}``), effective from a date.
    """

    share: Decimal = Decimal(50)
    cap_after_poor: str = Level.FAIR
    source: str = PERIOD_RULE_SOURCE


def period_rule(value: dict | None, on: dt.date) -> PeriodRule:
    """Return the rule for a period ending ``on`` from the setting's ``value`` (None: the
    default). A value that does not make sense falls back to the default, field by field."""
    rule = PeriodRule(source=f"{PERIOD_RULE_SOURCE}; {meeting_guidance(on)}")
    if not isinstance(value, dict):
        return rule
    share, cap = rule.share, rule.cap_after_poor
    try:
        given = Decimal(str(value.get("share", share)))
        if 0 < given <= 100:
            share = given
    except ArithmeticError:
        pass
    if value.get("cap_after_poor") in Level.values:
        cap = value["cap_after_poor"]
    return PeriodRule(share, cap, rule.source)


def period_level(months: Sequence[str | None], due: Sequence[bool], rule: PeriodRule) -> str | None:
    """Return the level of a cell over the months given (a quarter's 3, a year's 12).

    ``months[i]`` is the level of the month's regular meeting ("" held but not scored, None
    none held); only the months ``due`` count. None when no month was due. A month without its
    meeting counts as Kém; a held month not scored reaches no level but is not a Kém month.
    """
    counted = [m for m, d in zip(months, due, strict=True) if d]
    if not counted:
        return None
    first = 0
    if any(m is None or m == Level.POOR for m in counted):
        first = _LEVEL_INDEX[rule.cap_after_poor]
    ranks = [_LEVEL_INDEX[m] for m in counted if m]
    needed = rule.share * len(counted)
    for rank in range(first, len(LEVEL_ORDER) - 1):
        if sum(1 for r in ranks if r <= rank) * 100 >= needed:
            return LEVEL_ORDER[rank]
    return Level.POOR


_LEVEL_INDEX = {lv: i for i, lv in enumerate(LEVEL_ORDER)}


def quarter_levels(
    months: Sequence[str | None], due: Sequence[bool], rule: PeriodRule
) -> list[str | None]:
    """Return the four quarters' levels from a year's twelve months."""
    return [period_level(months[q * 3 : q * 3 + 3], due[q * 3 : q * 3 + 3], rule) for q in range(4)]


# --------------------------------------------------------------------------
# The committee member following a cell
# --------------------------------------------------------------------------

# The posts that seat a member on a committee (cấp ủy viên): the secretary, the deputies, the
# standing committee's members and the other committee members.
COMMITTEE_TITLES = (
    Position.Title.SECRETARY,
    Position.Title.DEPUTY_SECRETARY,
    Position.Title.STANDING_COMMITTEE_MEMBER,
    Position.Title.COMMITTEE_MEMBER,
)


@dataclass(frozen=True)
class Post:
    """A post a member holds in an organization, from ``started_on`` to ``ended_on`` included
    (open when None), as ``members.Position`` keeps it."""

    title: str
    started_on: dt.date
    ended_on: dt.date | None = None

    def held_on(self, on: dt.date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


def sits_on_committee(posts: Iterable[Post], on: dt.date) -> bool:
    """Whether one of ``posts`` (a member's posts in a committee) is a committee post held on
    ``on``."""
    return any(p.title in COMMITTEE_TITLES and p.held_on(on) for p in posts)


def assignment_member_problem(
    name: str, committee: str, posts: Iterable[Post], on: dt.date
) -> str | None:
    """Why ``name`` cannot be assigned by ``committee`` to follow one of its cells from ``on``:
    the assignment is of one of the committee's members (phân công cấp ủy viên phụ trách chi
    bộ; the superior committee's liaison, rules digest §5.2), so the member holds a committee
    post there on the assignment's first day. ``posts``: the member's posts in ``committee``."""
    if sits_on_committee(posts, on):
        return None
    return (
        f"Ngày {fmt_date(on)} {name} không giữ chức vụ trong cấp ủy {committee} (bí thư, phó bí "
        "thư, ủy viên ban thường vụ hoặc cấp ủy viên): chỉ phân công cấp ủy viên phụ trách chi bộ."
    )
