"""Every refusal of a request's shape is told in Vietnamese, field by field.

pydantic's own errors (a missing field, a wrong type, a limit passed, a value not
in the list) are told by their type and limits; our validators' words keep their text
without pydantic's "Value error, " prefix. The body keeps ninja's shape and ``loc``.
"""

import datetime as dt
import decimal
import enum
import re
import typing
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter
from pydantic import ValidationError as PydanticError
from pydantic_core.core_schema import ErrorType

from dangbo.accounts.models import Role
from dangbo.core.api import (
    DATE_MESSAGE,
    INVALID_MESSAGE,
    ISO_DATE_PATTERN,
    OBJECT_MESSAGE,
    SCHEMA_MESSAGES,
    schema_errors,
    schema_message,
)
from dangbo.organizations.models import OrgKind

from .api_helpers import as_user, build_tree, field_error

# Words of pydantic's English messages; none may reach a client.
ENGLISH = re.compile(
    r"Input should|Field required|Value error|Assertion failed|\b(should|valid|required|"
    r"permitted|Unable|least|most|characters?|items?|Extra|match|must|Input)\b"
)
RENAME = {"name": "Đảng bộ A mới", "happened_on": "2021-01-01"}
KINDS = ", ".join(f'"{kind}"' for kind in OrgKind.values)
CHILD = {
    "code": "A3",
    "name": "Chi bộ A3",
    "kind": "DEPENDENT_CELL",
    "established_on": "2020-01-01",
}


@pytest.fixture
def client(db):
    tree = build_tree()
    return as_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)


# --------------------------------------------------------------------------
# Bad requests against real operations
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    [
        ("post", "/o/A/rename", {"happened_on": "2021-01-01"}, {"payload.name": "Thiếu trường này."}),
        ("post", "/o/A/rename", {**RENAME, "name": ""}, {"payload.name": "Không được để trống."}),
        ("post", "/o/A/rename", {**RENAME, "name": "x" * 256}, {"payload.name": "Không được dài quá 255 ký tự."}),
        ("post", "/o/A/rename", {**RENAME, "name": 5}, {"payload.name": "Phải là chuỗi ký tự."}),
        ("post", "/o/A/rename", {**RENAME, "happened_on": "30/02/2021"}, {"payload.happened_on": DATE_MESSAGE}),
        ("post", "/o/A/rename", {**RENAME, "happened_on": "2021-02-30"}, {"payload.happened_on": "Ngày không có thật: 2021-02-30."}),
        ("post", "/o/A/rename", {**RENAME, "name": "Tên\x00"}, {"payload.name": "Không được chứa ký tự NUL."}),
        ("post", "/o/A/rename", {**RENAME, "decision": "QĐ 1"}, {"payload.decision": OBJECT_MESSAGE}),
        ("post", "/o/A/rename", {**RENAME, "decision": {"number": "x" * 101}}, {"payload.decision.number": "Không được dài quá 100 ký tự."}),
        ("post", "/o/A/rename", [RENAME], {"payload": OBJECT_MESSAGE}),
        ("post", "/o/A/children/", {**CHILD, "kind": "HOP_TAC_XA"}, {"payload.kind": f"Giá trị phải là một trong: {KINDS}."}),
        ("post", "/o/A/children/", {**CHILD, "code": "A 3"}, {"payload.code": "Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ hoặc số."}),
        ("post", "/o/A/children/", {**CHILD, "staff_headcount": "nhiều"}, {"payload.staff_headcount": "Phải là số nguyên."}),
        ("post", "/o/A/children/", {**CHILD, "staff_headcount": 2.5}, {"payload.staff_headcount": "Phải là số nguyên (không có phần thập phân)."}),
        ("post", "/o/A/children/", {**CHILD, "staff_headcount": -1}, {"payload.staff_headcount": "Phải lớn hơn hoặc bằng 0."}),
        ("post", "/o/A/children/", {**CHILD, "hardship_area": "có lẽ"}, {"payload.hardship_area": "Phải là true hoặc false."}),
        ("post", "/imports/1/mapping", {"sheets": []}, {"payload.sheets": OBJECT_MESSAGE}),
        ("post", "/imports/1/mapping", {"sheets": {str(i): {} for i in range(51)}}, {"payload.sheets": "Chỉ được có tối đa 50 phần tử."}),
        ("post", "/imports/1/mapping", {"sheets": {"DS": {"B": "full_name"}}}, {"payload.sheets.DS.B.[key]": "Chỉ số cột phải là số."}),
        ("post", "/members/1/badges", {"milestone": 35}, {"payload.milestone": "Giá trị phải là một trong: 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90.", "payload.occasion_on": "Thiếu trường này.", "payload.decision_number": "Thiếu trường này.", "payload.decision_signed_on": "Thiếu trường này."}),
        ("get", "/o/A/children/", {"page": "một"}, {"page": "Phải là số nguyên."}),
        ("get", "/o/A/children/", {"page": 0}, {"page": "Phải lớn hơn hoặc bằng 1."}),
        ("get", "/o/A/children/", {"page_size": 201}, {"page_size": "Phải nhỏ hơn hoặc bằng 200."}),
        ("get", "/o/A/badges/due", {"occasions": 13}, {"occasions": "Phải nhỏ hơn hoặc bằng 12."}),
        ("get", "/o/A/badges", {"include_voided": "có lẽ"}, {"include_voided": "Phải là true hoặc false."}),
        ("get", "/o/A/badges/due", {"basis": "x"}, {"basis": 'Giá trị phải là một trong: "", "regular", "early", "posthumous".'}),
        ("get", "/o/A/indicators", {"on": "hôm qua"}, {"on": "Phải là ngày theo dạng YYYY-MM-DD."}),
        ("get", "/o/A/members/", {"on": "2021-13-01"}, {"on": DATE_MESSAGE}),
        ("get", "/members/0/", None, {"member_id": "Phải lớn hơn hoặc bằng 1."}),
        ("get", f"/members/{2**63}/", None, {"member_id": f"Phải nhỏ hơn hoặc bằng {2**63 - 1}."}),
    ],
)  # fmt: skip
def test_a_bad_request_is_told_in_vietnamese_field_by_field(client, method, path, data, expected):
    response = client.request(method, path, data)

    assert field_error(response) == expected
    for error in response.body["detail"]:
        assert set(error) == {"loc", "msg", "type"}


