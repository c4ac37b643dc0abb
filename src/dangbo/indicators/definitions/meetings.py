"""Indicators on cell meetings (sinh hoạt chi bộ): held against expected, levels, attendance,
repeated absences, the upper level's visits, meetings without an upper-level attendee.

A meeting counts in the subtree when its cell stands in the tree on the period's last day and
it was held in the period; voided meetings are not counted. Records that carry only counts
(a cell reporting its figures and level) add to the totals like the others, and the
drill-down says which they are. Rules digest §5; the checks are ``meetings.rules``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When

from dangbo.meetings import months as meeting_months
from dangbo.meetings import rules as meeting_rules
from dangbo.meetings import selectors as meetings
from dangbo.meetings.models import Attendance, AttendanceStatus, Level, Meeting, MeetingKind
from dangbo.members.models import Member
from dangbo.organizations.models import CELL_KINDS, Organization, OrgKind
from dangbo.organizations.rules import subtree_upper_bound
from dangbo.organizations.selectors import path_range

from ..registry import PERIOD, TOTAL, Query, RecordKind, Result, Row, Source, Unit, indicator

NOTE = (
    "Tính các buổi sinh hoạt (không kể bản ghi đã hủy) tổ chức trong kỳ của các chi bộ thuộc cây "
    "tổ chức vào ngày cuối kỳ."
)
UNSCORED = "UNSCORED"


def _meetings(q: Query) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        organization_id__in=q.org_ids, voided_at__isnull=True,
        held_on__gte=q.period_start, held_on__lte=q.on,
    ).order_by()  # fmt: skip


def _listed(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("organization__parent").order_by("held_on", "organization__path", "id")


UPPER = Case(
    When(Q(upper_attendee__isnull=False) | Q(visit__isnull=False), then=Value("with")),
    default=Value("without"), output_field=CharField(),
)  # fmt: skip


def scan_meetings(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Read the period's meetings once, grouped by kind, level and kind of cell, upper attendee
    and way of recording (with the sums of the counts a cell reported); with ``attendance``,
    one more statement counts the period's attendance rows by status."""
    rows = (
        _meetings(q).annotate(upper=UPPER)
        .values_list("kind", "level", "organization__kind", "upper", "level_only")
        .annotate(n=Count("id"), counted=Sum("counted_count"), present=Sum("present_count"))
    )  # fmt: skip
    out: dict[str, dict] = {g: defaultdict(int) for g in groups}
    for kind, level, cell_kind, upper, level_only, n, counted, present in rows:
        if "kind" in out:
            out["kind"][kind] += n
        if "level" in out:
            out["level"][(cell_kind, level or UNSCORED)] += n
        if "upper" in out:
            out["upper"][upper] += n
        if "attendance" in out and level_only:
            out["attendance"][("counts", "counted")] += counted or 0
            out["attendance"][("counts", "present")] += present or 0
    if "attendance" in out:
        per = (
            Attendance.objects.filter(meeting__in=_meetings(q).filter(level_only=False))
            .exclude(status=AttendanceStatus.NOT_COUNTED)
            .values_list("status").annotate(n=Count("id")).order_by()
        )  # fmt: skip
        for status, n in per:
            out["attendance"][("persons", "counted")] += n
            if status == AttendanceStatus.PRESENT:
                out["attendance"][("persons", "present")] += n
    return {g: dict(v) for g, v in out.items()}


MEETINGS = Source(
    "meetings", scan_meetings, frozenset({"kind", "level", "upper", "attendance"}),
    label="các buổi sinh hoạt chi bộ trong kỳ (một lượt đọc chung cho các chỉ tiêu sinh hoạt)",
)  # fmt: skip


@indicator(
    code="meetings.held_by_kind",
    title="Buổi sinh hoạt chi bộ đã tổ chức, theo loại",
    description=f"""Số buổi sinh hoạt chi bộ tổ chức trong kỳ, theo loại: thường kỳ, chuyên đề,
    thường kỳ kết hợp chuyên đề, bất thường. {NOTE}""",
    unit=Unit.MEETINGS,
    time=PERIOD,
    dimension="loại sinh hoạt",
    records=RecordKind.MEETINGS,
    reads=MEETINGS.reading("kind"),
)
def held_by_kind(q: Query, scanned: dict) -> Result:
    counts = scanned["kind"]
    rows = [Row(k.value, k.label, counts.get(k.value, 0)) for k in MeetingKind]
    return Result(rows, Row(TOTAL, "Tổng số buổi sinh hoạt", sum(counts.values())))


