"""The SQLite adapter's database and event store at their edges: settings, a closed database, group commit
with a failing job, naive timestamps, empty appends and empty type filters."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.adapters.sqlite.event_store import timestamp_text
from martello.kernel.envelope import MessageContext
from tests.kernel.conftest import Storage
from tests.kernel.test_projection import Sold


def test_an_unknown_synchronous_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous must be one of"):
        SqliteDatabase(tmp_path / "x.db", synchronous="sometimes")
    assert SqliteDatabase(tmp_path / "x.db", synchronous="full").synchronous == "FULL"


async def test_a_closed_database_refuses_work_and_closing_twice_is_harmless(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "x.db")
    assert await database.read(lambda tx: tx.execute("SELECT 1").fetchone()) == (1,)
    database.close()
    database.close()
    with pytest.raises(RuntimeError, match="is closed"):
        await database.write(lambda tx: None)
    with pytest.raises(RuntimeError, match="is closed"):
        await database.read(lambda tx: None)


async def test_in_a_group_commit_a_failing_job_rolls_back_alone(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "x.db")
    try:
        await database.write(lambda tx: tx.execute("CREATE TABLE t (v INTEGER UNIQUE)"))

        def insert(value: int) -> object:
            return lambda tx: tx.execute("INSERT INTO t (v) VALUES (?)", (value,)).rowcount

        results = await asyncio.gather(
            *(database.write(insert(v)) for v in (1, 2, 2, 3)), return_exceptions=True
        )  # the duplicate 2 fails alone (its savepoint), or its own transaction if it ran by itself
        assert [isinstance(r, sqlite3.IntegrityError) for r in results].count(True) == 1
        rows = await database.read(lambda tx: tx.execute("SELECT v FROM t ORDER BY v").fetchall())
        assert rows == [(1,), (2,), (3,)]
        with pytest.raises(sqlite3.OperationalError):
            await database.write(lambda tx: tx.execute("INSERT INTO missing VALUES (1)"))
        assert await database.read(lambda tx: tx.execute("SELECT count(*) FROM t").fetchone()) == (3,)
    finally:
        database.close()


async def test_a_read_that_fails_reports_its_error(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "x.db")
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await database.read(lambda tx: tx.execute("SELECT * FROM missing").fetchall())
    finally:
        database.close()


def test_naive_times_are_taken_as_utc() -> None:
    assert timestamp_text(datetime(2030, 1, 2, 3, 4, 5)) == "2030-01-02T03:04:05.000000+00:00"
    assert timestamp_text(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2030-01-02T03:04:05.000000+00:00"


async def test_an_empty_append_and_an_empty_type_filter(storage: Storage) -> None:
    store: SqliteEventStore = storage.store
    with pytest.raises(ValueError, match="at least one event"):
        await store.append("s-1", [], MessageContext.new(), expected_version=None)
    await store.append("s-1", [Sold(sku="A", units=1)], MessageContext.new(), expected_version=None)
    assert await store.read_all(0, types=set()) == []
    assert len(await store.read_all(0, types={"projtest.Sold"})) == 1
