"""Kernel tests run the kernel against the SQLite adapter on temporary files: no server, no HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore


@dataclass
class Storage:
    database: SqliteDatabase
    store: SqliteEventStore


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """A migrated SQLite event store (also an outbox) and its database, fresh for each test."""
    database = SqliteDatabase(tmp_path / "kernel.db")
    store = SqliteEventStore(database)
    await store.migrate()
    try:
        yield Storage(database, store)
    finally:
        database.close()
