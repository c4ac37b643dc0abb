"""The admission and recognition decisions in the Party's document format (DOCX).

Quyết định kết nạp đảng viên (Mẫu 9-KNĐ of the member-work guidance) and
Quyết định công nhận đảng viên chính thức, built from the recorded file: the
deciding committee issues it ("T/M BAN THƯỜNG VỤ" for a standing committee or
standing office, "T/M ĐẢNG ỦY" for a delegated grassroots committee); before
the decision is recorded the document is a draft to sign (number and date left
blank). The wording follows the usual model of these decisions; the 2022
appendix text itself was not seen (rules.md §2.7, UNCONFIRMED).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from dangbo.core.documents import Para, PartyDocument, docx_response, render_docx, upper
from dangbo.core.formatting import fmt_date
from dangbo.members.models import Member, Position
from dangbo.organizations.models import CELL_KINDS, Organization, OrgKind
from dangbo.regulations.selectors import setting_value

from . import rules, selectors
from .models import Candidate, DecidingBody, Recognition

PLACE_SETTING = "documents.place"
DOC_TYPE = "QUYẾT ĐỊNH"
ISSUER_SYMBOLS = {OrgKind.BLOC: "ĐUK", OrgKind.DISTRICT: "HU", OrgKind.PROVINCIAL: "TU"}
REGULATION_SIGNED = {
    "Quy định 294-QĐ/TW": ("294-QĐ/TW", "26/05/2025"),
    "Quy định 232-QĐ/TW": ("232-QĐ/TW", "20/01/2025"),
    "Quy định 24-QĐ/TW": ("24-QĐ/TW", "30/07/2021"),
    "Quy định 29-QĐ/TW": ("29-QĐ/TW", "25/07/2016"),
    "Quy định 45-QĐ/TW": ("45-QĐ/TW", "01/11/2011"),
    "Quy định 23-QĐ/TW": ("23-QĐ/TW", "31/10/2006"),
}

__all__ = ["admission_decision_docx", "docx_response", "recognition_decision_docx"]


def committee_name(org: Organization) -> str:
    """Return the name a committee signs with: "Đảng bộ Công ty A" issues as "Đảng ủy Công ty A"."""
    if org.kind not in CELL_KINDS and org.name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + org.name[len("Đảng bộ ") :]
    return org.name


def number_text(number: str, issuer: Organization) -> str:
    """Return "Số 101-QĐ/ĐUK": the number as recorded (completed with its symbol), or blanks."""
    symbol = ISSUER_SYMBOLS.get(issuer.kind, "ĐU")
    number = number.strip()
    if not number:
        return f"Số      -QĐ/{symbol}"
    if "-" in number or "/" in number:
        return f"Số {number}"
    return f"Số {number}-QĐ/{symbol}"


def authority(body: str) -> str:
    return "T/M ĐẢNG ỦY" if body == DecidingBody.GRASSROOTS_COMMITTEE else "T/M BAN THƯỜNG VỤ"


def secretary_of(org: Organization, on: dt.date) -> str:
    position = (
        Position.objects.filter(organization=org, title=Position.Title.SECRETARY, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("member").order_by("-started_on").first()
    )  # fmt: skip
    return position.member.full_name if position else ""


def regulation_basis(on: dt.date) -> str:
    number, signed = REGULATION_SIGNED[rules.implementing_regulation(on)]
    return (f"- Căn cứ Quy định số {number}, ngày {signed} của Ban Chấp hành Trung ương về thi "
            f"hành Điều lệ Đảng;")  # fmt: skip


def _frame(
    *, decider: Organization, body: str, number: str, signed_on: dt.date | None, summary: str,
    paragraphs: list[Para | str], title: str, recipients: list[str],
) -> PartyDocument:  # fmt: skip
    on = signed_on or timezone.localdate()
    parent = decider.parent
    return PartyDocument(
        superior_body=upper(parent.name) if parent is not None else "",
        issuing_body=upper(committee_name(decider)),
        number=number_text(number, decider),
        place=setting_value(PLACE_SETTING, org=decider, on=on, default="") or "……",
        signed_on=signed_on, doc_type=DOC_TYPE, summary=summary, body=paragraphs,
        authority=authority(body), signer_title="BÍ THƯ", signer_name=secretary_of(decider, on),
        recipients=recipients, title=title,
    )  # fmt: skip


def _decider(cell: Organization, org: Organization | None, body: str, on: dt.date):
    if org is not None and body:
        return org, body
    return selectors.deciding_org(cell, on)


def admission_decision_document(candidate: Candidate) -> PartyDocument:
    """Return the admission decision of a file (a draft until the decision is recorded)."""
    c, cell = candidate, candidate.organization
    on = c.decision_signed_on or timezone.localdate()
    decider, body = _decider(cell, c.decided_by, c.decided_by_body, on)
    grassroots = selectors.grassroots_of(cell)
    considered = f"nghị quyết đề nghị kết nạp đảng viên của {cell.name}"
    if c.cell_resolution_on:
        considered += f" ngày {fmt_date(c.cell_resolution_on)}"
    if grassroots is not None and grassroots.pk != cell.pk:
        considered += f" và của {committee_name(grassroots)}"
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
        Para(f"{upper(BODY_SIGNERS[body])} {upper(committee_name(decider))} QUYẾT ĐỊNH",
             bold=True, align="center", indent=False),
        Para(f"{verb} đồng chí {c.full_name}, sinh ngày {fmt_date(c.date_of_birth)}{origin}, "
             f"vào Đảng Cộng sản Việt Nam.", lead="Điều 1."),
        Para(f"{cell.name} tổ chức lễ kết nạp cho đồng chí {c.full_name} trong thời hạn 30 ngày "
             f"làm việc kể từ ngày nhận được quyết định. Thời kỳ dự bị của đồng chí là 12 tháng, "
             f"tính từ ngày chi bộ tổ chức lễ kết nạp.", lead="Điều 2."),
        Para(f"{cell.name}, các cơ quan liên quan và đồng chí có tên tại Điều 1 chịu trách nhiệm "
             f"thi hành Quyết định này.", lead="Điều 3."),
    ]  # fmt: skip
    return _frame(
        decider=decider, body=body, number=c.decision_number, signed_on=c.decision_signed_on,
        summary="về việc kết nạp lại đảng viên" if c.is_readmission else "về việc kết nạp đảng viên",
        paragraphs=paragraphs, title=f"Quyết định kết nạp đảng viên — {c.full_name}",
        recipients=["Như Điều 3,", "Lưu hồ sơ đảng viên, Văn phòng."],
    )  # fmt: skip


BODY_SIGNERS = {
    DecidingBody.GRASSROOTS_COMMITTEE: "Ban Chấp hành",
    DecidingBody.STANDING_COMMITTEE: "Ban Thường vụ",
    DecidingBody.PROVINCIAL_STANDING_OFFICE: "Ban Thường vụ",
}


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
    refused = recognition is not None and recognition.outcome == Recognition.Outcome.NOT_RECOGNIZED
    considered = f"nghị quyết của {cell.name}"
    if recognition is not None and recognition.cell_resolution_on:
        considered += f" ngày {fmt_date(recognition.cell_resolution_on)}"
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
        Para(f"{upper(BODY_SIGNERS[body])} {upper(committee_name(decider))} QUYẾT ĐỊNH",
             bold=True, align="center", indent=False),
        Para(first, lead="Điều 1."),
        Para(f"{cell.name}, các cơ quan liên quan và đồng chí có tên tại Điều 1 chịu trách nhiệm "
             f"thi hành Quyết định này.", lead="Điều 2."),
    ]  # fmt: skip
    return _frame(
        decider=decider, body=body, number=recognition.decision_number if recognition else "",
        signed_on=recognition.decision_signed_on if recognition else None,
        summary=("về việc không công nhận đảng viên chính thức" if refused
                 else "về việc công nhận đảng viên chính thức"),
        paragraphs=paragraphs, title=f"Quyết định công nhận đảng viên chính thức — {member.full_name}",
        recipients=["Như Điều 2,", "Lưu hồ sơ đảng viên, Văn phòng."],
    )  # fmt: skip


def recognition_decision_docx(member: Member, recognition: Recognition | None) -> tuple[bytes, str]:
    doc = recognition_decision_document(member, recognition)
    return render_docx(doc), f"Quyết định công nhận đảng viên chính thức - {member.full_name}.docx"
