"""Indicators on admission work (phát triển đảng viên): the files in progress, the awareness
class, the members admitted and made official, the year's plan.

A file counts where its cell stood in the tree on the date asked (the period's last day);
admissions and recognitions count where the member's cell stood on the day of the event.
Voided files and members are not counted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from dangbo.admissions import selectors as admissions
from dangbo.admissions.models import AdmissionPlan, Candidate
from dangbo.members.models import Member, MemberEvent, Sex

from ..registry import (
    AS_OF,
    PERIOD,
    TOTAL,
    Query,
    RecordKind,
    Result,
    Row,
    Source,
    Unit,
    indicator,
)  # fmt: skip

Stage = Candidate.Stage
ADMITTED, READMITTED = MemberEvent.Kind.ADMITTED, MemberEvent.Kind.READMITTED
FILE_NOTE = (
    "Tính các hồ sơ kết nạp (không kể hồ sơ đã hủy) của các chi bộ thuộc cây tổ chức vào ngày "
    "được hỏi."
)


def _files(q: Query) -> QuerySet[Candidate]:
    return Candidate.objects.filter(
        organization_id__in=q.org_ids, voided_at__isnull=True
    ).order_by()


def _candidates(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return qs.select_related("organization__parent").order_by(
        "name_sort_key", "date_of_birth", "id"
    )


def stage_on(on: dt.date) -> Case:
    """The stage a file had reached on ``on``, in SQL (mirrors ``admissions.rules.candidate_stage``)."""
    steps = [
        (Q(withdrawn_on__lte=on), Stage.WITHDRAWN),
        (Q(refused=True, decision_signed_on__lte=on), Stage.REFUSED),
        (Q(member__isnull=False, ceremony_on__lte=on), Stage.ADMITTED),
        (Q(decision_signed_on__lte=on), Stage.DECIDED),
        (Q(committee_resolution_on__lte=on), Stage.COMMITTEE_PROPOSAL),
        (Q(cell_resolution_on__lte=on), Stage.CELL_RESOLUTION),
        (Q(introduced_on__lte=on), Stage.INTRODUCED),
        (Q(application_on__lte=on) | Q(background_checked_on__lte=on), Stage.DOSSIER),
        (Q(certificate_issued_on__lte=on), Stage.AWARENESS_CLASS),
    ]
    return Case(
        *[When(cond, then=Value(stage.value)) for cond, stage in steps],
        default=Value(Stage.PROPOSED.value), output_field=CharField(),
    )  # fmt: skip


def _files_in_progress(q: Query) -> QuerySet[Candidate]:
    return (
        _files(q).filter(proposed_on__lte=q.on).annotate(stage_then=stage_on(q.on))
        .filter(stage_then__in=[s.value for s in admissions.OPEN_STAGES])
    )  # fmt: skip


@indicator(
    code="admissions.candidates_by_stage",
    title="Hồ sơ kết nạp đảng viên đang xem xét, theo bước",
    description=f"""Số quần chúng ưu tú đã được giới thiệu mà hồ sơ kết nạp chưa kết thúc vào ngày
    được hỏi, theo bước đã đạt tới ngày đó (các bước tính theo ngày ghi trong hồ sơ: giấy chứng
    nhận lớp bồi dưỡng nhận thức về Đảng, đơn xin vào Đảng và thẩm tra lý lịch, đủ người giới
    thiệu, nghị quyết của chi bộ, nghị quyết của đảng ủy cơ sở, quyết định kết nạp). Hồ sơ đã kết
    nạp, có quyết định không kết nạp hoặc dừng xem xét trước ngày đó không được tính.
    {FILE_NOTE}""",
    unit=Unit.PERSONS,
    time=AS_OF,
    dimension="bước của hồ sơ",
    records=RecordKind.CANDIDATES,
)
def candidates_by_stage(q: Query) -> Result:
    counts = dict(_files_in_progress(q).values_list("stage_then").annotate(n=Count("id")))
    rows = [Row(s.value, s.label, counts.get(s.value, 0)) for s in admissions.OPEN_STAGES]
    return Result(rows, Row(TOTAL, "Tổng số hồ sơ đang xem xét", sum(counts.values())))


@candidates_by_stage.records_of
def candidates_by_stage_records(q: Query, key: str) -> QuerySet:
    qs = _files_in_progress(q)
    return _candidates(qs if key == TOTAL else qs.filter(stage_then=key))


# --------------------------------------------------------------------------


def _awareness(q: Query) -> QuerySet[Candidate]:
    return _files(q).filter(
        certificate_issued_on__gte=q.period_start, certificate_issued_on__lte=q.on
    )


@indicator(
    code="admissions.awareness_class",
    title="Quần chúng ưu tú được bồi dưỡng nhận thức về Đảng",
    description=f"""Số quần chúng ưu tú có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp
    trong kỳ (từ ngày – đến ngày), theo giới tính: số người được cử đi học lớp nhận thức về Đảng
    và hoàn thành. Tính theo ngày cấp giấy chứng nhận ghi trong hồ sơ kết nạp; chi bộ tính theo cây
    tổ chức vào ngày cuối kỳ. {FILE_NOTE}""",
    unit=Unit.PERSONS,
    time=PERIOD,
    dimension="giới tính",
    records=RecordKind.CANDIDATES,
)
def awareness_class(q: Query) -> Result:
    counts = dict(_awareness(q).values_list("sex").annotate(n=Count("id")))
    rows = [Row(s.value, s.label, counts.get(s.value, 0)) for s in Sex]
    return Result(rows, Row(TOTAL, "Tổng số", sum(counts.values())))


@awareness_class.records_of
def awareness_class_records(q: Query, key: str) -> QuerySet:
    qs = _awareness(q)
    return _candidates(qs if key == TOTAL else qs.filter(sex=key))


# --------------------------------------------------------------------------


def _admission_events(q: Query, kinds=(ADMITTED, READMITTED)) -> QuerySet[MemberEvent]:
    return admissions.events_in_subtree(q.org, kinds, q.period_start, q.on).order_by()


def _members_of(events: QuerySet[MemberEvent]) -> QuerySet[Member]:
    return (
        Member.objects.filter(pk__in=events.values("member_id"))
        .select_related("organization__parent").order_by("name_sort_key", "date_of_birth", "id")
    )  # fmt: skip


MADE_OFFICIAL = MemberEvent.Kind.MADE_OFFICIAL
CHILD = "child"


def scan_admission_events(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Return {group: {key: members}} for ``groups``, from ONE statement over the period's
    admission and recognition events of the subtree (``admissions.selectors``).

    ``admitted``: the members admitted (``ADMITTED``), readmitted (``READMITTED``), either
    (``TOTAL``); ``made_official``: the members made official (``TOTAL``); ``child``: the members
    admitted in the subtree of each organization directly under ``q.org`` ({id: members}). The
    events are counted by distinct members in the statement itself; with ``child``, the same
    statement reads the events of the children's subtrees too, each with the position where it
    counts, and the counts are taken from its rows.
    """
    sets: dict[str, list[str]] = {}
    if groups & {"admitted", CHILD}:
        sets |= {ADMITTED: [ADMITTED], READMITTED: [READMITTED], TOTAL: [ADMITTED, READMITTED]}
    if "made_official" in groups:
        sets["made_official"] = [MADE_OFFICIAL]
    start, end = q.period_start, q.on
    scanned: dict[str, dict] = {}
    if CHILD in groups:
        children = Q(organization__parent=q.org, organization__dissolved_on__isnull=True)
        roots = admissions.roots_of(Q(organization=q.org) | children, start, end)
        kinds = {k for ks in sets.values() for k in ks}
        rows = admissions.event_paths({p for ps in roots.values() for p in ps}, kinds, start, end)
        own = roots.pop(q.org.pk, set())
        counts = {n: len(admissions.members_under(rows, own, ks)) for n, ks in sets.items()}
        scanned[CHILD] = {
            pk: len(admissions.members_under(rows, paths, sets[TOTAL]))
            for pk, paths in roots.items()
        }
    else:
        counts = admissions.event_counts(q.org, sets, start, end)
    if "admitted" in groups:
        scanned["admitted"] = {k: counts[k] for k in (ADMITTED, READMITTED, TOTAL)}
    if "made_official" in groups:
        scanned["made_official"] = {TOTAL: counts["made_official"]}
    return scanned


