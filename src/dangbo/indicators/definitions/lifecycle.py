"""Indicators on the changes in the membership over a period: transfers, exemptions, endings.

Each figure counts the members (not voided) with an event of the kind in the
period (``period_start`` to ``on``, both included) that happened in the
subtree, the subtree being judged as it stood on the day of the event: where a
member goes, on the day of the event; where a member was (the organization of
the period that ends that day), on the day before. So a move between two
cells both inside the subtree is neither a transfer in nor out, and a
re-arrangement of the tree during the period does not turn a move into a
transfer. A member with two such events counts once; the drill-down lists
those members. The six figures read one shared source (``CHANGES``): one
statement for all of them, with the subtree's own positions read once per query.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)  # fmt: skip

from dangbo.members.lifecycle_rules import EXEMPTION_GROUNDS, STRIKING_GROUNDS
from dangbo.members.models import Member, MemberEvent, MemberState
from dangbo.organizations.models import TreePosition
from dangbo.organizations.selectors import path_range, paths_filter

from ..registry import PERIOD, TOTAL, Query, RecordKind, Result, Row, Source, Unit, indicator

Kind = MemberEvent.Kind
NONE = "none"
PLACE_NOTE = (
    "Tính các đảng viên (hồ sơ chưa hủy) có sự kiện trong kỳ, từ ngày đầu kỳ đến ngày cuối kỳ; "
    "tổ chức nơi xảy ra được xét theo cây tổ chức của chính ngày đó (nơi đến: ngày sự kiện; nơi "
    "đi: ngày liền trước). Một đảng viên có hai sự kiện cùng loại trong kỳ được tính một lần."
)

Span = tuple[str, dt.date, dt.date | None]


def _root_spans(q: Query) -> list[Span]:
    """Return the positions (path, from, until) the subtree's root held during the period (or the day before)."""
    return q.positions_held  # read once for every indicator of the query


def _inside(spans: list[Span], org_field: str, *, day_before: bool = False) -> Q:
    """Return the filter on events: the organization in ``org_field`` stood in the subtree.

    On the event's day, or with ``day_before`` on the day before it (where the
    member was until then): the organization's position and the root's both
    valid that day, the first under the second.
    """
    clause = Q(pk__in=[])
    for path, root_from, root_until in spans:
        positions = TreePosition.objects.filter(path_range(path), organization=OuterRef(org_field))
        if day_before:  # valid on d - 1: valid_from < d <= valid_until
            positions = positions.filter(valid_from__lt=OuterRef("happened_on")).filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("happened_on"))
            )
            days = Q(happened_on__gt=root_from)
            if root_until is not None:
                days &= Q(happened_on__lte=root_until)
        else:  # valid on d: valid_from <= d < valid_until
            positions = positions.filter(valid_from__lte=OuterRef("happened_on")).filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("happened_on"))
            )
            days = Q(happened_on__gte=root_from)
            if root_until is not None:
                days &= Q(happened_on__lt=root_until)
        clause |= days & Q(Exists(positions))
    return clause


def _orgs_then(q: Query, spans: list[Span]):
    """The organizations that stood in the subtree on some day of the period or the day before."""
    return (
        TreePosition.objects.filter(paths_filter([path for path, _, _ in spans]))
        .filter(valid_from__lte=q.on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=q.period_start))
        .values("organization_id")
    )


def _arriving(q: Query, spans: list[Span]) -> Q:
    """Necessary for "the destination stood in the subtree": start from the subtree's organizations."""
    return Q(organization_id__in=_orgs_then(q, spans))


def _leaving(q: Query, spans: list[Span]) -> Q:
    """Necessary for "the origin stood in the subtree": a state there ended in the period."""
    left = MemberState.objects.filter(
        organization_id__in=_orgs_then(q, spans),
        valid_until__gte=q.period_start,
        valid_until__lte=q.on,
    ).values("member_id")
    return Q(member_id__in=left)


