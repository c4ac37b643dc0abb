"""One worker per installation: the lock file, and on PostgreSQL the database's advisory lock."""

import pytest
from django.db import connection

from dangbo.core.worker import WorkerLock


def test_a_second_worker_of_the_same_data_folder_is_refused(tmp_path):
    first, second = WorkerLock(tmp_path / "worker.lock"), WorkerLock(tmp_path / "worker.lock")
    assert first.acquire()
    assert not second.acquire()
    assert not second.is_free()
    first.release()
    assert second.acquire()
    second.release()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_one_worker_per_database_whatever_its_data_folder(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Chỉ kiểm tra trên PostgreSQL (DANGBO_TEST_DB=postgresql).")
    first, other = (
        WorkerLock(tmp_path / "a" / "worker.lock"),
        WorkerLock(tmp_path / "b" / "worker.lock"),
    )
    assert first.acquire()
    try:
        assert not other.acquire()
    finally:
        first.release()
    assert other.acquire()
    other.release()
