"""Helpers for the API tests: a small tree, users with roles and tokens, and a client
that checks every response against the OpenAPI document.

Data is built through the services, as the application builds it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.test import Client

from dangbo.accounts import services as account_services
from dangbo.accounts.models import Role
from dangbo.members import services as member_services
from dangbo.members.models import Member
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgKind

FOUNDED = dt.date(2000, 1, 1)
API = "/api/v1"


@dataclass
class Tree:
    """000 (đảng ủy khối) ├ A (đảng bộ cơ sở) ├ A1, A2 (chi bộ trực thuộc)
    │                     └ B (đảng bộ cơ sở) └ B1 (chi bộ trực thuộc)
    """

    root: Organization
    a: Organization
    a1: Organization
    a2: Organization
    b: Organization
    b1: Organization


def found(
    code: str, kind: str, parent: Organization | None, *, name: str = "", on: dt.date = FOUNDED
) -> Organization:
    return org_services.found_organization(
        actor=None, code=code, name=name or f"Tổ chức {code}", kind=kind, parent=parent, established_on=on,
    )  # fmt: skip


def build_tree() -> Tree:
    root = found("000", OrgKind.BLOC, None, name="Đảng ủy Khối")
    a = found("A", OrgKind.GRASSROOTS_DANG_BO, root, name="Đảng bộ A")
    a1 = found("A1", OrgKind.DEPENDENT_CELL, a, name="Chi bộ A1")
    a2 = found("A2", OrgKind.DEPENDENT_CELL, a, name="Chi bộ A2")
    b = found("B", OrgKind.GRASSROOTS_DANG_BO, root, name="Đảng bộ B")
    b1 = found("B1", OrgKind.DEPENDENT_CELL, b, name="Chi bộ B1")
    return Tree(root, a, a1, a2, b, b1)


def add_member(cell: Organization, full_name: str, **fields: Any) -> Member:
    fields.setdefault("date_of_birth", dt.date(1980, 5, 17))
    fields.setdefault("sex", "M")
    fields.setdefault("admitted_on", dt.date(2010, 3, 2))
    return member_services.create_member(
        actor=None, organization=cell, full_name=full_name, **fields
    )


def make_user(
    username: str, role: str | None = None, org: Organization | None = None, *, modules=None
):
    user = account_services.create_user(
        actor=None, username=username, password="x", validate_password=False
    )
    if role is not None:
        account_services.grant_role(
            actor=None, user=user, role=role, organization=org, modules=modules
        )
    return user


def token_for(user) -> str:
    return account_services.issue_token(actor=None, user=user, name="kiểm thử")[1]


# --------------------------------------------------------------------------
# A client that checks the responses against the committed OpenAPI document
# --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    from dangbo.core.management.commands.openapi import render_schema

    return json.loads(render_schema())


@lru_cache(maxsize=1)
def _operations() -> list[tuple[re.Pattern, str, dict[str, Any]]]:
    ops = []
    for template, methods in openapi()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        for method, op in methods.items():
            ops.append((pattern, method, op))
    return ops


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi()["components"]["schemas"][name]
    return schema


def conforms(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Return the places where ``value`` breaks ``schema`` (the subset of JSON Schema we emit)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        if any(not conforms(value, s, where) for s in schema["anyOf"]):
            return []
        return [f"{where}: không khớp nhánh nào của anyOf"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} không thuộc {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} khác {schema['const']!r}")
    kind = schema.get("type")
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if kind and not checks[kind](value):
        return [*problems, f"{where}: {value!r} không phải {kind}"]
    if kind == "string" and schema.get("format") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            problems.append(f"{where}: {value!r} không phải ngày ISO")
    if kind == "array":
        for i, item in enumerate(value):
            problems += conforms(item, schema.get("items", {}), f"{where}[{i}]")
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}: thiếu {name}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += conforms(value[name], sub, f"{where}.{name}")
    return problems


def check_against_schema(method: str, path: str, status: int, body: Any) -> None:
    """Fail unless the operation declares ``status`` and ``body`` conforms to its schema."""
    path = path.split("?", 1)[0]
    matches = [
        op for pattern, m, op in _operations() if m == method.lower() and pattern.match(path)
    ]
    assert matches, f"{method} {path} không có trong tài liệu OpenAPI"
    declared = matches[0]["responses"]
    assert str(status) in declared, (
        f"{method} {path} trả {status}, tài liệu chỉ khai báo {sorted(declared)}"
    )
    content = declared[str(status)].get("content", {}).get("application/json")
    if content is not None:
        problems = conforms(body, content["schema"])
        assert not problems, f"{method} {path} {status}: " + "; ".join(problems[:5])


class ApiClient:
    """The Django test client with a bearer token, JSON bodies and schema checks."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, data: Any = None, *, raw: str | None = None):
        url = path if path.startswith(API) else API + path
        kwargs: dict[str, Any] = dict(self.headers)
        if method == "get":
            response = self.client.get(url, data or {}, **kwargs)
        else:
            body = raw if raw is not None else json.dumps(data if data is not None else {})
            response = getattr(self.client, method)(
                url, data=body, content_type="application/json", **kwargs
            )
        response.body = (
            response.json()
            if response.get("Content-Type", "").startswith("application/json")
            else None
        )
        check_against_schema(method, url, response.status_code, response.body)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.request("get", path, params)

    def post(self, path: str, data: Any = None, **kwargs: Any):
        return self.request("post", path, data, **kwargs)

    def patch(self, path: str, data: Any = None, **kwargs: Any):
        return self.request("patch", path, data, **kwargs)


def as_user(
    username: str,
    role: str | None = Role.COMMITTEE_ADMIN,
    org: Organization | None = None,
    *,
    modules: list[str] | None = None,
) -> ApiClient:
    """Return a client for a new user holding ``role`` over ``org`` (a module officer: of ``modules``)."""
    return ApiClient(token_for(make_user(username, role, org, modules=modules)))


def field_error(response) -> dict[str, str]:
    """Return {field: message} from a 422 body."""
    assert response.status_code == 422, (response.status_code, response.body)
    return {
        ".".join(str(p) for p in e["loc"][1:]) or "__all__": e["msg"]
        for e in response.body["detail"]
    }
