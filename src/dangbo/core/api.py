"""The REST API: one NinjaAPI instance, its input types, authentication, error bodies and paging.

The apps contribute routers (``<app>/api.py``); ``config/api_urls.py``
mounts them, so this module imports no domain app. Every error is JSON with the
same shape as ninja's own validation errors: a refusal by a service
(``DomainError``) or a body the API cannot use (not JSON, bad multipart, over
Django's limits) becomes 422 with a field-level list, a scope miss or a path that
names no operation 404, a missing capability 403, a write that could not get the
database in time 503 with ``Retry-After``. A request its schema refuses keeps
ninja's 422 items (``loc``, ``type``) with the message told in Vietnamese by
``schema_message``, from pydantic's error type and limits.
"""

import ast
import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import ninja
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db import OperationalError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template import engines
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.openapi.docs import DocsBase
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, django_auth
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from dangbo.core.busy import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_busy
from dangbo.core.paging import BadCursor, count_of, keyset_page

NOT_FOUND = "Không tìm thấy."
UNAUTHORIZED = "Cần đăng nhập hoặc gửi khóa API hợp lệ (Authorization: Bearer <khóa>)."
FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
NUL_MESSAGE = "Không được chứa ký tự NUL."
BAD_BODY = "Nội dung yêu cầu không phải JSON hợp lệ."
OBJECT_MESSAGE = "Phải là một đối tượng JSON ({...})."
BAD_MULTIPART = "Nội dung multipart không hợp lệ (thiếu hoặc sai boundary)."
BODY_TOO_LARGE = "Nội dung yêu cầu quá lớn hoặc có quá nhiều trường, quá nhiều tệp."
CSRF_FAILED = "Thiếu hoặc sai mã chống giả mạo (CSRF) cho phiên đăng nhập."
MAX_TOKEN_LENGTH = 200
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --------------------------------------------------------------------------
# Input types: every string bounded, no NUL byte (PostgreSQL refuses them).
# --------------------------------------------------------------------------


# Declared in the schema (so clients and generators know it) and enforced by
# ``_no_nul`` with a Vietnamese message.
NO_NUL_PATTERN = r"^[^\x00]*$"
DATE_MESSAGE = "Ngày phải viết theo dạng YYYY-MM-DD, từ 1900-01-01 đến 2100-12-31."
IMPOSSIBLE_DATE_MESSAGE = "Ngày không có thật: {value}."
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# A calendar date in ISO form whose year lies in 1900..2100 (format "date" rules out 30/02).
ISO_DATE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
PATTERN_MESSAGE = "Giá trị không đúng dạng quy định."
CHOICE_MESSAGE = "Giá trị phải là một trong: {}."
INVALID_MESSAGE = "Giá trị không hợp lệ."


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


def text(
    max_length: int, *, min_length: int = 0, pattern: str | None = None, message: str = ""
) -> Any:
    """Return a string type of at most ``max_length`` characters without NUL bytes.

    ``pattern`` (a code's, an identity number's; it must itself exclude NUL) is declared
    in the schema and checked here, refused with ``message``; without one the schema
    declares ``NO_NUL_PATTERN``.
    """

    def check(value: str) -> str:
        _no_nul(value)
        if pattern is not None and not re.fullmatch(pattern, value):
            raise ValueError(message or PATTERN_MESSAGE)
        return value

    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(check),
        Field(json_schema_extra={"pattern": pattern or NO_NUL_PATTERN}),
    ]


def choice(choices: Any, *, blank: bool = False, extra: tuple[str, ...] = ()) -> Any:
    """Return a Literal of the values of a ``TextChoices`` (inlined in the schema, no name to collide)."""
    return Literal[(*([""] if blank else []), *extra, *choices.values)]


