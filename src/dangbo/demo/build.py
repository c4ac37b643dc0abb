"""Writing the demo committee into the database.

The tree goes through the organization services (a few hundred
organizations). Members are far more numerous: their events are generated
in memory, their states derived with ``members.rules.derive_states`` (the
rule the member services use) and everything is written in batches
through ``core.bulk`` (COPY on PostgreSQL, the path of imports), with the same derived fields
``members.services.rebuild_states`` would store, together with the Party
badges of their history (``badges``). A few faults are planted in the
registry for the data-quality view (``flaws``).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from dangbo.accounts import services as account_services
from dangbo.accounts.models import Module, Role
from dangbo.audit.services import record
from dangbo.core import text
from dangbo.core.bulk import Rows, insert_objects
from dangbo.deadlines import store as deadline_store
from dangbo.members import rules as member_rules
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MemberState, Position
from dangbo.organizations.models import Organization, Sector

from .badges import BadgeHistory
from .flaws import FlawPlanter, PlantedFlaws
from .meetings import MeetingsResult, build_meetings
from .pathways import PathwayResult, build_pathways
from .people import MemberGenerator
from .plan import REORG_ON, ROOT_CODE, TreePlan, plan_tree
from .tree import TreeWriter

# Members' stable keys are derived from their place in the generated sequence,
# so two builds from one seed give the same exchange workbook.
DEMO_NAMESPACE = uuid.UUID("6f1c0d5e-2a47-4c1e-9d55-3b8e2f0a7c11")

BATCH_SIZE = 5000
DEMO_PASSWORD = "demo-dangbo-2026"
DEFAULT_MEMBERS = 6000
DEFAULT_SEED = 2026


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    organization: str


@dataclass
class DemoResult:
    members: int = 0
    events: int = 0
    states: int = 0
    organizations: int = 0
    badges: int = 0  # Party badges of the registry's history (pathways record a few more)
    badges_missed: int = 0  # due in the last year, left unrecorded on purpose
    flaws: PlantedFlaws = field(default_factory=PlantedFlaws)  # faults for the quality view
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)
    pathways: PathwayResult | None = None
    meetings: MeetingsResult | None = None

    @property
    def rows(self) -> int:
        return self.members + self.events + self.states + self.organizations


def _say(log: Callable[[str], None] | None, message: str) -> None:
    if log is not None:
        log(message)


def build_demo(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    log: Callable[[str], None] | None = None,
) -> DemoResult:
    """Build the demo committee in the (empty, migrated) database; return what was written."""
    as_of = as_of or timezone.localdate()
    if as_of <= REORG_ON:
        raise ValueError("Ngày dựng dữ liệu mẫu phải sau 01/07/2025.")
    began = time.monotonic()
    plan = plan_tree(members=members, seed=seed, as_of=as_of)
    result = DemoResult()
    # Every record goes in without recomputing its deadlines; all are recomputed at the end.
    with transaction.atomic(), deadline_store.deferred(rebuild_all=True, on=as_of):
        orgs = _build_tree(plan, log)
        result.organizations = len(orgs)
        _say(log, f"Đã dựng {len(orgs)} tổ chức đảng; đang tạo {members} đảng viên…")
        holders = _build_members(
            plan, orgs, members=members, seed=seed, as_of=as_of, result=result, log=log
        )
        result.logins = _build_users(plan, orgs, holders)
        _say(log, "Đang ghi hồ sơ kết nạp, chuyển sinh hoạt, Huy hiệu Đảng mẫu…")
        result.pathways = _build_pathways(as_of)
        _say(log, "Đang ghi các buổi sinh hoạt chi bộ từ năm 2018…")
        result.meetings = build_meetings(orgs[ROOT_CODE], as_of=as_of, seed=seed)
        _say(log, "Đang ghi nhật ký; tính các thời hạn lưu sẵn cho radar thời hạn…")
        record(
            actor=None, action="demo.built", target=orgs[ROOT_CODE], org_path=orgs[ROOT_CODE].path,
            after={"members": result.members, "events": result.events, "states": result.states,
                   "organizations": result.organizations, "badges": result.badges,
                   "meetings": result.meetings.meetings,
                   "seed": seed, "as_of": as_of.isoformat()},
            note="Dữ liệu mẫu do lệnh «dangbo demo» tạo.",
        )  # fmt: skip
    result.seconds = time.monotonic() - began
    return result


# -- tree --------------------------------------------------------------------


def _build_tree(plan: TreePlan, log) -> dict[str, Organization]:
    """Write the planned tree and its history in bulk (``tree``)."""
    writer = TreeWriter(plan, dict(Sector.objects.values_list("code", "id")))
    writer.replay()
    writer.write()
    fresh = {o.code: o for o in Organization.objects.filter(code__in=list(writer.by_code))}
    _say(log, f"Cây tổ chức: {len(fresh)} tổ chức, {len(plan.ops)} thao tác có ngày hiệu lực.")
    return fresh


# -- members -------------------------------------------------------------------


def _build_members(
    plan, orgs, *, members, seed, as_of, result, log
) -> dict[str, tuple[int, list[int]]]:
    """Write the members; return, per cell active today, its secretary and some other members.

    One pass over the generated members: each becomes plain rows (no model instance), its
    states derived with the members' rule, and the rows go in by batches through COPY.
    """
    ids = {code: org.pk for code, org in orgs.items()}
    codes = {pk: code for code, pk in ids.items()}
    next_id = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    sort_keys: dict[str, tuple[str, str]] = {}
    holders: dict[str, tuple[int, list[int]]] = {}
    positions: list[Position] = []
    member_rows, event_rows, state_rows = (
        Rows(Member, with_pk=True),
        Rows(MemberEvent),
        Rows(MemberState),
    )
    batch_members: list[list] = []
    batch_events: list[list] = []
    batch_states: list[list] = []
    kind_labels = dict(MemberEvent.Kind.choices)
    secretary_from = dt.date(2020, 8, 1)
    badges = _badge_history(plan, ids, members=members, seed=seed, as_of=as_of)
    flaws = FlawPlanter(members)
    checked = False
    # The event columns, in the order of the rows below.
    event_index = [event_rows.index[n] for n in (
        "member_id", "kind", "happened_on", "organization_id", "other_party", "decision_number",
        "note")]  # fmt: skip
    state_index = [state_rows.index[n] for n in (
        "member_id", "organization_id", "status", "valid_from", "valid_until")]  # fmt: skip
    event_template, state_template = event_rows.template, state_rows.template

    def flush() -> None:
        # The same bulk path as imports (COPY on PostgreSQL).
        member_rows.insert(batch_members)
        event_rows.insert(batch_events)
        state_rows.insert(batch_states)
        badges.flush()
        result.members += len(batch_members)
        result.events += len(batch_events)
        result.states += len(batch_states)
        batch_members.clear()
        batch_events.clear()
        batch_states.clear()

    def derive(draft):
        records = [
            member_rules.Event(
                e.kind, e.on, ids[e.org] if e.org else None, seq=i, label=kind_labels[e.kind]
            )
            for i, e in enumerate(draft.events)
        ]
        states = member_rules.derive_states(records, date_of_birth=draft.identity["date_of_birth"])
        return records, states

    def put(template, index, values):
        row = template.copy()
        for i, v in zip(index, values, strict=True):
            row[i] = v
        return row

    for draft in MemberGenerator(plan, members=members, seed=seed, as_of=as_of):
        member_id = next_id + draft.index
        records, states = derive(draft)
        if flaws.spoil(draft, states[-1]):
            records, states = derive(draft)
        identity = draft.identity
        name = identity["full_name"] = text.normalize(identity["full_name"])
        keys = sort_keys.get(name)
        if keys is None:
            keys = sort_keys[name] = (text.name_sort_key(name), text.fold(name))
        admitted_on, official_on = member_rules.admission_dates(records)
        current = states[-1]
        badges.add(member_id, admitted_on, states, current)
        values = {
            "id": member_id, "uid": uuid.uuid5(DEMO_NAMESPACE, str(draft.index)), **identity,
            "name_sort_key": keys[0], "search_name": keys[1], "status": current.status,
            "organization_id": current.organization_id, "admitted_on": admitted_on,
            "official_on": official_on,
            "probation_ends_on": member_rules.current_probation_end(records),
        }  # fmt: skip
        if not checked:
            member_rows.check(values)
            checked = True
        batch_members.append(member_rows.row(values))
        batch_events.extend(
            put(event_template, event_index, (member_id, e.kind, e.on, ids[e.org] if e.org else None,
                                              e.other_party, e.decision_number, e.note))
            for e in draft.events
        )  # fmt: skip
        batch_states.extend(
            put(state_template, state_index, (member_id, s.organization_id, s.status, s.valid_from,
                                              s.valid_until))
            for s in states
        )  # fmt: skip
        # A secretary for each cell active today: an official member there for a while.
        if current.status in ACTIVE_STATUSES and current.organization_id is not None:
            cell = codes[current.organization_id]
            held = holders.get(cell)
            if held is None:
                if (
                    current.status == member_rules.OFFICIAL
                    and member_rules.age_on(identity["date_of_birth"], as_of) >= 30
                ):
                    holders[cell] = (member_id, [])
                    positions.append(Position(
                        member_id=member_id, title=Position.Title.SECRETARY, organization_id=current.organization_id,
                        started_on=max(_in_org_since(states), secretary_from),
                        decision_number=f"{50 + len(positions) % 900}-QĐ/ĐU",
                    ))  # fmt: skip
            elif len(held[1]) < 3:
                held[1].append(member_id)
        if len(batch_members) >= BATCH_SIZE:
            flush()
            if result.members % 50000 == 0:
                _say(log, f"  … {result.members} đảng viên")
    flush()
    badges.finish()
    result.badges, result.badges_missed = badges.written, len(badges.missed)
    result.flaws = _planted_ids(flaws.planted, next_id)
    insert_objects(Position, positions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Member]):
                cursor.execute(sql)
    return holders


def _planted_ids(planted: PlantedFlaws, first_id: int) -> PlantedFlaws:
    """The planted faults by member id (``flaws``)."""
    duplicate = planted.duplicate
    return PlantedFlaws(
        missing_numbers=[first_id + i for i in planted.missing_numbers],
        duplicate=(first_id + duplicate[0], first_id + duplicate[1]) if duplicate else None,
        early_official=(
            first_id + planted.early_official if planted.early_official is not None else None
        ),
    )


def _badge_history(plan: TreePlan, ids: dict[str, int], *, members, seed, as_of) -> BadgeHistory:
    """The registry's Party badges (``badges``); those of the demo users' grassroots organization
    at the last occasion are left to the pathways, which record them through the services."""
    users = plan.orgs[plan.roles["users"]]
    cells = {ids[c] for c in [users.code, *users.cells] if c in ids}
    return BadgeHistory(
        as_of=as_of, seed=seed, members=members, left_to_pathways=cells, batch=BATCH_SIZE
    )


def _in_org_since(states: list[member_rules.State]) -> dt.date:
    """Return the day the member's uninterrupted stay in their current organization began."""
    org = states[-1].organization_id
    since = states[-1].valid_from
    for state in reversed(states):
        if state.organization_id != org:
            break
        since = state.valid_from
    return since


