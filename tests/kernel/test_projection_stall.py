"""A poison event stalls one projection at that event: everything before it is applied, the stall is recorded
(position, error) and logged once, nothing spins; other projections go on; a retry after a fix resumes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.events import Event, EventRegistry, event
from martello.kernel.projection import Projection, ProjectionRunner, on
from martello.kernel.rebuild import RebuildStalled, rebuild_projection
from martello.kernel.stalls import read_stalls

events = EventRegistry()


@event("stalltest.Counted", into=events)
class Counted(Event):
    amount: int


class Total(Projection):
    name = "stalltest.total"
    schema = ("CREATE TABLE IF NOT EXISTS total (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)",)
    tables = ("total",)
    refuse_above = 1000

    @on(Counted)
    def _counted(self, tx: Transaction, envelope: Envelope[Counted]) -> None:
        if envelope.event.amount > self.refuse_above:
            raise OverflowError(f"{envelope.event.amount} is too large for this read model")
        tx.execute("INSERT INTO total (id, amount) VALUES (?, ?)", (envelope.position, envelope.event.amount))


class Count(Projection):
    name = "stalltest.count"
    schema = ("CREATE TABLE IF NOT EXISTS counted (id INTEGER PRIMARY KEY)",)
    tables = ("counted",)

    @on(Counted)
    def _counted(self, tx: Transaction, envelope: Envelope[Counted]) -> None:
        tx.execute("INSERT INTO counted (id) VALUES (?)", (envelope.position,))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteEventStore]:
    database = SqliteDatabase(tmp_path / "stall.db")
    store = SqliteEventStore(database, events=events)
    await store.migrate()
    yield store
    database.close()


async def count(store: SqliteEventStore, *amounts: int) -> None:
    for amount in amounts:
        await store.append("counter", [Counted(amount=amount)], MessageContext.new(), expected_version=None)


async def rows(store: SqliteEventStore, table: str) -> list[int]:
    return [r[0] for r in await store.database.read(lambda tx: tx.execute(f"SELECT id FROM {table}").fetchall())]


async def test_a_handler_that_raises_stalls_the_projection_at_that_event(
    store: SqliteEventStore, caplog: pytest.LogCaptureFixture
) -> None:
    await count(store, 1, 2, 10**6, 3)
    total = ProjectionRunner(Total(), store, store.database)
    counter = ProjectionRunner(Count(), store, store.database)
    for runner in (total, counter):
        await runner.setup()
        with caplog.at_level(logging.ERROR, "martello.projections"):
            await runner.catch_up()  # start-up: never raises

    assert await rows(store, "total") == [1, 2], "everything before the poison event is applied"
    assert await rows(store, "counted") == [1, 2, 3, 4], "the other projection is not held up"
    assert total.stall is not None and counter.stall is None
    assert (total.stall.position, total.stall.event_type) == (3, "stalltest.Counted")
    assert total.stall.error == "OverflowError: 1000000 is too large for this read model"
    recorded = (await store.database.read(read_stalls))["stalltest.total"]
    assert (recorded.position, recorded.error) == (3, total.stall.error)
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "stalled at position 3" in caplog.records[0].getMessage()
    assert total.stalls == 1


async def test_a_stalled_runner_waits_without_retrying_and_resumes_when_told(store: SqliteEventStore) -> None:
    await count(store, 1, 10**6)
    projection = Total()
    runner = ProjectionRunner(projection, store, store.database)
    await runner.setup()
    task = asyncio.create_task(runner.run(idle_wait=0.01))
    try:
        async with asyncio.timeout(10):
            while runner.stall is None:
                await asyncio.sleep(0.01)
        await count(store, 5)
        await asyncio.sleep(0.2)  # a stalled runner reads nothing, whatever is appended
        assert runner.stalls == 1 and await rows(store, "total") == [1]

        projection.refuse_above = 10**9  # the fix is deployed
        assert await runner.retry() is None
        assert await runner.wait_for(3, timeout=5), "caught up after the retry"
        assert await rows(store, "total") == [1, 2, 3]
        assert await store.database.read(read_stalls) == {}, "the recorded stall is gone"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_an_undecodable_row_stalls_at_its_position_and_an_upcaster_resumes_it(store: SqliteEventStore) -> None:
    await count(store, 1)
    legacy = (
        "INSERT INTO events (stream_id, stream_version, message_id, type, schema_version, data, timestamp,"
        " correlation_id, causation_id, actor) VALUES ('counter', 2, 'legacy', 'stalltest.Counted', 0,"
        " '{\"count\": 7}', '2024-01-01T00:00:00.000000+00:00', 'legacy', 'legacy', NULL)"
    )
    await store.database.write(lambda tx: tx.execute(legacy))
    await count(store, 2)
    runner = ProjectionRunner(Total(), store, store.database)
    await runner.setup()
    await runner.catch_up()
    assert runner.stall is not None
    assert runner.stall.position == 2
    assert runner.stall.error == "LookupError: no upcaster for stalltest.Counted v0 -> v1"
    assert await rows(store, "total") == [1]

    scratch = SqliteDatabase(store.database.path.with_name("scratch.db"))
    with pytest.raises(RebuildStalled, match="position 2"):
        await rebuild_projection(Total(), store, store.database, scratch)
    assert await rows(store, "total") == [1], "a rebuild that stalls leaves the live read model alone"

    events.upcaster("stalltest.Counted", 0)(lambda data: {"amount": data["count"]})
    try:
        assert await runner.retry() is None
        assert await rows(store, "total") == [1, 2, 3]
    finally:
        events._upcasters.pop(("stalltest.Counted", 0))
        scratch.close()
