"""PostgreSQL connections run without JIT (and with DANGBO_PG_WORK_MEM when set)."""

import os

import pytest

from dangbo.config.settings.base import postgresql_options
from dangbo.core.tests.processes import installation

__all__ = ["installation"]

PG = "django.db.backends.postgresql"


def test_options_are_added_to_postgresql_only_and_keep_those_of_the_url():
    assert postgresql_options({"ENGINE": PG})["OPTIONS"] == {"options": "-c jit=off"}
    assert postgresql_options({"ENGINE": PG}, "32MB")["OPTIONS"]["options"] == (
        "-c jit=off -c work_mem=32MB"
    )
    from_url = {"ENGINE": PG, "OPTIONS": {"options": "-c search_path=x", "sslmode": "require"}}
    assert postgresql_options(from_url)["OPTIONS"] == {
        "options": "-c search_path=x -c jit=off", "sslmode": "require",
    }  # fmt: skip
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
    assert postgresql_options(sqlite)["OPTIONS"] == {"timeout": 20}


@pytest.mark.skipif(
    os.environ.get("DANGBO_TEST_DB", "sqlite").strip().lower() != "postgresql",
    reason="chỉ có ý nghĩa trên PostgreSQL",
)
def test_a_dangbo_process_connects_with_jit_off_and_the_work_mem_asked(installation):
    show = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW jit'); jit = c.fetchone()[0]\n"
        "    c.execute('SHOW work_mem'); print(jit, c.fetchone()[0])"
    )
    assert installation.shell(show).splitlines()[-1].split() == ["off", "4MB"]
    installation.env["DANGBO_PG_WORK_MEM"] = "32MB"
    assert installation.shell(show).splitlines()[-1].split() == ["off", "32MB"]
