"""Web hardening: the deploy check with the documented production settings, the secret-key
warning, the session lifetime, the Content-Security-Policy and the login lockouts."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from dangbo.accounts.tests.factories import PASSWORD, user_with_role
from dangbo.core.checks import DEFAULT_SECRET_KEY_WARNING
from dangbo.core.management.commands import demo
from dangbo.core.middleware import client_ip
from dangbo.organizations.tests.factories import bloc

SRC = Path(__file__).resolve().parents[2]
# The production environment documented in README.md ("Triển khai").
PRODUCTION_ENV = {
    "DANGBO_SECRET_KEY": "m7Qe2r9Lw4Zp1Xk8Vt3Nd6Hs0Bf5Jc2Gy7Ua4Ro9Ei1Tl6Pq3Wz8Dx5Cv2Kn0Mb7",
    "DANGBO_ALLOWED_HOSTS": "dangbo.example.vn",
    "DANGBO_HTTPS": "1",
    "DATABASE_URL": "postgresql://dangbo@127.0.0.1:5432/dangbo",
}


def _dangbo(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the ``dangbo`` command in a clean environment (no setting inherited from the tests)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DANGBO_", "DJANGO_")) and k != "DATABASE_URL"}  # fmt: skip
    clean.update({"DANGBO_DATA_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, "-m", "dangbo", *args], env=clean, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_the_deploy_check_passes_with_the_documented_production_settings(tmp_path):
    result = _dangbo(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_the_deploy_check_warns_about_the_default_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DANGBO_SECRET_KEY"}
    result = _dangbo("check", "--deploy", env=env, tmp_path=tmp_path)
    assert result.returncode == 0
    assert f"({DEFAULT_SECRET_KEY_WARNING}) Đang dùng khóa bí mật mặc định" in result.stderr
    assert "DANGBO_SECRET_KEY" in result.stderr


def test_production_settings_come_from_the_environment(tmp_path):
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE)")  # fmt: skip
    result = _dangbo(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={**PRODUCTION_ENV, "DANGBO_SESSION_HOURS": "2"},
        tmp_path=tmp_path,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000",
                                     "('HTTP_X_FORWARDED_PROTO',", "'https')", "7200"]  # fmt: skip
    plain = _dangbo("shell", "--no-imports", "-c", code, env={}, tmp_path=tmp_path)
    assert plain.stdout.split() == ["False", "False", "False", "0", "None", "28800"]
    wrong = _dangbo("check", env={"DANGBO_SESSION_HOURS": "tám"}, tmp_path=tmp_path)
    assert wrong.returncode != 0
    assert "DANGBO_SESSION_HOURS='tám' không hợp lệ: cần một số giờ dương" in wrong.stderr


def test_serve_warns_at_start_about_the_default_secret_key(tmp_path):
    """The warning is the first thing ``dangbo serve`` says; the server is stopped once it is seen."""
    server = subprocess.Popen(
        [sys.executable, "-m", "dangbo", "serve", "127.0.0.1:1"], cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DANGBO_", "DJANGO_"))},
             "DANGBO_DATA_DIR": str(tmp_path / "var")},
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    seen = []
    try:
        deadline = time.monotonic() + 60
        for line in server.stderr:
            seen.append(line)
            if DEFAULT_SECRET_KEY_WARNING in line or time.monotonic() > deadline:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert any(
        f"({DEFAULT_SECRET_KEY_WARNING}) Đang dùng khóa bí mật mặc định" in x for x in seen
    ), seen


def test_the_check_framework_warns_about_the_default_key_except_in_the_demo(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    out = io.StringIO()
    call_command("check", stderr=out, stdout=io.StringIO())
    assert DEFAULT_SECRET_KEY_WARNING in out.getvalue()

    settings.DANGBO_DEMO = True
    out = io.StringIO()
    call_command("check", stderr=out, stdout=io.StringIO())
    assert DEFAULT_SECRET_KEY_WARNING not in out.getvalue()

    settings.DANGBO_DEMO = False
    settings.SECRET_KEY = PRODUCTION_ENV["DANGBO_SECRET_KEY"]
    out = io.StringIO()
    call_command("check", stderr=out, stdout=io.StringIO())
    assert DEFAULT_SECRET_KEY_WARNING not in out.getvalue()


def test_the_demo_runs_its_checks_without_the_secret_key_warning(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    err = io.StringIO()
    # As from the command line (call_command skips the checks). Too few members: refused
    # after the checks, before the database is touched.
    command = demo.Command(stdout=io.StringIO(), stderr=err)
    options = command.create_parser("dangbo", "demo").parse_args(["--members", "1", "--no-serve"])
    with pytest.raises(CommandError, match="--members"):
        command.execute(**vars(options))
    assert DEFAULT_SECRET_KEY_WARNING not in err.getvalue()
    assert settings.DANGBO_DEMO is False
    assert "DANGBO_DEMO" not in os.environ


# --------------------------------------------------------------------------
# Session, Content-Security-Policy
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_activity_starts_the_session_lifetime_again_without_a_write_per_request(client):
    from django.contrib.sessions.models import Session

    top = bloc(code="KHOI")
    client.force_login(user_with_role(top))
    key = client.session.session_key
    with mock.patch("time.time", return_value=1_000_000.0):
        response = client.get("/o/KHOI/")
    assert response.status_code == 200
    # The first request after signing in starts the lifetime: cookie and stored expiry.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600
    assert client.session.get_expiry_age() == 8 * 3600
    stored = Session.objects.get(session_key=key).expire_date

    # Within the refresh interval a page writes nothing and sends no cookie.
    with mock.patch("time.time", return_value=1_000_000.0 + settings.SESSION_REFRESH_SECONDS - 1):
        response = client.get("/o/KHOI/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).expire_date == stored

    # Past it, the next request writes the session again with a later expiry.
    with mock.patch("time.time", return_value=1_000_000.0 + settings.SESSION_REFRESH_SECONDS):
        response = client.get("/o/KHOI/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600
    assert Session.objects.get(session_key=key).expire_date >= stored
    assert client.session["_refreshed"] == 1_000_000 + settings.SESSION_REFRESH_SECONDS


@pytest.mark.django_db
def test_a_visitor_not_signed_in_gets_no_session_row(client):
    from django.contrib.sessions.models import Session

    client.get("/login/")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/login/")
    policy = {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split("; ")
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\shx-on", re.I), "hx-on (evaluated code)"),
    (re.compile(r"<style|\sstyle\s*=", re.I), "inline style"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_script_or_style():
    found = []
    for template in sorted(SRC.glob("**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        found += [
            f"{template.relative_to(SRC)}: {what}"
            for pattern, what in INLINE
            if pattern.search(text)
        ]
    assert found == []


# --------------------------------------------------------------------------
# Lockout per username and per address
# --------------------------------------------------------------------------


def _login(client, username: str, password: str, ip: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failures_lock_a_username_whatever_the_address(client):
    top = bloc(code="KHOI")
    user_with_role(top, username="vanphong")
    for n in range(5):
        _login(client, "vanphong", "sai", f"10.0.0.{n + 1}")
    locked = _login(client, "vanphong", PASSWORD, "10.0.0.99")
    assert locked.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in locked.content.decode()
    # Another user from that new address is not concerned.
    user_with_role(top, username="tochuc")
    assert _login(client, "tochuc", PASSWORD, "10.0.0.99").status_code == 302


@pytest.mark.django_db
def test_five_failures_from_one_address_lock_that_address_whatever_the_username(client):
    top = bloc(code="KHOI")
    user_with_role(top, username="vanphong")
    for n in range(5):
        _login(client, f"doan{n}", "sai", "10.0.0.7")
    assert _login(client, "vanphong", PASSWORD, "10.0.0.7").status_code == 429
    # The same user from another address is not concerned.
    assert _login(client, "vanphong", PASSWORD, "10.0.0.8").status_code == 302


def test_behind_the_proxy_the_client_is_the_address_the_proxy_added(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")  # fmt: skip
    settings.DANGBO_BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.DANGBO_BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
