"""Checks other apps add to the data-quality report, registered by those apps.

The report's own checks judge member and organization records (``rules.CHECKS``). A module
with records of its own (the cell meetings) adds its checks with ``register(Contribution)``
from its ``AppConfig.ready``: their codes and titles, the kind of record they are about, the
capability a reader needs at the organization asked to see them (a reader without that
module sees neither the checks nor their findings), and a function that finds them for a
subtree in a fixed handful of queries::

    register(Contribution(
        name="meetings", checks={"meetings_too_short": "Buổi sinh hoạt ngắn hơn quy định"},
        record_type="meeting", record_type_label="Buổi sinh hoạt",
        capability=Capability.VIEW_MEETINGS, find=findings_for_subtree,
    ))

``find(org, today)`` returns ``Contributed`` items of the subtree at ``org`` only; the report
places them in the tree, counts them and links them (``url``) like its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dangbo.accounts.permissions import Capability

from .rules import CHECKS, ERROR


@dataclass(frozen=True, slots=True)
class Contributed:
    """One finding an app contributes: about which record, of which organization, with a link."""

    check: str
    record_id: int
    record_label: str
    org_id: int
    field: str
    message: str
    url: str
    severity: str = ERROR
    sort_key: tuple = ()


@dataclass(frozen=True)
class Contribution:
    name: str
    checks: dict[str, str]
    record_type: str
    record_type_label: str
    capability: Capability
    find: Callable[..., Iterable[Contributed]]  # (org, today) -> findings of the subtree
    field_labels: dict[str, str] = field(default_factory=dict)  # field code -> its label


_registered: list[Contribution] = []


def register(contribution: Contribution) -> Contribution:
    """Add an app's checks (registering one of the same name again replaces it)."""
    clash = set(contribution.checks) & set(CHECKS)
    if clash:
        raise ValueError(f"Check codes already used by the report: {sorted(clash)}")
    _registered[:] = [c for c in _registered if c.name != contribution.name]
    _registered.append(contribution)
    return contribution


def unregister(name: str) -> None:
    _registered[:] = [c for c in _registered if c.name != name]


def contributions(can: Callable[[Capability], bool] | None = None) -> list[Contribution]:
    """The registered contributions a reader may see (``can``: capability -> bool; None: all)."""
    return [c for c in _registered if can is None or can(c.capability)]


def all_checks(can: Callable[[Capability], bool] | None = None) -> dict[str, str]:
    """Every check's code and title: the report's own, then those the apps add."""
    found = dict(CHECKS)
    for c in contributions(can):
        found.update(c.checks)
    return found


def record_types() -> dict[str, str]:
    """The kinds of record the contributions are about: code -> Vietnamese label."""
    return {c.record_type: c.record_type_label for c in _registered}


def field_labels() -> dict[str, str]:
    """The labels of the fields the contributions' findings name."""
    found: dict[str, str] = {}
    for c in _registered:
        found.update(c.field_labels)
    return found


def findings(org, today: dt.date, can=None) -> list[tuple[Contribution, Contributed]]:
    """What every contribution the reader may see finds in the subtree at ``org``."""
    return [(c, f) for c in contributions(can) for f in c.find(org, today)]
