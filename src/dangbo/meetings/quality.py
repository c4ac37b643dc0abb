"""The meetings' checks in the data-quality report (``dangbo.quality.contrib``).

What a meeting's record says that the rules do not allow, for the cells of a subtree, over the
meetings held from the first day of last year to the day asked (older records stay on the cells'
pages): two regular meetings in one month (Điều lệ Đ24 k2), a meeting shorter than the guidance
in force asks (90 minutes from HD 12 of 2018, 120 for a combined one from HD 42 of 2025),
documents sent less than one day ahead (HD 42), a level that does not follow from the score
under the meeting's rubric. Each finding links to the meeting. Four queries for any subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from dangbo.accounts.permissions import Capability
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range
from dangbo.quality.contrib import Contributed, Contribution, register
from dangbo.quality.rules import WARNING

from . import rules
from .models import Meeting, MeetingKind, Rubric, RubricLevel

REGULAR_TWICE = "meetings_regular_twice"
TOO_SHORT = "meetings_too_short"
DOCUMENTS_LATE = "meetings_documents_late"
SCORE_LEVEL = "meetings_score_level"
CHECKS = {
    REGULAR_TWICE: "Hai buổi sinh hoạt thường kỳ trong một tháng",
    TOO_SHORT: "Buổi sinh hoạt ngắn hơn thời gian tối thiểu",
    DOCUMENTS_LATE: "Tài liệu sinh hoạt gửi chưa đủ 1 ngày trước",
    SCORE_LEVEL: "Xếp loại sinh hoạt không khớp với điểm",
}
FIELD_LABELS = {
    "kind": "Loại sinh hoạt",
    "end_time": "Giờ kết thúc",
    "documents_sent_at": "Thời điểm gửi tài liệu",
    "self_level": "Chi bộ tự xếp loại",
    "confirmed_level": "Cấp trên xác nhận xếp loại",
}
_MARK_CODE = "__cell_code__"
_MARK_PK = 9_876_543_210


def window_start(today: dt.date) -> dt.date:
    """The first meeting the report judges: held on or after the first day of last year."""
    return dt.date(today.year - 1, 1, 1)


def findings_under(org: Organization, today: dt.date) -> list[Contributed]:
    """The meetings' findings of the subtree at ``org`` (held from ``window_start`` to ``today``)."""
    rows = list(
        Meeting.objects.filter(
            path_range(org.path, "organization__path"), voided_at__isnull=True,
            held_on__gte=window_start(today), held_on__lte=today,
        )
        .order_by("held_on", "id")
        .values_list(
            "pk", "organization_id", "organization__code", "kind", "held_on", "start_time",
            "end_time", "documents_sent_at", "rubric_id", "self_score", "self_level",
            "confirmed_score", "confirmed_level",
        )
    )  # fmt: skip
    rubric_ids = {r[8] for r in rows if r[8] is not None}
    bands: dict[int, list[rules.Band]] = defaultdict(list)
    for rubric_id, level, low, below, must in RubricLevel.objects.filter(
        rubric_id__in=rubric_ids
    ).values_list("rubric_id", "level", "min_points", "below_points", "requires_must_pass"):
        bands[rubric_id].append(rules.Band(level, low, below, must))
    sources = dict(Rubric.objects.filter(pk__in=rubric_ids).values_list("pk", "source"))
    regular: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for pk, org_id, _code, kind, held_on, *_ in rows:
        if kind in rules.REGULAR_KINDS:
            regular[(org_id, held_on.year, held_on.month)].append(pk)
    twice = {pk for pks in regular.values() if len(pks) > 1 for pk in pks}
    url_of = reverse("meeting-detail", kwargs={"code": _MARK_CODE, "meeting": _MARK_PK})
    kinds = dict(MeetingKind.choices)
    found: list[Contributed] = []
    for (pk, org_id, code, kind, held_on, start, end, sent, rubric_id, self_score, self_level,
         confirmed_score, confirmed_level) in rows:  # fmt: skip
        label = f"Sinh hoạt {kinds[kind].lower()} ngày {fmt_date(held_on)}"
        url = url_of.replace(_MARK_CODE, code).replace(str(_MARK_PK), str(pk))

        def add(check, field, finding, severity=WARNING, pk=pk, org_id=org_id, label=label,
                url=url, held_on=held_on):  # fmt: skip
            found.append(Contributed(check, pk, label, org_id, field, finding.text, url,
                                     severity, (held_on.toordinal(), pk)))  # fmt: skip

        if pk in twice:
            for f in rules.regular_meeting_findings(
                held_on.year, held_on.month,
                [MeetingKind.REGULAR] * len(regular[(org_id, held_on.year, held_on.month)]),
            ):  # fmt: skip
                add(REGULAR_TWICE, "kind", f)
        for f in rules.duration_findings(kind, held_on, start, end):
            add(TOO_SHORT, "end_time", f)
        if kind != MeetingKind.EXTRAORDINARY:
            local = timezone.localtime(sent) if sent is not None else None
            for f in rules.documents_lead_findings(held_on, start, local):
                add(DOCUMENTS_LATE, "documents_sent_at", f)
        if rubric_id is not None:
            citation = sources.get(rubric_id, "biểu chấm điểm của cấp ủy")
            for f in rules.score_level_findings(self_score, self_level, bands[rubric_id],
                                                citation, whose="chi bộ tự chấm"):  # fmt: skip
                add(SCORE_LEVEL, "self_level", f, "error")
            for f in rules.score_level_findings(confirmed_score, confirmed_level,
                                                bands[rubric_id], citation,
                                                whose="cấp trên xác nhận"):  # fmt: skip
                add(SCORE_LEVEL, "confirmed_level", f, "error")
    return found


CONTRIBUTION = Contribution(
    name="meetings", checks=CHECKS, record_type="meeting", record_type_label="Buổi sinh hoạt",
    capability=Capability.VIEW_MEETINGS, find=findings_under, field_labels=FIELD_LABELS,
)  # fmt: skip


def connect() -> None:
    register(CONTRIBUTION)
