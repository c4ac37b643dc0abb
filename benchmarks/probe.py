"""A user beside a running import: asks for the member list's first page and makes one small
write (the top organization's phone number, in a transaction of its own) until stopped.

``python -m benchmarks.probe OUT.json``; on SIGTERM it writes the count, median and
slowest answer times of the reads and of the writes to OUT.json.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time


def main() -> None:
    out = sys.argv[1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.db import OperationalError, transaction

    from dangbo.members.selectors import MemberFilter, members_in
    from dangbo.organizations.models import Organization

    times: list[float] = []
    refused = 0
    writes: list[float] = []
    stop = False

    def finish(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    root = Organization.objects.get(code=os.environ.get("PROBE_ROOT", "BENCH"))
    while not stop:
        began = time.perf_counter()
        list(members_in(root, MemberFilter())[:50])
        times.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        try:
            with transaction.atomic():
                Organization.objects.filter(pk=root.pk).update(phone=f"{len(writes) % 10**8:08d}")
        except OperationalError:  # the busy timeout ran out: the write was refused
            refused += 1
        writes.append((time.perf_counter() - began) * 1000)
        time.sleep(0.25)
    result = {"count": len(times)}
    if times:
        result.update(median_ms=statistics.median(times), max_ms=max(times))
    if writes:
        result.update(writes=len(writes), write_median_ms=statistics.median(writes),
                      write_max_ms=max(writes), refused=refused)  # fmt: skip
    with open(out, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