ADMISSION_EVENTS = Source(
    "admission_events", scan_admission_events, frozenset({"admitted", "made_official", CHILD}),
    label="các sự kiện kết nạp và công nhận chính thức trong kỳ của cây tổ chức (một lượt đọc "
    "chung cho các chỉ tiêu kết nạp)",
)  # fmt: skip


@indicator(
    code="admissions.admitted",
    title="Đảng viên được kết nạp trong kỳ",
    description="""Số người được kết nạp vào Đảng trong kỳ, theo ngày ký quyết định kết nạp (ngày
    tính tuổi đảng, Điều lệ Đảng Điều 5): kết nạp mới và kết nạp lại (Quy định thi hành Điều lệ,
    mục 3.5). Tính ở chi bộ nơi đảng viên được kết nạp, theo cây tổ chức vào ngày kết nạp; sự kiện
    và hồ sơ đã hủy không được tính.""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="hình thức kết nạp",
    records=RecordKind.MEMBERS,
    reads=ADMISSION_EVENTS.reading("admitted"),
)
def admitted(q: Query, scanned: dict) -> Result:
    counts = scanned["admitted"]
    rows = [
        Row(ADMITTED.value, "Kết nạp mới", counts[ADMITTED]),
        Row(READMITTED.value, "Kết nạp lại", counts[READMITTED]),
    ]
    return Result(rows, Row(TOTAL, "Tổng số", counts[TOTAL]))


@admitted.records_of
def admitted_records(q: Query, key: str) -> QuerySet:
    events = _admission_events(q)
    return _members_of(events if key == TOTAL else events.filter(kind=key))


# --------------------------------------------------------------------------


def _percent(numerator: int, denominator: int | None) -> Decimal | None:
    return Decimal(numerator) * 100 / Decimal(denominator) if denominator else None


@indicator(
    code="admissions.plan",
    title="Kết nạp đảng viên so với kế hoạch năm",
    description="""Số người được kết nạp (kể cả kết nạp lại) trong kỳ chia cho kế hoạch kết nạp
    (số dự kiến kết nạp trong kế hoạch của năm chứa ngày cuối kỳ), bằng phần trăm: của tổ chức được
    hỏi (dòng tổng) và của từng tổ chức trực thuộc trực tiếp đã đặt kế hoạch. Tổ chức chưa đặt kế
    hoạch không có tỷ lệ. Danh sách chi tiết là các đảng viên được kết nạp trong kỳ.""",
    unit=Unit.PERCENT,
    time=PERIOD,
    dimension="tổ chức",
    records=RecordKind.MEMBERS,
    numerator_label="Được kết nạp",
    denominator_label="Kế hoạch kết nạp",
    missing_label="chưa đặt kế hoạch",
    reads=ADMISSION_EVENTS.reading("admitted", CHILD),
)
def plan(q: Query, scanned: dict) -> Result:
    year = q.on.year
    # The plans of the organization and of its children in one query, not one per child.
    plans = (
        AdmissionPlan.objects.filter(
            Q(organization=q.org)
            | Q(organization__parent=q.org, organization__dissolved_on__isnull=True),
            year=year, voided_at__isnull=True,
        )
        .select_related("organization").order_by("pk")
    )  # fmt: skip
    by_org = {p.organization_id: p for p in plans}  # the latest recorded, if several
    own = by_org.pop(q.org.pk, None)
    rows = []
    for p in sorted(by_org.values(), key=lambda p: p.organization.code):
        done = scanned[CHILD].get(p.organization_id, 0)
        rows.append(Row(p.organization.code, p.organization.name, _percent(done, p.planned),
                        numerator=done, denominator=p.planned))  # fmt: skip
    done = scanned["admitted"][TOTAL]
    planned = own.planned if own else None
    label = f"{q.org.name} (kế hoạch năm {year})" if own else f"{q.org.name} (năm {year})"
    return Result(rows, Row(TOTAL, label, _percent(done, planned), numerator=done,
                            denominator=planned))  # fmt: skip


@plan.records_of
def plan_records(q: Query, key: str) -> QuerySet:
    if key == TOTAL:
        return _members_of(_admission_events(q))
    child = q.org.children.filter(code=key).first()
    if child is None:
        return Member.objects.none()
    return _members_of(
        admissions.events_in_subtree(child, (ADMITTED, READMITTED), q.period_start, q.on)
    )


# --------------------------------------------------------------------------


@indicator(
    code="admissions.made_official",
    title="Đảng viên được công nhận chính thức trong kỳ",
    description="""Số đảng viên dự bị được công nhận đảng viên chính thức trong kỳ, theo ngày
    chính thức (ngày hết 12 tháng dự bị, Quy định thi hành Điều lệ, mục 4.2.2), tính ở chi bộ nơi
    đảng viên sinh hoạt vào ngày đó theo cây tổ chức của ngày đó; sự kiện và hồ sơ đã hủy không được
    tính.""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="không phân tổ",
    records=RecordKind.MEMBERS,
    reads=ADMISSION_EVENTS.reading("made_official"),
)
def made_official(q: Query, scanned: dict) -> Result:
    return Result([], Row(TOTAL, "Tổng số", scanned["made_official"][TOTAL]))


@made_official.records_of
def made_official_records(q: Query, key: str) -> QuerySet:
    return _members_of(_admission_events(q, (MemberEvent.Kind.MADE_OFFICIAL,)))