def test_the_error_keeps_its_location_and_pydantic_type(client):
    response = client.post("/o/A/children/", {**CHILD, "staff_headcount": "nhiều", "kind": 1})

    assert response.body["detail"] == [
        {"loc": ["body", "payload", "kind"], "msg": f"Giá trị phải là một trong: {KINDS}.", "type": "enum"},
        {"loc": ["body", "payload", "staff_headcount"], "msg": "Phải là số nguyên.", "type": "int_parsing"},
    ]  # fmt: skip


def test_a_body_that_is_not_json_is_told_in_vietnamese(client):
    response = client.post("/o/A/rename", raw='{"name": ')

    assert field_error(response) == {"__all__": "Nội dung yêu cầu không phải JSON hợp lệ."}


# --------------------------------------------------------------------------
# Every type of error pydantic raises, as pydantic raises it
# --------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "do"
    BLUE = "xanh"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    a: int


def _errors(kind: Any, value: Any) -> list[dict[str, Any]]:
    """pydantic's errors for ``value`` as ``kind``, in the form ninja hands them over."""
    with pytest.raises(PydanticError) as caught:
        TypeAdapter(kind).validate_python(value)
    errors = []
    for error in caught.value.errors(include_url=False):
        error.pop("input")
        if "error" in error.get("ctx", {}):
            error["ctx"]["error"] = str(error["ctx"]["error"])
        errors.append(error)
    return errors


