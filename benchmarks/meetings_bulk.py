"""Bulk meeting benchmark: a month's meetings of every cell recorded through the API in bulk.

A province of ``members`` members has about ``members // 20`` cells (500.000 → 25.000). The
cells are written in bulk under a bloc (``build_tree``); then one meeting per cell (its figures
and level, as a cell reports them) is POSTed to ``/api/v1/o/BENCH/meetings/bulk`` in requests
of ``REQUEST_ITEMS`` items, through Django's request handling with a bearer token. Reported,
in the returned dict:

- ``rows``, ``seconds``, ``rows_per_s``: the meetings written through the API;
- ``raw_rows_per_s``: the same rows (the meetings and their audit entries, read back from the
  tables) written again after emptying them, as a raw multi-row INSERT (SQLite) or COPY
  (PostgreSQL) in one transaction, into the same tables with their indexes, in the same run;
- ``ratio_to_raw``: ``rows_per_s / raw_rows_per_s``;
- ``resend_created``: how many meetings a resend of the first request created (0: idempotent).

``DANGBO_BENCH_PROFILE=FILE`` writes a cProfile of the timed requests to FILE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time

REQUEST_ITEMS = 5000
MEMBERS_PER_CELL = 20
COPIED = (("meetings_meeting", "TRUE"), ("audit_auditentry", "action = 'meetings.recorded'"))


def cells_for(members: int) -> int:
    return max(members // MEMBERS_PER_CELL, 3)


def build_tree(root, cells: int) -> None:
    """Write one grassroots committee per 100 cells and the cells under ``root`` in bulk, with
    their paths and tree positions as ``organizations.services`` writes them one by one."""
    from dangbo.organizations.models import PATH_SEGMENT_WIDTH, Organization, OrgKind, TreePosition

    founded = dt.date(1960, 1, 1)

    def level(parents: list, count: int, kind: str, code: str, name: str) -> list:
        made = Organization.objects.bulk_create([
            Organization(code=code.format(i), name=name.format(i + 1), kind=kind,
                         parent=parents[i % len(parents)], established_on=founded,
                         depth=parents[0].depth + 1)
            for i in range(count)
        ], batch_size=2000)  # fmt: skip
        if made and made[0].pk is None:  # a backend that does not return the numbers
            made = list(Organization.objects.filter(kind=kind, parent__in=parents).order_by("pk"))
        for org in made:
            org.path = org.parent.path + f"{org.pk:0{PATH_SEGMENT_WIDTH}d}."
        Organization.objects.bulk_update(made, ["path"], batch_size=2000)
        TreePosition.objects.bulk_create([
            TreePosition(organization=o, parent=o.parent, path=o.path, depth=o.depth,
                         name=o.name, kind=o.kind, valid_from=founded)
            for o in made
        ], batch_size=2000)  # fmt: skip
        return made

    grassroots = level([root], max(cells // 100, 1), OrgKind.GRASSROOTS_DANG_BO,
                       "DB{:04d}", "Đảng bộ Công ty số {}")  # fmt: skip
    level(grassroots, cells, OrgKind.DEPENDENT_CELL, "CB{:05d}", "Chi bộ số {}")


def items_for(cells: int, held_on: dt.date, seed: int) -> list[dict]:
    rng = random.Random(seed)
    levels = ["GOOD"] * 9 + ["FAIR"] * 3 + ["AVERAGE"]
    items = []
    for c in range(cells):
        counted = rng.randrange(8, 40)
        items.append({
            "organization_code": f"CB{c:05d}", "kind": "REGULAR", "held_on": held_on.isoformat(),
            "start_time": "14:00", "end_time": "16:00", "level_only": True,
            "self_level": rng.choice(levels), "counted_count": counted,
            "present_count": counted - rng.randrange(0, 3), "client_key": f"bench-{c}",
        })  # fmt: skip
    return items


def _sqlite_value(connection, value):
    """A value read back through Django's SQLite converters, as SQLite takes it again."""
    import decimal

    ops = connection.ops
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.time):
        return ops.adapt_timefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _raw_baseline(connection) -> dict:
    """Read back what the API wrote, empty the tables of it, write it again raw; time that."""
    from django.db import transaction

    with connection.cursor() as cursor:
        tables = {}
        for table, where in COPIED:
            cursor.execute(f'SELECT * FROM "{table}" WHERE {where}')
            columns = [c[0] for c in cursor.description]
            tables[table] = (columns, cursor.fetchall())
        with transaction.atomic():
            cursor.execute("DELETE FROM audit_auditentry WHERE action = 'meetings.recorded'")
            cursor.execute("DELETE FROM meetings_meeting")
    rows = len(tables["meetings_meeting"][1])
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, data) in tables.items():
            names = ", ".join(f'"{c}"' for c in columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in data:
                        copy.write_row(
                            [json.dumps(v) if isinstance(v, dict | list) else v for v in row]
                        )
            else:
                data = [tuple(_sqlite_value(connection, v) for v in row) for row in data]
                marks = ", ".join(["%s"] * len(columns))
                for start in range(0, len(data), 5000):
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                       data[start : start + 5000])  # fmt: skip
    seconds = time.perf_counter() - began
    return {"raw_seconds": seconds, "raw_rows_per_s": rows / seconds if seconds else None,
            "raw_method": "COPY" if connection.vendor == "postgresql" else "INSERT"}  # fmt: skip


