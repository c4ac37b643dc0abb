"""The data-quality report of a subtree: every check of ``rules`` over the database's rows.

Reads plain tuples (``values_list``), never model instances: a subtree of
100.000 members is judged in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connections

from dangbo.core.formatting import fmt_date
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, Status
from dangbo.organizations.models import (
    CELL_KINDS,
    PATH_SEGMENT_WIDTH,
    Organization,
    OrgKind,
    TreePosition,
    org_label,
)  # fmt: skip
from dangbo.organizations.selectors import path_range

from . import contrib, rules
from .rules import CHECKS, ERROR, SEVERITIES, MemberFacts, OrgFacts

MEMBER, ORGANIZATION = "member", "organization"
RECORD_TYPES = {MEMBER: "Đảng viên", ORGANIZATION: "Tổ chức"}
CHECK_ORDER = {code: i for i, code in enumerate(CHECKS)}


def check_order() -> dict[str, int]:
    """Every check's place in the lists: the report's own, then those the apps add."""
    return {code: i for i, code in enumerate(contrib.all_checks())}


# How many other records a duplicate finding names.
DUPLICATE_NAMES_SHOWN = 5

# Labels of the fields a problem names (the member and organization models' wording).
FIELD_LABELS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "ethnicity": "Dân tộc",
    "personal_id_number": "Số định danh cá nhân",
    "card_number": "Số thẻ đảng viên",
    "admitted_on": "Ngày vào Đảng",
    "official_on": "Ngày chính thức",
    "organization_code": "Chi bộ",
    "organization": "Tổ chức sinh hoạt",
    "status": "Tình trạng",
    "events": "Sự kiện",
    "name": "Tên tổ chức",
    "kind": "Loại tổ chức",
    "sector": "Loại hình",
    "established_on": "Ngày thành lập",
    "dissolved_on": "Ngày giải thể",
    "official_members": "Số đảng viên chính thức",
}
EVENT_LABELS = dict(MemberEvent.Kind.choices)


class EventRow(NamedTuple):
    """An event as ``members.rules.derive_states`` reads it (a tuple: quick to build in bulk)."""

    kind: str
    on: dt.date
    organization_id: int | None
    seq: int
    label: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of one record, with what a list needs to show and link it."""

    check: str
    severity: str
    record_type: str  # MEMBER or ORGANIZATION
    record_id: int
    record_label: str
    org_id: int
    org_code: str
    org_name: str
    field: str
    message: str
    org_parent_name: str = ""
    url: str = ""  # the record's page, for a record an app contributes (a meeting)

    @property
    def org_label(self) -> str:
        """The organization named with its parent (cells share names)."""
        return org_label(self.org_name, self.org_parent_name)

    @property
    def check_label(self) -> str:
        return CHECKS.get(self.check) or contrib.all_checks()[self.check]

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]

    @property
    def record_type_label(self) -> str:
        return RECORD_TYPES.get(self.record_type) or contrib.record_types()[self.record_type]

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field) or contrib.field_labels().get(self.field, self.field)

    def as_dict(self) -> dict:
        return {
            "check": self.check, "check_title": self.check_label, "severity": self.severity,
            "record_type": self.record_type, "record_id": self.record_id,
            "record_label": self.record_label, "organization_code": self.org_code,
            "organization_name": self.org_name, "organization_label": self.org_label,
            "field": self.field,
            "field_label": self.field_label, "message": self.message,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class OrgRow:
    """The findings of one organization's own records (its members, itself), per check."""

    org_id: int
    code: str
    name: str
    kind: str
    depth: int  # below the report's root
    parent_name: str
    counts: dict[str, int]

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(code, 0) for code in CHECKS]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class CheckTotal:
    code: str
    label: str
    count: int


