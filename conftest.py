"""Test infrastructure shared by every test under src/ and tests/.

Two things live here:

* the database the suite runs on, chosen by ``DANGBO_TEST_DB``:
  ``sqlite`` (default; Django's in-memory test database) or ``postgresql``
  (``DATABASE_URL`` when given, otherwise a throwaway PostgreSQL cluster
  started for this session only and removed afterwards);
* on SQLite, a file test database instead of the in-memory one when a test
  marked ``parallel_writers`` is collected: the live server shares one
  connection object among all its threads with an in-memory database, so
  requests could never run side by side; with a file each request thread has
  its own connection and SQLite's write lock orders them as in production;
* the ``browser`` and ``page`` fixtures for tests marked ``browser``, driving
  Debian's Chromium through the Python Playwright driver.

The throwaway cluster is started lazily, the first time a test needs the
database, so runs that touch no database (``-k`` on pure functions,
``--collect-only``) never pay for it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DB_ENV = "DANGBO_TEST_DB"
DB_CHOICES = ("sqlite", "postgresql")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no network but the package registries: without these
    # Chromium keeps trying (and failing) to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = "Chromium chưa được cài (apt-get install chromium)"
# The name Django derives the test database from (it creates "test_dangbo").
PG_DATABASE_NAME = "dangbo"
PG_SUPERUSER = "postgres"
PG_EXTENSIONS = ("unaccent", "pg_trgm")
CLUSTER_PREFIX = "dangbo-pg-"
OWNER_FILE = "owner.pid"
# Durability is worthless for a cluster deleted at the end of the run, and
# fsync dominates the cost of creating and migrating test databases.
PG_SERVER_OPTIONS = "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


# --------------------------------------------------------------------------
# Database selection
# --------------------------------------------------------------------------


def _test_db_choice() -> str:
    choice = os.environ.get(DB_ENV, "sqlite").strip().lower() or "sqlite"
    if choice not in DB_CHOICES:
        raise pytest.UsageError(
            f"{DB_ENV}={choice!r} không hợp lệ; chọn một trong: {', '.join(DB_CHOICES)}."
        )
    return choice


def _sqlite_settings() -> dict:
    # Only used when the settings chose another engine (a DATABASE_URL in
    # the environment).  NAME is never opened: with no TEST NAME, Django's
    # test runner uses a shared in-memory database instead.  Foreign keys
    # are enforced as in the production SQLite settings.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(tempfile.gettempdir()) / "dangbo-test.sqlite3"),
        "OPTIONS": {
            "init_command": "PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def _postgresql_settings() -> tuple[dict, bool]:
    """Return the PostgreSQL settings and whether they still lack a server.

    Without ``DATABASE_URL`` the host and port are filled in once the
    throwaway cluster is up (see ``django_db_modify_db_settings``).
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        db = dj_database_url.parse(url)
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise pytest.UsageError(
                f"{DB_ENV}=postgresql nhưng DATABASE_URL không trỏ tới PostgreSQL ({db['ENGINE']})."
            )
        return db, False
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": PG_DATABASE_NAME,
        "USER": PG_SUPERUSER,
        "PASSWORD": "",
        # Filled in when the cluster starts; an unreachable placeholder makes
        # any premature connection fail loudly instead of hitting port 5432.
        "HOST": "127.0.0.1",
        "PORT": "1",
    }, True


def _replace_default_database(new: dict) -> None:
    """Point Django's ``default`` alias at ``new``, in place.

    Django is already set up by pytest-django when conftest hooks run, and
    ``django.db.connections`` shares the very dict objects of
    ``settings.DATABASES``; mutating them (rather than assigning a new
    ``DATABASES``) keeps the two in step, as pytest-django's own xdist
    suffix handling does.
    """
    from django.conf import settings
    from django.db import connections

    current = settings.DATABASES["default"]
    engine_changed = current.get("ENGINE") != new.get("ENGINE")
    current.clear()
    current.update(new)
    # Restore the defaults Django adds (TEST, OPTIONS, CONN_MAX_AGE, ...).
    connections.configure_settings(settings.DATABASES)
    if engine_changed:
        # A wrapper built for the old engine must not be reused.
        with contextlib.suppress(AttributeError):
            connections["default"].close()
            del connections["default"]


# --------------------------------------------------------------------------
# Throwaway PostgreSQL cluster
# --------------------------------------------------------------------------


def _postgres_bin_dir() -> Path | None:
    """The newest installed server, e.g. /usr/lib/postgresql/15/bin."""
    candidates = [
        path.parent
        for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
        if path.parent.parent.name.isdigit()
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda path: int(path.parent.name))


