"""Backing up and restoring a whole installation: the database and the uploaded files.

A backup is a gzipped tar file holding

* ``manifest.json``: the format, the engine the database came from, when and
  from which server version it was taken, the last migration of each app;
* ``database.sqlite3`` (SQLite, copied with the online backup API, so a
  running server keeps working) or ``database.dump`` (PostgreSQL, ``pg_dump
  -Fc`` of the binaries matching the server's major version);
* ``media/…``: the uploaded files under ``MEDIA_ROOT`` (the spreadsheets
  behind the import history), so a restored import still has its file.

Restoring checks the whole file before touching anything, refuses a backup of
the other engine, refuses to overwrite an installation that already holds
records unless forced, and ends with an entry in the audit log of the
restored database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_datetime
from dangbo.deadlines import store as deadline_store

FORMAT = "dangbo-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
POSTGRES_LIB = Path("/usr/lib/postgresql")


@dataclass
class BackupInfo:
    """What a backup file holds, from its manifest."""

    engine: str
    created_at: str
    server_version: str = ""
    migrations: dict[str, str] = field(default_factory=dict)
    media_files: int = 0

    @property
    def created_label(self) -> str:
        """When the backup was taken, in Vietnam time (HH:MM dd/mm/yyyy)."""
        try:
            return fmt_datetime(dt.datetime.fromisoformat(self.created_at))
        except ValueError:
            return self.created_at

    def as_manifest(self) -> dict:
        return {
            "format": FORMAT, "version": VERSION, "engine": self.engine,
            "created_at": self.created_at, "server_version": self.server_version,
            "migrations": self.migrations, "media_files": self.media_files,
        }  # fmt: skip


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise DomainError(f"Chỉ sao lưu được SQLite hoặc PostgreSQL (đang dùng {vendor}).")
    return vendor


# --------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------


def backup(out: str | Path) -> BackupInfo:
    """Write a backup of the database and of ``MEDIA_ROOT`` to ``out``."""
    alias = DEFAULT_DB_ALIAS
    out = Path(out)
    engine = engine_of(alias)
    if not out.parent.is_dir():
        raise DomainError({"output": f"Thư mục «{out.parent}» không tồn tại."})
    # Beside the output: the dump may be large, /tmp small.
    with tempfile.TemporaryDirectory(prefix=".dangbo-backup-", dir=out.parent) as work:
        database = Path(work) / DATABASE_FILES[engine]
        if engine == "sqlite":
            server_version = sqlite3.sqlite_version
            _sqlite_backup(alias, database)
        else:
            server_version = _pg_server_version(alias)
            _pg_dump(alias, database)
        media = _media_files()
        info = BackupInfo(
            engine=engine, created_at=timezone.now().isoformat(timespec="seconds"),
            server_version=server_version, migrations=_last_migrations(alias),
            media_files=len(media),
        )  # fmt: skip
        manifest = Path(work) / MANIFEST
        manifest.write_text(json.dumps(info.as_manifest(), ensure_ascii=False, indent=2))
        # Written beside the target, then renamed: a failed backup never
        # leaves a truncated file under the name asked for. Readable by its
        # owner only: it holds personal data and password hashes.
        partial = out.with_name(out.name + ".partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode="w:gz") as archive,
            ):
                archive.add(manifest, MANIFEST)
                archive.add(database, database.name)
                root = Path(settings.MEDIA_ROOT)
                for path in media:
                    archive.add(path, f"{MEDIA_DIR}/{path.relative_to(root).as_posix()}")
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return info


def _sqlite_backup(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        with connection.wrap_database_errors:
            connection.connection.backup(destination)
    except DatabaseError as error:
        raise DomainError(f"Sao lưu SQLite thất bại: {error}") from error
    finally:
        destination.close()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _last_migrations(alias: str) -> dict[str, str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    last: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        last[app] = name
    return last


# --------------------------------------------------------------------------
# PostgreSQL tools
# --------------------------------------------------------------------------


def _pg_server_version(alias: str) -> str:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _major(version: str) -> int:
    match = re.match(r"(\d+)", version)
    return int(match.group(1)) if match else 0


def _tool_major(path: Path) -> int:
    # "pg_dump (PostgreSQL) 15.19 (Debian 15.19-0+deb12u1)" -> 15
    try:
        result = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return 0
    match = re.search(r"\)\s*(\d+)", result.stdout)
    return int(match.group(1)) if match else 0


def pg_tool(name: str, server_version: str) -> Path:
    """The ``pg_dump`` / ``pg_restore`` matching the server's major version.

    The server's own version under /usr/lib/postgresql comes first, then the
    one on PATH, then any other installed, of the same major version or else
    the nearest newer one (they read older servers, never newer ones).
    """
    major = _major(server_version)
    own = POSTGRES_LIB / str(major) / "bin" / name
    if own.is_file():
        return own
    found = [Path(p) for p in (shutil.which(name),) if p]
    found += sorted(POSTGRES_LIB.glob(f"*/bin/{name}"))
    usable = [(tool_major, path) for path in found if (tool_major := _tool_major(path)) >= major]
    if not usable:
        raise DomainError(
            f"Không tìm thấy {name} phiên bản {major} trở lên (máy chủ PostgreSQL {server_version}); "
            f"cài gói postgresql-client-{major}."
        )
    return min(usable, key=lambda mp: mp[0])[1]


def _pg_env(alias: str) -> dict[str, str]:
    """libpq environment variables for the database ``alias`` (the password never on a command line)."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("HOST", "PGHOST"), ("PORT", "PGPORT")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):  # fmt: skip
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run_pg(args: list[str], alias: str, what: str) -> None:
    result = subprocess.run(args, env=_pg_env(alias), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise DomainError(f"{what} thất bại (mã {result.returncode}): {detail}")


def _pg_dump(alias: str, target: Path) -> None:
    tool = pg_tool("pg_dump", _pg_server_version(alias))
    # Compression is left to the archive around it.
    _run_pg([str(tool), "--format=custom", "--compress=0", "--no-password", "--file", str(target)],
            alias, "pg_dump")  # fmt: skip


def _pg_restore(alias: str, dump: Path) -> None:
    tool = pg_tool("pg_restore", _pg_server_version(alias))
    connections[alias].close()
    _run_pg([str(tool), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", "--no-password",
             "--dbname", connections[alias].settings_dict["NAME"], str(dump)],
            alias, "pg_restore")  # fmt: skip


# --------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------


def read_info(path: str | Path) -> BackupInfo:
    """The manifest of a backup file, checked; a DomainError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise DomainError({"file": f"Không có tệp «{path}»."})
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.getmember(MANIFEST)
            data = json.loads(archive.extractfile(member).read().decode("utf-8"))
            names = set(archive.getnames())
    except (tarfile.TarError, KeyError, OSError, ValueError, AttributeError):
        raise DomainError(
            {
                "file": f"Tệp «{path.name}» không phải tệp sao lưu của dangbo (tạo bằng «dangbo backup»)."
            }
        ) from None
    if data.get("format") != FORMAT or data.get("engine") not in DATABASE_FILES:
        raise DomainError({"file": f"Tệp «{path.name}» không phải tệp sao lưu của dangbo."})
    if data.get("version") != VERSION:
        raise DomainError(
            {
                "file": f"Tệp sao lưu phiên bản {data.get('version')}; phiên bản này đọc được bản {VERSION}."
            }
        )
    if DATABASE_FILES[data["engine"]] not in names:
        raise DomainError({"file": f"Tệp «{path.name}» thiếu phần cơ sở dữ liệu."})
    return BackupInfo(
        engine=data["engine"], created_at=data.get("created_at", ""),
        server_version=data.get("server_version", ""), migrations=data.get("migrations") or {},
        media_files=int(data.get("media_files") or 0),
    )  # fmt: skip


def holds_records(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database already holds records (organizations, members or logins)."""
    from django.contrib.auth import get_user_model

    from dangbo.members.models import Member
    from dangbo.organizations.models import Organization

    tables = set(connections[alias].introspection.table_names())
    models = (Organization, Member, get_user_model())
    return any(m._meta.db_table in tables and m.objects.using(alias).exists() for m in models)


def restore(path: str | Path, *, force: bool = False, username: str = "") -> BackupInfo:
    """Replace the database and add the uploaded files from the backup at ``path``.

    ``username`` names who restored it in the audit entry (looked up in the
    restored data, where the entry is written).
    """
    alias = DEFAULT_DB_ALIAS
    path = Path(path)
    info = read_info(path)
    engine = engine_of(alias)
    if info.engine != engine:
        raise DomainError({"file": (
            f"Tệp sao lưu lấy từ {ENGINE_NAMES[info.engine]}, không phục hồi được vào "
            f"{ENGINE_NAMES[engine]}. Hãy phục hồi vào một cài đặt dùng {ENGINE_NAMES[info.engine]}, "
            "hoặc chuyển dữ liệu bằng tệp trao đổi (dangbo export / dangbo import)."
        )})  # fmt: skip
    if not force and holds_records(alias):
        raise DomainError({"force": (
            "Cơ sở dữ liệu đang có dữ liệu (tổ chức, đảng viên hoặc người dùng); phục hồi sẽ "
            "ghi đè toàn bộ. Sao lưu dữ liệu hiện tại rồi chạy lại với --force nếu chắc chắn."
        )})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dangbo-restore-") as work:
        work = Path(work)
        with tarfile.open(path, "r:*") as archive:
            # The "data" filter refuses absolute paths, links out of the
            # folder and device files.
            archive.extractall(work, filter="data")
        database = work / DATABASE_FILES[engine]
        if engine == "sqlite":
            _sqlite_restore(alias, database)
        else:
            _pg_restore(alias, database)
        media = work / MEDIA_DIR
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    _record_restore(path, info, username=username)
    # The backup holds the stored deadlines of its day: recompute them with today's rules
    # (a backup taken before they were stored gets them once migrated: ``dangbo migrate``).
    if "deadlines" in info.migrations:
        deadline_store.rebuild_if_enabled()
    return info


def _sqlite_restore(alias: str, database: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        # One step: the destination is replaced in a single transaction, or not at all.
        with connection.wrap_database_errors:
            source.backup(connection.connection)
    except DatabaseError as error:
        raise DomainError(
            f"Phục hồi SQLite thất bại, dữ liệu hiện có giữ nguyên: {error}"
        ) from error
    finally:
        source.close()


def _record_restore(path: Path, info: BackupInfo, *, username: str) -> None:
    """One audit entry per top organization of the restored data, in the restored database."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from dangbo.audit.services import record
    from dangbo.organizations.models import Organization

    after = {"file": path.name, **info.as_manifest(), "restored_at": timezone.now().isoformat()}
    after.pop("migrations")
    note = f"Phục hồi từ bản sao lưu «{path.name}» ({ENGINE_NAMES[info.engine]}, sao lưu lúc {info.created_label})."
    tops = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    actor = get_user_model().objects.filter(username=username).first() if username else None
    if not tops:
        target = ContentType.objects.get_for_model(Organization)
        record(actor=actor, action="backup.restored", target=target, after=after, note=note)
    for top in tops:
        record(actor=actor, action="backup.restored", target=top, org_path=top.path or "",
               after=after, note=note)  # fmt: skip
