"""The admission and recognition decisions in the Party's document format (DOCX).

Quyết định kết nạp đảng viên (Mẫu 9-KNĐ of the member-work guidance) and
Quyết định công nhận đảng viên chính thức, built from the recorded file: the
deciding committee issues it (its issuer block and "T/M BAN THƯỜNG VỤ", "T/M
THƯỜNG TRỰC TỈNH ỦY" or "T/M ĐẢNG ỦY" from ``dangbo.documents.rules.issuer_block``);
before the decision is recorded the document is a draft ("DỰ THẢO", number and
date left blank); once recorded, its number is the one in the outgoing register. The wording follows the usual model of these decisions; the 2022
appendix text itself was not seen (rules.md §2.7, UNCONFIRMED).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from dangbo.core.documents import Para, PartyDocument, decides, docx_response, render_docx
from dangbo.core.formatting import fmt_date
from dangbo.documents import issuers
from dangbo.documents.rules import DocType, IssuerBlock, IssuingBody
from dangbo.documents.services import register_entry_of
from dangbo.members.models import Member
from dangbo.members.selectors import secretary_name
from dangbo.organizations.models import Organization

from . import rules, selectors
from .models import Candidate, DecidingBody, Recognition, Vote

DOC_TYPE = "QUYẾT ĐỊNH"
REGULATION_SIGNED = {
    "Quy định 294-QĐ/TW": ("294-QĐ/TW", "26/05/2025"),
    "Quy định 232-QĐ/TW": ("232-QĐ/TW", "20/01/2025"),
    "Quy định 24-QĐ/TW": ("24-QĐ/TW", "30/07/2021"),
    "Quy định 29-QĐ/TW": ("29-QĐ/TW", "25/07/2016"),
    "Quy định 45-QĐ/TW": ("45-QĐ/TW", "01/11/2011"),
    "Quy định 23-QĐ/TW": ("23-QĐ/TW", "31/10/2006"),
}
# Who decides (DecidingBody) → which body issues and signs (T/M …).
ISSUING_BODIES = {
    DecidingBody.GRASSROOTS_COMMITTEE: IssuingBody.COMMITTEE,
    DecidingBody.STANDING_COMMITTEE: IssuingBody.STANDING_COMMITTEE,
    DecidingBody.PROVINCIAL_STANDING_OFFICE: IssuingBody.STANDING_OFFICE,
}

__all__ = ["admission_decision_docx", "docx_response", "recognition_decision_docx"]


def regulation_basis(on: dt.date) -> str:
    number, signed = REGULATION_SIGNED[rules.implementing_regulation(on)]
    return (f"- Căn cứ Quy định số {number}, ngày {signed} của Ban Chấp hành Trung ương về thi "
            f"hành Điều lệ Đảng;")  # fmt: skip


def _frame(
    *, decider: Organization, block: IssuerBlock, number: str, signed_on: dt.date | None,
    summary: str, paragraphs: list[Para | str], title: str, recipients: list[str], source,
) -> PartyDocument:  # fmt: skip
    on = signed_on or timezone.localdate()
    entry = register_entry_of(source) if source is not None and source.pk else None
    return PartyDocument(
        superior_body=block.superior, issuing_body=block.issuing,
        number=issuers.number_line(entry, number, decider, DocType.DECISION),
        place=issuers.place_for(decider, on), signed_on=signed_on, doc_type=DOC_TYPE,
        summary=summary, body=paragraphs, authority=block.authority, signer_title="BÍ THƯ",
        signer_name=secretary_name(decider, on), recipients=recipients, title=title,
        draft=signed_on is None,
    )  # fmt: skip


def _cell_resolution(votes, on: dt.date | None) -> str:
    """Return "Nghị quyết số 05-NQ/CB" of the cell's resolution of ``on`` when it is recorded."""
    for vote in votes:
        if vote.body == Vote.Body.CELL and vote.held_on == on and vote.resolution_number.strip():
            return f"Nghị quyết số {vote.resolution_number.strip()}"
    return ""


def _decider(cell: Organization, org: Organization | None, body: str, on: dt.date):
    if org is not None and body:
        return org, body
    return selectors.deciding_org(cell, on)


