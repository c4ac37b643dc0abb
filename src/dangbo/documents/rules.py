"""Rules of the Party's document format that depend on who issues: pure functions.

Source: Hướng dẫn 36-HD/VPTW (03/04/2018) of the Central Party Office on the
format of Party documents (rules.md §9):

- element 2, the issuer block: the name of the directly superior party
  organization on the first line, upper case, upright; the name of the issuing
  body under it, upper case, bold; an asterisk under that; then the number
  (element 3);
- element 7, the signature block: documents of party committees and of cells
  are signed on behalf of the collective, "T/M" (mục II 1.7.1): "T/M ĐẢNG ỦY",
  "T/M TỈNH ỦY", "T/M BAN THƯỜNG VỤ", "T/M CHI BỘ";
- element 3, the number: "Số {n}-{type}/{issuer}", counted from 01 for each
  document type within one committee term (mục II 1.3; the term by date in
  ``term_on``, the counting in ``services.take_number``).

The issuing body named in the header is the committee ("TỈNH ỦY LẠC HỒNG",
"ĐẢNG ỦY HỘI NÔNG DÂN TỈNH"), whichever of its bodies issues: the standing
committee issues in the committee's name and says so in the signature ("T/M BAN
THƯỜNG VỤ") and in the line before the articles ("BAN THƯỜNG VỤ ĐẢNG ỦY …"), as
the real headers quoted in rules.md §9.1 do. A cell issues in its own name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models

# The prefixes of a committee's name that name the committee's level ("Tỉnh ủy Lạc Hồng"
# signs "T/M TỈNH ỦY"); any other committee signs "T/M ĐẢNG ỦY".
LEVEL_WORDS = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy")


class IssuingBody(models.TextChoices):
    """Which body of the committee issues and signs (HD 36-HD/VPTW mục II 1.7.1)."""

    COMMITTEE = "COMMITTEE", "Ban chấp hành (cấp ủy)"
    STANDING_COMMITTEE = "STANDING_COMMITTEE", "Ban thường vụ"
    STANDING_OFFICE = "STANDING_OFFICE", "Thường trực cấp ủy"
    CELL = "CELL", "Chi bộ"


class DocType(models.TextChoices):
    """Document types and their abbreviation in the symbol (rules.md §9.4)."""

    DECISION = "QD", "Quyết định"
    RESOLUTION = "NQ", "Nghị quyết"
    TRANSFER_LETTER = "GGT", "Giấy giới thiệu"
    OFFICIAL_LETTER = "CV", "Công văn"
    REPORT = "BC", "Báo cáo"
    NOTICE = "TB", "Thông báo"
    PLAN = "KH", "Kế hoạch"
    SUBMISSION = "TTr", "Tờ trình"
    MINUTES = "BB", "Biên bản"


TYPE_SYMBOLS = {
    DocType.DECISION: "QĐ", DocType.RESOLUTION: "NQ", DocType.TRANSFER_LETTER: "GGT",
    DocType.OFFICIAL_LETTER: "CV", DocType.REPORT: "BC", DocType.NOTICE: "TB", DocType.PLAN: "KH",
    DocType.SUBMISSION: "TTr", DocType.MINUTES: "BB",
}  # fmt: skip


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def upper(text: str) -> str:
    return _nfc(_nfc(text).upper())


def committee_word(committee: str) -> str:
    """Return the committee's level word: "Tỉnh ủy Lạc Hồng" → "TỈNH ỦY"; otherwise "ĐẢNG ỦY"."""
    lowered = _nfc(committee).lower()
    for word in LEVEL_WORDS:
        if lowered.startswith(word):
            return upper(word)
    return "ĐẢNG ỦY"


@dataclass(frozen=True)
class IssuerBlock:
    """The texts of the issuer block and of the signature block, which must agree."""

    superior: str  # "ĐẢNG BỘ TỈNH LẠC HỒNG" (the directly superior party organization), or ""
    issuing: str  # "ĐẢNG ỦY HỘI NÔNG DÂN TỈNH" (bold)
    authority: str  # "T/M ĐẢNG ỦY", "T/M BAN THƯỜNG VỤ", "T/M CHI BỘ"
    deciding: str  # the line before "QUYẾT ĐỊNH": "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI …"


