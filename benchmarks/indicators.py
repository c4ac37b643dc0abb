"""The indicator part of the queries suite: the full set, each indicator alone, one SQL pass.

Times, for the demo's top organization on today's date:

* the full indicator set as pages, the API and reports ask for it (``selectors.figures``:
  the member indicators from one scan of the membership);
* every indicator alone (``registry.evaluate``: an indicator asked by itself scans only
  its own groups), and their sum: what the full set costs without planning;
* the member indicators together, and one hand-written SQL statement computing the same
  member figures (by status, sex, age band, Kinh), with the ratio between them;
* ``admissions.admitted`` for the period from 1 January, against one hand-written SQL statement
  counting the same admissions (the subtree's events joined with the tree of their day);
* the full set for a grassroots committee of about 172 members (the one closest to that size):
  its cost must follow its own subtree, not the installation;

and checks, in the same run, that the indicators' figures equal the SQL statements'.

The result dict carries the figures of the summary table: ``full_ms``, ``members_ms``,
``four_ms``, ``sql_ms``, ``ratio`` (``four_ms / sql_ms``), ``members_ratio``
(``members_ms / sql_ms``), ``admitted_ms``, ``admitted_sql_ms``, ``admitted_ratio``,
``small_ms`` (with ``small_code``, ``small_members``) and ``agree``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

STATUSES = ("PROBATIONARY", "OFFICIAL", "EXEMPTED")
SEXES = ("M", "F")
SMALL_COMMITTEE = 172  # members: the grassroots committee the page goal is set for

# The admissions of the period in the subtree, by the tree of the day of each event.
ADMITTED_SQL = """
SELECT COUNT(DISTINCT e.member_id) FILTER (WHERE e.kind = 'ADMITTED'),
       COUNT(DISTINCT e.member_id) FILTER (WHERE e.kind = 'READMITTED'),
       COUNT(DISTINCT e.member_id)
FROM members_memberevent e
JOIN members_member m ON m.id = e.member_id
JOIN organizations_treeposition t ON t.organization_id = e.organization_id
 AND t.valid_from <= e.happened_on AND (t.valid_until IS NULL OR t.valid_until > e.happened_on)
WHERE e.kind IN ('ADMITTED', 'READMITTED') AND e.happened_on >= %s AND e.happened_on <= %s
  AND e.voided_at IS NULL AND m.voided_at IS NULL AND t.path >= %s AND t.path < %s
