"""The transfer letter (giấy giới thiệu sinh hoạt đảng) in the Party's document format.

Who issues it (QĐ 294-QĐ/TW mục 6.3.1): within one grassroots organization,
its committee; out of it, the directly superior committee (this is only the
suggestion: ``letter_issuer`` on the transfer says who actually issued it).
The symbol "GGT" for a giấy giới thiệu and "CB" for a cell follow common
practice (rules.md §9.4: the full list in HD 36-HD/VPTW is UNCONFIRMED).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from dangbo.core.documents import Para, PartyDocument
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Organization, OrgKind
from dangbo.organizations.selectors import ancestors_of
from dangbo.regulations.selectors import setting_value

from . import lifecycle_rules, rules, services
from .models import Position, Transfer
from .transfers import letter_calendar

PLACE_SETTING = "documents.place"
DOC_TYPE = "GIẤY GIỚI THIỆU"
SUMMARY = "sinh hoạt đảng"
ISSUER_SYMBOLS = {
    OrgKind.GRASSROOTS_CELL: "CB",
    OrgKind.DEPENDENT_CELL: "CB",
    OrgKind.BLOC: "ĐUK",
    OrgKind.DISTRICT: "HU",
    OrgKind.PROVINCIAL: "TU",
}
COMMITTEE_KINDS = {OrgKind.GRASSROOTS_DANG_BO, OrgKind.SUB_DANG_BO}


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


def committee_name(org: Organization) -> str:
    """Return the name a committee signs with: "Đảng bộ Công ty A" issues as "Đảng ủy Công ty A"."""
    if org.kind not in CELL_KINDS and org.name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + org.name[len("Đảng bộ ") :]
    return org.name


def letter_number_text(transfer: Transfer, issuer: Organization | None) -> str:
    """Return "Số 15-GGT/ĐU": the number as typed when it has its symbol, else completed."""
    symbol = ISSUER_SYMBOLS.get(issuer.kind, "ĐU") if issuer is not None else "ĐU"
    number = transfer.letter_number.strip()
    if not number:
        return f"Số      -GGT/{symbol}"
    if "-" in number or "/" in number:
        return f"Số {number}"
    return f"Số {number}-GGT/{symbol}"


def _authority(org: Organization | None) -> str:
    if org is None or org.kind in CELL_KINDS:
        return "T/M CHI BỘ"
    if org.kind in COMMITTEE_KINDS:
        return "T/M ĐẢNG ỦY"
    return "T/M BAN THƯỜNG VỤ"


def _secretary(org: Organization | None, on: dt.date) -> str:
    if org is None:
        return ""
    position = (
        Position.objects.filter(
            organization=org, title=Position.Title.SECRETARY, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("member")
        .order_by("-started_on")
        .first()
    )
    return position.member.full_name if position else ""


def transfer_letter_document(transfer: Transfer) -> PartyDocument:
    """Return the transfer letter of an official transfer (numbered and dated once issued)."""
    member = transfer.member
    issuer = letter_issuing_org(transfer)
    letter_on = transfer.letter_on
    on = letter_on or timezone.localdate()
    status = services.status_before(member, on)
    standing = "dự bị" if status == rules.PROBATIONARY else "chính thức"
    admitted = f"vào Đảng ngày {fmt_date(member.admitted_on)}" if member.admitted_on else ""
    if member.official_on and standing == "chính thức":
        admitted += f", chính thức ngày {fmt_date(member.official_on)}"
    card = member.card_number or "……"
    origin = transfer.from_organization.name if transfer.from_organization else ""
    destination = transfer.destination
    rule = lifecycle_rules.official_transfer_rule(on)
    if letter_on is not None:
        calendar = letter_calendar(transfer, letter_on)
        valid = (
            f"Giấy giới thiệu có giá trị đến hết ngày "
            f"{fmt_date(lifecycle_rules.transfer_letter_valid_until(letter_on, calendar))} "
            f"(30 ngày làm việc kể từ ngày giới thiệu — {rule})."
        )
    else:
        valid = f"Giấy giới thiệu có giá trị trong 30 ngày làm việc kể từ ngày giới thiệu ({rule})."
    body: list[Para | str] = [
        Para(
            f"Giới thiệu đồng chí {member.full_name}, sinh ngày {fmt_date(member.date_of_birth)}, "
            f"là đảng viên {standing}, {admitted}, số thẻ đảng viên {card}, hiện sinh hoạt tại "
            f"{origin}."
        ),
        Para(
            f"Được chuyển sinh hoạt đảng chính thức đến {destination}. "
            f"Lý do: {transfer.get_reason_display().lower()}."
        ),
        Para(
            f"Đề nghị {destination} tiếp nhận và tổ chức cho đồng chí sinh hoạt đảng theo quy định."
        ),
        Para(valid),
    ]
    place = setting_value(PLACE_SETTING, org=issuer, on=on, default="") or "……"
    parent = issuer.parent if issuer is not None else None
    return PartyDocument(
        superior_body=parent.name if parent is not None else "",
        issuing_body=transfer.letter_issuer or (committee_name(issuer) if issuer else ""),
        number=letter_number_text(transfer, issuer),
        place=place,
        signed_on=letter_on,
        doc_type=DOC_TYPE,
        summary=SUMMARY,
        body=body,
        authority=_authority(issuer),
        signer_title="BÍ THƯ",
        signer_name=_secretary(issuer, on),
        recipients=["Như trên,", "Đảng viên có tên trên,", "Lưu hồ sơ đảng viên."],
        title=f"Giấy giới thiệu sinh hoạt đảng — {member.full_name}",
    )


def letter_filename(transfer: Transfer) -> str:
    return f"Giấy giới thiệu sinh hoạt đảng - {transfer.member.full_name}.docx"
