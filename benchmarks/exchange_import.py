"""One exchange-workbook import into a fresh SQLite installation, with a user writing beside it.

``python -m benchmarks.exchange_import FILE MODE OUT.json`` (run by ``benchmarks.imports`` with
``DANGBO_DATA_DIR`` set to an empty folder): MODE ``staged`` imports as ``dangbo import`` does
(``core.staging``: written on a private copy, carried over in one short transaction),
``in_place`` in one transaction on the database itself, the baseline. It reports the seconds
of the import, those the write lock was held, and the answer times of the probe's writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    path, mode, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from dangbo.core import staging
    from dangbo.exchange.services import import_exchange
    from dangbo.organizations import services as org_services
    from dangbo.organizations.models import OrgKind

    call_command("migrate", verbosity=0)
    org_services.found_organization(actor=None, code="PROBE", name="Đảng ủy Khối Đo bên cạnh",
                                    kind=OrgKind.BLOC, parent=None, established_on=dt.date(1950, 1, 1))  # fmt: skip
    probe_out = out.with_suffix(".probe.json")
    probe = subprocess.Popen([sys.executable, "-m", "benchmarks.probe", str(probe_out)],
                             env={**os.environ, "PROBE_ROOT": "PROBE"})  # fmt: skip
    time.sleep(2)
    began = time.perf_counter()
    if mode == "staged":
        result = staging.staged(lambda: import_exchange(path, actor=None, dry_run=False),
                                written=lambda r: r.written)  # fmt: skip
        held = staging.last.held_seconds
        parts = {**staging.last.seconds, "attempts": staging.last.attempts}
    else:
        parts = {}
        result = import_exchange(path, actor=None, dry_run=False)
        held = None
    seconds = time.perf_counter() - began
    probe.terminate()
    probe.wait()
    assert result.ok, [str(i) for i in result.errors[:5]]
    report = {"seconds": seconds, "held_seconds": seconds if held is None else held, "parts": parts,
              "probe": json.loads(probe_out.read_text()) if probe_out.exists() else {}}  # fmt: skip
    out.write_text(json.dumps(report))


if __name__ == "__main__":
    main()