def _postgres_binary_version(bin_dir: Path) -> str:
    # "postgres (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)" -> "15.19"
    out = subprocess.run(
        [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\)\s*([\d.]+)", out)
    return match.group(1) if match else out.strip()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_clusters(bin_dir: Path) -> None:
    """Stop and delete clusters left by sessions that were killed outright."""
    for root in Path(tempfile.gettempdir()).glob(f"{CLUSTER_PREFIX}*"):
        try:
            owner = int((root / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _pid_alive(owner):
            continue  # another session (or xdist worker) still uses it
        stale = ThrowawayCluster(bin_dir, root=root)
        stale.running = (root / "data" / "postmaster.pid").exists()
        stale.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, for one test session.

    PostgreSQL refuses to run as root, so as root the directory is handed to
    the ``postgres`` system user and every server command goes through
    ``runuser``; otherwise the current user runs them directly.
    """

    bin_dir: Path
    root: Path | None = None
    port: int = 0
    started_in: float = 0.0
    server_version: str = ""
    running: bool = False

    def __post_init__(self) -> None:
        if self.root is not None:
            return  # an existing (stale) cluster, only to be stopped
        self.root = Path(tempfile.mkdtemp(prefix=CLUSTER_PREFIX))
        # Lets a later session recognise this cluster as stale if this
        # process is killed outright (SIGKILL runs no cleanup at all).
        (self.root / OWNER_FILE).write_text(str(os.getpid()))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def _command(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def _run(self, *args: str) -> None:
        # cwd: the postgres user may not be allowed into the caller's cwd.
        result = subprocess.run(
            self._command(*args), cwd=self.root, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise RuntimeError(
                f"Lệnh PostgreSQL thất bại ({result.returncode}): {' '.join(args)}\n"
                f"{result.stdout}{result.stderr}{log}"
            )

    def start(self) -> None:
        began = time.monotonic()
        if os.geteuid() == 0:
            import pwd

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "Chạy bằng root nhưng không có người dùng hệ thống 'postgres' "
                    "(apt-get install postgresql)."
                ) from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.root.chmod(0o700)
        self._run(
            str(self.bin_dir / "initdb"),
            "--pgdata",
            str(self.data_dir),
            "--username",
            PG_SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            # Nothing here needs to survive a power cut.
            "--no-sync",
        )
        # The port is only reserved between _free_port() and the server's
        # bind, so another process may grab it; retry on a fresh one.
        for attempt in range(3):
            self.port = _free_port()
            options = (
                f"{PG_SERVER_OPTIONS} -c listen_addresses=127.0.0.1 -p {self.port}"
                # Own socket directory: /var/run/postgresql belongs to the
                # system service and may not exist.
                f" -c unix_socket_directories={self.root}"
            )
            try:
                self._run(
                    str(self.bin_dir / "pg_ctl"),
                    "start",
                    "--pgdata",
                    str(self.data_dir),
                    "--log",
                    str(self.log_file),
                    "--wait",
                    "--timeout=60",
                    "-o",
                    options,
                )
            except RuntimeError:
                if attempt == 2:
                    raise
                continue
            break
        self.running = True
        self._prepare_template()
        self.started_in = time.monotonic() - began

    def _prepare_template(self) -> None:
        """Install extensions in template1 so every test database inherits them."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=PG_SUPERUSER,
            dbname="template1",
            autocommit=True,
        ) as conn:
            for extension in PG_EXTENSIONS:
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
            self.server_version = conn.execute("SHOW server_version").fetchone()[0].split()[0]

    def settings(self) -> dict:
        return {"HOST": "127.0.0.1", "PORT": str(self.port), "USER": PG_SUPERUSER, "PASSWORD": ""}

    def stop(self) -> None:
        """Stop the server and delete its directory; safe to call twice."""
        if self.running:
            self.running = False
            # Immediate: no shutdown checkpoint for data about to be deleted.
            with contextlib.suppress(RuntimeError):
                self._run(
                    str(self.bin_dir / "pg_ctl"),
                    "stop",
                    "--pgdata",
                    str(self.data_dir),
                    "--mode=immediate",
                    "--wait",
                )
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: ThrowawayCluster | None = None
# Shown at the end of the run: how long the cluster took to come up.
_cluster_report = ""


def _stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def _install_sigterm_backstop() -> None:
    """Make SIGTERM (CI timeouts, ``kill``) end the session like Ctrl-C.

    pg_ctl detaches the server into its own session, so nothing else would
    stop it if pytest died; turning SIGTERM into KeyboardInterrupt lets pytest
    run its teardowns and atexit handlers.  A handler installed by someone
    else is left alone.
    """
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def _interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)


def _start_cluster() -> ThrowawayCluster:
    global _cluster, _cluster_report
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        pytest.fail(
            "Không tìm thấy PostgreSQL trong /usr/lib/postgresql/*/bin "
            "(chạy `make install`, hoặc đặt DATABASE_URL).",
            pytrace=False,
        )
    _remove_stale_clusters(bin_dir)
    _cluster = ThrowawayCluster(bin_dir)
    # Backstop for exits that skip fixture teardown (crash in a hook, os.exit
    # of a plugin, an exception escaping the session).
    atexit.register(_stop_cluster)
    _install_sigterm_backstop()
    try:
        _cluster.start()
    except BaseException:
        _stop_cluster()
        raise
    _cluster_report = (
        f"cụm PostgreSQL tạm thời {_cluster.server_version} ({bin_dir}): "
        f"khởi động trong {_cluster.started_in:.2f} giây"
    )
    return _cluster


# --------------------------------------------------------------------------
# pytest hooks and fixtures
# --------------------------------------------------------------------------


_needs_cluster = False


def pytest_configure(config: pytest.Config) -> None:
    """Choose the database before anything (collection, fixtures) uses it.

    pytest-django has already loaded the settings at this point; the choice
    is made here rather than in the settings module so that it holds for any
    ``--ds`` and ignores a stray ``DATABASE_URL`` on SQLite runs.
    """
    global _needs_cluster
    from django.conf import settings

    if not settings.configured:
        return
    if _test_db_choice() == "sqlite":
        # Keep the settings' own SQLite configuration when there is one; only
        # a DATABASE_URL in the environment makes base settings pick another.
        if settings.DATABASES["default"].get("ENGINE") != "django.db.backends.sqlite3":
            _replace_default_database(_sqlite_settings())
    else:
        db, _needs_cluster = _postgresql_settings()
        _replace_default_database(db)


def pytest_report_header(config: pytest.Config) -> list[str]:
    choice = _test_db_choice()
    if choice == "sqlite":
        lines = [
            f"cơ sở dữ liệu: sqlite {sqlite3.sqlite_version} "
            "(trong bộ nhớ; tệp tạm khi có kiểm thử parallel_writers)"
        ]
    elif _needs_cluster:
        bin_dir = _postgres_bin_dir()
        version = _postgres_binary_version(bin_dir) if bin_dir else "chưa cài"
        lines = [f"cơ sở dữ liệu: postgresql {version} (cụm tạm thời)"]
    else:
        from django.conf import settings

        db = settings.DATABASES["default"]
        lines = [
            f"cơ sở dữ liệu: postgresql (DATABASE_URL: "
            f"{db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}/{db.get('NAME')})"
        ]
    browser = str(CHROMIUM) if CHROMIUM.exists() else "không có — " + MISSING_CHROMIUM
    lines.append(f"trình duyệt: {browser}")
    return lines


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that take a browser fixture are browser tests even if unmarked,
    # so `-m "not browser"` really leaves Chromium out.
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    if _test_db_choice() == "sqlite" and any(
        item.get_closest_marker("parallel_writers") for item in items
    ):
        _use_sqlite_file()


def _use_sqlite_file() -> None:
    """Create the SQLite test database in a file (see the module docstring).

    The database is only created when the first test needs it, after
    collection, so setting its name here is in time. Django deletes a file
    left by an earlier run before creating it and deletes it at the end.
    """
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    if not test.get("NAME"):
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"dangbo-test-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def django_db_serialized_rollback() -> None:
    """Every test on ``transactional_db`` (a marker, the live server) uses serialized rollback.

    Overrides pytest-django's fixture of that name: present in every test, it makes each
    transactional test load the database as migrations left it, and flush without running
    ``post_migrate`` again. Mixing the two kinds instead breaks the next serialized test
    (content types recreated by one flush collide with the serialized ones).
    """


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request) -> None:
    """Every transactional test starts with the reference data (``reference_data``), even when a
    flush removed it and no serialized copy was put back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("reference_data")


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Put back what the data migrations wrote, when a flush removed it.

    A test on ``transactional_db`` (the live server's) ends with a flush that
    also empties the reference codes, the legal nesting of organization kinds
    and the regulations; the next such test loads them again by the very
    functions the migrations run.
    """
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from dangbo.organizations.models import OrgKindRule

    # A flush may have given the content types new numbers: the process's cache of them (the
    # outgoing register names a document's source by its type) would point at rows gone.
    ContentType.objects.clear_cache()
    if not OrgKindRule.objects.exists():
        for name in REFERENCE_DATA_MIGRATIONS:
            importlib.import_module(name).load(apps, None)


