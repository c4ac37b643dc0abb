"""GET /api/v1/me: the user, their roles and their scope."""

import pytest

from dangbo.accounts import services
from dangbo.accounts.models import Module, Role
from dangbo.core.tests.api_helpers import ApiClient, build_tree, make_user, token_for

pytestmark = pytest.mark.django_db


def test_me_lists_roles_and_scope():
    tree = build_tree()
    user = make_user("canbo", Role.VIEWER, tree.root)
    services.grant_role(
        actor=None,
        user=user,
        role=Role.MODULE_OFFICER,
        organization=tree.a,
        modules=[Module.REGISTRY],
    )

    body = ApiClient(token_for(user)).get("/me").body

    assert (body["username"], body["member_id"], body["is_superuser"]) == ("canbo", None, False)
    assert [
        (r["role"], r["role_label"], r["organization"]["code"], r["modules"]) for r in body["roles"]
    ] == [
        ("VIEWER", "Chỉ xem", "000", []),
        ("MODULE_OFFICER", "Cán bộ phụ trách phân hệ", "A", ["registry"]),
    ]
    scope = {g["organization"]["code"]: g["capabilities"] for g in body["scope"]}
    assert scope["000"] == [
        "view_admissions", "view_awards", "view_indicators", "view_meetings", "view_members",
        "view_orgs", "view_transfers",
    ]  # fmt: skip
    assert {"manage_members", "view_personal_data"} <= set(scope["A"])
    assert "manage_awards" not in scope["A"]


def test_revoked_role_is_not_listed():
    tree = build_tree()
    user = make_user("canbo", Role.VIEWER, tree.root)
    services.revoke_role(actor=None, assignment=user.roles.get())

    body = ApiClient(token_for(user)).get("/me").body

    assert body["roles"] == []
    assert body["scope"] == []


def test_me_needs_authentication():
    assert ApiClient().get("/me").status_code == 401
