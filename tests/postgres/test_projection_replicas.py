"""Replicas of a module project the same log into the same tables: each event is applied once.

Every replica runs the projection. A runner's transaction starts with the compare-and-set of the
projection's checkpoint, which locks that row until commit: the first replica to get there applies
the batch, the others find the checkpoint moved, apply nothing and carry on from the new position.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event, event
from martello.kernel.projection import Projection, ProjectionRunner, on

pytestmark = pytest.mark.postgres

EVENTS = 120


@event("replicas.Sold")
class Sold(Event):
    sku: str
    units: int


class Sales(Projection):
    name = "replicas.sales"
    tables = ("sales", "sale_lines")
    schema = (
        "CREATE TABLE IF NOT EXISTS sales (sku TEXT PRIMARY KEY, units INTEGER NOT NULL, sales INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sale_lines (position INTEGER PRIMARY KEY, sku TEXT NOT NULL)",
    )

    @on(Sold)
    def _sold(self, tx: Transaction, e: Envelope[Sold]) -> None:
        tx.execute("INSERT INTO sale_lines (position, sku) VALUES (?, ?)", (e.position, e.event.sku))
        tx.execute(
            "INSERT INTO sales (sku, units, sales) VALUES (?, ?, 1)"
            " ON CONFLICT (sku) DO UPDATE SET units = sales.units + excluded.units, sales = sales.sales + 1",
            (e.event.sku, e.event.units),
        )


async def test_two_replicas_apply_each_event_exactly_once(databases: Callable[[], PostgresDatabase]) -> None:
    store = PostgresEventStore(databases())
    await store.migrate()
    runners = [ProjectionRunner(Sales(), PostgresEventStore(databases()), databases(), batch_size=7) for _ in range(2)]
    await asyncio.gather(*(runner.setup() for runner in runners))
    following = [asyncio.create_task(runner.run(idle_wait=0.2)) for runner in runners]
    context = MessageContext.new()
    try:
        for n in range(EVENTS):
            await store.append(f"sale-{n}", [Sold(sku=f"sku-{n % 3}", units=2)], context, expected_version=None)
        head = await store.head()
        reached = await asyncio.gather(*(runner.wait_for(head, timeout=30) for runner in runners))
        assert reached == [True, True], "both replicas know the read model is up to date"
    finally:
        for task in following:
            task.cancel()
        await asyncio.gather(*following, return_exceptions=True)

    rows = await store.database.read(
        lambda tx: tx.execute("SELECT sku, units, sales FROM sales ORDER BY sku").fetchall()
    )
    assert rows == [(f"sku-{i}", EVENTS // 3 * 2, EVENTS // 3) for i in range(3)]
    lines = await store.database.read(lambda tx: tx.execute("SELECT count(*) FROM sale_lines").fetchone())
    assert lines == (EVENTS,)
    await asyncio.gather(store.close(), *(runner.store.close() for runner in runners))  # type: ignore[attr-defined]
