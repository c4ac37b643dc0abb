"""Country-scale measurement: a synthetic national registry loaded with COPY (PostgreSQL only).

``python -m benchmarks --suite country --members N`` (``make bench-country``) runs this in a
child process on a scratch database (see ``__main__``):

1. migrate, then generate a national tree shaped like the real one: the top organization,
   the 34 provinces of 2025 (sizes unequal, the two largest cities largest), in each a few
   superior committees, grassroots organizations (đảng bộ cơ sở with dependent cells, and
   chi bộ cơ sở) and cells, in the country's proportions (≈ 52.000 grassroots and 270.000
   cells for 5,6 million members, scaled to N);
2. generate N member records with their derived periods (``MemberState``: probation, official,
   moves between cells, exemption, striking off and readmission, transfer out, death) and one
   ``TreePosition`` per organization, and load them with COPY, the way pg_dump restores:
   secondary indexes and constraints are dropped first and built again after the data;
3. ANALYZE, then time the as-of member indicators through the registry's public entry point
   (``indicators.selectors.figures``) for the whole country, for the largest province and for a
   province of median size, plus one hand-written SQL statement counting the same membership
   (the floor any plan must reach), and check that they agree.

It writes no events, audit entries or admission files: the as-of member indicators read the
members, their periods and the tree only. The data is random but consistent: each member's
periods follow each other from the admission on, and the member's status and organization are
those of the open period (``tests/test_country_benchmark.py`` checks it, and that the registry
counts exactly the members the periods put in the party).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# The whole country: members, grassroots organizations, cells (the figures the tree is scaled on).
COUNTRY_MEMBERS = 5_600_000
COUNTRY_GRASSROOTS = 52_000
COUNTRY_CELLS = 270_000
# Shares of the member records and histories (rough national proportions).
FEMALE = 0.36
ENDED = 0.07  # died, transferred out of the system, struck off or expelled: kept, not counted
MOVED = 0.15  # moved once between cells
EXEMPTED = 0.03
READMITTED = 0.002  # struck off once, then readmitted (the party age subtracts the gap)
GRASSROOTS_CELL_SHARE = 0.25  # grassroots that are a chi bộ cơ sở (no dependent cells)
SUPERIORS_PER_PROVINCE = 3  # đảng bộ cấp trên cơ sở (agencies, authorities, armed forces)
UNDER_SUPERIOR_SHARE = 0.15  # grassroots under a superior committee, the rest under the province
TABLES = (
    "organizations_organization",
    "organizations_treeposition",
    "members_member",
    "members_memberstate",
)
STAMP = "2025-07-01 00:00:00+07"
REFORM = dt.date(2025, 7, 1)


@dataclass
class Tree:
    rows: list[tuple] = field(default_factory=list)  # organizations
    units: list[tuple[int, int]] = field(default_factory=list)  # (cell id, province index)
    provinces: list[int] = field(default_factory=list)  # organization ids
    grassroots: int = 0
    cells: int = 0


def _province_names() -> list[tuple[str, str]]:
    path = Path(__file__).resolve().parent.parent / "src/dangbo/core/data/provinces_2025.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


def _split(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainders)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def plan_tree(members: int, rng: random.Random, sectors: list[int]) -> Tree:
    """Return the organizations (rows for COPY) and the cells members are placed in."""
    tree = Tree()
    grassroots_total = max(round(members * COUNTRY_GRASSROOTS / COUNTRY_MEMBERS), 34)
    cells_total = max(round(members * COUNTRY_CELLS / COUNTRY_MEMBERS), 34)
    provinces = _province_names()
    # Unequal provinces: the capital and the southern metropolis about three times the median.
    weights = [3.0 if code in ("01", "79") else rng.uniform(0.6, 1.6) for code, _ in provinces]
    grassroots_per = _split(grassroots_total, weights)
    next_id = 1

    def add(parent: tuple | None, code: str, name: str, kind: str, **extra) -> tuple:
        nonlocal next_id
        pk, next_id = next_id, next_id + 1
        path = (parent[5] if parent else "") + f"{pk:08d}."
        row = (pk, code, name, kind, parent[0] if parent else None, path,
               parent[6] + 1 if parent else 0, extra.get("sector"), extra.get("staff"))  # fmt: skip
        tree.rows.append(row)
        return row

    root = add(None, "TW", "Đảng Cộng sản Việt Nam", "CENTRAL")
    # Grassroots kind first, to spread the dependent cells over the đảng bộ cơ sở.
    dang_bo = round(grassroots_total * (1 - GRASSROOTS_CELL_SHARE))
    cells_per = _split(cells_total, [1.0] * max(dang_bo, 1))
    dang_bo_seen = 0
    for p, ((code, name), count) in enumerate(zip(provinces, grassroots_per, strict=True)):
        prov = add(root, f"T{code}", f"Đảng bộ {name}", "PROVINCIAL")
        tree.provinces.append(prov[0])
        superiors = [
            add(prov, f"T{code}S{s}", f"Đảng bộ cấp trên cơ sở số {s + 1}, {name}", "SUPERIOR")
            for s in range(SUPERIORS_PER_PROVINCE)
        ]
        for g in range(count):
            parent = superiors[g % len(superiors)] if rng.random() < UNDER_SUPERIOR_SHARE else prov
            is_dang_bo = dang_bo_seen < dang_bo and rng.random() >= GRASSROOTS_CELL_SHARE
            sector = rng.choice(sectors)
            staff = rng.randrange(20, 2000) if rng.random() < 0.6 else None
            tree.grassroots += 1
            if not is_dang_bo:
                cell = add(parent, f"T{code}G{g}", f"Chi bộ cơ sở số {g + 1}", "GRASSROOTS_CELL",
                           sector=sector, staff=staff)  # fmt: skip
                tree.units.append((cell[0], p))
                continue
            base = add(parent, f"T{code}G{g}", f"Đảng bộ cơ sở số {g + 1}", "GRASSROOTS_DANG_BO",
                       sector=sector, staff=staff)  # fmt: skip
            for c in range(max(cells_per[dang_bo_seen], 1)):
                cell = add(base, f"T{code}G{g}C{c}", f"Chi bộ số {c + 1}", "DEPENDENT_CELL")
                tree.units.append((cell[0], p))
                tree.cells += 1
            dang_bo_seen += 1
    return tree


# --------------------------------------------------------------------------
# Rows for COPY (text format: tab-separated, \N for NULL).
# --------------------------------------------------------------------------

ORG_COLUMNS = ("id", "created_at", "updated_at", "code", "name", "kind", "parent_id", "path",
               "depth", "sector_id", "staff_headcount", "hardship_area", "established_on",
               "established_decision", "dissolved_decision", "address", "phone", "email",
               "committee_name", "place_name")  # fmt: skip
POSITION_COLUMNS = ("id", "organization_id", "parent_id", "path", "depth", "name", "kind",
                    "valid_from", "valid_until")  # fmt: skip
MEMBER_COLUMNS = ("id", "created_at", "updated_at", "uid", "full_name", "birth_name",
                  "name_sort_key", "search_name", "date_of_birth", "sex", "ethnicity", "religion",
                  "home_town", "birth_place", "permanent_address", "personal_id_number", "phone",
                  "email", "occupation", "card_number", "background_number", "general_education",
                  "professional_level", "political_theory_level", "admission_age_exception",
                  "organization_id", "status", "admitted_on", "official_on", "probation_ends_on",
                  "voided_reason")  # fmt: skip
STATE_COLUMNS = ("id", "member_id", "organization_id", "status", "valid_from", "valid_until")


def _cell(value) -> str:
    return "\\N" if value is None else str(value)


def org_lines(tree: Tree):
    established = "1960-01-01"
    for pk, code, name, kind, parent, path, depth, sector, staff in tree.rows:
        yield "\t".join((str(pk), STAMP, STAMP, code, name, kind, _cell(parent), path, str(depth),
                         _cell(sector), _cell(staff), "f", established, "", "", "", "", "", "", ""))  # fmt: skip


def position_lines(tree: Tree):
    for pk, _code, name, kind, parent, path, depth, _sector, _staff in tree.rows:
        yield "\t".join((str(pk), str(pk), _cell(parent), path, str(depth), name, kind,
                         "1960-01-01", "\\N"))  # fmt: skip


class People:
    """Random people: names (with their sort and search keys, computed once per name) and codes."""

    FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
              "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
    MIDDLE = {"M": ["Văn", "Hữu", "Đức", "Công", "Minh", "Quang", "Thanh", "Xuân"],
              "F": ["Thị", "Thu", "Ngọc", "Thanh", "Phương", "Hồng", "Kim", "Minh"]}  # fmt: skip
    GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
             "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Quyên", "Sơn",
             "Tâm", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]  # fmt: skip

    def __init__(self, rng: random.Random) -> None:
        from dangbo.core import codes, text

        self.rng = rng
        self.names = {
            sex: [
                (full, text.name_sort_key(full), text.fold(full))
                for full in (
                    f"{f} {m} {g}" for f in self.FAMILY for m in middles for g in self.GIVEN
                )
            ]
            for sex, middles in self.MIDDLE.items()
        }
        ethnic = [code for code, _ in codes.choices("ethnicity") if code != "01"] or ["02"]
        self.ethnicity = ["01"] * 90 + [rng.choice(ethnic) for _ in range(10)]
        education = [code for code, _ in codes.choices("general_education")] or ["12/12"]
        self.education = ["12/12"] * 8 + education
        self.professional = ["", "01", "02", "03", "04", "04", "04", "05", "06"]
        self.theory = ["", "00", "01", "01", "02", "02", "03", "04"]


def member_rows(members: int, tree: Tree, today: dt.date, people: People):
    """Yield (member line, [state lines]) for ``members`` records placed in ``tree``'s cells."""
    rng = people.rng
    units = tree.units
    today_ord = today.toordinal()
    year = 365
    state_id = 0
    for pk in range(1, members + 1):
        sex = "F" if rng.random() < FEMALE else "M"
        full, sort_key, search = rng.choice(people.names[sex])
        # Born 1930–2007; admitted at 18 or later, at most 45 years after that.
        born = dt.date(1930, 1, 1).toordinal() + rng.randrange(78 * year)
        earliest = born + 18 * year + 5
        if earliest >= today_ord:
            earliest = today_ord - 30
        admitted = earliest + rng.randrange(max(min(45 * year, today_ord - earliest), 1))
        admitted = min(admitted, today_ord - 1)
        admitted_d = dt.date.fromordinal(admitted)
        try:
            official_d = admitted_d.replace(year=admitted_d.year + 1)
        except ValueError:
            official_d = admitted_d.replace(year=admitted_d.year + 1, day=28)
        official = official_d.toordinal()
        unit, _province = units[rng.randrange(len(units))]
        states: list[tuple[str, int, int, int | None]] = []  # (status, org, from, until)
        if official > today_ord:  # still on probation
            states.append(("PROBATIONARY", unit, admitted, None))
        else:
            first_unit = unit
            roll = rng.random()
            if roll < MOVED:
                first_unit = units[rng.randrange(len(units))][0]
            states.append(("PROBATIONARY", first_unit, admitted, official))
            if roll < MOVED and first_unit != unit and official + 2 < today_ord:
                moved = official + 1 + rng.randrange(today_ord - official - 1)
                states.append(("OFFICIAL", first_unit, official, moved))
                states.append(("OFFICIAL", unit, moved, None))
            else:
                states.append(("OFFICIAL", unit, official, None))
            start = states[-1][2]
            span = today_ord - start
            roll = rng.random()
            if span > 60 and roll < ENDED:
                end = start + 1 + rng.randrange(span - 1)
                ended = rng.choice(("DECEASED", "DECEASED", "TRANSFERRED_OUT", "STRUCK_OFF"))
                states[-1] = (*states[-1][:3], end)
                states.append((ended, unit, end, None))
            elif span > 60 and roll < ENDED + EXEMPTED:
                end = start + 1 + rng.randrange(span - 1)
                states[-1] = (*states[-1][:3], end)
                states.append(("EXEMPTED", unit, end, None))
            elif span > 3 * year and roll < ENDED + EXEMPTED + READMITTED:
                struck = start + 1 + rng.randrange(year)
                again = struck + year + rng.randrange(year)
                states[-1] = (*states[-1][:3], struck)
                states.append(("STRUCK_OFF", unit, struck, again))
                if again + year <= today_ord:
                    states.append(("PROBATIONARY", unit, again, again + year))
                    states.append(("OFFICIAL", unit, again + year, None))
                else:
                    states.append(("PROBATIONARY", unit, again, None))
        status = states[-1][0]
        last_probation = max(s[2] for s in states if s[0] == "PROBATIONARY")
        probation_ends = dt.date.fromordinal(last_probation)
        try:
            probation_ends = probation_ends.replace(year=probation_ends.year + 1)
        except ValueError:
            probation_ends = probation_ends.replace(year=probation_ends.year + 1, day=28)
        probation_ends -= dt.timedelta(days=1)
        official_on = max((s[2] for s in states if s[0] == "OFFICIAL"), default=None)
        prov = f"{_province + 1:03d}"
        line = "\t".join((
            str(pk), STAMP, STAMP, str(uuid.UUID(int=rng.getrandbits(128), version=4)), full, "",
            sort_key, search, dt.date.fromordinal(born).isoformat(), sex,
            rng.choice(people.ethnicity), "00", "", "", "", f"{prov}{int(sex == 'F')}{pk:08d}",
            "", "", "", f"{pk:08d}" if official_on else "\\N", f"LL{pk:09d}",
            rng.choice(people.education), rng.choice(people.professional),
            rng.choice(people.theory), "", str(unit), status, admitted_d.isoformat(),
            dt.date.fromordinal(official_on).isoformat() if official_on else "\\N",
            probation_ends.isoformat(), "",
        ))  # fmt: skip
        state_lines = []
        for st, org, start, until in states:
            state_id += 1
            state_lines.append(
                f"{state_id}\t{pk}\t{org}\t{st}\t{dt.date.fromordinal(start).isoformat()}\t"
                + ("\\N" if until is None else dt.date.fromordinal(until).isoformat())
            )
        yield line, state_lines


