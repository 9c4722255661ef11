"""The distributed topology's storage: a schema per module, and a scratch schema for rebuilds."""

from __future__ import annotations

import psycopg

from martello.adapters.postgres import PostgresStorage
from martello.kernel.clock import SystemClock
from tests.servers import unique_name


async def schemas_starting(url: str, prefix: str) -> list[str]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        cursor = await connection.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, %s)", (prefix,)
        )
        return [row[0] for row in await cursor.fetchall()]


async def test_a_rebuild_scratch_is_a_schema_of_its_own_dropped_afterwards(postgres_url: str) -> None:
    prefix = unique_name("test_scratch") + "_"
    storage = PostgresStorage(postgres_url, schema_prefix=prefix, wait_for_server=0)
    async with storage.scratch("catalog") as scratch:
        await scratch.write(lambda tx: tx.execute("CREATE TABLE rebuilt (n INTEGER)"))
        await scratch.write(lambda tx: tx.execute("INSERT INTO rebuilt (n) VALUES (?)", (7,)))
        assert await scratch.read(lambda tx: tx.execute("SELECT n FROM rebuilt").fetchall()) == [(7,)]
        [name] = await schemas_starting(postgres_url, prefix)
        assert name.startswith(f"{prefix}rebuild_catalog_")
    assert await schemas_starting(postgres_url, prefix) == []


async def test_a_module_gets_its_own_schema_that_answers_a_ping(postgres_url: str) -> None:
    prefix = unique_name("test_storage") + "_"
    database, store = PostgresStorage(postgres_url, schema_prefix=prefix, wait_for_server=0).module(
        "order", SystemClock()
    )
    database.open()
    try:
        await store.migrate()
        assert await database.ping()
        assert await store.head() == 0
        assert await schemas_starting(postgres_url, prefix) == [f"{prefix}order"]
    finally:
        await store.close()
        await database.drop_schema()
        database.close()
