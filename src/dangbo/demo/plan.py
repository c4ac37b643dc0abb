"""The demo committee's organization tree and its history, planned in memory.

Pure and deterministic: the same seed and size give the same plan. The
plan lists the organizations (with the periods the cells exist, so members
can be placed consistently) and the dated operations that build the tree
through the organization services: foundings, renames, one merge, one
split, one dissolution, a few cell mergers and the 2025 re-organization.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangbo.organizations.models import OrgKind
from dangbo.organizations.rules import REFORM_2025_ON

from . import names

BASE_MEMBERS = 6000
BASE_GRASSROOTS = 65
MIN_GRASSROOTS = 10
MIN_DANG_BO = 8

PROVINCIAL_ON = dt.date(1976, 2, 3)
BLOC_ON = dt.date(1996, 3, 1)
REGISTRY_FROM = dt.date(2015, 1, 1)
RENAME_ON = (dt.date(2017, 7, 1), dt.date(2023, 5, 15))
MERGE_ON = dt.date(2019, 10, 1)
SPLIT_ON = dt.date(2021, 1, 1)
DISSOLVE_ON = dt.date(2022, 7, 1)
REORG_ON = REFORM_2025_ON
BLOC_LAST_DAY = REORG_ON - dt.timedelta(days=1)
KEY_DATES = frozenset({*RENAME_ON, MERGE_ON, SPLIT_ON, DISSOLVE_ON, REORG_ON})

ROOT_CODE = "DEMO"
BLOC_CODE = "KCQ"
PARTY_AGENCIES_CODE = "CQD"
STATE_CODE = "UBND"

# The organization is the provincial đảng bộ; its committee, the Tỉnh ủy, issues and signs.
ROOT_NAME = "Đảng bộ tỉnh " + names.PROVINCE
TU = "Tỉnh ủy " + names.PROVINCE
REORG_DECISION = {"number": "123-QĐ/TU", "signed_on": dt.date(2025, 6, 27), "issuer": TU}


@dataclass
class OrgPlan:
    code: str
    name: str
    kind: str
    parent: str | None
    established_on: dt.date
    sector: str | None = None
    unit: str = ""  # the host unit, for grassroots organizations
    after_2025: str = ""  # "DANG", "UBND" or "TINH" for grassroots organizations
    weight: float = 0.0  # share of the members, for cells
    staff_headcount: int | None = None
    dissolved_on: dt.date | None = None
    successor: str | None = None  # where the members of a dissolved cell go
    keep_share: float = 1.0  # the share of them who follow; the others transfer out
    cells: list[str] = field(default_factory=list)
    committee_name: str = ""  # recorded where the derived one would not do
    place_name: str = ""  # the place documents name; the others inherit it

    @property
    def is_cell(self) -> bool:
        return self.kind in (OrgKind.GRASSROOTS_CELL, OrgKind.DEPENDENT_CELL)

    def alive_on(self, on: dt.date) -> bool:
        return self.established_on <= on and (self.dissolved_on is None or on < self.dissolved_on)


@dataclass(frozen=True)
class Op:
    on: dt.date
    order: int
    kind: str  # found, rename, merge, split, dissolve, move, merge_cell
    code: str
    data: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class TreePlan:
    orgs: dict[str, OrgPlan]
    ops: list[Op]
    grassroots: list[str]
    cells: list[str]
    roles: dict[str, str]  # which organization plays which part in the history

    def alive_cells(self, on: dt.date) -> list[str]:
        return [c for c in self.cells if self.orgs[c].alive_on(on)]


def _decision(rng: random.Random, on: dt.date, issuer: str, suffix: str = "QĐ/ĐUK") -> dict:
    signed = on - dt.timedelta(days=rng.randrange(3, 25))
    return {"number": f"{rng.randrange(10, 990)}-{suffix}", "signed_on": signed, "issuer": issuer}


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """Return a date in [start, end], avoiding the dates of the big re-arrangements."""
    span = (end - start).days
    for _ in range(10):
        day = start + dt.timedelta(days=rng.randrange(span + 1)) if span > 0 else start
        if day not in KEY_DATES:
            return day
    return day + dt.timedelta(days=1)


def _units(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """Return ``count`` host units (code, name, sector, place after 2025), varied across sectors."""
    if count <= len(names.UNITS):
        picked = sorted(rng.sample(range(len(names.UNITS)), count))
        return [names.UNITS[i] for i in picked]
    units = list(names.UNITS)
    seen = {u[1] for u in units}
    i = 0
    while len(units) < count:
        template, sector, after = names.EXTRA_UNITS[i % len(names.EXTRA_UNITS)]
        name = template.format(
            person=names.PEOPLE_FOR_SCHOOLS[(i // 8) % len(names.PEOPLE_FOR_SCHOOLS)],
            district=names.DISTRICTS[(i // 8) % len(names.DISTRICTS)],
        )
        round_no = i // (8 * max(len(names.DISTRICTS), len(names.PEOPLE_FOR_SCHOOLS)))
        if round_no:
            name = f"{name} số {round_no + 1}"
        if name not in seen:
            seen.add(name)
            units.append((f"CS{len(units) + 1:05d}", name, sector, after))
        i += 1
    return units


def plan_tree(*, members: int, seed: int, as_of: dt.date) -> TreePlan:
    """Plan the demo committee for about ``members`` members."""
    rng = random.Random(f"tree:{seed}")
    scale = members / BASE_MEMBERS
    grassroots_count = max(MIN_GRASSROOTS, round(BASE_GRASSROOTS * scale))
    orgs: dict[str, OrgPlan] = {}
    ops: list[Op] = []

    def add(org: OrgPlan, order: int, decision: dict | None = None) -> OrgPlan:
        orgs[org.code] = org
        ops.append(Op(org.established_on, order, "found", org.code, {"decision": decision}))
        return org

    add(OrgPlan(ROOT_CODE, ROOT_NAME, OrgKind.PROVINCIAL, None, PROVINCIAL_ON, committee_name=TU,
                place_name=names.PROVINCE), 0)  # fmt: skip
    add(OrgPlan(BLOC_CODE, "Đảng bộ Khối các cơ quan tỉnh", OrgKind.BLOC, ROOT_CODE, BLOC_ON), 1,
        _decision(rng, BLOC_ON, TU, "QĐ/TU"))  # fmt: skip

    grassroots: list[str] = []
    cells: list[str] = []
    units = _units(rng, grassroots_count)
    # Mostly đảng bộ cơ sở; at least eight, for the history's merge, split, dissolution and renames.
    dang_bo_flags = [rng.random() < 0.8 for _ in units]
    for i in range(len(units)):
        if sum(dang_bo_flags) >= MIN_DANG_BO:
            break
        dang_bo_flags[i] = True
    for (code, unit, sector, after), is_dang_bo in zip(units, dang_bo_flags, strict=True):
        established = _random_date(rng, BLOC_ON, dt.date(2010, 12, 31))
        kind = OrgKind.GRASSROOTS_DANG_BO if is_dang_bo else OrgKind.GRASSROOTS_CELL
        prefix = "Đảng bộ" if is_dang_bo else "Chi bộ"
        g = add(OrgPlan(code, f"{prefix} {unit}", kind, BLOC_CODE, established, sector=sector,
                        unit=unit, after_2025=after), 2,
                _decision(rng, established, "Đảng ủy Khối các cơ quan tỉnh"))  # fmt: skip
        grassroots.append(code)
        if not is_dang_bo:
            g.weight = rng.uniform(12, 28)
            cells.append(code)
            continue
        count = min(12, 3 + int(rng.expovariate(1 / 3.2)))
        departments = names.DEPARTMENTS[sector]
        for i in range(count):
            on = (
                established
                if i < 2 or rng.random() < 0.7
                else _random_date(rng, established, dt.date(2014, 12, 31))
            )
            department = departments[i % len(departments)]
            if i >= len(departments):
                department = f"{department} {i // len(departments) + 1}"
            cell = add(OrgPlan(f"{code}-{i + 1:02d}", f"Chi bộ {department}", OrgKind.DEPENDENT_CELL, code, on,
                               weight=rng.uniform(8, 32)), 3,
                       _decision(rng, on, g.name, "QĐ/ĐU"))  # fmt: skip
            g.cells.append(cell.code)
            cells.append(cell.code)

    dang_bo = [c for c in grassroots if orgs[c].kind == OrgKind.GRASSROOTS_DANG_BO]
    roles: dict[str, str] = {}
    used: set[str] = set()

    def pick(candidates: list[str], role: str) -> str:
        choice = next(c for c in candidates if c not in used)
        used.add(choice)
        roles[role] = choice
        return choice

    by_size = sorted(dang_bo, key=lambda c: (-len(orgs[c].cells), c))
    # One split (2021): the largest đảng bộ becomes two.
    split_code = pick(by_size, "split")
    # One merge (2019): two đảng bộ of the same sector.
    merge_source = pick(list(reversed(by_size)), "merge_source")
    same_sector = [c for c in by_size if orgs[c].sector == orgs[merge_source].sector]
    merge_target = pick(same_sector + by_size, "merge_target")
    # One dissolution (2022): preferably a state enterprise.
    enterprises = [c for c in dang_bo if orgs[c].sector == "DN_NHA_NUOC"]
    dissolved = pick(enterprises + list(reversed(by_size)), "dissolved")
    departments_first = sorted(dang_bo, key=lambda c: (not orgs[c].unit.startswith("Sở "), c))
    renamed = [pick(departments_first, "rename_1"), pick(departments_first, "rename_2")]
    # The demo users' đảng bộ stays out of every re-arrangement.
    pick(by_size, "users")

    # Renames.
    for code, on in zip(renamed, RENAME_ON, strict=True):
        org = orgs[code]
        unit = org.unit.replace(" tỉnh", "") + f" tỉnh {names.PROVINCE}"
        ops.append(
            Op(
                on,
                5,
                "rename",
                code,
                {
                    "name": f"Đảng bộ {unit}",
                    "decision": _decision(rng, on, "Đảng ủy Khối các cơ quan tỉnh"),
                },
            )
        )

    # New cells founded after the registry starts (members arrive by moves, admissions, transfers).
    for code in dang_bo:
        if code in used or rng.random() > 0.08:
            continue
        g = orgs[code]
        on = _random_date(rng, dt.date(2016, 1, 1), dt.date(2024, 12, 31))
        departments = names.DEPARTMENTS[g.sector]
        department = departments[len(g.cells) % len(departments)]
        if len(g.cells) >= len(departments):
            department = f"{department} {len(g.cells) // len(departments) + 1}"
        cell = add(OrgPlan(f"{code}-{len(g.cells) + 1:02d}", f"Chi bộ {department}",
                           OrgKind.DEPENDENT_CELL, code, on, weight=rng.uniform(6, 15)), 3,
                   _decision(rng, on, g.name, "QĐ/ĐU"))  # fmt: skip
        g.cells.append(cell.code)
        cells.append(cell.code)

    # A few cells merge into a sibling (members move on that date).
    for code in dang_bo:
        g = orgs[code]
        if code in used or len(g.cells) < 4 or rng.random() > 0.12:
            continue
        source, target = orgs[g.cells[-1]], orgs[g.cells[0]]
        start = max(dt.date(2016, 1, 1), source.established_on + dt.timedelta(days=400))
        if start > dt.date(2024, 6, 30):
            continue
        on = _random_date(rng, start, dt.date(2024, 12, 31))
        source.dissolved_on, source.successor = on, target.code
        ops.append(
            Op(
                on,
                6,
                "merge_cell",
                source.code,
                {"target": target.code, "decision": _decision(rng, on, g.name, "QĐ/ĐU")},
            )
        )

    # The merge of two đảng bộ (2019): the source's cells move under the target.
    ops.append(Op(MERGE_ON, 4, "merge", merge_source, {
        "target": merge_target, "decision": _decision(rng, MERGE_ON, "Đảng ủy Khối các cơ quan tỉnh"),
    }))  # fmt: skip
    orgs[merge_source].dissolved_on = MERGE_ON
    orgs[merge_target].cells.extend(orgs[merge_source].cells)

    # The split (2021): two new đảng bộ share the cells, the old one ends.
    source = orgs[split_code]
    half = len(source.cells) // 2
    part_names = (
        ("Đảng bộ Sở Văn hóa và Thể thao", "Đảng bộ Sở Du lịch") if split_code == "SVHTTDL"
        else (f"{source.name} - Khối quản lý", f"{source.name} - Khối đơn vị trực thuộc")
    )  # fmt: skip
    parts = []
    for i, (name, part_cells) in enumerate(
        zip(part_names, (source.cells[:half], source.cells[half:]), strict=True)
    ):
        part = OrgPlan(f"{split_code}{chr(ord('A') + i)}", name, OrgKind.GRASSROOTS_DANG_BO, BLOC_CODE, SPLIT_ON,
                       sector=source.sector, unit=name.removeprefix("Đảng bộ "), after_2025=source.after_2025,
                       cells=list(part_cells))  # fmt: skip
        orgs[part.code] = part
        grassroots.append(part.code)
        parts.append(part.code)
    source.dissolved_on = SPLIT_ON
    ops.append(Op(SPLIT_ON, 4, "split", split_code, {
        "parts": parts, "decision": _decision(rng, SPLIT_ON, "Đảng ủy Khối các cơ quan tỉnh"),
    }))  # fmt: skip

    # The dissolution (2022): the cells end, most members move to another organization.
    gone = orgs[dissolved]
    receivers = [c for c in orgs[roles["merge_target"]].cells if orgs[c].dissolved_on is None]
    for i, cell_code in enumerate(gone.cells):
        cell = orgs[cell_code]
        if cell.dissolved_on is not None:
            continue
        cell.dissolved_on = DISSOLVE_ON
        cell.successor = receivers[i % len(receivers)]
        cell.keep_share = 0.6
        ops.append(
            Op(
                DISSOLVE_ON,
                4,
                "dissolve",
                cell_code,
                {"decision": _decision(rng, DISSOLVE_ON, "Đảng ủy Khối các cơ quan tỉnh")},
            )
        )
    gone.dissolved_on = DISSOLVE_ON
    ops.append(
        Op(
            DISSOLVE_ON,
            5,
            "dissolve",
            dissolved,
            {"decision": _decision(rng, DISSOLVE_ON, "Đảng ủy Khối các cơ quan tỉnh")},
        )
    )

    # 01/07/2025: the bloc ends; two superior organizations take its grassroots organizations.
    add(OrgPlan(PARTY_AGENCIES_CODE, "Đảng bộ các cơ quan Đảng tỉnh", OrgKind.SUPERIOR, ROOT_CODE, REORG_ON), 0,
        {**REORG_DECISION, "number": "120-QĐ/TU"})  # fmt: skip
    add(OrgPlan(STATE_CODE, "Đảng bộ Ủy ban nhân dân tỉnh", OrgKind.SUPERIOR, ROOT_CODE, REORG_ON), 0,
        {**REORG_DECISION, "number": "121-QĐ/TU"})  # fmt: skip
    new_parent = {"DANG": PARTY_AGENCIES_CODE, "UBND": STATE_CODE, "TINH": ROOT_CODE}
    for code in grassroots:
        if orgs[code].dissolved_on is None:
            ops.append(
                Op(
                    REORG_ON,
                    1,
                    "move",
                    code,
                    {"parent": new_parent[orgs[code].after_2025], "decision": REORG_DECISION},
                )
            )
    orgs[BLOC_CODE].dissolved_on = REORG_ON
    ops.append(
        Op(
            REORG_ON,
            2,
            "dissolve",
            BLOC_CODE,
            {"decision": {**REORG_DECISION, "number": "124-QĐ/TU"}},
        )
    )

    # Staff of each host unit: members are 30–60% of it.
    total_weight = sum(orgs[c].weight for c in cells)
    for code in grassroots:
        g = orgs[code]
        own = [g.code] if g.is_cell else g.cells
        expected = sum(orgs[c].weight for c in own) * members / total_weight
        g.staff_headcount = max(5, round(expected / rng.uniform(0.3, 0.6)))

    ops = [op for op in ops if op.on <= as_of]
    ops.sort(key=lambda op: (op.on, op.order, op.code))
    return TreePlan(orgs=orgs, ops=ops, grassroots=grassroots, cells=cells, roles=roles)
