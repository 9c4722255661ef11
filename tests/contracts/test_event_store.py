"""The event store contract: every adapter (SQLite, PostgreSQL) must pass all of it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import pytest

from martello.kernel.envelope import MessageContext
from martello.kernel.errors import ConcurrencyError, DuplicateMessage, UniqueKeyTaken
from martello.kernel.events import Event, event
from martello.kernel.store import NEW_STREAM, Snapshot
from tests.contracts.stores import StoreUnderTest
from tests.waiting import eventually


@event("contract.ItemAdded")
class ItemAdded(Event):
    sku: str
    quantity: int


@event("contract.ItemRemoved")
class ItemRemoved(Event):
    sku: str


@event("contract.public.ItemAnnounced")
class ItemAnnounced(Event):
    sku: str


def items(*skus: str) -> list[Event]:
    return [ItemAdded(sku=sku, quantity=1) for sku in skus]


CONTEXT = MessageContext("corr-1", "cause-1", actor="user-1")


async def test_a_stream_reads_back_in_order_with_its_envelopes(subject: StoreUnderTest) -> None:
    store = subject.store
    first = await store.append("cart-1", items("A", "B"), CONTEXT, expected_version=NEW_STREAM)
    second = await store.append("cart-1", [ItemRemoved(sku="A")], CONTEXT, expected_version=2)

    assert (first.stream_version, second.stream_version) == (2, 3)
    stream = await store.read_stream("cart-1")
    assert [e.event for e in stream] == [*items("A", "B"), ItemRemoved(sku="A")]
    assert [e.stream_version for e in stream] == [1, 2, 3]
    assert [e.position for e in stream] == sorted(e.position for e in stream)
    assert stream[-1].position == second.position
    assert len({e.message_id for e in stream}) == 3
    envelope = stream[0]
    assert (envelope.type, envelope.schema_version, envelope.stream_id) == ("contract.ItemAdded", 1, "cart-1")
    assert (envelope.correlation_id, envelope.causation_id, envelope.actor) == ("corr-1", "cause-1", "user-1")
    assert envelope.timestamp.tzinfo is not None
    assert [e.message_id for e in first.envelopes] == [e.message_id for e in stream[:2]]


async def test_a_stream_reads_up_to_a_version_or_an_instant(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A", "B", "C"), CONTEXT, expected_version=NEW_STREAM)
    assert [e.stream_version for e in await store.read_stream("cart-1", to_version=2)] == [1, 2]
    assert [e.stream_version for e in await store.read_stream("cart-1", after_version=1)] == [2, 3]
    stream = await store.read_stream("cart-1")
    assert len(await store.read_stream("cart-1", until=stream[0].timestamp)) == 3
    assert await store.read_stream("cart-1", until=stream[0].timestamp - timedelta(seconds=1)) == []
    assert await store.read_stream("cart-unknown") == []


async def test_events_load_without_envelopes_exactly_as_read_stream_gives_them(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", [*items("A", "B"), ItemRemoved(sku="A")], CONTEXT, expected_version=NEW_STREAM)
    stream = await store.read_stream("cart-1")
    assert await store.load_events("cart-1") == [e.event for e in stream]
    assert await store.load_events("cart-1", after_version=1, to_version=2) == [stream[1].event]
    assert await store.load_events("cart-1", until=stream[0].timestamp - timedelta(seconds=1)) == []
    assert await store.load_events("cart-unknown") == []


async def test_a_stale_expected_version_is_refused_and_stores_nothing(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM)
    with pytest.raises(ConcurrencyError) as conflict:
        await store.append("cart-1", items("B", "C"), CONTEXT, expected_version=NEW_STREAM)
    assert (conflict.value.expected, conflict.value.actual) == (0, 1)
    with pytest.raises(ConcurrencyError):
        await store.append("cart-1", items("B"), CONTEXT, expected_version=5)
    assert [e.event for e in await store.read_stream("cart-1")] == items("A")
    assert await store.head() == 1
    unchecked = await store.append("cart-1", items("D"), CONTEXT, expected_version=None)
    assert unchecked.stream_version == 2


async def test_a_multi_event_append_is_atomic_and_contiguous(subject: StoreUnderTest) -> None:
    store = subject.store
    result = await store.append("cart-1", items("A", "B", "C"), CONTEXT, expected_version=NEW_STREAM)
    positions = [e.position for e in result.envelopes]
    assert positions == list(range(positions[0], positions[0] + 3))
    with pytest.raises(ConcurrencyError):
        await store.append("cart-1", items("D", "E"), CONTEXT, expected_version=1, outbox=[ItemAnnounced(sku="D")])
    assert len(await store.read_stream("cart-1")) == 3
    assert await store.pending(10) == []


async def test_read_all_returns_events_after_a_position_in_order(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM)
    await store.append("cart-2", [ItemRemoved(sku="X")], CONTEXT, expected_version=NEW_STREAM)
    await store.append("cart-1", items("B"), CONTEXT, expected_version=1)
    everything = await store.read_all(0)
    assert [e.stream_id for e in everything] == ["cart-1", "cart-2", "cart-1"]
    assert await store.head() == everything[-1].position
    after_first = await store.read_all(everything[0].position)
    assert after_first == everything[1:]
    assert await store.read_all(0, limit=1) == everything[:1]
    assert [e.event for e in await store.read_all(0, types={"contract.ItemAdded"})] == items("A", "B")
    assert await store.read_all(everything[-1].position) == []


async def test_an_inbox_mark_makes_redelivery_harmless(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A"), CONTEXT, expected_version=None, inbox=("cart", "msg-1"))
    with pytest.raises(DuplicateMessage):
        await store.append("cart-1", items("A"), CONTEXT, expected_version=None, inbox=("cart", "msg-1"))
    await store.append("cart-1", items("B"), CONTEXT, expected_version=None, inbox=("order", "msg-1"))
    assert [e.event for e in await store.read_stream("cart-1")] == items("A", "B")


async def test_unique_keys_are_claimed_once(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("user-1", items("A"), CONTEXT, expected_version=NEW_STREAM, unique=[("email", "a@x.example")])
    with pytest.raises(UniqueKeyTaken):
        await store.append(
            "user-2", items("B"), CONTEXT, expected_version=NEW_STREAM, unique=[("email", "a@x.example")]
        )
    assert await store.read_stream("user-2") == []
    await store.append("user-1", items("C"), CONTEXT, expected_version=1, unique=[("email", "a@x.example")])
    await store.append("user-3", items("D"), CONTEXT, expected_version=NEW_STREAM, unique=[("username", "a@x.example")])


async def test_the_outbox_holds_messages_until_published(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM, outbox=[ItemAnnounced(sku="A")])
    await store.append("cart-1", items("B"), CONTEXT, expected_version=1, outbox=[ItemAnnounced(sku="B")])
    pending = await store.pending(10)
    assert [m.event for _, m in pending] == [ItemAnnounced(sku="A"), ItemAnnounced(sku="B")]
    message = pending[0][1]
    assert (message.stream_id, message.correlation_id, message.causation_id) == ("cart-1", "corr-1", "cause-1")
    await store.mark_published(pending[0][0])
    assert [m.event for _, m in await store.pending(10)] == [ItemAnnounced(sku="B")]


async def test_a_snapshot_and_the_events_after_it_load_together(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A", "B", "C", "D"), CONTEXT, expected_version=NEW_STREAM)
    assert await store.load_from_snapshot("cart-1", snapshot_schema=1) == (None, items("A", "B", "C", "D"))
    await store.save_snapshot(Snapshot("cart-1", 2, 1, {"skus": ["A", "B"]}))
    await store.save_snapshot(Snapshot("cart-1", 3, 2, {"skus": ["A", "B", "C"], "schema": 2}))
    assert await store.load_from_snapshot("cart-1", snapshot_schema=1) == (
        Snapshot("cart-1", 2, 1, {"skus": ["A", "B"]}),
        items("C", "D"),
    )
    newer = await store.load_from_snapshot("cart-1", snapshot_schema=2, to_version=3)
    assert newer == (Snapshot("cart-1", 3, 2, {"skus": ["A", "B", "C"], "schema": 2}), [])
    assert await store.load_from_snapshot("cart-1", snapshot_schema=2, to_version=2) == (None, items("A", "B"))
    assert await store.load_from_snapshot("cart-unknown", snapshot_schema=1) == (None, [])


async def test_stored_events_cannot_be_updated_or_deleted(subject: StoreUnderTest) -> None:
    await subject.store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM)
    for statement in ("UPDATE events SET type = 'x'", "DELETE FROM events"):
        with pytest.raises(Exception, match="immutable"):
            await subject.database.write(lambda tx, sql=statement: tx.execute(sql))
    assert len(await subject.store.read_stream("cart-1")) == 1


async def test_wait_for_events_returns_once_something_is_appended(subject: StoreUnderTest) -> None:
    # Given a follower waiting (for up to a minute) for anything past position 0
    store = subject.store
    waiter = asyncio.create_task(store.wait_for_events(0, timeout=60))
    await eventually(lambda: asyncio.sleep(0, subject.waiters() > 0 or waiter.done()), "the follower to wait")
    # When an event is appended
    await store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM)
    # Then the follower is back long before its timeout
    await asyncio.wait_for(waiter, 5)


async def test_wait_for_events_returns_at_once_when_events_are_already_there(subject: StoreUnderTest) -> None:
    store = subject.store
    await store.append("cart-1", items("A"), CONTEXT, expected_version=NEW_STREAM)
    await asyncio.wait_for(store.wait_for_events(0, timeout=60), 5)
    await store.wait_for_events(1, timeout=0.01)  # nothing past 1: waits out its (short) timeout


class _InThread:
    """A coroutine run to completion on its own thread and event loop; `join` re-raises what it raised."""

    def __init__(self, work: Coroutine[Any, Any, None]) -> None:
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,))
        self._thread.start()

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            asyncio.run(work)
        except BaseException as error:
            self.error = error

    def join(self, what: str) -> None:
        self._thread.join(120)
        assert not self._thread.is_alive(), f"gave up after 120s waiting for {what}"
        if self.error is not None:
            raise self.error


async def test_concurrent_appenders_and_a_follower_see_one_consistent_order(subject: StoreUnderTest) -> None:
    """Writers on several threads (each with its own event loop and store instance) append to their
    own streams and, in rounds, all at once to a shared one, each expecting the version it has just read;
    a follower tails the log meanwhile. Nothing is lost, duplicated or seen out of order; in each round
    exactly one writer's append lands, right after the version it saw, and every other writer is told
    of the conflict."""
    writers, rounds = 4, 25
    barrier = threading.Barrier(writers, timeout=60)
    landed: list[list[tuple[int, int]]] = [[] for _ in range(writers)]  # (expected, stored) per writer
    refused: list[list[tuple[int, int]]] = [[] for _ in range(writers)]  # (expected, actual) per writer
    done = threading.Event()
    seen: list[int] = []

    async def together() -> None:
        await asyncio.to_thread(barrier.wait)  # BrokenBarrierError after 60 s names a stuck writer

    async def write(index: int) -> None:
        async with subject.reopen() as store:
            for n in range(rounds):
                await store.append(f"own-{index}", items(f"{index}-{n}"), CONTEXT, expected_version=n)
                await together()
                current = len(await store.read_stream("shared"))
                await together()  # every writer has read the same version before anyone appends
                try:
                    result = await store.append("shared", items(f"{index}-{n}"), CONTEXT, expected_version=current)
                    landed[index].append((current, result.stream_version))
                except ConcurrencyError as conflict:
                    refused[index].append((conflict.expected, conflict.actual))
                await together()

    async def follow() -> None:
        async with subject.reopen() as store:
            position = 0
            deadline = time.monotonic() + 120
            while True:
                assert time.monotonic() < deadline, "gave up after 120s waiting for the writers to finish"
                finished = done.is_set()
                batch = await store.read_all(position, limit=50)
                seen.extend(e.position for e in batch)
                if batch:
                    position = batch[-1].position
                elif finished:
                    return

    follower = _InThread(follow())
    threads = [_InThread(write(i)) for i in range(writers)]
    for index, thread in enumerate(threads):
        thread.join(f"writer {index}")
    done.set()
    follower.join("the follower")

    everything = await subject.store.read_all(0, limit=10_000)
    assert seen == [e.position for e in everything], "the follower saw exactly the log, in order"
    shared = await subject.store.read_stream("shared")
    assert len(shared) == rounds, "one append to the shared stream lands per round"
    assert len(everything) == writers * rounds + rounds
    assert [e.stream_version for e in shared] == list(range(1, rounds + 1))
    for index in range(writers):
        assert all(stored == expected + 1 for expected, stored in landed[index]), "an append landed elsewhere"
        assert all(actual > expected for expected, actual in refused[index]), "a conflict with nothing newer"
        assert len(landed[index]) + len(refused[index]) == rounds, f"writer {index} lost an answer"
        assert len(await subject.store.read_stream(f"own-{index}")) == rounds
    assert sorted(stored for writer in landed for _, stored in writer) == list(range(1, rounds + 1))
    assert sum(len(writer) for writer in refused) == (writers - 1) * rounds
