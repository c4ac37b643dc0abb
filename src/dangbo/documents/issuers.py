"""The issuing organization of a document: its issuer block, place, signer and number text."""

from __future__ import annotations

import datetime as dt

from dangbo.organizations.models import CELL_KINDS, Organization, OrgKind
from dangbo.regulations.selectors import setting_value

from . import rules
from .models import IssuedDocument

# Fallback place for an installation whose tree records no place name (older setting).
PLACE_SETTING = "documents.place"
BLANK_PLACE = "……"
# Committees whose own executive committee signs what the app writes (no standing committee
# is recorded at this level): grassroots and sub-committee đảng bộ.
EXECUTIVE_SIGNS = (OrgKind.GRASSROOTS_DANG_BO, OrgKind.SUB_DANG_BO)


def default_body(org: Organization) -> str:
    """Return the body that usually signs for ``org``: the cell, the đảng ủy, or the standing
    committee of a committee above grassroots."""
    if org.kind in CELL_KINDS:
        return rules.IssuingBody.CELL
    if org.kind in EXECUTIVE_SIGNS:
        return rules.IssuingBody.COMMITTEE
    return rules.IssuingBody.STANDING_COMMITTEE


def block_for(org: Organization, body: str) -> rules.IssuerBlock:
    """Return the issuer block of a document ``org`` issues through ``body``."""
    parent = org.parent
    return rules.issuer_block(
        superior_name=parent.name if parent is not None else "", committee=org.committee, body=body
    )


def place_for(org: Organization | None, on: dt.date) -> str:
    """Return the place of the place-and-date line: the organization's (or inherited) place name."""
    if org is None:
        return BLANK_PLACE
    return (
        org.document_place()
        or setting_value(PLACE_SETTING, org=org, on=on, default="")
        or BLANK_PLACE
    )


def number_line(entry: IssuedDocument | None, typed: str, org: Organization | None, doc_type: str):
    """Return "Số 07-QĐ/ĐUK": the register's number, the number as typed, or blanks for a draft."""
    if entry is not None:
        return f"Số {entry.number_text}"
    symbol = rules.symbol_of(doc_type, rules.issuer_symbol(org.kind) if org else "ĐU")
    parsed = rules.parse_number(typed) if typed.strip() else None
    if parsed is None:
        return f"Số {typed.strip()}" if typed.strip() else f"Số      -{symbol}"
    number, typed_symbol = parsed
    return f"Số {rules.number_text(number, typed_symbol or symbol)}"
