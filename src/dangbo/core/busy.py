"""A write that cannot get the database in time: a clear 503 with Retry-After, never a 500.

SQLite lets one writer at a time; a writer that waits longer than the busy
timeout gets ``OperationalError: database is locked``. PostgreSQL says the
same with a lock timeout (SQLSTATE 55P03). Pages answer with the page
``503.html`` (``BusyMiddleware`` for views, ``server_error`` for anything else),
the API with a JSON body shaped like its other errors (``core.api``).
"""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

BUSY_MESSAGE = (
    "Hệ thống đang bận ghi dữ liệu khác (có thể đang nhập một tệp lớn) nên chưa lưu được "
    "thao tác của bạn. Không có gì bị ghi dở; vui lòng thử lại sau ít giây."
)
RETRY_AFTER_SECONDS = 5
LOCK_NOT_AVAILABLE = "55P03"


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database was locked by another writer."""
    if not isinstance(exc, OperationalError):
        return False
    if "is locked" in str(exc):  # SQLite: "database is locked", "database table is locked"
        return True
    return getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


def busy_response(request: HttpRequest) -> HttpResponse:
    # A page of its own, without the site's navigation: nothing here touches the database.
    body = loader.render_to_string("503.html", {"message": BUSY_MESSAGE}, request=None)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyMiddleware:
    """Turns a view's lock error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a lock error raised outside a view (saving the session...) is a 503 too."""
    if is_busy(sys.exc_info()[1]):
        return busy_response(request)
    return defaults.server_error(request)