# --------------------------------------------------------------------------
# Loading: drop secondary indexes and constraints, COPY, build them again.
# --------------------------------------------------------------------------


def _deferred_definitions(cursor) -> tuple[list[str], list[str]]:
    """Drop the secondary indexes and the constraints (not primary keys) of ``TABLES``.

    Returns the statements that create them again (indexes first, then constraints), as
    pg_dump orders a restore.
    """
    create_indexes, add_constraints = [], []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype <> 'p' ORDER BY contype DESC, conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            add_constraints.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary",
            [table],
        )
        for name, definition in cursor.fetchall():
            create_indexes.append(definition)
            cursor.execute(f"DROP INDEX {name}")
    return create_indexes, add_constraints


def _copy(cursor, table: str, columns: tuple[str, ...], lines) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) >= 20_000:
                copy.write("\n".join(block) + "\n")
                count += len(block)
                block = []
        if block:
            copy.write("\n".join(block) + "\n")
            count += len(block)
    return count


def load(connection, tree: Tree, members: int, today: dt.date, seed: int) -> dict:
    """Load the tree and the members with COPY; return the row counts and the seconds of each step."""
    timings: dict[str, float] = {}
    raw = connection.connection
    with raw.cursor() as cursor:
        create_indexes, add_constraints = _deferred_definitions(cursor)
        began = time.perf_counter()
        orgs = _copy(cursor, "organizations_organization", ORG_COLUMNS, org_lines(tree))
        _copy(cursor, "organizations_treeposition", POSITION_COLUMNS, position_lines(tree))
        timings["tree"] = time.perf_counter() - began
        # Members and their periods are generated together: the members stream into COPY,
        # the periods are spooled to a temporary file and copied right after.
        states_written = 0
        began = time.perf_counter()
        # The code lists are read before the COPY starts: the connection serves nothing else then.
        people = People(random.Random(seed + 1))
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            with cursor.copy(f"COPY members_member ({', '.join(MEMBER_COLUMNS)}) FROM STDIN") as mc:
                block: list[str] = []
                for line, states in member_rows(members, tree, today, people):
                    block.append(line)
                    spool.write("\n".join(states) + "\n")
                    states_written += len(states)
                    if len(block) >= 20_000:
                        mc.write("\n".join(block) + "\n")
                        block = []
                if block:
                    mc.write("\n".join(block) + "\n")
            spool.seek(0)
            with cursor.copy(
                f"COPY members_memberstate ({', '.join(STATE_COLUMNS)}) FROM STDIN"
            ) as sc:
                for chunk in iter(lambda: spool.read(1 << 20), ""):
                    sc.write(chunk)
        timings["copy_members"] = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in create_indexes:
            cursor.execute(statement)
        timings["indexes"] = time.perf_counter() - began
        began = time.perf_counter()
        for statement in add_constraints:
            cursor.execute(statement)
        timings["constraints"] = time.perf_counter() - began
        began = time.perf_counter()
        for table, column in (("organizations_organization", "id"),
                              ("organizations_treeposition", "id"),
                              ("members_member", "id"), ("members_memberstate", "id")):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"
            )
        for table in TABLES:  # the connection is in autocommit mode, as Django keeps it
            cursor.execute(f"VACUUM ANALYZE {table}")
        timings["analyze"] = time.perf_counter() - began
    return {
        "organizations": orgs,
        "members": members,
        "states": states_written,
        "seconds": timings,
    }