def number_choice(values: tuple[int, ...]) -> Any:
    """Return an integer that must be one of ``values``, read from a query string too
    (where every value arrives as text, which a Literal of integers would refuse)."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6:
            value = int(value)
        if isinstance(value, bool) or value not in values:
            raise ValueError(CHOICE_MESSAGE.format(", ".join(str(v) for v in values)))
        return value

    return Annotated[
        int, BeforeValidator(check), WithJsonSchema({"type": "integer", "enum": list(values)})
    ]


def _iso_date(value: Any) -> Any:
    """Accept a date only as an ISO ``YYYY-MM-DD`` string (or a date already parsed):
    never a number, a timestamp or a date with a time, and only within 1900..2100."""
    if isinstance(value, str) and re.fullmatch(ISO_DATE_PATTERN, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            # Written right, but the calendar has no such day (2000-02-31): say so.
            raise ValueError(IMPOSSIBLE_DATE_MESSAGE.format(value=value)) from None
    if (
        isinstance(value, dt.date)
        and not isinstance(value, dt.datetime)
        and FIRST_DAY <= value <= LAST_DAY
    ):
        return value
    raise ValueError(DATE_MESSAGE)


OrgCode = text(30, min_length=1)
# A record's id in a path: a positive 64-bit integer (larger ones are not ids on PostgreSQL).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Số định danh cá nhân: 12 digits, or empty (not known).
IdentityNumber = text(
    12, pattern=r"^([0-9]{12})?$", message="Số định danh cá nhân gồm đúng 12 chữ số."
)
# Dates a request may carry: ISO only, wide enough for any birth or decision, narrow
# enough that date arithmetic (ages, party ages) never leaves Python's date range.
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN}),
]

MOMENT_MESSAGE = "Thời điểm phải viết theo dạng YYYY-MM-DDTHH:MM:SS, từ năm 1900 đến năm 2100."


def _moment(value: dt.datetime) -> dt.datetime:
    """A moment within the dates a request may carry (its time zone conversions stay in range)."""
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValueError(MOMENT_MESSAGE)
    return value


_YMD = r"(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_HMS = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
ISO_MOMENT_PATTERN = rf"^{_YMD}T{_HMS}(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
CLOCK_PATTERN = rf"^{_HMS}$"

# Moments a request may carry (when documents were sent...): ISO, within the years of ``Day``
# (the published schema says so, as it does for ``Day``).
Moment = Annotated[
    dt.datetime,
    AfterValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": ISO_MOMENT_PATTERN}),
]

CLOCK_MESSAGE = "Giờ phải viết theo dạng HH:MM, không kèm múi giờ."


def _clock(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(CLOCK_MESSAGE)
    return value


# A time of day a request may carry (a meeting's start): local time, no time zone. The schema
# gives the pattern alone: JSON Schema's "time" format requires a time zone.
Clock = Annotated[
    dt.time,
    AfterValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN, "maxLength": 15}),
]


class InputSchema(Schema):
    """The base of every request body and query schema: read from a JSON object only.

    ninja's ``Schema`` also reads attributes of any object, so a body of ``"x"``, ``5``
    or ``[]`` (or such a value where a nested object belongs) would pass as an object
    whose every field is missing; here it is refused (422).
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict | cls):
            raise ValueError(OBJECT_MESSAGE)
        return handler(values)


class Decision(InputSchema):
    """The decision behind a change (số, ngày ký, cơ quan ban hành)."""

    number: text(100) = ""
    signed_on: Day | None = None
    issuer: text(200) = ""


def decision_dict(decision: Decision | None) -> dict[str, Any]:
    return decision.dict() if decision is not None else {}


# --------------------------------------------------------------------------
# Error bodies, declared on every operation.
# --------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(..., examples=[NOT_FOUND])


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(..., examples=[["body", "official_on"]])
    msg: str
    type: str = Field(..., examples=["value_error"])


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


# 503: the database is busy for a moment (the client may retry).
ERRORS: dict[int, Any] = {
    401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut,
}  # fmt: skip


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """Return the response map of an operation: its success body and every error body."""
    return {status: ok, **ERRORS}


# --------------------------------------------------------------------------
# Schema errors in Vietnamese: pydantic's error type → our message, with its ctx.
# --------------------------------------------------------------------------

_LIST = "Phải là một danh sách (mảng JSON)."
_INTEGER = "Phải là số nguyên."
_NUMBER = "Phải là một số."
_BOOLEAN = "Phải là true hoặc false."
_DAY = "Phải là ngày theo dạng YYYY-MM-DD."
_MOMENT = "Phải là thời điểm theo dạng YYYY-MM-DDTHH:MM:SS."
_TIME = "Phải là giờ theo dạng HH:MM:SS."
_UUID = "Phải là mã UUID hợp lệ."
_DECIMAL = "Phải là một số thập phân."
_URL = "Phải là địa chỉ URL hợp lệ."
_NESTED = "Dữ liệu lồng nhau quá sâu hoặc tự tham chiếu."
_FROZEN = "Không được thay đổi trường này."

