"""One benchmark run in the current process, on the database the settings name (a scratch one)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

BASELINE_ROWS = 200_000


def _median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    value = fn()  # warm the caches once
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), value


def _insert_baseline(connection, rows: int) -> float:
    """Return the rows per second of a raw INSERT of narrow rows, in one transaction."""
    from django.db import transaction

    data = [
        (i, f"dòng thử {i}", dt.date(2020, 1, 1) + dt.timedelta(days=i % 3000)) for i in range(rows)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_baseline (id integer PRIMARY KEY, label varchar(60), day date)"
        )
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, rows, 5000):
            cursor.executemany(
                "INSERT INTO bench_baseline (id, label, day) VALUES (%s, %s, %s)",
                data[start : start + 5000],
            )
    seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_baseline")
    return rows / seconds


def run(*, members: int, seed: int, repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dangbo.awards import rules as award_rules
    from dangbo.awards.selectors import badges_due
    from dangbo.deadlines.selectors import _computed_radar, radar
    from dangbo.demo import build_demo
    from dangbo.demo.plan import plan_tree
    from dangbo.members.selectors import MemberFilter, members_in
    from dangbo.organizations.models import Organization

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Cơ sở dữ liệu {connection.vendor}: dựng {members} đảng viên…", flush=True)
    cpu_began = time.process_time()
    result = build_demo(members=members, seed=seed, log=lambda m: print(m, flush=True))
    build_cpu = time.process_time() - cpu_began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    baseline_rate = _insert_baseline(connection, min(BASELINE_ROWS, result.rows))

    root = Organization.objects.get(code="DEMO")
    plan = plan_tree(members=members, seed=seed, as_of=timezone.localdate())
    grassroots = Organization.objects.get(code=plan.roles["users"])

    def plain_count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM members_member")
            return cursor.fetchone()[0]

    baseline_ms, _ = _median_ms(plain_count, repeat)
    today = timezone.localdate()
    search = MemberFilter(q="nguyen van hung")
    history = MemberFilter(on=dt.date(2018, 6, 30))
    cases = [
        ("đếm đảng viên toàn đảng bộ (DEMO)", lambda: members_in(root).count()),
        (
            f"đếm đảng viên một đảng bộ cơ sở ({grassroots.code})",
            lambda: members_in(grassroots).count(),
        ),
        ("trang đầu danh sách DEMO (50, theo tên)", lambda: len(list(members_in(root)[:50]))),
        (
            f"trang đầu danh sách {grassroots.code} (50, theo tên)",
            lambda: len(list(members_in(grassroots)[:50])),
        ),
        (
            "tìm «nguyen van hung» trong DEMO: trang đầu",
            lambda: len(list(members_in(root, search)[:50])),
        ),
        ("tìm «nguyen van hung» trong DEMO: đếm", lambda: members_in(root, search).count()),
        ("đếm DEMO theo cây ngày 30/06/2018", lambda: members_in(root, history).count()),
        ("radar thời hạn toàn DEMO (90 ngày)", lambda: radar(root, today).total),
        (f"radar thời hạn {grassroots.code} (90 ngày)", lambda: radar(grassroots, today).total),
        (
            "radar toàn DEMO (90 ngày) + trang đầu 50 việc",
            lambda: len(radar(root, today).items[:50]),
        ),
        # The same radar computed by asking the sources (the radar before the stored deadlines):
        # the reference for the two lines above, measured in the same run.
        (
            "radar toàn DEMO (90 ngày), tính trực tiếp từ nguồn",
            lambda: _computed_radar(root, today, 90, None, False, None).total,
        ),
        (
            f"radar {grassroots.code} (90 ngày), tính trực tiếp từ nguồn",
            lambda: _computed_radar(grassroots, today, 90, None, False, None).total,
        ),
        (
            "Huy hiệu Đảng đến hạn 4 đợt tới, toàn DEMO",
            lambda: len(badges_due(root, award_rules.award_occasions(today, 4))),
        ),
    ]
    queries = []
    for label, fn in cases:
        ms, value = _median_ms(fn, repeat)
        queries.append({"label": label, "ms": ms, "ratio": ms / baseline_ms, "value": value})
    pages, page_baseline_ms = _pages(root, grassroots, repeat)
    from . import indicators

    figures = indicators.run(root, today, lambda fn: _median_ms(fn, repeat))
    from . import meetings

    meeting_figures = meetings.run(root, today, lambda fn: _median_ms(fn, repeat))
    rows_per_s = result.rows / result.seconds
    return {
        "members": result.members,
        "organizations": result.organizations,
        "build": {"seconds": result.seconds, "cpu_seconds": build_cpu, "rows": result.rows,
                  "rows_per_s": rows_per_s, "load_average": os.getloadavg()[0],
                  "baseline_rows_per_s": baseline_rate, "ratio": rows_per_s / baseline_rate},
        "baseline_ms": baseline_ms,
        "queries": queries,
        "page_baseline_ms": page_baseline_ms,
        "pages": pages,
        "indicators": figures,
        "meetings": meeting_figures,
    }  # fmt: skip


def run_demo(*, members: int, seed: int) -> dict:
    """Only the demo build (``dangbo demo --members N``): its time, CPU time and memory."""
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangbo.demo import build_demo

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Cơ sở dữ liệu {connection.vendor}: dựng {members} đảng viên…", flush=True)
    cpu_began = time.process_time()
    result = build_demo(members=members, seed=seed, log=lambda m: print(m, flush=True))
    return {
        "members": result.members, "organizations": result.organizations,
        "build": {"seconds": result.seconds, "cpu_seconds": time.process_time() - cpu_began,
                  "rows": result.rows, "rows_per_s": result.rows / result.seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "load_average": os.getloadavg()[0]},
    }  # fmt: skip


def print_demo(db: str, result: dict) -> None:
    from dangbo.core.formatting import fmt_decimal, fmt_int

    build = result["build"]
    print(f"\n== {db}: dữ liệu mẫu {fmt_int(result['members'])} đảng viên, "
          f"{fmt_int(result['organizations'])} tổ chức ==")  # fmt: skip
    print(f"Dựng trong {fmt_decimal(build['seconds'])} giây (CPU của tiến trình Python "
          f"{fmt_decimal(build['cpu_seconds'])} giây), {fmt_int(build['rows'])} dòng, "
          f"{fmt_int(round(build['rows_per_s']))} dòng/giây; bộ nhớ đỉnh "
          f"{fmt_int(round(build['peak_rss_mb']))} MB; tải trung bình của máy "
          f"{fmt_decimal(build['load_average'], 1)}")  # fmt: skip


# The goals of the pages at province scale (500.000 members), in milliseconds.
RADAR_GOAL_MS = 500
HOME_GOAL_MS = 100


def _pages(root, grassroots, repeat: int) -> tuple[list[dict], float]:
    """Time the radar and the home page as their users get them (a request through the whole
    Django stack, templates included), against a logged-in page that reads nothing more."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    users = get_user_model().objects

    def client(username: str) -> Client:
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(users.get(username=username))
        return c

    def get(c: Client, url: str, *, follow: bool = False) -> Callable[[], int]:
        def fetch() -> int:
            response = c.get(url, follow=follow)
            if response.status_code != 200 and not (response.status_code == 302 and not follow):
                raise RuntimeError(f"{url}: {response.status_code}")
            return response.status_code

        return fetch

    admin, office, secretary, member = (client(u) for u in ("admin", "coso", "bithu", "dangvien"))
    page_baseline_ms, _ = _median_ms(get(admin, reverse("tokens")), repeat)
    radar = lambda code: reverse("deadlines", kwargs={"code": code})  # noqa: E731
    cases = [
        ("trang radar thời hạn toàn DEMO", get(admin, radar(root.code)), RADAR_GOAL_MS),
        (f"trang radar thời hạn {grassroots.code}", get(office, radar(grassroots.code)),
         RADAR_GOAL_MS),
        ("trang chủ (chuyển hướng theo vai trò)", get(admin, reverse("home")), HOME_GOAL_MS),
        ("trang chủ → radar DEMO (quản trị cấp ủy)", get(admin, reverse("home"), follow=True),
         RADAR_GOAL_MS),
        ("trang chủ → radar chi bộ (bí thư)", get(secretary, reverse("home"), follow=True),
         HOME_GOAL_MS),
        ("trang chủ → hồ sơ của mình (đảng viên)", get(member, reverse("home"), follow=True),
         HOME_GOAL_MS),
    ]  # fmt: skip
    pages = []
    for label, fn, goal_ms in cases:
        ms, value = _median_ms(fn, repeat)
        pages.append({"label": label, "ms": ms, "ratio": ms / page_baseline_ms, "value": value,
                      "goal_ms": goal_ms})  # fmt: skip
    return pages, page_baseline_ms