@dataclass
class Report:
    """A subtree's quality on ``today``: totals per check, per organization, and the findings."""

    org_id: int
    org_code: str
    org_name: str
    today: dt.date
    members_checked: int
    organizations_checked: int
    totals: dict[str, int]
    rows: list[OrgRow]
    findings: list[Finding] = field(repr=False)
    # The checks run (the report's own and those of the apps the reader may see): code -> title.
    titles: dict[str, str] = field(default_factory=lambda: dict(CHECKS))

    @property
    def checks(self) -> list[CheckTotal]:
        return [CheckTotal(code, label, self.totals[code]) for code, label in self.titles.items()]

    @property
    def total(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return self.total - self.errors

    def as_dict(self) -> dict:
        """The summary (no findings) as plain values: what the API and the command print."""
        return {
            "organization": {"code": self.org_code, "name": self.org_name},
            "checked_on": self.today,
            "members_checked": self.members_checked,
            "organizations_checked": self.organizations_checked,
            "total": self.total,
            "errors": self.errors,
            "warnings": self.warnings,
            "checks": [{"code": c.code, "title": c.label, "count": c.count} for c in self.checks],
            "organizations": [
                {"code": r.code, "name": r.name, "depth": r.depth, "parent_name": r.parent_name,
                 "counts": r.counts, "total": r.total}
                for r in self.rows
            ],
        }  # fmt: skip

    def findings_for(self, check: str | None = None) -> list[Finding]:
        """The findings of one check (all of them for None or an empty string)."""
        if not check:
            return self.findings
        return [f for f in self.findings if f.check == check]


class _OrgNames(dict):
    """Names of the subtree's organizations, fetching any other one on first use."""

    def __missing__(self, pk: int) -> str:
        name = Organization.objects.filter(pk=pk).values_list("name", flat=True).first()
        if name is None:
            raise KeyError(pk)
        self[pk] = name
        return name


def _ancestor_paths(path: str, root_depth: int) -> list[str]:
    """The paths of the organizations above ``path`` down from the root of the report."""
    segment = PATH_SEGMENT_WIDTH + 1
    depth = len(path) // segment - 1
    return [path[: segment * (d + 1)] for d in range(root_depth, depth)]


def _rows(queryset) -> list[tuple]:
    """The rows of a ``values_list`` query as the database driver gives them.

    Skips the ORM's per-value converters, a good part of the time on 100.000
    rows; both drivers already give the columns read here (integers, text,
    dates) as Python values.
    """
    compiler = queryset.order_by().query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _event_rows(org: Organization, member_ids: set[int]) -> list[tuple]:
    """(member, kind, date, organization, id) of the valid events of the subtree's members.

    For a subtree holding most members, reading the whole table and keeping
    the given members' rows is quicker than the indexed join.
    """
    columns = ("member_id", "kind", "happened_on", "organization_id", "id")
    valid = MemberEvent.objects.filter(voided_at__isnull=True)
    if len(member_ids) * 2 < Member.objects.count():
        return _rows(
            valid.filter(
                path_range(org.path, "member__organization__path"), member__voided_at__isnull=True
            ).values_list(*columns)
        )
    return [row for row in _rows(valid.values_list(*columns)) if row[0] in member_ids]


def findings_under(org: Organization, *, today: dt.date, can=None) -> Report:
    """Run every check over the subtree at ``org``.

    ``can`` (a capability -> bool: the reader's at ``org``) keeps the checks the apps add
    (``contrib``) to those of the modules the reader holds; None runs them all.

    Members: those whose current organization lies in the subtree, voided
    records left out, whatever their status (the record of a member who left
    can be wrong, too). Organizations: the active ones of the subtree.
    Duplicates are looked for within the subtree only.
    """
    orgs: dict[int, tuple] = {}
    for row in Organization.objects.filter(path_range(org.path)).values_list(
        "id", "code", "name", "kind", "path", "depth", "sector_id", "established_on",
        "dissolved_on", "parent_id", "parent__name",
    ).order_by():  # fmt: skip
        orgs[row[0]] = row
    org_names = _OrgNames((pk, row[2]) for pk, row in orgs.items())

    # (sort key, finding); the sort key puts a check's findings in tree and name order.
    found: list[tuple[tuple, Finding]] = []
    titles = contrib.all_checks(can)
    order = check_order()

    def add(check_problem: rules.Problem, record_type: str, record_id: int, label: str,
            sort_name: str, org_id: int, group: tuple = ()) -> None:  # fmt: skip
        o = orgs[org_id]
        found.append((
            (order[check_problem.check], group, o[4], sort_name, record_id,
             check_problem.field),
            Finding(check_problem.check, check_problem.severity, record_type, record_id, label,
                    org_id, o[1], o[2], check_problem.field, check_problem.message, o[10] or ""),
        ))  # fmt: skip

    # ---- Members: their facts, their events ------------------------------------------
    members = _rows(
        Member.objects.filter(path_range(org.path, "organization__path"), voided_at__isnull=True)
        .values_list(
            "id", "full_name", "name_sort_key", "date_of_birth", "sex", "ethnicity",
            "personal_id_number", "card_number", "admitted_on", "official_on",
            "admission_age_exception", "organization_id", "status",
        )
    )  # fmt: skip
    events: dict[int, list[EventRow]] = defaultdict(list)
    for member_id, kind, on, event_org, pk in _event_rows(org, {m[0] for m in members}):
        events[member_id].append(EventRow(kind, on, event_org, pk, EVENT_LABELS.get(kind, kind)))

    member_info: dict[int, tuple[str, str, int]] = {}
    active: dict[int, int] = defaultdict(int)
    official: dict[int, int] = defaultdict(int)
    active_statuses = set(ACTIVE_STATUSES)
    for (pk, name, sort_name, birth, sex, ethnicity, pid, card, admitted, official_on,
         exception, org_id, status) in members:  # fmt: skip
        member_info[pk] = (name, sort_name, org_id)
        o = orgs[org_id]
        facts = MemberFacts(
            full_name=name, date_of_birth=birth, sex=sex, ethnicity=ethnicity,
            personal_id_number=pid, card_number=card, admitted_on=admitted,
            official_on=official_on, admission_age_exception=exception,
            organization_code=o[1], status=status,
        )  # fmt: skip
        for problem in rules.member_fact_problems(facts, today=today):
            add(problem, MEMBER, pk, name, sort_name, org_id)
        for problem in rules.status_problems(
            status=status, organization_id=org_id, admitted_on=admitted,
            official_on=official_on, events=events.get(pk, ()), org_names=org_names,
        ):  # fmt: skip
            add(problem, MEMBER, pk, name, sort_name, org_id)
        for event in events.get(pk, ()):
            place = orgs.get(event.organization_id)
            early = place and rules.placed_before_founding(
                kind=event.kind, label=event.label, on=event.on, org_name=place[2], founded=place[7]
            )  # fmt: skip
            if early:
                add(early, MEMBER, pk, name, sort_name, org_id)
        if status in active_statuses:
            active[org_id] += 1
            if status == Status.OFFICIAL:
                official[org_id] += 1
            if o[8] is not None:
                add(rules.Problem(
                    rules.STATUS_MISMATCH, "organization",
                    f"Đang sinh hoạt tại «{o[2]}», tổ chức đã giải thể ngày {fmt_date(o[8])}: "
                    "cần ghi chuyển sinh hoạt.",
                ), MEMBER, pk, name, sort_name, org_id)  # fmt: skip
            elif o[3] not in CELL_KINDS:
                add(rules.Problem(
                    rules.STATUS_MISMATCH, "organization",
                    f"Đang sinh hoạt tại «{o[2]}», không phải chi bộ: đảng viên sinh hoạt tại "
                    "chi bộ cơ sở hoặc chi bộ trực thuộc (Điều lệ Đảng, Điều 24).",
                ), MEMBER, pk, name, sort_name, org_id)  # fmt: skip

    # ---- Probable duplicates within the subtree ---------------------------------------
    groups = rules.duplicate_groups((m[0], m[1], m[3], m[6]) for m in members)
    for index, group in enumerate(groups):
        # A group's records stay together, the groups in tree and name order.
        group_key = (
            *min((orgs[member_info[k][2]][4], member_info[k][1]) for k in group.keys),
            index,
        )
        for pk in group.keys:
            name, sort_name, org_id = member_info[pk]
            others = [k for k in group.keys if k != pk]
            shown = ", ".join(
                f"{member_info[k][0]} ({orgs[member_info[k][2]][2]})"
                for k in others[:DUPLICATE_NAMES_SHOWN]
            )
            more = len(others) - DUPLICATE_NAMES_SHOWN
            if more > 0:
                shown += f" và {more} hồ sơ khác"
            message = f"{group.message} Trùng với: {shown}."
            field_name = (
                "personal_id_number" if group.check == rules.DUPLICATE_PERSONAL_ID else "full_name"
            )
            add(rules.Problem(group.check, field_name, message, group.severity),
                MEMBER, pk, name, sort_name, org_id, group_key)  # fmt: skip

    # ---- Organizations: their fields, their official members ---------------------------
    root_depth = org.depth
    subtree_active: dict[str, int] = defaultdict(int)
    subtree_official: dict[str, int] = defaultdict(int)
    for org_id, count in active.items():
        path = orgs[org_id][4]
        for p in (*_ancestor_paths(path, root_depth), path):
            subtree_active[p] += count
            subtree_official[p] += official.get(org_id, 0)
    founding_parent = _founding_parents(orgs)
    checked_orgs = 0
    for pk, code, name, kind, path, _depth, sector_id, founded, dissolved, *_ in orgs.values():
        if dissolved is not None:
            continue
        checked_orgs += 1
        facts = OrgFacts(
            code=code, name=name, kind=kind, is_grassroots=kind in
            (OrgKind.GRASSROOTS_CELL, OrgKind.GRASSROOTS_DANG_BO),
            sector_code=str(sector_id) if sector_id else None, established_on=founded,
        )  # fmt: skip
        problems = rules.org_fact_problems(facts, today=today)
        parent = founding_parent.get(pk)
        early = parent and rules.founded_before_parent(
            founded=founded, parent_founded=parent[1], parent_name=parent[0]
        )
        if early:
            problems.append(early)
        is_cell = kind in CELL_KINDS
        if is_cell or kind == OrgKind.GRASSROOTS_DANG_BO:
            problems += rules.below_minimum_problems(
                kind=kind, member_count=subtree_active.get(path, 0),
                official_count=subtree_official.get(path, 0), is_cell=is_cell,
                is_grassroots_dang_bo=kind == OrgKind.GRASSROOTS_DANG_BO,
            )  # fmt: skip
        for problem in problems:
            add(problem, ORGANIZATION, pk, name, "", pk)

    # ---- What the apps add (the meetings of the cells…) ---------------------------------
    for contribution, item in contrib.findings(org, today, can):
        o = orgs.get(item.org_id)
        if o is None:  # not in the subtree: never shown
            continue
        found.append((
            (order[item.check], (), o[4], item.sort_key, item.record_id, item.field),
            Finding(item.check, item.severity, contribution.record_type, item.record_id,
                    item.record_label, item.org_id, o[1], o[2], item.field, item.message,
                    o[10] or "", item.url),
        ))  # fmt: skip

    found.sort(key=lambda item: item[0])
    findings = [f for _, f in found]
    totals = dict.fromkeys(titles, 0)
    per_org: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(titles, 0))
    for f in findings:
        totals[f.check] += 1
        per_org[f.org_id][f.check] += 1
    rows = [
        OrgRow(
            pk,
            orgs[pk][1],
            orgs[pk][2],
            orgs[pk][3],
            orgs[pk][5] - root_depth,
            orgs[pk][10] or "",
            counts,
        )
        for pk, counts in sorted(per_org.items(), key=lambda item: orgs[item[0]][4])
    ]
    return Report(
        org_id=org.pk, org_code=org.code, org_name=org.name, today=today,
        members_checked=len(members), organizations_checked=checked_orgs, totals=totals,
        rows=rows, findings=findings, titles=titles,
    )  # fmt: skip


def _founding_parents(orgs: dict) -> dict[int, tuple[str, dt.date]]:
    """Organization id -> (name, founding date) of the parent it was founded under: that of its
    first position in the tree (one moved later under a younger organization is no fault)."""
    first_parent: dict[int, int | None] = {}
    positions = (
        TreePosition.objects.filter(organization_id__in=list(orgs))
        .order_by("organization_id", "valid_from")
        .values_list("organization_id", "parent_id")
    )
    for org_id, parent_id in positions:
        first_parent.setdefault(org_id, parent_id)
    for pk, row in orgs.items():
        first_parent.setdefault(pk, row[9])
    wanted = {p for p in first_parent.values() if p is not None}
    known = {pk: (orgs[pk][2], orgs[pk][7]) for pk in wanted if pk in orgs}
    known.update(
        (pk, (name, founded))
        for pk, name, founded in Organization.objects.filter(
            pk__in=wanted - set(known)
        ).values_list("pk", "name", "established_on")
    )
    return {pk: known[p] for pk, p in first_parent.items() if p is not None and p in known}