# Every type pydantic raises for the types our schemas use (and the other common ones);
# ``{name}`` is filled from the error's ctx (other braces are text). ``value_error`` / ``assertion_error`` carry
# our own validators' words; any type not here gets INVALID_MESSAGE.
SCHEMA_MESSAGES: dict[str, str] = {
    "missing": "Thiếu trường này.",
    "missing_argument": "Thiếu trường này.",
    "missing_keyword_only_argument": "Thiếu trường này.",
    "missing_positional_only_argument": "Thiếu trường này.",
    "extra_forbidden": "Không nhận trường này.",
    "unexpected_keyword_argument": "Không nhận trường này.",
    "unexpected_positional_argument": "Không nhận trường này.",
    "multiple_argument_values": "Trường này được gửi nhiều lần.",
    "json_invalid": "Nội dung không phải JSON hợp lệ.",
    "json_type": "Phải là một chuỗi chứa JSON.",
    "model_type": OBJECT_MESSAGE,
    "model_attributes_type": OBJECT_MESSAGE,
    "dataclass_type": OBJECT_MESSAGE,
    "dataclass_exact_type": OBJECT_MESSAGE,
    "arguments_type": OBJECT_MESSAGE,
    "dict_type": OBJECT_MESSAGE,
    "mapping_type": OBJECT_MESSAGE,
    "frozen_dict_type": OBJECT_MESSAGE,
    "ordered_dict_type": OBJECT_MESSAGE,
    "counter_type": OBJECT_MESSAGE,
    "invalid_key": "Tên trường phải là chuỗi ký tự.",
    "none_required": "Phải để trống (null).",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "multiple_of": "Phải là bội số của {multiple_of}.",
    "finite_number": "Phải là một số hữu hạn.",
    "too_short": "Phải có ít nhất {min_length} phần tử.",
    "too_long": "Chỉ được có tối đa {max_length} phần tử.",
    "iterable_type": _LIST,
    "iteration_error": _LIST,
    "list_type": _LIST,
    "tuple_type": _LIST,
    "named_tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "deque_type": _LIST,
    "set_item_not_hashable": "Phần tử của danh sách không hợp lệ.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_unicode": "Phải là chuỗi ký tự Unicode hợp lệ.",
    "string_too_short": "Phải có ít nhất {min_length} ký tự.",
    "string_too_long": "Không được dài quá {max_length} ký tự.",
    "string_pattern_mismatch": "Giá trị không đúng dạng quy định (mẫu: {pattern}).",
    "string_not_ascii": "Chỉ được dùng ký tự ASCII (chữ không dấu, chữ số, dấu câu).",
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": "Phải là số nguyên (không có phần thập phân).",
    "int_parsing_size": "Số nguyên quá lớn.",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "complex_type": _NUMBER,
    "complex_str_parsing": _NUMBER,
    "fraction_type": _NUMBER,
    "fraction_parsing": _NUMBER,
    "decimal_type": _DECIMAL,
    "decimal_parsing": _DECIMAL,
    "decimal_max_digits": "Chỉ được có tối đa {max_digits} chữ số.",
    "decimal_max_places": "Chỉ được có tối đa {decimal_places} chữ số sau dấu thập phân.",
    "decimal_whole_digits": "Chỉ được có tối đa {whole_digits} chữ số trước dấu thập phân.",
    "bytes_type": "Phải là chuỗi byte.",
    "bytes_too_short": "Phải có ít nhất {min_length} byte.",
    "bytes_too_long": "Không được dài quá {max_length} byte.",
    "bytes_invalid_encoding": "Chuỗi byte không đúng mã hóa.",
    "date_type": _DAY,
    "date_parsing": _DAY,
    "date_from_datetime_parsing": _DAY,
    "date_from_datetime_inexact": "Phải là một ngày, không kèm giờ.",
    "date_past": "Phải là một ngày đã qua.",
    "date_future": "Phải là một ngày trong tương lai.",
    "datetime_type": _MOMENT,
    "datetime_parsing": _MOMENT,
    "datetime_object_invalid": _MOMENT,
    "datetime_from_date_parsing": _MOMENT,
    "datetime_past": "Phải là một thời điểm đã qua.",
    "datetime_future": "Phải là một thời điểm trong tương lai.",
    "timezone_naive": "Không được kèm múi giờ.",
    "timezone_aware": "Phải kèm múi giờ.",
    "timezone_offset": "Sai múi giờ.",
    "time_type": _TIME,
    "time_parsing": _TIME,
    "time_delta_type": "Phải là một khoảng thời gian hợp lệ.",
    "time_delta_parsing": "Phải là một khoảng thời gian hợp lệ.",
    "uuid_type": _UUID,
    "uuid_parsing": _UUID,
    "uuid_version": "Phải là mã UUID phiên bản {expected_version}.",
    "url_type": _URL,
    "url_parsing": _URL,
    "url_syntax_violation": _URL,
    "url_too_long": "Địa chỉ URL không được dài quá {max_length} ký tự.",
    "union_tag_not_found": "Thiếu trường phân loại {discriminator}.",
    "recursion_loop": _NESTED,
    "recursion_depth_exceeded": _NESTED,
    "frozen_field": _FROZEN,
    "frozen_instance": _FROZEN,
}
# Types whose ctx names the values allowed ("'A', 'B' or 'C'"), shown as CHOICE_MESSAGE.
_CHOICE_TYPES = {
    "literal_error": "expected",
    "enum": "expected",
    "url_scheme": "expected_schemes",
    "union_tag_invalid": "expected_tags",
}
# One value in pydantic's list of expected ones: a quoted string or a number, as repr() wrote it.
_EXPECTED_VALUE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*""")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_OWN_WORDS_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def _choices(expected: str) -> str:
    """Return pydantic's ``'A', 'B' or 3`` as ``"A", "B", 3``."""
    values = []
    for token in _EXPECTED_VALUE.findall(expected):
        try:
            value = ast.literal_eval(token)
        except (ValueError, SyntaxError):
            return ""
        values.append(json.dumps(value, ensure_ascii=False) if isinstance(value, str) else token)
    return ", ".join(values)