def _events(q: Query, kinds) -> QuerySet[MemberEvent]:
    """Return the events of ``kinds`` in the period, with ``origin``: where the member was until then."""
    origin = (
        MemberState.objects.filter(member_id=OuterRef("member_id"), valid_until=OuterRef("happened_on"))
        .order_by("-valid_from")
        .values("organization_id")[:1]
    )  # fmt: skip
    return (
        MemberEvent.objects.filter(
            kind__in=kinds, happened_on__gte=q.period_start, happened_on__lte=q.on,
            voided_at__isnull=True, member__voided_at__isnull=True,
        )
        .annotate(origin=Subquery(origin))
        .order_by()
    )  # fmt: skip


def _members(events: QuerySet[MemberEvent]) -> QuerySet[Member]:
    return (
        Member.objects.filter(pk__in=events.values("member_id"))
        .select_related("organization__parent")
        .order_by("name_sort_key", "date_of_birth", "id")
    )


# --------------------------------------------------------------------------
# The shared source: the period's changes of the subtree, read once
# --------------------------------------------------------------------------

# The groups of the source and the kinds of event each reads.
CHANGE_KINDS = {
    "in": (Kind.TRANSFERRED_IN, Kind.MOVED),
    "out": (Kind.TRANSFERRED_OUT, Kind.MOVED),
    "exempted": (Kind.EXEMPTED,),
    "struck_off": (Kind.STRUCK_OFF,),
    "expelled": (Kind.EXPELLED,),
    "died": (Kind.DIED,),
}


def _change_key(group: str, kind: str, reason: str, dest_in: bool, origin_in: bool) -> str | None:
    """The row of ``group`` an event counts in (None: it does not count there)."""
    if group == "in":
        if (kind == Kind.TRANSFERRED_IN and dest_in) or (
            kind == Kind.MOVED and dest_in and not origin_in
        ):
            return kind
        return None
    if group == "out":
        if (kind == Kind.TRANSFERRED_OUT and origin_in) or (
            kind == Kind.MOVED and origin_in and not dest_in
        ):
            return kind
        return None
    return reason if kind in CHANGE_KINDS[group] and origin_in else None


def scan_changes(q: Query, groups: frozenset[str]) -> dict[str, dict]:
    """Return, for each group of ``groups``, {row key: set of members} and the members of its
    total (``TOTAL``), from ONE statement over the period's events of the kinds they read.

    Each event comes with two flags: its destination stood in the subtree on its day, its
    origin on the day before (the conditions the indicators below apply one by one when asked
    for their records). Only the events that can pass one of them are read: arriving at the
    subtree's organizations, or leaving a state there that ended in the period.
    """
    spans = _root_spans(q)
    kinds = sorted({k for g in groups for k in CHANGE_KINDS[g]})
    rows = []
    if spans:
        flag = {"output_field": BooleanField()}
        rows = list(
            _events(q, kinds)
            .filter(_arriving(q, spans) | _leaving(q, spans))
            .annotate(
                dest_in=ExpressionWrapper(_inside(spans, "organization_id"), **flag),
                origin_in=ExpressionWrapper(_inside(spans, "origin", day_before=True), **flag),
            )
            .values_list("member_id", "kind", "reason_code", "dest_in", "origin_in")
        )
    scanned: dict[str, dict] = {}
    for group in groups:
        found: dict[str, set[int]] = {}
        for member, kind, reason, dest_in, origin_in in rows:
            key = _change_key(group, kind, reason, bool(dest_in), bool(origin_in))
            if key is None:
                continue
            found.setdefault(key, set()).add(member)
            found.setdefault(TOTAL, set()).add(member)
        scanned[group] = found
    return scanned


CHANGES = Source(
    "changes", scan_changes, frozenset(CHANGE_KINDS),
    label="các sự kiện chuyển sinh hoạt, miễn, xóa tên, khai trừ, từ trần trong kỳ của cây tổ "
    "chức (một lượt đọc chung)",
)  # fmt: skip


def _count(found: dict[str, set[int]], key: str) -> int:
    return len(found.get(key, ()))


# --------------------------------------------------------------------------
# Transfers in and out
# --------------------------------------------------------------------------

