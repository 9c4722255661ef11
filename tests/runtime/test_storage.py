"""The embedded topology's storage: a file per module, and a scratch file for rebuilds."""

from __future__ import annotations

from pathlib import Path

from martello.adapters.sqlite import SqliteStorage
from martello.kernel.clock import SystemClock


async def test_a_rebuild_scratch_is_a_file_beside_the_modules_deleted_afterwards(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path)
    async with storage.scratch("catalog") as scratch:
        await scratch.write(lambda tx: tx.execute("CREATE TABLE rebuilt (n INTEGER)"))
        await scratch.write(lambda tx: tx.execute("INSERT INTO rebuilt (n) VALUES (?)", (7,)))
        assert await scratch.read(lambda tx: tx.execute("SELECT n FROM rebuilt").fetchall()) == [(7,)]
        assert [path.name.startswith(".rebuild-catalog-") for path in tmp_path.glob("*.db")] == [True]
    assert list(tmp_path.iterdir()) == []


async def test_a_module_gets_its_own_file_that_answers_a_ping_until_closed(tmp_path: Path) -> None:
    database, store = SqliteStorage(tmp_path).module("order", SystemClock())
    database.open()
    await store.migrate()
    assert await database.ping()
    assert await store.head() == 0
    assert (tmp_path / "order.db").is_file()
    await store.close()
    database.close()
    assert not await database.ping()
