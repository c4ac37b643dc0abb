"""A few faults planted in the demo registry, so the data-quality view has something to show.

Real registers carry the marks of years of hand entry. The demo plants a
realistic handful, each of a kind the quality checks find
(``dangbo.quality.rules``):

* three official members brought in from an old register without their card
  and identity numbers (a missing required field);
* one member entered twice, in two cells, with the same name and birth date
  (a probable duplicate);
* one recognition typed eight months after the admission instead of twelve
  (dates that contradict the 12 months of probation).

The faults are chosen by their place in the generated sequence, so two
builds from one seed plant the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangbo.core.dates import add_months
from dangbo.members import rules as member_rules

from .people import DraftMember

MISSING_NUMBERS = 3
EARLY_OFFICIAL_MONTHS = 8
# Admissions from this day on have the probation rule the quality check applies.
PROBATION_RULE_SINCE = dt.date(2011, 1, 19)


@dataclass
class PlantedFlaws:
    """The demo members each fault was planted in (their index in the generated sequence)."""

    missing_numbers: list[int] = field(default_factory=list)
    duplicate: tuple[int, int] | None = None  # (the first record, the second entry)
    early_official: int | None = None


class FlawPlanter:
    """Spoils a few generated members, as a careless hand would have, before they are written."""

    def __init__(self, members: int) -> None:
        self.members = members
        self.planted = PlantedFlaws()
        self._original: tuple[int, dict, int | None] | None = None  # index, identity, cell

    def spoil(self, draft: DraftMember, current: member_rules.State) -> bool:
        """Plant a fault in ``draft`` if it is the next one's turn; return whether it changed
        the member's events or birth date (their states must then be derived again)."""
        if current.status != member_rules.OFFICIAL:
            return False
        index, planted = draft.index, self.planted
        if (
            index >= self.members // 4
            and index % 7 == 0
            and len(planted.missing_numbers) < MISSING_NUMBERS
        ):
            draft.identity["card_number"] = None
            draft.identity["personal_id_number"] = None
            planted.missing_numbers.append(index)
            return False
        if index >= self.members // 3 and planted.early_official is None:
            return self._early_official(draft)
        if index >= self.members // 2 and planted.duplicate is None:
            return self._duplicate(draft, current)
        return False

    def _early_official(self, draft: DraftMember) -> bool:
        kinds = [e.kind for e in draft.events]
        if kinds != [member_rules.ADMITTED, member_rules.MADE_OFFICIAL]:
            return False
        admitted, official = draft.events
        if admitted.on < PROBATION_RULE_SINCE:
            return False
        official.on = add_months(admitted.on, EARLY_OFFICIAL_MONTHS)
        self.planted.early_official = draft.index
        return True

    def _duplicate(self, draft: DraftMember, current: member_rules.State) -> bool:
        if self._original is None:
            self._original = (draft.index, dict(draft.identity), current.organization_id)
            return False
        index, identity, cell = self._original
        admitted = min(e.on for e in draft.events if e.kind == member_rules.ADMITTED)
        age = member_rules.age_on(identity["date_of_birth"], admitted)
        if cell == current.organization_id or not 18 <= age < 60:
            return False
        for key in ("full_name", "date_of_birth", "sex"):
            draft.identity[key] = identity[key]
        draft.identity["personal_id_number"] = None
        self.planted.duplicate = (index, draft.index)
        return True
