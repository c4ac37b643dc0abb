"""Party badges awarded (Huy hiệu Đảng), reissues and returns included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dangbo.awards.models import BadgeAward, Milestone
from dangbo.organizations.models import Organization

from ..spec import Col, SheetSpec
from .base import MEMBER, ORGANIZATION, RecordSheet, Ref
from .columns import columns_of, voided_columns


def _checks(values: Mapping[str, Any]):
    if values.get("early") and values.get("posthumous"):
        yield "early", "Một Huy hiệu không thể vừa xét tặng sớm vừa truy tặng."
    ceremony, signed = values.get("ceremony_on"), values.get("decision_signed_on")
    if ceremony is not None and signed is not None and ceremony < signed:
        yield "ceremony_on", "Ngày trao không thể trước ngày ký quyết định."


BADGE_AWARDS = RecordSheet(
    spec=SheetSpec(
        key="badge_awards",
        title="Huy hiệu Đảng",
        description=(
            "Huy hiệu Đảng đã tặng đảng viên trong tệp, mỗi quyết định một dòng. Huy hiệu cấp lại "
            "(«Cấp lại»: Có) là dòng riêng, gắn với Huy hiệu đã tặng cùng đảng viên và cùng mốc "
            "tuổi Đảng; Huy hiệu nộp lại giữ dòng của mình với ngày nộp lại."
        ),
        natural_key=(
            "Mã hồ sơ + Mốc tuổi Đảng + Cấp lại + Ngày ký quyết định + Số quyết định "
            "(+ thứ tự xuất hiện khi trùng)"
        ),
        order="theo mã hồ sơ, mốc tuổi Đảng, cấp lại, ngày ký và số quyết định",
        columns=(
            Col("member", "Mã hồ sơ (UID)", "uuid", required=True, width=38),
            *columns_of(BadgeAward, "milestone"),
            Col(
                "reissue",
                "Cấp lại",
                "bool",
                default=False,
                help="Có: cấp lại cho Huy hiệu đã tặng cùng đảng viên, cùng mốc tuổi Đảng.",
            ),
            Col("organization", "Mã tổ chức khi được tặng", "code", field=(Organization, "code")),
            *columns_of(
                BadgeAward,
                "occasion_on",
                "decision_number",
                "decision_signed_on",
                "decided_by",
                "badge_number",
                "ceremony_on",
                "early",
                "posthumous",
                "gift_amount",
                "returned_on",
                "note",
            ),
            *voided_columns(BadgeAward),
        ),
    ),
    model=BadgeAward,
    key=("member", "milestone", "reissue", "decision_signed_on", "decision_number"),
    owners=("member",),
    refs=(
        Ref("member", "member", MEMBER),
        Ref("organization", "organization", ORGANIZATION),
        # A reissue names the original award: the same member and milestone, not a reissue.
        Ref("reissue", "reissue_of", "badge_awards", columns=("member", "milestone")),
    ),
    noun="Huy hiệu Đảng",
    ref_key=("member", "milestone"),
    referable=lambda values: not values.get("reissue"),
    checks=(_checks,),
    choice_lists=(("Mốc tuổi Đảng", Milestone),),
)

SHEETS: tuple[RecordSheet, ...] = (BADGE_AWARDS,)