# --------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------


def as_of_member_codes() -> list[str]:
    """The codes of the as-of indicators on the member registry (``definitions/members.py``)."""
    from dangbo.indicators import registry

    return [
        ind.code
        for ind in registry.all_indicators()
        if ind.time == registry.AS_OF and ind.code.startswith("members.")
    ]


BASELINE_SQL = """
SELECT s.status, m.sex, count(*)
FROM members_memberstate s
JOIN members_member m ON m.id = s.member_id
JOIN organizations_treeposition t ON t.organization_id = s.organization_id
WHERE s.valid_from <= %(on)s AND (s.valid_until IS NULL OR s.valid_until > %(on)s)
  AND s.status IN ('PROBATIONARY', 'OFFICIAL', 'EXEMPTED') AND m.voided_at IS NULL
  AND t.valid_from <= %(on)s AND (t.valid_until IS NULL OR t.valid_until > %(on)s)
  AND t.path >= %(low)s AND t.path < %(high)s
GROUP BY s.status, m.sex
"""


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    """Return (first run seconds, median of the next ``repeat`` runs, value of the last)."""
    began = time.perf_counter()
    value = fn()
    first = time.perf_counter() - began
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - began)
    return first, statistics.median(times) if times else first, value


def measure(org, today: dt.date, codes: list[str], repeat: int) -> dict:
    from django.db import connection

    from dangbo.indicators.selectors import figures
    from dangbo.organizations import rules

    def indicators():
        return {f.indicator.code: f.result.values() for f in figures(org, on=today, codes=codes)}

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, {"on": today, "low": org.path,
                                          "high": rules.subtree_upper_bound(org.path)})  # fmt: skip
            return cursor.fetchall()

    first, median, values = _timed(indicators, repeat)
    b_first, b_median, rows = _timed(baseline, repeat)
    by_status = values["members.by_status"]
    by_sex = values["members.by_sex"]
    sql_status: dict[str, int] = {}
    sql_sex: dict[str, int] = {}
    for status, sex, n in rows:
        sql_status[status] = sql_status.get(status, 0) + n
        sql_sex[sex] = sql_sex.get(sex, 0) + n
    agree = all(by_status.get(k, 0) == v for k, v in sql_status.items()) and all(
        by_sex.get(k, 0) == v for k, v in sql_sex.items()
    )
    active = int(by_status["total"])
    # The same set with JIT compilation off, if the settings leave it on (PostgreSQL's default):
    # on these short grouped queries compiling can cost more than it saves.
    jit_off = None
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SET jit = off")
            try:
                jit_off = _timed(indicators, repeat)[1]
            finally:
                cursor.execute("RESET jit")
    return {
        "code": org.code, "name": org.name, "active": active,
        "first_s": first, "median_s": median,
        "us_per_member": median * 1e6 / active if active else None,
        "baseline_first_s": b_first, "baseline_s": b_median,
        "ratio": median / b_median if b_median else None,
        "agree": agree and sum(sql_status.values()) == active,
        "jit_off_s": jit_off,
    }  # fmt: skip