def issuer_block(*, superior_name: str, committee: str, body: str) -> IssuerBlock:
    """Return the issuer block and the signature authority of a document, per HD 36-HD/VPTW.

    ``superior_name`` is the name of the directly superior party organization
    ("Đảng bộ tỉnh Lạc Hồng"; "" for the top of the tree), ``committee`` the
    name the issuing organization's committee signs with ("Tỉnh ủy Lạc Hồng",
    "Chi bộ Văn phòng" for a cell), ``body`` an ``IssuingBody``.
    """
    issuing = upper(committee)
    if body == IssuingBody.CELL:
        authority, deciding = "T/M CHI BỘ", issuing
    elif body == IssuingBody.STANDING_COMMITTEE:
        authority, deciding = "T/M BAN THƯỜNG VỤ", f"BAN THƯỜNG VỤ {issuing}"
    elif body == IssuingBody.STANDING_OFFICE:
        word = committee_word(committee)
        authority, deciding = f"T/M THƯỜNG TRỰC {word}", f"THƯỜNG TRỰC {issuing}"
    else:
        authority, deciding = f"T/M {committee_word(committee)}", issuing
    return IssuerBlock(
        superior=upper(superior_name), issuing=issuing, authority=authority, deciding=deciding
    )


# An issuer symbol: letters (Vietnamese included), possibly several parts ("UBKTTU").
_NUMBER = re.compile(r"^\s*(?:số\s*)?0*(\d{1,9})\s*(?:-\s*(\S+?)\s*)?$", re.IGNORECASE)


def parse_number(typed: str) -> tuple[int, str] | None:
    """Return (number, symbol) of "101-QĐ/ĐUK" → (101, "QĐ/ĐUK"); "07" → (7, ""); None if not a number."""
    match = _NUMBER.match(_nfc(typed))
    if match is None:
        return None
    return int(match.group(1)), _nfc(match.group(2) or "")


def number_text(number: int, symbol: str) -> str:
    """Return "01-QĐ/ĐUK": the number on at least two digits (numbering starts at 01), its symbol."""
    return f"{number:02d}-{symbol}" if symbol else f"{number:02d}"


def symbol_of(doc_type: str, issuer_symbol: str) -> str:
    """Return "QĐ/ĐUK": the type's abbreviation and the issuer's."""
    return f"{TYPE_SYMBOLS[DocType(doc_type)]}/{issuer_symbol}"


# Issuer abbreviations observed in Party documents (rules.md §9.4); "CB" for a cell follows
# common practice (UNCONFIRMED: each committee fixes its own).
ISSUER_SYMBOLS = {
    "PROVINCIAL": "TU", "DISTRICT": "HU", "BLOC": "ĐUK", "GRASSROOTS_CELL": "CB",
    "DEPENDENT_CELL": "CB",
}  # fmt: skip


def issuer_symbol(kind: str) -> str:
    """Return the issuer's abbreviation in the symbol by the organization's kind ("ĐU" by default)."""
    return ISSUER_SYMBOLS.get(kind, "ĐU")


@dataclass(frozen=True)
class Term:
    key: str
    starts_on: object  # dt.date
    ends_on: object  # dt.date | None: the closing day of the next congress, included


def term_on(terms, on) -> Term | None:
    """Return the committee term covering ``on`` (HD 36-HD/VPTW mục II 1.3), or None.

    A term runs from the day after the closing of one congress (``starts_on``)
    to the closing day of the next (``ends_on``, included); the latest start
    wins where two recorded terms overlap.
    """
    covering = [t for t in terms if t.starts_on <= on and (t.ends_on is None or on <= t.ends_on)]
    return max(covering, key=lambda t: t.starts_on) if covering else None