@held_by_kind.records_of
def held_by_kind_records(q: Query, key: str) -> QuerySet:
    qs = _meetings(q)
    return _listed(qs if key == TOTAL else qs.filter(kind=key))


# --------------------------------------------------------------------------


def _cells(q: Query) -> QuerySet[Organization]:
    return meetings.cells_under(q.org, q.period_start, q.on).filter(pk__in=q.org_ids)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int, int, int]]:
    """The months from ``start``'s to ``end``'s that are over by ``end``, each as (index:
    ``_month_index``, year, its bit, the bit of its quarter when a thematic meeting is due by
    its end, else 0)."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        if meeting_rules.month_end(y, m) <= end:
            thematic = m % 3 == 0 and meeting_rules.expected_meetings(y, m)["THEMATIC"]
            months.append((y * 12 + m - 1, y, 1 << (m - 1), 1 << (m // 3 - 1) if thematic else 0))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _due_masks(months, lo: int, hi: int) -> dict[int, tuple[int, int]]:
    """{year: (months due, quarters with a thematic meeting due)} as bit masks, for a cell
    standing on the last day of the months ``lo`` to ``hi`` (``_month_index``, ``hi``
    excluded): a month is due when the cell stands on its last day (Điều lệ Đ24 k2), a
    quarter's thematic meeting when its last month is due and the guidance in force then asks
    for one."""
    masks: dict[int, list[int]] = {}
    for index, y, bit, quarter in months:
        if lo <= index < hi:
            due = masks.setdefault(y, [0, 0])
            due[0] |= bit
            due[1] |= quarter
    return {y: (r, t) for y, (r, t) in masks.items()}


def scan_cell_months(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Read the subtree's cells and their meetings once, as one row per cell and year.

    Two statements whatever the size of the subtree: the cells standing in the tree on the
    period's last day, and their meetings of the period (of its last day's whole year when
    ``year`` is asked), grouped by cell and year (``meetings.months.month_table``). The
    months and quarters due follow from each cell's dates, worked out once per distinct pair
    of dates. Groups: ``held`` ({REGULAR, THEMATIC: (held, due)}: the cell-months and
    cell-quarters due and those held) and ``year`` ({cell id: (kind of cell, year level or
    NOT_DUE)}, from the month grid of the last day's year).
    """
    start, end = q.period_start, q.on
    path, upper = q.org.path or "", subtree_upper_bound(q.org.path or "")
    cells = Organization.objects.filter(pk__in=q.org_ids, kind__in=CELL_KINDS)
    rows = list(cells.values_list("pk", "kind", "path", "established_on", "dissolved_on"))
    year_start = dt.date(end.year, 1, 1)
    since = min(start, year_start) if "year" in groups else start
    table = meeting_months.month_table(
        Meeting.objects.filter(
            organization_id__in=cells.filter(path_range(path)).values("pk"),
            voided_at__isnull=True, held_on__gte=since, held_on__lte=end,
        ),
        range(since.year, end.year + 1),
        since=start,
    )  # fmt: skip
    out: dict[str, dict] = {}
    if "held" in groups:
        months = _months(start, end)
        after = months[-1][0] + 1 if months else 0
        masks_of: dict[tuple, dict] = {}
        tally = {"REGULAR": [0, 0], "THEMATIC": [0, 0]}
        for pk, _kind, cell_path, born, gone in rows:
            if not (path <= (cell_path or "") < upper and born <= end):
                continue
            if gone is not None and gone <= start:
                continue
            # due: the months from its first to the one before it was dissolved (standing on
            # their last day), the same for many cells: worked out once per range
            due = (_month_index(born), after if gone is None else _month_index(gone))
            masks = masks_of.get(due)
            if masks is None:
                masks = masks_of[due] = _due_masks(months, *due)
            for year, (regular, thematic) in masks.items():
                found = table.get((pk, year))
                held = (found[1], found[2]) if found else (0, 0)
                tally["REGULAR"][0] += (regular & held[0]).bit_count()
                tally["REGULAR"][1] += regular.bit_count()
                tally["THEMATIC"][0] += (thematic & held[1]).bit_count()
                tally["THEMATIC"][1] += thematic.bit_count()
        out["held"] = {k: tuple(v) for k, v in tally.items()}
    if "year" in groups:
        out["year"] = _year_levels(q, rows, table, path, upper)
    return out