def schema_message(error: dict[str, Any]) -> str:
    """Return the Vietnamese message for one pydantic error (``type``, ``msg``, ``ctx``)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Our own validators' words, without pydantic's English prefix.
        own = str(ctx.get("error") or _OWN_WORDS_PREFIX.sub("", error.get("msg", "")))
        return own or INVALID_MESSAGE
    if kind in _CHOICE_TYPES:
        allowed = _choices(str(ctx.get(_CHOICE_TYPES[kind], "")))
        return CHOICE_MESSAGE.format(allowed) if allowed else INVALID_MESSAGE
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ISO_DATE_PATTERN:
        return DATE_MESSAGE
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "Không được để trống."
    try:
        return _PLACEHOLDER.sub(
            lambda m: str(ctx[m[1]]), SCHEMA_MESSAGES.get(kind, INVALID_MESSAGE)
        )
    except KeyError:  # a limit the error does not carry
        return INVALID_MESSAGE


def schema_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ninja's validation errors as our 422 items: the same ``loc`` and ``type``,
    the message in Vietnamese, nothing else (pydantic's ctx and English text dropped)."""
    return [{"loc": e["loc"], "msg": schema_message(e), "type": e["type"]} for e in errors]


# --------------------------------------------------------------------------
# Paging: ?page=1&page_size=50 (at most 200) → {"items": [...], "count": N, "approximate": …};
# the member list also ?after=<next of the previous page> (keyset, any page as fast as the first).
# --------------------------------------------------------------------------

COUNT_DESCRIPTION = (
    "Số bản ghi của danh sách: đếm chính xác khi không quá 2.000 bản ghi; "
    "nhiều hơn thì đếm một lần cho mỗi bộ lọc và mỗi lần dữ liệu thay đổi (approximate = true)."
)


