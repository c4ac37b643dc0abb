"""Indicators on the member registry, as it stood on the as-of date.

Every figure counts the members *in the party's membership* (đảng số) of the
subtree on that date: a member whose derived state (``MemberState``) valid on
that date has an active status (dự bị, chính thức, miễn công tác và sinh hoạt
đảng) in an organization that stood in the subtree on that date. Records
entered in error (voided) are not counted. Each figure is one aggregate query
(GROUP BY) however large the subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from dangbo.core import codes
from dangbo.members import rules
from dangbo.members.models import (
    ACTIVE_STATUSES,
    Member,
    MemberState,
    PoliticalTheory,
    Professional,
    Sex,
)
from dangbo.organizations.models import (
    GRASSROOTS_KINDS,
    PATH_SEGMENT_WIDTH,
    Sector,
    TreePosition,
)
from dangbo.organizations.selectors import valid_on

from ..registry import AS_OF, TOTAL, Query, RecordKind, Result, Row, Source, Unit, indicator
from .organizations import organizations_at

NONE = "none"
UNKNOWN = "unknown"
KINH = "01"
MEMBERSHIP_NOTE = (
    "Tính các đảng viên trong đảng số (dự bị, chính thức, miễn công tác và sinh hoạt đảng) của "
    "các tổ chức thuộc cây tổ chức vào ngày được hỏi, theo các giai đoạn sinh hoạt suy ra từ sự "
    "kiện (kết nạp, chuyển sinh hoạt, xóa tên...); hồ sơ đã hủy không được tính."
)
TOTAL_LABEL = "Tổng số đảng viên"


# --------------------------------------------------------------------------
# The membership on a date, and grouping it.
# --------------------------------------------------------------------------


def membership_states(q: Query) -> QuerySet[MemberState]:
    """Return the active states valid on ``q.on`` in the subtree as it stood then (one per member)."""
    return MemberState.objects.filter(
        valid_on(q.on), status__in=ACTIVE_STATUSES, organization_id__in=q.org_ids,
        member__voided_at__isnull=True,
    ).order_by()  # fmt: skip


def membership(q: Query, condition: Q | None = None) -> QuerySet[Member]:
    """Return the members counted by ``membership_states``, optionally narrowed by ``condition``."""
    qs = Member.objects.filter(pk__in=membership_states(q).values("member_id"))
    if condition is not None:
        qs = qs.filter(condition)
    return qs.select_related("organization__parent").order_by(
        "name_sort_key", "date_of_birth", "id"
    )


def _total(rows: list[Row]) -> Row:
    return Row(TOTAL, TOTAL_LABEL, sum(int(r.value or 0) for r in rows), member_params={})


def years_ago(on: dt.date, years: int) -> dt.date:
    """Return the date ``years`` before ``on`` (29/02 becomes 28/02), as the member list does."""
    if on.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def band_q(field: str, on: dt.date, low: int | None, high: int | None) -> Q:
    """Return the filter for ``low <= whole years from field to on <= high``."""
    cond = Q()
    if low is not None:
        cond &= Q(**{f"{field}__lte": years_ago(on, low)})
    if high is not None:
        cond &= Q(**{f"{field}__gt": years_ago(on, high + 1)})
    return cond


def _unknown_row(counts: dict, key=UNKNOWN, label="Chưa cập nhật") -> list[Row]:
    return [Row(NONE if key in ("", None) else key, label, counts[key])] if counts.get(key) else []


# --------------------------------------------------------------------------
# The membership source: one grouped scan for every as-of member indicator.
# --------------------------------------------------------------------------


def _band(field: str, on: dt.date, bands) -> Case:
    whens = [
        When(band_q(f"member__{field}", on, lo, hi), then=Value(key)) for key, _, lo, hi in bands
    ]
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


# The breakdowns of the membership come in two kinds. A *band* has a fixed list of keys, each a
# condition on the row (status, sex, age band, party-age band, Kinh or not): it is counted by a
# conditional aggregate (SUM(CASE ...)), which costs a comparison per row and no grouping. A
# *dimension* is open-ended (ethnicity, qualifications, the organization): it is a column to
# group by. The rest of a band (``UNKNOWN``, the minority) is the total less its keys, since a
# band's conditions never overlap.
BANDS = ("status", "sex", "age_band", "party_age_band", "kinh")
DIMENSIONS = ("ethnicity", "political_theory_level", "professional_level", "general_education")
ORGANIZATION = "organization"
MEMBERSHIP_GROUPS = frozenset([*BANDS, *DIMENSIONS, ORGANIZATION])


def _band_conditions(name: str, on: dt.date) -> list[tuple[str, Q]]:
    """The keys of band ``name`` with their conditions on ``MemberState`` (the rest excluded)."""
    if name == "status":
        return [(s.value, Q(status=s.value)) for s in ACTIVE_STATUSES]
    if name == "sex":
        return [(s.value, Q(member__sex=s.value)) for s in Sex]
    if name == "kinh":
        return [("kinh", Q(member__ethnicity=KINH))]
    field, bands = {
        "age_band": ("member__date_of_birth", AGE_BANDS),
        "party_age_band": ("member__admitted_on", PARTY_AGE_BANDS),
    }[name]
    return [(key, band_q(field, on, lo, hi)) for key, _, lo, hi in bands]


def _rest_key(name: str) -> str | None:
    return {"age_band": UNKNOWN, "party_age_band": UNKNOWN, "kinh": "minority"}.get(name)


def scan_membership(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Return {group: {key: members}} for ``groups``, from ONE statement over the membership.

    The membership on ``q.on`` (``membership_states``: the states valid that day, in the
    subtree as it stood that day, members not voided) is read once. The bands asked for are
    conditional aggregates of that read; the dimensions asked for are its grouping key, so one
    grouped pass gives every band and every dimension (the bands summed over the groups). The
    organization, which only ``members.share_of_staff`` reads, is a second grouping of the same
    pass: GROUPING SETS on PostgreSQL; on SQLite, which has none, two GROUP BY over the
    membership read once into a materialized table expression (the same rows, the same counts).
    """
    counts: dict[str, dict] = {name: {} for name in groups}
    if not groups:
        return counts
    bands = [b for b in BANDS if b in groups]
    dims = [d for d in DIMENSIONS if d in groups]
    by_org = ORGANIZATION in groups
    flags = [(band, key, cond) for band in bands for key, cond in _band_conditions(band, q.on)]
    columns = {f"d_{i}": F(f"member__{d}") for i, d in enumerate(dims)}
    columns |= {
        f"b_{i}": Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())
        for i, (_, _, cond) in enumerate(flags)
    }
    if by_org:
        columns["org"] = F("organization_id")
    base = membership_states(q).annotate(**columns).values(*columns)
    try:
        sql, params = base.query.sql_with_params()
    except EmptyResultSet:  # the organization did not exist on the date
        return counts
    dim_cols = [f"d_{i}" for i in range(len(dims))]
    sums = ", ".join(["COUNT(*)", *(f"SUM(b_{i})" for i in range(len(flags)))])
    if not by_org:
        group_by = f" GROUP BY {', '.join(dim_cols)}" if dim_cols else ""
        keys = "".join(f"{c}, " for c in dim_cols)
        statement = f"WITH membership AS ({sql}) SELECT 0, {keys}NULL, {sums} FROM membership"
        statement += group_by
    elif connection.vendor == "postgresql":
        keys = "".join(f"{c}, " for c in dim_cols)
        statement = (
            f"WITH membership AS ({sql}) SELECT 1 - GROUPING(org), {keys}org, {sums} FROM membership "
            f"GROUP BY GROUPING SETS (({', '.join(dim_cols)}), (org))"
        )
    else:
        keys = "".join(f"{c}, " for c in dim_cols)
        nulls = "".join("NULL, " for _ in dim_cols)
        group_by = f" GROUP BY {', '.join(dim_cols)}" if dim_cols else ""
        statement = (
            f"WITH membership AS MATERIALIZED ({sql}) "
            f"SELECT 0, {keys}NULL, {sums} FROM membership{group_by} UNION ALL "
            f"SELECT 1, {nulls}org, COUNT(*){', NULL' * len(flags)} FROM membership GROUP BY org"
        )
    totals = [0] * (1 + len(flags))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for row in cursor.fetchall():
            if row[0]:  # the organization grouping
                counts[ORGANIZATION][row[1 + len(dims)]] = row[2 + len(dims)]
                continue
            values = row[2 + len(dims) :]
            for i, name in enumerate(dims):
                key = row[1 + i]
                counts[name][key] = counts[name].get(key, 0) + values[0]
            for i, value in enumerate(values):
                totals[i] += int(value or 0)
    for i, (band, key, _) in enumerate(flags):
        if totals[1 + i]:
            counts[band][key] = totals[1 + i]
    for band in bands:
        rest = totals[0] - sum(counts[band].values())
        if rest and _rest_key(band):
            counts[band][_rest_key(band)] = rest
    return counts


