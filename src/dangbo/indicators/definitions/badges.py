"""Indicators on Party badges (Huy hiệu Đảng): awarded in a period, due at the next occasion.

Badges awarded are counted from the award records (``awards.BadgeAward``):
one aggregate query. Badges due need each candidate's party age with its
gaps, so they go through the awards app's due list, which narrows the
members in SQL first and computes the few left.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from dangbo.awards import rules as badge_rules
from dangbo.awards.models import BadgeAward, Milestone
from dangbo.awards.selectors import DueList, due_among
from dangbo.members.models import Member

from ..registry import AS_OF, PERIOD, TOTAL, Query, RecordKind, Result, Row, Unit, indicator
from .members import membership

MILESTONE_NOTE = (
    "Các mốc 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90 năm tuổi Đảng (Hướng dẫn 01-HD/TW "
    "ngày 28/09/2021, mục 18)."
)


def _milestone_rows(counts: dict[int, int]) -> list[Row]:
    return [Row(str(m.value), m.label, counts.get(m.value, 0)) for m in Milestone]


def _members(ids) -> QuerySet[Member]:
    return (
        Member.objects.filter(pk__in=ids)
        .select_related("organization__parent")
        .order_by("name_sort_key", "date_of_birth", "id")
    )


# --------------------------------------------------------------------------


def awarded_in_period(q: Query) -> QuerySet[BadgeAward]:
    """Return the badges (first awards, not voided) decided in the period, in the subtree then."""
    return BadgeAward.objects.filter(
        decision_signed_on__gte=q.period_start,
        decision_signed_on__lte=q.on,
        voided_at__isnull=True,
        reissue_of__isnull=True,
        organization_id__in=q.org_ids,
    ).order_by()


@indicator(
    code="awards.badges_awarded",
    title="Đảng viên được tặng Huy hiệu Đảng, theo mốc",
    description=f"""Số đảng viên được tặng Huy hiệu Đảng theo quyết định ký trong kỳ (kể cả truy
    tặng, xét tặng sớm; không tính cấp lại và bản ghi đã hủy), theo mốc tuổi Đảng; đảng viên thuộc
    chi bộ nằm trong cây tổ chức vào ngày cuối kỳ (chi bộ lúc được tặng). {MILESTONE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="mốc tuổi Đảng",
    records=RecordKind.MEMBERS,
)
def badges_awarded(q: Query) -> Result:
    awards = awarded_in_period(q)
    counts = dict(awards.values_list("milestone").annotate(n=Count("member_id", distinct=True)))
    total = awards.aggregate(n=Count("member_id", distinct=True))["n"]
    return Result(_milestone_rows(counts), Row(TOTAL, "Tổng số", total))


@badges_awarded.records_of
def badges_awarded_records(q: Query, key: str) -> QuerySet:
    awards = awarded_in_period(q)
    if key != TOTAL:
        awards = awards.filter(milestone=int(key))
    return _members(awards.values("member_id"))


# --------------------------------------------------------------------------


def due_next_occasion(q: Query) -> DueList:
    """Return the members of the membership on ``q.on`` due at the first occasion on or after it."""
    occasions = badge_rules.award_occasions(q.on, 1)
    if not occasions:
        return DueList([], None)
    return due_among(
        membership(q), occasions, org=q.org, include_early=False, include_posthumous=False,
        awards_until=q.on,
    )  # fmt: skip


@indicator(
    code="awards.badges_due",
    title="Đảng viên đến hạn xét tặng Huy hiệu Đảng ở đợt tới, theo mốc",
    description=f"""Số đảng viên trong đảng số vào ngày được hỏi có tuổi Đảng (tính từ ngày quyết
    định kết nạp, trừ thời gian bị xóa tên, khai trừ) đủ một mốc vào đợt trao tặng gần nhất kể từ
    ngày đó (3/2, 19/5, 2/9, 7/11) mà chưa được tặng Huy hiệu mốc đó hay mốc cao hơn (quyết định
    ký đến ngày được hỏi); kể cả người đã đủ mốc từ trước mà chưa được ghi nhận; không tính xét
    tặng sớm và truy tặng. {MILESTONE_NOTE}""",
    unit=Unit.MEMBERS,
    time=AS_OF,
    dimension="mốc tuổi Đảng",
    records=RecordKind.MEMBERS,
)
def badges_due(q: Query) -> Result:
    due = due_next_occasion(q)  # counted without building a row per member
    total = len(due.member_ids())
    return Result(_milestone_rows(due.milestone_counts()), Row(TOTAL, "Tổng số", total))


@badges_due.records_of
def badges_due_records(q: Query, key: str) -> QuerySet:
    due = due_next_occasion(q)
    if key == TOTAL:
        return _members(due.member_ids())
    return _members(due.member_ids(int(key)) if key.isdigit() else set())
