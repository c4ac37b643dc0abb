"""The API as a whole: authentication, error bodies, documentation, the committed schema."""

import json
import re

import pytest
from django.test import Client

from dangbo.accounts import services as account_services
from dangbo.accounts.models import ApiToken, Role
from dangbo.core.management.commands.openapi import DEFAULT_PATH, render_schema

from .api_helpers import (
    API,
    ApiClient,
    add_member,
    as_user,
    build_tree,
    field_error,
    make_user,
    openapi,
    token_for,
)

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


DATE_ERROR = "Ngày phải viết theo dạng YYYY-MM-DD, từ 1900-01-01 đến 2100-12-31."


@pytest.mark.parametrize(
    "value", [0, 1_600_000_000, 20200620.0, "0", "20/06/2020", "2020-06-20T00:00:00", "1899-12-31"]
)
def test_a_date_is_only_an_iso_string(value):
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    in_body = client.post("/o/A/rename", {"name": "Đảng bộ A mới", "happened_on": value})
    in_query = client.get("/o/A/members/", {"on": value})

    assert field_error(in_body) == {"payload.happened_on": DATE_ERROR}
    assert field_error(in_query) == {"on": DATE_ERROR}
    tree.a.refresh_from_db()
    assert tree.a.name == "Đảng bộ A"


def test_an_iso_date_is_accepted():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post("/o/A/rename", {"name": "Đảng bộ A mới", "happened_on": "2020-06-20"})

    assert response.status_code == 200
    assert response.body["name"] == "Đảng bộ A mới"


@pytest.mark.parametrize("body", ['"Đảng bộ A mới"', "5", "[]", "null"])
def test_a_body_that_is_not_an_object_is_refused(body):
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    member = add_member(tree.a1, "Nguyễn Văn Hùng")

    # Every field of this body is optional: the empty object would be a valid change.
    response = client.patch(f"/members/{member.pk}/", raw=body)

    assert response.status_code == 422
    assert response.body["detail"][0]["loc"] == ["body", "payload"]
    assert "Phải là một đối tượng JSON" in response.body["detail"][0]["msg"]


def test_a_nested_object_must_be_an_object():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.post(
        "/o/A/rename", {"name": "Đảng bộ A mới", "happened_on": "2020-06-20", "decision": "x"}
    )

    assert response.status_code == 422
    assert response.body["detail"][0]["loc"] == ["body", "payload", "decision"]


def test_an_unknown_api_path_is_a_json_404():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    for method in ("get", "post", "patch"):
        response = getattr(client.client, method)(f"{API}/khong-co/", **client.headers)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Không tìm thấy."}
    for method in ("get", "post", "delete"):
        anonymous = getattr(Client(enforce_csrf_checks=True), method)(f"{API}/o/A/khong-co")
        assert anonymous.status_code == 404
        assert anonymous.json() == {"detail": "Không tìm thấy."}


def test_a_multipart_body_without_a_boundary_is_a_json_422():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)

    response = client.client.post(
        f"{API}/o/A1/imports", data=b"--x\r\n", content_type="multipart/form-data", **client.headers
    )

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "Nội dung multipart không hợp lệ (thiếu hoặc sai boundary).",
                "type": "multipart_invalid",
            }
        ]
    }


def test_a_body_over_the_size_limits_is_a_json_422(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    too_large = json.dumps({"name": "x" * 20_000, "happened_on": "2020-06-20"})
    too_many = "&".join(f"f{i}=1" for i in range(150))

    responses = [
        client.client.post(
            f"{API}/o/A/rename", data=too_large, content_type="application/json", **client.headers
        ),
        client.client.post(
            f"{API}/o/A1/imports", data=too_many,
            content_type="application/x-www-form-urlencoded", **client.headers,
        ),
    ]  # fmt: skip

    for response in responses:
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "body_too_large"
    tree.a.refresh_from_db()
    assert tree.a.name == "Đảng bộ A"


def test_input_constraints_are_declared_in_the_schema():
    schemas = openapi()["components"]["schemas"]
    member = schemas["MemberCreateIn"]["properties"]
    date = member["date_of_birth"]
    identity = member["personal_id_number"]["anyOf"][0]
    query = {
        p["name"]: p["schema"]
        for p in openapi()["paths"]["/api/v1/o/{code}/badges"]["get"]["parameters"]
    }

    assert (date["type"], date["format"]) == ("string", "date")
    assert re.fullmatch(date["pattern"], "2100-12-31")
    assert not re.fullmatch(date["pattern"], "1899-12-31")
    assert not re.fullmatch(date["pattern"], "20/06/2020")
    assert member["full_name"]["pattern"] == "^[^\\x00]*$"
    assert identity["pattern"] == "^([0-9]{12})?$"
    assert schemas["FoundIn"]["properties"]["code"]["pattern"] == "^[A-Za-z0-9][A-Za-z0-9._-]*$"
    upload = openapi()["paths"]["/api/v1/o/{code}/imports"]["post"]["requestBody"]
    assert (
        upload["content"]["multipart/form-data"]["schema"]["properties"]["file"]["minLength"] == 1
    )
    assert query["milestone"]["anyOf"][0] == {
        "type": "integer", "enum": [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
    }  # fmt: skip


def test_declared_patterns_are_enforced_in_vietnamese():
    tree = build_tree()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    member = add_member(tree.a1, "Nguyễn Văn Hùng")

    identity = client.patch(f"/members/{member.pk}/", {"personal_id_number": "0012345678AB"})
    code = client.post(
        "/o/A/children/",
        {
            "code": "A 3",
            "name": "Chi bộ A3",
            "kind": "DEPENDENT_CELL",
            "established_on": "2020-01-01",
        },
    )

    assert field_error(identity) == {
        "payload.personal_id_number": "Số định danh cá nhân gồm đúng 12 chữ số."
    }
    assert field_error(code)["payload.code"].startswith("Mã chỉ gồm chữ cái không dấu")


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
    assert other.json() == {"detail": "Không tìm thấy."}
    unlisted = client.get(f"{API}/docs/assets/settings.py")
    assert unlisted.status_code == 404
    assert unlisted.json() == {"detail": "Không tìm thấy."}


def test_the_documentation_answers_with_a_trailing_slash_too():
    response = Client().get(f"{API}/docs/")
    assert response.status_code == 302
    assert response["Location"] == f"{API}/docs"
    assert "swagger-ui-bundle.js" in Client().get(f"{API}/docs/", follow=True).content.decode()


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
        for code in ("401", "403", "404", "422", "503")
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
