"""The names an organization goes by: its own, its committee's, and the place its documents name.

A party organization ("Đảng bộ tỉnh Lạc Hồng") is led by its committee
("Tỉnh ủy Lạc Hồng"), which issues and signs its documents. Lists name the
organization; documents name the committee as the issuing body and the
organization above as the directly superior party organization (HD 36-HD/VPTW,
element 2). A cell (chi bộ) has no committee of its own name: it issues as
"Chi bộ …" and signs "T/M CHI BỘ".

The committee's name is recorded on the organization when it is known
(``committee_name``); when it is not, it is derived from the kind and the name
with the usual forms (Điều lệ Đảng Đ10, Đ11: cấp ủy of each level): Đảng bộ
tỉnh … → Tỉnh ủy …, Đảng bộ thành phố … (province level) → Thành ủy …, Đảng bộ
huyện / quận / thị xã / thành phố … (district level) → Huyện ủy / Quận ủy /
Thị ủy / Thành ủy …, any other Đảng bộ … → Đảng ủy ….
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .models import CELL_KINDS, OrgKind

# Names already in the form of a committee (or of a cell): kept as they are.
COMMITTEE_PREFIXES = (
    "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy", "chi bộ", "ban chấp hành",
    "ban thường vụ", "ban cán sự", "đảng đoàn",
)  # fmt: skip
DANG_BO = "đảng bộ "
# (prefix after "Đảng bộ ", committee word) by kind, the longest prefix first.
LEVEL_COMMITTEES = {
    OrgKind.PROVINCIAL: (("thành phố ", "Thành ủy "), ("tỉnh ", "Tỉnh ủy ")),
    OrgKind.DISTRICT: (
        ("thành phố ", "Thành ủy "), ("thị xã ", "Thị ủy "), ("huyện ", "Huyện ủy "),
        ("quận ", "Quận ủy "),
    ),
}  # fmt: skip
CENTRAL_COMMITTEE = "Ban Chấp hành Trung ương"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def derive_committee_name(kind: str, name: str) -> str:
    """Return the name of the committee of an organization of ``kind`` named ``name``.

    "Đảng bộ tỉnh Lạc Hồng" (province level) → "Tỉnh ủy Lạc Hồng"; "Đảng bộ huyện
    Đại Từ" (district level) → "Huyện ủy Đại Từ"; "Đảng bộ Hội Nông dân tỉnh" →
    "Đảng ủy Hội Nông dân tỉnh"; a cell keeps its name ("Chi bộ Văn phòng"); a
    name already in a committee's form ("Tỉnh ủy …", "Đảng ủy …") is kept.
    """
    name = _nfc(name)
    lowered = name.lower()
    if kind in CELL_KINDS or lowered.startswith(COMMITTEE_PREFIXES):
        return name
    if kind == OrgKind.CENTRAL:
        return CENTRAL_COMMITTEE
    if not lowered.startswith(DANG_BO):
        return name
    rest, lowered_rest = name[len(DANG_BO) :], lowered[len(DANG_BO) :]
    for prefix, committee in LEVEL_COMMITTEES.get(kind, ()):
        if lowered_rest.startswith(prefix) and len(rest) > len(prefix):
            return committee + rest[len(prefix) :]
    return "Đảng ủy " + rest


def committee_name_of(org) -> str:
    """Return the committee's name of ``org``: as recorded, else derived from kind and name."""
    return _nfc(org.committee_name) or derive_committee_name(org.kind, org.name)


def inherited_place(place_names: Iterable[str]) -> str:
    """Return the place documents name, from the place names of the path root → organization.

    An organization names its own place when it has one, else the nearest
    organization above that has one; "" when none has.
    """
    found = ""
    for place in place_names:
        if _nfc(place):
            found = _nfc(place)
    return found
