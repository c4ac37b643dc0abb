"""Two services changing one member's facts at once leave the stored deadlines equal to what the
rules compute: each recomputes under the member's lock, from what the other committed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from dangbo.core.tests.api_helpers import add_member, build_tree
from dangbo.members import services as member_services
from dangbo.members.models import Member

from .. import store
from ..models import OpenDeadline

pytestmark = [
    pytest.mark.parallel_writers,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

ROUNDS = 6


def race(*runs) -> None:
    start = threading.Barrier(len(runs))
    errors: list[BaseException] = []

    def go(run) -> None:
        start.wait()
        try:
            run()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]


def test_parallel_writers_of_one_member_leave_the_rows_of_the_last(settings):
    settings.DANGBO_DEADLINE_STORE = True
    tree = build_tree()
    # A probation ending in two months: its end and the cell's proposal are on the radar.
    admitted = timezone.localdate() - dt.timedelta(days=300)
    member = add_member(tree.a1, "Trần Văn Cùng Lúc", admitted_on=admitted)
    store.rebuild()
    assert OpenDeadline.objects.filter(subject_type="members.member", subject_id=member.pk)

    def rename(name: str):
        def run() -> None:
            fresh = Member.objects.get(pk=member.pk)
            member_services.update_member(actor=None, member=fresh, full_name=name)

        return run

    for round_ in range(ROUNDS):
        race(rename(f"Trần Văn Một {round_}"), rename(f"Trần Văn Hai {round_}"))
        name = Member.objects.get(pk=member.pk).full_name
        stored = set(
            OpenDeadline.objects.filter(
                subject_type="members.member", subject_id=member.pk
            ).values_list("subject", flat=True)
        )
        assert stored == {name}
        state = store.current()
        derived = sorted(
            (d.kind, d.subject, d.due_on)
            for d in store.derive(state.derived_on, state.reaches_until)
        )
        assert sorted(OpenDeadline.objects.values_list("kind", "subject", "due_on")) == derived
