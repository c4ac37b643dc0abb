"""The database under load: reads do not write, SQLite runs in WAL mode with a busy
timeout, and a write that cannot get the lock in time is a 503 with Retry-After."""

from __future__ import annotations

import datetime as dt
import sqlite3
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangbo.accounts.models import ApiToken, Role
from dangbo.config.settings import base
from dangbo.core import busy
from dangbo.members import services as member_services

from .api_helpers import API, ApiClient, add_member, build_tree, make_user, token_for

LOCKED = OperationalError("database is locked")


def test_sqlite_settings_give_wal_and_a_busy_timeout(tmp_path, monkeypatch, django_db_blocker):
    monkeypatch.setattr(base, "DATA_DIR", tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    handler = ConnectionHandler({"default": base._database()})
    connection = handler["default"]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            timeout_ms = cursor.fetchone()[0]
            cursor.execute("PRAGMA foreign_keys")
            foreign_keys = cursor.fetchone()[0]
        connection.close()
    assert connection.transaction_mode == "IMMEDIATE"

    assert journal == "wal"
    assert timeout_ms == 20_000
    assert foreign_keys == 1
    # WAL lasts with the file: a plain connection opened later finds it too.
    plain = sqlite3.connect(tmp_path / "dangbo.sqlite3")
    assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    plain.close()


@pytest.mark.django_db
def test_token_use_is_written_at_most_once_a_minute():
    tree = build_tree()
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    client = ApiClient(token_for(user))
    token = ApiToken.objects.get(user=user)

    client.get("/orgs/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with CaptureQueriesContext(connection) as queries:
        client.get("/orgs/")
    second = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    client.get("/orgs/")
    third = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None
    assert second == first
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert third > first
    assert third <= timezone.now()


@pytest.mark.django_db
def test_api_write_that_cannot_get_the_lock_is_a_503_with_retry_after():
    tree = build_tree()
    member = add_member(tree.a1, "Phạm Văn Đồng")
    client = ApiClient(token_for(make_user("bithu", Role.CELL_SECRETARY, tree.a1)))

    with mock.patch.object(member_services, "update_member", side_effect=LOCKED):
        response = client.patch(f"/members/{member.pk}/", {"occupation": "Kỹ sư"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.body == {"detail": busy.BUSY_MESSAGE}


@pytest.mark.django_db
def test_api_other_database_errors_are_not_hidden_as_busy():
    tree = build_tree()
    member = add_member(tree.a1, "Phạm Văn Đồng")
    user = make_user("bithu", Role.CELL_SECRETARY, tree.a1)
    broken = OperationalError("no such table: members_member")

    with (
        mock.patch.object(member_services, "update_member", side_effect=broken),
        pytest.raises(OperationalError),
    ):
        Client().patch(
                f"{API}/members/{member.pk}/", data='{"occupation": "Kỹ sư"}',
                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for(user)}",
            )  # fmt: skip


@pytest.mark.django_db
def test_page_write_that_cannot_get_the_lock_is_a_503_page():
    from dangbo.members.views import EditIdentityView

    tree = build_tree()
    member = add_member(tree.a1, "Phạm Văn Đồng")
    browser = Client()
    browser.force_login(make_user("bithu", Role.CELL_SECRETARY, tree.a1))

    with mock.patch.object(EditIdentityView, "post", side_effect=LOCKED):
        response = browser.post(f"/members/{member.pk}/edit/", {"occupation": "Kỹ sư"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Hệ thống đang bận" in response.content.decode()
    assert busy.BUSY_MESSAGE in response.content.decode()


def test_a_lock_raised_outside_a_view_is_a_503_too():
    request = RequestFactory().post("/members/1/edit/")
    try:
        raise OperationalError("database table is locked")
    except OperationalError:
        response = busy.server_error(request)
    try:
        raise OperationalError("disk I/O error")
    except OperationalError:
        other = busy.server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert other.status_code == 500


class _DriverError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_postgresql_lock_timeout_counts_as_busy():
    error = OperationalError("canceling statement due to lock timeout")
    error.__cause__ = _DriverError("55P03")
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = _DriverError("40P01")

    assert busy.is_busy(error)
    assert not busy.is_busy(deadlock)
    assert not busy.is_busy(ValueError("database is locked"))