class _Cell(NamedTuple):
    """What the rubric owner's rule is looked up by (``meetings.months.period_rules``)."""

    pk: int
    path: str


def _year_levels(q: Query, rows: list, table: dict, path: str, upper: str) -> dict:
    """{cell id: (kind of cell, year level or NOT_DUE)}: the year column of the month grid of
    ``q.on``'s year (months over by ``q.on``), for the cells in the tree on ``q.on``."""
    year = q.on.year
    first, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    over = sum(1 for m in range(1, 13) if meeting_rules.month_end(year, m) <= q.on)
    cells = [
        r for r in rows
        if path <= (r[2] or "") < upper and r[3] <= last_day and (r[4] is None or r[4] > first)
    ]  # fmt: skip
    rule_of = meeting_months.period_rules(last_day)
    due_of: dict[tuple, tuple[int, int]] = {}
    levels = meeting_months.PeriodLevels()
    found = {}
    for pk, kind, cell_path, born, gone in cells:
        due = due_of.get((born, gone))
        if due is None:
            due = due_of[(born, gone)] = meeting_months.due_months(year, born, gone, over=over)
        got = table.get((pk, year))
        ranks = got[0] if got else meeting_months.NO_MONTHS
        rule = rule_of(_Cell(pk, cell_path))
        found[pk] = (kind, levels.year(ranks, *due, rule) or NOT_DUE)
    return found


CELL_MONTHS = Source(
    "cell_months", scan_cell_months, frozenset({"held", "year"}),
    label="các chi bộ của cây tổ chức và buổi sinh hoạt của chúng theo tháng (một lượt đọc "
    "chung cho các chỉ tiêu sinh hoạt theo tháng, quý, năm)",
)  # fmt: skip


def _share(key: str, label: str, numerator: int, denominator: int) -> Row:
    value = None if not denominator else (Decimal(numerator) * 100 / denominator)
    return Row(key, label, value, numerator, denominator)


@indicator(
    code="meetings.held_vs_expected",
    title="Sinh hoạt chi bộ đã tổ chức so với yêu cầu",
    description=f"""«Đã sinh hoạt» trên «phải sinh hoạt»: số tháng có sinh hoạt thường kỳ trên số
    tháng chi bộ phải sinh hoạt (mỗi tháng một lần, Điều lệ Đảng Điều 24 khoản 2), số quý có sinh
    hoạt chuyên đề trên số quý phải có (mỗi quý ít nhất một lần, từ Hướng dẫn 12-HD/BTCTW ngày
    06/07/2018). Chỉ tính các
    tháng, quý đã kết thúc trong kỳ và chi bộ đang hoạt động ở cuối tháng, quý đó; buổi thường kỳ
    kết hợp chuyên đề được tính cho cả hai. {NOTE}""",
    unit=Unit.PERCENT,
    time=PERIOD,
    dimension="loại sinh hoạt",
    records=RecordKind.ORGANIZATIONS,
    numerator_label="Đã sinh hoạt",
    denominator_label="Phải sinh hoạt",
    missing_label="chưa đến hạn",
    reads=CELL_MONTHS.reading("held"),
)
def held_vs_expected(q: Query, scanned: dict) -> Result:
    tally = scanned["held"]
    rows = [
        _share("REGULAR", "Thường kỳ (chi bộ – tháng)", *tally["REGULAR"]),
        _share("THEMATIC", "Chuyên đề (chi bộ – quý)", *tally["THEMATIC"]),
    ]
    n = sum(r.numerator or 0 for r in rows)
    total = _share(TOTAL, "Chung", n, sum(r.denominator or 0 for r in rows))
    return Result(rows, total)


@held_vs_expected.records_of
def held_vs_expected_records(q: Query, key: str) -> QuerySet:
    return _cells(q).select_related("sector", "parent")


# --------------------------------------------------------------------------

CELL_KIND_LABELS = {OrgKind.GRASSROOTS_CELL.value: "Chi bộ cơ sở",
                    OrgKind.DEPENDENT_CELL.value: "Chi bộ trực thuộc"}  # fmt: skip
LEVEL_KEYS = [*Level.values, UNSCORED]


