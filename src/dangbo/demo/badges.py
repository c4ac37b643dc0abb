"""The demo's Party badge history: what a real committee would have recorded.

Every member whose party age (gaps deducted) reached 30, 40, 45… years got
the badge at the first award occasion the badge rules allow
(``awards.rules.badge_award_refusal``), by a decision of the provincial
standing committee signed ten days before; a member who died within 12
months of a milestone got it posthumously. Only occasions before the demo
day count; the ones ahead are the office's work on the radar.

A real register is never perfect: a handful of the badges due in the last
year (the radar's look-back) are left unrecorded on purpose, so the radar
shows what a real miss looks like. The badges of the demo users' grassroots
organization at the last occasion are left to ``pathways``, which records
them through the awards services.

Written in bulk with the members, like the registry (the build's one audit
entry covers them).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from dangbo.awards import rules as award_rules
from dangbo.awards.models import BadgeAward
from dangbo.awards.selectors import RADAR_LOOKBACK_DAYS
from dangbo.core.bulk import Rows
from dangbo.core.dates import add_months
from dangbo.members import rules as member_rules

DAY = dt.timedelta(days=1)
DECIDED_BY = "Ban Thường vụ Tỉnh ủy"
# Days between the decision and the ceremony on the occasion.
DECISION_DAYS_BEFORE = 10
# One badge missed in the last year for about this many members (at least one).
MEMBERS_PER_MISS = 2000
# Occasions tried for one milestone when the rules hold it back (struck off, then readmitted).
MAX_OCCASIONS_TRIED = 200


def badge_history(
    admitted_on: dt.date | None, states: Sequence[member_rules.State], as_of: dt.date
) -> list[tuple[int, dt.date, bool, int | None]]:
    """Return (milestone, occasion, posthumous, organization id) of the badges a member would
    have been awarded before ``as_of``, each at the first occasion the rules allow.

    Living members: while in the Party (probationary, official or exempted) at the
    occasion. A member who died: posthumously at the first occasion after the death, for
    a milestone reached up to 12 months after it (HD 01-HD/TW 2021, mục 18).
    """
    if admitted_on is None:
        return []
    death = award_rules.died_on(states)
    until = as_of
    if death is not None:
        until = min(as_of, add_months(death, award_rules.POSTHUMOUS_EARLY_MONTHS))
    record = award_rules.PartyRecord(admitted_on, tuple(states))
    out: list[tuple[int, dt.date, bool, int | None]] = []
    for milestone, reached in award_rules.milestones_reached(admitted_on, states, until).items():
        since = death if death is not None and reached > death else reached
        occasion = award_rules.first_eligible_occasion(since, posthumous=since == death)
        for _ in range(MAX_OCCASIONS_TRIED):
            if occasion >= as_of:
                break
            posthumous = death is not None and death <= occasion
            state = member_rules.status_on(states, occasion)
            in_party = state is not None and state.status in member_rules.IN_PARTY
            refusal = award_rules.badge_award_refusal(
                record, milestone=milestone, occasion_on=occasion, posthumous=posthumous
            )
            if refusal is None and (in_party or posthumous):
                out.append(
                    (milestone, occasion, posthumous, state.organization_id if state else None)
                )
                break
            if state is not None and state.status == member_rules.OUT:
                break  # another committee's register now
            occasion = award_rules.award_occasions(occasion + DAY, 1)[0]
    return out


def decision_number(occasion: dt.date) -> str:
    """The standing committee's decision for one occasion: one number per occasion."""
    return f"{(occasion.year * 7 + occasion.month) % 900 + 50}-QĐ/TU"


class BadgeHistory:
    """Collects the badges of the members as they are generated, and writes them in bulk."""

    def __init__(
        self, *, as_of: dt.date, seed: int, members: int, left_to_pathways: set[int], batch: int
    ):
        self.as_of = as_of
        self.seed = seed
        self.members = members
        self.last_occasion = award_rules.previous_occasion(as_of)
        self.window_from = as_of - dt.timedelta(days=RADAR_LOOKBACK_DAYS)
        # Cells whose badges at the last occasion are recorded by ``pathways`` instead.
        self.left_to_pathways = left_to_pathways
        self.batch_size = batch
        self.rows = Rows(BadgeAward)
        self.batch: list[list] = []  # rows of BadgeAward
        # Badges of the last year to members still in the Party: the misses are picked here.
        self.recent: list[list] = []
        self.written = 0
        self.missed: list[list] = []

    def add(
        self,
        member_id: int,
        admitted_on: dt.date | None,
        states: Sequence[member_rules.State],
        current: member_rules.State,
    ) -> None:
        active_now = current.status in member_rules.IN_PARTY
        for milestone, occasion, posthumous, org_id in badge_history(
            admitted_on, states, self.as_of
        ):
            if occasion == self.last_occasion and current.organization_id in self.left_to_pathways:
                continue
            signed = occasion - DECISION_DAYS_BEFORE * DAY
            award = self.rows.row({
                "member_id": member_id, "organization_id": org_id, "milestone": milestone,
                "occasion_on": occasion, "decision_number": decision_number(occasion),
                "decision_signed_on": signed, "decided_by": DECIDED_BY, "ceremony_on": occasion,
                "posthumous": posthumous, "gift_amount": award_rules.badge_gift(milestone, signed),
            })  # fmt: skip
            if active_now and not posthumous and occasion >= self.window_from:
                self.recent.append(award)
            else:
                self.batch.append(award)

    def flush(self) -> None:
        """Write the badges collected so far (their members are written already)."""
        self.rows.insert(self.batch)
        self.written += len(self.batch)
        self.batch.clear()

    def finish(self) -> None:
        """Leave a handful of last year's badges unrecorded, write the rest."""
        count = min(len(self.recent), max(1, round(self.members / MEMBERS_PER_MISS)))
        rng = random.Random(f"badges:{self.seed}")
        missed = set(rng.sample(range(len(self.recent)), count))
        self.missed = [a for i, a in enumerate(self.recent) if i in missed]
        self.batch.extend(a for i, a in enumerate(self.recent) if i not in missed)
        self.recent.clear()
        self.flush()
