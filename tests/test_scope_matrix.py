"""Every page and every API endpoint, as every kind of user: a sibling subtree's
administrator gets 404, a viewer and a module officer get 403 on what their role does
not grant (the expectation is read from accounts.permissions, never listed per URL),
and a refused write changes nothing (no audit entry)."""

import datetime as dt
import json
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.accounts.models import Role
from dangbo.accounts.permissions import (
    MODULE_CAPABILITIES,
    MODULE_OFFICER_BASE,
    ROLE_CAPABILITIES,
    Capability,
    Scope,
)
from dangbo.accounts.tests.factories import user_with_role
from dangbo.admissions import services as admission_services
from dangbo.audit.models import AuditEntry
from dangbo.awards.tests.factories import BadgeAwardFactory
from dangbo.core.tests.api_helpers import openapi
from dangbo.core.tests.test_api_fuzz import _resolve, _valid
from dangbo.exchange.models import ExportJob
from dangbo.imports.models import ImportJob
from dangbo.indicators import registry
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import Rubric
from dangbo.members import services as member_services
from dangbo.members import transfers
from dangbo.members.models import Position
from dangbo.members.tests.factories import MemberFactory
from dangbo.organizations.tests.factories import bloc, dang_bo, dependent_cell

VIEWER = ROLE_CAPABILITIES[Role.VIEWER]
# One module officer per distinct grant: modules granting the same capabilities behave alike.
OFFICER_MODULES = sorted(
    {frozenset(caps): module for module, caps in reversed(MODULE_CAPABILITIES.items())}.values()
)


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
        if keys & {"code", "pk", "job", "export", "transfer", "badge", "candidate", "meeting",
                   "rubric", "template", "assignment", "visit"}:  # fmt: skip
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
    meeting = meeting_services.record_meeting(
        actor=None, cell=cell, kind="REGULAR", held_on=dt.date(2025, 8, 5), level_only=True,
        self_level="GOOD",
    ).meeting  # fmt: skip
    rubric = meeting_services.create_rubric(
        actor=None, owner=a, name="Biểu của A", source="QĐ 1", valid_from=dt.date(2025, 1, 1),
        criteria=[("Một", 100, False)],
        levels=[("GOOD", 90, None, False), ("FAIR", 70, 90, False), ("AVERAGE", 50, 70, False),
                ("POOR", 0, 50, False)],
    )  # fmt: skip
    member_services.assign_position(
        actor=None, member=member, title=Position.Title.COMMITTEE_MEMBER, organization=a,
        started_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    assignment = meeting_services.assign_member(
        actor=None, member=member, committee=a, cell=cell, started_on=dt.date(2025, 1, 2)
    )
    visit = meeting_services.record_visit(
        actor=None, organization=a, visited=cell, visited_on=dt.date(2025, 8, 5)
    )
    return {
        "rubric": rubric.pk,
        "template": Rubric.objects.filter(owner=None).first().pk,
        "rubric_id": rubric.pk,
        "assignment": assignment.pk,
        "assignment_id": assignment.pk,
        "visit": visit.pk,
        "visit_id": visit.pk,
        "meeting": meeting.pk,
        "meeting_id": meeting.pk,
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
        **{
            f"officer_{module}": user_with_role(a, Role.MODULE_OFFICER, modules=[module])
            for module in OFFICER_MODULES
        },
        "member_id": member.pk,
        "event_id": event.pk,
        "candidate_id": candidate.pk,
        "transfer_id": transfer.pk,
        "badge_id": badge.pk,
        "job_id": job.pk,
        "introducer_id": 1,
        "year": 2025,
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
    expected = 200 if capability in VIEWER else 403
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


def _officer_grant(module: str) -> frozenset[Capability]:
    return frozenset(MODULE_OFFICER_BASE | MODULE_CAPABILITIES[module])


def test_module_officers_reach_exactly_what_their_module_grants_on_every_page(client, world):
    """Each module officer, every page: the declared capability in the module's grant
    gives the page (200), outside it 403, and a refused write records nothing."""
    wrong = []
    for module in OFFICER_MODULES:
        client.force_login(world[f"officer_{module}"])
        grant = _officer_grant(module)
        for name, keys, capability in ROUTES:
            url = _url(world, name, keys)
            with transaction.atomic():
                before = AuditEntry.objects.count()
                if capability in grant:
                    status = client.get(url).status_code
                    if status not in (200, 405):
                        wrong.append((module, name, "GET", status, "200"))
                else:
                    for method in ("get", "post"):
                        status = getattr(client, method)(url, {"reason": "x"}).status_code
                        if status not in ({403, 405} if method == "get" else {403}):
                            wrong.append((module, name, method, status, "403"))
                    if AuditEntry.objects.count() != before:
                        wrong.append((module, name, "POST", "wrote", "nothing"))
                transaction.set_rollback(True)
    assert wrong == [], "\n".join(map(str, wrong))


# --------------------------------------------------------------------------
# The API: what each endpoint asks the access layer for, and who gets it
# --------------------------------------------------------------------------

# The functions through which views and endpoints ask for a capability (accounts.access
# and the apps' access modules).
ACCESS_CHECKS = {"org_for", "member_for", "candidate_for", "award_for", "transfer_for",
                 "check", "check_can_decide", "can_act"}  # fmt: skip
API_OPERATIONS = sorted(
    (method, path) for path, methods in openapi()["paths"].items() for method in methods
)


def _api_request(client, world, method: str, template: str):
    op = openapi()["paths"][template][method]
    path = template
    if template.startswith("/api/v1/exchange/exports/"):  # an export's number, not an import's
        path = path.replace("{job_id}", str(world["export"]))
    for name in ("code", "member_id", "event_id", "candidate_id", "transfer_id", "badge_id",
                 "job_id", "introducer_id", "year", "meeting_id", "rubric_id",
                 "assignment_id", "visit_id"):  # fmt: skip
        path = path.replace("{" + name + "}", str(world[name]))
    content = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        upload = SimpleUploadedFile("danh-sach.csv", "Họ và tên\nNguyễn Văn A\n".encode())
        return client.post(path, {"file": upload})
    if "application/json" in content:
        schema = _resolve(content["application/json"]["schema"])
        body = _valid(schema)
        for name, prop in schema.get("properties", {}).items():  # a code: letters and digits
            pattern = _resolve(prop).get("pattern", "")
            if name in body and pattern.startswith("^[A-Za-z0-9]"):
                body[name] = "MOI1"
        return client.generic(method.upper(), path, json.dumps(body), "application/json")
    return client.generic(method.upper(), path)


def _asked(client, world, method, template, monkeypatch) -> tuple[int, set[Capability]]:
    """Call the endpoint as the subtree's administrator; return the status and the
    capabilities it asked the access layer for."""
    asked: set[Capability] = set()
    can = Scope.can

    def spy(self, capability, org):
        caller = sys._getframe(1)
        if caller.f_code.co_name == "<genexpr>":  # any(scope.can(...) for ...)
            caller = caller.f_back
        if caller.f_code.co_name in ACCESS_CHECKS:
            asked.add(capability)
        return can(self, capability, org)

    with monkeypatch.context() as patch:
        patch.setattr(Scope, "can", spy)
        client.force_login(world["admin"])
        status = _api_request(client, world, method, template).status_code
    return status, asked


@pytest.mark.parametrize("module", OFFICER_MODULES)
def test_module_officers_reach_exactly_what_their_module_grants_in_the_api(
    client, world, module, monkeypatch
):
    """Each endpoint as a module officer: allowed when every capability the endpoint asks
    for is in the module's grant (never 403), else 403 and nothing written."""
    grant = _officer_grant(module)
    wrong = []
    for method, template in API_OPERATIONS:
        with transaction.atomic():
            admin_status, asked = _asked(client, world, method, template, monkeypatch)
            transaction.set_rollback(True)
        assert admin_status != 401
        if "{" in template and not asked:  # every endpoint on a record asks for a capability
            wrong.append((method, template, "asks for no capability"))
        # The administrator too is refused (403) what the world's data forbids (the receiving
        # side outside the installation confirms an arrival): nobody else gets further.
        refused = admin_status == 403
        with transaction.atomic():
            before = AuditEntry.objects.count()
            client.force_login(world[f"officer_{module}"])
            status = _api_request(client, world, method, template).status_code
            if asked <= grant and not refused:
                if status in (401, 403):
                    wrong.append((method, template, sorted(asked), status, "allowed"))
            else:
                if status != 403:
                    wrong.append((method, template, sorted(asked), status, "403"))
                if AuditEntry.objects.count() != before:
                    wrong.append((method, template, "wrote"))
            transaction.set_rollback(True)
    assert wrong == [], "\n".join(map(str, wrong))
