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
