"""Every audit entry about something that belongs to an organization carries that organization's
path, so the log of a subtree shows it: a convention checked over a representative set of writes
(the services that build two committees with their history and module records, and the exchange
import that restores them into an empty installation)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.exchange.services import import_exchange
from dangbo.exchange.tests.helpers import build_world, export_bytes, wipe, write_file
from dangbo.exchange.tests.test_module_sheets import build_module_world
from dangbo.members import services as member_services
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db

# A login and its API tokens belong to a person, not to an organization (a user made through
# the test factories has no role yet when it is created).
NO_ORGANIZATION = {"accounts.user_created", "accounts.token_issued", "accounts.token_revoked"}


def _pathless() -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(org_path="")
        .exclude(action__in=NO_ORGANIZATION)
        .values_list("action", "target_repr")
    )


@pytest.mark.parametrize(("build", "root"), [(build_world, "TOP"), (build_module_world, "K")])
def test_every_entry_of_services_and_of_an_exchange_import_has_an_organization_path(
    build, root, tmp_path
):
    build()
    # A member in no organization now (transferred out) is still filed where they last were.
    gone = Member.objects.filter(organization__isnull=True, voided_at__isnull=True).first()
    if gone is not None:
        member_services.update_member(actor=None, member=gone, phone="0900 000 000")
    assert _pathless() == []
    content = export_bytes(root, on=dt.date(2026, 1, 15))
    wipe()
    result = import_exchange(write_file(tmp_path, content), actor=None, dry_run=False)
    assert result.errors == []
    assert AuditEntry.objects.count() > 10
    assert _pathless() == []
