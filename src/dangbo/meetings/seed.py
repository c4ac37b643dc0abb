"""The published rubrics seeded as templates (rules digest §5.4); a committee adopts one as its own.

Both are 100-point sheets. Kept as plain data so that the data migration and the tests read
the same values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

NGHE_AN_2021 = {
    "name": "Biểu chấm điểm sinh hoạt chi bộ (Nghệ An, 2021)",
    "source": "Quy định 08-QĐ/TU ngày 15/09/2021 của Tỉnh ủy Nghệ An",
    "valid_from": dt.date(2021, 9, 15),
    "valid_until": dt.date(2023, 10, 30),  # replaced by QĐ 27-QĐ/TU of 30/10/2023
    "criteria": [
        ("Công tác chuẩn bị sinh hoạt", D(20), False),
        ("Số lượng đảng viên dự sinh hoạt", D(10), False),
        ("Tổ chức, điều hành buổi sinh hoạt", D(45), False),
        ("Thực hiện nguyên tắc tổ chức, sinh hoạt đảng", D(15), False),
        ("Chất lượng báo cáo, kết luận", D(10), False),
    ],
    "levels": [
        ("GOOD", D(80), None, False),
        ("FAIR", D(70), D(80), False),
        ("AVERAGE", D(50), D(70), False),
        ("POOR", D(0), D(50), False),
    ],
}

BINH_THUAN_BLOC = {
    "name": "Biểu chấm điểm sinh hoạt chi bộ hằng tháng (khối, Bình Thuận)",
    "source": "Sổ tay công tác đảng của Đảng ủy Khối tỉnh Bình Thuận",
    "valid_from": dt.date(2018, 7, 6),
    "valid_until": None,
    "criteria": [
        ("Số lượng đảng viên dự sinh hoạt", D(10), True),
        ("Thời gian sinh hoạt", D(10), True),
        ("Công tác chuẩn bị nội dung", D(20), False),
        ("Đảng viên tham gia thảo luận, đóng góp ý kiến", D(20), True),
        ("Ghi biên bản, sổ nghị quyết", D(10), True),
        ("Thực hiện nguyên tắc tổ chức, sinh hoạt đảng", D(15), False),
        ("Kết quả thực hiện nghị quyết, kết luận", D(15), False),
    ],
    "levels": [
        ("GOOD", D(90), None, True),
        ("FAIR", D(70), D(90), False),
        ("AVERAGE", D(50), D(70), False),
        ("POOR", D(0), D(50), False),
    ],
}

TEMPLATES = (NGHE_AN_2021, BINH_THUAN_BLOC)