def run_bulk(*, members: int, seed: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from dangbo.accounts import services as account_services
    from dangbo.accounts.models import Role
    from dangbo.meetings.models import Meeting
    from dangbo.organizations import services as org_services
    from dangbo.organizations.models import OrgKind

    call_command("migrate", verbosity=0)
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    cells = cells_for(members)
    root = org_services.found_organization(actor=None, code="BENCH", name="Đảng ủy Khối Đo thử",
                                           kind=OrgKind.BLOC, parent=None,
                                           established_on=dt.date(1950, 1, 1))  # fmt: skip
    print(f"Cơ sở dữ liệu {connection.vendor}: dựng {cells} chi bộ…", flush=True)
    build_tree(root, cells)
    user = account_services.create_user(actor=None, username="bench", password="x",
                                        validate_password=False)  # fmt: skip
    account_services.grant_role(actor=None, user=user, role=Role.COMMITTEE_ADMIN,
                                organization=root)  # fmt: skip
    token = account_services.issue_token(actor=None, user=user, name="đo hiệu năng")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    today = timezone.localdate()
    held_on = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    items = items_for(cells, held_on, seed)
    requests = [items[i : i + REQUEST_ITEMS] for i in range(0, len(items), REQUEST_ITEMS)]
    bodies = [json.dumps({"meetings": chunk}) for chunk in requests]
    url = "/api/v1/o/BENCH/meetings/bulk"

    def post(body: str) -> dict:
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 200, (response.status_code, response.content[:500])
        return response.json()

    # Warm up (the API's first request builds its routes): one item naming no cell, refused.
    warm = post(json.dumps({"meetings": [{**items[0], "organization_code": "KHONGCO"}]}))
    assert warm["refused"] == 1
    print(f"Ghi {len(items)} buổi sinh hoạt qua API, {len(bodies)} yêu cầu…", flush=True)
    profiler = None
    if os.environ.get("DANGBO_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    began = time.perf_counter()
    created = refused = 0
    for body in bodies:
        answer = post(body)
        created += answer["created"]
        refused += answer["refused"]
    seconds = time.perf_counter() - began
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["DANGBO_BENCH_PROFILE"])
    assert Meeting.objects.count() == created == len(items), (created, refused)
    resend = post(bodies[0])
    assert Meeting.objects.count() == created
    result = {
        "db": connection.vendor, "members": members, "cells": cells, "rows": created,
        "refused": refused, "requests": len(bodies), "seconds": seconds,
        "rows_per_s": created / seconds if seconds else None,
        "resend_created": resend["created"], "resend_existing": resend["existing"],
    }  # fmt: skip
    result.update(_raw_baseline(connection))
    assert Meeting.objects.count() == created  # the raw write put back exactly the same rows
    if result["rows_per_s"] and result["raw_rows_per_s"]:
        result["ratio_to_raw"] = result["rows_per_s"] / result["raw_rows_per_s"]
    return result


def print_result(db: str, result: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    print()
    print(f"== {db}: ghi sinh hoạt hàng loạt qua API, {fmt_int(result['cells'])} chi bộ ==")
    print(f"API: {fmt_int(result['rows'])} buổi trong {fmt_decimal(result['seconds'], 2)} giây "
          f"({fmt_int(result['requests'])} yêu cầu), {fmt_int(round(result['rows_per_s']))} "
          "dòng/giây")  # fmt: skip
    print(f"{result['raw_method']} thô cùng các dòng (buổi sinh hoạt và nhật ký): "
          f"{fmt_int(round(result['raw_rows_per_s']))} dòng/giây; tỉ lệ API/thô "
          f"{fmt_decimal(result.get('ratio_to_raw') or 0, 3)}")  # fmt: skip
    print(f"Gửi lại yêu cầu đầu: {fmt_int(result['resend_created'])} buổi mới, "
          f"{fmt_int(result['resend_existing'])} buổi đã có")  # fmt: skip