def admission_decision_document(candidate: Candidate) -> PartyDocument:
    """Return the admission decision of a file (a draft until the decision is recorded)."""
    c, cell = candidate, candidate.organization
    on = c.decision_signed_on or timezone.localdate()
    decider, body = _decider(cell, c.decided_by, c.decided_by_body, on)
    block = issuers.block_for(decider, ISSUING_BODIES[body])
    grassroots = selectors.grassroots_of(cell)
    resolution = _cell_resolution(selectors.active_votes(c), c.cell_resolution_on)
    if resolution:  # cited by its number once it is recorded
        considered = (f"{resolution}, ngày {fmt_date(c.cell_resolution_on)} của {cell.name} đề "
                      f"nghị kết nạp đảng viên")  # fmt: skip
    else:
        considered = f"nghị quyết đề nghị kết nạp đảng viên của {cell.name}"
        if c.cell_resolution_on:
            considered += f" ngày {fmt_date(c.cell_resolution_on)}"
    if grassroots is not None and grassroots.pk != cell.pk:
        considered += f" và của {grassroots.committee}"
        if c.committee_resolution_number:
            considered += f" (Nghị quyết số {c.committee_resolution_number}"
            considered += (
                f", ngày {fmt_date(c.committee_resolution_on)})"
                if c.committee_resolution_on
                else ")"
            )
    verb = "Kết nạp lại" if c.is_readmission else "Kết nạp"
    origin = f", quê quán {c.home_town}" if c.home_town else ""
    paragraphs = [
        Para("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
        Para(regulation_basis(on)),
        Para(f"- Xét {considered},"),
        *decides(block.deciding),
        Para(f"{verb} đồng chí {c.full_name}, sinh ngày {fmt_date(c.date_of_birth)}{origin}, "
             f"vào Đảng Cộng sản Việt Nam.", lead="Điều 1."),
        Para(f"{cell.name} tổ chức lễ kết nạp cho đồng chí {c.full_name} trong thời hạn 30 ngày "
             f"làm việc kể từ ngày nhận được quyết định. Thời kỳ dự bị của đồng chí là 12 tháng, "
             f"tính từ ngày chi bộ tổ chức lễ kết nạp.", lead="Điều 2."),
        Para(f"{cell.name}, các cơ quan liên quan và đồng chí có tên tại Điều 1 chịu trách nhiệm "
             f"thi hành Quyết định này.", lead="Điều 3."),
    ]  # fmt: skip
    return _frame(
        decider=decider, block=block, number=c.decision_number, signed_on=c.decision_signed_on,
        summary="về việc kết nạp lại đảng viên" if c.is_readmission else "về việc kết nạp đảng viên",
        paragraphs=paragraphs, title=f"Quyết định kết nạp đảng viên — {c.full_name}",
        recipients=["Như Điều 3,", "Lưu hồ sơ đảng viên, Văn phòng."], source=c,
    )  # fmt: skip


def admission_decision_docx(candidate: Candidate) -> tuple[bytes, str]:
    if candidate.refused:
        raise Http404("Cấp ủy đã quyết định không kết nạp: không có quyết định kết nạp.")
    doc = admission_decision_document(candidate)
    return render_docx(doc), f"Quyết định kết nạp đảng viên - {candidate.full_name}.docx"


def recognition_decision_document(member: Member, recognition: Recognition | None) -> PartyDocument:
    """Return the recognition decision of a probationer (a draft until it is recorded)."""
    cell = member.organization
    if cell is None:
        raise Http404("Đảng viên chưa có chi bộ sinh hoạt.")
    ends_on = (recognition.probation_ends_on if recognition else None) or member.probation_ends_on
    ends_on = ends_on or member.official_on
    on = (recognition.decision_signed_on if recognition else None) or timezone.localdate()
    decider, body = _decider(
        cell, recognition.decided_by if recognition else None,
        recognition.decided_by_body if recognition else "", on,
    )  # fmt: skip
    block = issuers.block_for(decider, ISSUING_BODIES[body])
    refused = recognition is not None and recognition.outcome == Recognition.Outcome.NOT_RECOGNIZED
    resolved_on = recognition.cell_resolution_on if recognition is not None else None
    resolution = (
        _cell_resolution(selectors.active_votes(recognition), resolved_on)
        if recognition is not None and recognition.pk else ""
    )  # fmt: skip
    if resolution:  # cited by its number once it is recorded
        considered = f"{resolution}, ngày {fmt_date(resolved_on)} của {cell.name}"
    else:
        considered = f"nghị quyết của {cell.name}"
        if resolved_on:
            considered += f" ngày {fmt_date(resolved_on)}"
    admitted = f", vào Đảng ngày {fmt_date(member.admitted_on)}" if member.admitted_on else ""
    if refused:
        first = (f"Không công nhận đồng chí {member.full_name}, sinh ngày "
                 f"{fmt_date(member.date_of_birth)}{admitted}, là đảng viên chính thức; xóa tên "
                 f"đồng chí trong danh sách đảng viên dự bị.")  # fmt: skip
    else:
        first = (f"Công nhận đồng chí {member.full_name}, sinh ngày {fmt_date(member.date_of_birth)}"
                 f"{admitted}, là đảng viên chính thức của Đảng Cộng sản Việt Nam kể từ ngày "
                 f"{fmt_date(ends_on)}.")  # fmt: skip
    paragraphs = [
        Para("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
        Para(regulation_basis(on)),
        Para(f"- Xét {considered} đề nghị {'không ' if refused else ''}công nhận đảng viên chính thức,"),
        *decides(block.deciding),
        Para(first, lead="Điều 1."),
        Para(f"{cell.name}, các cơ quan liên quan và đồng chí có tên tại Điều 1 chịu trách nhiệm "
             f"thi hành Quyết định này.", lead="Điều 2."),
    ]  # fmt: skip
    return _frame(
        decider=decider, block=block, source=recognition,
        number=recognition.decision_number if recognition else "",
        signed_on=recognition.decision_signed_on if recognition else None,
        summary=("về việc không công nhận đảng viên chính thức" if refused
                 else "về việc công nhận đảng viên chính thức"),
        paragraphs=paragraphs, title=f"Quyết định công nhận đảng viên chính thức — {member.full_name}",
        recipients=["Như Điều 2,", "Lưu hồ sơ đảng viên, Văn phòng."],
    )  # fmt: skip


def recognition_decision_docx(member: Member, recognition: Recognition | None) -> tuple[bytes, str]:
    doc = recognition_decision_document(member, recognition)
    return render_docx(doc), f"Quyết định công nhận đảng viên chính thức - {member.full_name}.docx"