def _refuse(value: str) -> str:
    raise ValueError("Lời của chính ta.")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (Strict, {}, "Thiếu trường này."),
        (Strict, {"a": 1, "b": 2}, "Không nhận trường này."),
        (Strict, 5, "Phải là một đối tượng JSON ({...})."),
        (dict[str, int], [], "Phải là một đối tượng JSON ({...})."),
        (int, "x", "Phải là số nguyên."),
        (int, [], "Phải là số nguyên."),
        (int, "9" * 5000, "Số nguyên quá lớn."),
        (int, 1.5, "Phải là số nguyên (không có phần thập phân)."),
        (float, "x", "Phải là một số."),
        (float, [], "Phải là một số."),
        (Annotated[float, Field(allow_inf_nan=False)], float("inf"), "Phải là một số hữu hạn."),
        (Annotated[int, Field(gt=0)], 0, "Phải lớn hơn 0."),
        (Annotated[int, Field(lt=5)], 5, "Phải nhỏ hơn 5."),
        (Annotated[int, Field(ge=1)], 0, "Phải lớn hơn hoặc bằng 1."),
        (Annotated[int, Field(le=12)], 13, "Phải nhỏ hơn hoặc bằng 12."),
        (Annotated[int, Field(multiple_of=5)], 7, "Phải là bội số của 5."),
        (bool, "có lẽ", "Phải là true hoặc false."),
        (bool, [], "Phải là true hoặc false."),
        (str, 5, "Phải là chuỗi ký tự."),
        (Annotated[str, Field(min_length=1)], "", "Không được để trống."),
        (Annotated[str, Field(min_length=3)], "ab", "Phải có ít nhất 3 ký tự."),
        (Annotated[str, Field(max_length=3)], "abcd", "Không được dài quá 3 ký tự."),
        (Annotated[str, Field(pattern=r"^[0-9]+$")], "a", "Giá trị không đúng dạng quy định (mẫu: ^[0-9]+$)."),
        (Annotated[str, Field(pattern=ISO_DATE_PATTERN)], "1/1/2000", DATE_MESSAGE),
        (Literal["", "A", "it's"], "B", 'Giá trị phải là một trong: "", "A", "it\'s".'),
        (Literal[30, 40], 35, "Giá trị phải là một trong: 30, 40."),
        (Color, "tim", 'Giá trị phải là một trong: "do", "xanh".'),
        (list[int], "x", "Phải là một danh sách (mảng JSON)."),
        (Annotated[list[int], Field(min_length=1)], [], "Phải có ít nhất 1 phần tử."),
        (Annotated[list[int], Field(max_length=1)], [1, 2], "Chỉ được có tối đa 1 phần tử."),
        (set[int], "x", "Phải là một danh sách (mảng JSON)."),
        (tuple[int, ...], "x", "Phải là một danh sách (mảng JSON)."),
        (dt.date, "x", "Phải là ngày theo dạng YYYY-MM-DD."),
        (dt.date, [], "Phải là ngày theo dạng YYYY-MM-DD."),
        (dt.date, "2020-01-01T10:00", "Phải là một ngày, không kèm giờ."),
        (dt.datetime, "x", "Phải là thời điểm theo dạng YYYY-MM-DDTHH:MM:SS."),
        (dt.time, "x", "Phải là giờ theo dạng HH:MM:SS."),
        (dt.timedelta, "x", "Phải là một khoảng thời gian hợp lệ."),
        (uuid.UUID, "x", "Phải là mã UUID hợp lệ."),
        (decimal.Decimal, "x", "Phải là một số thập phân."),
        (Annotated[decimal.Decimal, Field(max_digits=3)], "1234", "Chỉ được có tối đa 3 chữ số."),
        (HttpUrl, "x", "Phải là địa chỉ URL hợp lệ."),
        (HttpUrl, "ftp://x", 'Giá trị phải là một trong: "http", "https".'),
        (None, 1, "Phải để trống (null)."),
        (bytes, 5, "Phải là chuỗi byte."),
        (Annotated[str, Field(strict=True)], 5, "Phải là chuỗi ký tự."),
    ],
)  # fmt: skip
def test_every_pydantic_error_is_told_in_vietnamese(kind, value, message):
    errors = _errors(kind, value)

    assert [schema_message(e) for e in errors] == [message] * len(errors)
    assert not ENGLISH.search(message)


def test_the_table_names_only_types_pydantic_raises():
    assert set(SCHEMA_MESSAGES) <= set(typing.get_args(ErrorType))


def test_our_validators_keep_their_words_without_the_prefix():
    errors = _errors(Annotated[str, AfterValidator(_refuse)], "x")

    assert errors[0]["msg"] == "Value error, Lời của chính ta."
    assert schema_errors(errors) == [{"loc": (), "msg": "Lời của chính ta.", "type": "value_error"}]
    # Without the ctx ninja hands over, the prefix is taken off the message itself.
    assert schema_message({"type": "value_error", "msg": "Value error, Lời."}) == "Lời."
    assert schema_message({"type": "assertion_error", "msg": "Assertion failed, Lời."}) == "Lời."


def test_an_error_with_no_words_of_ours_gets_the_general_one():
    assert schema_message({"type": "callable_type", "msg": "Input should be callable"}) == (
        INVALID_MESSAGE
    )
    # A template whose limit the error does not carry falls back too.
    assert schema_message({"type": "less_than_equal", "msg": "x"}) == INVALID_MESSAGE
    assert schema_message({"type": "literal_error", "ctx": {"expected": ""}}) == INVALID_MESSAGE


def test_frozen_and_forbidden_are_told_too():
    record = Strict(a=1)
    with pytest.raises(PydanticError) as caught:
        record.a = 2  # type: ignore[misc]

    assert schema_message(caught.value.errors()[0]) == "Không được thay đổi trường này."
