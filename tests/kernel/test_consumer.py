"""The kernel consumer's one failure policy, and the outbox relay that never waits behind one message:
duplicates skipped, a business refusal handled for good, anything else retried a bounded number of times
and then parked in the module's dead letters, while later messages flow; a parked message delivered
again after the fix leaves the dead letters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from martello.adapters.sqlite import SqliteDatabase, SqliteEventStore
from martello.kernel.bus import InProcessBus
from martello.kernel.consumer import Consumer, on
from martello.kernel.database import Database, Transaction
from martello.kernel.dead_letters import DEAD_LETTERS_DDL, OUTBOX, dead_letters
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import ConcurrencyError, DomainError
from martello.kernel.events import Event, EventRegistry, event
from martello.kernel.ids import new_id
from martello.kernel.inbox import INBOX_DDL
from martello.kernel.outbox import OutboxRelay

events = EventRegistry()


@event("consumertest.public.Shipped", into=events)
class Shipped(Event):
    parcel: str


class Parcels(Consumer):
    name = "consumertest.parcels"
    attempts = 3
    backoff = 0.001

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.broken: set[str] = set()
        self.calls = 0

    @on(Shipped)
    async def _shipped(self, envelope: Envelope[Shipped]) -> None:
        self.calls += 1
        parcel = envelope.event.parcel
        if parcel in self.broken:
            raise RuntimeError(f"cannot file {parcel}")
        if parcel == "refused":
            raise DomainError("no such address")

        def file(tx: Transaction) -> None:
            tx.execute("INSERT INTO parcels (parcel) VALUES (?)", (parcel,))

        await self.apply(envelope, file)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "consumer.db")
    await database.write(
        lambda tx: [tx.execute(s) for s in (INBOX_DDL, DEAD_LETTERS_DDL, "CREATE TABLE parcels (parcel TEXT)")]
    )
    yield database
    database.close()


def shipped(parcel: str) -> Envelope[Event]:
    return Envelope(
        new_id(), Shipped.__event_type__, 1, "parcel-1", 1, 1, datetime.now(UTC), "corr", "cause", None,
        Shipped(parcel=parcel),
    )  # fmt: skip


async def filed(database: SqliteDatabase) -> list[str]:
    return [r[0] for r in await database.read(lambda tx: tx.execute("SELECT parcel FROM parcels").fetchall())]


async def test_subscriptions_come_from_the_handlers_and_duplicates_are_skipped(database: SqliteDatabase) -> None:
    consumer, bus = Parcels(database), InProcessBus()
    consumer.subscribe(bus)
    message = shipped("p-1")
    await bus.publish([message, message])
    assert consumer.event_types == {"consumertest.public.Shipped"}
    assert await filed(database) == ["p-1"]


async def test_a_refusal_is_an_outcome_and_any_other_error_parks_the_message(database: SqliteDatabase) -> None:
    consumer, bus = Parcels(database), InProcessBus()
    consumer.subscribe(bus)
    consumer.broken.add("p-bad")
    refused, poison, later = shipped("refused"), shipped("p-bad"), shipped("p-2")
    await bus.publish([refused, poison, later])

    assert await filed(database) == ["p-2"], "the message after the poison one flowed"
    [letter] = await database.read(dead_letters)
    assert (letter.consumer, letter.message_id, letter.type) == (Parcels.name, poison.message_id, poison.type)
    assert (letter.attempts, letter.error) == (3, "RuntimeError: cannot file p-bad")
    assert letter.envelope["data"] == {"parcel": "p-bad"}
    assert consumer.parked == 1
    inbox = await database.read(lambda tx: tx.execute("SELECT message_id FROM inbox").fetchall())
    assert refused.message_id in {r[0] for r in inbox}, "a refusal is marked handled: never delivered again"

    with pytest.raises(RuntimeError):
        await consumer.redeliver(letter, events)
    [still] = await database.read(dead_letters)
    assert (still.attempts, still.first_failed_at) == (4, letter.first_failed_at)

    consumer.broken.clear()  # the fix is deployed
    await consumer.redeliver(still, events)
    assert await filed(database) == ["p-2", "p-bad"]
    assert await database.read(dead_letters) == []


async def test_the_relay_parks_an_unreadable_outbox_message_publishes_the_rest_and_redelivers_it_once_fixed(
    tmp_path: Path,
) -> None:
    database = SqliteDatabase(tmp_path / "producer.db")
    store = SqliteEventStore(database, events=events)
    await store.migrate()
    await database.write(lambda tx: tx.execute(DEAD_LETTERS_DDL))
    received: list[str] = []

    async def collect(envelope: Envelope[Event]) -> None:
        received.append(envelope.event.parcel)  # type: ignore[attr-defined]

    bus = InProcessBus()
    bus.subscribe("consumertest.collector", [Shipped.__event_type__], collect)

    async def ship(parcel: str) -> None:
        fact = Shipped(parcel=parcel)
        await store.append(parcel, [fact], MessageContext.new(), expected_version=None, outbox=[fact])

    await ship("p-1")
    unreadable = (
        "INSERT INTO outbox (message_id, type, schema_version, data, stream_id, stream_version, position, timestamp,"
        " correlation_id, causation_id, actor) VALUES ('m-bad', 'consumertest.public.Shipped', 0, '{\"box\": \"p-x\"}',"
        " 'parcel-x', 1, 1, '2024-01-01T00:00:00.000000+00:00', 'c', 'c', NULL)"
    )
    await database.write(lambda tx: tx.execute(unreadable))
    await ship("p-2")
    relay = OutboxRelay(store, bus, database)
    try:
        assert await relay.relay_pending() == 3
        assert received == ["p-1", "p-2"]
        [letter] = await database.read(dead_letters)
        assert (letter.consumer, letter.message_id, letter.attempts) == (OUTBOX, "m-bad", 1)
        assert letter.error == "LookupError: no upcaster for consumertest.public.Shipped v0 -> v1"
        assert await store.pending(10) == [] and relay.parked == 1

        events.upcaster("consumertest.public.Shipped", 0)(lambda data: {"parcel": data["box"]})  # the fix
        await relay.redeliver(letter, events)
        assert received == ["p-1", "p-2", "p-x"]
        assert await database.read(dead_letters) == []
    finally:
        events._upcasters.pop(("consumertest.public.Shipped", 0), None)
        database.close()


async def test_a_concurrency_conflict_is_contention_retried_longer_not_poison(database: SqliteDatabase) -> None:
    class Contended(Parcels):
        conflicts_left = 8  # more than `attempts`: a failure this often would be parked

        @on(Shipped)
        async def _shipped(self, envelope: Envelope[Shipped]) -> None:
            if self.conflicts_left:
                self.conflicts_left -= 1
                raise ConcurrencyError("warehouse-main", 1, 2)
            await self.apply(envelope, lambda tx: tx.execute("INSERT INTO parcels VALUES (?)", ("p-1",)))

    consumer, bus = Contended(database), InProcessBus()
    consumer.subscribe(bus)
    await bus.publish([shipped("p-1")])
    assert await filed(database) == ["p-1"]
    assert await database.read(dead_letters) == []