def _build_pathways(as_of: dt.date) -> PathwayResult:
    """Record admission files, transfers and badges in the demo cell secretary's cell."""
    from dangbo.accounts.models import RoleAssignment
    from dangbo.organizations.models import CELL_KINDS

    cell = (
        RoleAssignment.objects.select_related("organization")
        .get(user__username="bithu")
        .organization
    )
    other = (
        Organization.objects.filter(
            parent=cell.parent, kind__in=CELL_KINDS, dissolved_on__isnull=True
        )
        .exclude(pk=cell.pk)
        .order_by("code")
        .first()
    )
    return build_pathways(cell=cell, other_cell=other, as_of=as_of)


# -- users ---------------------------------------------------------------------


def _build_users(plan: TreePlan, orgs: dict[str, Organization], holders) -> list[DemoLogin]:
    root = orgs[ROOT_CODE]
    grassroots = orgs[plan.roles["users"]]
    cell_code = next(
        (c for c in plan.orgs[grassroots.code].cells if c in holders and holders[c][1]),
        next(c for c in holders if holders[c][1]),
    )
    cell = orgs[cell_code]
    secretary_id, others = holders[cell_code]
    wanted = [
        ("admin", "Quản trị hệ thống", Role.COMMITTEE_ADMIN, root, []),
        (
            "tochuc",
            "Cán bộ Ban Tổ chức",
            Role.MODULE_OFFICER,
            root,
            [Module.REGISTRY, Module.ADMISSIONS, Module.INDICATORS],
        ),
        ("xem", "Lãnh đạo (chỉ xem)", Role.VIEWER, root, []),
        ("coso", "Văn phòng đảng ủy cơ sở", Role.COMMITTEE_ADMIN, grassroots, []),
        ("bithu", "Bí thư chi bộ", Role.CELL_SECRETARY, cell, []),
        ("dangvien", "Đảng viên", Role.MEMBER, cell, []),
    ]
    logins = []
    for username, full_name, role, org, modules in wanted:
        user = account_services.create_user(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            organization=org,
        )
        account_services.grant_role(
            actor=None, user=user, role=role, organization=org, modules=[str(m) for m in modules]
        )
        where = f"{org.name}, {org.parent.name}" if org.is_cell and org.parent else org.name
        logins.append(DemoLogin(username, DEMO_PASSWORD, Role(role).label, f"{where} ({org.code})"))
        if username == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        elif username in ("bithu", "dangvien"):
            member_id = secretary_id if username == "bithu" else others[0]
            Member.objects.filter(pk=member_id).update(user=user)
            name = Member.objects.values_list("full_name", flat=True).get(pk=member_id)
            user.first_name = name
            user.save(update_fields=["first_name"])
    return logins
