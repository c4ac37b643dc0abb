"""HTTP hardening the settings alone do not give: the Content-Security-Policy header, the client address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_header(policy: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], …}`` as the header's text."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.header
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, for the login lockout (django-axes).

    Behind the reverse proxy (``settings.DANGBO_BEHIND_PROXY``) every request comes
    from the proxy; the client is the last address in X-Forwarded-For, the
    one the proxy itself appended (earlier ones are whatever the client sent).
    """
    if settings.DANGBO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


class SlidingSessionMiddleware:
    """Start a signed-in session's lifetime again on activity, at most once a
    ``settings.SESSION_REFRESH_SECONDS``: the session (and its cookie) is written when it was
    last refreshed longer ago than that, not on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` wrote the session row on every page, list and API call: a
    database write per read, the largest part of a list page's cost under load. With this, a
    session still ends ``SESSION_COOKIE_AGE`` after the last request, give or take the
    refresh interval. A session without data (a visitor not signed in) is left alone.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.keys() - {self.KEY}:
            import time

            now = int(time.time())
            last = session.get(self.KEY)
            if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response
