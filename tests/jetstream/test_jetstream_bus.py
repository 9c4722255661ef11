"""The JetStream bus: de-duplicated publishing, durable competing consumers, ack after the effect."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import nats
import orjson
import pytest

from martello.adapters.nats import JetStreamBus
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event, event
from martello.kernel.ids import new_id
from tests.servers import free_port, private_nats
from tests.waiting import eventually

pytestmark = pytest.mark.nats

Buses = Callable[..., JetStreamBus]


@event("bustest.public.Priced")
class Priced(Event):
    sku: str
    amount: int


@event("bustest.public.Retired")
class Retired(Event):
    sku: str


def envelope(message: Event, position: int = 1) -> Envelope[Event]:
    return Envelope(
        new_id(),
        message.__event_type__,
        message.__schema_version__,
        "catalog-1",
        position,
        position,
        datetime.now(UTC),
        "corr-1",
        "cause-1",
        "user-1",
        message,
    )


class Recorder:
    def __init__(self, fail_first: int = 0) -> None:
        self.handled: list[Envelope[Event]] = []
        self.fail_first = fail_first
        self.arrived = asyncio.Event()
        self.expected = 0

    async def __call__(self, message: Envelope[Event]) -> None:
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("the effect could not be committed")
        self.handled.append(message)
        if len(self.handled) >= self.expected:
            self.arrived.set()


async def until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    await eventually(lambda: asyncio.sleep(0, condition()), what, timeout=timeout)


async def all_acked(nats_url: str, bus: JetStreamBus, consumer: str) -> int:
    """Wait until the consumer has acknowledged every message in the stream (so nothing is in flight or
    due for redelivery); the answer is how many messages the stream holds."""
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        durable = consumer.replace(".", "_")

        async def acked() -> int | None:
            stream = await js.stream_info(bus.stream)
            info = await js.consumer_info(bus.stream, durable)
            done = info.ack_floor.stream_seq == stream.state.last_seq and not info.num_ack_pending
            return stream.state.messages if done else None

        messages: int = await eventually(acked, f"{consumer} to acknowledge every message")
        return messages
    finally:
        await client.close()


async def test_each_consumer_gets_each_message_once_even_if_published_twice(buses: Buses, nats_url: str) -> None:
    bus = buses()
    prices, retirements = Recorder(), Recorder()
    bus.subscribe("cart.catalog-prices", {"bustest.public.Priced", "bustest.public.Retired"}, prices)
    bus.subscribe("order.retirements", {"bustest.public.Retired"}, retirements)
    await bus.start()
    priced, retired = envelope(Priced(sku="A", amount=5)), envelope(Retired(sku="A"), 2)
    await bus.publish([priced, retired])
    await bus.publish([priced])  # the outbox relay publishing again after a crash: JetStream drops it
    await until(lambda: len(prices.handled) >= 2 and len(retirements.handled) >= 1, "both consumers to handle")
    assert await all_acked(nats_url, bus, "cart.catalog-prices") == 2, "the second publish was dropped"
    await all_acked(nats_url, bus, "order.retirements")
    assert prices.handled == [priced, retired], "in order, once, with the whole envelope"
    assert retirements.handled == [retired]


async def test_replicas_of_a_module_share_the_messages_of_one_durable_consumer(buses: Buses, nats_url: str) -> None:
    replicas = [buses(fetch_batch=5) for _ in range(2)]
    recorders = [Recorder(), Recorder()]
    for bus, recorder in zip(replicas, recorders, strict=True):
        bus.subscribe("warehouse.orders", {"bustest.public.Priced"}, recorder)
        await bus.start()
    messages = [envelope(Priced(sku=f"S{n}", amount=n + 1), n + 1) for n in range(60)]
    await replicas[0].publish(messages)
    await until(lambda: sum(len(r.handled) for r in recorders) >= len(messages), "the replicas to handle all 60")
    assert await all_acked(nats_url, replicas[0], "warehouse.orders") == len(messages)
    handled = Counter(m.message_id for r in recorders for m in r.handled)
    assert set(handled) == {m.message_id for m in messages}
    assert set(handled.values()) == {1}, "each message went to one replica"


async def test_a_failed_handler_gets_the_message_again(buses: Buses) -> None:
    bus = buses()
    recorder = Recorder(fail_first=2)
    bus.subscribe("cart.catalog-prices", {"bustest.public.Priced"}, recorder)
    await bus.start()
    message = envelope(Priced(sku="A", amount=5))
    await bus.publish([message])
    await until(lambda: len(recorder.handled) == 1, "1 handled message(s)")
    assert recorder.handled == [message]


async def test_a_message_not_acked_by_a_dead_replica_goes_to_another(buses: Buses) -> None:
    first, second = buses(publish_timeout=1.0), buses()
    stuck = asyncio.Event()

    async def never_returns(message: Envelope[Event]) -> None:
        stuck.set()
        await asyncio.Event().wait()

    first.subscribe("warehouse.orders", {"bustest.public.Priced"}, never_returns)
    await first.start()
    message = envelope(Priced(sku="A", amount=5))
    await first.publish([message])
    await asyncio.wait_for(stuck.wait(), 10)
    recorder = Recorder()
    second.subscribe("warehouse.orders", {"bustest.public.Priced"}, recorder)
    await second.start()
    await until(lambda: len(recorder.handled) == 1, "the other replica to get it")  # after the ack wait ran out
    assert recorder.handled == [message]


async def test_publish_fails_while_nats_is_down_and_all_works_again_after(buses: Buses, tmp_path: Path) -> None:
    with private_nats(tmp_path / "nats") as server:
        bus = buses(server.url, publish_timeout=1.0)
        recorder = Recorder()
        bus.subscribe("cart.catalog-prices", {"bustest.public.Priced"}, recorder)
        await bus.start()
        before = envelope(Priced(sku="A", amount=1))
        await bus.publish([before])
        await until(lambda: len(recorder.handled) == 1, "1 handled message(s)")

        server.stop()
        kept = envelope(Priced(sku="B", amount=2), 2)
        with pytest.raises(Exception):  # noqa: B017 - whichever error: the outbox keeps the message
            await bus.publish([kept])
        assert not bus.connected

        server.start()
        await until(lambda: bus.connected, "the bus to reconnect")
        await bus.publish([kept])
        await until(lambda: len(recorder.handled) == 2, "2 handled message(s)")
        assert recorder.handled == [before, kept]


async def test_start_waits_until_nats_is_reachable(
    buses: Buses, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    bus = buses(f"nats://127.0.0.1:{port}")
    recorder = Recorder()
    bus.subscribe("cart.catalog-prices", {"bustest.public.Priced"}, recorder)
    caplog.set_level(logging.WARNING, logger="martello.nats")
    starting = asyncio.create_task(bus.start())
    await until(lambda: "NATS not ready" in caplog.text, "the bus to report NATS unreachable")
    assert not starting.done(), "start() returned while no server listens"
    from tests.servers import NatsServer

    server = NatsServer(tmp_path / "nats", port)
    server.start()
    try:
        await asyncio.wait_for(starting, 20)
        message = envelope(Priced(sku="A", amount=1))
        await bus.publish([message])
        await until(lambda: len(recorder.handled) == 1, "1 handled message(s)")
    finally:
        await bus.stop()
        server.stop()


async def test_a_message_that_cannot_be_decoded_is_handed_over_to_be_parked_after_bounded_deliveries(
    buses: Buses,
) -> None:
    bus = buses(decode_attempts=2)
    recorder, parked = Recorder(), []

    async def park(stored: dict[str, object], error: str, deliveries: int) -> None:
        parked.append((stored["message_id"], error, deliveries))

    bus.subscribe("cart.catalog-prices", {"bustest.public.Priced"}, recorder, park)
    await bus.start()
    poison = {**envelope(Priced(sku="HAT", amount=1)).describe(), "data": {"sku": "HAT"}}  # no amount: older code
    assert bus._js is not None
    await bus._js.publish(bus.subject("bustest.public.Priced"), orjson.dumps(poison), stream=bus.stream)
    recorder.expected = 1
    await bus.publish([envelope(Priced(sku="CAP", amount=2))])

    await until(lambda: len(parked) == 1 and len(recorder.handled) == 1, "the poison parked and the next handled")
    [(message_id, error, deliveries)] = parked
    assert message_id == poison["message_id"] and deliveries == 2
    assert error.startswith("TypeError:") and "amount" in error
    assert [m.event.sku for m in recorder.handled] == ["CAP"]  # type: ignore[attr-defined]


async def test_publishing_before_the_bus_is_connected_is_refused_so_the_outbox_keeps_the_messages(
    buses: Buses,
) -> None:
    bus = buses()
    with pytest.raises(ConnectionError, match="the outbox keeps the messages"):
        await bus.publish([envelope(Priced(sku="A", amount=1))])
