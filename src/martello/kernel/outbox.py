"""The outbox relay: integration events committed with the domain events are published afterwards.

The relay never waits behind one message: a message it cannot read (a row written by other code) is
parked in the module's dead letters at once, and one the bus keeps refusing is parked after a bounded
number of attempts; the messages after it go on. Only an unreachable bus (a connection error, a
timeout) keeps everything in the outbox, in order, until the bus is back.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from martello.kernel import dead_letters
from martello.kernel.bus import MessageBus
from martello.kernel.database import Database
from martello.kernel.dead_letters import OUTBOX, DeadLetter, envelope_data, envelope_from_data, park
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event, EventRegistry, registry
from martello.kernel.store import UndecodableRow, describe_error

log = logging.getLogger("martello.outbox")

UNREACHABLE = (ConnectionError, TimeoutError, OSError)
"""Failures of the bus itself, not of a message: the outbox keeps every message until it is back."""


class Outbox(Protocol):
    async def pending(self, limit: int) -> list[tuple[int, Envelope[Event]]]:
        """Unpublished messages in the order they were committed, with their outbox ids. `UndecodableRow`
        at the first message that cannot be read, carrying the ones before it."""
        ...

    async def mark_published(self, up_to: int) -> None:
        """Forget every message with an outbox id up to `up_to`."""
        ...

    async def wait_for_messages(self, timeout: float) -> None:
        """Return when a message may have been added, or after `timeout` seconds."""
        ...


class OutboxRelay:
    def __init__(
        self,
        outbox: Outbox,
        bus: MessageBus,
        database: Database,
        *,
        batch_size: int = 100,
        attempts: int = 5,
        backoff: float = 0.05,
    ) -> None:
        self.outbox = outbox
        self.bus = bus
        self.database = database
        self.batch_size = batch_size
        self.attempts = attempts
        self.backoff = backoff
        self.parked = 0
        """Messages this relay parked since the process started (a metric)."""

    async def relay_pending(self) -> int:
        """Publish everything pending now; return how many messages went out (or were parked)."""
        sent = 0
        while True:
            try:
                batch = await self.outbox.pending(self.batch_size)
            except UndecodableRow as poison:
                await self._publish(poison.decoded)
                await self._park(poison.raw, describe_error(poison.cause), 1, dead_letters.now())
                await self.outbox.mark_published(poison.key)
                sent += len(poison.decoded) + 1
                continue
            if not batch:
                return sent
            await self._publish(batch)
            sent += len(batch)

    async def _publish(self, batch: list[tuple[int, Envelope[Event]]]) -> None:
        if not batch:
            return
        try:
            await self.bus.publish([envelope for _, envelope in batch])
        except UNREACHABLE:
            raise
        except Exception:  # one of them is refused: find which, one at a time
            for outbox_id, envelope in batch:
                await self._publish_one(envelope)
                await self.outbox.mark_published(outbox_id)
            return
        await self.outbox.mark_published(batch[-1][0])

    async def _publish_one(self, envelope: Envelope[Event]) -> None:
        first_failed_at = ""
        for attempt in range(1, self.attempts + 1):
            try:
                await self.bus.publish([envelope])
                return
            except UNREACHABLE:
                raise
            except Exception as error:
                first_failed_at = first_failed_at or dead_letters.now()
                failure = error
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        await self._park(envelope_data(envelope), describe_error(failure), self.attempts, first_failed_at)

    async def _park(self, stored: dict[str, Any], error: str, attempts: int, first_failed_at: str) -> None:
        await self.database.write(lambda tx: park(tx, OUTBOX, stored, error, attempts, first_failed_at))
        self.parked += 1
        message = stored.get("type"), stored["message_id"], error
        log.error("outbox parked %s %s: %s (`martello messages dead-letters`)", *message)

    async def redeliver(self, letter: DeadLetter, events: EventRegistry = registry) -> None:
        """Publish a parked outbox message again; on success it leaves the dead letters."""
        try:
            await self.bus.publish([envelope_from_data(letter.envelope, events)])
        except Exception as error:
            text = describe_error(error)
            await self.database.write(lambda tx: dead_letters.failed_again(tx, letter.id, text))
            raise
        await self.database.write(lambda tx: dead_letters.remove(tx, letter.id))

    async def run(self, idle_wait: float = 1.0) -> None:
        backoff = 0.1
        while True:
            try:
                await self.relay_pending()
                backoff = 0.1
                await self.outbox.wait_for_messages(idle_wait)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
