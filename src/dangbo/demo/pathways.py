"""The demo's admission work, transfers and badges, recorded through the services.

Unlike the registry (written in bulk), these few records go through the same
services a user calls, so every rule checks them. They are placed in the demo
cell secretary's cell and dated back from the demo day, so that the deadline
radar, the pipeline and the indicators have something to show on the day the
demo is built:

* a person only just proposed, to be taken through every step by hand;
* files stopped at each stage, one awareness certificate about to expire, one
  decision late against its 60 working days, one ceremony to hold;
* members admitted this year (the plan's achievement), one probation ended
  and waiting for the cell's proposal, one probationer made official;
* a transfer to another cell waiting for the receiving side, one waiting for
  its letter, one temporary transfer;
* the year's admission plans and the term's target, and the Party badges of the last
  occasion in the grassroots organization (``badges`` writes the rest of the history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from dangbo.admissions import services as admission_services
from dangbo.admissions.models import Candidate, DecidingBody, Introducer
from dangbo.admissions.services.decisions import cell_eligible
from dangbo.awards import rules as award_rules
from dangbo.awards import selectors as award_selectors
from dangbo.awards import services as award_services
from dangbo.core.dates import add_months
from dangbo.core.errors import DomainError
from dangbo.members import transfers
from dangbo.members.letters import letter_issuing_org
from dangbo.members.models import Member, MemberState, Position, Sex, Status, Transfer
from dangbo.organizations.models import CELL_KINDS, GRASSROOTS_KINDS, Organization, OrgKind
from dangbo.regulations.workdays import add_working_days, calendar_around

DAY = dt.timedelta(days=1)


@dataclass
class PathwayResult:
    candidates: int = 0
    admitted: int = 0
    transfers: int = 0
    badges: int = 0


@dataclass(frozen=True)
class Person:
    full_name: str
    sex: str
    born: dt.date
    occupation: str
    education: str = "12/12"


def _grassroots_of(cell: Organization) -> Organization:
    if cell.kind in GRASSROOTS_KINDS:
        return cell
    org = cell.parent
    while org is not None and org.kind not in GRASSROOTS_KINDS:
        org = org.parent
    return org or cell


def _decider(grassroots: Organization) -> tuple[Organization, str]:
    superior = grassroots.parent or grassroots
    body = (
        DecidingBody.PROVINCIAL_STANDING_OFFICE
        if superior.kind == OrgKind.PROVINCIAL
        else DecidingBody.STANDING_COMMITTEE
    )
    return superior, body


def _introducers(cell: Organization, on: dt.date, count: int = 2) -> list[Member]:
    """Official members who have been in the cell, official, for more than a year on ``on``."""
    since = on - dt.timedelta(days=400)
    ids = (
        MemberState.objects.filter(
            organization=cell, status=Status.OFFICIAL, valid_from__lte=since,
            valid_until__isnull=True, member__voided_at__isnull=True,
        )
        .order_by("member_id")
        .values_list("member_id", flat=True)[:count]
    )  # fmt: skip
    return list(Member.objects.filter(pk__in=list(ids)).order_by("pk"))


def _working_day_before(day: dt.date, cal) -> dt.date:
    while not cal.is_working_day(day):
        day -= DAY
    return day


class _Pathway:
    def __init__(self, cell: Organization, as_of: dt.date, log: Callable[[str], None] | None):
        self.cell = cell
        self.as_of = as_of
        self.grassroots = _grassroots_of(cell)
        self.decider, self.body = _decider(self.grassroots)
        self.cal = calendar_around(cell, as_of - dt.timedelta(days=800), as_of)
        self.result = PathwayResult()
        self.serial = 0
        self.log = log

    def day(self, days_ago: int) -> dt.date:
        return _working_day_before(self.as_of - dt.timedelta(days=days_ago), self.cal)

    def number(self, symbol: str) -> str:
        self.serial += 1
        return f"{100 + self.serial}-{symbol}"

    # -- one candidate, step by step, up to ``stage`` --------------------------------------

    def candidate(self, person: Person, *, start: int, stage: str, **dates: int) -> Candidate:
        """Record a file proposed ``start`` days ago and taken to ``stage``.

        The steps follow each other at the default spacing unless ``dates``
        moves one (days ago): certificate, application, vote, decision, ceremony.
        """
        order = [s.value for s in Candidate.Stage]
        wanted = order.index(stage)
        proposed_on = self.day(start)
        c = admission_services.propose_candidate(
            actor=None, organization=self.cell, proposed_on=proposed_on,
            full_name=person.full_name, sex=person.sex, date_of_birth=person.born,
            occupation=person.occupation, general_education=person.education,
            proposed_by="Ban Chấp hành Chi đoàn", youth_union_member=True,
        )  # fmt: skip
        self.result.candidates += 1
        if wanted < order.index("AWARENESS_CLASS"):
            return c
        certificate_on = self.day(dates.get("certificate", start - 10))
        admission_services.record_awareness_certificate(
            actor=None, candidate=c, issued_on=certificate_on,
            issuer="Trung tâm Chính trị", number=self.number("CN/TTCT"),
        )  # fmt: skip
        if wanted < order.index("DOSSIER"):
            return c
        application_on = self.day(dates.get("application", start - 20))
        admission_services.record_application(
            actor=None, candidate=c, application_on=application_on
        )
        admission_services.record_background_check(
            actor=None, candidate=c, checked_on=self.day(dates.get("background", start - 35)),
            result=Candidate.BackgroundResult.PASSED, note="Lý lịch rõ ràng.",
        )  # fmt: skip
        if wanted < order.index("INTRODUCED"):
            return c
        assigned_on = self.day(dates.get("introducers", start - 40))
        introducers = _introducers(self.cell, assigned_on, 1)
        for member in introducers:
            admission_services.add_introducer(
                actor=None, candidate=c, assigned_on=assigned_on, member=member,
                relation=Introducer.Relation.SAME_UNIT,
                known_since=assigned_on - dt.timedelta(days=800),
            )  # fmt: skip
        admission_services.add_introducer(
            actor=None, candidate=c, assigned_on=assigned_on, union=Introducer.Union.YOUTH_UNION,
            resolution_number=self.number("NQ/ĐTN"), resolution_on=assigned_on,
        )  # fmt: skip
        if wanted < order.index("CELL_RESOLUTION"):
            return c
        vote_on = self.day(dates.get("vote", start - 60))
        c.refresh_from_db()
        self._cell_vote(c, vote_on)
        if wanted < order.index("COMMITTEE_PROPOSAL"):
            return c
        proposal_on = self.day(dates.get("proposal", start - 70))
        admission_services.record_committee_proposal(
            actor=None, candidate=c, held_on=proposal_on, eligible=9, in_favour=8,
            resolution_number=self.number("NQ/ĐU"),
        )  # fmt: skip
        if wanted < order.index("DECIDED"):
            return c
        decided_on = self.day(dates.get("decision", start - 100))
        admission_services.record_decision(
            actor=None, candidate=c, admit=True, decision_signed_on=decided_on,
            decided_by=self.decider, decided_by_body=self.body,
            decision_number="",  # the next number of the decider's outgoing register
            decision_received_on=add_working_days(decided_on, 2, self.cal),
        )  # fmt: skip
        if wanted < order.index("ADMITTED"):
            return c
        ceremony_on = self.day(dates.get("ceremony", start - 115))
        admission_services.record_ceremony(actor=None, candidate=c, ceremony_on=ceremony_on)
        self.result.admitted += 1
        c.refresh_from_db()
        return c

    def _cell_vote(self, c: Candidate, held_on: dt.date) -> None:
        eligible = cell_eligible(self.cell, held_on, None)
        admission_services.record_cell_vote(
            actor=None, candidate=c, held_on=held_on, eligible=eligible,
            in_favour=eligible, resolution_number=self.number("NQ/CB"),
        )  # fmt: skip


PEOPLE = [
    Person("Nguyễn Văn An", Sex.MALE, dt.date(2000, 3, 14), "Kỹ sư"),
    Person("Trần Thị Bích Ngọc", Sex.FEMALE, dt.date(1998, 9, 2), "Giáo viên"),
    Person("Lê Minh Khoa", Sex.MALE, dt.date(1996, 1, 25), "Kế toán"),
    Person("Phạm Thu Hà", Sex.FEMALE, dt.date(1999, 6, 30), "Cán bộ văn phòng"),
    Person("Hoàng Đức Thắng", Sex.MALE, dt.date(1997, 11, 11), "Công nhân"),
    Person("Vũ Thị Lan Anh", Sex.FEMALE, dt.date(2001, 4, 8), "Nhân viên"),
    Person("Đặng Quốc Bảo", Sex.MALE, dt.date(1995, 12, 19), "Kỹ thuật viên"),
    Person("Bùi Thị Hồng Nhung", Sex.FEMALE, dt.date(2002, 2, 27), "Sinh viên"),
]


def build_pathways(
    *, cell: Organization, other_cell: Organization | None, as_of: dt.date, log=None
) -> PathwayResult:
    """Record the demo's admission work, transfers, plans and badges around ``cell``."""
    p = _Pathway(cell, as_of, log)
    # Only proposed: the file a visitor takes through every step.
    p.candidate(PEOPLE[0], start=5, stage="PROPOSED")
    # An awareness certificate issued almost 60 months ago: about to expire.
    cert = add_months(as_of, -60) + dt.timedelta(days=25)
    p.candidate(PEOPLE[1], start=40, stage="AWARENESS_CLASS", certificate=(as_of - cert).days)
    # Dossier done, introducers found: ready for the cell's vote.
    p.candidate(PEOPLE[2], start=90, stage="INTRODUCED")
    # The cell voted 70 working days ago and nobody has decided: late (60 working days).
    vote_on = _working_day_before(as_of - dt.timedelta(days=100), p.cal)
    days = (as_of - vote_on).days
    p.candidate(
        PEOPLE[3], start=days + 60, stage="COMMITTEE_PROPOSAL", certificate=days + 50,
        application=days + 45, background=days + 30, introducers=days + 20, vote=days,
        proposal=days - 5,
    )  # fmt: skip
    # Decided a week ago: the ceremony is due within 30 working days of receipt.
    p.candidate(
        PEOPLE[4], start=130, stage="DECIDED", certificate=125, application=120, background=110,
        introducers=100, vote=60, proposal=40, decision=7,
    )  # fmt: skip
    # Admitted this year (the plan's achievement), still on probation.
    p.candidate(
        PEOPLE[5], start=260, stage="ADMITTED", certificate=250, application=240, background=225,
        introducers=215, vote=180, proposal=170, decision=150, ceremony=140,
    )  # fmt: skip
    # Admitted 13 months ago: probation ended, the cell must propose recognition.
    p.candidate(
        PEOPLE[6], start=560, stage="ADMITTED", certificate=550, application=540, background=525,
        introducers=515, vote=450, proposal=430, decision=400, ceremony=385,
    )  # fmt: skip
    _plans(p)
    if other_cell is not None:
        _transfers(p, other_cell)
    _badges(p)
    return p.result