def _level_label(level: str) -> str:
    return "Chưa xếp loại" if level == UNSCORED else Level(level).label


@indicator(
    code="meetings.by_level",
    title="Tỷ lệ buổi sinh hoạt chi bộ theo xếp loại, theo loại chi bộ",
    description=f"""Số buổi sinh hoạt ở mức Tốt, Khá, Trung bình, Kém (theo điểm cấp trên xác
    nhận, nếu chưa xác nhận thì theo điểm chi bộ tự chấm, theo biểu chấm điểm của cấp ủy áp dụng
    vào ngày sinh hoạt) hoặc chưa xếp loại, trên tổng số buổi sinh hoạt, riêng cho chi bộ cơ sở
    và chi bộ trực thuộc; dòng tổng: buổi xếp loại Tốt trên tổng số buổi. {NOTE}""",
    unit=Unit.PERCENT,
    time=PERIOD,
    dimension="loại chi bộ, xếp loại",
    records=RecordKind.MEETINGS,
    numerator_label="Buổi sinh hoạt ở mức",
    denominator_label="Tổng số buổi sinh hoạt",
    reads=MEETINGS.reading("level"),
)
def by_level(q: Query, scanned: dict) -> Result:
    counts = scanned["level"]
    rows = []
    for cell_kind, cell_label in CELL_KIND_LABELS.items():
        of_kind = sum(n for (k, _), n in counts.items() if k == cell_kind)
        for level in LEVEL_KEYS:
            rows.append(_share(f"{cell_kind}.{level}", f"{cell_label}: {_level_label(level)}",
                               counts.get((cell_kind, level), 0), of_kind))  # fmt: skip
    good = sum(n for (_, lv), n in counts.items() if lv == Level.GOOD)
    return Result(rows, _share(TOTAL, "Tốt (mọi chi bộ)", good, sum(counts.values())))


@by_level.records_of
def by_level_records(q: Query, key: str) -> QuerySet:
    qs = _meetings(q).filter(organization__kind__in=CELL_KINDS)
    if key == TOTAL:
        return _listed(qs.filter(level=Level.GOOD))
    cell_kind, level = key.split(".")
    return _listed(qs.filter(organization__kind=cell_kind,
                             level="" if level == UNSCORED else level))  # fmt: skip


# --------------------------------------------------------------------------

NOT_DUE = "NOT_DUE"
YEAR_KEYS = [*Level.values, NOT_DUE]


def _year_label(level: str) -> str:
    return "Chưa có tháng phải sinh hoạt" if level == NOT_DUE else Level(level).label


@indicator(
    code="meetings.cells_by_year_level",
    title="Chi bộ theo kết quả sinh hoạt cả năm, theo loại chi bộ",
    description="""Chi bộ ở mức: số chi bộ theo kết quả sinh hoạt cả năm (Tốt, Khá, Trung bình, Kém), trên tổng
    số chi bộ cùng loại, riêng cho chi bộ cơ sở và chi bộ trực thuộc; dòng tổng: chi bộ đạt Tốt
    trên tổng số chi bộ. Kết quả năm tổng hợp từ xếp loại buổi sinh hoạt thường kỳ từng tháng của
    năm có ngày cuối kỳ, tính các tháng đã kết thúc đến ngày đó, theo quy định của cấp ủy có biểu
    chấm điểm áp dụng cho chi bộ (tham số meetings.period_rule; mặc định chưa được xác nhận: đạt
    một mức khi ít nhất một nửa số tháng phải sinh hoạt đạt mức đó trở lên, có tháng Kém hoặc
    thiếu sinh hoạt thì cao nhất là Khá). Tính các chi bộ thuộc cây tổ chức vào ngày cuối
    kỳ.""",
    unit=Unit.PERCENT,
    time=PERIOD,
    dimension="loại chi bộ, kết quả cả năm",
    records=RecordKind.ORGANIZATIONS,
    numerator_label="Chi bộ ở mức",
    denominator_label="Tổng số chi bộ",
    reads=CELL_MONTHS.reading("year"),
)
def cells_by_year_level(q: Query, scanned: dict) -> Result:
    found = scanned["year"]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for key in found.values():
        counts[key] += 1
    rows = []
    for cell_kind, cell_label in CELL_KIND_LABELS.items():
        of_kind = sum(n for (k, _), n in counts.items() if k == cell_kind)
        for level in YEAR_KEYS:
            rows.append(_share(f"{cell_kind}.{level}", f"{cell_label}: {_year_label(level)}",
                               counts.get((cell_kind, level), 0), of_kind))  # fmt: skip
    good = sum(n for (_, lv), n in counts.items() if lv == Level.GOOD)
    return Result(rows, _share(TOTAL, "Tốt (mọi chi bộ)", good, len(found)))


