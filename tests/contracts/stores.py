"""Event store factories the contract suite runs against. Each adapter adds one entry.

A factory is an async context manager yielding a fresh, migrated, empty `StoreUnderTest`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.database import Database


@dataclass
class StoreUnderTest:
    store: Any
    """The event store (also the module's outbox)."""
    database: Database
    reopen: Callable[[], AbstractAsyncContextManager[Any]]
    """Another store instance on the same storage (as a second process or replica would have)."""
    waiters: Callable[[], int]
    """How many coroutines are blocked in `store.wait_for_events` (so a test can append only once one is)."""


@asynccontextmanager
async def sqlite_store(tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    path = tmp_path / "contract.db"
    databases: list[SqliteDatabase] = []

    @asynccontextmanager
    async def reopen() -> AsyncIterator[SqliteEventStore]:
        database = SqliteDatabase(path)
        databases.append(database)
        store = SqliteEventStore(database)
        await store.migrate()
        yield store

    async with reopen() as store:
        try:
            yield StoreUnderTest(store, store.database, reopen, lambda: len(store.database.committed._waiters))
        finally:
            for database in databases:
                database.close()


STORE_FACTORIES: dict[str, Callable[[Path], AbstractAsyncContextManager[StoreUnderTest]]] = {
    "sqlite": sqlite_store,
}


def _postgres_store(tmp_path: Path) -> AbstractAsyncContextManager[StoreUnderTest]:
    from tests.postgres.stores import postgres_store  # skips (or fails under CI=true) without the server

    return postgres_store(tmp_path)


STORE_FACTORIES["postgres"] = _postgres_store
