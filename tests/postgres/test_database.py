"""The PostgreSQL `Database`: the semantics module code gets from the SQLite one, and replica safety."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from martello.adapters.postgres import PostgresDatabase
from martello.kernel.database import Transaction
from martello.kernel.inbox import INBOX_DDL, mark_handled

pytestmark = pytest.mark.postgres

COUNTERS = "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"


async def test_a_write_commits_and_a_failing_one_leaves_nothing(databases: Callable[[], PostgresDatabase]) -> None:
    db = databases()
    await db.write(lambda tx: tx.execute(COUNTERS))
    await db.write(lambda tx: tx.execute("INSERT INTO counters (name, value) VALUES (?, ?)", ("a", 1)))

    def fail(tx: Transaction) -> None:
        tx.execute("INSERT INTO counters (name, value) VALUES (?, ?)", ("b", 1))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.write(fail)
    rows = await db.read(lambda tx: tx.execute("SELECT name, value FROM counters ORDER BY name").fetchall())
    assert rows == [("a", 1)]


async def test_portable_sql_runs_with_quotes_percent_signs_and_64_bit_integers(
    databases: Callable[[], PostgresDatabase],
) -> None:
    db = databases()
    await db.write(lambda tx: tx.execute(COUNTERS))
    await db.write(
        lambda tx: tx.executemany(
            "INSERT INTO counters (name, value) VALUES (?, ?)", [("what?", 2**40), ("100%", 2**40)]
        )
    )
    found = await db.read(
        lambda tx: tx.execute(
            "SELECT name, value, '?' FROM counters WHERE name LIKE '%?' OR name = ? ORDER BY name", ("100%",)
        ).fetchall()
    )
    assert found == [("100%", 2**40, "?"), ("what?", 2**40, "?")]
    total = await db.read(lambda tx: tx.execute("SELECT sum(value), avg(value) FROM counters").fetchone())
    assert total == (2**41, 2**40)
    assert type(total[0]) is int


async def test_an_inbox_mark_is_taken_once(databases: Callable[[], PostgresDatabase]) -> None:
    db = databases()
    await db.write(lambda tx: tx.execute(INBOX_DDL))
    assert await db.write(lambda tx: mark_handled(tx, "cart", "m-1"))
    assert not await db.write(lambda tx: mark_handled(tx, "cart", "m-1"))


async def test_replicas_doing_read_modify_write_lose_no_update(databases: Callable[[], PostgresDatabase]) -> None:
    """Each write reads a value and writes it back plus one, in Python, as module code may do: with
    several replicas at once, serializable transactions (run again on conflict) keep every increment."""
    replicas = [databases() for _ in range(3)]
    await replicas[0].write(lambda tx: tx.execute(COUNTERS))
    await replicas[0].write(lambda tx: tx.execute("INSERT INTO counters (name, value) VALUES ('n', 0)"))

    def increment(tx: Transaction) -> None:
        (value,) = tx.execute("SELECT value FROM counters WHERE name = 'n'").fetchone()
        tx.execute("UPDATE counters SET value = ? WHERE name = 'n'", (value + 1,))

    await asyncio.gather(*(replica.write(increment) for replica in replicas for _ in range(20)))
    assert await replicas[0].read(lambda tx: tx.execute("SELECT value FROM counters").fetchone()) == (60,)


async def test_replicas_creating_the_same_tables_at_once_do_not_collide(
    databases: Callable[[], PostgresDatabase],
) -> None:
    replicas = [databases() for _ in range(4)]

    def create(tx: Transaction) -> None:
        tx.execute(COUNTERS)
        tx.execute("CREATE INDEX IF NOT EXISTS counters_by_value ON counters (value)")

    await asyncio.gather(*(replica.write(create) for replica in replicas))
    assert await replicas[0].read(lambda tx: tx.execute("SELECT count(*) FROM counters").fetchone()) == (0,)


async def test_a_module_sees_only_its_own_schema(postgres_url: str, schema: str) -> None:
    mine, other = PostgresDatabase(postgres_url, schema), PostgresDatabase(postgres_url, schema + "_other")
    try:
        await mine.write(lambda tx: tx.execute(COUNTERS))
        await other.write(lambda tx: tx.execute("SELECT 1"))
        with pytest.raises(Exception, match="counters"):
            await other.read(lambda tx: tx.execute("SELECT * FROM counters").fetchall())
    finally:
        await other.drop_schema()
        mine.close()
        other.close()
