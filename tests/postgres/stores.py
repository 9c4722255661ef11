"""PostgreSQL stores for tests: each on a fresh schema with a random name, dropped afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from tests.contracts.stores import StoreUnderTest
from tests.servers import require_postgres, unique_name


@asynccontextmanager
async def postgres_store(tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    """The contract suite's factory: a migrated store on its own schema (`tmp_path` is unused)."""
    url = require_postgres()
    schema = unique_name("test_store")

    @asynccontextmanager
    async def reopen() -> AsyncIterator[PostgresEventStore]:
        database = PostgresDatabase(url, schema, pool_size=2)
        store = PostgresEventStore(database)
        try:
            await store.migrate()
            yield store
        finally:
            await store.close()
            database.close()

    async with reopen() as store:
        try:
            yield StoreUnderTest(store, store.database, reopen, lambda: len(store.dialect._appended._waiters))
        finally:
            await store.database.drop_schema()
