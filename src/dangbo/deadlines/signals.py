"""Keep the stored deadlines true: every save of a fact the deadline rules read recomputes the
rows of the record it belongs to, in the saving transaction (``store.refresh``).

Listening to the models rather than naming each service catches every path
that saves them one by one (services, the admin, the API, tests' factories).
The paths that write in bulk without saving models (COPY, ``bulk_create``,
``update``) call ``store.rebuild_if_enabled`` when they are done.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from . import store

MEMBER = "members.member"
CANDIDATE = "admissions.candidate"
TRANSFER = "members.transfer"
CELL = "meetings.cell"

# The settings the deadline rules read (a change recomputes every row).
WATCHED_SETTINGS = (
    "admissions.certificate_validity_months", "awards.badge_cutoff", "meetings.confirm_days",
)  # fmt: skip


def _member(member_id) -> store.Subjects:
    """A member's probation and badges, and their transfers under way (they show the name)."""
    Transfer = apps.get_model("members", "Transfer")
    transfers = list(Transfer.objects.filter(member_id=member_id).values_list("pk", flat=True))
    return {MEMBER: [member_id], TRANSFER: transfers}


def _vote(vote) -> store.Subjects:
    if vote.candidate_id:
        return {CANDIDATE: [vote.candidate_id]}
    if vote.recognition_id:
        Recognition = apps.get_model("admissions", "Recognition")
        member_id = (
            Recognition.objects.filter(pk=vote.recognition_id)
            .values_list("member_id", flat=True)
            .first()
        )
        return {MEMBER: [member_id]}
    return {}


def _score(score) -> store.Subjects:
    Meeting = apps.get_model("meetings", "Meeting")
    cells = Meeting.objects.filter(pk=score.meeting_id).values_list("organization_id", flat=True)
    return {CELL: list(cells)}


# Model label -> the records whose deadlines a saved row changes. A member's events and states
# are not listed: ``members.services.rebuild_states`` derives the member's columns from them
# with queryset writes (no signal) and then calls ``store.changed`` itself.
WATCHED: dict[str, Callable[[object], store.Subjects]] = {
    "admissions.Candidate": lambda c: {CANDIDATE: [c.pk]},
    "admissions.Introducer": lambda i: {CANDIDATE: [i.candidate_id]},
    "admissions.Recognition": lambda r: {MEMBER: [r.member_id]},
    "admissions.Vote": _vote,
    "members.Member": lambda m: _member(m.pk),
    "members.Transfer": lambda t: {TRANSFER: [t.pk]},
    "awards.BadgeAward": lambda a: {MEMBER: [a.member_id]},
    # A cell's meetings: a meeting recorded, confirmed or voided, a score, the cell's own dates.
    "meetings.Meeting": lambda m: {CELL: [m.organization_id]},
    "meetings.Score": _score,
    "organizations.Organization": lambda o: {CELL: [o.pk]},
}
# Model label -> whether a saved row changes many records (then every row is recomputed).
WATCHED_WIDE: dict[str, Callable[[object], bool]] = {
    "regulations.CalendarDay": lambda day: True,
    "regulations.Setting": lambda setting: setting.key in WATCHED_SETTINGS,
}


def _on_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loaded as they are: rebuilt afterwards
        return
    if not store.enabled():
        return
    collecting = store.deferred_subjects()
    if collecting is not None and collecting.rebuild_all:  # all recomputed at the end
        return
    label = sender._meta.label
    if label in WATCHED:
        store.changed(WATCHED[label](instance))
    elif label in WATCHED_WIDE and WATCHED_WIDE[label](instance):
        store.changed_everywhere()


def connect() -> None:
    for label in (*WATCHED, *WATCHED_WIDE):
        model = apps.get_model(label)
        uid = f"dangbo.deadlines.store:{label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete")
