from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from tests.servers import require_postgres, unique_name


@pytest.fixture
def postgres_url() -> str:
    return require_postgres()


@pytest.fixture
async def schema(postgres_url: str) -> AsyncIterator[str]:
    """A fresh schema name for this test; the schema is dropped afterwards."""
    name = unique_name("test_pg")
    yield name
    database = PostgresDatabase(postgres_url, name, pool_size=1)
    try:
        await database.drop_schema()
    finally:
        database.close()


@pytest.fixture
async def databases(postgres_url: str, schema: str) -> AsyncIterator[Callable[[], PostgresDatabase]]:
    """`databases()` opens one more database on the test's schema (as another replica would)."""
    opened: list[PostgresDatabase] = []

    def open_database() -> PostgresDatabase:
        database = PostgresDatabase(postgres_url, schema, pool_size=2)
        opened.append(database)
        return database

    yield open_database
    for database in opened:
        database.close()


@pytest.fixture
async def stores(databases: Callable[[], PostgresDatabase]) -> AsyncIterator[Callable[[], PostgresEventStore]]:
    """`await stores()` is one more migrated event store on the test's schema."""
    opened: list[PostgresEventStore] = []

    async def open_store() -> PostgresEventStore:
        store = PostgresEventStore(databases())
        await store.migrate()
        opened.append(store)
        return store

    yield open_store  # type: ignore[misc]
    for store in opened:
        await store.close()
