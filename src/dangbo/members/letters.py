"""The transfer letter (giấy giới thiệu sinh hoạt đảng) in the Party's document format.

Who issues it (QĐ 294-QĐ/TW mục 6.3.1): within one grassroots organization,
its committee; out of it, the directly superior committee (this is only the
suggestion: ``letter_issuer`` on the transfer says who actually issued it).
The symbol "GGT" for a giấy giới thiệu and "CB" for a cell follow common
practice (rules.md §9.4: the full list in HD 36-HD/VPTW is UNCONFIRMED). Its
number is the next one of the issuing committee's outgoing register, or the
one typed, recorded there (``transfers.issue_transfer_letter``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangbo.core.documents import Para, PartyDocument, upper
from dangbo.core.formatting import fmt_date
from dangbo.documents import issuers
from dangbo.documents.rules import DocType, IssuingBody
from dangbo.documents.rules import issuer_block as rules_block
from dangbo.documents.services import register_entry_of
from dangbo.organizations.models import GRASSROOTS_KINDS, Organization
from dangbo.organizations.naming import derive_committee_name
from dangbo.organizations.selectors import ancestors_of

from . import lifecycle_rules, rules, services
from .models import Transfer
from .selectors import secretary_name
from .transfers import letter_calendar

DOC_TYPE = "GIẤY GIỚI THIỆU"
SUMMARY = "sinh hoạt đảng"
RECEIPT_TITLE = "PHIẾU BÁO ĐÃ NHẬN SINH HOẠT ĐẢNG"


def grassroots_of(org: Organization) -> Organization:
    """Return the grassroots organization of ``org`` (itself, or the nearest one above)."""
    if org.kind in GRASSROOTS_KINDS:
        return org
    for above in reversed(ancestors_of(org)):
        if above.kind in GRASSROOTS_KINDS:
            return above
    return org


def letter_issuing_org(transfer: Transfer) -> Organization | None:
    """Return the organization whose committee issues the letter, by QĐ 294-QĐ/TW mục 6.3.1.

    Between two cells of one grassroots organization, its committee; otherwise
    the committee directly above the grassroots organization the member leaves.
    """
    if transfer.from_organization is None:
        return None
    home = grassroots_of(transfer.from_organization)
    if transfer.to_organization is not None and grassroots_of(transfer.to_organization) == home:
        return home
    above = ancestors_of(home)
    return above[-1] if above else home


def addressee(transfer: Transfer) -> str:
    """Return whom the letter is addressed to ("Kính gửi"): the receiving grassroots committee."""
    if transfer.to_organization is not None:
        return grassroots_of(transfer.to_organization).committee
    return derive_committee_name("", transfer.other_party) if transfer.other_party else "……"


def _draft_valid_on(transfer: Transfer) -> dt.date:
    return transfer.letter_on or timezone.localdate()


def transfer_letter_document(transfer: Transfer) -> PartyDocument:
    """Return the transfer letter of an official transfer (numbered and dated once issued).

    The national form of the giấy giới thiệu sinh hoạt đảng: addressed to the
    receiving committee ("Kính gửi"), the member's name, birth date, home town,
    standing and card, where the member goes, and the last day the letter is
    valid, as a date (30 working days from the introduction, computed by
    ``lifecycle_rules.transfer_letter_valid_until``); under a cut line, the
    slip the receiving committee sends back (phiếu báo đã nhận sinh hoạt đảng).
    """
    member = transfer.member
    issuer = letter_issuing_org(transfer)
    letter_on = transfer.letter_on
    on = _draft_valid_on(transfer)
    status = services.status_before(member, on)
    standing = "dự bị" if status == rules.PROBATIONARY else "chính thức"
    admitted = f"Vào Đảng ngày {fmt_date(member.admitted_on)}" if member.admitted_on else ""
    if member.official_on and standing == "chính thức":
        admitted += f", chính thức ngày {fmt_date(member.official_on)}"
    card = member.card_number or "……"
    origin = transfer.from_organization.name if transfer.from_organization else ""
    destination = transfer.destination
    valid_until = lifecycle_rules.transfer_letter_valid_until(
        on, letter_calendar(transfer, on)
    )  # fmt: skip
    body: list[Para | str] = [
        Para(f"Kính gửi: {addressee(transfer)}", align="center", indent=False),
        Para(f"Giới thiệu đồng chí: {member.full_name}", indent=False),
        Para(f"Sinh ngày: {fmt_date(member.date_of_birth)}", indent=False),
        Para(f"Quê quán: {member.home_town or '……'}", indent=False),
        Para(f"Là đảng viên {standing}; số thẻ đảng viên: {card}", indent=False),
    ]
    if admitted:
        body.append(Para(admitted, indent=False))
    body += [
        Para(f"Hiện sinh hoạt tại: {origin}", indent=False),
        Para(f"Được chuyển sinh hoạt đảng chính thức đến: {destination}", indent=False),
        Para(
            "Đề nghị các đồng chí tiếp nhận và giúp đỡ đồng chí làm nhiệm vụ đảng viên.",
            indent=False,
        ),
        Para(f"Giấy giới thiệu có giá trị đến hết ngày {fmt_date(valid_until)}.", indent=False),
    ]
    entry = register_entry_of(transfer) if transfer.pk else None
    body_kind = issuers.default_body(issuer) if issuer is not None else IssuingBody.CELL
    block = (
        issuers.block_for(issuer, body_kind) if issuer is not None
        else rules_block(superior_name="", committee=transfer.letter_issuer, body=body_kind)
    )  # fmt: skip
    sender = transfer.letter_issuer.strip() or (issuer.committee if issuer is not None else "")
    issuing = upper(sender) if sender else block.issuing
    number = issuers.number_line(entry, transfer.letter_number, issuer, DocType.TRANSFER_LETTER)
    letter_date = f" ngày {fmt_date(letter_on)}" if letter_on else ""
    slip = [
        Para(RECEIPT_TITLE, bold=True, align="center", indent=False),
        Para(f"Kính gửi: {sender or '……'}", align="center", indent=False),
        Para(f"{addressee(transfer)} đã nhận sinh hoạt đảng của đồng chí {member.full_name}, đảng "
             f"viên {standing}, theo giấy giới thiệu {number.removeprefix('Số ')}{letter_date}.",
             indent=False),
        Para("……, ngày     tháng     năm 20…", italic=True, align="right", indent=False),
        Para("T/M CẤP ỦY", bold=True, align="right", indent=False),
        Para("(Ký tên, đóng dấu)", italic=True, align="right", indent=False),
    ]  # fmt: skip
    return PartyDocument(
        superior_body=block.superior,
        issuing_body=issuing,
        number=number,
        place=issuers.place_for(issuer, on),
        signed_on=letter_on,
        doc_type=DOC_TYPE,
        summary=SUMMARY,
        body=body,
        authority=block.authority,
        signer_title="BÍ THƯ",
        signer_name=secretary_name(issuer, on),
        recipients=["Như trên,", "Đảng viên có tên trên,", "Lưu hồ sơ đảng viên."],
        title=f"Giấy giới thiệu sinh hoạt đảng — {member.full_name}",
        draft=letter_on is None,
        slip=slip,
    )


def letter_filename(transfer: Transfer) -> str:
    return f"Giấy giới thiệu sinh hoạt đảng - {transfer.member.full_name}.docx"
