"""The distributed topology's message bus: NATS JetStream (nats-py).

- Publishing: each integration envelope goes to subject `<prefix>.<event type>` of one stream, as
  JSON (the envelope's `describe()`), with its message id as the `Nats-Msg-Id` header: JetStream
  stores a message id once within its duplicate window, so an outbox relay publishing a message
  again (after a crash, or two relays during a lease hand-over) stores nothing new. `publish`
  waits for JetStream's acknowledgement and raises if there is none (NATS down, timeout): the
  outbox then keeps the message and tries again.
- Consuming: one durable pull consumer per subscription, named after the consumer (a module's
  handler group). Every replica of the module pulls from that same consumer, so JetStream hands
  each message to one of them (competing consumers). A message is acked only after the handler
  returned - its effect and inbox mark committed, or the message parked by the kernel consumer - and
  nak'ed with a growing delay when the handler failed; one that cannot be decoded is redelivered
  `decode_attempts` times, then handed to the subscription's `undecodable` (the consumer parks it)
  and acked; one not acked in time (a replica died mid-way) is redelivered to another replica, and
  the inbox makes that harmless. Replicas process in parallel, so only one replica's order is
  kept: handlers must not assume an order across aggregates (the inbox and optimistic concurrency
  make them safe anyway).
- Connection: reconnects forever; `start` waits (with backoff) until the server is reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nats
import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from martello.kernel.bus import MessageHandler, UndecodableHandler
from martello.kernel.envelope import Envelope, current_correlation
from martello.kernel.events import Event, EventRegistry, registry

log = logging.getLogger("martello.nats")

MESSAGE_ID = "Nats-Msg-Id"
NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class _Subscription:
    consumer: str
    types: frozenset[str]
    handler: MessageHandler
    undecodable: UndecodableHandler | None = None

    @property
    def durable(self) -> str:
        """JetStream names allow neither dots nor wildcards."""
        return NAME.sub("_", self.consumer)


def encode(envelope: Envelope[Event]) -> bytes:
    return orjson.dumps(envelope.describe())


def decode(body: dict[str, Any], events: EventRegistry = registry) -> Envelope[Event]:
    """The envelope of a message's JSON body, its event upcast to the current version."""
    return Envelope(
        body["message_id"],
        body["type"],
        body["schema_version"],
        body["stream_id"],
        body["stream_version"],
        body["position"],
        datetime.fromisoformat(body["timestamp"]),
        body["correlation_id"],
        body["causation_id"],
        body["actor"],
        events.decode(body["type"], body["schema_version"], body["data"]),
    )