def _plans(p: _Pathway) -> None:
    year = p.as_of.year
    admission_services.set_plan(
        actor=None, organization=p.grassroots, year=year, planned=4,
        note="Theo Nghị quyết đại hội, kế hoạch năm.",
    )  # fmt: skip
    admission_services.set_plan(actor=None, organization=p.decider, year=year, planned=40)
    admission_services.set_target(
        actor=None, organization=p.decider, first_year=2025, last_year=2030, target=200,
        resolution="Nghị quyết Đại hội đại biểu nhiệm kỳ 2025–2030",
    )  # fmt: skip


def _movable(cell: Organization, as_of: dt.date, skip: set[int]) -> list[Member]:
    return list(
        Member.objects.filter(organization=cell, status=Status.OFFICIAL, voided_at__isnull=True)
        .exclude(pk__in=skip)
        .exclude(user__isnull=False)
        .exclude(Exists(Position.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)))
        .order_by("-pk")[:3]
    )


def _transfers(p: _Pathway, other_cell: Organization) -> None:
    skip = set(Introducer.objects.values_list("member_id", flat=True).exclude(member=None))
    members = _movable(p.cell, p.as_of, skip)
    if len(members) < 3 or other_cell.kind not in CELL_KINDS:
        if p.log:
            p.log(f"  (chỉ có {len(members)} đảng viên có thể chuyển: bỏ qua chuyển sinh hoạt mẫu)")
        return
    # Letter issued ten days ago: the receiving cell has to confirm the arrival.
    t = transfers.start_transfer(
        actor=None, member=members[0], reason=Transfer.Reason.WORK_CHANGE,
        to_organization=other_cell, triggered_on=p.day(20),
    )  # fmt: skip
    transfers.issue_transfer_letter(
        actor=None, transfer=t, letter_number="", letter_on=p.day(10),
        letter_issuer=letter_issuing_org(t).committee,
    )  # fmt: skip
    # A retirement three months ago with no letter yet: past its 60 working days soon.
    transfers.start_transfer(
        actor=None, member=members[1], reason=Transfer.Reason.RETIREMENT,
        other_party="Đảng bộ phường nơi cư trú", triggered_on=p.day(80),
    )  # fmt: skip
    # Away for a course of six months: a temporary transfer.
    transfers.start_temporary_transfer(
        actor=None, member=members[2], reason=Transfer.Reason.STUDY,
        other_party="Chi bộ lớp bồi dưỡng, Học viện Chính trị khu vực",
        planned_from=p.day(60), planned_until=p.day(60) + dt.timedelta(days=183),
    )  # fmt: skip
    p.result.transfers += 3


def _badges(p: _Pathway) -> None:
    """Award through the services the badges due in the grassroots organization at the last
    occasion (the registry's history leaves them to this, as an office records them)."""
    occasion = award_rules.previous_occasion(p.as_of)
    if occasion is None:
        return
    due = award_selectors.badges_due(p.grassroots, [occasion], include_early=False,
                                     include_posthumous=False)  # fmt: skip
    awarded = [item for item in due if item.occasion_on == occasion and not item.overdue]
    members = Member.objects.in_bulk([item.member_id for item in awarded])
    for item in awarded:
        try:
            award_services.record_award(
                actor=None, member=members[item.member_id], milestone=item.milestone, occasion_on=occasion,
                decision_number=p.number("QĐ/TU"), decision_signed_on=occasion - dt.timedelta(days=10),
                decided_by="Ban Thường vụ Tỉnh ủy", badge_number=f"HH{p.serial:06d}",
                ceremony_on=occasion,
            )  # fmt: skip
        except DomainError:
            continue
        p.result.badges += 1
