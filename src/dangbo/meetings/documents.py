"""The minutes of a cell meeting (biên bản sinh hoạt chi bộ) and the month's score sheet of a
committee's cells, as DOCX in the Party's document format (HD 36-HD/VPTW, rules.md §9).

The minutes are the cell's (T/M CHI BỘ, signed by the chair, the minute-taker named below);
the score sheet is the committee's, one paragraph per cell with the self-score, the confirmed
score and the level, then the count of cells at each level. Their wording follows the usual
model of these documents; no central form was seen (UNCONFIRMED).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.http import HttpResponse
from django.utils import timezone

from dangbo.core.documents import Para, PartyDocument, docx_response, render_docx
from dangbo.core.formatting import fmt_date, fmt_decimal, fmt_int
from dangbo.documents import issuers
from dangbo.documents.rules import DocType, IssuingBody
from dangbo.members.selectors import secretary_name
from dangbo.organizations.models import Organization

from . import rules, selectors
from .models import AttendanceStatus, Level, Meeting, MeetingKind


def _score(value, level: str) -> str:
    text = f"{fmt_decimal(value)} điểm" if value is not None else "không chấm điểm"
    return f"{text}, xếp loại {Level(level).label}" if level else text


def minutes_document(meeting: Meeting) -> PartyDocument:
    """Return the minutes of ``meeting`` from what was recorded."""
    cell = meeting.organization
    block = issuers.block_for(cell, IssuingBody.CELL)
    attendance = list(meeting.attendances.select_related("member"))
    count = rules.attendance_count(a.status for a in attendance)
    kind = meeting.get_kind_display().lower()
    month = f"tháng {meeting.held_on:%m/%Y}"
    when = f"ngày {fmt_date(meeting.held_on)}"
    if meeting.start_time:
        when = f"{meeting.start_time:%H} giờ {meeting.start_time:%M} phút, {when}"
    body: list[Para | str] = [
        Para(f"Thời gian: {when}.", indent=False),
        Para(f"Địa điểm: {meeting.place or '………'}.", indent=False),
        Para(f"Chủ trì: đồng chí {meeting.chair.full_name if meeting.chair else '………'}; thư ký: "
             f"đồng chí {meeting.minute_taker.full_name if meeting.minute_taker else '………'}.",
             indent=False),
    ]  # fmt: skip
    if meeting.level_only:
        body.append(Para(
            f"Đảng viên phải dự: {fmt_int(meeting.counted_count)}; có mặt: "
            f"{fmt_int(meeting.present_count)}.", indent=False,
        ))  # fmt: skip
    else:
        absent = [a for a in attendance if a.status != AttendanceStatus.PRESENT]
        body.append(Para(
            f"Tổng số đảng viên của chi bộ: {fmt_int(len(attendance))}; phải dự: "
            f"{fmt_int(count.counted)}; có mặt: {fmt_int(count.present)}; vắng có lý do: "
            f"{fmt_int(count.excused)}; vắng không lý do: {fmt_int(count.unexcused)}.",
            indent=False,
        ))  # fmt: skip
        for a in absent:
            reason = f" ({a.reason})" if a.reason else ""
            body.append(Para(f"- {a.member.full_name}: {a.get_status_display()}{reason}.",
                             indent=False))  # fmt: skip
    if meeting.upper_attendee or meeting.visit:
        who = meeting.upper_attendee.full_name if meeting.upper_attendee else ""
        body.append(Para(f"Cấp trên dự: {who or meeting.visit}.", indent=False))
    if meeting.guests:
        body.append(Para(f"Khách mời: {meeting.guests}.", indent=False))
    body.append(Para("NỘI DUNG", bold=True, align="center", indent=False))
    if meeting.topic:
        body.append(Para(f"Chuyên đề: {meeting.topic}."))
    body += [Para(f"{i}. {item}") for i, item in enumerate(meeting.content_items, 1)] or [
        Para("(Chưa ghi nội dung.)")
    ]
    body.append(Para("KẾT LUẬN, NGHỊ QUYẾT", bold=True, align="center", indent=False))
    if meeting.resolution_number:
        body.append(Para(f"Nghị quyết số {meeting.resolution_number}."))
    body.append(Para(meeting.conclusions or "(Chưa ghi kết luận.)"))
    body.append(Para(
        f"Chi bộ tự chấm: {_score(meeting.self_score, meeting.self_level)}."
        + (f" Cấp trên xác nhận: {_score(meeting.confirmed_score, meeting.confirmed_level)}."
           if meeting.confirmed_level else "")
    ))  # fmt: skip
    if meeting.end_time:
        body.append(Para(f"Buổi sinh hoạt kết thúc lúc {meeting.end_time:%H} giờ "
                         f"{meeting.end_time:%M} phút cùng ngày."))  # fmt: skip
    body.append(Para(f"Thư ký: {meeting.minute_taker.full_name if meeting.minute_taker else '………'}",
                     align="right", indent=False))  # fmt: skip
    return PartyDocument(
        superior_body=block.superior, issuing_body=block.issuing, number="",
        place=issuers.place_for(cell, meeting.held_on), signed_on=meeting.held_on,
        doc_type="BIÊN BẢN", summary=f"sinh hoạt chi bộ {kind} {month}", body=body,
        authority="", signer_title="CHỦ TRÌ",
        signer_name=meeting.chair.full_name if meeting.chair else "",
        recipients=["Lưu sổ biên bản của chi bộ."],
        title=f"Biên bản sinh hoạt chi bộ — {cell.name} — {fmt_date(meeting.held_on)}",
    )  # fmt: skip


def score_sheet_document(org: Organization, year: int, month: int) -> PartyDocument:
    """Return the score sheet of ``org``'s cells for the month: each cell's regular meeting."""
    first, last = dt.date(year, month, 1), rules.month_end(year, month)
    meetings = {
        m.organization_id: m
        for m in selectors.meetings_in(org, first, last).order_by("held_on", "id")
        if m.kind != MeetingKind.EXTRAORDINARY
    }
    body: list[Para | str] = []
    tally: Counter = Counter()
    for i, cell in enumerate(selectors.cells_under(org, first, last), 1):
        m = meetings.get(cell.pk)
        if m is None:
            line, key = "chưa sinh hoạt", "missing"
        else:
            line = f"sinh hoạt ngày {fmt_date(m.held_on)}; tự chấm {_score(m.self_score, m.self_level)}"
            if m.confirmed_level:
                line += f"; cấp trên xác nhận {_score(m.confirmed_score, m.confirmed_level)}"
                if m.adjustment_reason:
                    line += f" (lý do: {m.adjustment_reason})"
            key = m.level or "unscored"
        tally[key] += 1
        body.append(Para(f"{i}. {cell.name}: {line}.", indent=False))
    if not body:
        body.append(Para("Không có chi bộ nào."))
    summary = "; ".join(f"{Level(k).label}: {fmt_int(tally[k])}" for k in Level.values if tally[k])
    extra = [f"chưa xếp loại: {fmt_int(tally['unscored'])}"] if tally["unscored"] else []
    extra += [f"chưa sinh hoạt: {fmt_int(tally['missing'])}"] if tally["missing"] else []
    body.append(Para("Tổng hợp: " + "; ".join(filter(None, [summary, *extra])) + ".", bold=True))
    on = min(timezone.localdate(), last + dt.timedelta(days=10))
    body_kind = IssuingBody.CELL if org.is_cell else IssuingBody.COMMITTEE
    block = issuers.block_for(org, body_kind)
    return PartyDocument(
        superior_body=block.superior, issuing_body=block.issuing,
        number=issuers.number_line(None, "", org, DocType.REPORT), place=issuers.place_for(org, on),
        signed_on=on, doc_type="BẢNG TỔNG HỢP",
        summary=f"kết quả chấm điểm, xếp loại sinh hoạt chi bộ tháng {month:02d}/{year}",
        body=body, authority=block.authority, signer_title="BÍ THƯ",
        signer_name=secretary_name(org, on), recipients=["Lưu Văn phòng."],
        title=f"Bảng tổng hợp xếp loại sinh hoạt chi bộ tháng {month:02d}/{year} — {org.name}",
    )  # fmt: skip


def minutes_response(meeting: Meeting) -> HttpResponse:
    data = render_docx(minutes_document(meeting))
    return docx_response(data, f"Biên bản sinh hoạt {meeting.organization.code} "
                               f"{meeting.held_on:%Y-%m-%d}.docx")  # fmt: skip


def score_sheet_response(org: Organization, year: int, month: int) -> HttpResponse:
    data = render_docx(score_sheet_document(org, year, month))
    return docx_response(data, f"Xếp loại sinh hoạt {org.code} {year}-{month:02d}.docx")
