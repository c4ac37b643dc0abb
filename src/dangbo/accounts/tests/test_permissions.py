import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dangbo.accounts import services
from dangbo.accounts.models import ApiToken, Module, Role, RoleAssignment
from dangbo.accounts.permissions import Capability, Scope
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.organizations import services as org_services
from dangbo.organizations.models import OrgKind

D = dt.date
pytestmark = pytest.mark.django_db


def _org(code, kind, parent=None):
    return org_services.found_organization(
        actor=None, code=code, name=code, kind=kind, parent=parent, established_on=D(2010, 1, 1)
    )


@pytest.fixture
def tree():
    top = _org("T", OrgKind.PROVINCIAL)
    a = _org("A", OrgKind.GRASSROOTS_DANG_BO, top)
    b = _org("B", OrgKind.GRASSROOTS_DANG_BO, top)
    cell = _org("A1", OrgKind.DEPENDENT_CELL, a)
    return top, a, b, cell


def _user(name):
    return get_user_model().objects.create_user(name, password="x")


@pytest.mark.parametrize(
    ("role", "modules", "view", "manage_members", "manage_orgs"),
    [
        (Role.COMMITTEE_ADMIN, [], True, True, True),
        (Role.VIEWER, [], True, False, False),
        (Role.MODULE_OFFICER, [Module.REGISTRY], True, True, True),
        (Role.MODULE_OFFICER, [Module.INDICATORS], True, False, False),
    ],
)
def test_role_capabilities_over_the_subtree(tree, role, modules, view, manage_members, manage_orgs):
    top, a, b, cell = tree
    user = _user("u")
    services.grant_role(actor=None, user=user, role=role, organization=a, modules=modules)
    scope = Scope.for_user(user)
    assert scope.can(Capability.VIEW_MEMBERS, cell) is view
    assert scope.can(Capability.MANAGE_MEMBERS, cell) is manage_members
    assert scope.can(Capability.MANAGE_ORGS, a) is manage_orgs
    # Nothing in the sibling subtree or above.
    assert not scope.covers(b)
    assert not scope.covers(top)


def test_cell_secretary_only_on_a_cell(tree):
    _top, a, _b, cell = tree
    user = _user("bt")
    with pytest.raises(DomainError) as exc:
        services.grant_role(actor=None, user=user, role=Role.CELL_SECRETARY, organization=a)
    assert exc.value.message_dict == {
        "organization": ["Bí thư chi bộ chỉ được gán cho một chi bộ."]
    }
    services.grant_role(actor=None, user=user, role=Role.CELL_SECRETARY, organization=cell)
    scope = Scope.for_user(user)
    assert scope.can(Capability.MANAGE_MEMBERS, cell)
    assert not scope.can(Capability.MANAGE_ORGS, cell)
    assert not scope.covers(a)


def test_revoked_role_gives_nothing_and_is_audited(tree):
    user = _user("v")
    assignment = services.grant_role(actor=None, user=user, role=Role.VIEWER, organization=tree[1])
    services.revoke_role(actor=None, assignment=assignment)
    assert Scope.for_user(user).grants == []
    assert AuditEntry.objects.filter(action="accounts.role_revoked").count() == 1


def test_module_officer_needs_a_module(tree):
    with pytest.raises(DomainError) as exc:
        services.grant_role(
            actor=None, user=_user("m"), role=Role.MODULE_OFFICER, organization=tree[1]
        )
    assert "modules" in exc.value.message_dict


def test_token_is_stored_hashed_and_can_be_revoked(tree):
    user = _user("api")
    token, raw = services.issue_token(actor=None, user=user, name="Tích hợp")
    assert raw not in token.digest
    assert token.digest != raw
    assert services.user_for_token(raw) == user
    services.revoke_token(actor=None, token=token)
    assert services.user_for_token(raw) is None


def test_weak_password_is_refused_in_vietnamese():
    with pytest.raises(DomainError) as exc:
        services.create_user(actor=None, username="abc", password="123")
    assert "password" in exc.value.message_dict


def test_a_role_revoked_from_a_stale_copy_keeps_its_first_end(tree):
    user = _user("v")
    assignment = services.grant_role(actor=None, user=user, role=Role.VIEWER, organization=tree[1])
    stale = RoleAssignment.objects.get(pk=assignment.pk)
    services.revoke_role(actor=None, assignment=assignment)
    ended = RoleAssignment.objects.get(pk=assignment.pk).revoked_at

    with pytest.raises(DomainError, match=r"Quyền này đã được thu hồi\."):
        services.revoke_role(actor=None, assignment=stale)

    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at == ended
    assert AuditEntry.objects.filter(action="accounts.role_revoked").count() == 1


def test_a_token_revoked_twice_keeps_its_first_time(tree):
    token, _raw = services.issue_token(actor=None, user=_user("api"), name="Tích hợp")
    stale = ApiToken.objects.get(pk=token.pk)
    services.revoke_token(actor=None, token=token)
    ended = ApiToken.objects.get(pk=token.pk).revoked_at

    services.revoke_token(actor=None, token=stale)

    assert ApiToken.objects.get(pk=token.pk).revoked_at == ended
    assert AuditEntry.objects.filter(action="accounts.token_revoked").count() == 1
