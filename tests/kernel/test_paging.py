"""A page of a read model: equality filters (None filters nothing), a stable order, LIMIT and OFFSET."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.paging import select_page
from tests.kernel.conftest import Storage

ROWS = [("a", "red", 1), ("b", "blue", 2), ("c", "red", 3), ("d", "red", 4), ("e", "blue", 5)]


async def page(storage: Storage, where: dict[str, object | None], limit: int, offset: int) -> list[str]:
    def create_and_read(tx: Transaction) -> list[str]:
        tx.execute("CREATE TABLE IF NOT EXISTS items (name TEXT, colour TEXT, rank INTEGER)")
        if not tx.execute("SELECT 1 FROM items").fetchone():
            tx.executemany("INSERT INTO items VALUES (?, ?, ?)", ROWS)
        rows = select_page(tx, "SELECT name FROM items", where, "rank DESC", limit, offset)
        return [row[0] for row in rows]

    return await storage.database.write(create_and_read)


async def test_without_filters_every_row_is_paged_in_order(storage: Storage) -> None:
    assert await page(storage, {}, 2, 0) == ["e", "d"]
    assert await page(storage, {}, 2, 2) == ["c", "b"]
    assert await page(storage, {}, 2, 4) == ["a"]
    assert await page(storage, {}, 2, 6) == []


async def test_a_filter_keeps_the_rows_equal_to_it_and_none_filters_nothing(storage: Storage) -> None:
    assert await page(storage, {"colour": "red", "name": None}, 10, 0) == ["d", "c", "a"]
    assert await page(storage, {"colour": "red", "name": "c"}, 10, 0) == ["c"]
    assert await page(storage, {"colour": "red"}, 1, 1) == ["c"]


async def test_a_filter_value_is_bound_never_read_as_sql(storage: Storage) -> None:
    assert await page(storage, {"colour": "red' OR '1'='1"}, 10, 0) == []
