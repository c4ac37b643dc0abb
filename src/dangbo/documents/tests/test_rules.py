"""The issuer block and the signature block agree (HD 36-HD/VPTW); numbers and terms."""

import datetime as dt

import pytest

from dangbo.documents import rules
from dangbo.documents.rules import IssuerBlock, IssuingBody

D = dt.date


@pytest.mark.parametrize(
    ("superior", "committee", "body", "expected"),
    [
        # A grassroots committee under the province: the province's party organization above.
        ("Đảng bộ tỉnh Lạc Hồng", "Đảng ủy Hội Nông dân tỉnh", IssuingBody.COMMITTEE, IssuerBlock(
            "ĐẢNG BỘ TỈNH LẠC HỒNG", "ĐẢNG ỦY HỘI NÔNG DÂN TỈNH", "T/M ĐẢNG ỦY",
            "ĐẢNG ỦY HỘI NÔNG DÂN TỈNH",
        )),
        # Its standing committee issues in the committee's name and signs T/M BAN THƯỜNG VỤ.
        ("Đảng bộ tỉnh Lạc Hồng", "Đảng ủy Hội Nông dân tỉnh", IssuingBody.STANDING_COMMITTEE,
         IssuerBlock("ĐẢNG BỘ TỈNH LẠC HỒNG", "ĐẢNG ỦY HỘI NÔNG DÂN TỈNH", "T/M BAN THƯỜNG VỤ",
                     "BAN THƯỜNG VỤ ĐẢNG ỦY HỘI NÔNG DÂN TỈNH")),
        # The provincial committee at the top: no superior line; its executive signs T/M TỈNH ỦY.
        ("", "Tỉnh ủy Lạc Hồng", IssuingBody.COMMITTEE,
         IssuerBlock("", "TỈNH ỦY LẠC HỒNG", "T/M TỈNH ỦY", "TỈNH ỦY LẠC HỒNG")),
        ("", "Tỉnh ủy Lạc Hồng", IssuingBody.STANDING_OFFICE,
         IssuerBlock("", "TỈNH ỦY LẠC HỒNG", "T/M THƯỜNG TRỰC TỈNH ỦY",
                     "THƯỜNG TRỰC TỈNH ỦY LẠC HỒNG")),
        ("Đảng bộ tỉnh Thái Nguyên", "Huyện ủy Đại Từ", IssuingBody.STANDING_COMMITTEE,
         IssuerBlock("ĐẢNG BỘ TỈNH THÁI NGUYÊN", "HUYỆN ỦY ĐẠI TỪ", "T/M BAN THƯỜNG VỤ",
                     "BAN THƯỜNG VỤ HUYỆN ỦY ĐẠI TỪ")),
        # A cell without a committee issues in its own name and signs T/M CHI BỘ.
        ("Đảng bộ Hội Nông dân tỉnh", "Chi bộ Văn phòng", IssuingBody.CELL, IssuerBlock(
            "ĐẢNG BỘ HỘI NÔNG DÂN TỈNH", "CHI BỘ VĂN PHÒNG", "T/M CHI BỘ", "CHI BỘ VĂN PHÒNG",
        )),
    ],
)  # fmt: skip
def test_the_issuer_block_and_the_signature_agree(superior, committee, body, expected):
    assert rules.issuer_block(superior_name=superior, committee=committee, body=body) == expected


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("101-QĐ/ĐUK", (101, "QĐ/ĐUK")),
        ("Số 09-KH/ĐU", (9, "KH/ĐU")),
        ("07", (7, "")),
        (" 15 - GGT/HU ", (15, "GGT/HU")),
        ("QĐ/ĐU", None),
        ("", None),
    ],
)
def test_a_typed_number_is_read_with_its_symbol(typed, parsed):
    assert rules.parse_number(typed) == parsed


def test_numbers_start_from_01_and_carry_the_type_and_issuer_symbols():
    assert rules.number_text(1, rules.symbol_of("QD", rules.issuer_symbol("BLOC"))) == "01-QĐ/ĐUK"
    assert rules.number_text(127, rules.symbol_of("GGT", rules.issuer_symbol("PROVINCIAL"))) == (
        "127-GGT/TU"
    )
    assert rules.symbol_of("QD", rules.issuer_symbol("GRASSROOTS_DANG_BO")) == "QĐ/ĐU"


TERMS = [
    rules.Term("2020", D(2020, 10, 16), D(2025, 10, 15)),  # closes with the 2025 congress
    rules.Term("2025", D(2025, 10, 16), None),
]


@pytest.mark.parametrize(
    ("on", "key"),
    [
        (D(2020, 10, 15), None),  # before any recorded term
        (D(2020, 10, 16), "2020"),
        (D(2025, 10, 15), "2020"),  # the closing day of the next congress is still the old term
        (D(2025, 10, 16), "2025"),  # the day after the closing starts the new one
        (D(2030, 1, 1), "2025"),
    ],
)
def test_the_term_is_chosen_by_the_date_of_issue(on, key):
    found = rules.term_on(TERMS, on)
    assert (found.key if found else None) == key
