"""Consumers: integration-event handlers and process managers, with one failure policy for all.

    class WarehouseOrders(Consumer):
        name = "warehouse.orders"

        @on(OrderPlaced)
        async def _placed(self, envelope: Envelope[OrderPlaced]) -> None:
            await self.warehouses.change(..., envelope.context, inbox=self.inbox(envelope))

- Subscriptions derive from the `@on` handlers (as a projection's do).
- The effect and the inbox mark commit in one transaction (`inbox=self.inbox(envelope)` on a repository
  or store append, or `await self.apply(envelope, fn)` on the module's database): a redelivered
  message raises `DuplicateMessage` and is skipped.
- A `DomainError` is a real outcome (a rule refused the message; it would be refused forever): logged
  and marked handled. Any other error is retried `attempts` times with a growing pause, then the
  message is parked in the module's dead letters and acknowledged, so the messages after it flow.
  (A `ConcurrencyError` is contention: it is retried longer, with jitter, before it counts.)
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from martello.kernel.bus import MessageBus
from martello.kernel.database import Database, Transaction
from martello.kernel.dead_letters import DeadLetter, envelope_data, envelope_from_data, failed_again, park, remove
from martello.kernel.envelope import Envelope, current_correlation
from martello.kernel.errors import ConcurrencyError, DomainError, DuplicateMessage
from martello.kernel.events import EventRegistry, registry
from martello.kernel.inbox import mark_handled
from martello.kernel.projection import handlers_of, on
from martello.kernel.store import describe_error

__all__ = ["Consumer", "on"]

log = logging.getLogger("martello.consumers")

MessageMethod = Callable[[Any, Envelope[Any]], Awaitable[None]]


class Consumer:
    name: str
    """The consumer's name (a class attribute, or set per instance): its inbox key, its durable subscription,
    its dead letters' owner."""
    attempts: ClassVar[int] = 5
    backoff: ClassVar[float] = 0.05
    """Seconds before the second attempt; doubled before each next one."""
    contention_attempts: ClassVar[int] = 50
    """Attempts that met a concurrency conflict (each after a jittered pause of up to a second)."""
    _handlers: ClassVar[dict[str, MessageMethod]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = handlers_of(cls)

    def __init__(self, database: Database) -> None:
        self.database = database
        self.parked = 0
        """Messages this consumer parked since the process started (a metric)."""

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def inbox(self, envelope: Envelope[Any]) -> tuple[str, str]:
        """The inbox mark to write with the effect of `envelope`."""
        return (self.name, envelope.message_id)

    async def apply(self, envelope: Envelope[Any], fn: Callable[[Transaction], None]) -> None:
        """Run `fn` and the inbox mark in one transaction on the module's database."""

        def write(tx: Transaction) -> None:
            if not mark_handled(tx, self.name, envelope.message_id):
                raise DuplicateMessage(f"{self.name} already handled {envelope.message_id}", consumer=self.name)
            fn(tx)

        await self.database.write(write)

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(self.name, self.event_types, self.deliver, self.park_undecodable)

    async def park_undecodable(self, stored: dict[str, Any], error: str, attempts: int) -> None:
        """Park a received message the bus could not decode (kept as received)."""
        first_failed_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        await self.database.write(lambda tx: park(tx, self.name, stored, error, attempts, first_failed_at))
        self.parked += 1
        log.error("%s parked undecodable %s %s: %s", self.name, stored.get("type"), stored.get("message_id"), error)

    async def handle(self, envelope: Envelope[Any]) -> None:
        """One attempt: duplicates are skipped, a business refusal is an outcome; anything else raises."""
        handler = self._handlers.get(envelope.type)
        if handler is None:
            return
        try:
            await handler(self, envelope)
        except DuplicateMessage:
            log.debug("%s already handled %s", self.name, envelope.message_id)
        except DomainError as refused:
            # A message no rule can accept would be refused the same way forever: record it as handled, say so.
            log.warning("%s refused %s %s: %s", self.name, envelope.type, envelope.message_id, refused.message)
            await self.database.write(lambda tx: mark_handled(tx, self.name, envelope.message_id))

    async def deliver(self, envelope: Envelope[Any]) -> None:
        """What the bus calls: bounded attempts with backoff, then park the message (and return, so the bus
        acknowledges it). Raises only if parking failed too (the database is unreachable): the bus then
        delivers it again later. A concurrency conflict is contention, not poison: it gets more, jittered
        attempts (`contention_attempts`) before it counts as a failure."""
        current_correlation.set(envelope.correlation_id)
        first_failed_at, failures, conflicts = "", 0, 0
        failure: Exception
        while True:
            try:
                await self.handle(envelope)
                return
            except ConcurrencyError as error:
                conflicts += 1
                failure = error
                if conflicts >= self.contention_attempts:
                    break
                await asyncio.sleep(random.uniform(0, min(1.0, self.backoff * 2 ** min(conflicts, 6))))
            except Exception as error:
                first_failed_at = first_failed_at or datetime.now(UTC).isoformat(timespec="milliseconds")
                failures += 1
                failure = error
                if failures >= self.attempts:
                    break
                log.warning("%s failed on %s (attempt %d): %s", self.name, envelope.type, failures, error)
                await asyncio.sleep(self.backoff * 2 ** (failures - 1))
        first_failed_at = first_failed_at or datetime.now(UTC).isoformat(timespec="milliseconds")
        error_text, attempts = describe_error(failure), failures + conflicts
        stored = envelope_data(envelope)
        await self.database.write(lambda tx: park(tx, self.name, stored, error_text, attempts, first_failed_at))
        self.parked += 1
        log.error(
            "%s parked %s %s after %d attempts: %s (`martello messages dead-letters`)",
            self.name,
            envelope.type,
            envelope.message_id,
            attempts,
            error_text,
        )

    async def redeliver(self, letter: DeadLetter, events: EventRegistry = registry) -> None:
        """Handle a parked message once more; on success it leaves the dead letters, else it stays with
        the new error (and the error is raised)."""
        try:
            envelope = envelope_from_data(letter.envelope, events)
            current_correlation.set(envelope.correlation_id)
            await self.handle(envelope)
        except Exception as error:
            text = describe_error(error)
            await self.database.write(lambda tx: failed_again(tx, letter.id, text))
            raise
        await self.database.write(lambda tx: remove(tx, letter.id))