REFERENCE_DATA_MIGRATIONS = (
    "dangbo.core.migrations.0002_load_codes",
    "dangbo.organizations.migrations.0002_kind_rules_and_sectors",
    "dangbo.regulations.migrations.0002_seed_regulations",
    "dangbo.meetings.migrations.0002_seed_rubric_templates",
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> Iterator[None]:
    """Start the throwaway cluster just before pytest-django creates test DBs.

    Overrides pytest-django's fixture of the same name (keeping its xdist
    suffix dependency); ``django_db_setup`` depends on it, so the cluster is
    up before ``test_dangbo`` is created and stopped only after it is dropped.
    """
    if not _needs_cluster:
        yield
        return
    cluster = _start_cluster()
    from django.conf import settings

    settings.DATABASES["default"].update(cluster.settings())
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        _stop_cluster()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _cluster_report:
        terminalreporter.write_line(_cluster_report)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium for the whole session.

    Playwright's own browser download cannot work on these machines, so only
    its Python driver is used, pointed at /usr/bin/chromium.
    """
    if not CHROMIUM.exists():
        # CI must not go green by skipping: there the install step is broken.
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    # Sync Playwright runs an event loop in this thread, which makes Django
    # refuse ORM calls from tests ("async context"); the test settings set
    # this too, this covers other settings modules.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()
