"""Integration messages: the in-process bus routes each message to its subscribers, and the outbox relay
publishes what was committed, in order, retrying while the bus is unreachable; a message the bus refuses is
parked in the dead letters after bounded attempts, and the rest go out. Nothing is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from martello.kernel.bus import InProcessBus
from martello.kernel.dead_letters import DEAD_LETTERS_DDL, dead_letters
from martello.kernel.envelope import Envelope, MessageContext, current_correlation
from martello.kernel.events import Event, event
from martello.kernel.outbox import OutboxRelay
from martello.kernel.store import NEW_STREAM
from tests.kernel.conftest import Storage
from tests.waiting import answer_if, eventually


@event("bustest.public.Announced")
class Announced(Event):
    text: str


@event("bustest.public.Withdrawn")
class Withdrawn(Event):
    text: str


@event("bustest.Noted")
class Noted(Event):
    text: str


def envelope(message: Event, correlation: str = "corr-1") -> Envelope[Event]:
    return Envelope(
        f"m-{id(message)}", message.__event_type__, 1, "s-1", 1, 1, datetime.now(UTC), correlation, "c-1", None,
        message,
    )  # fmt: skip


class Flaky:
    """A handler (or bus) that fails its first `failures` calls, then records what it gets."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls = 0
        self.received: list[Envelope[Event]] = []
        self.correlations: list[str | None] = []

    async def __call__(self, message: Envelope[Event]) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("not now")
        self.received.append(message)
        self.correlations.append(current_correlation.get())

    async def publish(self, messages: Sequence[Envelope[Event]]) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the bus is down")
        self.received.extend(messages)


async def test_each_subscriber_gets_the_messages_of_its_types_before_publish_returns() -> None:
    bus = InProcessBus()
    both, announcements = Flaky(), Flaky()
    bus.subscribe("one", {"bustest.public.Announced", "bustest.public.Withdrawn"}, both)
    bus.subscribe("two", {"bustest.public.Announced"}, announcements)
    await bus.start()
    hello, bye = envelope(Announced(text="hello"), "flow-1"), envelope(Withdrawn(text="bye"), "flow-2")
    await bus.publish([hello, bye])
    assert both.received == [hello, bye]
    assert announcements.received == [hello]
    assert both.correlations == ["flow-1", "flow-2"], "handlers run under the message's correlation id"
    await bus.stop()


async def test_a_failing_handler_gets_the_message_again_until_it_succeeds() -> None:
    bus = InProcessBus()
    handler = Flaky(failures=1)
    bus.subscribe("flaky", {"bustest.public.Announced"}, handler)
    hello = envelope(Announced(text="hello"))
    await bus.publish([hello])
    assert (handler.calls, handler.received) == (2, [hello])


async def committed(storage: Storage, *texts: str) -> None:
    for n, text in enumerate(texts):
        await storage.store.append(
            "s-1", [Noted(text=text)], MessageContext.new(), expected_version=n or NEW_STREAM,
            outbox=[Announced(text=text)],
        )  # fmt: skip


async def test_the_relay_publishes_everything_pending_in_order_in_batches(storage: Storage) -> None:
    await committed(storage, "a", "b", "c", "d", "e")
    bus = Flaky()
    relay = OutboxRelay(storage.store, bus, storage.database, batch_size=2)  # type: ignore[arg-type]
    assert await relay.relay_pending() == 5
    assert [m.event for m in bus.received] == [Announced(text=t) for t in "abcde"]
    assert bus.calls == 3, "batches of 2, 2 and 1"
    assert await storage.store.pending(10) == []
    assert await relay.relay_pending() == 0


async def test_a_failed_publish_leaves_the_messages_in_the_outbox(storage: Storage) -> None:
    await committed(storage, "a")
    relay = OutboxRelay(storage.store, Flaky(failures=1), storage.database)  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        await relay.relay_pending()
    assert [m.event for _, m in await storage.store.pending(10)] == [Announced(text="a")]