DIRECTION_ROWS = {
    "in": [
        (Kind.TRANSFERRED_IN, "Từ tổ chức đảng ngoài hệ thống"),
        (Kind.MOVED, "Từ chi bộ khác trong hệ thống"),
    ],
    "out": [
        (Kind.TRANSFERRED_OUT, "Đến tổ chức đảng ngoài hệ thống"),
        (Kind.MOVED, "Đến chi bộ khác trong hệ thống"),
    ],
}


def _transfers(q: Query, direction: str, key: str = TOTAL) -> QuerySet[MemberEvent]:
    spans = _root_spans(q)
    dest, origin = _inside(spans, "organization_id"), _inside(spans, "origin", day_before=True)
    if direction == "in":
        outside_kind = Q(kind=Kind.TRANSFERRED_IN) & dest
        moved = Q(kind=Kind.MOVED) & dest & ~origin
    else:
        outside_kind = Q(kind=Kind.TRANSFERRED_OUT) & origin
        moved = Q(kind=Kind.MOVED) & origin & ~dest
    kinds = [Kind.TRANSFERRED_IN if direction == "in" else Kind.TRANSFERRED_OUT, Kind.MOVED]
    # Every transfer in arrives in the subtree, every transfer out leaves it.
    events = _events(q, kinds).filter(
        _arriving(q, spans) if direction == "in" else _leaving(q, spans)
    )
    if key == Kind.MOVED:
        return events.filter(moved)
    if key != TOTAL:
        return events.filter(outside_kind)
    return events.filter(outside_kind | moved)


def _transfer_result(found: dict[str, set[int]], direction: str, total_label: str) -> Result:
    rows = [Row(kind, label, _count(found, kind)) for kind, label in DIRECTION_ROWS[direction]]
    return Result(rows, Row(TOTAL, total_label, _count(found, TOTAL)))


