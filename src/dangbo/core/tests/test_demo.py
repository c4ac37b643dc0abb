"""The demo committee: deterministic, consistent with the member rules and the tree history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.test import Client

from dangbo.accounts.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.awards.models import BadgeAward
from dangbo.demo import DEMO_PASSWORD, build_demo
from dangbo.demo import build as demo_build
from dangbo.demo.people import MemberGenerator
from dangbo.demo.plan import plan_tree
from dangbo.members import restructuring, rules
from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MemberState
from dangbo.members.services import _event_records
from dangbo.organizations import services as org_services
from dangbo.organizations.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    Organization,
    OrgEvent,
    OrgKind,
    Sector,
    TreePosition,
)
from dangbo.organizations.selectors import positions_under
from dangbo.organizations.services import found_organization

AS_OF = dt.date(2026, 1, 15)
MEMBERS = 300


def _snapshot() -> dict:
    return {
        "orgs": sorted(Organization.objects.values_list("code", "name", "kind", "established_on", "dissolved_on")),
        "members": sorted(Member.objects.values_list("card_number", "full_name", "date_of_birth", "status",
                                                     "organization__code", "admitted_on", "official_on"),
                          key=lambda row: tuple("" if v is None else str(v) for v in row)),
        "events": MemberEvent.objects.count(),
        "states": MemberState.objects.count(),
        "org_events": sorted(OrgEvent.objects.values_list("organization__code", "kind", "happened_on")),
        "badges": sorted(BadgeAward.objects.values_list("member__uid", "milestone", "occasion_on")),
    }  # fmt: skip


@pytest.fixture
def demo(db):
    return build_demo(members=MEMBERS, seed=7, as_of=AS_OF)


def test_plan_and_members_are_deterministic_in_memory():
    def generate():
        plan = plan_tree(members=MEMBERS, seed=7, as_of=AS_OF)
        people = [(m.identity, [(e.kind, e.on, e.org) for e in m.events])
                  for m in MemberGenerator(plan, members=MEMBERS, seed=7, as_of=AS_OF)]  # fmt: skip
        return [
            (o.code, o.name, o.parent, o.established_on, o.dissolved_on) for o in plan.orgs.values()
        ], people

    assert generate() == generate()
    other_plan = plan_tree(members=MEMBERS, seed=8, as_of=AS_OF)
    assert [o.name for o in other_plan.orgs.values()] != [
        o.name for o in plan_tree(members=MEMBERS, seed=7, as_of=AS_OF).orgs.values()
    ]


@pytest.mark.django_db
def test_two_builds_with_the_same_seed_write_the_same_data():
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            build_demo(members=MEMBERS, seed=7, as_of=AS_OF)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["members"]) == MEMBERS + 2  # two admitted through the pipeline


def test_identity_fields_are_plausible_and_unique(demo):
    assert demo.members == MEMBERS
    assert Member.objects.count() == MEMBERS + demo.pathways.admitted
    # Members admitted through the pipeline have no card yet; the generated ones all have one,
    # but for the few planted without their numbers (and the second entry of the duplicate,
    # without an identity number) for the quality view.
    missing = demo.flaws.missing_numbers
    assert len(missing) == 3
    assert Member.objects.filter(card_number__isnull=True).count() == (
        demo.pathways.admitted + len(missing)
    )
    generated = Member.objects.filter(card_number__isnull=False)
    cards = list(generated.values_list("card_number", flat=True))
    ids = list(
        generated.exclude(pk=demo.flaws.duplicate[1]).values_list("personal_id_number", flat=True)
    )
    assert len(set(cards)) == MEMBERS - len(missing)
    assert all(len(c) == 8 and c.isdigit() for c in cards)
    assert len(set(ids)) == MEMBERS - len(missing) - 1
    assert all(len(i) == 12 and i.isdigit() for i in ids)
    ages = [
        rules.age_on(d, AS_OF)
        for d in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list(
            "date_of_birth", flat=True
        )
    ]
    assert min(ages) >= 22
    assert max(ages) <= 80
    women = Member.objects.filter(sex="F").count()
    assert 0.3 < women / MEMBERS < 0.6
    member = Member.objects.first()
    assert member.search_name
    assert member.name_sort_key


def test_stored_states_are_those_the_rules_derive_from_the_events(demo):
    for member in Member.objects.all():
        events = _event_records(member)
        expected = rules.derive_states(events, date_of_birth=member.date_of_birth)
        stored = [rules.State(s.status, s.organization_id, s.valid_from, s.valid_until)
                  for s in member.states.order_by("valid_from")]  # fmt: skip
        assert stored == expected, member.full_name
        assert (member.status, member.organization_id) == (
            expected[-1].status,
            expected[-1].organization_id,
        )
        assert (member.admitted_on, member.official_on) == rules.admission_dates(events)


def test_no_member_is_ever_in_an_organization_that_does_not_exist(demo):
    orgs = {o.pk: o for o in Organization.objects.all()}
    for state in MemberState.objects.filter(status__in=ACTIVE_STATUSES, organization__isnull=False):
        org = orgs[state.organization_id]
        assert org.kind in CELL_KINDS
        assert org.established_on <= state.valid_from
        if org.dissolved_on is not None:
            assert state.valid_until is not None, org.name
            assert state.valid_until <= org.dissolved_on, org.name
    for member in Member.objects.filter(status__in=ACTIVE_STATUSES):
        assert member.organization.dissolved_on is None


def test_the_history_holds_the_bloc_then_the_two_new_superior_organizations(demo):
    root = Organization.objects.get(code="DEMO")
    bloc = Organization.objects.get(code="KCQ")
    assert root.kind == OrgKind.PROVINCIAL
    assert bloc.kind == OrgKind.BLOC
    assert bloc.dissolved_on == dt.date(2025, 7, 1)
    in_2018 = positions_under(bloc, dt.date(2018, 6, 30)).filter(kind__in=GRASSROOTS_KINDS)
    assert (
        in_2018.count() == len(plan_tree(members=MEMBERS, seed=7, as_of=AS_OF).grassroots) - 2
    )  # without the split's parts
    assert positions_under(bloc, AS_OF).count() == 0
    today = positions_under(root, AS_OF).filter(kind__in=GRASSROOTS_KINDS)
    assert today.count() == in_2018.count() + 2 - 3  # split (+2 −1), merge (−1), dissolution (−1)
    parents = set(today.values_list("parent__code", flat=True))
    assert parents <= {"CQD", "UBND", "DEMO"}
    assert {"CQD", "UBND"} <= parents
    for code in ("CQD", "UBND"):
        assert Organization.objects.get(code=code).kind == OrgKind.SUPERIOR
    moves = OrgEvent.objects.filter(kind=OrgEvent.Kind.MOVED, happened_on=dt.date(2025, 7, 1))
    assert moves.count() == today.count()
    assert set(moves.values_list("decision_number", flat=True)) == {"123-QĐ/TU"}
    for kind in (
        OrgEvent.Kind.RENAMED,
        OrgEvent.Kind.MERGED_INTO,
        OrgEvent.Kind.SPLIT_INTO,
        OrgEvent.Kind.DISSOLVED,
    ):
        assert OrgEvent.objects.filter(kind=kind).exists(), kind


def test_member_histories_cover_every_kind_of_event(demo):
    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert {
        "ADMITTED",
        "MADE_OFFICIAL",
        "TRANSFERRED_IN",
        "MOVED",
        "TRANSFERRED_OUT",
        "EXPELLED",
    } <= kinds
    assert MemberEvent.objects.filter(kind="EXPELLED").count() == 1
    assert Member.objects.filter(admitted_on__lt=dt.date(1990, 1, 1)).exists()


def test_demo_users_have_their_roles_and_one_audit_entry_covers_the_build(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    expected = {
        "admin": Role.COMMITTEE_ADMIN, "tochuc": Role.MODULE_OFFICER, "xem": Role.VIEWER,
        "bithu": Role.CELL_SECRETARY, "dangvien": Role.MEMBER, "coso": Role.COMMITTEE_ADMIN,
    }  # fmt: skip
    assert set(expected) <= set(users)
    for username, role in expected.items():
        assignment = RoleAssignment.objects.get(user=users[username])
        assert assignment.role == role
        assert users[username].check_password(DEMO_PASSWORD)
    assert users["admin"].is_superuser
    assert users["admin"].is_staff
    assert RoleAssignment.objects.get(user=users["tochuc"]).modules == [
        "registry",
        "admissions",
        "indicators",
    ]
    cell = RoleAssignment.objects.get(user=users["bithu"]).organization
    assert cell.kind in CELL_KINDS
    assert (
        RoleAssignment.objects.get(user=users["coso"]).organization.kind
        == OrgKind.GRASSROOTS_DANG_BO
    )
    assert cell.path.startswith(RoleAssignment.objects.get(user=users["coso"]).organization.path)
    assert users["dangvien"].member.organization == cell
    assert users["dangvien"].member.status in ACTIVE_STATUSES
    assert AuditEntry.objects.filter(action="demo.built").count() == 1
    # The generated registry is covered by the one entry; what the pipeline records has its own.
    assert AuditEntry.objects.filter(action="members.created").count() == demo.pathways.admitted
    assert not AuditEntry.objects.filter(
        action__in=["members.imported", "members.updated"]
    ).exists()
    assert {x.username for x in demo.logins} == set(expected)


@pytest.mark.django_db
def test_createuser_command_grants_the_role_and_reports_refusals():
    org = found_organization(actor=None, code="T1", name="Tỉnh ủy thử", kind=OrgKind.PROVINCIAL, parent=None,
                             established_on=dt.date(2000, 1, 1))  # fmt: skip
    call_command("createuser", "canbo", "--org", "T1", "--role", "module_officer", "--modules", "registry,indicators",
                 "--password", "mat-khau-dai-hon-10")  # fmt: skip
    assignment = RoleAssignment.objects.get(user__username="canbo")
    assert (assignment.role, assignment.organization, assignment.modules) == (
        Role.MODULE_OFFICER,
        org,
        ["registry", "indicators"],
    )
    with pytest.raises(CommandError, match="ít nhất một phân hệ"):
        call_command(
            "createuser",
            "canbo2",
            "--org",
            "T1",
            "--role",
            "MODULE_OFFICER",
            "--password",
            "mat-khau-dai-hon-10",
        )
    assert not get_user_model().objects.filter(username="canbo2").exists()
    with pytest.raises(CommandError, match="Không có tổ chức mã «X9»"):
        call_command(
            "createuser",
            "canbo3",
            "--org",
            "X9",
            "--role",
            "VIEWER",
            "--password",
            "mat-khau-dai-hon-10",
        )


def test_the_demo_cell_has_admission_work_transfers_and_badges_on_the_radar(demo):
    from dangbo.admissions.models import AdmissionPlan, Candidate
    from dangbo.deadlines.selectors import radar
    from dangbo.members.models import Transfer

    stages = set(Candidate.objects.values_list("stage", flat=True))
    assert stages == {
        "PROPOSED", "AWARENESS_CLASS", "INTRODUCED", "COMMITTEE_PROPOSAL", "DECIDED", "ADMITTED",
    }  # fmt: skip
    assert demo.pathways.admitted == 2
    assert Transfer.objects.count() == demo.pathways.transfers == 3
    assert AdmissionPlan.objects.filter(year=AS_OF.year).count() == 2
    cell = RoleAssignment.objects.get(user__username="bithu").organization
    kinds = {d.kind for d in radar(cell, AS_OF, horizon_days=180).items}
    assert {
        "admissions.certificate", "admissions.decision", "admissions.ceremony",
        "admissions.recognition_proposal", "members.transfer_arrival", "members.transfer_start",
        "members.temporary_return",
    } <= kinds  # fmt: skip


def test_the_registry_has_its_badge_history_and_the_radar_a_handful_of_misses(demo):
    from dangbo.deadlines.selectors import radar

    # Members with 30 years and more of party age got their badges at the past occasions,
    # written with the registry (the build's audit entry covers them).
    assert demo.badges > 10 * max(demo.badges_missed, 1)
    recorded = AuditEntry.objects.filter(action="awards.recorded").values_list(
        "target_id", flat=True
    )
    assert len(recorded) == demo.pathways.badges
    history = BadgeAward.objects.exclude(pk__in=[int(pk) for pk in recorded])
    assert history.count() == demo.badges
    assert set(history.values_list("milestone", flat=True)) >= {30, 40}
    assert not history.filter(occasion_on__gte=AS_OF).exists()
    assert not history.filter(ceremony_on__lt=F("decision_signed_on")).exists()
    # The radar shows the few badges left unrecorded on purpose, and they are a small share.
    root = Organization.objects.get(code="DEMO")
    result = radar(root, AS_OF)
    late = [d for d in result.items if d.is_overdue(AS_OF)]
    late_badges = [d for d in late if d.kind == "awards.badge"]
    assert 1 <= len(late_badges) == demo.badges_missed <= 3
    assert len(late_badges) <= len(late)
    badges_due = [d for d in result.items if d.kind == "awards.badge"]
    assert len(late_badges) < len(badges_due) / 2


def test_the_quality_view_finds_each_fault_planted_in_the_demo(demo):
    from dangbo.quality import rules as quality_rules
    from dangbo.quality.selectors import findings_under

    report = findings_under(Organization.objects.get(code="DEMO"), today=AS_OF)
    found = {(f.check, f.record_id, f.field) for f in report.findings}
    for pk in demo.flaws.missing_numbers:
        assert (quality_rules.MISSING_REQUIRED, pk, "card_number") in found
    first, second = demo.flaws.duplicate
    assert {(quality_rules.DUPLICATE_NAME_BIRTH, pk) for pk in (first, second)} <= {
        (check, pk) for check, pk, _ in found
    }
    assert (quality_rules.INCONSISTENT_DATES, demo.flaws.early_official, "official_on") in found
    # A handful of findings, each of a planted kind: what a newcomer can learn from.
    assert report.totals[quality_rules.MISSING_REQUIRED] == 3
    assert report.totals[quality_rules.DUPLICATE_NAME_BIRTH] == 2
    assert report.totals[quality_rules.INCONSISTENT_DATES] == 1
    for check in (quality_rules.IMPOSSIBLE_DATE, quality_rules.INVALID_IDENTIFIER,
                  quality_rules.DUPLICATE_PERSONAL_ID, quality_rules.STATUS_MISMATCH):  # fmt: skip
        assert report.totals[check] == 0, check
    # The page a newcomer opens shows them.
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get("/o/DEMO/quality/")
    shown = page.context["report"].totals
    for check in (quality_rules.MISSING_REQUIRED, quality_rules.DUPLICATE_NAME_BIRTH,
                  quality_rules.INCONSISTENT_DATES):  # fmt: skip
        # (the page judges as of today, later than the demo day: probations may have run on)
        assert shown[check] >= report.totals[check]
        assert quality_rules.CHECKS[check] in page.content.decode()


def test_badge_history_awards_each_milestone_at_its_first_occasion_and_posthumously():
    from dangbo.demo.badges import badge_history

    cell = 7
    lived = [rules.State("PROBATIONARY", cell, dt.date(1990, 3, 1), dt.date(1991, 3, 1)),
             rules.State("OFFICIAL", cell, dt.date(1991, 3, 1), None)]  # fmt: skip
    # 30 years on 01/03/2020: the next occasion is 19/05/2020; 40 years lie ahead.
    assert badge_history(dt.date(1990, 3, 1), lived, dt.date(2026, 1, 15)) == [
        (30, dt.date(2020, 5, 19), False, cell)
    ]
    # The day of an occasion itself is not in the past yet.
    assert badge_history(dt.date(1990, 3, 1), lived, dt.date(2020, 5, 19)) == []
    died = [rules.State("OFFICIAL", cell, dt.date(1996, 1, 10), dt.date(2025, 12, 1)),
            rules.State("DECEASED", cell, dt.date(2025, 12, 1), None)]  # fmt: skip
    # Died 41 days short of 30 years: awarded posthumously at the first occasion after death.
    assert badge_history(dt.date(1996, 1, 10), died, dt.date(2026, 3, 1)) == [
        (30, dt.date(2026, 2, 3), True, cell)
    ]
    moved = [rules.State("OFFICIAL", cell, dt.date(1990, 3, 1), dt.date(2019, 6, 1)),
             rules.State("TRANSFERRED_OUT", None, dt.date(2019, 6, 1), None)]  # fmt: skip
    assert badge_history(dt.date(1990, 3, 1), moved, dt.date(2026, 1, 15)) == []


def test_the_demo_root_is_the_provincial_dang_bo_signed_by_its_committee(demo):
    from dangbo.documents.models import IssuedDocument
    from dangbo.organizations.naming import derive_committee_name

    root = Organization.objects.get(parent=None)
    assert (root.name, root.committee, root.document_place()) == (
        "Đảng bộ tỉnh Lạc Hồng", "Tỉnh ủy Lạc Hồng", "Lạc Hồng",
    )  # fmt: skip
    assert derive_committee_name(root.kind, root.name) == "Tỉnh ủy Lạc Hồng"
    cell = RoleAssignment.objects.get(user__username="bithu").organization
    assert cell.document_place() == "Lạc Hồng"  # inherited from the root
    # The decisions and letters the demo records take their numbers from the register.
    issued = IssuedDocument.objects.filter(external=False)
    assert issued.filter(doc_type="QD").count() >= 2
    assert issued.filter(doc_type="GGT").count() >= 1
    assert not IssuedDocument.objects.filter(external=True).exists()


def _tree_rows() -> tuple[list, list, list]:
    """The tree's organizations, periods and events, with organizations named by code."""
    code = dict(Organization.objects.values_list("id", "code"))

    def path(p):
        return [code[int(x)] for x in p.split(".") if x] if p else p

    orgs = sorted(
        (o["code"], o["name"], o["kind"], code.get(o["parent_id"]), path(o["path"]), o["depth"],
         o["sector_id"], o["staff_headcount"], o["established_on"], o["established_decision"],
         o["dissolved_on"], o["dissolved_decision"], o["committee_name"], o["place_name"])
        for o in Organization.objects.values()
    )  # fmt: skip
    positions = sorted(
        (code[p["organization_id"]], code.get(p["parent_id"]), path(p["path"]), p["depth"],
         p["name"], p["kind"], p["valid_from"], p["valid_until"])
        for p in TreePosition.objects.values()
    )  # fmt: skip
    events = [
        (code[e["organization_id"]], e["kind"], e["happened_on"], e["decision_number"],
         e["decision_signed_on"], e["decision_issuer"], code.get(e["related_id"]), e["details"],
         e["note"])
        for e in OrgEvent.objects.order_by("id").values()
    ]  # fmt: skip
    return orgs, positions, events