async def test_the_running_relay_retries_a_failing_bus_until_every_message_is_delivered(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    # Given committed messages and a bus that fails twice
    await committed(storage, "a", "b")
    bus = Flaky(failures=2)
    relay = asyncio.create_task(OutboxRelay(storage.store, bus, storage.database).run(idle_wait=0.05))  # type: ignore[arg-type]
    try:
        # When the relay runs, then every message arrives once the bus takes them, and leaves the outbox
        await eventually(lambda: asyncio.sleep(0, len(bus.received) == 2), "the bus to get both messages")
        assert [m.event for m in bus.received] == [Announced(text="a"), Announced(text="b")]
        assert bus.calls == 3
        assert any("outbox relay failed" in r.getMessage() for r in caplog.records), "each failure is logged"
        await eventually(
            lambda: answer_if(storage.store.pending(10), lambda left: left == []), "the outbox to be emptied"
        )
        # And a message committed later goes out too, without a restart
        await storage.store.append(
            "s-2", [Noted(text="c")], MessageContext.new(), expected_version=None, outbox=[Announced(text="c")]
        )
        await eventually(lambda: asyncio.sleep(0, len(bus.received) == 3), "the bus to get the later message")
        assert bus.received[-1].event == Announced(text="c")
        # And a failure after successes is retried just the same
        bus.failures = 1
        await storage.store.append(
            "s-3", [Noted(text="d")], MessageContext.new(), expected_version=None, outbox=[Announced(text="d")]
        )
        await eventually(lambda: asyncio.sleep(0, len(bus.received) == 4), "the bus to get the message after a failure")
        assert [m.event.text for m in bus.received] == ["a", "b", "c", "d"]  # type: ignore[attr-defined]
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
    assert relay.cancelled(), "a cancelled relay stops"


class Refusing:
    """A bus that refuses (not: cannot reach) any message whose text is in `refused`, and takes the rest."""

    def __init__(self, *refused: str) -> None:
        self.refused = set(refused)
        self.received: list[Envelope[Event]] = []

    async def publish(self, messages: Sequence[Envelope[Event]]) -> None:
        if any(message.event.text in self.refused for message in messages):  # type: ignore[attr-defined]
            raise ValueError("the bus refuses this message")
        self.received.extend(messages)


async def test_a_message_the_bus_keeps_refusing_is_parked_and_the_rest_go_out_in_order(storage: Storage) -> None:
    # Given three committed messages, the second of which the bus refuses every time
    await storage.database.write(lambda tx: tx.execute(DEAD_LETTERS_DDL))
    await committed(storage, "a", "poison", "c")
    bus = Refusing("poison")
    relay = OutboxRelay(storage.store, bus, storage.database, attempts=3, backoff=0.001)  # type: ignore[arg-type]
    # When the relay runs once
    assert await relay.relay_pending() == 3
    # Then the others went out in order, the refused one is parked after its attempts, and the outbox is empty
    assert [m.event for m in bus.received] == [Announced(text="a"), Announced(text="c")]
    [letter] = await storage.database.read(dead_letters)
    assert (letter.consumer, letter.type, letter.attempts) == ("outbox", "bustest.public.Announced", 3)
    assert letter.error == "ValueError: the bus refuses this message"
    assert relay.parked == 1
    assert await storage.store.pending(10) == []
    # And delivering it again fails while the bus still refuses it (it stays, one attempt more) ...
    with pytest.raises(ValueError):
        await relay.redeliver(letter)
    [again] = await storage.database.read(dead_letters)
    assert again.attempts == 4
    # ... and succeeds once the bus takes it, which removes the dead letter
    bus.refused.clear()
    await relay.redeliver(again)
    assert [m.event for m in bus.received][-1] == Announced(text="poison")
    assert await storage.database.read(dead_letters) == []