MEMBERSHIP = Source(
    "membership", scan_membership, MEMBERSHIP_GROUPS,
    label="đảng số của cây tổ chức vào ngày được hỏi (một lượt đọc chung cho mọi chỉ tiêu đảng viên)",
)  # fmt: skip


# --------------------------------------------------------------------------


@indicator(
    code="members.by_status",
    title="Đảng viên, theo tình trạng",
    description=f"""Số đảng viên dự bị, chính thức, được miễn công tác và sinh hoạt đảng, và tổng
    số (đảng số). {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="tình trạng đảng viên",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("status"),
)
def by_status(q: Query, scanned: dict) -> Result:
    counts = scanned["status"]
    rows = [
        Row(s.value, s.label, counts.get(s.value, 0), member_params={"status": s.value})
        for s in ACTIVE_STATUSES
    ]
    return Result(rows, _total(rows))


@by_status.records_of
def by_status_records(q: Query, key: str) -> QuerySet:
    if key == TOTAL:
        return membership(q)
    return membership(q).filter(pk__in=membership_states(q).filter(status=key).values("member_id"))


# --------------------------------------------------------------------------


@indicator(
    code="members.by_sex",
    title="Đảng viên, theo giới tính",
    description=f"Số đảng viên nam, nữ. {MEMBERSHIP_NOTE}",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="giới tính",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("sex"),
)
def by_sex(q: Query, scanned: dict) -> Result:
    counts = scanned["sex"]
    rows = [
        Row(s.value, s.label, counts.get(s.value, 0), member_params={"sex": s.value}) for s in Sex
    ]
    return Result(rows, _total(rows))


@by_sex.records_of
def by_sex_records(q: Query, key: str) -> QuerySet:
    return membership(q, None if key == TOTAL else Q(sex=key))


# --------------------------------------------------------------------------

# Age bands (tuổi đời) in whole years on the as-of date.
AGE_BANDS = [
    ("to_30", "Từ 30 tuổi trở xuống", None, 30),
    ("31_40", "Từ 31 đến 40 tuổi", 31, 40),
    ("41_50", "Từ 41 đến 50 tuổi", 41, 50),
    ("51_60", "Từ 51 đến 60 tuổi", 51, 60),
    ("over_60", "Trên 60 tuổi", 61, None),
]


@indicator(
    code="members.by_age_band",
    title="Đảng viên, theo độ tuổi",
    description=f"""Số đảng viên theo tuổi đời tròn năm vào ngày được hỏi (tính từ ngày sinh), chia
    các nhóm: từ 30 tuổi trở xuống (đảng viên trẻ), 31–40, 41–50, 51–60, trên 60 tuổi — các nhóm
    tuổi thường dùng trong báo cáo thống kê đảng viên (danh mục nhóm chưa đối chiếu với biểu mẫu
    thống kê chính thức). {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="độ tuổi",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("age_band"),
)
def by_age_band(q: Query, scanned: dict) -> Result:
    counts = scanned["age_band"]
    rows = [
        Row(key, label, counts.get(key, 0), member_params={"age_min": lo, "age_max": hi})
        for key, label, lo, hi in AGE_BANDS
    ] + _unknown_row(counts, label="Không xác định")
    return Result(rows, _total(rows))


@by_age_band.records_of
def by_age_band_records(q: Query, key: str) -> QuerySet:
    if key == TOTAL:
        return membership(q)
    for band_key, _, lo, hi in AGE_BANDS:
        if band_key == key:
            return membership(q, band_q("date_of_birth", q.on, lo, hi))
    return membership(
        q,
        ~Q(*[band_q("date_of_birth", q.on, lo, hi) for _, _, lo, hi in AGE_BANDS], _connector=Q.OR),
    )


# --------------------------------------------------------------------------

PARTY_AGE_BANDS = [
    ("under_10", "Dưới 10 năm", None, 9),
    ("10_20", "Từ 10 đến dưới 20 năm", 10, 19),
    ("20_30", "Từ 20 đến dưới 30 năm", 20, 29),
    ("30_40", "Từ 30 đến dưới 40 năm", 30, 39),
    ("40_over", "Từ 40 năm trở lên", 40, None),
]


def _party_age_band(years: int) -> str:
    for key, _, lo, hi in PARTY_AGE_BANDS:
        if (lo is None or years >= lo) and (hi is None or years <= hi):
            return key
    return UNKNOWN


def _party_age_corrections(q: Query) -> dict[int, tuple[str, str]]:
    """Return {member id: (band by admission date, exact band)} for members whose gaps change the band.

    Only a member who was struck off or expelled before the date (and readmitted)
    has a party age shorter than the time since the first admission; they are
    few, so they are fetched and computed exactly with ``rules.party_age_years``.
    """
    # From the few gap periods (a partial index holds them), each checked against the
    # membership by its member: the cost follows the gaps, not the subtree's members.
    counted = membership_states(q).filter(member_id=OuterRef("member_id"))
    gaps = (
        MemberState.objects.filter(
            # A member counted on the date is back in the party then: the gaps ended before.
            Exists(counted), status__in=rules.GAP_STATUSES, valid_until__lte=q.on
        )
        .order_by()
        # The admission date by the member's key, not by a join the planner could hash.
        .annotate(admitted=Subquery(Member.objects.filter(pk=OuterRef("member_id")).order_by().values(
            "admitted_on")[:1]))
        .values_list("member_id", "admitted", "status", "valid_from", "valid_until")
    )  # fmt: skip
    admitted: dict[int, dt.date] = {}
    states: dict[int, list[rules.State]] = defaultdict(list)
    for member_id, admitted_on, status, start, until in gaps:
        admitted[member_id] = admitted_on
        states[member_id].append(rules.State(status, None, start, until))
    changes = {}
    for member_id, admitted_on in admitted.items():
        naive = _party_age_band(rules.age_on(admitted_on, q.on))
        exact = _party_age_band(rules.party_age_years(admitted_on, states[member_id], q.on))
        if naive != exact:
            changes[member_id] = (naive, exact)
    return changes


@indicator(
    code="members.by_party_age_band",
    title="Đảng viên, theo tuổi đảng",
    description=f"""Số đảng viên theo tuổi đảng tròn năm vào ngày được hỏi: tính từ ngày quyết
    định kết nạp lần đầu, trừ thời gian bị xóa tên, khai trừ (Điều lệ Đảng Điều 5; Quy định thi
    hành Điều lệ, mục 4.5). Nhóm: dưới 10 năm, 10 đến dưới 20, 20 đến dưới 30, 30 đến dưới 40, từ
    40 năm trở lên. Danh sách chi tiết mở trang riêng (không dùng bộ lọc tuổi đảng của danh sách
    đảng viên, vốn chưa trừ thời gian gián đoạn). {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="tuổi đảng",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("party_age_band"),
)
def by_party_age_band(q: Query, scanned: dict) -> Result:
    counts = dict(scanned["party_age_band"])
    for naive, exact in _party_age_corrections(q).values():
        counts[naive] -= 1
        counts[exact] = counts.get(exact, 0) + 1
    rows = [Row(key, label, counts.get(key, 0)) for key, label, _, _ in PARTY_AGE_BANDS]
    rows += _unknown_row(counts, label="Không xác định")
    return Result(rows, _total(rows))


@by_party_age_band.records_of
def by_party_age_band_records(q: Query, key: str) -> QuerySet:
    if key == TOTAL:
        return membership(q)
    bands = {k: band_q("admitted_on", q.on, lo, hi) for k, _, lo, hi in PARTY_AGE_BANDS}
    cond = bands.get(key) or ~Q(*bands.values(), _connector=Q.OR)
    changes = _party_age_corrections(q)
    moved_out = [m for m, (naive, exact) in changes.items() if naive == key]
    moved_in = [m for m, (naive, exact) in changes.items() if exact == key]
    return membership(q, (cond & ~Q(pk__in=moved_out)) | Q(pk__in=moved_in))


# --------------------------------------------------------------------------


@indicator(
    code="members.by_ethnic_minority",
    title="Đảng viên dân tộc Kinh và dân tộc thiểu số",
    description=f"""Số đảng viên người dân tộc Kinh và người các dân tộc thiểu số (mọi dân tộc
    khác Kinh trong danh mục 54 dân tộc). {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="dân tộc (Kinh, thiểu số)",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("kinh"),
)
def by_ethnic_minority(q: Query, scanned: dict) -> Result:
    counts = scanned["kinh"]
    rows = [
        Row("kinh", "Dân tộc Kinh", counts.get("kinh", 0), member_params={"ethnicity": KINH}),
        Row("minority", "Dân tộc thiểu số", counts.get("minority", 0)),
    ]
    return Result(rows, _total(rows))


@by_ethnic_minority.records_of
def by_ethnic_minority_records(q: Query, key: str) -> QuerySet:
    return membership(q, {TOTAL: None, "kinh": Q(ethnicity=KINH)}.get(key, ~Q(ethnicity=KINH)))


@indicator(
    code="members.by_ethnicity",
    title="Đảng viên, theo dân tộc",
    description=f"""Số đảng viên theo từng dân tộc (tên theo danh mục dân tộc), theo thứ tự mã
    dân tộc; chỉ hiện các dân tộc có đảng viên. {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="dân tộc",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("ethnicity"),
)
def by_ethnicity(q: Query, scanned: dict) -> Result:
    counts = scanned["ethnicity"]
    rows = [
        Row(code, codes.name_of("ethnicity", code), n, member_params={"ethnicity": code})
        for code, n in sorted(counts.items(), key=lambda item: item[0] or "")
        if code
    ] + _unknown_row(counts, key="")
    return Result(rows, _total(rows))


@by_ethnicity.records_of
def by_ethnicity_records(q: Query, key: str) -> QuerySet:
    return membership(q, None if key == TOTAL else Q(ethnicity="" if key == NONE else key))


# --------------------------------------------------------------------------


def _level_indicator(field: str, choices, list_name: str | None = None):
    """Compute and list a breakdown by a qualification field ('' = not recorded)."""

    def compute(q: Query, scanned: dict) -> Result:
        counts = scanned[field]
        if choices is not None:
            rows = [
                Row(c.value, c.label, counts.get(c.value, 0), member_params={field: c.value})
                for c in choices
            ]
        else:
            order = {code: i for i, (code, _) in enumerate(codes.choices(list_name))}
            present = sorted((c for c in counts if c), key=lambda c: (order.get(c, len(order)), c))
            rows = [Row(c, codes.name_of(list_name, c), counts[c]) for c in present]
        rows += _unknown_row(counts, key="")
        return Result(rows, _total(rows))

    def records(q: Query, key: str) -> QuerySet:
        return membership(q, None if key == TOTAL else Q(**{field: "" if key == NONE else key}))

    return compute, records


_theory, _theory_records = _level_indicator("political_theory_level", PoliticalTheory)
members_by_political_theory = indicator(
    code="members.by_political_theory",
    title="Đảng viên, theo trình độ lý luận chính trị",
    description=f"""Số đảng viên theo trình độ lý luận chính trị ghi trong hồ sơ (chưa qua đào
    tạo, sơ cấp, trung cấp, cao cấp, cử nhân); hồ sơ chưa ghi ở dòng «Chưa cập nhật». Trình độ là
    thông tin hiện tại của hồ sơ. {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="trình độ lý luận chính trị",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("political_theory_level"),
)(_theory)
members_by_political_theory.records_of(_theory_records)

_professional, _professional_records = _level_indicator("professional_level", Professional)
members_by_professional = indicator(
    code="members.by_professional_level",
    title="Đảng viên, theo trình độ chuyên môn",
    description=f"""Số đảng viên theo trình độ chuyên môn, nghiệp vụ cao nhất ghi trong hồ sơ (sơ
    cấp đến tiến sĩ khoa học); hồ sơ chưa ghi ở dòng «Chưa cập nhật». Trình độ là thông tin hiện
    tại của hồ sơ. {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="trình độ chuyên môn",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("professional_level"),
)(_professional)
members_by_professional.records_of(_professional_records)

_education, _education_records = _level_indicator("general_education", None, "general_education")
members_by_general_education = indicator(
    code="members.by_general_education",
    title="Đảng viên, theo trình độ giáo dục phổ thông",
    description=f"""Số đảng viên theo lớp phổ thông đã học xong (hệ 12 năm, hệ 10 năm), tên theo
    danh mục trình độ giáo dục phổ thông; chỉ hiện các trình độ có đảng viên; hồ sơ chưa ghi ở
    dòng «Chưa cập nhật». {MEMBERSHIP_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="giáo dục phổ thông",
    records=RecordKind.MEMBERS,
    reads=MEMBERSHIP.reading("general_education"),
)(_education)
members_by_general_education.records_of(_education_records)


# --------------------------------------------------------------------------

SEGMENT = PATH_SEGMENT_WIDTH + 1


def _grassroots_with_staff(q: Query) -> QuerySet[TreePosition]:
    return q.tree.filter(kind__in=GRASSROOTS_KINDS, organization__staff_headcount__gt=0)


@indicator(
    code="members.share_of_staff",
    title="Tỷ lệ đảng viên trên số cán bộ, nhân viên của đơn vị",
    description=f"""Số đảng viên của các tổ chức cơ sở đảng (kể cả các chi bộ trực thuộc) chia cho
    tổng số cán bộ, nhân viên của các đơn vị mà các tổ chức đó lãnh đạo, tính theo từng loại hình
    và chung, bằng phần trăm. Chỉ tính các tổ chức cơ sở đảng đã ghi số cán bộ, nhân viên. Lưu ý:
    số cán bộ, nhân viên là thông tin hiện tại của tổ chức (không lưu lịch sử), nên với một ngày
    trong quá khứ tỷ lệ chỉ là ước tính; số đảng viên thì đúng theo ngày được hỏi. Danh sách chi
    tiết là các tổ chức cơ sở đảng được tính. {MEMBERSHIP_NOTE}""",
    unit=Unit.PERCENT,
    time=AS_OF,
    dimension="loại hình tổ chức cơ sở đảng",
    records=RecordKind.ORGANIZATIONS,
    numerator_label="Đảng viên",
    denominator_label="Cán bộ, nhân viên",
    missing_label="chưa ghi số cán bộ, nhân viên",
    reads=MEMBERSHIP.reading("organization"),
)
def share_of_staff(q: Query, scanned: dict) -> Result:
    grassroots = {
        path: (sector or NONE, staff)
        for path, sector, staff in _grassroots_with_staff(q).values_list(
            "path", "organization__sector__code", "organization__staff_headcount"
        )
    }
    path_of = dict(q.tree.values_list("organization_id", "path"))
    by_path: dict[str, int] = defaultdict(int)
    for org_id, n in scanned["organization"].items():
        by_path[path_of.get(org_id, "")] += n
    members: dict[str, int] = defaultdict(int)
    staff: dict[str, int] = defaultdict(int)
    for sector, headcount in grassroots.values():
        staff[sector] += headcount
    for path, n in by_path.items():
        for end in range(SEGMENT, len(path or "") + 1, SEGMENT):
            if path[:end] in grassroots:
                members[grassroots[path[:end]][0]] += n
                break

    def row(key: str, label: str, num: int, den: int) -> Row:
        value = (Decimal(num) * 100 / Decimal(den)) if den else None
        return Row(key, label, value, numerator=num, denominator=den)

    names = {s.code: s.name for s in Sector.objects.all()}
    order = [*names, NONE]
    rows = [
        row(key, names.get(key, "Chưa phân loại"), members[key], staff[key])
        for key in order
        if staff.get(key)
    ]
    total = row(TOTAL, "Chung", sum(members.values()), sum(staff.values()))
    return Result(rows, total)


@share_of_staff.records_of
def share_of_staff_records(q: Query, key: str) -> QuerySet:
    positions = _grassroots_with_staff(q)
    if key == NONE:
        positions = positions.filter(organization__sector__isnull=True)
    elif key != TOTAL:
        positions = positions.filter(organization__sector__code=key)
    return organizations_at(q, positions)