class JetStreamBus:
    def __init__(
        self,
        url: str,
        *,
        stream: str = "MARTELLO",
        subject_prefix: str | None = None,
        events: EventRegistry = registry,
        publish_timeout: float = 5.0,
        ack_wait: float = 30.0,
        fetch_batch: int = 10,
        duplicate_window: float = 300.0,
        decode_attempts: int = 5,
    ) -> None:
        self.url = url
        self.stream = stream
        self.prefix = subject_prefix or f"mtl.{NAME.sub('_', stream).lower()}"
        self.registry = events
        self.publish_timeout = publish_timeout
        self.ack_wait = ack_wait
        self.fetch_batch = fetch_batch
        self.duplicate_window = duplicate_window
        self.decode_attempts = decode_attempts
        """Deliveries of a message this code cannot decode before it goes to the subscription's `undecodable`."""
        self._subscriptions: list[_Subscription] = []
        self._client: Client | None = None
        self._js: JetStreamContext | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._handling: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()

    # -- the MessageBus port -----------------------------------------------------------------------

    def subscribe(
        self,
        consumer: str,
        types: Collection[str],
        handler: MessageHandler,
        undecodable: UndecodableHandler | None = None,
    ) -> None:
        subscription = _Subscription(consumer, frozenset(types), handler, undecodable)
        self._subscriptions.append(subscription)
        if self._js is not None:  # started already: declare its consumer and pull now
            self._follow(subscription, declare=True)

    async def publish(self, messages: Sequence[Envelope[Event]]) -> None:
        js = self._js
        if js is None or self._client is None or not self._client.is_connected:
            raise ConnectionError(f"NATS is not connected ({self.url}); the outbox keeps the messages")
        for message in messages:
            headers = {MESSAGE_ID: message.message_id, "Martello-Correlation-Id": message.correlation_id}
            await js.publish(
                self.subject(message.type),
                encode(message),
                timeout=self.publish_timeout,
                stream=self.stream,
                headers=headers,
            )

    async def start(self) -> None:
        """Connect (waiting for the server as long as it takes), declare the stream and consumers, pull."""
        self._stopping = asyncio.Event()
        backoff = 0.2
        while True:
            try:
                await self._connect()
                await self._declare()
                break
            except (OSError, nats.errors.Error, TimeoutError) as error:
                await self._close_client()
                log.warning("NATS not ready at %s (%s); retrying in %.1fs", self.url, error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        for subscription in self._subscriptions:
            self._follow(subscription)

    async def stop(self) -> None:
        """Stop pulling (a message being handled is finished first), then close the connection."""
        self._stopping.set()
        for task in self._tasks:
            if task not in self._handling:
                task.cancel()  # waiting for messages: nothing in hand
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=self.publish_timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks.clear()
        await self._close_client()

    # -- health ----------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    # -- internals -------------------------------------------------------------------------------

    def _follow(self, subscription: _Subscription, *, declare: bool = False) -> None:
        task = asyncio.create_task(self._pull(subscription, declare), name=f"nats:{subscription.durable}")
        self._tasks.append(task)

    def subject(self, event_type: str) -> str:
        return f"{self.prefix}.{event_type}"

    async def _connect(self) -> None:
        async def disconnected() -> None:
            if not self._stopping.is_set():
                log.warning("NATS connection lost; reconnecting")

        async def reconnected() -> None:
            log.info("NATS connection re-established")

        warned_at = -math.inf

        async def error(e: Exception) -> None:
            nonlocal warned_at
            if self._client is None and time.monotonic() - warned_at > 5:  # still connecting for the first time
                warned_at = time.monotonic()
                log.warning("NATS not ready at %s (%s); still trying", self.url, e)
            else:
                log.debug("NATS: %s", e)

        self._client = await nats.connect(
            servers=[self.url],
            connect_timeout=2,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            ping_interval=5,
            max_outstanding_pings=2,
            disconnected_cb=disconnected,
            reconnected_cb=reconnected,
            error_cb=error,
        )
        self._js = self._client.jetstream(timeout=self.publish_timeout)

    async def _declare(self) -> None:
        assert self._js is not None
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.>"],
            storage=StorageType.FILE,
            duplicate_window=self.duplicate_window,
        )
        try:
            await self._js.add_stream(config)
        except BadRequestError as error:  # it exists with another configuration: use it as it is
            log.warning("stream %s: %s; using the existing one", self.stream, error)
            await self._js.stream_info(self.stream)
        for subscription in self._subscriptions:
            await self._declare_consumer(subscription)

    def _filter(self, subscription: _Subscription) -> dict[str, Any]:
        subjects = sorted(self.subject(t) for t in subscription.types)
        if len(subjects) == 1:
            return {"filter_subject": subjects[0]}
        assert self._client is not None
        version = self._client.connected_server_version
        if (version.major, version.minor) >= (2, 10):
            return {"filter_subjects": subjects}
        return {"filter_subject": f"{self.prefix}.>"}  # older servers: one filter; others are skipped

    async def _declare_consumer(self, subscription: _Subscription) -> None:
        assert self._js is not None
        config = ConsumerConfig(
            durable_name=subscription.durable,
            description=f"martello consumer {subscription.consumer}",
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=-1,
            **self._filter(subscription),
        )
        try:
            await self._js.add_consumer(self.stream, config)
        except BadRequestError as error:  # declared by an older version with other filters
            log.warning("consumer %s: %s; using the existing one", subscription.durable, error)

    async def _pull(self, subscription: _Subscription, declare: bool = False) -> None:
        backoff = 0.2
        subscriber: JetStreamContext.PullSubscription | None = None
        while not self._stopping.is_set():
            try:
                if subscriber is None:
                    assert self._js is not None
                    if declare:
                        await self._declare_consumer(subscription)
                        declare = False
                    subscriber = await self._js.pull_subscribe_bind(durable=subscription.durable, stream=self.stream)
                try:
                    batch = await subscriber.fetch(self.fetch_batch, timeout=1.0)
                except nats.errors.TimeoutError:
                    continue
                current = asyncio.current_task()
                assert current is not None
                self._handling.add(current)
                try:
                    for message in batch:
                        await self._handle(subscription, message)
                finally:
                    self._handling.discard(current)
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except NotFoundError:
                log.warning("consumer %s is gone (NATS lost its state?); declaring it again", subscription.durable)
                with contextlib.suppress(Exception):
                    await self._declare()
                subscriber = None
                await asyncio.sleep(backoff)
            except Exception as error:
                log.debug("pulling for %s failed (%s); retrying in %.1fs", subscription.durable, error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _handle(self, subscription: _Subscription, message: Msg) -> None:
        attempt = message.metadata.num_delivered
        body: Any = None
        try:
            body = orjson.loads(message.data)
            if attempt > 1:
                log.info("%s: %s redelivered (delivery %d)", subscription.consumer, message.subject, attempt)
            if body["type"] not in subscription.types:
                await message.ack()  # an older server's catch-all filter: not for us
                return
            envelope = decode(body, self.registry)
        except Exception as error:
            await self._undecodable(subscription, message, body, error)
            return
        try:
            current_correlation.set(envelope.correlation_id)
            await subscription.handler(envelope)
        except Exception:
            delay = min(0.1 * 2**attempt, 30.0)
            failed = subscription.consumer, message.subject, attempt, delay
            log.exception("%s failed on %s (delivery %d); redelivery in %.1fs", *failed)
            await message.nak(delay=delay)
            return
        await message.ack()  # the effect is committed (or the message was parked)

    async def _undecodable(self, subscription: _Subscription, message: Msg, body: Any, error: Exception) -> None:
        """A message this code cannot read (an unknown schema version, a payload that does not fit): redelivered
        a few times (a replica with newer code may take it), then handed to the consumer to park, and acked."""
        attempt = message.metadata.num_delivered
        text = f"{type(error).__name__}: {error}"
        if subscription.undecodable is None or attempt < self.decode_attempts:
            delay = min(0.1 * 2**attempt, 30.0)
            log.warning("%s cannot decode %s (delivery %d): %s", subscription.consumer, message.subject, attempt, text)
            await message.nak(delay=delay)
            return
        stored = body if isinstance(body, dict) and "message_id" in body else {
            "message_id": message.header.get(MESSAGE_ID, "") if message.header else "",
            "type": message.subject.removeprefix(self.prefix + "."),
            "raw": message.data.decode(errors="replace"),
        }
        try:
            await subscription.undecodable(stored, text, attempt)
        except Exception:
            log.exception("%s could not park an undecodable message", subscription.consumer)
            await message.nak(delay=30.0)
            return
        await message.ack()

    async def _close_client(self) -> None:
        client, self._client, self._js = self._client, None, None
        if client is not None and not client.is_closed:
            with contextlib.suppress(Exception):
                await client.close()
