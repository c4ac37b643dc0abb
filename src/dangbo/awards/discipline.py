"""Where the badge rules learn about disciplinary penalties.

There is no discipline module yet. When one exists it registers a source at
start-up (in its ``AppConfig.ready``)::

    from dangbo.awards.discipline import register_discipline_source

    def penalties(member_ids):
        # {member_id: [(penalty, decided_on, corrected), ...]} with penalty one of
        # "REPRIMAND", "WARNING", "REMOVAL", "EXPULSION"
        ...

    register_discipline_source(penalties)

A source takes a list of member ids and returns, for the members with
penalties, their penalties as ``rules.Discipline`` values or
``(penalty, decided_on, corrected)`` tuples; one call per list, so a
province-wide due list asks once. With no source registered nothing is deferred.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .rules import Discipline

DisciplineSource = Callable[[Sequence[int]], Mapping[int, Iterable]]

_SOURCES: list[DisciplineSource] = []


def register_discipline_source(fn: DisciplineSource) -> DisciplineSource:
    """Register ``fn`` as a source of penalties (idempotent; usable as a decorator)."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def unregister_discipline_source(fn: DisciplineSource) -> None:
    if fn in _SOURCES:
        _SOURCES.remove(fn)


def _as_discipline(item) -> Discipline:
    if isinstance(item, Discipline):
        return item
    penalty, decided_on, *rest = item
    return Discipline(str(penalty), decided_on, bool(rest[0]) if rest else True)


def disciplines_of(member_ids: Sequence[int]) -> dict[int, tuple[Discipline, ...]]:
    """Return the penalties every registered source knows for ``member_ids``."""
    found: dict[int, list[Discipline]] = {}
    if not _SOURCES or not member_ids:
        return {}
    for source in _SOURCES:
        for member_id, items in (source(list(member_ids)) or {}).items():
            found.setdefault(member_id, []).extend(_as_discipline(i) for i in items)
    return {k: tuple(v) for k, v in found.items()}
