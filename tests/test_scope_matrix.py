"""Every page, as every kind of user: a sibling subtree's administrator gets 404,
a viewer gets 403 on what needs more than viewing, and a refused write changes
nothing (no audit entry)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.accounts.models import Role
from dangbo.accounts.permissions import Capability
from dangbo.accounts.tests.factories import user_with_role
from dangbo.admissions import services as admission_services
from dangbo.audit.models import AuditEntry
from dangbo.awards.tests.factories import BadgeAwardFactory
from dangbo.exchange.models import ExportJob
from dangbo.imports.models import ImportJob
from dangbo.indicators import registry
from dangbo.members import services as member_services
from dangbo.members import transfers
from dangbo.members.models import Position
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

VIEW_ONLY = {Capability.VIEW_ORGS, Capability.VIEW_MEMBERS, Capability.VIEW_INDICATORS}


def _routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), p

    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "account/")):  # account/: the user's own tokens
            continue
        keys = set(pattern.pattern.regex.groupindex)
        if keys & {"code", "pk", "job", "export", "transfer", "badge", "candidate"}:
            view = getattr(pattern.callback, "view_class", pattern.callback)
            yield (
                pattern.name,
                tuple(sorted(keys)),
                getattr(view, "capability", None) or getattr(pattern.callback, "capability", None),
            )


ROUTES = sorted(set(_routes()), key=lambda r: r[0])


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    top = bloc(code="TOP")
    a = dang_bo(top, code="A")
    b = dang_bo(top, code="B")
    cell = dependent_cell(a, code="A1")
    dependent_cell(b, code="B1")
    member = MemberFactory(organization=cell, card_number="90000001")
    position = member_services.assign_position(
        actor=None,
        member=member,
        title=Position.Title.SECRETARY,
        organization=cell,
        started_on=dt.date(2020, 1, 1),
    )
    event = member.events.first()
    ind = registry.all_indicators()[0]
    job = ImportJob.objects.create(organization=cell, original_name="danh-sach.csv", file="imports/none.csv",
                                   status=ImportJob.Status.ANALYSED, file_kind="csv")  # fmt: skip
    export = ExportJob(organization=cell, as_of=dt.date(2025, 8, 1), status=ExportJob.Status.DONE,
                       filename="trao-doi-A1-2025-08-01.xlsx")  # fmt: skip
    export.file.save(export.filename, ContentFile(b"PK"), save=True)
    # A transfer to a party organization outside the installation: only A's side sees it.
    transfer = transfers.start_transfer(
        actor=None, member=member, reason="WORK_CHANGE", other_party="Đảng bộ tỉnh khác",
        triggered_on=dt.date(2025, 8, 1),
    )  # fmt: skip
    badge = BadgeAwardFactory(member=member)
    candidate = admission_services.propose_candidate(
        actor=None, organization=cell, full_name="Hoàng Thị Mai",
        date_of_birth=dt.date(1996, 5, 10), sex="F", proposed_on=dt.date(2024, 9, 2),
    )  # fmt: skip
    return {
        "candidate": candidate.pk,
        "transfer": transfer.pk,
        "badge": badge.pk,
        "code": cell.code,
        "pk": member.pk,
        "event_pk": event.pk,
        "position_pk": position.pk,
        "indicator": ind.code,
        "key": registry.TOTAL,
        "job": job.pk,
        "export": export.pk,
        "sibling_admin": user_with_role(b, Role.COMMITTEE_ADMIN),
        "viewer": user_with_role(a, Role.VIEWER),
        "admin": user_with_role(a, Role.COMMITTEE_ADMIN),
    }


def _url(world, name, keys):
    return reverse(name, kwargs={k: world[k] for k in keys})


@pytest.mark.parametrize(("name", "keys", "capability"), ROUTES, ids=[r[0] for r in ROUTES])
def test_sibling_subtree_gets_404_and_writes_nothing(client, world, name, keys, capability):
    url = _url(world, name, keys)
    client.force_login(world["sibling_admin"])
    before = AuditEntry.objects.count()
    assert client.get(url).status_code in (404, 405)  # 405: a POST-only action
    assert client.post(url, {"reason": "x", "name": "x"}).status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("name", "keys", "capability"), ROUTES, ids=[r[0] for r in ROUTES])
def test_viewer_is_refused_what_needs_more_than_viewing(client, world, name, keys, capability):
    url = _url(world, name, keys)
    client.force_login(world["viewer"])
    before = AuditEntry.objects.count()
    expected = 200 if capability in VIEW_ONLY else 403
    assert client.get(url).status_code in ({200, 405} if expected == 200 else {403, 405})
    if expected == 403:
        assert client.post(url, {"reason": "x", "name": "x"}).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("name", "keys", "capability"), ROUTES, ids=[r[0] for r in ROUTES])
def test_administrator_of_the_subtree_reaches_every_page(client, world, name, keys, capability):
    client.force_login(world["admin"])
    assert client.get(_url(world, name, keys)).status_code in (200, 405)


@pytest.mark.parametrize(("name", "keys", "capability"), ROUTES, ids=[r[0] for r in ROUTES])
def test_anonymous_is_sent_to_login(client, world, name, keys, capability):
    response = client.post(_url(world, name, keys))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
