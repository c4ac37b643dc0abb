"""Where the radar's deadlines come from: one function per domain app.

Each source is ``fn(org, today, until) -> list[Deadline]``: the open
deadlines of the subtree at ``org`` that fall due on or before ``until``,
overdue ones included. The radar imports them lazily by dotted path, so it
works before (or without) any of the apps that provide them: a module or a
function that does not exist is skipped with a warning in the log.

The sources of ``SOURCES`` are *stored*: ``dangbo.deadlines.store`` keeps
what they return in a table (``OpenDeadline``), recomputed for one record
when its facts change, so the radar counts and pages in SQL. A stored source
also takes ``only={subject type: numbers}`` (compute for those records only)
and sets ``subject_type``/``subject_id`` on each deadline; its subject types
are listed in ``store.SUBJECT_MODELS`` and the models its rules read in
``signals.WATCHED`` (see docs/architecture.md, "Thời hạn lưu sẵn").

Functions added with ``register(fn)`` (tests, a module not yet stored) are
*live*: asked at each request; while one is registered the radar computes
everything in Python, as before the store (``unregister(fn)`` takes it away).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable

from dangbo.core.deadlines import Deadline

logger = logging.getLogger(__name__)

Source = Callable[..., list[Deadline]]  # (org, today, until) -> list[Deadline]

SOURCES: list[str] = [
    # Admission: verification, cell vote, decision, ceremony, official membership.
    "dangbo.admissions.selectors.deadlines_under",
    # Transfers: presenting the letter at the receiving organization.
    # (If the function moves to dangbo.members.transfers, change this line.)
    "dangbo.members.selectors.transfer_deadlines_under",
    # Party badges: proposals due for members reaching 30, 40, … years of party age.
    "dangbo.awards.selectors.badge_deadlines_under",
    # Cell meetings: a month without its regular meeting, a quarter without a thematic one,
    # a score the upper level has not confirmed.
    "dangbo.meetings.deadlines.deadlines_under",
]

# What each kind of deadline is, as the radar's filter and counts name it (a kind not
# listed here is named by the title of its first item).
KIND_LABELS: dict[str, str] = {
    "admissions.certificate": "Giấy chứng nhận lớp nhận thức về Đảng sắp hết giá trị",
    "admissions.dossier": "Hồ sơ kết nạp quá 12 tháng chưa xét",
    "admissions.decision": "Quyết định kết nạp",
    "admissions.ceremony": "Tổ chức lễ kết nạp",
    "admissions.probation_end": "Hết thời kỳ dự bị",
    "admissions.recognition_proposal": "Chi bộ xét, đề nghị công nhận đảng viên chính thức",
    "admissions.recognition_decision": "Quyết định công nhận đảng viên chính thức",
    "members.transfer_start": "Cấp giấy giới thiệu sinh hoạt đảng",
    "members.transfer_arrival": "Xuất trình giấy giới thiệu, tiếp nhận sinh hoạt đảng",
    "members.temporary_return": "Hết hạn sinh hoạt đảng tạm thời",
    "awards.badge": "Huy hiệu Đảng đến mốc",
    "meetings.regular_missing": "Chi bộ chưa ghi sinh hoạt thường kỳ trong tháng",
    "meetings.thematic_missing": "Chi bộ chưa ghi sinh hoạt chuyên đề trong quý",
    "meetings.confirmation": "Cấp trên chưa xác nhận điểm sinh hoạt",
}

_registered: list[Source] = []
# Dotted path -> function (None when it does not exist), resolved once per process.
_resolved: dict[str, Source | None] = {}


def register(fn: Source) -> Source:
    """Add ``fn`` to the sources (usable as a decorator); adding it twice has no effect."""
    if not _holds(_registered, fn):
        _registered.append(fn)
    return fn


def unregister(fn: Source) -> None:
    """Take ``fn`` back out of the sources."""
    _registered[:] = [f for f in _registered if f is not fn]


def resolve(path: str) -> Source | None:
    """Return the function at dotted ``path``, or None (and a warning) when it does not exist."""
    if path in _resolved:
        return _resolved[path]
    module_name, _, name = path.rpartition(".")
    fn: Source | None
    try:
        fn = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        logger.warning("Bỏ qua nguồn thời hạn %s: %s", path, exc)
        fn = None
    _resolved[path] = fn
    return fn


def forget_resolved() -> None:
    """Resolve the dotted paths again on the next call (after ``SOURCES`` changed)."""
    _resolved.clear()


def sources() -> list[Source]:
    """Return the functions to ask: those of ``SOURCES`` that exist, then the registered ones."""
    found: list[Source] = []
    for path in SOURCES:
        fn = resolve(path)
        if fn is not None and not _holds(found, fn):
            found.append(fn)
    found.extend(fn for fn in _registered if not _holds(found, fn))
    return found


def stored_sources() -> list[Source]:
    """Return the functions of ``SOURCES`` that exist (their deadlines are stored)."""
    found: list[Source] = []
    for path in SOURCES:
        fn = resolve(path)
        if fn is not None and not _holds(found, fn):
            found.append(fn)
    return found


def live_sources() -> list[Source]:
    """Return the registered functions that are not stored (asked at each request)."""
    stored = stored_sources()
    return [fn for fn in _registered if not _holds(stored, fn)]


def _holds(fns: list[Source], fn: Source) -> bool:
    return any(f is fn for f in fns)


def gather(org, today: dt.date, until: dt.date) -> list[Deadline]:
    """Return what every source finds for the subtree at ``org``, due on or before ``until``."""
    items: list[Deadline] = []
    for fn in sources():
        items.extend(fn(org, today, until))
    return items
