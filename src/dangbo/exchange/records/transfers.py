"""The transfers of party activity (chuyển sinh hoạt đảng), official and temporary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dangbo.core.formatting import fmt_date
from dangbo.members.models import MemberEvent, Transfer
from dangbo.organizations.models import Organization

from ..spec import Col, SheetSpec
from .base import MEMBER, ORGANIZATION, RecordSheet, Ref
from .columns import columns_of, voided_columns

# The member event a transfer writes, by its direction.
EVENT_KINDS = (
    MemberEvent.Kind.TRANSFERRED_OUT, MemberEvent.Kind.MOVED, MemberEvent.Kind.TRANSFERRED_IN,
)  # fmt: skip


def _event_row(transfer: Transfer) -> Mapping[str, Any]:
    return {"event_on": transfer.event.happened_on if transfer.event_id else None}


def _link_event(transfer: Transfer, values: Mapping[str, Any]) -> None:
    """Point the transfer at the event it wrote: the member's transfer event of that day."""
    on = values.get("event_on")
    if on is None:
        return
    transfer.event_id = (
        MemberEvent.objects.filter(
            member_id=transfer.member_id, kind__in=EVENT_KINDS, happened_on=on
        )
        .order_by("voided_at", "id")
        .values_list("pk", flat=True)
        .first()
    )


def _checks(values: Mapping[str, Any]):
    if not values.get("from_organization") and not values.get("to_organization"):
        yield "from_organization", "Cần ít nhất một trong hai: chi bộ nơi đi hoặc chi bộ nơi đến."
    for later, earlier, what in (
        ("received_on", "letter_on", "Ngày nơi đến tiếp nhận"),
        ("planned_until", "planned_from", "Ngày dự kiến trở về"),
        ("returned_on", "planned_from", "Ngày trở về"),
    ):
        a, b = values.get(later), values.get(earlier)
        if a is not None and b is not None and a < b:
            yield later, f"{what} ({fmt_date(a)}) không thể trước ngày {fmt_date(b)}."


TRANSFERS = RecordSheet(
    spec=SheetSpec(
        key="transfers",
        title="Chuyển sinh hoạt",
        description=(
            "Các lần chuyển sinh hoạt đảng chính thức và tạm thời của đảng viên trong tệp: nơi đi, "
            "nơi đến, giấy giới thiệu, ngày tiếp nhận, ngày trở về, tình trạng. Sự kiện đảng viên "
            "mà việc chuyển đã ghi (chuyển đi, chuyển nội bộ, chuyển đến) nằm ở sheet «Sự kiện "
            "đảng viên»; cột «Ngày hiệu lực sự kiện đã ghi» nối hai dòng."
        ),
        natural_key=(
            "Mã hồ sơ + Mã hình thức + Mã chiều chuyển + Mã chi bộ nơi đi + Mã chi bộ nơi đến "
            "(+ thứ tự xuất hiện khi trùng)"
        ),
        order="theo mã hồ sơ, hình thức, chiều chuyển, nơi đi, nơi đến, rồi thứ tự ghi nhận",
        columns=(
            Col("member", "Mã hồ sơ (UID)", "uuid", required=True, width=38),
            *columns_of(Transfer, "kind", "direction"),
            Col("from_organization", "Mã chi bộ nơi đi", "code", field=(Organization, "code")),
            Col("to_organization", "Mã chi bộ nơi đến", "code", field=(Organization, "code")),
            *columns_of(
                Transfer,
                "other_party",
                "reason",
                "status",
                "triggered_on",
                "start_late_explanation",
                "letter_number",
                "letter_on",
                "letter_issuer",
                "received_on",
                "late_explanation",
                "planned_from",
                "planned_until",
                "returned_on",
                "special_case_ground",
                "cancelled_on",
                "cancel_reason",
                "note",
                "member_created",
            ),
            Col(
                "event_on",
                "Ngày hiệu lực sự kiện đã ghi",
                "date",
                help="Sự kiện chuyển đi, chuyển nội bộ hoặc chuyển đến của đảng viên mà việc "
                "chuyển đã ghi (ở sheet «Sự kiện đảng viên»).",
            ),
            *voided_columns(Transfer),
        ),
    ),
    model=Transfer,
    key=("member", "kind", "direction", "from_organization", "to_organization"),
    owners=("member",),
    refs=(
        Ref("member", "member", MEMBER),
        Ref("from_organization", "from_organization", ORGANIZATION),
        Ref("to_organization", "to_organization", ORGANIZATION),
    ),
    noun="Việc chuyển sinh hoạt",
    checks=(_checks,),
    extra_row=_event_row,
    complete=_link_event,
    select_related=("event",),
    not_carried=("event",),  # as "event_on", the day of the member event it names
    choice_lists=(
        ("Mã hình thức (chuyển sinh hoạt)", Transfer.Kind),
        ("Mã chiều chuyển", Transfer.Direction),
        ("Mã lý do chuyển", Transfer.Reason),
        ("Mã tình trạng (chuyển sinh hoạt)", Transfer.Status),
    ),
)

SHEETS: tuple[RecordSheet, ...] = (TRANSFERS,)
