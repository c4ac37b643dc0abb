"""The API as a whole: authentication, error bodies, documentation, the committed schema."""

import json

import pytest
from django.test import Client

from dangbo.accounts import services as account_services
from dangbo.accounts.models import ApiToken, Role
from dangbo.core.management.commands.openapi import DEFAULT_PATH, render_schema

from .api_helpers import API, ApiClient, as_user, build_tree, make_user, openapi, token_for

pytestmark = pytest.mark.django_db


def test_request_without_token_is_refused_with_401():
    response = ApiClient().get("/orgs/")

    assert response.status_code == 401
    assert response.body == {
        "detail": "Cần đăng nhập hoặc gửi khóa API hợp lệ (Authorization: Bearer <khóa>)."
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_refused_with_401():
    assert ApiClient("dbk_không-có-khóa-này").get("/orgs/").status_code == 401


def test_revoked_token_is_refused_with_401():
    tree = build_tree()
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    raw = token_for(user)
    assert ApiClient(raw).get("/orgs/").status_code == 200

    token = ApiToken.objects.get(user=user)
    account_services.revoke_token(actor=None, token=token)

    assert ApiClient(raw).get("/orgs/").status_code == 401


def test_token_of_inactive_user_is_refused_with_401():
    tree = build_tree()
    user = make_user("nghiviec", Role.COMMITTEE_ADMIN, tree.root)
    raw = token_for(user)
    user.is_active = False
    user.save()

    assert ApiClient(raw).get("/orgs/").status_code == 401


def test_token_use_is_recorded():
    tree = build_tree()
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    raw = token_for(user)

    ApiClient(raw).get("/orgs/")

    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_browser_session_authenticates_and_writes_need_csrf():
    tree = build_tree()
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    read = browser.get(f"{API}/orgs/")
    write = browser.post(
        f"{API}/o/A/rename",
        data=json.dumps({"name": "Mới", "happened_on": "2020-01-01"}),
        content_type="application/json",
    )

    assert read.status_code == 200
    assert [o["code"] for o in read.json()["items"]] == ["000"]
    assert write.status_code == 403
    assert write.json() == {"detail": "Thiếu hoặc sai mã chống giả mạo (CSRF) cho phiên đăng nhập."}
    tree.a.refresh_from_db()
    assert tree.a.name == "Đảng bộ A"


def test_nul_byte_in_path_and_query_is_refused_with_422():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    in_query = client.get("/o/A/members/", {"q": "Hùng\x00"})
    in_path = client.get("/o/A%00/")

    assert in_query.status_code == 422
    assert in_query.body["detail"][0]["loc"] == ["query", "q"]
    assert "Không được chứa ký tự NUL." in in_query.body["detail"][0]["msg"]
    assert in_path.status_code == 422


def test_malformed_json_is_refused_with_422():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post("/o/A/rename", raw="{không phải JSON")

    assert response.status_code == 422
    assert response.body["detail"] == [
        {"loc": ["body"], "msg": "Nội dung yêu cầu không phải JSON hợp lệ.", "type": "json_invalid"}
    ]


def test_documentation_is_served_without_a_cdn():
    client = Client()

    page = client.get(f"{API}/docs")
    bundle = client.get(f"{API}/docs/assets/swagger-ui-bundle.js")
    other = client.get(f"{API}/docs/assets/..%2Fsettings.py")

    assert page.status_code == 200
    html = page.content.decode()
    assert f"{API}/docs/assets/swagger-ui-bundle.js" in html
    assert f"{API}/openapi.json" in html
    assert "cdn" not in html.lower()
    assert bundle.status_code == 200
    assert other.status_code == 404


def test_openapi_document_is_served():
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/o/{code}/members/" in response.json()["paths"]


def test_committed_openapi_document_matches_the_code():
    """docs/openapi.json is what clients read: regenerate it with `dangbo openapi`."""
    committed = DEFAULT_PATH.read_text(encoding="utf-8") if DEFAULT_PATH.exists() else ""

    assert committed == render_schema(), (
        "docs/openapi.json đã lệch: chạy `uv run python -m dangbo openapi`."
    )


def test_every_operation_declares_its_error_responses():
    missing = [
        f"{method.upper()} {path}: {code}"
        for path, methods in openapi()["paths"].items()
        for method, op in methods.items()
        for code in ("401", "403", "404", "422")
        if code not in op["responses"]
    ]

    assert missing == []


def test_every_string_input_is_bounded():
    schemas = openapi()["components"]["schemas"]
    unbounded = []

    def walk(name, schema):
        if (
            schema.get("type") == "string"
            and "maxLength" not in schema
            and "enum" not in schema
            and "format" not in schema
            and "const" not in schema
        ):
            unbounded.append(name)
        for key in ("anyOf", "allOf", "oneOf"):
            for sub in schema.get(key, []):
                walk(name, sub)
        for prop, sub in schema.get("properties", {}).items():
            walk(f"{name}.{prop}", sub)

    for name, schema in schemas.items():
        if not name.endswith("In") and name != "Decision":
            continue
        walk(name, schema)
    for path, methods in openapi()["paths"].items():
        for method, op in methods.items():
            for param in op.get("parameters", []):
                walk(f"{method.upper()} {path} {param['name']}", param["schema"])

    assert unbounded == []
