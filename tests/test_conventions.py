"""Project conventions that a test can hold: every view declares its capability,
views and endpoints load objects only through the scoped helpers, and the
migrations match the models."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

SRC = Path(__file__).resolve().parent.parent / "src" / "dangbo"
BANNED = [
    (re.compile(r"\b[A-Z]\w*\.objects\.get\("), "Model.objects.get("),
    (re.compile(r"get_object_or_404\(\s*[A-Z]"), "get_object_or_404(Model, …)"),
]


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_every_view_declares_a_capability():
    missing = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "static/")):
            continue
        callback = pattern.callback
        view = getattr(callback, "view_class", callback)
        if not hasattr(view, "capability") and not hasattr(callback, "capability"):
            missing.append(route)
    assert missing == []


@pytest.mark.parametrize("filename", ["views.py", "api.py"])
def test_views_and_endpoints_load_objects_only_through_scoped_helpers(filename):
    offenders = []
    for path in SRC.rglob(filename):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in BANNED:
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(SRC)}:{lineno}: {what}")
    assert offenders == []


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
