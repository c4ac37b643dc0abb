"""Module officers are bound to their modules; personal data goes only to those who need it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from dangbo.accounts.models import Module, Role
from dangbo.accounts.permissions import MODULE_CAPABILITIES, Capability
from dangbo.accounts.tests.factories import user_with_role
from dangbo.admissions import services as admission_services
from dangbo.audit.models import AuditEntry
from dangbo.awards.models import BadgeAward
from dangbo.awards.tests.factories import badge_tree, member_admitted
from dangbo.core.deadlines import Deadline
from dangbo.core.tests.api_helpers import as_user
from dangbo.deadlines import sources
from dangbo.members import services as member_services
from dangbo.members import transfers
from dangbo.members.exports import PERSONAL_COLUMNS
from dangbo.members.models import PERSONAL_FIELDS

pytestmark = pytest.mark.django_db

d = dt.date
AWARD = {
    "milestone": 30,
    "occasion_on": "2025-09-02",
    "decision_number": "219-QĐ/TU",
    "decision_signed_on": "2025-08-07",
    "decided_by": "Ban Thường vụ Tỉnh ủy",
}
PERSONAL = {
    "personal_id_number": "001080012345",
    "phone": "0912345678",
    "email": "an@example.vn",
    "permanent_address": "12 Phố Huế, Hà Nội",
}


@pytest.fixture
def world():
    tree = badge_tree()
    an = member_admitted(tree.c1, d(1995, 1, 10), full_name="Nguyễn Văn An")
    member_services.update_member(actor=None, member=an, **PERSONAL)
    transfer = transfers.start_transfer(
        actor=None, member=an, reason="WORK_CHANGE", other_party="Đảng bộ tỉnh khác",
        triggered_on=d(2025, 8, 1),
    )  # fmt: skip
    candidate = admission_services.propose_candidate(
        actor=None, organization=tree.c1, full_name="Hoàng Thị Mai", date_of_birth=d(1996, 5, 10),
        sex="F", proposed_on=d(2024, 9, 2), personal_id_number="001196054321", phone="0987654321",
        permanent_address="Thôn Một",
    )  # fmt: skip
    return tree, an, transfer, candidate


def test_an_awards_officer_records_a_badge_through_the_api_and_the_page(world, client):
    tree, an, _transfer, _candidate = world
    api = as_user("khenthuong", Role.MODULE_OFFICER, tree.db1, modules=[Module.AWARDS])
    response = api.post(f"/members/{an.pk}/badges", AWARD)
    assert response.status_code == 201, response.body
    assert BadgeAward.objects.filter(member=an, milestone=30).exists()

    officer = user_with_role(tree.db1, Role.MODULE_OFFICER, modules=[Module.AWARDS])
    client.force_login(officer)
    assert client.get(reverse("badge-add", kwargs={"pk": an.pk})).status_code == 200
    assert client.get(reverse("member-detail", kwargs={"pk": an.pk})).status_code == 200


@pytest.mark.parametrize("module", [Module.AWARDS, Module.INDICATORS])
def test_an_officer_of_another_module_reads_no_admission_file_transfer_or_letter(
    world, client, module
):
    tree, an, transfer, candidate = world
    client.force_login(user_with_role(tree.db1, Role.MODULE_OFFICER, modules=[module]))
    refused = [
        reverse("admission-list", kwargs={"code": "C1"}),
        reverse("admission-candidate", kwargs={"candidate": candidate.pk}),
        reverse("admission-decision-docx", kwargs={"candidate": candidate.pk}),
        reverse("transfer-list", kwargs={"code": "DB1"}),
        reverse("transfer-detail", kwargs={"transfer": transfer.pk}),
        reverse("transfer-letter-docx", kwargs={"transfer": transfer.pk}),
        reverse("member-edit", kwargs={"pk": an.pk}),
        reverse("quality", kwargs={"code": "DB1"}),
    ]
    for url in refused:
        assert client.get(url).status_code == 403, url
    api = as_user("canbo", Role.MODULE_OFFICER, tree.db1, modules=[module])
    for path in (f"/candidates/{candidate.pk}", f"/transfers/{transfer.pk}", "/o/DB1/candidates"):
        assert api.get(path).status_code == 403, path
    before = AuditEntry.objects.count()
    assert api.post(f"/transfers/{transfer.pk}/void", {"reason": "x"}).status_code == 403
    assert AuditEntry.objects.count() == before


def _csv(client, code: str) -> list[list[str]]:
    response = client.get(reverse("member-list", kwargs={"code": code}), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("role", "modules", "sees"),
    [
        (Role.MODULE_OFFICER, [Module.AWARDS], False),
        (Role.MODULE_OFFICER, [Module.INDICATORS], False),
        (Role.VIEWER, [], False),
        (Role.MODULE_OFFICER, [Module.REGISTRY], True),
        (Role.COMMITTEE_ADMIN, [], True),
    ],
)
def test_personal_data_only_for_those_who_need_it(world, client, role, modules, sees):
    tree, an, _transfer, _candidate = world
    client.force_login(user_with_role(tree.db1, role, modules=modules))
    rows = _csv(client, "DB1")
    header, row = rows[0], rows[1]
    assert row[header.index("Họ và tên")] == "Nguyễn Văn An"
    for column in PERSONAL_COLUMNS.values():
        assert (column in header) is sees
    flat = ";".join(row)
    for value in ("001080012345", "0912345678", "12 Phố Huế"):
        assert (value in flat) is sees

    page = client.get(reverse("member-detail", kwargs={"pk": an.pk})).content.decode()
    assert ("001080012345" in page) is sees
    assert ("0912345678" in page) is sees

    api = as_user("api-" + role + "-".join(modules), role, tree.db1, modules=modules)
    body = api.get(f"/members/{an.pk}/").body
    for field in PERSONAL_FIELDS:
        assert (body[field] == PERSONAL[field]) is sees, field
        if not sees:
            assert body[field] in ("", None)


def test_the_applicants_personal_data_goes_to_who_keeps_the_file(world):
    tree, _an, _transfer, candidate = world
    viewer = as_user("xem", Role.VIEWER, tree.db1)
    officer = as_user("ptdv", Role.MODULE_OFFICER, tree.db1, modules=[Module.ADMISSIONS])
    seen = officer.get(f"/candidates/{candidate.pk}").body
    hidden = viewer.get(f"/candidates/{candidate.pk}").body
    assert seen["personal_id_number"] == "001196054321"
    assert seen["phone"] == "0987654321"
    assert hidden["personal_id_number"] in ("", None)
    assert hidden["phone"] == ""
    assert hidden["permanent_address"] == ""
    assert hidden["full_name"] == "Hoàng Thị Mai"


def test_the_radar_shows_the_kinds_of_the_modules_the_reader_holds(world, client):
    tree, _an, _transfer, _candidate = world

    def fake(org, today, until):
        return [
            Deadline(kind=kind, title=kind, subject="Nguyễn Văn An", organization_id=tree.c1.pk,
                     organization_name=tree.c1.name, organization_path=tree.c1.path,
                     due_on=today, rule="", url="")
            for kind in ("admissions.ceremony", "members.transfer_arrival", "awards.badge")
        ]  # fmt: skip

    sources.register(fake)
    try:
        api = as_user("kt", Role.MODULE_OFFICER, tree.db1, modules=[Module.AWARDS])
        kinds = {i["kind"] for i in api.get("/o/DB1/deadlines").body["items"]}
        admin = as_user("qt", Role.COMMITTEE_ADMIN, tree.db1)
        every = {i["kind"] for i in admin.get("/o/DB1/deadlines").body["items"]}
    finally:
        sources.unregister(fake)
    assert "awards.badge" in kinds
    assert not kinds & {"admissions.ceremony", "members.transfer_arrival"}
    assert {"admissions.ceremony", "members.transfer_arrival", "awards.badge"} <= every


def test_every_module_grants_a_reading_of_the_tree_and_only_the_registry_personal_data():
    assert set(MODULE_CAPABILITIES) == set(Module.values)
    holders = {
        m for m, caps in MODULE_CAPABILITIES.items() if Capability.VIEW_PERSONAL_DATA in caps
    }
    assert holders == {Module.REGISTRY}


def test_an_identity_number_finds_a_member_only_for_who_may_see_it(world, client):
    tree, _an, _transfer, _candidate = world
    url = reverse("member-list", kwargs={"code": "DB1"})
    for modules, found in (([Module.AWARDS], False), ([Module.REGISTRY], True)):
        client.force_login(user_with_role(tree.db1, Role.MODULE_OFFICER, modules=modules))
        page = client.get(url, {"q": "001080012345", "status": "all"}).content.decode()
        assert ("Nguyễn Văn An" in page) is found, modules
        api = as_user("tim-" + modules[0], Role.MODULE_OFFICER, tree.db1, modules=modules)
        body = api.get("/o/DB1/members/", {"q": "001080012345", "status": "all"}).body
        assert (body["count"] == 1) is found, modules
