"""Self-test of the test infrastructure (conftest.py): database choice and browser."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_matches_dangbo_test_db():
    expected = os.environ.get("DANGBO_TEST_DB", "sqlite").strip().lower() or "sqlite"
    assert connection.vendor == expected
    # The test database, never the real one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if connection.vendor == "postgresql":
        assert connection.settings_dict["NAME"].startswith("test_")


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Chỉ kiểm tra trên PostgreSQL (DANGBO_TEST_DB=postgresql).")


@pytest.mark.django_db
def test_postgresql_has_vietnamese_icu_collation():
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_collation WHERE collname = 'vi-x-icu'")
        assert cursor.fetchone() == (1,)
        # Vietnamese order: "Đ" sorts right after "D", not after "Z".
        cursor.execute(
            "SELECT w FROM unnest(ARRAY['Z', 'Đ', 'D', 'E']) AS w ORDER BY w COLLATE \"vi-x-icu\""
        )
        assert [row[0] for row in cursor.fetchall()] == ["D", "Đ", "E", "Z"]


@pytest.mark.django_db
def test_postgresql_extensions_are_installed():
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT unaccent('Nguyễn Thị Hồng Nhung')")
        assert cursor.fetchone() == ("Nguyen Thi Hong Nhung",)
        cursor.execute("SELECT similarity('Hà Nội', 'Ha Noi') >= 0")
        assert cursor.fetchone() == (True,)


@pytest.mark.browser
def test_browser_renders_vietnamese(page):
    page.set_content("<p>Xin chào</p>")
    assert page.locator("p").inner_text() == "Xin chào"
    assert page.evaluate("navigator.language") == "vi-VN"


@pytest.mark.browser
def test_browser_reaches_live_server(page, live_server):
    # Any static file will do: the live server serves them without touching
    # the project's URLconf, so this does not depend on the apps' views.
    from django.contrib.staticfiles import finders

    path = next(
        (path for finder in finders.get_finders() for path, _storage in finder.list([])),
        None,
    )
    if path is None:
        pytest.skip("Không có tệp tĩnh nào để thử máy chủ chạy thử.")
    response = page.goto(f"{live_server.url}/static/{path}")
    assert response is not None
    assert response.status == 200
