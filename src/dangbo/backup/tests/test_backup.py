"""Backup and restore: a restored installation gives the same exchange workbook, on either engine."""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangbo.accounts.tests.factories import PASSWORD
from dangbo.audit.models import AuditEntry
from dangbo.backup import services as backups
from dangbo.demo import build_demo
from dangbo.demo.plan import ROOT_CODE
from dangbo.exchange.tests.helpers import ON, export_bytes
from dangbo.organizations.models import Organization
from dangbo.organizations.tests.factories import bloc

DEMO_MEMBERS = 150
RESTORED_DB = "dangbo_restored"


@contextlib.contextmanager
def fresh_database(tmp_path: Path):
    """Point the default connection at a new, empty database for the block, then back.

    SQLite: a new file (the test database lives in memory, and Django never
    closes an in-memory connection, so it is set aside and put back).
    PostgreSQL: a new database on the same server, dropped afterwards.
    """
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    if connection.vendor == "sqlite":
        kept = connection.connection
        connection.connection = None
        settings_dict["NAME"] = str(tmp_path / "fresh.sqlite3")
        try:
            yield
        finally:
            connection.close()
            settings_dict["NAME"] = name
            connection.connection = kept
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED_DB}")
        cursor.execute(f"CREATE DATABASE {RESTORED_DB} TEMPLATE template0 ENCODING 'UTF8'")
    connection.close()
    settings_dict["NAME"] = RESTORED_DB
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED_DB}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_installation_exports_the_same_exchange_workbook(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "imports" / "2026" / "01" / "danh-sach.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"uploaded list")
    build_demo(members=DEMO_MEMBERS, seed=11, as_of=ON)
    before = export_bytes(ROOT_CODE)
    out = tmp_path / "sao-luu.tar.gz"

    call_command("backup", str(out), stdout=io.StringIO())
    upload.unlink()
    assert out.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", out.name]

    with fresh_database(tmp_path):
        assert not backups.holds_records()
        stdout = io.StringIO()
        call_command("restore", str(out), stdout=stdout)
        assert "Đã phục hồi" in stdout.getvalue()
        assert export_bytes(ROOT_CODE) == before
        entry = AuditEntry.objects.filter(action="backup.restored").get()
        assert entry.target_type == "organizations.organization"
        assert entry.after["engine"] == connection.vendor
        assert entry.after["file"] == out.name
    assert upload.read_bytes() == b"uploaded list"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_force_replaces_the_records_of_an_installation_with_the_backup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    bloc(code="KHOI", name="Đảng ủy Khối Một")
    out = tmp_path / "sao-luu.tar.gz"
    call_command("backup", str(out), stdout=io.StringIO())
    bloc(code="KHOI2", name="Đảng ủy Khối Hai")
    get_user_model().objects.create_user("quantri", password=PASSWORD)

    with pytest.raises(CommandError, match="Cơ sở dữ liệu đang có dữ liệu"):
        call_command("restore", str(out))
    assert Organization.objects.filter(code="KHOI2").exists()

    call_command("restore", str(out), "--force", stdout=io.StringIO())
    assert list(Organization.objects.values_list("code", flat=True)) == ["KHOI"]
    assert not get_user_model().objects.exists()
    entry = AuditEntry.objects.get(action="backup.restored")
    assert entry.org_path == Organization.objects.get(code="KHOI").path
    assert entry.actor is None


def _fake_backup(path: Path, engine: str, **manifest) -> Path:
    """A backup file whose manifest says ``engine`` (the database part is never read)."""
    data = {"format": backups.FORMAT, "version": backups.VERSION, "engine": engine,
            "created_at": "2026-01-15T08:00:00+00:00", **manifest}  # fmt: skip
    with tarfile.open(path, "w:gz") as archive:
        for name, content in (
            (backups.MANIFEST, json.dumps(data).encode()),
            (backups.DATABASE_FILES[engine], b"not a database"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def _other_engine() -> str:
    return "postgresql" if connection.vendor == "sqlite" else "sqlite"


@pytest.mark.django_db
def test_a_backup_of_the_other_engine_is_refused(tmp_path):
    path = _fake_backup(tmp_path / "khac.tar.gz", _other_engine())
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), "--force")
    other, this = backups.ENGINE_NAMES[_other_engine()], backups.ENGINE_NAMES[connection.vendor]
    assert f"Tệp sao lưu lấy từ {other}, không phục hồi được vào {this}" in str(refused.value)
    assert not AuditEntry.objects.filter(action="backup.restored").exists()


@pytest.mark.django_db
def test_a_non_empty_installation_is_not_overwritten_without_force(tmp_path):
    bloc(code="KHOI")
    path = _fake_backup(tmp_path / "cu.tar.gz", connection.vendor)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    assert "Cơ sở dữ liệu đang có dữ liệu" in str(refused.value)
    assert "--force" in str(refused.value)
    assert not AuditEntry.objects.filter(action="backup.restored").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 a workbook", "không phải tệp sao lưu của dangbo"),
        (None, "Tệp sao lưu phiên bản 99"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused(tmp_path, content, message):
    path = tmp_path / "tep.tar.gz"
    if content is None:
        _fake_backup(path, connection.vendor, version=99)
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--force")


def test_the_server_s_own_pg_dump_comes_first(tmp_path, monkeypatch):
    own = tmp_path / "15" / "bin" / "pg_dump"
    own.parent.mkdir(parents=True)
    own.write_text("")
    monkeypatch.setattr(backups, "POSTGRES_LIB", tmp_path)
    assert backups.pg_tool("pg_dump", "15.19") == own
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(backups.DomainError, match="Không tìm thấy pg_dump phiên bản 16 trở lên"):
        backups.pg_tool("pg_dump", "16.2")
