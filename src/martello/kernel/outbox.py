"""The outbox relay: integration events committed with the domain events are published afterwards."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from martello.kernel.bus import MessageBus
from martello.kernel.envelope import Envelope
from martello.kernel.events import Event

log = logging.getLogger("martello.outbox")


class Outbox(Protocol):
    async def pending(self, limit: int) -> list[tuple[int, Envelope[Event]]]:
        """Unpublished messages in the order they were committed, with their outbox ids."""
        ...

    async def mark_published(self, up_to: int) -> None:
        """Forget every message with an outbox id up to `up_to`."""
        ...

    async def wait_for_messages(self, timeout: float) -> None:
        """Return when a message may have been added, or after `timeout` seconds."""
        ...


class OutboxRelay:
    def __init__(self, outbox: Outbox, bus: MessageBus, *, batch_size: int = 100) -> None:
        self.outbox = outbox
        self.bus = bus
        self.batch_size = batch_size

    async def relay_pending(self) -> int:
        """Publish everything pending now; return how many messages went out."""
        sent = 0
        while batch := await self.outbox.pending(self.batch_size):
            await self.bus.publish([envelope for _, envelope in batch])
            await self.outbox.mark_published(batch[-1][0])
            sent += len(batch)
        return sent

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
