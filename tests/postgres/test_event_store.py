"""What the PostgreSQL store adds to the contract: migrations, wake-ups across processes, the relay lease."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from martello.adapters.postgres import PostgresDatabase, PostgresEventStore
from martello.kernel.envelope import MessageContext
from martello.kernel.events import Event, event
from martello.kernel.store import NEW_STREAM
from tests.waiting import eventually

pytestmark = pytest.mark.postgres

Stores = Callable[[], Awaitable[PostgresEventStore]]
CONTEXT = MessageContext.new()


@event("pgtest.Noted")
class Noted(Event):
    text: str


@event("pgtest.public.Announced")
class Announced(Event):
    text: str


async def test_migrations_apply_once_even_when_replicas_start_together(stores: Stores) -> None:
    first, *_replicas = await asyncio.gather(*(stores() for _ in range(4)))
    await first.migrate()
    versions = await first.database.read(lambda tx: tx.execute("SELECT version FROM schema_migrations").fetchall())
    assert versions == [(1,)]
    assert await first.head() == 0


async def test_events_cannot_be_truncated_either(stores: Stores) -> None:
    store = await stores()
    await store.append("s-1", [Noted(text="a")], CONTEXT, expected_version=NEW_STREAM)
    with pytest.raises(Exception, match="immutable"):
        await store.database.write(lambda tx: tx.execute("TRUNCATE events"))
    assert await store.head() == 1


async def test_a_waiter_wakes_up_when_another_process_appends(stores: Stores) -> None:
    # Given a follower whose listener is connected (it wakes every waiter once, on connecting: that is over)
    follower, writer = await stores(), await stores()
    await follower.wait_for_events(0, timeout=0.01)  # starts the listener
    signals = follower.dialect
    listening = f'LISTEN "{signals.outbox_channel}"'  # its last statement before it waits for notifications

    async def listener_idle() -> bool:
        rows = await follower.database.read(
            lambda tx: tx.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query = ? AND state = 'idle'", (listening,)
            ).fetchall()
        )
        return bool(rows[0][0])

    await eventually(listener_idle, "the follower's listener to be listening")
    await follower.head()  # one more round trip: the listener has read its answers and fired by now
    # And coroutines waiting (for up to 30 s) for events and for outbox messages
    events_waiter = asyncio.create_task(follower.wait_for_events(0, timeout=30))
    outbox_waiter = asyncio.create_task(follower.wait_for_messages(timeout=30))
    await eventually(
        lambda: asyncio.sleep(0, len(signals._appended._waiters) == len(signals._outbox_filled._waiters) == 1),
        "both waiters to wait",
    )
    assert not events_waiter.done() and not outbox_waiter.done()
    # When another process appends an event with an outbox message
    await writer.append("s-1", [Noted(text="a")], CONTEXT, expected_version=NEW_STREAM, outbox=[Announced(text="a")])
    # Then both wake long before their timeout
    await asyncio.wait_for(asyncio.gather(events_waiter, outbox_waiter), 10)


async def test_only_the_lease_holder_relays_and_another_replica_takes_over(stores: Stores) -> None:
    first, second = await stores(), await stores()
    await first.append("s-1", [Noted(text="a")], CONTEXT, expected_version=NEW_STREAM, outbox=[Announced(text="a")])
    assert [m.event for _, m in await first.pending(10)] == [Announced(text="a")]
    assert await second.pending(10) == [], "one publisher at a time: the outbox order is kept"
    await first.close()  # the holder goes away (a killed process's connection closes the same way)
    assert [m.event for _, m in await second.pending(10)] == [Announced(text="a")]


async def test_timestamps_and_data_round_trip(databases: Callable[[], PostgresDatabase]) -> None:
    store = PostgresEventStore(databases())
    await store.migrate()
    appended = await store.append("s-1", [Noted(text="naïve ? 100% 'quoted'")], CONTEXT, expected_version=None)
    (stored,) = await store.read_stream("s-1")
    assert stored == appended.envelopes[0]
    await store.close()
