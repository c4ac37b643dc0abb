"""The meetings' checks in the data-quality report: found for the subtree, linked to the meeting,
shown only to readers holding the meetings module; the score/level rule at its boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dangbo.accounts.models import Module, Role
from dangbo.accounts.tests.factories import user_with_role
from dangbo.core.tests.api_helpers import ApiClient
from dangbo.meetings import quality, rules, services
from dangbo.meetings.models import AttendanceStatus as S
from dangbo.meetings.models import Level, Meeting
from dangbo.meetings.models import MeetingKind as K
from dangbo.meetings.services import Mark
from dangbo.quality.selectors import findings_under

from .factories import FULL, build_world

pytestmark = pytest.mark.django_db
d = dt.date
T = dt.time
EIGHT, TEN = T(8, 0), T(10, 0)
BANDS = [
    rules.Band(Level.GOOD, Decimal(90), None, True),
    rules.Band(Level.FAIR, Decimal(70), Decimal(90)),
    rules.Band(Level.AVERAGE, Decimal(50), Decimal(70)),
    rules.Band(Level.POOR, Decimal(0), Decimal(50)),
]


@pytest.mark.parametrize(
    ("total", "level", "wrong"),
    [
        ("90", Level.GOOD, False),
        ("90", Level.FAIR, False),  # a must-pass criterion short: the next level down
        ("90", Level.AVERAGE, True),
        ("89.9", Level.GOOD, True),
        ("89.9", Level.FAIR, False),
        ("70", Level.AVERAGE, True),
        ("69.9", Level.AVERAGE, False),
        ("50", Level.POOR, True),
        ("49.9", Level.POOR, False),
    ],
)
def test_a_level_must_follow_from_the_score(total, level, wrong):
    found = rules.score_level_findings(
        Decimal(total), level, BANDS, "QĐ thử", whose="chi bộ tự chấm"
    )
    assert bool(found) is wrong
    if wrong:
        assert found[0].code == "SCORE_LEVEL_MISMATCH"
        assert found[0].text.endswith("(QĐ thử).")


@pytest.fixture
def w():
    w = build_world()
    marks = [Mark(m, S.PRESENT) for m in w.members]
    tz = timezone.get_current_timezone()

    def record(held_on, start=EIGHT, end=TEN, **kw):
        return services.record_meeting(
            actor=None, cell=kw.pop("cell", w.a1), kind=kw.pop("kind", K.REGULAR),
            held_on=held_on, start_time=start, end_time=end, attendance=kw.pop("marks", marks),
            **kw,
        ).meeting  # fmt: skip

    w.twice = [record(d(2025, 5, 6)), record(d(2025, 5, 20))]
    w.short = record(d(2025, 6, 10), end=T(9, 29))  # 89 minutes
    w.long_enough = record(d(2025, 7, 10), end=T(9, 30))  # 90 minutes
    w.late_docs = record(d(2025, 11, 20), documents_sent_at=dt.datetime(2025, 11, 19, 8, 1,
                                                                         tzinfo=tz))  # fmt: skip
    w.scored = record(d(2025, 12, 4), documents_sent_at=dt.datetime(2025, 12, 2, 8, 0, tzinfo=tz),
                      self_points=FULL, self_scored_on=d(2025, 12, 4))  # fmt: skip
    Meeting.objects.filter(pk=w.scored.pk).update(self_level=Level.AVERAGE)  # an old import's
    w.g_short = record(d(2025, 6, 12), end=T(9, 0), cell=w.g,
                       marks=[Mark(m, S.PRESENT) for m in w.g_members])  # fmt: skip
    return w


def _by_check(report):
    found: dict[str, set[int]] = {}
    for f in report.findings:
        if f.record_type == "meeting":
            found.setdefault(f.check, set()).add(f.record_id)
    return found


def test_the_report_of_a_subtree_holds_its_meetings_findings_with_links(w):
    report = findings_under(w.a, today=timezone.localdate())
    found = _by_check(report)
    assert found[quality.REGULAR_TWICE] == {m.pk for m in w.twice}
    assert found[quality.TOO_SHORT] == {w.short.pk}  # 90 minutes is enough
    assert found[quality.DOCUMENTS_LATE] == {w.late_docs.pk}  # 08:01 the day before 08:00
    assert found[quality.SCORE_LEVEL] == {w.scored.pk}
    assert report.totals[quality.TOO_SHORT] == 1
    short = next(f for f in report.findings if f.check == quality.TOO_SHORT)
    assert short.url == f"/o/A1/meetings/{w.short.pk}/"
    assert short.record_label == "Sinh hoạt thường kỳ ngày 10/06/2025"
    assert short.message.startswith("Buổi sinh hoạt kéo dài 89 phút, dưới 90 phút")
    assert short.field_label == "Giờ kết thúc"
    assert short.record_type_label == "Buổi sinh hoạt"
    mismatch = next(f for f in report.findings if f.check == quality.SCORE_LEVEL)
    assert "ứng với mức Tốt" in mismatch.message
    assert "Trung bình" in mismatch.message
    # Another subtree: only its own cell's meeting.
    g_found = _by_check(findings_under(w.g, today=timezone.localdate()))
    assert g_found == {quality.TOO_SHORT: {w.g_short.pk}}


def test_the_page_and_api_show_them_only_to_readers_with_the_meetings_module(w):
    def page(user, code="A"):
        client = Client()
        client.force_login(user)
        response = client.get(f"/o/{code}/quality/", {"check": quality.TOO_SHORT})
        return response

    admin = user_with_role(w.a, Role.COMMITTEE_ADMIN)
    response = page(admin)
    assert response.status_code == 200
    assert response.context["check"] == quality.TOO_SHORT
    assert f'href="/o/A1/meetings/{w.short.pk}/"' in response.content.decode()
    assert page(admin, "G").status_code in (403, 404)  # another subtree
    registry = user_with_role(w.a, Role.MODULE_OFFICER, modules=[Module.REGISTRY])
    response = page(registry)
    assert response.status_code == 200
    assert response.context["check"] == ""  # not a check this reader has
    assert quality.TOO_SHORT not in response.context["report"].titles
    assert not [f for f in response.context["report"].findings if f.record_type == "meeting"]
    assert "Sinh hoạt thường kỳ ngày" not in response.content.decode()

    api = ApiClient(client=Client())
    api.client.force_login(admin)
    body = api.get("/o/A/quality/findings", {"check": quality.TOO_SHORT}).body
    assert [(i["record_type"], i["url"]) for i in body["items"]] == [
        ("meeting", f"/o/A1/meetings/{w.short.pk}/")
    ]
    api.client.force_login(registry)
    counts = {c["code"] for c in api.get("/o/A/quality").body["checks"]}
    assert quality.TOO_SHORT not in counts
