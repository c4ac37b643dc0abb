"""The demo committee's members: identities and dated party histories, in memory.

Each member's events respect the planned tree: a member is only ever in a
cell on dates when that cell exists, and when a cell ends its members move
(or transfer out) on that very day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from dangbo.members import rules
from dangbo.organizations.models import OrgKind

from . import names
from .plan import REGISTRY_FROM, TreePlan

ADMITTED, MADE_OFFICIAL, TRANSFERRED_IN, MOVED = (
    "ADMITTED",
    "MADE_OFFICIAL",
    "TRANSFERRED_IN",
    "MOVED",
)
TRANSFERRED_OUT, EXEMPTED, STRUCK_OFF, EXPELLED, DIED = (
    "TRANSFERRED_OUT", "EXEMPTED", "STRUCK_OFF", "EXPELLED", "DIED",
)  # fmt: skip
EARLIEST_ADMISSION = dt.date(1975, 5, 1)

_FAMILY, _FAMILY_CUM = zip(
    *itertools.accumulate(names.FAMILY_NAMES, lambda a, b: (b[0], a[1] + b[1])), strict=True
)
_ETHNICITY = (
    ("01", 880),
    ("02", 30),
    ("03", 30),
    ("06", 30),
    ("07", 10),
    ("05", 8),
    ("04", 6),
    ("08", 6),
)
_RELIGION = (("00", 950), ("01", 30), ("02", 20))
_PROFESSIONAL = (("04", 620), ("05", 190), ("06", 30), ("03", 60), ("02", 70), ("00", 30))
_AGE_BANDS = ((22, 30, 14), (30, 40, 27), (40, 50, 24), (50, 60, 19), (60, 70, 11), (70, 80, 5))
_OTHER_PLACES = (
    "Đảng bộ Trường Đại học Sư phạm {p}", "Đảng bộ Quân sự tỉnh {p}", "Đảng bộ Công an tỉnh {p}",
    "Đảng bộ xã {c}, huyện {d}", "Đảng bộ Khối Doanh nghiệp tỉnh {p}", "Đảng bộ Trường Đại học Kinh tế {p}",
)  # fmt: skip


@dataclass(slots=True)
class DraftEvent:
    kind: str
    on: dt.date
    org: str | None = None
    other_party: str = ""
    decision_number: str = ""
    note: str = ""


@dataclass(slots=True)
class DraftMember:
    index: int
    identity: dict
    events: list[DraftEvent] = field(default_factory=list)


def _weighted(table, rng: random.Random) -> str:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for code, weight in table:
        x -= weight
        if x < 0:
            return code
    return table[-1][0]


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randrange(span + 1)) if span > 0 else start


def cell_counts(plan: TreePlan, members: int) -> list[tuple[str, int]]:
    """Share ``members`` among the cells by their weights (largest remainders)."""
    total = sum(plan.orgs[c].weight for c in plan.cells)
    exact = [(c, members * plan.orgs[c].weight / total) for c in plan.cells]
    counts = {c: int(x) for c, x in exact}
    left = members - sum(counts.values())
    for c, _ in sorted(exact, key=lambda cx: (-(cx[1] - int(cx[1])), cx[0]))[:left]:
        counts[c] += 1
    return [(c, counts[c]) for c in plan.cells]


class MemberGenerator:
    """Generate the members of a planned tree, deterministically from the seed."""

    def __init__(self, plan: TreePlan, *, members: int, seed: int, as_of: dt.date) -> None:
        self.plan = plan
        self.members = members
        self.as_of = as_of
        self.rng = random.Random(f"members:{seed}")
        salt = random.Random(f"numbers:{seed}")
        self._card = (salt.randrange(10**7, 10**8 - 1) | 1, salt.randrange(10**8))
        self._pid = (salt.randrange(10**5, 10**6 - 1) | 1, salt.randrange(10**6))
        self.expelled_index = members // 3
        self.expelled = False
        self.parents = {
            c: plan.orgs[c].parent if plan.orgs[c].kind == OrgKind.DEPENDENT_CELL else c
            for c in plan.cells
        }

    # -- identity ---------------------------------------------------------

    def _name(self, female: bool, born: int) -> str:
        rng = self.rng
        family = rng.choices(_FAMILY, cum_weights=_FAMILY_CUM)[0]
        if female:
            if rng.random() < (0.7 if born < 1980 else 0.35):
                middle = "Thị" if rng.random() < 0.7 else "Thị " + rng.choice(names.FEMALE_MIDDLE)
            else:
                middle = rng.choice(names.FEMALE_MIDDLE)
            given = rng.choice(names.FEMALE_GIVEN)
        else:
            middle = (
                "Văn"
                if rng.random() < (0.45 if born < 1980 else 0.2)
                else rng.choice(names.MALE_MIDDLE)
            )
            given = rng.choice(names.MALE_GIVEN)
        if middle.endswith(given):
            given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN[:40])
        return f"{family} {middle} {given}"

    def _identity(self, index: int, born: dt.date, female: bool, sector: str | None) -> dict:
        rng = self.rng
        age = rules.age_on(born, self.as_of)
        commune, district = rng.choice(names.COMMUNES), rng.choice(names.DISTRICTS)
        if rng.random() < 0.85:
            home = f"Xã {commune}, huyện {district}, tỉnh {names.PROVINCE}"
        else:
            home = f"Xã {rng.choice(names.COMMUNES)}, tỉnh {rng.choice(names.OTHER_PROVINCES)}"
        a, b = self._card
        c, d = self._pid
        century = (0 if born.year < 2000 else 2) + (1 if female else 0)
        theory_roll = rng.random() + (0.25 if age >= 45 else 0) + (0.15 if age >= 55 else 0)
        theory = (
            "00" if theory_roll < 0.12 else "01" if theory_roll < 0.6 else "02" if theory_roll < 0.95
            else "03" if theory_roll < 1.3 else "04"
        )  # fmt: skip
        return {
            "full_name": self._name(female, born.year),
            "date_of_birth": born,
            "sex": "F" if female else "M",
            "ethnicity": _weighted(_ETHNICITY, rng),
            "religion": _weighted(_RELIGION, rng),
            "home_town": home,
            "birth_place": home
            if rng.random() < 0.8
            else f"Tỉnh {rng.choice(names.OTHER_PROVINCES)}",
            "permanent_address": (
                f"Số {rng.randrange(1, 300)}, đường {rng.choice(names.STREETS)}, "
                f"phường {rng.choice(names.COMMUNES)}, tỉnh {names.PROVINCE}"
            ),
            "personal_id_number": f"0{rng.choice(('38', '40', '42', '44'))}{century}{born.year % 100:02d}{(c * (index + 1) + d) % 10**6:06d}",
            "phone": f"09{rng.randrange(10**8):08d}",
            "occupation": rng.choice(names.OCCUPATIONS.get(sector or "", ["Công chức"])),
            "card_number": f"{(a * (index + 1) + b) % 10**8:08d}",
            "general_education": "10/10" if born.year < 1962 and rng.random() < 0.6 else "12/12",
            "professional_level": _weighted(_PROFESSIONAL, rng),
            "political_theory_level": theory,
        }

    def _other_place(self) -> str:
        rng = self.rng
        return rng.choice(_OTHER_PLACES).format(
            p=rng.choice(names.OTHER_PROVINCES),
            c=rng.choice(names.COMMUNES),
            d=rng.choice(names.DISTRICTS),
        )

    def _decision(self, suffix: str = "QĐ/ĐU") -> str:
        return f"{self.rng.randrange(1, 900)}-{suffix}"

    # -- history ----------------------------------------------------------

    def _target_cell(self, current: str, on: dt.date) -> str | None:
        rng, orgs = self.rng, self.plan.orgs
        siblings = orgs[self.parents[current]].cells or [current]
        for attempt in range(8):
            pool = siblings if attempt < 3 and rng.random() < 0.7 else self.plan.cells
            candidate = rng.choice(pool)
            if candidate != current and orgs[candidate].alive_on(on):
                return candidate
        return None

    def member(self, index: int, home: str) -> DraftMember:
        rng, as_of, orgs = self.rng, self.as_of, self.plan.orgs
        cell = orgs[home]
        last_day_in_cell = min(cell.dissolved_on - dt.timedelta(days=1) if cell.dissolved_on else as_of,
                               as_of - dt.timedelta(days=20))  # fmt: skip
        female = rng.random() < 0.45
        low, high, _ = rng.choices(
            _AGE_BANDS, cum_weights=list(itertools.accumulate(b[2] for b in _AGE_BANDS))
        )[0]
        born = _between(
            rng, _years_after(as_of, -high), _years_after(as_of, -low) - dt.timedelta(days=1)
        )
        if _years_after(born, 20) > last_day_in_cell:  # the cell ended before they were grown up
            born = _years_after(last_day_in_cell, -rng.randrange(22, 40))
        # The day they joined this cell: after the cell's founding and their 20th birthday.
        join_low = max(cell.established_on, _years_after(born, 20))
        # Skewed early: most of today's members have been here for years, as in a real committee.
        span = max((last_day_in_cell - join_low).days, 0)
        joined = join_low + dt.timedelta(days=int(span * rng.random() ** 3))
        # The admission: age 19–40, from 1975 on, mostly before joining this cell.
        admitted = _years_after(
            born, rng.choice((19, 21, 22, 23, 24, 25, 26, 27, 28, 30, 32, 35, 38))
        )
        admitted += dt.timedelta(days=rng.randrange(365))
        admitted = max(admitted, EARLIEST_ADMISSION, _years_after(born, 18) + dt.timedelta(days=1))
        events: list[DraftEvent] = []
        if admitted < joined - dt.timedelta(days=60):
            place = self._other_place()
            events.append(DraftEvent(ADMITTED, admitted, None, place, self._decision()))
            start = joined
            events.append(DraftEvent(TRANSFERRED_IN, joined, home, place, self._decision()))
        else:
            if (
                admitted > last_day_in_cell
            ):  # too young for the planned age: admitted here at some point
                admitted = _between(rng, joined, last_day_in_cell)
            admitted = max(admitted, joined)
            start = admitted
            events.append(DraftEvent(ADMITTED, admitted, home, "", self._decision()))
        official = admitted + dt.timedelta(days=365 + rng.randrange(40))

        # The planned end of the party life here, if any (the earliest of the candidates).
        ends: list[tuple[dt.date, str]] = []
        registry_start = max(start + dt.timedelta(days=180), REGISTRY_FROM)
        if registry_start < as_of:
            age = rules.age_on(born, as_of)
            if index >= self.expelled_index and not self.expelled:
                self.expelled = True  # one expulsion in the whole committee
                ends.append((_between(rng, registry_start, as_of), EXPELLED))
            if rng.random() < (0.06 if age >= 60 else 0.006):
                ends.append((_between(rng, registry_start, as_of), DIED))
            if rng.random() < 0.08:
                ends.append(
                    (_between(rng, registry_start, as_of - dt.timedelta(days=10)), TRANSFERRED_OUT)
                )
            if rng.random() < 0.0025:
                ends.append((_between(rng, registry_start, as_of), STRUCK_OFF))
            retire_on = _years_after(born, 57 if female else 60)
            if registry_start <= retire_on <= as_of and rng.random() < 0.85:
                ends.append((retire_on, "RETIRED"))
        end_on, end_kind = min(ends) if ends else (None, None)
        if EXPELLED in (kind for _, kind in ends):
            end_on, end_kind = next(end for end in ends if end[1] == EXPELLED)

        # Internal moves after the registry starts.
        horizon = end_on or as_of
        moves: list[dt.date] = []
        move_low = max(start + dt.timedelta(days=365), REGISTRY_FROM)
        if move_low < horizon - dt.timedelta(days=30):
            for chance in (0.1, 0.02):
                if rng.random() < chance:
                    moves.append(_between(rng, move_low, horizon - dt.timedelta(days=30)))
        moves.sort()

        current, t = home, start
        while True:
            ends_on = orgs[current].dissolved_on
            next_move = moves[0] if moves else None
            if (
                ends_on is not None
                and ends_on <= horizon
                and (next_move is None or ends_on <= next_move)
            ):
                source = orgs[current]
                if source.successor and rng.random() < source.keep_share:
                    events.append(DraftEvent(MOVED, ends_on, source.successor, "", "",
                                             f"Tổ chức cũ ({source.name}) kết thúc hoạt động"))  # fmt: skip
                    current, t = source.successor, ends_on
                    moves = [m for m in moves if m > t]
                    continue
                end_on, end_kind = ends_on, "DISSOLVED"
                break
            if next_move is not None and next_move < horizon:
                moves.pop(0)
                target = self._target_cell(current, next_move) if next_move > t else None
                if target is not None:
                    events.append(DraftEvent(MOVED, next_move, target, "", self._decision()))
                    current, t = target, next_move
                continue
            break

        if official <= as_of and (end_on is None or official < end_on):
            events.append(DraftEvent(MADE_OFFICIAL, official, None, "", self._decision()))
            age_now = rules.age_on(born, as_of)
            if end_on is None and age_now >= 62 and rng.random() < 0.4:
                exempt_low = max(
                    official + dt.timedelta(days=30),
                    REGISTRY_FROM,
                    _years_after(born, 60),
                    t + dt.timedelta(days=1),
                )
                if exempt_low < as_of:
                    events.append(DraftEvent(EXEMPTED, _between(rng, exempt_low, as_of), None, "",
                                             self._decision(), "Tuổi cao, sức khỏe yếu"))  # fmt: skip
        if end_on is not None:
            if end_kind in ("RETIRED", "DISSOLVED", TRANSFERRED_OUT):
                place = (
                    f"Đảng bộ phường {rng.choice(names.COMMUNES)}, tỉnh {names.PROVINCE} (nơi cư trú)"
                    if end_kind == "RETIRED" else self._other_place()
                )  # fmt: skip
                note = {
                    "RETIRED": "Nghỉ hưu, chuyển về nơi cư trú",
                    "DISSOLVED": "Tổ chức giải thể, chuyển công tác",
                }
                events.append(
                    DraftEvent(
                        TRANSFERRED_OUT,
                        end_on,
                        None,
                        place,
                        self._decision(),
                        note.get(end_kind, ""),
                    )
                )
            elif end_kind == DIED:
                events.append(DraftEvent(DIED, end_on))
            elif end_kind == STRUCK_OFF:
                events.append(DraftEvent(STRUCK_OFF, end_on, None, "", self._decision(),
                                         "Bỏ sinh hoạt đảng ba tháng trong năm không có lý do chính đáng"))  # fmt: skip
            else:
                events.append(DraftEvent(EXPELLED, end_on, None, "", self._decision("QĐ/UBKT"),
                                         "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm"))  # fmt: skip
        events.sort(key=lambda e: e.on)  # stable: same-day events keep the order above
        identity = self._identity(index, born, female, orgs[self.parents[home]].sector)
        return DraftMember(index, identity, events)

    def __iter__(self) -> Iterator[DraftMember]:
        index = 0
        for cell, count in cell_counts(self.plan, self.members):
            for _ in range(count):
                yield self.member(index, cell)
                index += 1