"""


def _baseline_sql(path: str, upper: str, on: dt.date) -> tuple[str, list]:
    """One statement: the membership of the subtree on ``on``, counted every way at once."""
    from dangbo.indicators.definitions.members import AGE_BANDS, KINH, band_q, years_ago

    del band_q  # the bands below mirror it: low <= whole years <= high
    columns, params = ["COUNT(*)"], []
    for status in STATUSES:
        columns.append("SUM(CASE WHEN s.status = %s THEN 1 ELSE 0 END)")
        params.append(status)
    for sex in SEXES:
        columns.append("SUM(CASE WHEN m.sex = %s THEN 1 ELSE 0 END)")
        params.append(sex)
    columns.append("SUM(CASE WHEN m.ethnicity = %s THEN 1 ELSE 0 END)")
    params.append(KINH)
    for _, _, low, high in AGE_BANDS:
        cond = ["m.date_of_birth IS NOT NULL"]
        if low is not None:
            cond.append("m.date_of_birth <= %s")
            params.append(years_ago(on, low))
        if high is not None:
            cond.append("m.date_of_birth > %s")
            params.append(years_ago(on, high + 1))
        columns.append(f"SUM(CASE WHEN {' AND '.join(cond)} THEN 1 ELSE 0 END)")
    sql = (
        f"SELECT {', '.join(columns)} FROM members_memberstate s "
        "JOIN members_member m ON m.id = s.member_id "
        "WHERE s.valid_from <= %s AND (s.valid_until IS NULL OR s.valid_until > %s) "
        "AND s.status IN (%s, %s, %s) AND m.voided_at IS NULL AND s.organization_id IN ("
        "SELECT t.organization_id FROM organizations_treeposition t WHERE t.valid_from <= %s "
        "AND (t.valid_until IS NULL OR t.valid_until > %s) AND t.path >= %s AND t.path < %s)"
    )
    return sql, [*params, on, on, *STATUSES, on, on, path, upper]


def run(root, on: dt.date, timed: Callable) -> dict:
    from django.db import connection

    from dangbo.indicators import registry, selectors
    from dangbo.indicators.definitions.members import AGE_BANDS, MEMBERSHIP
    from dangbo.indicators.registry import Query
    from dangbo.organizations.models import TreePosition
    from dangbo.organizations.rules import subtree_upper_bound
    from dangbo.organizations.selectors import valid_on

    indicators = registry.all_indicators()
    member_codes = [ind.code for ind in indicators if ind.reads and ind.reads.source is MEMBERSHIP]
    full_ms, full = timed(lambda: selectors.figures(root, on=on))
    each = []
    for ind in indicators:
        ms, _ = timed(lambda ind=ind: registry.evaluate(ind, Query(org=root, on=on)))
        each.append({"code": ind.code, "ms": ms})
    members_ms, _ = timed(lambda: selectors.figures(root, on=on, codes=member_codes))
    four = ["members.by_status", "members.by_sex", "members.by_age_band",
            "members.by_ethnic_minority"]  # fmt: skip
    four_ms, four_figs = timed(lambda: selectors.figures(root, on=on, codes=four))
    four_alone_ms = sum(e["ms"] for e in each if e["code"] in four)

    path = TreePosition.objects.get(valid_on(on), organization=root).path
    sql, params = _baseline_sql(path, subtree_upper_bound(path), on)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [int(v or 0) for v in cursor.fetchone()]

    sql_ms, row = timed(baseline)
    values = {f.indicator.code: f.result.values() for f in four_figs}
    expected = [values["members.by_status"]["total"]]
    expected += [values["members.by_status"][s] for s in STATUSES]
    expected += [values["members.by_sex"].get(s, 0) for s in SEXES]
    expected += [values["members.by_ethnic_minority"]["kinh"]]
    expected += [values["members.by_age_band"][key] for key, *_ in AGE_BANDS]
    agree = expected == row and all(
        f.result.values() == registry.evaluate(f.indicator, Query(org=root, on=on)).values()
        for f in full
    )
    period = Query(org=root, on=on)
    admitted = registry.get("admissions.admitted")
    admitted_ms, admitted_result = timed(lambda: registry.evaluate(admitted, period))
    upper = subtree_upper_bound(path)

    def admitted_baseline():
        with connection.cursor() as cursor:
            cursor.execute(ADMITTED_SQL, [period.period_start, on, path, upper])
            return [int(v or 0) for v in cursor.fetchone()]

    admitted_sql_ms, admitted_row = timed(admitted_baseline)
    admitted_values = admitted_result.values()
    admitted_agree = admitted_row == [
        admitted_values["ADMITTED"],
        admitted_values["READMITTED"],
        admitted_values["total"],
    ]
    small, small_members = small_committee(root, on)
    small_ms, _ = timed(lambda: selectors.figures(small, on=on))
    return {
        "full_ms": full_ms, "each_sum_ms": sum(e["ms"] for e in each), "each": each,
        "members_ms": members_ms, "members_count": len(member_codes),
        "four_ms": four_ms, "four_alone_ms": four_alone_ms, "sql_ms": sql_ms,
        "ratio": four_ms / sql_ms, "members_ratio": members_ms / sql_ms,
        "admitted_ms": admitted_ms, "admitted_sql_ms": admitted_sql_ms,
        "admitted_ratio": admitted_ms / admitted_sql_ms, "admitted_agree": admitted_agree,
        "small_ms": small_ms, "small_code": small.code, "small_members": small_members,
        "agree": agree and admitted_agree, "sql_row": row, "expected": expected,
    }  # fmt: skip


def small_committee(root, on: dt.date):
    """Return the grassroots organization under ``root`` whose membership on ``on`` is closest
    to ``SMALL_COMMITTEE`` members, with that membership."""
    from collections import Counter

    from django.db.models import Count

    from dangbo.indicators.definitions.members import membership_states
    from dangbo.indicators.registry import Query
    from dangbo.organizations.models import GRASSROOTS_KINDS, PATH_SEGMENT_WIDTH, Organization

    q = Query(org=root, on=on)
    per_org = Counter(
        dict(membership_states(q).values_list("organization_id").annotate(n=Count("id")).order_by())
    )
    paths = dict(q.tree.values_list("organization_id", "path"))
    grassroots = dict(
        q.tree.filter(kind__in=GRASSROOTS_KINDS).values_list("path", "organization_id")
    )
    sizes: Counter = Counter()
    for org_id, n in per_org.items():
        path = paths.get(org_id, "")
        step = PATH_SEGMENT_WIDTH + 1
        for end in range(step, len(path) + 1, step):
            if path[:end] in grassroots:
                sizes[grassroots[path[:end]]] += n
                break
    org_id, members = min(sizes.items(), key=lambda item: (abs(item[1] - SMALL_COMMITTEE), item[0]))
    return Organization.objects.get(pk=org_id), members


def print_result(result: dict) -> None:
    from dangbo.core.formatting import fmt_decimal

    def ms(v: float) -> str:
        return fmt_decimal(v, 1)

    print("Chỉ tiêu của tổ chức cao nhất (DEMO), ngày hôm nay:")
    sql = result["sql_ms"]
    lines = [
        ("toàn bộ chỉ tiêu (một lượt mỗi nguồn)", result["full_ms"]),
        ("toàn bộ chỉ tiêu, từng chỉ tiêu riêng (tổng)", result["each_sum_ms"]),
        (f"{result['members_count']} chỉ tiêu đảng viên, một lượt", result["members_ms"]),
        ("4 chỉ tiêu đảng viên, một lượt", result["four_ms"]),
        ("4 chỉ tiêu đảng viên, từng chỉ tiêu riêng (tổng)", result["four_alone_ms"]),
        ("một câu SQL viết tay, cùng các số của 4 chỉ tiêu", sql),
    ]
    width = max(len(label) for label, _ in lines) - 14
    print(f"  {'phép đo'.ljust(width + 14)}  {'ms':>9}  {'× SQL một lượt':>14}")
    for label, value in lines:
        print(f"  {label.ljust(width + 14)}  {ms(value):>9}  {fmt_decimal(value / sql, 2):>14}")
    for e in result["each"]:
        label = f"  riêng: {e['code']}"
        print(f"{label.ljust(width + 16)}  {ms(e['ms']):>9}  {fmt_decimal(e['ms'] / sql, 2):>14}")
    admitted_sql = result["admitted_sql_ms"]
    print(f"  admissions.admitted (từ 01/01): {ms(result['admitted_ms'])} ms; một câu SQL viết tay "
          f"{ms(admitted_sql)} ms; × SQL {fmt_decimal(result['admitted_ratio'], 2)} (mục tiêu ≤ 1,5)")  # fmt: skip
    print(f"  toàn bộ chỉ tiêu của tổ chức cơ sở {result['small_code']} ({result['small_members']} "
          f"đảng viên): {ms(result['small_ms'])} ms (mục tiêu < 200 ms)")  # fmt: skip
    verdict = "khớp" if result["agree"] else "KHÔNG KHỚP"
    print(f"  Đối chiếu số liệu với câu SQL và với từng chỉ tiêu riêng: {verdict}")
    if not result["agree"]:
        print(f"    SQL: {result['sql_row']}\n    chỉ tiêu: {result['expected']}")