@pytest.mark.django_db
def test_the_tree_written_in_bulk_is_the_one_the_services_write():
    plan = plan_tree(members=3000, seed=7, as_of=AS_OF)
    written = []
    for build in (_tree_through_the_services, lambda plan: demo_build._build_tree(plan, None)):
        with transaction.atomic():
            build(plan)
            written.append(_tree_rows())
            transaction.set_rollback(True)
    assert [len(rows) for rows in written[0]] == [len(rows) for rows in written[1]]
    assert written[0] == written[1]


def _tree_through_the_services(plan) -> None:
    """The demo tree written operation by operation through the organization services."""
    sectors = {s.code: s for s in Sector.objects.all()}
    orgs: dict[str, Organization] = {}
    for op in plan.ops:
        p = plan.orgs[op.code]
        decision = op.data.get("decision")
        if op.kind == "found":
            orgs[op.code] = org_services.found_organization(
                actor=None, code=p.code, name=p.name, kind=p.kind,
                parent=orgs[p.parent] if p.parent else None, established_on=p.established_on,
                decision=decision, sector=sectors.get(p.sector) if p.sector else None,
                staff_headcount=p.staff_headcount, committee_name=p.committee_name,
                place_name=p.place_name,
            )  # fmt: skip
        elif op.kind == "rename":
            org_services.rename_organization(
                actor=None, org=orgs[op.code], name=op.data["name"], on=op.on, decision=decision
            )
        elif op.kind in ("merge", "merge_cell"):
            restructuring.merge_organizations(actor=None, sources=[orgs[op.code]], target=orgs[op.data["target"]],
                                              on=op.on, decision=decision)  # fmt: skip
        elif op.kind == "split":
            parts = []
            for code in op.data["parts"]:
                part = plan.orgs[code]
                parts.append({
                    "code": part.code, "name": part.name, "kind": part.kind, "parent": orgs[part.parent],
                    "child_ids": [orgs[c].pk for c in part.cells], "member_ids": [],
                })  # fmt: skip
            created = restructuring.split_organization(actor=None, source=orgs[op.code], parts=parts, on=op.on,
                                                       decision=decision)  # fmt: skip
            for org in created:
                orgs[org.code] = org_services.update_organization(
                    actor=None, org=org, staff_headcount=plan.orgs[org.code].staff_headcount
                )
        elif op.kind == "dissolve":
            org_services.dissolve_organization(
                actor=None, org=orgs[op.code], on=op.on, decision=decision
            )
        elif op.kind == "move":
            org_services.move_organization(actor=None, org=orgs[op.code], new_parent=orgs[op.data["parent"]],
                                           on=op.on, decision=decision)  # fmt: skip
        else:  # pragma: no cover
            raise ValueError(op.kind)