@cells_by_year_level.records_of
def cells_by_year_level_records(q: Query, key: str) -> QuerySet:
    found = scan_cell_months(q, frozenset({"year"}))["year"]
    if key == TOTAL:
        ids = [pk for pk, (_, level) in found.items() if level == Level.GOOD]
    else:
        cell_kind, _, level = key.partition(".")
        ids = [pk for pk, got in found.items() if got == (cell_kind, level)]
    return (
        Organization.objects.filter(pk__in=ids).select_related("sector", "parent")
        .order_by("path")
    )  # fmt: skip


# --------------------------------------------------------------------------


@indicator(
    code="meetings.attendance_rate",
    title="Tỷ lệ đảng viên dự sinh hoạt chi bộ",
    description=f"""Lượt có mặt trên lượt phải dự: số lượt đảng viên có mặt trên số lượt đảng viên
    phải dự (không tính đảng viên
    được miễn sinh hoạt, làm nhiệm vụ đặc biệt, sinh hoạt tạm thời nơi khác), cộng các buổi
    điểm danh từng người và các buổi chi bộ chỉ báo cáo số liệu. {NOTE}""",
    unit=Unit.PERCENT,
    time=PERIOD,
    dimension="cách ghi nhận",
    records=RecordKind.MEETINGS,
    numerator_label="Lượt có mặt",
    denominator_label="Lượt phải dự",
    reads=MEETINGS.reading("attendance"),
)
def attendance_rate(q: Query, scanned: dict) -> Result:
    got = scanned["attendance"]

    def share(key: str, label: str) -> Row:
        return _share(key, label, got.get((key, "present"), 0), got.get((key, "counted"), 0))

    persons = share("persons", "Buổi điểm danh từng người")
    counts = share("counts", "Buổi chỉ báo cáo số liệu")
    total = _share(TOTAL, "Chung", persons.numerator + counts.numerator,
                   persons.denominator + counts.denominator)  # fmt: skip
    return Result([persons, counts], total)


@attendance_rate.records_of
def attendance_rate_records(q: Query, key: str) -> QuerySet:
    qs = _meetings(q)
    if key != TOTAL:
        qs = qs.filter(level_only=key == "counts")
    return _listed(qs)


# --------------------------------------------------------------------------


