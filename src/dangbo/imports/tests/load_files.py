"""Member lists of any length for the tests under load, written as an office exports them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Thủy", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]  # fmt: skip
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ ĐV", "Ngày vào Đảng", "Ngày chính thức",
          "Mã chi bộ"]  # fmt: skip
BIRTH_DAYS = 9000  # births spread over 1960-1984: every member is 18 before 2010


def card_of(index: int) -> str:
    return f"{index + 1:08d}"


def member_csv(path: Path, count: int, cells: list[str]) -> Path:
    """``count`` new official members spread over ``cells`` (codes), all valid and distinct."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(count):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=i % BIRTH_DAYS)
            given = GIVEN[(i // BIRTH_DAYS) % len(GIVEN)]
            out.writerow([
                f"Nguyễn Văn {given}", f"{born:%d/%m/%Y}", "Nam", card_of(i), "02/03/2010",
                "02/03/2011", cells[i % len(cells)],
            ])  # fmt: skip
    return path
