"""Every operation, every input, hostile values: never a 5xx, never an undeclared status,
never a word of pydantic's English.

A small deterministic fuzzer over the OpenAPI document: each query
parameter and each body field in turn gets values a fuzzer would try (NUL
bytes, very long strings, huge and negative numbers, impossible dates, wrong
types), the others keep a valid value. The client checks the status is
declared for the operation and the body conforms to the schema; every refusal
is told in Vietnamese.
"""

import datetime as dt

import pytest

from dangbo.accounts.models import Role
from dangbo.admissions import services as admission_services
from dangbo.awards.tests.factories import BadgeAwardFactory
from dangbo.members import transfers

from .api_helpers import add_member, as_user, build_tree, openapi
from .test_api_messages import ENGLISH

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "x" * 5000,
    "",
    -1,
    0,
    2**70,
    3.5,
    True,
    None,
    "0001-01-01",
    "9999-12-31",
    "2021-02-30",
    [],
    {},
    "'; DROP TABLE x; --",
    "%00",
    "../../etc/passwd",
]
HOSTILE_QUERY = [v for v in HOSTILE if isinstance(v, str | int) and not isinstance(v, bool)]


def _checked(response, what: object):
    """Fail on a 5xx, or a refusal not told in Vietnamese field by field."""
    assert response.status_code < 500, what
    if response.status_code == 422:
        for error in response.body["detail"]:
            assert error["msg"], (what, error)
            assert not ENGLISH.search(error["msg"]), (what, error)
    return response


def _valid(schema: dict) -> object:
    schema = _resolve(schema)
    if "anyOf" in schema:
        return _valid(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][-1]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "string":
        return "2020-06-20" if schema.get("format") == "date" else "Chi bộ"
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {
            name: _valid(sub)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    return None


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations() -> list[tuple[str, str]]:
    return [(method, path) for path, methods in openapi()["paths"].items() for method in methods]


@pytest.mark.parametrize(("method", "template"), _operations())
def test_hostile_inputs_never_cause_a_server_error(method, template):
    tree = build_tree()
    member = add_member(tree.a1, "Nguyễn Văn Hùng")
    event = member.events.get()
    client = as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    op = openapi()["paths"][template][method]
    path = template
    candidate = admission_services.propose_candidate(
        actor=None, organization=tree.a1, full_name="Hoàng Thị Mai",
        date_of_birth=dt.date(1996, 5, 10), sex="F", proposed_on=dt.date(2024, 9, 2),
    )  # fmt: skip
    transfer = transfers.start_transfer(
        actor=None, member=member, reason="WORK_CHANGE", other_party="Đảng bộ tỉnh khác",
        triggered_on=dt.date(2025, 8, 1),
    )  # fmt: skip
    badge = BadgeAwardFactory(member=member)
    ids = {
        "code": "A1", "member_id": member.pk, "event_id": event.pk, "candidate_id": candidate.pk,
        "transfer_id": transfer.pk, "badge_id": badge.pk,
    }  # fmt: skip
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    query = [p for p in op.get("parameters", []) if p["in"] == "query"]
    body_ref = (
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    )
    body_schema = _resolve(body_ref) if body_ref else None

    for param in query:
        for value in HOSTILE_QUERY:
            _checked(client.request(method, path, {param["name"]: value}), (param["name"], value))
    if body_schema is not None:
        valid_body = _valid(body_schema)
        for field in body_schema.get("properties", {}):
            for value in HOSTILE:
                _checked(client.request(method, path, {**valid_body, field: value}), (field, value))
        for body in ([], "chuỗi", 5, None):
            _checked(client.request(method, path, body), body)
