"""Rules on the organization tree, as pure functions.

Sources: Điều lệ Đảng (2011) Đ10, Đ21, Đ24; Quy định thi hành Điều lệ
QĐ 294-QĐ/TW (26/05/2025, in force 01/07/2025), which ended the district
level and the provincial bloc committees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# QĐ 294-QĐ/TW takes effect: the tree is organized at three levels.
REFORM_2025_ON = dt.date(2025, 7, 1)

# Điều lệ Đảng Đ21 k2, Đ24 k1: a party organization needs at least 3 official members.
MIN_OFFICIAL_MEMBERS = 3
# Điều lệ Đảng Đ21: fewer than 30 members → chi bộ cơ sở; 30 or more → đảng bộ cơ sở.
DANG_BO_MIN_MEMBERS = 30
# Điều lệ Đảng Đ24 k4: a cell with 9 or more official members elects a cell committee.
CELL_COMMITTEE_MIN_OFFICIAL = 9


@dataclass(frozen=True)
class KindPair:
    parent_kind: str
    child_kind: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def covers(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on < self.valid_until
        )


def nesting_allowed(
    parent_kind: str, child_kind: str, on: dt.date, pairs: Iterable[KindPair]
) -> bool:
    """Whether a child of ``child_kind`` may stand under ``parent_kind`` on ``on``.

    The legal pairs are data (``OrgKindRule``) because the 2025 reform
    (QĐ 294-QĐ/TW, from 01/07/2025) changed them.
    """
    return any(
        p.parent_kind == parent_kind and p.child_kind == child_kind and p.covers(on) for p in pairs
    )


def is_within(path: str, ancestor_path: str) -> bool:
    """Whether the node at ``path`` is ``ancestor_path`` itself or lies under it."""
    return path.startswith(ancestor_path)


def subtree_upper_bound(path: str) -> str:
    """Return the smallest string above every path that starts with ``path``.

    Paths end with "." and "/" is the next byte, so ``path <= p < bound``
    selects a subtree with one index range scan on any database.
    """
    return path[:-1] + "/"


@dataclass(frozen=True)
class StructureWarning:
    code: str
    message: str


def structure_warnings(
    *,
    kind: str,
    member_count: int,
    official_count: int,
    is_cell: bool,
    is_grassroots_cell: bool,
    is_grassroots_dang_bo: bool,
) -> list[StructureWarning]:
    """Return the warnings (not refusals) Điều lệ Đảng Đ21 and Đ24 give for an organization's size."""
    warnings: list[StructureWarning] = []
    if (is_cell or is_grassroots_dang_bo) and official_count < MIN_OFFICIAL_MEMBERS:
        warnings.append(StructureWarning(
            "below_minimum",
            f"Có {official_count} đảng viên chính thức, ít hơn mức tối thiểu "
            f"{MIN_OFFICIAL_MEMBERS} (Điều lệ Đảng, Điều 21, Điều 24).",
        ))  # fmt: skip
    if is_grassroots_cell and member_count >= DANG_BO_MIN_MEMBERS:
        warnings.append(StructureWarning(
            "cell_too_large",
            f"Chi bộ cơ sở có {member_count} đảng viên, từ {DANG_BO_MIN_MEMBERS} trở lên cần "
            "thành lập đảng bộ cơ sở hoặc có văn bản đồng ý của cấp trên (Điều lệ Đảng, Điều 21).",
        ))  # fmt: skip
    if is_grassroots_dang_bo and member_count < DANG_BO_MIN_MEMBERS:
        warnings.append(StructureWarning(
            "dang_bo_too_small",
            f"Đảng bộ cơ sở có {member_count} đảng viên, dưới {DANG_BO_MIN_MEMBERS} cần văn bản "
            "đồng ý của cấp trên (Điều lệ Đảng, Điều 21).",
        ))  # fmt: skip
    return warnings


# Kinds that exist only inside a grassroots đảng bộ: a đảng bộ bộ phận is set up by the grassroots
# committee (Điều lệ Đảng Đ10 k3) and a chi bộ trực thuộc belongs to it (Điều lệ Đảng Đ24 k1).
INSIDE_GRASSROOTS_KINDS = ("SUB_DANG_BO", "DEPENDENT_CELL")


def top_kind_refusal(kind: str, established_on: dt.date) -> str:
    """Why an organization of ``kind`` founded on ``established_on`` cannot be the top of an
    installation (the organization every other one stands under), or "" when it can.

    Any party organization with its own committee can run an installation: a provincial
    committee, a bloc, a superior or grassroots đảng bộ, a chi bộ cơ sở. Not a kind that exists
    only inside a grassroots đảng bộ (Điều lệ Đảng Đ10 k3, Đ24 k1), and not a district committee
    founded from 01/07/2025, when QĐ 294-QĐ/TW ended the district level.
    """
    if kind in INSIDE_GRASSROOTS_KINDS:
        return "chỉ có trong một đảng bộ cơ sở (Điều lệ Đảng, Điều 10 khoản 3, Điều 24 khoản 1)"
    if kind == "DISTRICT" and established_on >= REFORM_2025_ON:
        return "từ ngày 01/07/2025 không còn cấp huyện (QĐ 294-QĐ/TW)"
    return ""