class Pages(PageNumberPagination):
    """Page-number paging; the total through ``paging.count_of`` (no full COUNT per page)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=COUNT_DESCRIPTION)
        approximate: bool = Field(
            False, description="true khi count là số đã đếm trước đó cho cùng bộ lọc (khoảng)."
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> Any:
        size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * size
        counted = count_of(queryset)
        return {
            self.items_attribute: queryset[offset : offset + size],
            "count": counted.value,
            "approximate": counted.approximate,
        }


class QueryRefused(Exception):
    """A query parameter of the right shape that the operation cannot use (422 on that field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


BAD_CURSOR_MESSAGE = (
    "Con trỏ trang không hợp lệ: dùng nguyên giá trị «next» của trang trước, hoặc bỏ trống."
)


class KeysetPages(Pages):
    """Pages that follow the list's order: ``?after=`` the ``next`` of the previous page.

    ``?page=N`` still works (it reads the rows it skips); ``next`` is null on the last page.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        after: str | None = Field(
            None,
            max_length=1000,
            description="Giá trị «next» của trang trước: trang sau theo thứ tự của danh sách "
            "(nhanh như trang đầu, bỏ qua page).",
        )

    class Output(Pages.Output):
        next: str | None = Field(
            None, description="Truyền vào ?after= để lấy trang sau; null ở trang cuối."
        )

    def __init__(self, *, keys: tuple[str, ...], **kwargs: Any) -> None:
        self.keys = keys
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> Any:
        size = self._get_page_size(pagination.page_size)
        offset = 0 if pagination.after else (pagination.page - 1) * size
        try:
            page = keyset_page(
                queryset, self.keys, after=pagination.after, offset=offset, per_page=size
            )
        except BadCursor:
            raise QueryRefused("after", BAD_CURSOR_MESSAGE) from None
        counted = page.list_count
        return {
            self.items_attribute: page.object_list,
            "count": counted.value,
            "approximate": counted.approximate,
            "next": page.next_cursor,
        }


# --------------------------------------------------------------------------
# Authentication: API token (Bearer), or the browser session with CSRF.
# --------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: a token issued by accounts.services.issue_token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from dangbo.accounts.services import user_for_token

        if not token or len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        # The scope is computed per request for request.user: drop one computed earlier.
        request.__dict__.pop("_dangbo_scope", None)
        return user


# --------------------------------------------------------------------------
# Interactive documentation served by the application itself (no CDN).
# --------------------------------------------------------------------------

SWAGGER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
SWAGGER_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ assets }}swagger-ui.css">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
<div id="swagger-ui"></div>
<script src="{{ assets }}swagger-ui-bundle.js"></script>
<script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""


class OfflineSwagger(DocsBase):
    """Swagger UI from the copy shipped with django-ninja, served by ``docs_asset``."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        assets = reverse(f"{api.urls_namespace}-docs-asset", kwargs={"name": "x"})[:-1]
        template = engines["django"].from_string(SWAGGER_PAGE)
        html = template.render(
            {"title": api.title, "assets": assets, "settings": json.dumps(settings)}, request
        )
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    """Serve one Swagger UI file (a fixed list; nothing else from the disk)."""
    if name not in SWAGGER_ASSETS:
        return not_found(request)
    response = FileResponse((SWAGGER_DIR / name).open("rb"), content_type=SWAGGER_ASSETS[name])
    response["Cache-Control"] = "max-age=86400"
    return response


# --------------------------------------------------------------------------
# The API and its error handlers.
# --------------------------------------------------------------------------

api = NinjaAPI(
    title="dangbo API",
    version="1",
    description=(
        "API của hệ thống quản lý công tác xây dựng Đảng. Xác thực bằng khóa API "
        "(`Authorization: Bearer <khóa>`) hoặc phiên đăng nhập (kèm CSRF). Mọi danh sách "
        "được phân trang (`page`, `page_size` ≤ 200); ngày theo ISO (YYYY-MM-DD)."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), django_auth],
    docs=OfflineSwagger(),
    docs_url="/docs",
)


def _field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        items = [
            (["body"] if field == "__all__" else ["body", field], message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        items = [(["body"], message) for message in exc.messages]
    return [{"loc": loc, "msg": message, "type": "value_error"} for loc, message in items]


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _field_errors(exc)}, status=422)


@api.exception_handler(QueryRefused)
def _query_refused(request: HttpRequest, exc: QueryRefused) -> HttpResponse:
    body = {"detail": [{"loc": ["query", exc.field], "msg": exc.message, "type": "value_error"}]}
    return api.create_response(request, body, status=422)


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    # A request its operation's schema refuses: pydantic's errors, told in Vietnamese.
    return api.create_response(request, {"detail": schema_errors(exc.errors)}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja answers an unparsable body with 400 and a failed CSRF check with 403:
    # the first is one more invalid input (422, like every other), the second gets our words.
    if exc.status_code == 400:
        body = {"detail": [{"loc": ["body"], "msg": BAD_BODY, "type": "json_invalid"}]}
        return api.create_response(request, body, status=422)
    if exc.status_code == 403:
        return api.create_response(request, {"detail": CSRF_FAILED}, status=403)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(OperationalError)
def _busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    # Another writer held the database past the busy timeout: try again shortly (503).
    if not is_busy(exc):
        raise exc
    response = api.create_response(request, {"detail": BUSY_MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # Django would answer with its HTML 400 page; like a body that is not JSON, it is 422.
    body = {"detail": [{"loc": ["body"], "msg": BAD_MULTIPART, "type": "multipart_invalid"}]}
    return api.create_response(request, body, status=422)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _body_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django's limits on a request body (DATA_UPLOAD_MAX_MEMORY_SIZE, fields, files) would
    # answer with its HTML 400 page; like any body the API cannot use, it is 422.
    body = {"detail": [{"loc": ["body"], "msg": BODY_TOO_LARGE, "type": "body_too_large"}]}
    return api.create_response(request, body, status=422)


@csrf_exempt  # it changes nothing; a POST there is a 404 like a GET, not the CSRF page
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under /api/v1/ that names no operation: the API's JSON 404, not the site's page."""
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)