def scan_absences(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Return {"absences": {UNEXCUSED_3_MONTHS, EXCUSED_RUN: member ids}} from two grouped
    statements over the attendance of the subtree's meetings, for the members now in the tree
    on the period's last day (``meetings.selectors.repeated_absences``)."""
    in_tree = Member.objects.filter(organization_id__in=q.org_ids).values("pk")
    found = meetings.repeated_absences(
        q.org, q.period_start, q.on, in_tree,
        months=meeting_rules.STRIKING_MONTHS, run=meeting_rules.MAX_CONSECUTIVE_EXCUSED + 1,
    )  # fmt: skip
    return {"absences": found}


ABSENCES = Source(
    "absences",
    scan_absences,
    frozenset({"absences"}),
    label="các lượt vắng sinh hoạt trong kỳ của đảng viên thuộc cây tổ chức",
)


ABSENCE_LABELS = {
    "UNEXCUSED_3_MONTHS": "Vắng không lý do từ 3 tháng trở lên (diện xem xét xóa tên)",
    "EXCUSED_RUN": "Vắng có lý do quá 3 lần liên tiếp trong năm",
}


@indicator(
    code="meetings.members_repeated_absence",
    title="Đảng viên vắng sinh hoạt nhiều lần",
    description="""Số đảng viên có buổi vắng không lý do trong từ 3 tháng khác nhau trở lên của kỳ
    (căn cứ xem xét xóa tên: bỏ sinh hoạt đảng 3 tháng trong năm không có lý do, Quy định thi hành
    Điều lệ Đảng, mục 8.1) và số đảng viên vắng có lý do quá 3 lần liên tiếp trong một năm
    (Hướng dẫn 12-HD/BTCTW ngày 06/07/2018). Tính các buổi sinh hoạt trong kỳ của các chi bộ thuộc
    cây tổ chức; đảng viên tính nếu hiện sinh hoạt trong cây tổ chức. Một đảng viên có thể ở cả
    hai dòng; tổng số đếm mỗi người một lần.""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="loại vắng mặt",
    records=RecordKind.MEMBERS,
    reads=ABSENCES.reading("absences"),
)
def members_repeated_absence(q: Query, scanned: dict) -> Result:
    found = scanned["absences"]
    rows = [Row(k, label, len(found[k])) for k, label in ABSENCE_LABELS.items()]
    everyone = set().union(*found.values())
    return Result(rows, Row(TOTAL, "Tổng số đảng viên", len(everyone)))


@members_repeated_absence.records_of
def members_repeated_absence_records(q: Query, key: str) -> QuerySet:
    found = scan_absences(q, frozenset({"absences"}))["absences"]
    ids = set().union(*found.values()) if key == TOTAL else found.get(key, set())
    return (
        Member.objects.filter(pk__in=ids).select_related("organization__parent")
        .order_by("name_sort_key", "date_of_birth", "id")
    )  # fmt: skip


# --------------------------------------------------------------------------


def _visited(q: Query) -> QuerySet[Organization]:
    ids = meetings.visits_in(q.org, q.period_start, q.on).filter(visited_id__in=q.org_ids)
    return Organization.objects.filter(pk__in=ids.values("visited_id"))


@indicator(
    code="meetings.visited",
    title="Chi bộ, cấp ủy được cấp trên dự sinh hoạt",
    description="""Số chi bộ và số cấp ủy (đảng ủy cơ sở, đảng ủy bộ phận và cấp trên) thuộc cây
    tổ chức vào ngày cuối kỳ được cấp ủy viên hoặc tổ công tác của cấp trên dự sinh hoạt trong
    kỳ (mỗi tổ chức tính một lần dù được dự nhiều lần), như báo cáo «08 cấp ủy và 18 chi bộ».""",
    unit=Unit.ORGANIZATIONS,
    time=PERIOD,
    dimension="loại tổ chức",
    records=RecordKind.ORGANIZATIONS,
)
def visited(q: Query) -> Result:
    counts = dict(
        _visited(q).annotate(cell=Case(When(kind__in=CELL_KINDS, then=Value("cells")),
                                       default=Value("committees"), output_field=CharField()))
        .values_list("cell").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    rows = [Row("committees", "Cấp ủy", counts.get("committees", 0)),
            Row("cells", "Chi bộ", counts.get("cells", 0))]  # fmt: skip
    return Result(rows, Row(TOTAL, "Tổng số tổ chức được dự", sum(counts.values())))


@visited.records_of
def visited_records(q: Query, key: str) -> QuerySet:
    qs = _visited(q)
    if key == "cells":
        qs = qs.filter(kind__in=CELL_KINDS)
    elif key == "committees":
        qs = qs.exclude(kind__in=CELL_KINDS)
    return qs.select_related("sector", "parent").order_by("path")


# --------------------------------------------------------------------------


@indicator(
    code="meetings.without_upper_attendee",
    title="Buổi sinh hoạt chi bộ không có cấp trên dự",
    description=f"""Số buổi sinh hoạt trong kỳ không ghi cấp ủy viên cấp trên phụ trách hay tổ
    công tác của cấp trên dự, và số buổi có. {NOTE}""",
    unit=Unit.MEETINGS,
    time=PERIOD,
    dimension="cấp trên dự",
    records=RecordKind.MEETINGS,
    reads=MEETINGS.reading("upper"),
)
def without_upper_attendee(q: Query, scanned: dict) -> Result:
    counts = scanned["upper"]
    rows = [Row("without", "Không có cấp trên dự", counts.get("without", 0)),
            Row("with", "Có cấp trên dự", counts.get("with", 0))]  # fmt: skip
    return Result(rows, Row(TOTAL, "Tổng số buổi sinh hoạt", sum(counts.values())))


@without_upper_attendee.records_of
def without_upper_attendee_records(q: Query, key: str) -> QuerySet:
    qs = _meetings(q).annotate(upper=UPPER)
    return _listed(qs if key == TOTAL else qs.filter(upper=key))