def run_country(*, members: int, seed: int, repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dangbo.organizations.models import Organization, Sector

    if connection.vendor != "postgresql":
        raise SystemExit("Phép đo quy mô toàn quốc chỉ chạy trên PostgreSQL.")
    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    rng = random.Random(seed)
    sectors = list(Sector.objects.order_by("pk").values_list("pk", flat=True))
    began = time.perf_counter()
    tree = plan_tree(members, rng, sectors)
    plan_seconds = time.perf_counter() - began
    print(f"Cây toàn quốc: {len(tree.rows)} tổ chức ({tree.grassroots} tổ chức cơ sở đảng, "
          f"{tree.cells} chi bộ trực thuộc); nạp {members} đảng viên bằng COPY…", flush=True)  # fmt: skip
    began = time.perf_counter()
    loaded = load(connection, tree, members, today, seed)
    loaded["seconds"]["plan"] = plan_seconds
    load_seconds = time.perf_counter() - began
    print(f"Đã nạp trong {load_seconds:.1f} s: {loaded['seconds']}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
        sizes = {}
        for table in TABLES:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    codes = as_of_member_codes()
    root = Organization.objects.get(code="TW")
    provinces = list(Organization.objects.filter(kind="PROVINCIAL"))
    # The largest province by members (Hà Nội or Hồ Chí Minh), and one of median size.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substr(o.path, 1, 18), count(*) FROM members_member m "
            "JOIN organizations_organization o ON o.id = m.organization_id GROUP BY 1"
        )
        by_prefix = dict(cursor.fetchall())
    ranked = sorted(provinces, key=lambda p: by_prefix.get(p.path, 0))
    subjects = [("country", root), ("largest_province", ranked[-1]),
                ("median_province", ranked[len(ranked) // 2])]  # fmt: skip
    results = {}
    for key, org in subjects:
        print(f"Đo {org.name}…", flush=True)
        results[key] = m = measure(
            org, today, codes, repeat if key != "country" else max(repeat - 2, 1)
        )
        print(f"  {m['active']} đảng viên: lần đầu {m['first_s']:.2f} s, trung vị {m['median_s']:.2f} s, "
              f"jit tắt {m['jit_off_s'] or 0:.2f} s, SQL một lượt {m['baseline_s']:.2f} s, "
              f"khớp: {m['agree']}", flush=True)  # fmt: skip
    country, province = results["country"], results["largest_province"]
    return {
        # The figures of the summary table: the national rollup and the largest province, in
        # milliseconds (medians), per member in the party, and against one SQL pass.
        "national_ms": country["median_s"] * 1000,
        "province_ms": province["median_s"] * 1000,
        "median_province_ms": results["median_province"]["median_s"] * 1000,
        "us_per_member": country["us_per_member"],
        "province_us_per_member": province["us_per_member"],
        "national_sql_ms": country["baseline_s"] * 1000,
        "province_sql_ms": province["baseline_s"] * 1000,
        "national_ratio": country["ratio"],
        "province_ratio": province["ratio"],
        "agree": all(m["agree"] for m in results.values()),
        "members": members,
        "organizations": loaded["organizations"],
        "grassroots": tree.grassroots,
        "cells": tree.cells,
        "states": loaded["states"],
        "load_seconds": load_seconds,
        "steps": loaded["seconds"],
        "database_bytes": database_bytes,
        "table_bytes": sizes,
        "jit": jit,
        "work_mem": work_mem,
        "indicators": codes,
        "measured": results,
        "on": today.isoformat(),
    }


def print_result(r: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    steps = r["steps"]
    print()
    print(f"== Quy mô toàn quốc, PostgreSQL: {fmt_int(r['members'])} hồ sơ đảng viên, "
          f"{fmt_int(r['states'])} giai đoạn sinh hoạt, {fmt_int(r['organizations'])} tổ chức "
          f"({fmt_int(r['grassroots'])} tổ chức cơ sở đảng, {fmt_int(r['cells'])} chi bộ trực thuộc) ==")  # fmt: skip
    print(f"Dung lượng cơ sở dữ liệu: {fmt_decimal(r['database_bytes'] / 2**30, 2)} GiB (" + ", ".join(
        f"{t} {fmt_int(round(b / 2**20))} MiB" for t, b in r["table_bytes"].items()) + ")")  # fmt: skip
    print(f"Nạp bằng COPY: {fmt_decimal(r['load_seconds'], 1)} giây (cây {fmt_decimal(steps['tree'], 1)}, "
          f"đảng viên và giai đoạn {fmt_decimal(steps['copy_members'], 1)}, chỉ mục "
          f"{fmt_decimal(steps['indexes'], 1)}, ràng buộc {fmt_decimal(steps['constraints'], 1)}, "
          f"ANALYZE {fmt_decimal(steps['analyze'], 1)}); "
          f"{fmt_int(round(r['members'] / steps['copy_members']))} đảng viên/giây khi COPY")  # fmt: skip
    print(f"Các chỉ tiêu đảng viên tại một ngày ({len(r['indicators'])} chỉ tiêu, ngày {r['on']}; "
          f"jit={r['jit']}, work_mem={r['work_mem']}):")  # fmt: skip
    labels = {"country": "toàn quốc", "largest_province": "tỉnh lớn nhất",
              "median_province": "tỉnh cỡ trung vị"}  # fmt: skip
    print(f"  {'phạm vi':<36} {'đảng số':>10} {'lần đầu s':>10} {'trung vị s':>10} "
          f"{'µs/đv':>7} {'jit tắt s':>9} {'SQL 1 lượt s':>12} {'× SQL':>6}  khớp  mục tiêu")  # fmt: skip
    for key, m in r["measured"].items():
        goal = ""
        if key == "country":
            goal = "< 5 s: " + ("ĐẠT" if m["median_s"] < 5 else "CHƯA ĐẠT")
        name = f"{labels[key]} ({m['code']})"
        print(f"  {name:<36} {fmt_int(m['active']):>10} {fmt_decimal(m['first_s'], 2):>10} "
              f"{fmt_decimal(m['median_s'], 2):>10} {fmt_decimal(m['us_per_member'], 2):>7} "
              f"{fmt_decimal(m['jit_off_s'], 2) if m.get('jit_off_s') is not None else '–':>9} "
              f"{fmt_decimal(m['baseline_s'], 2):>12} {fmt_decimal(m['ratio'], 1):>6}  "
              f"{'có' if m['agree'] else 'KHÔNG'}   {goal}")  # fmt: skip