@indicator(
    code="members.transfers_in",
    title="Đảng viên chuyển sinh hoạt đến",
    description=f"""Số đảng viên chuyển sinh hoạt đảng đến các chi bộ trong cây tổ chức trong kỳ:
    từ tổ chức đảng ngoài hệ thống (sự kiện «Chuyển sinh hoạt đến») và từ chi bộ ngoài cây nhưng
    trong hệ thống (sự kiện «Chuyển sinh hoạt nội bộ» mà nơi đi ở ngoài cây). Chuyển giữa hai chi
    bộ cùng trong cây không tính; sinh hoạt đảng tạm thời không tính (đảng viên vẫn thuộc đảng số
    nơi sinh hoạt chính thức). {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="nơi đi",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("in"),
)
def transfers_in(q: Query, scanned: dict) -> Result:
    return _transfer_result(scanned["in"], "in", "Tổng số chuyển đến")


@transfers_in.records_of
def transfers_in_records(q: Query, key: str) -> QuerySet:
    return _members(_transfers(q, "in", key))


@indicator(
    code="members.transfers_out",
    title="Đảng viên chuyển sinh hoạt đi",
    description=f"""Số đảng viên chuyển sinh hoạt đảng đi khỏi cây tổ chức trong kỳ: ra tổ chức
    đảng ngoài hệ thống (sự kiện «Chuyển sinh hoạt đi», ghi vào ngày giới thiệu) và đến chi bộ
    ngoài cây trong hệ thống (sự kiện «Chuyển sinh hoạt nội bộ», ghi vào ngày nơi đến tiếp nhận).
    Chuyển giữa hai chi bộ cùng trong cây không tính. {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="nơi đến",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("out"),
)
def transfers_out(q: Query, scanned: dict) -> Result:
    return _transfer_result(scanned["out"], "out", "Tổng số chuyển đi")


@transfers_out.records_of
def transfers_out_records(q: Query, key: str) -> QuerySet:
    return _members(_transfers(q, "out", key))


# --------------------------------------------------------------------------
# Exemptions, striking off, expulsion, death: where the member was that day
# --------------------------------------------------------------------------


def _happened_here(q: Query, kind: str) -> QuerySet[MemberEvent]:
    spans = _root_spans(q)
    return _events(q, [kind]).filter(_leaving(q, spans), _inside(spans, "origin", day_before=True))


def _reason_result(found: dict[str, set[int]], codes, total_label: str) -> Result:
    labels = dict(MemberEvent.Reason.choices)
    rows = [Row(code, labels[code], _count(found, code)) for code in codes]
    if found.get(""):
        rows.append(Row(NONE, "Chưa ghi lý do, căn cứ", _count(found, "")))
    return Result(rows, Row(TOTAL, total_label, _count(found, TOTAL)))


def _reason_records(q: Query, kind: str, key: str) -> QuerySet:
    events = _happened_here(q, kind)
    if key != TOTAL:
        events = events.filter(reason_code="" if key == NONE else key)
    return _members(events)


@indicator(
    code="members.exemptions",
    title="Đảng viên được miễn công tác và sinh hoạt đảng trong kỳ",
    description=f"""Số đảng viên được chi bộ quyết định miễn công tác và sinh hoạt đảng trong kỳ
    (sự kiện «Miễn công tác và sinh hoạt đảng»), theo căn cứ: tuổi cao, sức khỏe yếu (Điều lệ Đảng
    Điều 7; Hướng dẫn 27-HD/BTCTW); sự kiện ghi trước khi có căn cứ ở dòng «Chưa ghi lý do, căn
    cứ». {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="căn cứ miễn",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("exempted"),
)
def exemptions(q: Query, scanned: dict) -> Result:
    return _reason_result(scanned["exempted"], EXEMPTION_GROUNDS, "Tổng số được miễn")


@exemptions.records_of
def exemptions_records(q: Query, key: str) -> QuerySet:
    return _reason_records(q, Kind.EXEMPTED, key)


@indicator(
    code="members.struck_off",
    title="Đảng viên bị xóa tên, theo lý do",
    description=f"""Số đảng viên bị xóa tên trong danh sách đảng viên trong kỳ (sự kiện «Xóa
    tên», theo ngày hiệu lực của quyết định), theo lý do: các trường hợp của Quy định thi hành
    Điều lệ Đảng mục 8.1, đảng viên dự bị không được công nhận chính thức (Điều lệ Đảng Điều 5),
    xin ra khỏi Đảng được chấp thuận (Điều lệ Đảng Điều 8); quyết định ghi trước khi có lý do ở
    dòng «Chưa ghi lý do, căn cứ». {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="lý do xóa tên",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("struck_off"),
)
def struck_off(q: Query, scanned: dict) -> Result:
    return _reason_result(scanned["struck_off"], STRIKING_GROUNDS, "Tổng số bị xóa tên")


@struck_off.records_of
def struck_off_records(q: Query, key: str) -> QuerySet:
    return _reason_records(q, Kind.STRUCK_OFF, key)


def _single(found: dict[str, set[int]], label: str) -> Result:
    return Result([], Row(TOTAL, label, _count(found, TOTAL)))


@indicator(
    code="members.expelled",
    title="Đảng viên bị khai trừ",
    description=f"""Số đảng viên bị kỷ luật khai trừ khỏi Đảng trong kỳ (sự kiện «Khai trừ», theo
    ngày hiệu lực của quyết định kỷ luật). {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="không phân tổ",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("expelled"),
)
def expelled(q: Query, scanned: dict) -> Result:
    return _single(scanned["expelled"], "Tổng số bị khai trừ")


@expelled.records_of
def expelled_records(q: Query, key: str) -> QuerySet:
    return _members(_happened_here(q, Kind.EXPELLED))


@indicator(
    code="members.deaths",
    title="Đảng viên từ trần",
    description=f"""Số đảng viên từ trần trong kỳ (sự kiện «Từ trần»), tính ở tổ chức đảng viên
    đang sinh hoạt khi từ trần. {PLACE_NOTE}""",
    unit=Unit.MEMBERS,
    time=PERIOD,
    dimension="không phân tổ",
    records=RecordKind.MEMBERS,
    reads=CHANGES.reading("died"),
)
def deaths(q: Query, scanned: dict) -> Result:
    return _single(scanned["died"], "Tổng số từ trần")


@deaths.records_of
def deaths_records(q: Query, key: str) -> QuerySet:
    return _members(_happened_here(q, Kind.DIED))
