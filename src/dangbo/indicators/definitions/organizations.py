"""Indicators on the organization tree, as it stood on the as-of date."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from dangbo.organizations.models import (
    GRASSROOTS_KINDS,
    Organization,
    OrgKind,
    Sector,
    TreePosition,
)
from dangbo.organizations.selectors import valid_on

from ..registry import AS_OF, TOTAL, Query, RecordKind, Result, Row, Unit, indicator

NO_SECTOR = "none"
UNDER_GRASSROOTS = "under_grassroots"
UNDER_SUB = "under_sub"

TREE_NOTE = (
    "Cây tổ chức lấy theo lịch sử cây (vị trí, tên, loại tổ chức) có hiệu lực vào ngày được hỏi: "
    "tổ chức đã giải thể, sáp nhập trước ngày đó không được tính, tổ chức chuyển đi tính ở nơi "
    "nó trực thuộc vào ngày đó."
)


def organizations_at(q: Query, positions: QuerySet) -> QuerySet[Organization]:
    """Return the organizations of ``positions``, in the order of the tree on ``q.on``."""
    path_then = TreePosition.objects.filter(valid_on(q.on), organization=OuterRef("pk")).values(
        "path"
    )[:1]
    return (
        Organization.objects.filter(pk__in=positions.values("organization_id"))
        .select_related("sector")
        .annotate(path_then=Subquery(path_then))
        .order_by("path_then")
    )


def _sum_row(rows: list[Row]) -> Row:
    return Row(TOTAL, "Tổng số", sum(int(r.value or 0) for r in rows))


# --------------------------------------------------------------------------


def _grassroots(q: Query) -> QuerySet[TreePosition]:
    return q.tree.filter(kind__in=GRASSROOTS_KINDS)


@indicator(
    code="org.grassroots_by_kind",
    title="Tổ chức cơ sở đảng, theo loại",
    description=f"""Số tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở) trong cây tổ chức dưới
    tổ chức được hỏi (kể cả chính nó), theo loại tổ chức vào ngày được hỏi. {TREE_NOTE}""",
    unit=Unit.ORGANIZATIONS,
    time=AS_OF,
    dimension="loại tổ chức",
    records=RecordKind.ORGANIZATIONS,
)
def grassroots_by_kind(q: Query) -> Result:
    counts = dict(_grassroots(q).order_by().values_list("kind").annotate(n=Count("id")))
    rows = [Row(kind.value, kind.label, counts.get(kind.value, 0)) for kind in GRASSROOTS_KINDS]
    return Result(rows, _sum_row(rows))


@grassroots_by_kind.records_of
def grassroots_by_kind_records(q: Query, key: str) -> QuerySet:
    positions = _grassroots(q)
    if key != TOTAL:
        positions = positions.filter(kind=key)
    return organizations_at(q, positions)


# --------------------------------------------------------------------------


@indicator(
    code="org.grassroots_by_sector",
    title="Tổ chức cơ sở đảng, theo loại hình",
    description=f"""Số tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở) theo loại hình của đơn
    vị mà tổ chức đó lãnh đạo (xã, phường; cơ quan hành chính; đơn vị sự nghiệp; doanh nghiệp...;
    danh mục loại hình là dữ liệu, sửa được). Loại hình là thuộc tính hiện tại của tổ chức (không
    lưu lịch sử). Chỉ hiện các loại hình có tổ chức; tổ chức chưa gán loại hình ở dòng «Chưa phân
    loại». {TREE_NOTE}""",
    unit=Unit.ORGANIZATIONS,
    time=AS_OF,
    dimension="loại hình tổ chức cơ sở đảng",
    records=RecordKind.ORGANIZATIONS,
)
def grassroots_by_sector(q: Query) -> Result:
    counts = dict(
        _grassroots(q).order_by().values_list("organization__sector__code").annotate(n=Count("id"))
    )
    rows = [
        Row(sector.code, sector.name, counts[sector.code])
        for sector in Sector.objects.all()
        if counts.get(sector.code)
    ]
    if counts.get(None):
        rows.append(Row(NO_SECTOR, "Chưa phân loại", counts[None]))
    return Result(rows, _sum_row(rows))


@grassroots_by_sector.records_of
def grassroots_by_sector_records(q: Query, key: str) -> QuerySet:
    positions = _grassroots(q)
    if key == NO_SECTOR:
        positions = positions.filter(organization__sector__isnull=True)
    elif key != TOTAL:
        positions = positions.filter(organization__sector__code=key)
    return organizations_at(q, positions)


# --------------------------------------------------------------------------


def _dependent_cells(q: Query) -> QuerySet[TreePosition]:
    parent_kind = TreePosition.objects.filter(valid_on(q.on), organization=OuterRef("parent_id"))
    return q.tree.filter(kind=OrgKind.DEPENDENT_CELL).annotate(
        parent_kind=Subquery(parent_kind.values("kind")[:1])
    )


@indicator(
    code="org.dependent_cells",
    title="Chi bộ trực thuộc",
    description=f"""Số chi bộ trực thuộc (chi bộ không phải chi bộ cơ sở), chia theo nơi trực
    thuộc vào ngày được hỏi: trực thuộc đảng ủy cơ sở, hoặc trực thuộc đảng bộ bộ phận.
    {TREE_NOTE}""",
    unit=Unit.ORGANIZATIONS,
    time=AS_OF,
    dimension="cấp trực thuộc",
    records=RecordKind.ORGANIZATIONS,
)
def dependent_cells(q: Query) -> Result:
    under_sub = Count("id", filter=_under_sub_filter())
    totals = _dependent_cells(q).order_by().aggregate(all=Count("id"), sub=under_sub)
    rows = [
        Row(UNDER_GRASSROOTS, "Trực thuộc đảng ủy cơ sở", totals["all"] - totals["sub"]),
        Row(UNDER_SUB, "Trực thuộc đảng bộ bộ phận", totals["sub"]),
    ]
    return Result(rows, _sum_row(rows))


def _under_sub_filter() -> Q:
    return Q(parent_kind=OrgKind.SUB_DANG_BO)


@dependent_cells.records_of
def dependent_cells_records(q: Query, key: str) -> QuerySet:
    positions = _dependent_cells(q)
    if key == UNDER_SUB:
        positions = positions.filter(_under_sub_filter())
    elif key == UNDER_GRASSROOTS:
        positions = positions.exclude(_under_sub_filter())
    return organizations_at(q, positions)


# --------------------------------------------------------------------------


@indicator(
    code="org.sub_committees",
    title="Đảng bộ bộ phận",
    description=f"""Số đảng bộ bộ phận (cấp giữa đảng ủy cơ sở và chi bộ trực thuộc, Điều lệ
    Đảng Điều 22) trong cây tổ chức vào ngày được hỏi. {TREE_NOTE}""",
    unit=Unit.ORGANIZATIONS,
    time=AS_OF,
    dimension="không phân tổ",
    records=RecordKind.ORGANIZATIONS,
)
def sub_committees(q: Query) -> Result:
    n = q.tree.filter(kind=OrgKind.SUB_DANG_BO).count()
    return Result([], Row(TOTAL, OrgKind.SUB_DANG_BO.label, n))


@sub_committees.records_of
def sub_committees_records(q: Query, key: str) -> QuerySet:
    return organizations_at(q, q.tree.filter(kind=OrgKind.SUB_DANG_BO))
