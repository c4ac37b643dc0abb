"""The indicators API: the registry and the values for an organization's subtree."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja import Query as QueryParams

from dangbo.accounts.access import org_for
from dangbo.accounts.permissions import Capability
from dangbo.core.api import InputSchema, OrgCode, responses, text
from dangbo.core.errors import DomainError

from . import registry, selectors

router = Router(tags=["Chỉ tiêu"])


class IndicatorOut(Schema):
    code: str
    title: str
    description: str
    unit: str
    time: str
    dimension: str
    records: str
    numerator_label: str = Field(
        "", description="Tên tử số của một tỷ lệ (đơn vị %), rỗng với chỉ tiêu đếm."
    )
    denominator_label: str = Field(
        "", description="Tên mẫu số của một tỷ lệ (đơn vị %), rỗng với chỉ tiêu đếm."
    )


class RowOut(Schema):
    key: str
    label: str
    value: int | float | None
    display: str
    numerator: int | None = None
    denominator: int | None = None
    drilldown: str


class FigureOut(Schema):
    code: str
    title: str
    unit: str
    numerator_label: str = ""
    denominator_label: str = ""
    dimension: str
    on: dt.date
    start: dt.date | None = None
    rows: list[RowOut]
    total: RowOut | None = None


class OrgRefOut(Schema):
    code: str
    name: str


class FiguresOut(Schema):
    organization: OrgRefOut
    on: dt.date
    indicators: list[FigureOut]


class FiguresIn(InputSchema):
    on: dt.date | None = None
    start: dt.date | None = None
    code: list[text(80)] | None = None


@router.get("/indicators", response=responses(list[IndicatorOut]), summary="Danh mục chỉ tiêu")
def list_indicators(request):
    """Every registered indicator: code, title, how it is computed, unit, time argument, breakdown."""
    return [_indicator_out(i) for i in registry.all_indicators()]


def _indicator_out(i: registry.Indicator) -> dict:
    return {
        "code": i.code, "title": i.title, "description": i.description, "unit": i.unit.value,
        "time": i.time.value, "dimension": i.dimension, "records": i.records.value,
        "numerator_label": i.numerator_label, "denominator_label": i.denominator_label,
    }  # fmt: skip


@router.get("/o/{code}/indicators", response=responses(FiguresOut), summary="Giá trị các chỉ tiêu")
def org_indicators(request, code: OrgCode, params: QueryParams[FiguresIn]):
    """The values of the indicators (all, or those named by ``code``) for the subtree on ``on``.

    ``on`` is the as-of date (today by default); ``start`` the first day of the
    period for period indicators (1 January of ``on``'s year by default).
    Each row carries ``drilldown``, the page listing the records behind it.
    """
    org = org_for(request, code, Capability.VIEW_INDICATORS)
    on = params.on or timezone.localdate()
    try:
        figures = selectors.figures(org, on=on, start=params.start, codes=params.code or None)
    except registry.UnknownIndicator as exc:
        raise DomainError({"code": f"Không có chỉ tiêu «{exc.args[0]}»."}) from None
    return {
        "organization": {"code": org.code, "name": org.name},
        "on": on,
        "indicators": [f.as_dict() for f in figures],
    }
