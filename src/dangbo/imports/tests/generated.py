"""A member register of any length, as an office would export it (CSV), for tests."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ đảng viên",
          "Ngày vào Đảng", "Ngày chính thức", "Mã chi bộ"]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Minh", "Nam"]


def member_csv(path: Path, count: int, *, cell: str = "C1") -> Path:
    """Write ``count`` valid members of ``cell`` (distinct card numbers) to ``path``."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(count):
            male = i % 2 == 0
            name = f"{FAMILY[i % len(FAMILY)]} {'Văn' if male else 'Thị'} {GIVEN[i % len(GIVEN)]}"
            born = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 20}"
            out.writerow([i + 1, name, born, "Nam" if male else "Nữ", "Kinh", f"{10000000 + i}",
                          "03/02/2015", "03/02/2016", cell])  # fmt: skip
    return path
